"""``looker-ops validate lookml | content | branch | cleanup``: Looker-side validation (deploy
steps 5 and 8) and pull-request validation on a branch of its own."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, run_steps


@click.group("validate")
def validate_group() -> None:
    """Looker-side validation: LookML on a dev branch, content validation."""


@validate_group.command("lookml")
@common_options
def validate_lookml(config_path: Path, json_path: Path | None) -> None:
    """Validate the deploy branch's latest commit on the dev branch looker_ops_validate: LookML validation and LookML data tests. Production is not changed."""
    run_steps(config_path, ("validate",), json_path=json_path, command="validate lookml")


@validate_group.command("content")
@common_options
def validate_content(config_path: Path, json_path: Path | None) -> None:
    """Run Looker's content validation; fail (exit 1) on any error in the block's dashboards."""
    run_steps(config_path, ("content",), json_path=json_path, command="validate content")


@validate_group.command("branch")
@common_options
@click.option(
    "--branch",
    required=True,
    help="a branch of its own to push the LookML to and validate (e.g. looker-ops-pr-42)",
)
def validate_branch(config_path: Path, json_path: Path | None, branch: str) -> None:
    """Validate this checkout's LookML on Looker without deploying it.

    Pushes the LookML to --branch (started from the deploy branch), checks that branch out in
    the API user's dev workspace and runs LookML validation and the LookML data tests. Production
    is not changed. Exit 1 with file:line: message on an error. Delete the branch afterwards
    with `validate cleanup`."""
    run_steps(config_path, ("branch",), json_path=json_path, command="validate branch", branch=branch)


@validate_group.command("cleanup")
@common_options
@click.option("--branch", required=True, help="the validation branch to delete")
def validate_cleanup(config_path: Path, json_path: Path | None, branch: str) -> None:
    """Delete a `validate branch` branch from Looker's dev workspace and from the git remote
    (nothing to do when it is already gone)."""
    run_steps(config_path, ("cleanup",), json_path=json_path, command="validate cleanup", branch=branch)
