"""``looker-ops deploy`` and the step commands that share its code.

    looker-ops deploy [--dry-run] [--json report.json] [--prune] [--no-rollback]
    looker-ops connection apply | test
    looker-ops project apply
    looker-ops lookml push | deploy
    looker-ops models apply
    looker-ops validate lookml | content | branch --branch B | cleanup --branch B
    looker-ops dashboards import [--prune] [--force]

Progress goes to stderr as steps run; a summary of every step goes to stdout at the end.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from looker_ops.config import Config, load_config
from looker_ops.deploy import APPLIED, PLANNED, Deployer, Options, Report, check_config
from looker_ops.errors import LookerOpsError

_CONFIG_HELP = "looker-ops.yaml to read (default: ./looker-ops.yaml)"


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--json",
        "json_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="write a machine-readable report of every step to this file",
    )(fn)
    fn = click.option(
        "--config",
        "-c",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=Path("looker-ops.yaml"),
        show_default=True,
        help=_CONFIG_HELP,
    )(fn)
    return fn


def _dry(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--dry-run", is_flag=True, help="print the plan; write nothing (no Looker write, no git push)"
    )(fn)


def make_client(cfg: Config) -> Any:
    """The Looker client for a config: looker-sdk's settings (LOOKERSDK_* / looker.ini) with every
    key of the config's ``looker:`` section applied (ini, section, timeouts, max_retries)."""
    from looker_ops.looker.client import LookerClient

    return LookerClient.from_looker_settings(cfg.looker, base_dir=cfg.base_dir)


def run_steps(
    config_path: Path,
    steps: tuple[str, ...],
    *,
    json_path: Path | None = None,
    command: str,
    client_factory: Callable[[Config], Any] | None = None,
    **options: Any,
) -> Report:
    """Load the config, check it (before any call), run the steps, write the report, print."""
    try:
        cfg = load_config(config_path)
        check_config(cfg, steps)
        client = (client_factory or make_client)(cfg)
    except LookerOpsError as exc:  # bad input before any call: the report still says why
        if json_path is not None:
            Report(
                command=command,
                dry_run=bool(options.get("dry_run")),
                status="failed",
                exit_code=exc.exit_code,
                error=exc.message,
            ).write(json_path)
        raise
    opts = Options(steps=steps, **options)
    deployer = Deployer(cfg, client, opts, echo=lambda line: click.echo(line, err=True), command=command)
    try:
        report = deployer.run()
    finally:
        if json_path is not None:
            deployer.report.write(json_path)
        close = getattr(client, "close", None)
        if callable(close):
            close()
    _summary(report)
    return report


def _summary(report: Report) -> None:
    for rec in report.steps:
        click.echo(f"{rec.name:<11} {rec.status:<9} {rec.message}".rstrip())
        if rec.status in (PLANNED, APPLIED):
            for ch in rec.changes:
                click.echo(f"    {ch.line()}")


# --------------------------------------------------------------------------- deploy


@click.command("deploy")
@_common
@_dry
@click.option(
    "--prune/--no-prune",
    default=None,
    help="delete the block's dashboards no longer in dashboards/ (default: dashboards.prune)",
)
@click.option(
    "--no-rollback", is_flag=True, help="on new content errors, leave production and dashboards as deployed"
)
@click.option("--force-dashboards", is_flag=True, help="re-import every dashboard even when unchanged")
def deploy_cmd(
    config_path: Path,
    json_path: Path | None,
    dry_run: bool,
    prune: bool | None,
    no_rollback: bool,
    force_dashboards: bool,
) -> None:
    """Install or update the block: connection, project, LookML, models, validation, production,
    dashboards, content validation, schedules."""
    from looker_ops.deploy import STEP_NAMES

    run_steps(
        config_path,
        STEP_NAMES,
        json_path=json_path,
        command="deploy",
        dry_run=dry_run,
        prune=prune,
        rollback=False if no_rollback else None,
        force_dashboards=force_dashboards,
    )


# --------------------------------------------------------------------------- step commands


