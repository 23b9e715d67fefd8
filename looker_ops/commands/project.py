"""``looker-ops project apply``: the block's LookML project in Looker (deploy step 2)."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, dry_run_option, run_steps


@click.group("project")
def project_group() -> None:
    """The block's LookML project in Looker."""


@project_group.command("apply")
@common_options
@dry_run_option
def project_apply(config_path: Path, json_path: Path | None, dry_run: bool) -> None:
    """Create the project (dev workspace) and set its git remote."""
    run_steps(config_path, ("project",), json_path=json_path, command="project apply", dry_run=dry_run)
