"""``looker-ops.yaml`` -> typed settings.

- Every key is checked before any remote call: an unknown key, a wrong type or a missing
  required key is a :class:`BadInput` naming the file, the line and the key path
  (``connection.region``), exit code 2.
- ``${ENV_VAR}`` (and ``${ENV_VAR:-default}``) in string values is replaced from the
  environment; a missing variable is named together with the key that uses it.
- Values of secret keys are wrapped in :class:`Secret`, whose ``repr``/``str`` never show the
  value; code that must send it calls ``.reveal()``. Secrets may only come from the
  environment: a literal secret in the file is refused, so it never lands in git.

The sections are plain dataclasses; each field's type drives the parsing, so adding a key is
adding a field (with a ``doc`` in its metadata, rendered by ``looker-ops init``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from looker_ops.config.athena import (
    DEFAULT_REGIONS,
    FILE_FIRST_DATE,
    AthenaSettings,
    valid_athena_name,
    valid_region,
)
from looker_ops.config.reader import Reader, Secret, Stop, compose, read_file
from looker_ops.config.values import (
    branch_name_problem,
    dialect_problem,
    folder_problem,
    git_url_problem,
    project_name_problem,
    staging_dir_problem,
    timezone_problem,
)

__all__ = [
    "Config",
    "ConnectionSettings",
    "DashboardSettings",
    "LookerSettings",
    "ProjectSettings",
    "Secret",
    "ValidationSettings",
    "describe",
    "load_config",
    "load_looker_settings",
]


def _doc(text: str, secret: bool = False) -> dict[str, Any]:
    return {"doc": text, "secret": secret}


# --------------------------------------------------------------------------- sections


@dataclass
class LookerSettings:
    ini: str | None = field(
        default=None, metadata=_doc("looker.ini file for looker-sdk (else LOOKERSDK_* env)")
    )
    section: str = field(default="Looker", metadata=_doc("section of the looker.ini file"))
    timeout: int | None = field(
        default=None,
        metadata=_doc("seconds per ordinary API call (unset: LOOKERSDK_TIMEOUT or looker.ini, else 120)"),
    )
    long_timeout: int = field(
        default=1800, metadata=_doc("seconds for LookML validation, data tests and content validation")
    )
    max_retries: int = field(
        default=5, metadata=_doc("retries of a call after 429/502/503/504 or a network error (0: none)")
    )


@dataclass
class ConnectionSettings:
    name: str = field(default="athena_cloudtrail", metadata=_doc("Looker connection name"))
    region: str = field(default="us-east-1", metadata=_doc("AWS region of Athena"))
    database: str = field(default="cloudtrail", metadata=_doc("Athena database (schema) holding the tables"))
    workgroup: str | None = field(default=None, metadata=_doc("Athena workgroup (optional)"))
    s3_staging_dir: str = field(
        default="", metadata=_doc("s3:// location for Athena query results (required for Looker)")
    )
    aws_access_key_id: Secret | None = field(
        default=None, metadata=_doc("AWS access key id, as ${ENV_VAR}", secret=True)
    )
    aws_secret_access_key: Secret | None = field(
        default=None, metadata=_doc("AWS secret access key, as ${ENV_VAR}", secret=True)
    )
    max_connections: int = field(default=20, metadata=_doc("connection pool size in Looker"))
    query_timezone: str = field(default="UTC", metadata=_doc("query time zone of the connection"))
    result_streaming: bool = field(
        default=False, metadata=_doc("add ;UseResultsetStreaming=1 (needs athena:GetQueryResultsStream)")
    )
    test: bool = field(default=True, metadata=_doc("test the connection after applying it"))


@dataclass
class ProjectSettings:
    name: str = field(default="cloudtrail_block", metadata=_doc("Looker project name"))
    git_remote_url: str = field(default="", metadata=_doc("git remote Looker pulls the project from"))
    git_push_url: str | None = field(
        default=None, metadata=_doc("where looker-ops pushes (default: git_remote_url)")
    )
    deploy_branch: str = field(default="main", metadata=_doc("branch pushed to and deployed"))
    lookml_dir: str = field(default="lookml_project", metadata=_doc("folder of the LookML project"))
    models: list[str] = field(default_factory=lambda: ["cloudtrail"], metadata=_doc("models to configure"))
    data_tests: bool = field(default=True, metadata=_doc("run the project's LookML data tests before deploy"))


@dataclass
class DashboardSettings:
    dir: str = field(default="dashboards", metadata=_doc("folder of the *.dashboard.lookml files"))
    folder: str = field(
        default="CloudTrail", metadata=_doc("Looker folder path under Shared, e.g. Security/CloudTrail")
    )
    prune: bool = field(
        default=False,
        metadata=_doc(
            "delete (to the trash) the block's dashboards whose file is no longer in dashboards.dir"
        ),
    )


@dataclass
class ValidationSettings:
    content: bool = field(default=True, metadata=_doc("run content validation after deploy"))
    rollback: bool = field(default=True, metadata=_doc("roll production back when content breaks"))


@dataclass
class CheckSettings:
    dialect: str = field(
        default="athena",
        metadata=_doc("SQL dialect of the project's connections for `check` (sqlglot's names: bigquery...)"),
    )
    connections: dict[str, str] = field(
        default_factory=dict, metadata=_doc("dialect per connection name (projects with several models)")
    )
    dependencies: dict[str, str] = field(
        default_factory=dict, metadata=_doc("local checkouts of imported projects: name -> folder")
    )


@dataclass
class Config:
    looker: LookerSettings = field(default_factory=LookerSettings)
    connection: ConnectionSettings = field(default_factory=ConnectionSettings)
    project: ProjectSettings = field(default_factory=ProjectSettings)
    dashboards: DashboardSettings = field(default_factory=DashboardSettings)
    validation: ValidationSettings = field(default_factory=ValidationSettings)
    athena: AthenaSettings = field(default_factory=lambda: AthenaSettings(first_date=FILE_FIRST_DATE))
    check: CheckSettings = field(default_factory=CheckSettings)
    constants: dict[str, str] = field(
        default_factory=dict, metadata=_doc("manifest constants to override (e.g. CLOUDTRAIL_TABLE)")
    )
    schedules: str | None = field(default=None, metadata=_doc("schedules file applied after deploy"))
    path: Path | None = field(default=None, metadata={"internal": True})
    # key path -> the 1-based line of its value in the file (the keys the file sets)
    lines: dict[str, int] = field(default_factory=dict, metadata={"internal": True})

    def where(self, key: str) -> str:
        """``FILE:LINE: key`` for a key the file sets (``FILE: key`` otherwise), as messages name it."""
        file = str(self.path or "looker-ops.yaml")
        line = self.lines.get(key)
        return f"{file}:{line}: {key}" if line else f"{file}: {key}"

    @property
    def base_dir(self) -> Path:
        return self.path.parent if self.path else Path.cwd()

    def resolve(self, relative: str) -> Path:
        """A path from the config, relative to the config file's folder."""
        p = Path(relative)
        return p if p.is_absolute() else self.base_dir / p

    def manifest_constants(self) -> dict[str, str]:
        """The manifest constants the deploy writes: connection, schema and tables, then overrides."""
        values = {
            "CONNECTION_NAME": self.connection.name,
            "ATHENA_SCHEMA": self.connection.database,
            "CLOUDTRAIL_TABLE": self.athena.table,
            "GEOIP_TABLE": self.athena.geoip_table,
        }
        values.update(self.constants)
        return values

    def secrets(self) -> list[str]:
        """Every secret value in the config, for redaction."""
        out: list[str] = []
        for section in (self.connection,):
            for f in dataclasses.fields(section):
                v = getattr(section, f.name)
                if isinstance(v, Secret) and v.reveal():
                    out.append(v.reveal())
        return out