def _step_command(group: click.Group, name: str, step: str, help_text: str, dry: bool = True) -> None:
    def cmd(config_path: Path, json_path: Path | None, dry_run: bool = False) -> None:
        run_steps(config_path, (step,), json_path=json_path, command=f"{group.name} {name}", dry_run=dry_run)

    cmd.__doc__ = help_text
    wrapped = _common(_dry(cmd) if dry else cmd)
    group.command(name, help=help_text)(wrapped)


@click.group("connection")
def connection_group() -> None:
    """The Athena connection in Looker."""


@click.group("project")
def project_group() -> None:
    """The block's LookML project in Looker."""


@click.group("lookml")
def lookml_group() -> None:
    """The LookML: push it to the project's git remote, deploy it to production."""


@click.group("models")
def models_group() -> None:
    """LookML model configuration (allowed connections)."""


@click.group("validate")
def validate_group() -> None:
    """Looker-side validation: LookML on a dev branch, content validation."""


@click.group("dashboards")
def dashboards_group() -> None:
    """The block's dashboards in Looker."""


_step_command(
    connection_group, "apply", "connection", "Create or update the Athena connection, then test it."
)
_step_command(project_group, "apply", "project", "Create the project (dev workspace) and set its git remote.")
_step_command(
    lookml_group,
    "push",
    "lookml",
    "Commit exactly the LookML folder (constants set) and push it to the deploy branch.",
)
_step_command(
    lookml_group,
    "deploy",
    "production",
    "Deploy the deploy branch head to production (no validation: see `deploy`).",
)
_step_command(
    models_group, "apply", "models", "Create or update the lookml models and their allowed connection."
)
_step_command(
    validate_group,
    "lookml",
    "validate",
    "Validate the deploy branch head on a dev branch: LookML validation and data tests.",
    dry=False,
)
_step_command(
    validate_group,
    "content",
    "content",
    "Run content validation; fail on any error on the block's content.",
    dry=False,
)


@validate_group.command("branch")
@_common
@click.option(
    "--branch", required=True, help="the branch to push the LookML to and validate (e.g. looker-ops-pr-42)"
)
def validate_branch(config_path: Path, json_path: Path | None, branch: str) -> None:
    """Validate this checkout's LookML on Looker without deploying: push it to BRANCH (started from
    the deploy branch), check it out in the dev workspace, run LookML validation and data tests."""
    run_steps(config_path, ("branch",), json_path=json_path, command="validate branch", branch=branch)


@validate_group.command("cleanup")
@_common
@click.option("--branch", required=True, help="the validation branch to delete")
def validate_cleanup(config_path: Path, json_path: Path | None, branch: str) -> None:
    """Delete a `validate branch` branch from Looker's dev workspace and the git remote."""
    run_steps(config_path, ("cleanup",), json_path=json_path, command="validate cleanup", branch=branch)


@connection_group.command("test")
@_common
def connection_test(config_path: Path, json_path: Path | None) -> None:
    """Run Looker's tests of the connection (exit 3 with Looker's message on a failure)."""
    from looker_ops.looker import connection as conn_mod

    cfg = load_config(config_path)
    client = make_client(cfg)
    try:
        for line in conn_mod.test(client, cfg.connection.name):
            click.echo(line)
    finally:
        client.close()


@dashboards_group.command("import")
@_common
@_dry
@click.option(
    "--prune/--no-prune", default=None, help="delete the block's dashboards no longer in dashboards/"
)
@click.option("--force", is_flag=True, help="re-import every dashboard even when unchanged")
def dashboards_import(
    config_path: Path, json_path: Path | None, dry_run: bool, prune: bool | None, force: bool
) -> None:
    """Import dashboards/*.dashboard.lookml into the folder, in place, by preferred_slug."""
    run_steps(
        config_path,
        ("dashboards",),
        json_path=json_path,
        command="dashboards import",
        dry_run=dry_run,
        prune=prune,
        force_dashboards=force,
    )


COMMANDS: list[click.Command] = [
    deploy_cmd,
    connection_group,
    project_group,
    lookml_group,
    models_group,
    validate_group,
    dashboards_group,
]
