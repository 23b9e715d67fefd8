"""What the deploy command and the step commands (``connection``, ``project``, ``lookml``,
``models``, ``validate``, ``dashboards``) share: their options, the Looker client, and
:func:`run_steps`, which runs steps of :class:`looker_ops.deploy.pipeline.Deployer` and prints
progress (stderr), the summary (stdout) and the job summary.

A new step command: a ``@<group>.command`` in the group's module that calls :func:`run_steps`
with its step names (see docs/extending.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from looker_ops import clock
from looker_ops.commands.options import config_option
from looker_ops.commands.outpaths import cannot_write
from looker_ops.config.settings import Config
from looker_ops.deploy.context import GIT_ONLY_STEPS, Options
from looker_ops.deploy.pipeline import Deployer, check_config
from looker_ops.deploy.preflight import read_config
from looker_ops.deploy.report import Report, append_job_summary, summary_lines
from looker_ops.errors import BadInput, LookerOpsError

CONFIG_HELP = "the looker-ops.yaml to read"


def common_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--json [PATH]`` and ``-c/--config PATH``: every deploy and step command takes them."""
    fn = click.option(
        "--json",
        "json_path",
        type=click.Path(dir_okay=False, path_type=Path),
        is_flag=False,
        flag_value="-",
        metavar="[PATH]",
        help="write a JSON report of every step to PATH, also when the command fails "
        "('-' or no PATH: stdout, the JSON alone; the summary then goes to stderr)",
    )(fn)
    fn = config_option(
        CONFIG_HELP, dir_okay=False, default=Path("looker-ops.yaml"), show_default=True, envvar=None
    )(fn)
    return fn


def dry_run_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--dry-run``."""
    return click.option(
        "--dry-run", is_flag=True, help="print the plan and stop: no change in Looker, no git push"
    )(fn)


def resend_option(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``--resend-secrets`` (the connection's secret access key)."""
    return click.option(
        "--resend-secrets",
        is_flag=True,
        help="send the connection's secret access key to Looker even when nothing shows it changed "
        "(Looker never returns it: use this after correcting the secret under the same key id)",
    )(fn)


def progress(line: str) -> None:
    """A progress line (secrets masked): stderr, so stdout holds the summary (or JSON) alone."""
    from looker_ops.commands.jsonout import masked

    click.echo(masked(line), err=True)


def make_client(cfg: Config) -> Any:
    """The Looker client for a config: looker-sdk's settings (LOOKERSDK_* / looker.ini) with every
    key of the config's ``looker:`` section applied (ini, section, timeouts, max_retries).
    Retries are reported on stderr as they happen, so a slow Looker never looks like a hang."""
    from looker_ops.looker.client import LookerClient
    from looker_ops.looker.settings import client_settings

    return LookerClient(client_settings(cfg.looker, base_dir=cfg.base_dir), on_retry=progress)


def run_steps(
    config_path: Path,
    steps: tuple[str, ...],
    *,
    json_path: Path | None = None,
    command: str,
    client_factory: Callable[[Config], Any] | None = None,
    **options: Any,
) -> Report:
    """Load the config, check it (before any call), run the steps, write the report, print.

    Steps that need only git (:data:`~looker_ops.deploy.context.GIT_ONLY_STEPS`) run without
    a Looker client: no Looker settings are read for them."""
    started_at = clock.now().isoformat(timespec="seconds")
    if json_path is not None and str(json_path) != "-":
        _check_report_path(Path(json_path))  # before any step: the report must have a place
    try:
        # Every problem at once: the config's, the steps', the Looker settings' (LOOKERSDK_*).
        cfg, earlier = read_config(config_path, steps)
        needs_looker = not set(steps) <= GIT_ONLY_STEPS
        check_config(cfg, steps, earlier=earlier, looker=needs_looker and client_factory is None)
        client = (client_factory or make_client)(cfg) if needs_looker else None
    except LookerOpsError as exc:  # bad input before any call: the report still says why
        early = Report(
            command=command,
            dry_run=bool(options.get("dry_run")),
            status="failed",
            exit_code=exc.exit_code,
            error=exc.message,
            started_at=started_at,
        )
        _finish(early, json_path, None)
        raise
    deployer = Deployer(cfg, client, Options(steps=steps, **options), echo=progress, command=command)
    try:
        return deployer.run()
    finally:
        _finish(deployer.report, json_path, client)
        close = getattr(client, "close", None)
        if callable(close):
            close()


def _check_report_path(path: Path) -> None:
    """``--json PATH`` of a run: its folder exists (made if need be) and can be written, and PATH
    is no folder; else BadInput naming the option and the path, before anything is done."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise cannot_write("--json", path, exc) from None
    if path.is_dir():
        raise BadInput(f"--json {path}: is a folder (give a file path)")
    if not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise BadInput(f"--json {path}: cannot write: permission denied")


def _finish(report: Report, json_path: Path | None, client: Any) -> None:
    """On every exit: the JSON report, the GitHub job summary and the summary on stdout (what
    was done, where it stopped, what was undone), secrets masked."""
    from looker_ops.commands.jsonout import masked

    client_redactor = getattr(client, "redactor", None)

    def redact(text: str) -> str:  # the client's secrets, then the masking of every message
        return masked(client_redactor.redact(text) if client_redactor is not None else text)

    to_stdout = json_path is not None and str(json_path) == "-"
    if to_stdout:
        click.echo(json.dumps(report.as_dict(), indent=2))
    elif json_path is not None:
        try:
            report.write(Path(json_path))
        except OSError as exc:
            failure = cannot_write("--json", json_path, exc)
            if report.status == "ok":
                raise failure from None
            progress(f"error: {failure.message}")  # the run's own error follows
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if target:
        warning = append_job_summary(report, target, redact)
        if warning:
            progress(warning)
    for line in summary_lines(report, redact, with_error=not to_stdout):
        click.echo(line, err=to_stdout)  # with --json -, stdout holds the JSON alone