# --------------------------------------------------------------------------- reading


class _SettingsReader(Reader):
    """The reader of looker-ops.yaml: an unset ``${ENV_VAR}`` is a problem only in a section
    the command uses, and in a secret only when the command sends secrets."""

    def __init__(
        self,
        file: str,
        env: typing.Mapping[str, str],
        uses: typing.Collection[str] | None = None,
        secrets: bool = True,
    ) -> None:
        super().__init__(file, env)
        self.secrets = secrets
        # Top-level sections whose ${ENV} values the command needs; None: every section.
        self.uses = None if uses is None else frozenset(uses)

    def needs_env(self, key: str, secret: bool) -> bool:
        used = self.uses is None or key.split(".", 1)[0].split("[", 1)[0] in self.uses
        return used and (self.secrets or not secret)


def load_config(
    path: Path,
    env: typing.Mapping[str, str] | None = None,
    *,
    uses: typing.Collection[str] | None = None,
    secrets: bool = True,
    complete: bool = False,
) -> Config:
    """Read and check ``looker-ops.yaml``. Raises BadInput naming the file, line and key of every
    problem at once.

    ``uses``: the top-level sections the command reads (default: all). An unset ``${ENV_VAR}``
    in another section is no problem for that command (``athena ddl`` needs no Looker secret);
    unknown keys, wrong types and bad values are problems wherever they are. ``secrets=False``:
    the command sends no secret, so a secret's variable may be unset (its value is then empty).
    ``complete=True`` (``config check``): also require everything ``deploy`` and the ``athena``
    commands need (the results location, the git remote, the trail's settings, the folders).
    """
    env = os.environ if env is None else env
    r = _SettingsReader(str(path), env, uses, secrets)
    root = compose(read_file(path, _MISSING, "config file"), path)
    cfg = Config()
    if root is not None:
        try:
            cfg = r.section(root, "", Config)
        except Stop:
            r.raise_problems()
    cfg.path = path
    cfg.lines = dict(r.lines)
    cfg.athena = _athena(r, cfg)
    _check(r, cfg)
    if complete:
        _check_complete(r, cfg)
    r.raise_problems()
    return cfg


