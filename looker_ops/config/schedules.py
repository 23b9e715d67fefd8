"""``schedules.yaml`` -> typed schedule specs, checked offline before any Looker call.

A schedule is a scheduled delivery of one of the block's dashboards. Its ``name`` is its identity:
the plan on Looker is named ``[looker-ops] <name>`` (:data:`MARKER`), which is also how
``--prune`` recognises the plans this tool owns (it never touches a plan without the marker).

Everything is checked before the first call: unknown keys, the crontab syntax, the timezone
name, e-mail syntax, that the dashboard slug is a ``preferred_slug`` in ``dashboards/``, that
each filter is a real filter of that dashboard, and that the environment variables holding
secret parameters are set. All problems are reported together, each naming the file and line,
the schedule and the key; the exception is :class:`BadInput` (exit code 2).

``${ENV_VAR}`` and ``${ENV_VAR:-default}`` are replaced in every string value. Secret parameters
of action-hub destinations must be written as ``${ENV_VAR}``: a literal secret is refused.
"""

from __future__ import annotations

import contextlib
import difflib
import os
import re
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

import yaml

from looker_ops.config.settings import Secret
from looker_ops.errors import BadInput
from looker_ops.yamlutil import error_line, not_valid_yaml

MARKER = "[looker-ops] "
"""Prefix of the name of every plan this tool creates: how it recognises its own plans."""

FORMATS = ("wysiwyg_pdf", "assembled_pdf", "wysiwyg_png", "csv_zip")
PDF_FORMATS = ("wysiwyg_pdf", "assembled_pdf")
IMAGE_FORMATS = (*PDF_FORMATS, "wysiwyg_png")
PAPER_SIZES = ("letter", "legal", "tabloid", "a0", "a1", "a2", "a3", "a4", "a5")
DEFAULT_TIMEZONE = "UTC"

# --------------------------------------------------------------------------- crontab

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class _CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_CRON_FIELDS = (
    _CronField("minute", 0, 59),
    _CronField("hour", 0, 23),
    _CronField("day-of-month", 1, 31),
    _CronField("month", 1, 12, MONTHS, 1),
    _CronField("day-of-week", 0, 7, DAYS, 0),
)


class CronError(ValueError):
    """A crontab expression that is not valid; the message names the field and the reason."""


def _cron_number(f: _CronField, text: str) -> int:
    if f.names and text.upper() in f.names:
        return f.names.index(text.upper()) + f.name_base
    if not text.isdigit():
        hint = f" or a name {f.names[0]}..{f.names[-1]}" if f.names else ""
        raise CronError(f"{f.name} field: {text!r} is not a number{hint}")
    value = int(text)
    if not f.low <= value <= f.high:
        raise CronError(f"{f.name} field: {value} is out of range {f.low}-{f.high}")
    return value


def _cron_item(f: _CronField, item: str) -> None:
    if item == "":
        raise CronError(f"{f.name} field: empty item in a comma list")
    base, slash, step = item.partition("/")
    if slash:
        if not step.isdigit() or int(step) < 1:
            raise CronError(f"{f.name} field: step {step!r} in {item!r} must be a whole number of 1 or more")
        if base != "*" and "-" not in base:
            raise CronError(f"{f.name} field: {item!r}: a step needs * or a range before it (*/{step})")
    if base == "*":
        return
    low_text, dash, high_text = base.partition("-")
    low = _cron_number(f, low_text)
    if dash and _cron_number(f, high_text) < low:
        raise CronError(f"{f.name} field: range {base!r} runs backwards")


def validate_cron(expr: str) -> None:
    """Raise :class:`CronError` unless ``expr`` is a five-field Vixie-style crontab expression.

    Items are ``*``, ``n``, ``a-b``, ``*/s`` or ``a-b/s`` in comma lists; month and day-of-week
    take names (JAN..DEC, SUN..SAT); day-of-week 7 is Sunday. Macros (``@daily``) and six-field
    expressions with seconds are refused.
    """
    text = expr.strip()
    if text.startswith("@"):
        raise CronError(f"{text!r}: macros such as @daily are not accepted; write the five fields")
    parts = text.split()
    if len(parts) != 5:
        raise CronError(
            f"{expr!r} has {len(parts)} field(s); expected 5: minute hour day-of-month month day-of-week"
        )
    for f, part in zip(_CRON_FIELDS, parts, strict=True):
        for item in part.split(","):
            _cron_item(f, item)


