"""What several command groups share: the schedules file found by default, the ``--json``
writer, the ``--dashboards`` option, the paths and Looker client of the schedules and alerts
commands, and the warning on the embedded engine's load problems.

The conventions every command follows (README "Command options"):

- ``-c, --config PATH``: the looker-ops.yaml the command reads;
- ``--json [PATH]`` (:func:`json_option`): also write the result as JSON to PATH; ``-``, or no
  PATH, writes it on stdout (and the text goes to stderr, so stdout holds the JSON alone);
- ``--format``: what is printed on stdout (text, json, ...).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

import click

from looker_ops.errors import BadInput, LookerOpsError

if TYPE_CHECKING:  # the engine (duckdb) and looker-sdk are imported when a command runs
    from looker_ops.engines.local import LoadProblem, LocalEngine
    from looker_ops.looker.client import LookerClient

# Where the schedules file (schedules.yaml, which also holds `alerts:`) is looked for when there
# is neither --file nor a looker-ops.yaml, relative to the current folder: where `looker-ops init`
# writes it, then the repository's own deploy/ folder. A config file without `schedules:` means
# none: then --file is needed.
SCHEDULES_DEFAULTS = (Path("schedules.yaml"), Path("deploy") / "schedules.yaml")


def default_schedules_file() -> Path | None:
    """The first of :data:`SCHEDULES_DEFAULTS` that exists (said on stderr), else None."""
    for path in SCHEDULES_DEFAULTS:
        if path.is_file():
            click.echo(f"schedules file: {path} (found by default; --file to choose another)", err=True)
            return path
    return None


def no_schedules_file(config: Path | None) -> BadInput:
    """The error for no schedules file: what was looked for and how to name one. ``config``:
    the looker-ops.yaml read (it names no schedules file), or None (the defaults were tried)."""
    if config is not None:
        return BadInput(f"no schedules file: pass --file PATH, or set `schedules:` in {config}")
    first, second = (f"./{p}" for p in SCHEDULES_DEFAULTS)
    return BadInput(
        f"no schedules file: neither {first} nor {second} exists here; pass --file PATH, "
        "or set `schedules:` in looker-ops.yaml (-c/--config)"
    )


def json_option(what: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--json [PATH]``, the one spelling on every command: ``what`` as JSON to the file PATH;
    ``-``, or no PATH, puts it on stdout alone (any text goes to stderr or is left out). The
    value reaches the command as ``json_path`` (a str, or None)."""
    return click.option(
        "--json",
        "json_path",
        default=None,
        is_flag=False,
        flag_value="-",
        metavar="[PATH]",
        help=f"Write {what} as JSON to PATH ('-' or no PATH: stdout, the JSON alone).",
    )


def write_json(target: str, data: Any) -> None:
    """``--json TARGET``: the data as JSON in the file TARGET, or on stdout for ``-``."""
    text = json.dumps(data, indent=2, default=str)
    if target == "-":
        click.echo(text)
        return
    try:
        Path(target).write_text(text + "\n", encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"--json {target}: cannot write: {exc.strerror}") from None


# One problem line of an error message: ``file[:line]: [schedule|alert 'NAME': ][key: ]text``,
# where the file is a path (it holds a dot or a slash, and is no option such as ``--s3``).
_PROBLEM = re.compile(
    r"^\s*(?P<file>(?=[^\s:]*[./])[^\s:-][^\s:]*):(?:(?P<line>\d+):)?\s+"
    r"(?:(?:schedule|alert) '(?P<item>[^']*)':\s+)?"
    r"(?:(?P<key>[A-Za-z_][\w.\[\]-]*):\s+)?(?P<text>.*)$"
)


def problems_of(message: str) -> list[dict[str, Any]]:
    """The problems an error message names, one per line of a multi-problem message (its
    ``file: N problems:`` heading left out): ``file``, ``line``, ``item`` (the schedule or
    alert), ``key`` where the message names them (else None), and the ``message`` line itself."""
    lines = [ln for ln in message.splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].rstrip().endswith("problems:"):
        lines = lines[1:]
    out: list[dict[str, Any]] = []
    for ln in lines:
        m = _PROBLEM.match(ln)
        out.append(
            {
                "file": m["file"] if m else None,
                "line": int(m["line"]) if m and m["line"] else None,
                "item": m["item"] if m else None,
                "key": m["key"] if m else None,
                "message": ln.strip(),
            }
        )
    return out


class JsonResult:
    """The ``--json [PATH]`` result of a command that prints text: ``doc`` (a dict the command
    fills in) starts as ``{"command", "status": "ok", "exit_code": 0, "error": None,
    "problems": []}`` and is written when the ``with`` block ends, also when it ends with a
    LookerOpsError: then ``status`` is ``failed``, ``exit_code`` the error's, ``error`` its
    message and ``problems`` the lines of it (:func:`problems_of`), secrets masked, and the
    error goes on to the CLI (its line on stderr, its exit code). :meth:`echo` prints a text
    line: on stdout, or on stderr with ``--json -`` (stdout then holds the JSON alone)."""

    def __init__(self, json_path: str | None, command: str, **fields: Any) -> None:
        self.json_path = json_path
        self.doc: dict[str, Any] = {
            "command": command,
            "status": "ok",
            "exit_code": 0,
            "error": None,
            "problems": [],
            **fields,
        }

    def echo(self, line: str = "", *, err: bool = False) -> None:
        """A line of the text output (stderr with ``--json -``, or when ``err``)."""
        click.echo(line, err=err or self.json_path == "-")

    def __enter__(self) -> JsonResult:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None and not isinstance(exc, LookerOpsError):
            return  # a bug or click's own exit: the CLI reports it
        if isinstance(exc, LookerOpsError):
            from looker_ops.looker.redact import REDACTOR

            message = REDACTOR.redact(exc.message)
            self.doc.update(
                status="failed", exit_code=exc.exit_code, error=message, problems=problems_of(message)
            )
        if self.json_path:
            write_json(self.json_path, self.doc)