_MISSING = "config file not found (create one with `looker-ops init`, or pass --config)"


def load_looker_settings(path: Path, env: typing.Mapping[str, str] | None = None) -> LookerSettings:
    """Only the ``looker:`` section, checked as :func:`load_config` checks it, for commands that
    need no other key (and so none of the connection's secrets), e.g. ``schedules``."""
    env = os.environ if env is None else env
    r = _SettingsReader(str(path), env, uses=("looker",))
    root = compose(read_file(path, _MISSING, "config file"), path)
    if root is None:
        return LookerSettings()
    try:
        top = r.mapping(root, "", {f.name for f in dataclasses.fields(Config)})
    except Stop:
        r.raise_problems()
    r.problems.clear()  # other sections' keys are not this command's business
    looker = LookerSettings()
    if "looker" in top:
        with contextlib.suppress(Stop):
            looker = r.section(top["looker"][1], "looker", LookerSettings)
        _check_looker(r, looker, Path(path).parent)
    r.raise_problems()
    return looker


def _athena(r: Reader, cfg: Config) -> AthenaSettings:
    """The Athena settings: the ``athena:`` section, where Athena runs from ``connection:``;
    messages name the key each value came from."""
    a, c = cfg.athena, cfg.connection
    return dataclasses.replace(
        a,
        regions=a.regions or DEFAULT_REGIONS,  # empty: every commercial region
        first_date=a.first_date if "athena.first_date" in r.lines else FILE_FIRST_DATE,
        database=c.database,
        region=c.region,
        workgroup=c.workgroup,
        output_location=c.s3_staging_dir or None,
        key_prefix="athena.",
        key_names=_FROM_CONNECTION,
    )


_FROM_CONNECTION = {
    "database": "connection.database",
    "region": "connection.region",
    "workgroup": "connection.workgroup",
    "output_location": "connection.s3_staging_dir",
}
_ACCOUNT_RE = re.compile(r"^\d{12}$")
_CONSTANT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def _check(r: Reader, cfg: Config) -> None:
    """Checks of values that types alone cannot express, each reported at its key's line."""
    _check_connection(r, cfg.connection)
    _check_project(r, cfg.project)
    if "dashboards.folder" in r.lines and (problem := folder_problem(cfg.dashboards.folder)):
        r.report("dashboards.folder", problem)
    a = cfg.athena
    for i, acct in enumerate(a.account_ids):
        if not _ACCOUNT_RE.match(acct):
            r.report(f"athena.account_ids[{i}]", f"{acct!r} is not a 12-digit account id")
    for i, region in enumerate(a.regions):
        if not valid_region(region):
            r.report(f"athena.regions[{i}]", f"{region!r} is not an AWS region name")
    if a.layout == "organization" and not (a.org_id or "").startswith("o-"):
        r.report("athena.org_id", "the organization layout needs the organization id (o-...)")
    for key in ("table", "geoip_table"):
        if f"athena.{key}" in r.lines and not valid_athena_name(getattr(a, key)):
            r.report(
                f"athena.{key}",
                f"{getattr(a, key)!r} is not a valid Athena name (lowercase letters, digits and underscores)",
            )
    if "check.dialect" in r.lines and (problem := dialect_problem(cfg.check.dialect)):
        r.report("check.dialect", problem)
    for conn, name in cfg.check.connections.items():
        if problem := dialect_problem(name):
            r.report(f"check.connections.{conn}", problem)
    for name in cfg.constants:
        if not _CONSTANT_RE.match(name):
            r.report(f"constants.{name}", "not a valid LookML constant name")
    _check_looker(r, cfg.looker, cfg.base_dir)


def _check_connection(r: Reader, c: ConnectionSettings) -> None:
    if not valid_region(c.region):
        r.report("connection.region", f"{c.region!r} is not an AWS region name")
    if c.s3_staging_dir and (problem := staging_dir_problem(c.s3_staging_dir)) is not None:
        r.report("connection.s3_staging_dir", problem)
    if not valid_athena_name(c.database):
        r.report(
            "connection.database",
            f"{c.database!r} is not a valid Athena database name (lowercase letters, digits and underscores)",
        )
    if c.max_connections < 1:
        r.report("connection.max_connections", "must be 1 or more")
    if (problem := timezone_problem(c.query_timezone)) is not None:
        r.report("connection.query_timezone", problem)


