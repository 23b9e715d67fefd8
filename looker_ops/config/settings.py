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

import dataclasses
import os
import re
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import yaml

from looker_ops.errors import BadInput
from looker_ops.yamlutil import not_valid_yaml

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")


class Secret:
    """A secret value. Never printed; ``reveal()`` to use it."""

    __slots__ = ("_source", "_value")

    def __init__(self, value: str, source: str = "") -> None:
        self._value = value
        self._source = source

    def reveal(self) -> str:
        return self._value

    @property
    def source(self) -> str:
        """Where it came from, e.g. ``env:AWS_SECRET_ACCESS_KEY`` (safe to print)."""
        return self._source

    def __repr__(self) -> str:
        return f"Secret({self._source or '***'})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


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
class AthenaTableSettings:
    layout: str = field(default="single", metadata=_doc("single | multi | organization"))
    bucket: str = field(default="", metadata=_doc("S3 bucket the trail writes to"))
    prefix: str = field(default="", metadata=_doc("key prefix before AWSLogs/ (optional)"))
    account_ids: list[str] = field(default_factory=list, metadata=_doc("12-digit account ids"))
    org_id: str | None = field(default=None, metadata=_doc("organization id (o-...), organization layout"))
    regions: list[str] = field(default_factory=list, metadata=_doc("regions the trail covers"))
    first_date: str = field(default="2024/01/01", metadata=_doc("first day of logs, yyyy/MM/dd"))
    table: str = field(default="cloudtrail_logs", metadata=_doc("CloudTrail table name"))
    geoip_table: str = field(default="geoip_blocks", metadata=_doc("geo-IP table name"))


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
    athena: AthenaTableSettings = field(default_factory=AthenaTableSettings)
    check: CheckSettings = field(default_factory=CheckSettings)
    constants: dict[str, str] = field(
        default_factory=dict, metadata=_doc("manifest constants to override (e.g. CLOUDTRAIL_TABLE)")
    )
    schedules: str | None = field(default=None, metadata=_doc("schedules file applied after deploy"))
    path: Path | None = field(default=None, metadata={"internal": True})

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


# --------------------------------------------------------------------------- parsing

T = TypeVar("T")


class _Problem(Exception):
    """One problem of the file; collected, so that every problem is reported at once."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class _Ctx:
    def __init__(
        self,
        file: str,
        env: typing.Mapping[str, str],
        uses: typing.Collection[str] | None = None,
        secrets: bool = True,
    ) -> None:
        self.file = file
        self.env = env
        self.secrets = secrets  # does the command send the secrets (else they may be unset)
        # Top-level sections whose ${ENV} values the command needs; None: every section.
        self.uses = None if uses is None else frozenset(uses)
        self.problems: list[str] = []
        self.lines: dict[str, int] = {}  # key path -> 1-based line of its value

    def error(self, node: yaml.Node | None, key: str, msg: str) -> _Problem:
        where = self.file
        if node is not None:
            where += f":{node.start_mark.line + 1}"
        return _Problem(f"{where}: {key}: {msg}" if key else f"{where}: {msg}")

    def report(self, key: str, msg: str) -> None:
        """A problem found after parsing (a value checked against others), at its key's line."""
        line = self.lines.get(key)
        where = f"{self.file}:{line}" if line else self.file
        self.problems.append(f"{where}: {key}: {msg}")

    def needs_env(self, key: str) -> bool:
        return self.uses is None or key.split(".", 1)[0].split("[", 1)[0] in self.uses

    def raise_problems(self) -> None:
        if not self.problems:
            return
        if len(self.problems) == 1:
            raise BadInput(self.problems[0])
        raise BadInput(f"{self.file}: {len(self.problems)} problems:\n  " + "\n  ".join(self.problems))


def _interpolate(ctx: _Ctx, node: yaml.ScalarNode, key: str, secret: bool) -> tuple[str, str]:
    value = str(node.value)
    sources: list[str] = []
    unset: list[str] = []

    def sub(m: re.Match[str]) -> str:
        name, default = m.group(1), m.group(2)
        sources.append(name)
        if name in ctx.env and ctx.env[name] != "":
            return ctx.env[name]
        if default is not None:
            return default
        unset.append(name)
        return ""

    out = _ENV_RE.sub(sub, value)
    if unset and ctx.needs_env(key) and (ctx.secrets or not secret):
        raise ctx.error(node, key, f"environment variable {unset[0]} is not set")
    if "${" in _ENV_RE.sub("", value):
        raise ctx.error(node, key, "unclosed ${...}: write ${ENV_VAR} (or ${ENV_VAR:-default})")
    if secret and not sources and value:
        raise ctx.error(
            node, key, "secrets must come from the environment: write ${ENV_VAR}, not the value itself"
        )
    return out, ",".join(f"env:{s}" for s in sources)