def normalize_cron(expr: str) -> str:
    """The expression with single blanks between fields, as sent to Looker."""
    return " ".join(expr.split())


def canonical_cron(expr: str) -> str:
    """The expression by meaning, for comparison: names as numbers (MON -> 1, JAN -> 1).

    So a plan stays unchanged whether Looker keeps ``0 7 * * MON`` as written or as ``0 7 * * 1``.
    """
    parts = expr.split()
    if len(parts) != 5:
        return normalize_cron(expr)
    out = []
    for f, part in zip(_CRON_FIELDS, parts, strict=True):
        if f.names:
            for i, name in enumerate(f.names):
                part = re.sub(rf"(?i)\b{name}\b", str(i + f.name_base), part)
        out.append(part)
    return " ".join(out)


# --------------------------------------------------------------------------- dashboards


@dataclass(frozen=True)
class DashboardFilterInfo:
    name: str
    title: str | None = None


@dataclass(frozen=True)
class DashboardInfo:
    """What schedules need to know of one ``*.dashboard.lookml``."""

    slug: str
    name: str
    title: str
    filters: tuple[DashboardFilterInfo, ...]
    file: str
    line: int

    def find_filter(self, key: str) -> DashboardFilterInfo | None:
        """A filter by its name, else by its title (titles compared without case)."""
        for f in self.filters:
            if f.name == key:
                return f
        for f in self.filters:
            if f.title is not None and f.title.casefold() == key.casefold():
                return f
        return None