def _check_project(r: Reader, p: ProjectSettings) -> None:
    if (problem := project_name_problem(p.name)) is not None:
        r.report("project.name", problem)
    for key in ("git_remote_url", "git_push_url"):
        url = getattr(p, key)
        if url and (problem := git_url_problem(url)) is not None:
            r.report(f"project.{key}", problem)


# Longer than any real timeout, and small enough for every clock and socket API.
_MAX_SECONDS = 7 * 24 * 3600


def _check_looker(r: Reader, looker: LookerSettings, base_dir: Path) -> None:
    for key, value in (("timeout", looker.timeout), ("long_timeout", looker.long_timeout)):
        if value is not None and value <= 0:
            r.report(f"looker.{key}", "must be a positive number of seconds")
        elif value is not None and value > _MAX_SECONDS:
            r.report(f"looker.{key}", f"{value} s is more than a week ({_MAX_SECONDS} s at most)")
    if looker.max_retries < 0:
        r.report("looker.max_retries", "must be 0 or more")
    elif looker.max_retries > 100:
        r.report("looker.max_retries", "100 at most")
    if looker.ini:
        ini = Path(looker.ini)
        ini = ini if ini.is_absolute() else base_dir / ini
        if not ini.is_file():
            r.report("looker.ini", f"{ini}: file not found (paths are relative to this file)")


def _check_complete(r: Reader, cfg: Config) -> None:
    """What ``deploy`` and the ``athena`` commands require beyond well-formed values."""
    # A value left empty by an unset ${VAR} is already reported as such: one problem per key.
    if not cfg.connection.s3_staging_dir and not _reported(r, "connection.s3_staging_dir"):
        r.report("connection.s3_staging_dir", "required: the s3:// location for Athena query results")
    if not cfg.project.git_remote_url and not _reported(r, "project.git_remote_url"):
        r.report("project.git_remote_url", "required: the git remote Looker pulls the project from")
    # Also checked by deploy's preflight, with the other problems of the steps it runs.
    if (problem := branch_name_problem(cfg.project.deploy_branch)) is not None:
        r.report("project.deploy_branch", problem)
    seen: set[str] = set()
    for name, message in cfg.athena.trail_problems():
        key = cfg.athena.key(name)
        if key not in seen and not _reported(r, key):
            seen.add(key)
            r.error(_line(r, key), key, message)
    for key, value in (
        ("project.lookml_dir", cfg.project.lookml_dir),
        ("dashboards.dir", cfg.dashboards.dir),
    ):
        if (problem := local_folder_problem(cfg.resolve(value))) is not None:
            r.report(key, problem)
    if cfg.schedules and not cfg.resolve(cfg.schedules).is_file():
        r.report("schedules", f"{cfg.resolve(cfg.schedules)} does not exist")


def local_folder_problem(path: Path) -> str | None:
    """What is wrong with a folder the config names (the one wording of ``config check`` and
    deploy's preflight): ``PATH does not exist``, ``PATH is not a folder``, else None."""
    if path.is_dir():
        return None
    return f"{path} is not a folder" if path.exists() else f"{path} does not exist"


def _reported(r: Reader, key: str) -> bool:
    """Whether a problem of ``key`` (or of one of its items) is already recorded."""
    return any(f": {key}: " in m or f": {key}[" in m for _, m in r.problems)


def _line(r: Reader, key: str) -> int | None:
    """The line of ``key``, else of its section (a missing key is added there)."""
    return r.lines.get(key) or r.lines.get(key.split(".", 1)[0])


def describe(cls: type[Any] = Config, prefix: str = "") -> list[tuple[str, str, Any]]:
    """(key path, doc, default) for every key: documentation and ``init`` are rendered from it."""
    out: list[tuple[str, str, Any]] = []
    hints = typing.get_type_hints(cls)
    for f in dataclasses.fields(cls):
        if f.metadata.get("internal"):
            continue
        key = f"{prefix}{f.name}"
        if dataclasses.is_dataclass(hints[f.name]):
            out.extend(describe(hints[f.name], key + "."))
            continue
        default: Any = f.default_factory() if f.default_factory is not dataclasses.MISSING else f.default
        default = f.metadata.get("shown_default", default)
        if isinstance(default, tuple):
            default = list(default)
        if isinstance(default, dt.date):
            default = default.isoformat()
        out.append((key, str(f.metadata.get("doc", "")), default))
    return out