def _scalar(ctx: _Ctx, node: yaml.Node, key: str, typ: Any, secret: bool) -> Any:
    if not isinstance(node, yaml.ScalarNode):
        raise ctx.error(node, key, f"expected a single value, got a {_kind(node)}")
    if node.tag == "tag:yaml.org,2002:null":
        raise ctx.error(node, key, "a value is required here")
    text, source = _interpolate(ctx, node, key, secret)
    if typ is Secret:
        return Secret(text, source)
    if typ is bool:
        low = text.strip().lower()
        if low in ("true", "yes", "on", "1"):
            return True
        if low in ("false", "no", "off", "0"):
            return False
        raise ctx.error(node, key, f"expected true or false, got {text!r}")
    if typ is int:
        try:
            return int(text)
        except ValueError:
            raise ctx.error(node, key, f"expected a whole number, got {text!r}") from None
    if typ is str:
        return text
    raise ctx.error(node, key, f"unsupported type {typ}")  # pragma: no cover - programming error


def _kind(node: yaml.Node) -> str:
    return {yaml.MappingNode: "mapping", yaml.SequenceNode: "list", yaml.ScalarNode: "value"}.get(
        type(node), "node"
    )


def _value(ctx: _Ctx, node: yaml.Node, key: str, typ: Any, secret: bool) -> Any:
    ctx.lines[key] = node.start_mark.line + 1
    origin = typing.get_origin(typ)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(typ) if a is not type(None)]
        if isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null":
            return None
        return _value(ctx, node, key, args[0], secret)
    if origin is list:
        (item,) = typing.get_args(typ)
        if not isinstance(node, yaml.SequenceNode):
            raise ctx.error(node, key, f"expected a list, got a {_kind(node)}")
        items = []
        for i, n in enumerate(node.value):
            try:
                items.append(_value(ctx, n, f"{key}[{i}]", item, secret))
            except _Problem as p:
                ctx.problems.append(p.message)
        return items
    if origin is dict:
        _, vt = typing.get_args(typ)
        if not isinstance(node, yaml.MappingNode):
            raise ctx.error(node, key, f"expected a mapping, got a {_kind(node)}")
        out: dict[str, Any] = {}
        for k, v in node.value:
            try:
                out[str(k.value)] = _value(ctx, v, f"{key}.{k.value}", vt, secret)
            except _Problem as p:
                ctx.problems.append(p.message)
        return out
    if isinstance(typ, type) and dataclasses.is_dataclass(typ):
        return _section(ctx, node, key, typ)
    return _scalar(ctx, node, key, typ, secret)


def _section(ctx: _Ctx, node: yaml.Node, prefix: str, cls: type[T]) -> T:
    """The section's dataclass; each bad key is recorded in ``ctx.problems`` and left at its
    default, so one bad key does not hide the next."""
    if not isinstance(node, yaml.MappingNode):
        raise ctx.error(node, prefix, f"expected a mapping, got a {_kind(node)}")
    hints = typing.get_type_hints(cls)
    fields = {f.name: f for f in dataclasses.fields(cls) if not f.metadata.get("internal")}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    seen: set[str] = set()
    for knode, vnode in node.value:
        name = str(knode.value)
        key = f"{prefix}.{name}" if prefix else name
        try:
            if name not in fields:
                known = ", ".join(sorted(fields))
                raise ctx.error(knode, key, f"unknown key (known keys here: {known})")
            if name in seen:
                raise ctx.error(knode, key, "key given twice")
            seen.add(name)
            secret = bool(fields[name].metadata.get("secret"))
            values[name] = _value(ctx, vnode, key, hints[name], secret)
        except _Problem as p:
            ctx.problems.append(p.message)
    return cls(**values)


