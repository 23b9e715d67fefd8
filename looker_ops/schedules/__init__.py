"""``looker-ops schedules``: scheduled deliveries of the block's dashboards, as code.

One module per verb: :mod:`~looker_ops.schedules.apply` (make Looker match schedules.yaml;
also the deploy's last step), :mod:`~looker_ops.schedules.run` (send one now),
:mod:`~looker_ops.schedules.list` (the plans on the block's dashboards) and
:mod:`~looker_ops.schedules.report` (what they return and print). The file is read by
:mod:`looker_ops.config.schedules`; the Looker resource (desired / read / plan / apply) is
:mod:`looker_ops.looker.schedules`. Adding a resource or a command: docs/extending.md.
"""
