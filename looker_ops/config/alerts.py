"""The ``alerts:`` list of ``schedules.yaml`` -> typed alert specs, checked offline before any call.

An alert watches one numeric field of one tile of one of the block's dashboards and notifies its
destinations when a condition holds, on a cron. Its ``name`` is its identity: the alert on Looker
carries the custom title ``[looker-ops] <name>`` (:data:`MARKER`, shared with schedules), which is
also how ``--prune`` recognises the alerts this tool made.

Everything Looker would refuse is found here, each problem named by file, line, alert and key:
unknown keys, an unknown dashboard, tile or field (the field must be one of the tile's fields and
numeric), a threshold that is not a number, a comparison Looker does not allow for that tile (the
``changes/increases/decreases by`` forms need a time series: a date or time dimension in the
tile), a cron under 15 minutes apart, an unknown dashboard filter (or one the tile does not
listen to, where it would change nothing), a bad e-mail address, destinations of mixed types.

Alerts share the file's ``defaults:`` for ``recipients`` and ``timezone``. Looker's Alert has no
time zone of its own; ``timezone`` is the zone ``alerts evaluate`` reads the cron in (set it to
the zone your instance runs alerts in). Action-hub form values may be written as ``${ENV_VAR}``;
``secret_parameters`` must be.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import itertools
import os
import re
import zoneinfo
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from looker_ops.config.cron import CronError, cron_values, normalize_cron, validate_cron
from looker_ops.config.reader import Reader, Secret, compose, read_file
from looker_ops.config.reader import Stop as _Problems
from looker_ops.config.reader import kind as _kind
from looker_ops.config.schedule_model import DEFAULT_TIMEZONE, MARKER
from looker_ops.config.schedules import integration_parameters
from looker_ops.config.values import timezone_problem, valid_email
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.lookml.model import Dashboard, DashboardElement, Field, Project

__all__ = [
    "ALERT_KEYS",
    "COMPARISONS",
    "MIN_INTERVAL_MINUTES",
    "Alert",
    "AlertDestination",
    "AlertSet",
    "Condition",
    "cron_times",
    "load_alerts",
    "min_interval_minutes",
    "parse_alerts",
    "parse_condition",
]

MIN_INTERVAL_MINUTES = 15
"""Looker refuses an alert whose cron runs more often than every 15 minutes (422)."""

COMPARISONS = {
    ">": "GREATER_THAN",
    ">=": "GREATER_THAN_OR_EQUAL_TO",
    "<": "LESS_THAN",
    "<=": "LESS_THAN_OR_EQUAL_TO",
    "=": "EQUAL_TO",
    "==": "EQUAL_TO",
    "increases by": "INCREASES_BY",
    "decreases by": "DECREASES_BY",
    "changes by": "CHANGES_BY",
}
TIME_SERIES_ONLY = ("INCREASES_BY", "DECREASES_BY", "CHANGES_BY")
NUMERIC_MEASURE_TYPES = frozenset(
    {
        "count",
        "count_distinct",
        "sum",
        "sum_distinct",
        "average",
        "average_distinct",
        "min",
        "max",
        "median",
        "median_distinct",
        "percentile",
        "percentile_distinct",
        "number",
        "percent_of_total",
        "percent_of_previous",
        "running_total",
    }
)

ALERT_KEYS = {
    "name": "identity of the alert (its title on Looker is '[looker-ops] <name>')",
    "dashboard": "the dashboard's preferred_slug in dashboards/",
    "tile": "the tile's title (or its element name)",
    "field": "the tile's field to watch, view.field (default: the tile's only measure)",
    "condition": "'> 0', '>= 5', '< 1', '= 0', 'increases by 10', 'decreases by 3', 'changes by 2'",
    "cron": "five-field crontab expression, at least 15 minutes apart, e.g. '15 * * * *'",
    "timezone": f"IANA zone `alerts evaluate` reads the cron in (default: defaults.timezone, else {DEFAULT_TIMEZONE})",
    "filters": "dashboard filter values by filter name or title, e.g. Date: 1 hour ago",
    "recipients": "e-mail addresses (default: defaults.recipients)",
    "destinations": "email or (action hub) integration destinations, all of one type",
    "public": "other users may see and follow the alert (default false)",
    "enabled": "false keeps the alert on Looker but disabled (default true)",
    "description": "text shown with the alert",
}
DESTINATION_KEYS = {
    "email": "an e-mail address",
    "integration": "action-hub integration id, e.g. 1::slack_app",
    "parameters": "the integration's form values, e.g. channel: C0123456789",
    "secret_parameters": "secret form values, each written as ${ENV_VAR}",
}
_INTEGRATION_RE = re.compile(r"^[A-Za-z0-9_-]+::[A-Za-z0-9_.-]+$")
_CONDITION_RE = re.compile(
    r"^\s*(?P<op>>=|<=|==|=|>|<|increases\s+by|decreases\s+by|changes\s+by)\s*(?P<value>\S.*?)?\s*$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Condition:
    comparison: str  # Looker's comparison_type
    threshold: float
    text: str  # as written

    def holds(self, value: float | None, previous: float | None = None) -> bool:
        """Whether Looker's comparison is met by ``value`` (``previous``: the row before, for the
        time-series comparisons)."""
        if value is None:
            return False
        c, t = self.comparison, self.threshold
        if c == "GREATER_THAN":
            return value > t
        if c == "GREATER_THAN_OR_EQUAL_TO":
            return value >= t
        if c == "LESS_THAN":
            return value < t
        if c == "LESS_THAN_OR_EQUAL_TO":
            return value <= t
        if c == "EQUAL_TO":
            return value == t
        if previous is None:
            return False
        if c == "INCREASES_BY":
            return value - previous >= t
        if c == "DECREASES_BY":
            return previous - value >= t
        return abs(value - previous) >= t  # CHANGES_BY


@dataclass(frozen=True)
class AlertDestination:
    """``email`` (``address``) or ``integration`` (an action-hub integration and its form)."""

    kind: str
    address: str | None = None
    integration_id: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    secret_parameters: tuple[tuple[str, Secret], ...] = ()
    line: int = 0
    key: str = ""

    @property
    def label(self) -> str:
        if self.kind == "email":
            return f"email {self.address}"
        shown = ", ".join(f"{k}={v}" for k, v in self.parameters)
        return f"integration {self.integration_id}" + (f" ({shown})" if shown else "")


@dataclass(frozen=True)
class AppliedFilter:
    name: str  # the dashboard filter's name in the LookML file
    title: str  # its title (what Looker's AlertAppliedDashboardFilter.filter_title holds)
    field: str  # the field it filters (AlertAppliedDashboardFilter.field_name)
    value: str


@dataclass(frozen=True)
class Alert:
    name: str
    dashboard: str  # preferred_slug
    tile: str  # the tile's title as written in the dashboard (or its element name)
    element: str  # the element's name in the dashboard LookML
    field: str  # view.field
    field_title: str
    condition: Condition
    cron: str
    timezone: str
    destinations: tuple[AlertDestination, ...]
    filters: tuple[AppliedFilter, ...] = ()
    public: bool = False
    enabled: bool = True
    description: str | None = None
    time_series: bool = False
    file: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        """The alert's custom title on Looker: its identity and ownership marker."""
        return MARKER + self.name

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.name


