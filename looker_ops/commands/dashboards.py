"""``looker-ops dashboards import``: the block's dashboards in Looker (deploy step 7)."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, dry_run_option, run_steps


@click.group("dashboards")
def dashboards_group() -> None:
    """The block's dashboards in Looker."""


@dashboards_group.command("import")
@common_options
@dry_run_option
@click.option(
    "--prune/--no-prune",
    default=None,
    help="move the block's dashboards that are no longer in the files to Looker's trash "
    "(default: the config's dashboards.prune)",
)
@click.option("--force", is_flag=True, help="re-import every dashboard even when unchanged")
def dashboards_import(
    config_path: Path, json_path: Path | None, dry_run: bool, prune: bool | None, force: bool
) -> None:
    """Import dashboards/*.dashboard.lookml into the config's dashboards.folder.

    Each dashboard is matched by its preferred_slug and updated in place (its id, links and
    schedules survive); unchanged dashboards are skipped."""
    run_steps(
        config_path,
        ("dashboards",),
        json_path=json_path,
        command="dashboards import",
        dry_run=dry_run,
        prune=prune,
        force_dashboards=force,
    )
