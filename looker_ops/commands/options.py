"""What several command groups share: the schedules file found by default, the ``-c/--config``,
``--dashboards``, ``--file`` and ``--project`` options, the paths and Looker client of the schedules and alerts
commands, and the warning on the embedded engine's load problems.

The conventions every command follows (README "Command options"):

- ``-c, --config PATH``: the looker-ops.yaml the command reads;
- ``--json [PATH]`` (:func:`looker_ops.commands.jsonout.json_option`): also write the result as
  JSON to PATH; ``-``, or no PATH, writes it on stdout (and the text goes to stderr, so stdout
  holds the JSON alone); a failure gives the JSON error envelope there
  (:mod:`looker_ops.commands.jsonout`);
- ``--format``: what is printed on stdout (text, json, ...).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from looker_ops.errors import BadInput

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


F = TypeVar("F", bound=Callable[..., Any])


def config_option(
    help: str, dest: str = "config_path", *, dir_okay: bool = True, **extra: Any
) -> Callable[[F], F]:
    """``-c/--config PATH`` (also ``LOOKER_OPS_CONFIG``) of a command that reads looker-ops.yaml
    when there is one: ``help`` says which of its sections the command reads. The value reaches
    the command as ``dest`` (None when not given: :func:`default_config` finds ./looker-ops.yaml);
    ``extra`` goes to click.option (over these settings)."""
    settings: dict[str, Any] = {
        "default": None,
        "type": click.Path(path_type=Path, dir_okay=dir_okay),
        "envvar": "LOOKER_OPS_CONFIG",
        "help": help,
        **extra,
    }
    return click.option("-c", "--config", dest, **settings)


dashboards_option = click.option(
    "--dashboards",
    "dashboards",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder of the *.dashboard.lookml files (default: the config's dashboards.dir, else ./dashboards).",
)


project_option = click.option(
    "--project",
    "project",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="LookML project folder: the fields of field filters and the alerts' tiles "
    "(default: the config's project.lookml_dir, else ./lookml_project).",
)


no_secrets_option = click.option(
    "--no-secrets",
    is_flag=True,
    help="Accept unset variables of secret parameters (pull-request CI without the secrets).",
)


def delivery_options(holding: str = "") -> Callable[[F], F]:
    """``--file``, ``--dashboards`` and ``--project`` of the schedules and alerts commands (the
    values reach the command as ``file``, ``dashboards`` and ``project``; :func:`delivery_paths`
    gives their defaults). ``holding`` says what the command reads from the file."""
    file_option = click.option(
        "--file",
        "file",
        type=click.Path(path_type=Path, dir_okay=False),
        default=None,
        help=f"Schedules file{holding} (default: the `schedules:` key of looker-ops.yaml, else "
        "./schedules.yaml or ./deploy/schedules.yaml).",
    )

    def deco(f: F) -> F:
        return file_option(dashboards_option(project_option(f)))

    return deco


def echo_valid(
    out: Any,
    key: str,
    spec: Any,
    items: Sequence[Any],
    line: Callable[[Any], str],
    row: Callable[[Any], dict[str, Any]],
) -> None:
    """The body of ``schedules validate`` and ``alerts validate`` once the file has read: an
    ``ok`` line per item (``line``), and in ``out`` (a JsonResult) the file, the count and each
    item's ``row`` under ``key``."""
    for item in items:
        out.echo(f"ok {line(item)}")
    out.doc.update({"file": spec.file, "count": len(items), key: [row(item) for item in items]})


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
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None = None,
    *,
    need_dashboards: bool = True,
) -> DeliveryPaths:
    """The options, else looker-ops.yaml's ``schedules:``, ``dashboards.dir`` and
    ``project.lookml_dir`` (read by the config's own reader, without its secrets: ``validate``
    runs in CI without AWS or Looker variables), else the defaults in the current folder
    (the schedules file where it conventionally is: :func:`default_schedules_file`), where a
    missing ``./dashboards`` or ``./lookml_project`` is the bundled block's, as for ``check`` and
    ``preview`` (said on stderr). With ``need_dashboards``, a dashboards folder that does not
    exist is BadInput naming where it was chosen: ``--dashboards``, or the config's
    ``FILE:LINE: dashboards.dir``, in the words of ``config check``."""
    from looker_ops.config.settings import load_config, local_folder_problem

    o = ctx.obj
    path = default_config(o["config"])
    if path is None or not path.is_file():
        if path is not None:
            raise BadInput(f"{path}: config file not found")
        found = DeliveryPaths(
            file=file or default_schedules_file(),
            dashboards=dashboards or _bundled_if_missing(Path("dashboards"), 1),
            project=project or _bundled_if_missing(Path("lookml_project"), 0),
            looker_ini=o["looker_ini"],
            section=o["section"],
        )
        origin = (
            "--dashboards"
            if dashboards
            else f"{found.dashboards} (pass --dashboards, or set dashboards.dir in looker-ops.yaml)"
        )
    else:
        cfg = load_config(path, uses=("schedules", "dashboards", "looker"), secrets=False)
        found = DeliveryPaths(
            file=file or (cfg.resolve(cfg.schedules) if cfg.schedules else None),
            dashboards=dashboards or cfg.resolve(cfg.dashboards.dir),
            project=project or cfg.resolve(cfg.project.lookml_dir),
            looker_ini=o["looker_ini"],
            section=o["section"],
            config=path,
        )
        origin = "--dashboards" if dashboards else cfg.where("dashboards.dir")
    if need_dashboards and (problem := local_folder_problem(found.dashboards)) is not None:
        raise BadInput(f"{origin}: {problem}")
    return found


def _bundled_if_missing(default: Path, which: int) -> Path:
    """``default`` (``./dashboards``, ``./lookml_project``) when it is a folder, else the bundled
    block's (``which``: its index in :func:`looker_ops.bundled.block_dirs`), said on stderr."""
    from looker_ops.bundled import block_dirs

    if default.is_dir():
        return default
    bundled = block_dirs()[which]
    if not bundled.is_dir():
        return default
    click.echo(f"no ./{default} here: reading the block bundled with looker-ops ({bundled})", err=True)
    return bundled


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
        config_option(
            "looker-ops.yaml (as on the group: default ./looker-ops.yaml when present).",
            "config",
            dir_okay=False,
            envvar=None,  # read by the group: here it would undo the group's -c
            expose_value=False,
            callback=_into_group_settings,
        ),
    ):
        f = option(f)
    return f