@dataclass
class AlertSet:
    alerts: list[Alert]
    file: str = ""
    project: Project | None = field(default=None, repr=False)
    declared: bool = True  # False: the file has no `alerts:` key (nothing is managed)

    def get(self, name: str) -> Alert:
        for a in self.alerts:
            if a.name == name:
                return a
        known = ", ".join(repr(a.name) for a in self.alerts) or "none"
        raise BadInput(f"{self.file}: no alert named {name!r} (alerts: {known})")

    def secrets(self) -> list[str]:
        return [
            v.reveal()
            for a in self.alerts
            for d in a.destinations
            for _, v in d.secret_parameters
            if v.reveal()
        ]


# --------------------------------------------------------------------------- cron


def _expand(expr: str) -> list[set[int]]:
    """The five fields of a valid cron expression as sets of values (day-of-week 7 is 0)."""
    return cron_values(expr)


def cron_times(expr: str, start: dt.datetime, end: dt.datetime, tz: str = "UTC") -> Iterator[dt.datetime]:
    """Every time in ``[start, end)`` (aware datetimes) the cron fires, read in zone ``tz``,
    returned in UTC. Vixie semantics: when both day fields are restricted, either may match."""
    fields = _expand(normalize_cron(expr))
    minutes, hours = fields[0], fields[1]
    parts = normalize_cron(expr).split()
    dom_any, dow_any = parts[2].startswith("*"), parts[4].startswith("*")
    zone = zoneinfo.ZoneInfo(tz)
    t = start.astimezone(zone).replace(second=0, microsecond=0)
    if t < start:
        t += dt.timedelta(minutes=1)
    seen: set[dt.datetime] = set()
    while t < end:
        if _day_matches(fields, dom_any, dow_any, t.date()):
            if t.hour in hours:
                if t.minute in minutes:
                    u = t.astimezone(dt.UTC)
                    if u not in seen:
                        seen.add(u)
                        yield u
                t += dt.timedelta(minutes=1)
            else:
                t = (t + dt.timedelta(hours=1)).replace(minute=0)
        else:
            t = (t + dt.timedelta(days=1)).replace(hour=0, minute=0)


