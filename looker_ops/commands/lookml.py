"""``looker-ops lookml push | deploy``: the LookML to git (deploy step 3, git only: no Looker
call) and production moved to it (step 6)."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, dry_run_option, run_steps


@click.group("lookml")
def lookml_group() -> None:
    """The LookML: push it to the project's git remote; deploy it to production."""


@lookml_group.command("push")
@common_options
@dry_run_option
def lookml_push(config_path: Path, json_path: Path | None, dry_run: bool) -> None:
    """Commit the LookML folder (manifest constants set from the config) and push it to the deploy branch."""
    run_steps(config_path, ("lookml",), json_path=json_path, command="lookml push", dry_run=dry_run)


@lookml_group.command("deploy")
@common_options
@dry_run_option
def lookml_deploy(config_path: Path, json_path: Path | None, dry_run: bool) -> None:
    """Move production to the deploy branch's latest commit, without validating it (`deploy` validates first)."""
    run_steps(config_path, ("production",), json_path=json_path, command="lookml deploy", dry_run=dry_run)
