"""``looker-ops deploy``: every step, in order (see :mod:`looker_ops.deploy.pipeline`).

    looker-ops deploy [--dry-run] [--json report.json] [--prune] [--no-rollback] [--resend-secrets]

Each step also has a command of its own, one module per group: ``connection``, ``project``,
``lookml``, ``models``, ``validate``, ``dashboards`` (all through
:func:`looker_ops.commands.steps.run_steps`). Progress goes to stderr as steps run; a summary of
every step goes to stdout at the end.
"""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, dry_run_option, resend_option, run_steps
from looker_ops.deploy.context import STEP_NAMES


@click.command("deploy")
@common_options
@dry_run_option
@click.option(
    "--prune/--no-prune",
    default=None,
    help="delete the block's dashboards (to Looker's trash) and looker-ops schedules that are no "
    "longer in the files (default: the config's dashboards.prune)",
)
@click.option(
    "--no-rollback",
    is_flag=True,
    help="when content validation finds new errors, keep the new LookML and dashboards in production "
    "(default: go back to the previous production commit and dashboards)",
)
@click.option("--force-dashboards", is_flag=True, help="re-import every dashboard even when unchanged")
@resend_option
def deploy_cmd(
    config_path: Path,
    json_path: Path | None,
    dry_run: bool,
    prune: bool | None,
    no_rollback: bool,
    force_dashboards: bool,
    resend_secrets: bool,
) -> None:
    """Install or update the CloudTrail block on a Looker instance.

    \b
    Ten steps, each planned, printed, applied and checked:
    Athena connection, LookML project, LookML pushed to git, model configuration,
    validation on a dev branch, deploy to production, dashboards, content validation
    (new errors roll production back), scheduled deliveries, alerts on dashboard tiles.
    The config, the schedules file and the Looker settings are checked first: every
    problem at once, before any call.

    Looker credentials come from LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and
    LOOKERSDK_CLIENT_SECRET (or the config's looker.ini). Progress goes to stderr, a summary to
    stdout. Exit codes: 0 deployed or nothing to do, 1 validation failed, 2 bad config or
    input, 3 Looker or git failed. See docs/deploy.md.
    """
    run_steps(
        config_path,
        STEP_NAMES,
        json_path=json_path,
        command="deploy",
        dry_run=dry_run,
        prune=prune,
        rollback=False if no_rollback else None,
        force_dashboards=force_dashboards,
        resend_secrets=resend_secrets,
    )