def _day_matches(fields: list[set[int]], dom_any: bool, dow_any: bool, day: dt.date) -> bool:
    _, _, doms, months, dows = fields
    if day.month not in months:
        return False
    by_dom, by_dow = day.day in doms, (day.isoweekday() % 7) in dows
    return by_dom and by_dow if dom_any or dow_any else by_dom or by_dow


def min_interval_minutes(expr: str) -> int:
    """The shortest gap between two runs of a valid cron expression, in minutes. Across
    midnight only when the cron runs on two days in a row (checked over four years of days)."""
    text = normalize_cron(expr)
    fields = _expand(text)
    minutes, hours = fields[0], fields[1]
    parts = text.split()
    in_day = sorted(h * 60 + m for h in hours for m in minutes)
    gaps = [b - a for a, b in itertools.pairwise(in_day)]
    best = min(gaps) if gaps else 24 * 60
    first = dt.date(2028, 1, 1)
    runs = [
        _day_matches(fields, parts[2].startswith("*"), parts[4].startswith("*"), first + dt.timedelta(days=i))
        for i in range(4 * 366)
    ]
    if any(a and b for a, b in itertools.pairwise(runs)):
        best = min(best, in_day[0] + 24 * 60 - in_day[-1])
    return best


# --------------------------------------------------------------------------- conditions


def parse_condition(text: str) -> Condition:
    """``> 0`` / ``>= 5`` / ``increases by 10`` -> :class:`Condition`; ValueError says why not."""
    m = _CONDITION_RE.match(text or "")
    if not m:
        raise ValueError(
            f"{text!r}: expected a comparison and a number: > 0, >= 5, < 1, <= 2, = 0, increases by 10, "
            "decreases by 3, changes by 2"
        )
    op = " ".join(m.group("op").lower().split())
    value = (m.group("value") or "").strip()
    if not value:
        raise ValueError(f"{text!r}: the threshold is missing after {op!r}")
    if value.endswith("%"):
        raise ValueError(
            f"{text!r}: Looker's alerts take an absolute threshold (the API has no percentage form); "
            f"write the amount, e.g. '{op} 10'"
        )
    try:
        threshold = float(value.replace("_", ""))
    except ValueError:
        raise ValueError(f"{text!r}: threshold {value!r} is not a number") from None
    if threshold != threshold or threshold in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r}: threshold {value!r} is not a finite number")
    comparison = COMPARISONS[op]
    if comparison in TIME_SERIES_ONLY and threshold < 0:
        raise ValueError(f"{text!r}: the amount of a change is positive ({op} {abs(threshold):g})")
    return Condition(comparison, threshold, " ".join(text.split()))


