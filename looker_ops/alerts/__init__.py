"""``looker-ops alerts``: alerts on the block's tiles, as code, and evaluated on your own logs.

One module per verb: :mod:`~looker_ops.alerts.apply` (make Looker match the ``alerts:`` of the
schedules file; also the deploy's alerts step), :mod:`~looker_ops.alerts.run` (``alerts test``:
run one now), :mod:`~looker_ops.alerts.list` (the alerts on the block's dashboards),
:mod:`~looker_ops.alerts.report` (what apply returns and prints) and
:mod:`~looker_ops.alerts.evaluate` (run the alerts' conditions on local logs). The file is read
by :mod:`looker_ops.config.alerts`; the Looker resource (desired / read / plan / apply) is
:mod:`looker_ops.looker.alerts`.
"""