dashboards_option = click.option(
    "--dashboards",
    "dashboards",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the *.dashboard.lookml files (default: the config's dashboards.dir, else ./dashboards).",
)


def looker_client(
    config: Path | None,
    looker_ini: str | None,
    section: str | None,
    on_retry: Callable[[str], None] | None = None,
) -> LookerClient:
    """The Looker client of the online schedules and alerts commands: looker-sdk's settings with
    the config's ``looker:`` section (checked as the deploy reads it; read only here, so the
    offline commands never depend on it) and ``--looker-ini`` / ``--section`` applied."""
    from looker_ops.config.settings import load_looker_settings
    from looker_ops.looker.client import LookerClient
    from looker_ops.looker.settings import client_settings

    looker = load_looker_settings(config) if config is not None else None
    base_dir = config.parent if config is not None else None
    settings = client_settings(looker, base_dir=base_dir, looker_ini=looker_ini, section=section)
    return LookerClient(settings, on_retry=on_retry)


def log_files_found(engine: LocalEngine) -> int:
    """How many log files the engine's folder holds, found as the engine finds them (its
    ``files()`` lists partitions, where a file it could not read has none)."""
    from looker_ops.engines.layout import discover

    return len(discover(engine.data_dir))


def load_warning(problems: Sequence[LoadProblem], opened: int, found: int, users: str) -> str:
    """The stderr line on the engine's load problems, counted by kind (files not read, records
    skipped, records loaded with a note), with the log files opened of those found."""
    from looker_ops.preview.model import ProblemCounts

    return (
        f"warning: {ProblemCounts.of(problems).summary()} ({users} use the rest; "
        f"{opened} of {found} log file{'s' if found != 1 else ''} opened)"
    )


DEFAULT_CONFIG = Path("looker-ops.yaml")


def default_config(given: Path | None) -> Path | None:
    """The looker-ops.yaml a command reads: the one given (``-c`` / ``LOOKER_OPS_CONFIG``), else
    ./looker-ops.yaml when there is one, else None (the command runs on its options alone)."""
    if given is not None:
        return given
    return DEFAULT_CONFIG if DEFAULT_CONFIG.is_file() else None


@dataclass
class DeliveryPaths:
    """What the schedules and alerts commands read: the schedules file (it holds ``alerts:`` too),
    the dashboards and LookML project folders, the looker.ini options, and looker-ops.yaml when
    there is one (its ``looker:`` section applies to the client)."""

    file: Path | None
    dashboards: Path
    project: Path
    looker_ini: str | None
    section: str | None
    config: Path | None = None


def delivery_paths(
    ctx: click.Context, file: Path | None, dashboards: Path | None, project: Path | None = None
) -> DeliveryPaths:
    """The options, else looker-ops.yaml's ``schedules:``, ``dashboards.dir`` and
    ``project.lookml_dir`` (read by the config's own reader, without its secrets: ``validate``
    runs in CI without AWS or Looker variables), else the defaults in the current folder
    (the schedules file where it conventionally is: :func:`default_schedules_file`)."""
    from looker_ops.config.settings import load_config

    o = ctx.obj
    path = default_config(o["config"])
    if path is None or not path.is_file():
        if path is not None:
            raise BadInput(f"{path}: config file not found")
        return DeliveryPaths(
            file=file or default_schedules_file(),
            dashboards=dashboards or Path("dashboards"),
            project=project or Path("lookml_project"),
            looker_ini=o["looker_ini"],
            section=o["section"],
        )
    cfg = load_config(path, uses=("schedules", "dashboards", "looker"), secrets=False)
    return DeliveryPaths(
        file=file or (cfg.resolve(cfg.schedules) if cfg.schedules else None),
        dashboards=dashboards or cfg.resolve(cfg.dashboards.dir),
        project=project or cfg.resolve(cfg.project.lookml_dir),
        looker_ini=o["looker_ini"],
        section=o["section"],
        config=path,
    )


def _into_group_settings(ctx: click.Context, param: click.Parameter, value: Any) -> None:
    """A group setting given after the subcommand: it wins over the group's own."""
    if value is not None and param.name is not None:
        ctx.ensure_object(dict)[param.name] = value


def group_settings(f: Callable[..., Any]) -> Callable[..., Any]:
    """``-c/--config``, ``--looker-ini`` and ``--section`` of the ``schedules`` and ``alerts``
    groups, also accepted after the subcommand (``schedules validate -c deploy/looker-ops.yaml``),
    where users write them; given in both places, the later one wins."""
    for option in (
        click.option(
            "--section",
            default=None,
            expose_value=False,
            callback=_into_group_settings,
            help="Section of looker.ini (as on the group).",
        ),
        click.option(
            "--looker-ini",
            "looker_ini",
            type=click.Path(dir_okay=False),
            default=None,
            expose_value=False,
            callback=_into_group_settings,
            help="looker.ini file (as on the group).",
        ),
        click.option(
            "-c",
            "--config",
            "config",
            type=click.Path(path_type=Path, dir_okay=False),
            default=None,
            expose_value=False,
            callback=_into_group_settings,
            help="looker-ops.yaml (as on the group: default ./looker-ops.yaml when present).",
        ),
    ):
        f = option(f)
    return f