# --------------------------------------------------------------------------- reading


class _AlertReader(Reader):
    """The one config reader (${ENV}, did-you-mean, line numbers), naming the alert in each
    message and ``defaults.`` for a value taken from the shared defaults."""

    def __init__(self, file: str, env: Mapping[str, str]) -> None:
        super().__init__(file, env)
        self.schedule = ""  # the alert being read (its name, or alerts[i])
        self.from_defaults: set[str] = set()
        self.require_secrets = True

    def label(self, key: str) -> str:
        who = f"alert {self.schedule!r}: " if self.schedule else ""
        if key and re.split(r"[.\[]", key, maxsplit=1)[0] in self.from_defaults:
            key = "defaults." + key
        return who + (f"{key}: " if key else "")

    def needs_env(self, key: str, secret: bool) -> bool:
        return self.require_secrets or not secret

    @property
    def errors(self) -> list[str]:
        return self.messages


def load_alerts(
    path: Path,
    dashboards_dir: Path,
    project_dir: Path,
    env: Mapping[str, str] | None = None,
    *,
    require_secrets: bool = True,
    project: Project | None = None,
) -> AlertSet:
    """Read and check the ``alerts:`` of a schedules file against the LookML project and its
    dashboards. Raises :class:`BadInput` listing every problem. A file without ``alerts:`` has
    none."""
    text = read_file(path, "schedules file not found", "schedules file")
    if project is None:
        project = load_alert_project(project_dir, dashboards_dir)
    return parse_alerts(
        text, str(path), project, os.environ if env is None else env, require_secrets=require_secrets
    )


def load_alert_project(project_dir: Path, dashboards_dir: Path) -> Project:
    """The LookML project with the block's dashboards (fields, their kinds and the tiles)."""
    from looker_ops.lookml.loader import load_project

    if not project_dir.is_dir():
        raise BadInput(
            f"{project_dir}: LookML project folder not found (alerts check their fields against it; "
            "pass --project or set project.lookml_dir in looker-ops.yaml)"
        )
    if not dashboards_dir.is_dir():
        raise BadInput(f"{dashboards_dir}: dashboards folder not found (pass --dashboards)")
    return load_project(project_dir, dashboard_dirs=[dashboards_dir], cache_dir=None)


def parse_alerts(
    text: str, file: str, project: Project, env: Mapping[str, str], *, require_secrets: bool = True
) -> AlertSet:
    root = compose(text, file)
    r = _AlertReader(file, env)
    r.require_secrets = require_secrets
    if not isinstance(root, yaml.MappingNode):
        return AlertSet([], file, project, declared=False)
    top = {str(k.value): (k, v) for k, v in root.value}
    if "alerts" not in top:
        return AlertSet([], file, project, declared=False)
    defaults: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    dnode = top.get("defaults", (None, None))[1]
    if isinstance(dnode, yaml.MappingNode):
        # Alerts take the recipients and the time zone of the shared defaults (the rest is the
        # schedules'); the schedules reader checks the defaults block itself.
        defaults = {
            str(k.value): (k, v) for k, v in dnode.value if str(k.value) in ("recipients", "timezone")
        }
    lnode = top["alerts"][1]
    alerts: list[Alert] = []
    if isinstance(lnode, yaml.ScalarNode) and lnode.tag == "tag:yaml.org,2002:null":
        return AlertSet([], file, project)
    if not isinstance(lnode, yaml.SequenceNode):
        r.error(lnode, "alerts", f"expected a list of alerts, got {_kind(lnode)}")
    else:
        dashboards = {d.preferred_slug: d for d in project.dashboards if d.preferred_slug}
        seen: dict[str, int] = {}
        for i, anode in enumerate(lnode.value):
            a = _alert(r, anode, i, defaults, dashboards, project)
            if a is None:
                continue
            if a.name in seen:
                r.schedule = a.name
                r.error(anode, "name", f"given twice (also at line {seen[a.name]}): names must be unique")
                r.schedule = ""
                continue
            seen[a.name] = a.line
            alerts.append(a)
    if r.errors:
        head = f"{file}: {len(r.errors)} problem(s) in the alerts:"
        raise BadInput("\n".join([head, *(f"  {e}" for e in r.errors)]) if len(r.errors) > 1 else r.errors[0])
    return AlertSet(alerts, file, project)