def dashboard_index(dashboards_dir: Path) -> dict[str, DashboardInfo]:
    """``preferred_slug`` -> :class:`DashboardInfo` for every ``*.dashboard.lookml`` in the folder.

    Parsed by the block's dashboard parser (:mod:`looker_ops.lookml.dashboards`); its findings
    (unreadable YAML, unknown keys) are the checker's to report: a dashboard it cannot read is
    simply not there for the schedules. Dashboards without a ``preferred_slug`` cannot be
    scheduled (the deploy imports dashboards by that slug).
    """
    from looker_ops.lookml.dashboards import parse_dashboard_text

    out: dict[str, DashboardInfo] = {}
    if not dashboards_dir.is_dir():
        return out
    for path in sorted(dashboards_dir.glob("*.dashboard.lookml")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError:
            continue
        dashboards, _ = parse_dashboard_text(text, str(path))
        for d in dashboards:
            if not d.preferred_slug:
                continue
            out[d.preferred_slug] = DashboardInfo(
                slug=d.preferred_slug,
                name=d.name,
                title=d.title or "",
                filters=tuple(DashboardFilterInfo(f.name, f.title) for f in d.filters if f.name),
                file=str(path),
                line=d.line,
            )
    return out


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Destination:
    """One place a schedule delivers to.

    ``kind`` is ``email`` (``address`` an e-mail address), ``webhook`` (Looker's built-in
    webhook destination, ``address`` an https URL) or ``integration`` (an action-hub
    integration such as Slack: ``integration_id`` like ``1::slack_app``, ``parameters`` the
    integration's form values, ``secret_parameters`` values read from the environment).
    """

    kind: str
    format: str
    address: str | None = None
    integration_id: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    secret_parameters: tuple[tuple[str, Secret], ...] = ()
    line: int = 0
    key: str = ""

    @property
    def looker_type(self) -> str:
        """The ``type`` of the ScheduledPlanDestination."""
        if self.kind == "integration":
            return f"looker-integration://{self.integration_id}"
        return self.kind

    @property
    def label(self) -> str:
        """Safe to print: webhook URLs (which often carry a token) are cut to their host."""
        if self.kind == "email":
            return f"email {self.address}"
        if self.kind == "webhook":
            return f"webhook {url_host(self.address or '')}"
        params = ", ".join(f"{k}={v}" for k, v in self.parameters)
        return f"integration {self.integration_id}" + (f" ({params})" if params else "")


def url_host(url: str) -> str:
    """``scheme://host/…``: how a URL that may carry a token is printed."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…" if parts.scheme else "<url>"


@dataclass(frozen=True)
class PdfOptions:
    paper_size: str | None = None  # None: fit the page to the dashboard
    landscape: bool = False
    expand_tables: bool = False  # Looker's long_tables
    page_breaks: bool = False  # Looker's pdf_page_breaks (between tabs)


@dataclass(frozen=True)
class Schedule:
    name: str
    dashboard: str  # preferred_slug
    cron: str
    timezone: str
    destinations: tuple[Destination, ...]
    filters: tuple[tuple[str, str], ...] = ()  # (dashboard filter name, value)
    format: str = "wysiwyg_pdf"
    pdf: PdfOptions = PdfOptions()
    require_results: bool = False
    run_as: str = "owner"  # owner | recipient | a Looker user id
    enabled: bool = True
    include_links: bool = True
    message: str | None = None
    file: str = ""
    line: int = 0

    @property
    def plan_name(self) -> str:
        return MARKER + self.name

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.name

    def filters_string(self, names: Mapping[str, str] | None = None) -> str:
        """The plan's ``filters_string``: ``?Name=value&...`` with ``+`` for blanks.

        ``names`` maps a filter name of the LookML file to the name the dashboard on Looker
        uses, when they differ.
        """
        if not self.filters:
            return ""
        pairs = [((names or {}).get(k, k), v) for k, v in self.filters]
        return "?" + urlencode(pairs, quote_via=quote_plus)

    @property
    def user_id(self) -> str | None:
        return self.run_as if self.run_as not in ("owner", "recipient") else None


def parse_filters_string(text: str | None) -> list[tuple[str, str]]:
    """``?A=1&B+C=x`` -> sorted pairs, so two strings compare by meaning, not by encoding."""
    if not text:
        return []
    return sorted(parse_qsl(text.lstrip("?"), keep_blank_values=True))


@dataclass
class ScheduleSet:
    """A checked ``schedules.yaml``: the schedules plus the dashboards they point at."""

    schedules: list[Schedule]
    dashboards: dict[str, DashboardInfo] = field(default_factory=dict)
    file: str = ""

    def get(self, name: str) -> Schedule:
        for s in self.schedules:
            if s.name == name:
                return s
        known = ", ".join(repr(s.name) for s in self.schedules) or "none"
        raise BadInput(f"{self.file}: no schedule named {name!r} (schedules: {known})")

    def secrets(self) -> list[str]:
        """Every secret value, for redaction."""
        out: list[str] = []
        for s in self.schedules:
            for d in s.destinations:
                out.extend(v.reveal() for _, v in d.secret_parameters if v.reveal())
                if d.kind == "webhook" and d.address:
                    out.append(d.address)
        return out


# --------------------------------------------------------------------------- parsing

TOP_KEYS = {
    "defaults": "values every schedule takes unless it sets them itself",
    "schedules": "the list of schedules",
}
SCHEDULE_KEYS = {
    "name": "identity of the schedule (the Looker plan is named '[looker-ops] <name>')",
    "dashboard": "the dashboard's preferred_slug in dashboards/",
    "cron": "five-field crontab expression, e.g. '0 7 * * 1' (Mondays 07:00)",
    "timezone": f"IANA time zone of the cron expression (default {DEFAULT_TIMEZONE})",
    "filters": "dashboard filter values by filter name or title, e.g. Date: 7 days",
    "format": f"one of {', '.join(FORMATS)} (default wysiwyg_pdf)",
    "pdf": "paper_size, landscape, expand_tables, page_breaks",
    "require_results": "send only if the dashboard returns results (default false)",
    "run_as": "owner (default: the API user), recipient, or a Looker user id",
    "enabled": "false keeps the plan on Looker but does not run it (default true)",
    "include_links": "include links back to Looker (default true)",
    "message": "text included in the e-mails",
    "recipients": "e-mail addresses",
    "destinations": "other destinations: email, webhook or (action hub) integration",
}
PDF_KEYS = {
    "paper_size": f"one of {', '.join(PAPER_SIZES)}; omit to fit the page to the dashboard",
    "landscape": "landscape orientation (default false)",
    "expand_tables": "expand table visualisations to show all rows (default false)",
    "page_breaks": "page breaks between dashboard tabs (default false)",
}
DESTINATION_KEYS = {
    "email": "an e-mail address",
    "webhook": "an https URL (better as ${ENV_VAR}: such URLs often carry a token)",
    "integration": "action-hub integration id, e.g. 1::slack_app",
    "parameters": "the integration's form values, e.g. channel: C0123456789",
    "secret_parameters": "secret values, each written as ${ENV_VAR}",
    "format": "this destination's format (default: the schedule's)",
}

_ENV_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_ONLY_ENV_RE = re.compile(r"^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$")
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.[A-Za-z]{2,63}$"
)
_INTEGRATION_RE = re.compile(r"^[A-Za-z0-9_-]+::[A-Za-z0-9_.-]+$")
_PARAM_NAME_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")
_TRUE = ("true", "yes", "on")
_FALSE = ("false", "no", "off")


def valid_email(text: str) -> bool:
    return bool(_EMAIL_RE.match(text)) and ".." not in text.split("@")[0] and len(text) <= 254


def valid_timezone(name: str) -> bool:
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


class _Problems(Exception):
    """Raised inside the reader to stop reading one value; the message is already recorded."""


class _Reader:
    def __init__(self, file: str, env: Mapping[str, str]) -> None:
        self.file = file
        self.env = env
        self.problems: list[tuple[int, str]] = []
        self.schedule = ""
        self.from_defaults: set[str] = set()  # keys the current schedule takes from `defaults:`
        self.require_secrets = True

    # -- reporting

    def error(self, at: yaml.Node | int | None, key: str, msg: str) -> None:
        line = at if isinstance(at, int) else at.start_mark.line + 1 if at is not None else 0
        where = self.file + (f":{line}" if line else "")
        who = f"schedule {self.schedule!r}: " if self.schedule else ""
        if re.split(r"[.\[]", key, maxsplit=1)[0] in self.from_defaults:
            key = "defaults." + key  # the value to fix is in the defaults block
        self.problems.append((line, f"{where}: {who}{key}: {msg}" if key else f"{where}: {who}{msg}"))

    @property
    def errors(self) -> list[str]:
        """The messages in file order."""
        return [m for _, m in sorted(self.problems, key=lambda p: p[0])]

    def fail(self, node: yaml.Node | None, key: str, msg: str) -> _Problems:
        self.error(node, key, msg)
        return _Problems()

    # -- values

    def mapping(
        self, node: yaml.Node, key: str, known: Mapping[str, str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, f"expected a mapping, got {_kind(node)}")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for knode, vnode in node.value:
            name = str(knode.value)
            path = f"{key}.{name}" if key else name
            if name not in known:
                close = difflib.get_close_matches(name, list(known), n=1)
                hint = f"did you mean {close[0]!r}? " if close else ""
                self.error(knode, path, f"unknown key ({hint}known keys: {', '.join(known)})")
                continue
            if name in out:
                self.error(knode, path, "key given twice")
                continue
            out[name] = (knode, vnode)
        return out

    def text(self, node: yaml.Node, key: str) -> str:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, key, f"expected a single value, got {_kind(node)}")
        if node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, key, "a value is required here")
        value = str(node.value)

        def sub(m: re.Match[str]) -> str:
            name, default = m.group(1), m.group(2)
            if self.env.get(name):
                return self.env[name]
            if default is not None:
                return default
            raise self.fail(node, key, f"environment variable {name} is not set")

        return _ENV_RE.sub(sub, value)

    def secret(self, node: yaml.Node, key: str) -> Secret:
        if not isinstance(node, yaml.ScalarNode) or not _ONLY_ENV_RE.match(str(node.value).strip()):
            raise self.fail(
                node, key, "secret values must come from the environment: write ${ENV_VAR}, not the value"
            )
        name = _ONLY_ENV_RE.match(str(node.value).strip()).group(1)  # type: ignore[union-attr]
        value = self.env.get(name)
        if not value and self.require_secrets:
            raise self.fail(node, key, f"environment variable {name} is not set")
        return Secret(value or "", f"env:{name}")

    def boolean(self, node: yaml.Node, key: str) -> bool:
        text = self.text(node, key).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        raise self.fail(node, key, f"expected true or false, got {text!r}")

    def texts(self, node: yaml.Node, key: str) -> list[tuple[yaml.Node, str]]:
        """A list of values, or one value standing for a list of one."""
        if isinstance(node, yaml.ScalarNode):
            return [(node, self.text(node, key))]
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, key, f"expected a list, got {_kind(node)}")
        out = []
        for i, item in enumerate(node.value):
            try:
                out.append((item, self.text(item, f"{key}[{i}]")))
            except _Problems:
                continue
        return out


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"the value {node.value!r}"


def load_schedules(
    path: Path,
    dashboards_dir: Path,
    env: Mapping[str, str] | None = None,
    dashboards: Mapping[str, DashboardInfo] | None = None,
    *,
    require_secrets: bool = True,
) -> ScheduleSet:
    """Read and check a schedules file. Raises :class:`BadInput` listing every problem.

    ``require_secrets=False`` (``validate --no-secrets``, for pull-request CI without the
    secrets) accepts unset variables in ``secret_parameters``; the result is then for checking
    only, not for applying."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{path}: schedules file not found") from None
    except OSError as exc:
        raise BadInput(f"{path}: cannot read schedules file: {exc.strerror}") from None
    if dashboards is None and not dashboards_dir.is_dir():
        raise BadInput(
            f"{dashboards_dir}: dashboards folder not found (the *.dashboard.lookml files the "
            "schedules point at; pass --dashboards or set dashboards.dir in looker-ops.yaml)"
        )
    index = dict(dashboards) if dashboards is not None else dashboard_index(dashboards_dir)
    return parse_schedules(
        text,
        str(path),
        index,
        os.environ if env is None else env,
        dashboards_dir,
        require_secrets=require_secrets,
    )


