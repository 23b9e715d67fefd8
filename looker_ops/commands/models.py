"""``looker-ops models apply``: the lookml model configuration (deploy step 4)."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, dry_run_option, run_steps


@click.group("models")
def models_group() -> None:
    """LookML model configuration (allowed connections)."""


@models_group.command("apply")
@common_options
@dry_run_option
def models_apply(config_path: Path, json_path: Path | None, dry_run: bool) -> None:
    """Create or update the lookml models and their allowed connection."""
    run_steps(config_path, ("models",), json_path=json_path, command="models apply", dry_run=dry_run)