def tile_title(element: DashboardElement) -> str:
    for text in (element.title, element.props.get("title_text")):
        if isinstance(text, str) and text.strip():
            return text
    return element.name


def find_tile(dashboard: Dashboard, key: str) -> tuple[DashboardElement | None, str]:
    """The element whose title (without case) or name is ``key``, or (None, why not)."""
    by_title = [e for e in dashboard.elements if tile_title(e).casefold() == key.casefold()]
    if len(by_title) == 1:
        return by_title[0], ""
    if len(by_title) > 1:
        names = ", ".join(e.name for e in by_title)
        return None, f"{len(by_title)} tiles are titled {key!r} (elements {names}): give the element name"
    by_name = [e for e in dashboard.elements if e.name == key]
    if by_name:
        return by_name[0], ""
    titles = [tile_title(e) for e in dashboard.elements if (e.type or "") not in ("text", "button")]
    close = difflib.get_close_matches(key, titles, n=1, cutoff=0.5)
    hint = f" (did you mean {close[0]!r}?)" if close else f" (tiles: {', '.join(repr(t) for t in titles)})"
    return None, f"no tile titled {key!r} on dashboard {dashboard.preferred_slug!r}{hint}"


def resolve_field(project: Project, element: DashboardElement, ref: str) -> Field | None:
    if "." not in ref or not element.explore:
        return None
    explore = project.explore(element.model or "", element.explore)
    if explore is None:
        found = project.explores_named(element.explore)
        explore = found[0] if len(found) == 1 else None
    if explore is None:
        return None
    alias, name = ref.split(".", 1)
    view = project.view(explore.aliases().get(alias, ""))
    return view.field(name) if view is not None else None


def _numeric(f: Field) -> bool:
    if f.is_measure:
        return f.type in NUMERIC_MEASURE_TYPES
    return f.type == "number"


def _time_series(project: Project, element: DashboardElement) -> bool:
    for ref in element.fields:
        f = resolve_field(project, element, ref)
        if (
            f is not None
            and not f.is_measure
            and (
                f.timeframe not in (None, "hour_of_day", "day_of_week", "day_of_month", "month_num")
                or f.type in ("date", "date_time", "time")
            )
        ):
            return True
    return False