def parse_schedules(
    text: str,
    file: str,
    dashboards: Mapping[str, DashboardInfo],
    env: Mapping[str, str],
    dashboards_dir: Path | None = None,
    *,
    require_secrets: bool = True,
) -> ScheduleSet:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        line = error_line(exc)
        lines = text.splitlines()
        bad_line = lines[line] if line is not None and line < len(lines) else ""
        hint = ""
        if "${" in bad_line:
            hint = ' (inside [ ] or { } write "${VAR}" in quotes)'
        elif "*" in bad_line:
            hint = ' (quote cron expressions: cron: "*/15 * * * *")'
        raise not_valid_yaml(file, exc, hint) from None
    r = _Reader(file, env)
    r.require_secrets = require_secrets
    schedules: list[Schedule] = []
    if root is None:
        raise BadInput(f"{file}: empty: expected a `schedules:` list (write `schedules: []` for none)")
    try:
        top = r.mapping(root, "", TOP_KEYS)
    except _Problems:
        top = {}
    else:
        if "schedules" not in top:
            r.error(root, "schedules", "missing: the list of schedules (write `schedules: []` for none)")
    defaults: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    if "defaults" in top:
        with contextlib.suppress(_Problems):
            defaults = r.mapping(top["defaults"][1], "defaults", SCHEDULE_KEYS)
        for k in ("name", "dashboard"):
            if k in defaults:
                r.error(defaults[k][0], f"defaults.{k}", "cannot be a default: each schedule sets its own")
                del defaults[k]
    seen: dict[str, int] = {}
    if "schedules" in top:
        lnode = top["schedules"][1]
        if not isinstance(lnode, yaml.SequenceNode):
            r.error(lnode, "schedules", f"expected a list of schedules, got {_kind(lnode)}")
        else:
            for i, snode in enumerate(lnode.value):
                s = _schedule(r, snode, i, defaults, dashboards, dashboards_dir)
                if s is None:
                    continue
                if s.name in seen:
                    r.schedule = s.name
                    r.error(snode, "name", f"given twice (also at line {seen[s.name]}): names must be unique")
                    r.schedule = ""
                    continue
                seen[s.name] = s.line
                schedules.append(s)
    if r.errors:
        head = f"{file}: {len(r.errors)} problem(s) in the schedules file:"
        raise BadInput("\n".join([head, *(f"  {e}" for e in r.errors)]) if len(r.errors) > 1 else r.errors[0])
    return ScheduleSet(schedules, dict(dashboards), file)


