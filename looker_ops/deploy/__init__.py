"""``looker-ops deploy``: the block installed or updated on a Looker instance, step by step.

:mod:`~looker_ops.deploy.pipeline` runs the steps in order; the steps themselves are in
``setup_steps`` / ``release_steps`` / ``branch_steps``, what they share in ``context``, the checks
made before the first write in ``preflight``, and the report in ``report``. The Looker resources
the steps change are in :mod:`looker_ops.looker`. Adding a resource or a command:
docs/extending.md.
"""