def _alert(
    r: _AlertReader,
    node: yaml.Node,
    index: int,
    defaults: Mapping[str, tuple[yaml.Node, yaml.Node]],
    dashboards: Mapping[str, Dashboard],
    project: Project,
) -> Alert | None:
    before = len(r.problems)
    r.schedule = f"alerts[{index}]"
    if isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            if k.value == "name" and isinstance(v, yaml.ScalarNode) and str(v.value).strip():
                r.schedule = str(v.value).strip()
    try:
        own = r.mapping(node, "", ALERT_KEYS)
    except _Problems:
        r.schedule = ""
        return None
    values = {**defaults, **own}
    r.from_defaults = set(defaults) - set(own)

    def get(key: str) -> yaml.Node | None:
        return values[key][1] if key in values else None

    def text(key: str, default: str | None = None) -> str | None:
        n = get(key)
        if n is None:
            return default
        try:
            return r.text(n, key).strip()
        except _Problems:
            return None

    name = text("name") or ""
    if "name" not in own:
        r.error(node, "name", "missing: every alert needs a name (its identity on Looker)")
    elif not name and len(r.problems) == before:
        r.error(own["name"][1], "name", "must not be empty")
    elif name.startswith(MARKER.strip()):
        r.error(own["name"][1], "name", f"do not write the {MARKER.strip()!r} marker: it is added")

    # dashboard and tile
    dash: Dashboard | None = None
    slug = text("dashboard") or ""
    if get("dashboard") is None:
        r.error(node, "dashboard", "missing: the preferred_slug of one of the block's dashboards")
    elif slug:
        dash = dashboards.get(slug)
        if dash is None:
            by_name = [d for d in dashboards.values() if slug in (d.name, d.title)]
            close = difflib.get_close_matches(slug, list(dashboards), n=1)
            if by_name:
                msg = f"{slug!r} is a dashboard's name or title; use its preferred_slug {by_name[0].preferred_slug!r}"
            elif close:
                msg = f"no dashboard with preferred_slug {slug!r} (did you mean {close[0]!r}?)"
            else:
                msg = f"no dashboard with preferred_slug {slug!r} (slugs: {', '.join(sorted(dashboards)) or 'none'})"
            r.error(get("dashboard"), "dashboard", msg)
    element: DashboardElement | None = None
    tile = text("tile") or ""
    if get("tile") is None:
        r.error(node, "tile", "missing: the title of the tile to watch")
    elif tile and dash is not None:
        element, why = find_tile(dash, tile)
        if element is None:
            r.error(get("tile"), "tile", why)
        elif (element.type or "") in ("text", "button") or not element.fields:
            r.error(
                get("tile"),
                "tile",
                f"{tile!r} is a {element.type or 'visualization-only'} tile: it has no query to watch",
            )
            element = None

    # field
    fref = text("field") or ""
    fobj: Field | None = None
    if element is not None:
        if get("field") is None:
            measures = [
                f
                for f in element.fields
                if (x := resolve_field(project, element, f)) is not None and x.is_measure
            ]
            if len(measures) == 1:
                fref = measures[0]
            else:
                r.error(
                    node,
                    "field",
                    f"missing: tile {tile!r} has {len(measures)} measures ({', '.join(measures) or 'none'}); say which to watch",
                )
        elif fref and fref not in element.fields:
            r.error(
                get("field"),
                "field",
                f"{fref!r} is not in the tile's query (its fields: {', '.join(element.fields)})",
            )
            fref = ""
        if fref:
            fobj = resolve_field(project, element, fref)
            if fobj is None:
                r.error(
                    get("field") or node, "field", f"{fref!r}: no such field in explore {element.explore!r}"
                )
            elif not _numeric(fobj):
                r.error(
                    get("field") or node,
                    "field",
                    f"{fref!r} is a {fobj.type} {fobj.kind}: Looker alerts watch a numeric measure or number dimension",
                )
                fobj = None

    # condition
    condition: Condition | None = None
    cnode = get("condition")
    if cnode is None:
        r.error(node, "condition", "missing: e.g. '> 0' (any event) or 'increases by 10'")
    else:
        ctext = text("condition")
        if isinstance(cnode, yaml.ScalarNode) and cnode.tag == "tag:yaml.org,2002:int":
            r.error(cnode, "condition", f"{ctext!r}: write a comparison and a number, e.g. '> {ctext}'")
        elif ctext is not None:
            try:
                condition = parse_condition(ctext)
            except ValueError as exc:
                r.error(cnode, "condition", str(exc))
    time_series = element is not None and _time_series(project, element)
    if (
        condition is not None
        and condition.comparison in TIME_SERIES_ONLY
        and element is not None
        and not time_series
    ):
        r.error(
            cnode,
            "condition",
            f"{condition.text!r}: Looker offers changes/increases/decreases by only on time series, and tile "
            f"{tile!r} has no date or time dimension; use >, >=, <, <= or =",
        )

    # cron and time zone
    cron = ""
    cr = get("cron")
    if cr is None:
        r.error(node, "cron", "missing: e.g. '15 * * * *' (every hour at :15)")
    else:
        raw = text("cron")
        if raw is not None:
            try:
                validate_cron(raw)
                cron = normalize_cron(raw)
            except CronError as exc:
                r.error(cr, "cron", str(exc))
            if cron:
                gap = min_interval_minutes(cron)
                if gap < MIN_INTERVAL_MINUTES:
                    r.error(
                        cr,
                        "cron",
                        f"{cron!r} runs {gap} minute(s) apart; Looker requires alerts at least "
                        f"{MIN_INTERVAL_MINUTES} minutes apart (e.g. '*/15 * * * *')",
                    )
                    cron = ""
    timezone = text("timezone", DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE
    tz_problem = timezone_problem(timezone) if get("timezone") is not None else None
    if tz_problem:
        r.error(get("timezone"), "timezone", tz_problem)

    # dashboard filters
    filters: list[AppliedFilter] = []
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
                match = [f for f in dash.filters if f.name == key] or [
                    f for f in dash.filters if (f.title or "").casefold() == key.casefold()
                ]
                if not match:
                    have = ", ".join(
                        f.name + (f" ({f.title})" if f.title and f.title != f.name else "")
                        for f in dash.filters
                    )
                    r.error(
                        knode,
                        f"filters.{key}",
                        f"not a filter of dashboard {slug!r} (its filters: {have or 'none'})",
                    )
                    continue
                df = match[0]
                if any(f.name == df.name for f in filters):
                    r.error(knode, f"filters.{key}", f"filter {df.name!r} given twice")
                    continue
                if element is not None and df.name not in element.listen:
                    r.error(
                        knode,
                        f"filters.{key}",
                        f"tile {tile!r} does not listen to filter {df.name!r}: it would not change what the alert sees",
                    )
                    continue
                target = df.field or (element.listen.get(df.name) if element is not None else None) or df.name
                if value and element is not None and df.name in element.listen:
                    problem = _filter_problem(project, element, element.listen[df.name], value)
                    if problem:
                        r.error(vnode, f"filters.{key}", problem)
                        continue
                filters.append(AppliedFilter(df.name, df.title or df.name, target, value))

    public = _bool(r, get("public"), "public", False)
    enabled = _bool(r, get("enabled"), "enabled", True)
    description = text("description")

    # destinations
    dests: list[AlertDestination] = []
    rnode = get("recipients")
    if rnode is not None:
        with contextlib.suppress(_Problems):
            for i, (item, addr) in enumerate(r.texts(rnode, "recipients")):
                k = f"recipients[{i}]" if isinstance(rnode, yaml.SequenceNode) else "recipients"
                dests.append(
                    AlertDestination("email", address=addr.strip(), line=item.start_mark.line + 1, key=k)
                )
    dlist = get("destinations")
    if dlist is not None:
        if not isinstance(dlist, yaml.SequenceNode):
            r.error(dlist, "destinations", f"expected a list, got {_kind(dlist)}")
        else:
            for i, dn in enumerate(dlist.value):
                d = _destination(r, dn, f"destinations[{i}]")
                if d is not None:
                    dests.append(d)
    seen: set[str] = set()
    for d in dests:
        if d.kind == "email":
            assert d.address is not None
            if not valid_email(d.address):
                r.error(d.line, d.key, f"{d.address!r} is not a valid e-mail address")
            elif d.address.lower() in seen:
                r.error(d.line, d.key, f"{d.address} is listed twice")
            seen.add((d.address or "").lower())
    kinds = {d.kind for d in dests}
    if len(kinds) > 1:
        r.error(
            node,
            "destinations",
            "Looker sends an alert to destinations of one type: e-mail addresses or one action-hub integration, not both "
            "(split it into two alerts)",
        )
    if not dests and len(r.problems) == before:
        r.error(node, "recipients", "no destination: give recipients (e-mail) or destinations")

    r.schedule = ""
    r.from_defaults = set()
    if len(r.problems) > before or element is None or fobj is None or condition is None or not cron:
        return None
    label = str(fobj.props.get("label") or fobj.name.replace("_", " ").title())
    return Alert(
        name=name,
        dashboard=slug,
        tile=tile_title(element),
        element=element.name,
        field=fref,
        field_title=label,
        condition=condition,
        cron=cron,
        timezone=timezone,
        destinations=tuple(dests),
        filters=tuple(filters),
        public=public,
        enabled=enabled,
        description=description,
        time_series=time_series,
        file=r.file,
        line=node.start_mark.line + 1,
    )


def _filter_problem(project: Project, element: DashboardElement, ref: str, value: str) -> str | None:
    """Why Looker would refuse ``value`` on the field ``ref`` (None when it takes it)."""
    from looker_ops.lookml.query import PinnedFilterCompiler

    target = resolve_field(project, element, ref)
    if target is None:
        return None  # not understood here: Looker decides
    try:
        PinnedFilterCompiler().parse(target, value)
    except BadInput as exc:
        return f"{value!r} is not a filter expression for {ref}: {exc.message}"
    return None


def _bool(r: _AlertReader, node: yaml.Node | None, key: str, default: bool) -> bool:
    if node is None:
        return default
    try:
        return r.boolean(node, key)
    except _Problems:
        return default


def _destination(r: _AlertReader, node: yaml.Node, key: str) -> AlertDestination | None:
    try:
        d = r.mapping(node, key, DESTINATION_KEYS)
    except _Problems:
        return None
    kinds = [k for k in ("email", "integration") if k in d]
    line = node.start_mark.line + 1
    if len(kinds) != 1:
        what = "none" if not kinds else " and ".join(kinds)
        extra = (
            " (alerts cannot go to webhooks: Looker offers e-mail and action-hub destinations)"
            if "webhook" in {str(k.value) for k, _ in getattr(node, "value", [])}
            else ""
        )
        r.error(node, key, f"give exactly one of email or integration (found {what}){extra}")
        return None
    kind = kinds[0]
    if kind == "email":
        for extra_key in ("parameters", "secret_parameters"):
            if extra_key in d:
                r.error(
                    d[extra_key][0], f"{key}.{extra_key}", "only an integration destination takes parameters"
                )
                return None
    try:
        value = r.text(d[kind][1], f"{key}.{kind}").strip()
    except _Problems:
        return None
    if kind == "email":
        return AlertDestination("email", address=value, line=line, key=f"{key}.email")
    if not _INTEGRATION_RE.match(value):
        r.error(
            d[kind][1],
            f"{key}.integration",
            f"{value!r}: expected an action-hub integration id such as 1::slack_app",
        )
        return None
    found = integration_parameters(r, d, key)
    if found is None:
        return None
    params, secrets = found
    return AlertDestination(
        "integration",
        integration_id=value,
        parameters=tuple(sorted(params)),
        secret_parameters=tuple(sorted(secrets, key=lambda kv: kv[0])),
        line=line,
        key=f"{key}.integration",
    )


def alerts_of(spec: AlertSet, names: Sequence[str]) -> list[Alert]:
    """The named alerts (all when ``names`` is empty); an unknown name is BadInput."""
    return [spec.get(n) for n in names] if names else list(spec.alerts)
