"""``looker-ops deploy`` and the step commands that share its code.

    looker-ops deploy [--dry-run] [--json report.json] [--prune] [--no-rollback] [--resend-secrets]
    looker-ops connection apply [--resend-secrets] | test
    looker-ops project apply
    looker-ops lookml push | deploy
    looker-ops models apply
    looker-ops validate lookml | content | branch --branch B | cleanup --branch B
    looker-ops dashboards import [--prune] [--force]

Progress goes to stderr as steps run; a summary of every step goes to stdout at the end.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from looker_ops.config.settings import Config, load_config
from looker_ops.deploy.pipeline import APPLIED, FAILED, PLANNED, Deployer, Options, Report, check_config
from looker_ops.errors import LookerOpsError

_CONFIG_HELP = "the looker-ops.yaml to read"


def _common(fn: Callable[..., Any]) -> Callable[..., Any]:
    fn = click.option(
        "--json",
        "json_path",
        type=click.Path(dir_okay=False, path_type=Path),
        help="write a JSON report of every step to this file (also when the command fails)",
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
        "--dry-run", is_flag=True, help="print the plan and stop: no change in Looker, no git push"
    )(fn)


def _resend(fn: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--resend-secrets",
        is_flag=True,
        help="send the connection's secret access key to Looker even when nothing shows it changed "
        "(Looker never returns it: use this after correcting the secret under the same key id)",
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
        # The Athena secret is needed only by the step that sends it (the connection step).
        cfg = load_config(config_path, secrets="connection" in steps)
        check_config(cfg, steps)
        client = (client_factory or make_client)(cfg)
    except LookerOpsError as exc:  # bad input before any call: the report still says why
        early = Report(
            command=command,
            dry_run=bool(options.get("dry_run")),
            status="failed",
            exit_code=exc.exit_code,
            error=exc.message,
        )
        if json_path is not None:
            early.write(json_path)
        _job_summary(early)
        _summary(early)
        raise
    opts = Options(steps=steps, **options)
    deployer = Deployer(cfg, client, opts, echo=lambda line: click.echo(line, err=True), command=command)
    try:
        report = deployer.run()
    finally:
        if json_path is not None:
            deployer.report.write(json_path)
        _job_summary(deployer.report, getattr(client, "redactor", None))
        _summary(deployer.report)  # on every exit: what was done, where it stopped, what was undone
        close = getattr(client, "close", None)
        if callable(close):
            close()
    return report


def _job_summary(report: Report, redactor: Any = None) -> None:
    """In GitHub Actions ($GITHUB_STEP_SUMMARY set), append the report as Markdown to the job
    summary, secrets masked. A file that cannot be written is a warning, not a failed deploy."""
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        return
    from looker_ops.looker.redact import REDACTOR

    text = (redactor or REDACTOR).redact(report.markdown())
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(text + "\n")
    except OSError as exc:
        click.echo(f"warning: cannot write the job summary (GITHUB_STEP_SUMMARY): {exc.strerror}", err=True)


def _summary(report: Report) -> None:
    """The summary on stdout, success or failure: each step's status and changes, then for a
    failure the step that failed and what was rolled back (the error itself goes to stderr)."""
    for rec in report.steps:
        click.echo(f"{rec.name:<11} {rec.status:<9} {rec.message}".rstrip())
        if rec.status in (PLANNED, APPLIED):
            for ch in rec.changes:
                click.echo(f"    {ch.line()}")
        for undo in rec.details.get("rollback") or []:
            click.echo(f"    rolled back: {undo}")
    if report.status == "ok":
        return
    failed = next((rec for rec in report.steps if rec.status == FAILED), None)
    where = f"at step {failed.name}" if failed is not None else "before any step ran"
    from looker_ops.looker.redact import REDACTOR

    first_line = REDACTOR.redact(report.error.splitlines()[0]) if report.error else ""
    click.echo(
        f"deploy failed {where} (exit code {report.exit_code})" + (f": {first_line}" if first_line else "")
    )


# --------------------------------------------------------------------------- deploy


@click.command("deploy")
@_common
@_dry
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
@_resend
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
    Nine steps, each planned, printed, applied and checked:
    Athena connection, LookML project, LookML pushed to git, model configuration,
    validation on a dev branch, deploy to production, dashboards, content validation
    (new errors roll production back), scheduled deliveries.

    Looker credentials come from LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID and
    LOOKERSDK_CLIENT_SECRET (or the config's looker.ini). Progress goes to stderr, a summary to
    stdout. Exit codes: 0 deployed or nothing to do, 1 validation failed, 2 bad config or
    input, 3 Looker or git failed. See docs/deploy.md.
    """
    from looker_ops.deploy.pipeline import STEP_NAMES

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
    """The LookML: push it to the project's git remote; deploy it to production."""


@click.group("models")
def models_group() -> None:
    """LookML model configuration (allowed connections)."""


@click.group("validate")
def validate_group() -> None:
    """Looker-side validation: LookML on a dev branch, content validation."""


@click.group("dashboards")
def dashboards_group() -> None:
    """The block's dashboards in Looker."""


@connection_group.command("apply")
@_common
@_dry
@_resend
def connection_apply(config_path: Path, json_path: Path | None, dry_run: bool, resend_secrets: bool) -> None:
    """Create or update the Athena connection, then test it."""
    run_steps(
        config_path,
        ("connection",),
        json_path=json_path,
        command="connection apply",
        dry_run=dry_run,
        resend_secrets=resend_secrets,
    )


_step_command(project_group, "apply", "project", "Create the project (dev workspace) and set its git remote.")
_step_command(
    lookml_group,
    "push",
    "lookml",
    "Commit the LookML folder (manifest constants set from the config) and push it to the deploy branch.",
)
_step_command(
    lookml_group,
    "deploy",
    "production",
    "Move production to the deploy branch's latest commit, without validating it (`deploy` validates first).",
)
_step_command(
    models_group, "apply", "models", "Create or update the lookml models and their allowed connection."
)
_step_command(
    validate_group,
    "lookml",
    "validate",
    "Validate the deploy branch's latest commit on the dev branch looker_ops_validate: LookML "
    "validation and LookML data tests. Production is not changed.",
    dry=False,
)
_step_command(
    validate_group,
    "content",
    "content",
    "Run Looker's content validation; fail (exit 1) on any error in the block's dashboards.",
    dry=False,
)


@validate_group.command("branch")
@_common
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
@_common
@click.option("--branch", required=True, help="the validation branch to delete")
def validate_cleanup(config_path: Path, json_path: Path | None, branch: str) -> None:
    """Delete a `validate branch` branch from Looker's dev workspace and from the git remote
    (nothing to do when it is already gone)."""
    run_steps(config_path, ("cleanup",), json_path=json_path, command="validate cleanup", branch=branch)


@connection_group.command("test")
@_common
def connection_test(config_path: Path, json_path: Path | None) -> None:
    """Run Looker's tests of the connection (exit 3 with Looker's message on a failure)."""
    from looker_ops.looker import connection as conn_mod

    cfg = load_config(config_path, secrets=False)  # Looker tests what it holds: nothing is sent
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


COMMANDS: list[click.Command] = [
    deploy_cmd,
    connection_group,
    project_group,
    lookml_group,
    models_group,
    validate_group,
    dashboards_group,
]