def load_config(
    path: Path,
    env: typing.Mapping[str, str] | None = None,
    *,
    uses: typing.Collection[str] | None = None,
    secrets: bool = True,
) -> Config:
    """Read and check ``looker-ops.yaml``. Raises BadInput naming the file, line and key of every
    problem at once.

    ``uses``: the top-level sections the command reads (default: all). An unset ``${ENV_VAR}``
    in another section is no problem for that command (``athena ddl`` needs no Looker secret);
    unknown keys and wrong types are problems wherever they are. ``secrets=False``: the command
    sends no secret, so a secret's variable may be unset (its value is then empty).
    """
    env = os.environ if env is None else env
    ctx = _Ctx(str(path), env, uses, secrets)
    root = _compose(path)
    try:
        cfg = Config() if root is None else _section(ctx, root, "", Config)
    except _Problem as p:
        raise BadInput(p.message) from None
    cfg.path = path
    _check(ctx, cfg)
    ctx.raise_problems()
    return cfg


def load_looker_settings(path: Path, env: typing.Mapping[str, str] | None = None) -> LookerSettings:
    """Only the ``looker:`` section, checked as :func:`load_config` checks it, for commands that
    need no other key (and so none of the connection's secrets), e.g. ``schedules``."""
    env = os.environ if env is None else env
    ctx = _Ctx(str(path), env, uses=("looker",))
    root = _compose(path)
    if root is None:
        return LookerSettings()
    if not isinstance(root, yaml.MappingNode):
        raise BadInput(ctx.error(root, "", f"expected a mapping at the top, got a {_kind(root)}").message)
    for knode, vnode in root.value:
        if str(knode.value) == "looker":
            try:
                looker = _section(ctx, vnode, "looker", LookerSettings)
            except _Problem as p:
                raise BadInput(p.message) from None
            _check_looker(ctx, looker)
            ctx.raise_problems()
            return looker
    return LookerSettings()


def _compose(path: Path) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(
            f"{path}: config file not found (create one with `looker-ops init`, or pass --config)"
        ) from None
    except UnicodeDecodeError as exc:
        raise BadInput(f"{path}: not UTF-8 text (byte offset {exc.start}): save the file as UTF-8") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read config file: {exc.strerror}") from None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise not_valid_yaml(path, exc) from None


_REGION_RE = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$")
_ACCOUNT_RE = re.compile(r"^\d{12}$")


def _check(ctx: _Ctx, cfg: Config) -> None:
    """Checks across keys that types alone cannot express, each reported at its key's line."""
    bad = ctx.report
    if not _REGION_RE.match(cfg.connection.region):
        bad("connection.region", f"{cfg.connection.region!r} is not an AWS region name")
    if cfg.connection.s3_staging_dir and not cfg.connection.s3_staging_dir.startswith("s3://"):
        bad("connection.s3_staging_dir", "must be an s3:// URL")
    if cfg.athena.layout not in ("single", "multi", "organization"):
        bad("athena.layout", f"{cfg.athena.layout!r}: expected single, multi or organization")
    for i, acct in enumerate(cfg.athena.account_ids):
        if not _ACCOUNT_RE.match(acct):
            bad(f"athena.account_ids[{i}]", f"{acct!r} is not a 12-digit account id")
    for i, region in enumerate(cfg.athena.regions):
        if not _REGION_RE.match(region):
            bad(f"athena.regions[{i}]", f"{region!r} is not an AWS region name")
    if cfg.athena.layout == "organization" and not (cfg.athena.org_id or "").startswith("o-"):
        bad("athena.org_id", "the organization layout needs the organization id (o-...)")
    for name in cfg.constants:
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", name):
            bad(f"constants.{name}", "not a valid LookML constant name")
    _check_looker(ctx, cfg.looker)


# Longer than any real timeout, and small enough for every clock and socket API.
_MAX_SECONDS = 7 * 24 * 3600


def _check_looker(ctx: _Ctx, looker: LookerSettings) -> None:
    for key, value in (("timeout", looker.timeout), ("long_timeout", looker.long_timeout)):
        if value is not None and value <= 0:
            ctx.report(f"looker.{key}", "must be a positive number of seconds")
        elif value is not None and value > _MAX_SECONDS:
            ctx.report(f"looker.{key}", f"{value} s is more than a week ({_MAX_SECONDS} s at most)")
    if looker.max_retries < 0:
        ctx.report("looker.max_retries", "must be 0 or more")
    elif looker.max_retries > 100:
        ctx.report("looker.max_retries", "100 at most")


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
        out.append((key, str(f.metadata.get("doc", "")), default))
    return out