def _schedule(
    r: _Reader,
    node: yaml.Node,
    index: int,
    defaults: Mapping[str, tuple[yaml.Node, yaml.Node]],
    dashboards: Mapping[str, DashboardInfo],
    dashboards_dir: Path | None,
) -> Schedule | None:
    before = len(r.problems)
    r.schedule = f"schedules[{index}]"
    if isinstance(node, yaml.MappingNode):  # name the schedule in every message, even the first
        for k, v in node.value:
            if k.value == "name" and isinstance(v, yaml.ScalarNode) and str(v.value).strip():
                r.schedule = str(v.value).strip()
    try:
        own = r.mapping(node, "", SCHEDULE_KEYS)
    except _Problems:
        r.schedule = ""
        return None
    name = ""
    if "name" in own:
        with contextlib.suppress(_Problems):
            name = r.text(own["name"][1], "name").strip()
        if not name and len(r.problems) == before:
            r.error(own["name"][1], "name", "must not be empty")
        if name.startswith(MARKER.strip()):
            r.error(own["name"][1], "name", f"do not write the {MARKER.strip()!r} marker: it is added")
    else:
        r.error(node, "name", "missing: every schedule needs a name (its identity on Looker)")
    if name:
        r.schedule = name
    values = {**defaults, **own}
    r.from_defaults = set(defaults) - set(own)
    if "pdf" in defaults and "pdf" in own:  # pdf options merge key by key; other keys replace
        dnode_, onode_ = defaults["pdf"][1], own["pdf"][1]
        if isinstance(dnode_, yaml.MappingNode) and isinstance(onode_, yaml.MappingNode):
            mine = {str(k.value) for k, _ in onode_.value}
            merged = [(k, v) for k, v in dnode_.value if str(k.value) not in mine] + list(onode_.value)
            values["pdf"] = (
                own["pdf"][0],
                yaml.MappingNode(onode_.tag, merged, onode_.start_mark, onode_.end_mark),
            )

    def get(key: str) -> yaml.Node | None:
        return values[key][1] if key in values else None

    def opt(key: str, fn: Any, default: Any) -> Any:
        n = get(key)
        if n is None:
            return default
        try:
            return fn(n, key)
        except _Problems:
            return default

    # dashboard
    dash: DashboardInfo | None = None
    dnode = get("dashboard")
    slug = ""
    if dnode is None:
        r.error(node, "dashboard", "missing: the preferred_slug of one of the block's dashboards")
    else:
        try:
            slug = r.text(dnode, "dashboard").strip()
        except _Problems:
            slug = ""
        if slug:
            dash = dashboards.get(slug)
            if dash is None:
                r.error(dnode, "dashboard", _unknown_dashboard(slug, dashboards, dashboards_dir))

    # cron + timezone
    cron = ""
    cnode = get("cron")
    if cnode is None:
        r.error(node, "cron", "missing: a crontab expression such as '0 7 * * 1'")
    else:
        try:
            cron = r.text(cnode, "cron")
            validate_cron(cron)
        except _Problems:
            pass
        except CronError as exc:
            r.error(cnode, "cron", str(exc))
        cron = normalize_cron(cron)
    timezone = opt("timezone", r.text, DEFAULT_TIMEZONE).strip()
    if "timezone" in values and not valid_timezone(timezone):
        close = difflib.get_close_matches(timezone, sorted(zoneinfo.available_timezones()), n=1)
        hint = (
            f" (did you mean {close[0]!r}?)" if close else " (use an IANA name such as Europe/Paris or UTC)"
        )
        r.error(get("timezone"), "timezone", f"{timezone!r} is not a known time zone{hint}")

    # filters
    filters: list[tuple[str, str]] = []
    fnode = get("filters")
    if fnode is not None:
        if not isinstance(fnode, yaml.MappingNode):
            r.error(fnode, "filters", f"expected a mapping of filter name to value, got {_kind(fnode)}")
        else:
            for knode, vnode in fnode.value:
                key = str(knode.value)
                try:
                    if isinstance(vnode, yaml.SequenceNode):
                        value = ",".join(t for _, t in r.texts(vnode, f"filters.{key}"))
                    else:
                        value = r.text(vnode, f"filters.{key}")
                except _Problems:
                    continue
                if dash is None:
                    continue
                found = dash.find_filter(key)
                if found is None:
                    have = ", ".join(
                        f"{f.name}" + (f" ({f.title})" if f.title and f.title != f.name else "")
                        for f in dash.filters
                    )
                    r.error(
                        knode,
                        f"filters.{key}",
                        f"not a filter of dashboard {dash.slug!r} (its filters: {have or 'none'})",
                    )
                    continue
                if any(n == found.name for n, _ in filters):
                    r.error(knode, f"filters.{key}", f"filter {found.name!r} given twice")
                    continue
                filters.append((found.name, value))

    # format + pdf options
    fmt = opt("format", r.text, "wysiwyg_pdf").strip()
    if fmt not in FORMATS:
        r.error(get("format"), "format", f"{fmt!r}: expected one of {', '.join(FORMATS)}")
    pdf = PdfOptions()
    pnode = get("pdf")
    if pnode is not None:
        try:
            p = r.mapping(pnode, "pdf", PDF_KEYS)
        except _Problems:
            p = {}
        paper: str | None = None
        if "paper_size" in p:
            try:
                paper = r.text(p["paper_size"][1], "pdf.paper_size").strip().lower()
            except _Problems:
                paper = None
            if paper is not None and paper not in PAPER_SIZES:
                r.error(
                    p["paper_size"][1],
                    "pdf.paper_size",
                    f"{paper!r}: expected one of {', '.join(PAPER_SIZES)}",
                )

        def pbool(k: str) -> bool:
            if k not in p:
                return False
            try:
                return r.boolean(p[k][1], f"pdf.{k}")
            except _Problems:
                return False

        pdf = PdfOptions(paper, pbool("landscape"), pbool("expand_tables"), pbool("page_breaks"))
        if fmt in FORMATS and fmt not in PDF_FORMATS:
            # Options that do not apply to this format: an error when the schedule sets them,
            # quietly dropped when they come from `defaults:` (meant for the PDF schedules).
            inapplicable = ["paper_size", "landscape", "page_breaks"]
            if fmt not in IMAGE_FORMATS:
                inapplicable.append("expand_tables")
            own_keys = (
                {str(k.value) for k, _ in own["pdf"][1].value}
                if "pdf" in own and isinstance(own["pdf"][1], yaml.MappingNode)
                else set()
            )
            for k in inapplicable:
                if k in p and k in own_keys:
                    r.error(
                        p[k][0],
                        f"pdf.{k}",
                        f"applies to PDF formats only, and this schedule's format is {fmt}",
                    )
            pdf = PdfOptions(expand_tables=pdf.expand_tables and "expand_tables" not in inapplicable)

    require_results = opt("require_results", r.boolean, False)
    enabled = opt("enabled", r.boolean, True)
    include_links = opt("include_links", r.boolean, True)
    message = opt("message", r.text, None)

    run_as = opt("run_as", r.text, "owner").strip()
    if run_as not in ("owner", "recipient") and not run_as.isdigit():
        r.error(
            get("run_as"), "run_as", f"{run_as!r}: expected owner, recipient, or a Looker user id (digits)"
        )

    # destinations
    dests: list[Destination] = []
    rnode = get("recipients")
    if rnode is not None:
        try:
            items = r.texts(rnode, "recipients")
            for i, (item, addr) in enumerate(items):
                k = f"recipients[{i}]" if isinstance(rnode, yaml.SequenceNode) else "recipients"
                dests.append(
                    Destination("email", fmt, address=addr.strip(), line=item.start_mark.line + 1, key=k)
                )
        except _Problems:
            pass
    dlist = get("destinations")
    if dlist is not None:
        if not isinstance(dlist, yaml.SequenceNode):
            r.error(dlist, "destinations", f"expected a list, got {_kind(dlist)}")
        else:
            for i, dnode_ in enumerate(dlist.value):
                d = _destination(r, dnode_, f"destinations[{i}]", fmt)
                if d is not None:
                    dests.append(d)
    seen: set[tuple[str, str]] = set()
    for d in dests:
        if d.kind == "email":
            assert d.address is not None
            if not valid_email(d.address):
                r.error(d.line, d.key, f"{d.address!r} is not a valid e-mail address")
            ident = ("email", d.address.lower())
            if ident in seen:
                r.error(d.line, d.key, f"{d.address} is listed twice")
            seen.add(ident)
    if not dests and len(r.problems) == before:
        r.error(node, "recipients", "no destination: give recipients (e-mail) or destinations")
    if run_as == "recipient":
        others = [d.label for d in dests if d.kind != "email"]
        if others:
            r.error(
                get("run_as"),
                "run_as",
                f"'recipient' works with e-mail recipients only; this schedule also sends to {others[0]}",
            )

    r.schedule = ""
    r.from_defaults = set()
    if len(r.problems) > before:
        return None
    return Schedule(
        name=name,
        dashboard=slug,
        cron=cron,
        timezone=timezone,
        destinations=tuple(dests),
        filters=tuple(filters),
        format=fmt,
        pdf=pdf,
        require_results=require_results,
        run_as=run_as,
        enabled=enabled,
        include_links=include_links,
        message=message,
        file=r.file,
        line=node.start_mark.line + 1,
    )


def _destination(r: _Reader, node: yaml.Node, key: str, schedule_format: str) -> Destination | None:
    try:
        d = r.mapping(node, key, DESTINATION_KEYS)
    except _Problems:
        return None
    kinds = [k for k in ("email", "webhook", "integration") if k in d]
    line = node.start_mark.line + 1
    if len(kinds) != 1:
        what = "none" if not kinds else " and ".join(kinds)
        r.error(node, key, f"give exactly one of email, webhook or integration (found {what})")
        return None
    kind = kinds[0]
    fmt = schedule_format
    if "format" in d:
        try:
            fmt = r.text(d["format"][1], f"{key}.format").strip()
        except _Problems:
            return None
        if fmt not in FORMATS:
            r.error(d["format"][1], f"{key}.format", f"{fmt!r}: expected one of {', '.join(FORMATS)}")
            return None
    for extra in ("parameters", "secret_parameters"):
        if extra in d and kind != "integration":
            r.error(d[extra][0], f"{key}.{extra}", "only an integration destination takes parameters")
            return None
    try:
        value = r.text(d[kind][1], f"{key}.{kind}").strip()
    except _Problems:
        return None
    if kind == "email":
        return Destination("email", fmt, address=value, line=line, key=f"{key}.email")
    if kind == "webhook":
        if not value.startswith("https://") or not urlsplit(value).hostname:
            shown = url_host(value) if "://" in value else repr(value)
            r.error(d[kind][1], f"{key}.webhook", f"{shown}: a webhook address must be an https:// URL")
            return None
        return Destination("webhook", fmt, address=value, line=line, key=f"{key}.webhook")
    if not _INTEGRATION_RE.match(value):
        r.error(
            d[kind][1],
            f"{key}.integration",
            f"{value!r}: expected an action-hub integration id such as 1::slack_app (see `looker-ops schedules integrations`)",
        )
        return None
    params: list[tuple[str, str]] = []
    secrets: list[tuple[str, Secret]] = []
    ok = True
    for extra in ("parameters", "secret_parameters"):
        if extra not in d:
            continue
        pnode = d[extra][1]
        if not isinstance(pnode, yaml.MappingNode):
            r.error(pnode, f"{key}.{extra}", f"expected a mapping of name to value, got {_kind(pnode)}")
            ok = False
            continue
        for knode, vnode in pnode.value:
            pname = str(knode.value)
            pkey = f"{key}.{extra}.{pname}"
            if not _PARAM_NAME_RE.match(pname):
                r.error(knode, pkey, "not a valid parameter name")
                ok = False
                continue
            try:
                if extra == "secret_parameters":
                    secrets.append((pname, r.secret(vnode, pkey)))
                else:
                    params.append((pname, r.text(vnode, pkey)))
            except _Problems:
                ok = False
    both = {n for n, _ in params} & {n for n, _ in secrets}
    for n in sorted(both):
        r.error(d["secret_parameters"][0], f"{key}.secret_parameters.{n}", "also given in parameters")
        ok = False
    if not ok:
        return None
    return Destination(
        "integration",
        fmt,
        integration_id=value,
        parameters=tuple(sorted(params)),
        secret_parameters=tuple(sorted(secrets, key=lambda kv: kv[0])),
        line=line,
        key=f"{key}.integration",
    )


def _unknown_dashboard(
    slug: str, dashboards: Mapping[str, DashboardInfo], dashboards_dir: Path | None
) -> str:
    folder = str(dashboards_dir) if dashboards_dir is not None else "dashboards/"
    by_name = [d for d in dashboards.values() if slug in (d.name, d.title)]
    if by_name:
        return f"{slug!r} is a dashboard's name or title; use its preferred_slug {by_name[0].slug!r}"
    close = difflib.get_close_matches(slug, list(dashboards), n=1)
    if close:
        return f"no dashboard with preferred_slug {slug!r} in {folder} (did you mean {close[0]!r}?)"
    known = ", ".join(sorted(dashboards)) or "none found"
    return f"no dashboard with preferred_slug {slug!r} in {folder} (slugs: {known})"
