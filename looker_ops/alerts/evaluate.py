"""``looker-ops alerts evaluate``: when each alert would have fired on your own CloudTrail logs.

For every cron tick of an alert in the window (``--since``, ending at ``--now``), the alert's
tile is compiled exactly as ``preview`` compiles it (:func:`looker_ops.lookml.query.tile_query`
and :func:`looker_ops.lookml.query.compile_query`), with the alert's dashboard filters applied
and the tick as "now" of the relative dates, and run on the embedded engine. The condition is
then checked as Looker checks it:

- a tile without dimensions (a single value): the first row's value;
- a time series (a date or time dimension): the latest row, against the row before it for
  ``changes/increases/decreases by``;
- any other tile (categories): every row; the alert fires when one row meets the condition.

Dashboard filters the alert does not set are not applied (Looker applies only the alert's
``applied_dashboard_filters``), so an alert without a date filter watches all time.

When an alert would have fired, the events behind it are listed: the same explore and filters
(the tile's, the alert's, and the watched measure's own), one row per event.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from looker_ops.config.alert_model import Alert, AlertSet
from looker_ops.config.alert_tiles import resolve_field
from looker_ops.config.cron import cron_times
from looker_ops.errors import BadInput, LookerOpsError
from looker_ops.lookml.merge import pairs_to_dict
from looker_ops.lookml.query import QuerySpec, compile_query, tile_query

if TYPE_CHECKING:
    from looker_ops.engines.local import LocalEngine
    from looker_ops.lookml.model import Dashboard, DashboardElement, Project

EVENT_FIELDS = (
    "event_time",
    "event_name",
    "user",
    "source_ip",
    "account_id",
    "aws_region",
    "error_code",
)
"""Columns of the events listed behind a firing, where the tile's view has them."""
MAX_EVENTS = 20
_SINCE_RE = re.compile(r"^\s*(\d+)\s*(m|min|minutes?|h|hours?|d|days?|w|weeks?)\s*$", re.IGNORECASE)


@dataclass
class Firing:
    at: str  # the tick, UTC ISO
    value: float | None
    row: dict[str, Any]  # the row that met the condition (column -> value)
    events: list[dict[str, Any]] = dataclasses.field(default_factory=list)
    events_total: int = 0


@dataclass
class Evaluation:
    alert: str
    dashboard: str
    tile: str
    field: str
    condition: str
    cron: str
    timezone: str
    ticks: int = 0
    firings: list[Firing] = dataclasses.field(default_factory=list)
    error: str | None = None
    values: list[float] = dataclasses.field(default_factory=list)  # the watched value at each tick

    def as_dict(self) -> dict[str, Any]:
        return {
            "alert": self.alert,
            "dashboard": self.dashboard,
            "tile": self.tile,
            "field": self.field,
            "condition": self.condition,
            "cron": self.cron,
            "timezone": self.timezone,
            "ticks": self.ticks,
            "fired": len(self.firings),
            "max_value": max(self.values) if self.values else None,
            "firings": [
                {
                    "at": f.at,
                    "value": f.value,
                    "row": f.row,
                    "events": f.events,
                    "events_total": f.events_total,
                }
                for f in self.firings
            ],
            "error": self.error,
        }


def parse_since(text: str) -> dt.timedelta:
    """``7d``, ``36h``, ``90m``, ``2w`` -> timedelta."""
    m = _SINCE_RE.match(text or "")
    if not m:
        raise BadInput(f"--since {text!r}: expected a length such as 7d, 36h, 90m or 2w")
    n, unit = int(m.group(1)), m.group(2).lower()[0]
    delta = {
        "m": dt.timedelta(minutes=n),
        "h": dt.timedelta(hours=n),
        "d": dt.timedelta(days=n),
        "w": dt.timedelta(weeks=n),
    }[unit]
    if delta <= dt.timedelta(0):
        raise BadInput(f"--since {text!r}: must be longer than zero")
    if delta > dt.timedelta(days=92):
        raise BadInput(f"--since {text!r}: at most 92 days (every tick runs a query)")
    return delta


def _dashboard(project: Project, alert: Alert) -> tuple[Dashboard, DashboardElement]:
    for d in project.dashboards:
        if d.preferred_slug == alert.dashboard:
            for e in d.elements:
                if e.name == alert.element:
                    return d, e
    raise BadInput(f"{alert.where}: alert {alert.name!r}: tile {alert.tile!r} not found")


def _number(v: Any) -> float | None:
    if v is None or isinstance(v, bool):
        return None
    try:
        return float(v)
    except (TypeError, ValueError):
        return None


def _check(
    alert: Alert, columns: list[str], rows: list[list[Any]], time_column: str | None
) -> tuple[bool, float | None, dict[str, Any]]:
    """(fired, the value Looker would report, the row) for one tick's result."""
    if alert.field not in columns:
        raise LookerOpsError(f"the tile's result has no column {alert.field}")
    i = columns.index(alert.field)
    cond = alert.condition
    if not rows:
        return False, None, {}
    if time_column is not None and time_column in columns:
        t = columns.index(time_column)
        ordered = sorted(rows, key=lambda r: (r[t] is None, str(r[t])), reverse=True)
        latest = ordered[0]
        previous = _number(ordered[1][i]) if len(ordered) > 1 else None
        value = _number(latest[i])
        return cond.holds(value, previous), value, dict(zip(columns, latest, strict=False))
    dims = [c for c in columns if c != alert.field]
    if not dims:  # single value: the first row
        value = _number(rows[0][i])
        return cond.holds(value), value, dict(zip(columns, rows[0], strict=False))
    for r in rows:  # categories: any row
        value = _number(r[i])
        if cond.holds(value):
            return True, value, dict(zip(columns, r, strict=False))
    return False, _number(rows[0][i]), dict(zip(columns, rows[0], strict=False))


def _measure_filters(project: Project, element: DashboardElement, alert: Alert) -> dict[str, str]:
    """The watched measure's own ``filters:`` (a filtered count), as query filters."""
    f = resolve_field(project, element, alert.field)
    if f is None:
        return {}
    alias = alert.field.split(".", 1)[0]
    # The loader keeps a measure's `filters: [field: "value", ...]` as `filters__all`.
    own = pairs_to_dict(f.props.get("filters__all"))
    return {k if "." in k else f"{alias}.{k}": str(v) for k, v in own.items()}


def _events_spec(
    project: Project, element: DashboardElement, alert: Alert, tile: QuerySpec
) -> QuerySpec | None:
    alias = alert.field.split(".", 1)[0]
    fields = [
        f"{alias}.{n}" for n in EVENT_FIELDS if resolve_field(project, element, f"{alias}.{n}") is not None
    ]
    if not fields:
        return None
    filters = dict(tile.filters) | _measure_filters(project, element, alert)
    sort = [f"{fields[0]} desc"] if fields[0].endswith("event_time") else []
    return QuerySpec(tile.model, tile.explore, fields, filters, sort, [], 5000)


def evaluate_alert(
    project: Project,
    engine: LocalEngine,
    alert: Alert,
    *,
    now: dt.datetime,
    since: dt.timedelta,
    max_events: int = MAX_EVENTS,
) -> Evaluation:
    """Every tick of ``alert`` in ``[now - since, now]``: when it fires, the value, the events."""

    ev = Evaluation(
        alert.name, alert.dashboard, alert.tile, alert.field, alert.condition.text, alert.cron, alert.timezone
    )
    dashboard, element = _dashboard(project, alert)
    values = {f.name: "" for f in dashboard.filters}  # only the alert's filters apply
    values.update({f.name: f.value for f in alert.filters})
    try:
        spec = tile_query(dashboard, element, values)
    except LookerOpsError as exc:
        ev.error = exc.message
        return ev
    events = _events_spec(project, element, alert, spec)
    for tick in cron_times(alert.cron, now - since, now + dt.timedelta(seconds=1), alert.timezone):
        ev.ticks += 1
        try:
            compiled = compile_query(project, spec, now=tick)
            result = engine.query(compiled.sql)
        except LookerOpsError as exc:
            ev.error = f"at {tick:%Y-%m-%d %H:%M}Z: {exc.message}"
            return ev
        rows = [list(r) for r in result.rows]
        columns = [c.ref for c in compiled.columns]
        time_column = next((c.ref for c in compiled.columns if c.is_time and c.kind == "dimension"), None)
        fired, value, row = _check(alert, columns, rows, time_column)
        if value is not None:
            ev.values.append(value)
        if not fired:
            continue
        firing = Firing(tick.strftime("%Y-%m-%dT%H:%M:%SZ"), value, {k: _plain(v) for k, v in row.items()})
        if events is not None:
            try:
                ecomp = compile_query(project, events, now=tick)
                eres = engine.query(ecomp.sql)
            except LookerOpsError as exc:
                firing.events = [{"error": exc.message}]
            else:
                names = [c.ref.split(".", 1)[1] for c in ecomp.columns]
                firing.events_total = len(eres.rows)
                firing.events = [
                    {n: _plain(v) for n, v in zip(names, r, strict=False)} for r in eres.rows[:max_events]
                ]
        ev.firings.append(firing)
    return ev


def _plain(v: Any) -> Any:
    if isinstance(v, dt.datetime | dt.date):
        return v.isoformat(sep=" ") if isinstance(v, dt.datetime) else v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v if isinstance(v, str | int | float | bool) or v is None else str(v)


def evaluate(
    spec: AlertSet,
    engine: LocalEngine,
    *,
    now: dt.datetime,
    since: dt.timedelta,
    names: Sequence[str] = (),
    max_events: int = MAX_EVENTS,
) -> list[Evaluation]:
    if spec.project is None:
        raise BadInput("alerts evaluate needs the LookML project (pass --project)")
    chosen = [spec.get(n) for n in names] if names else list(spec.alerts)
    return [
        evaluate_alert(spec.project, engine, a, now=now, since=since, max_events=max_events) for a in chosen
    ]


def render_text(evals: Sequence[Evaluation], *, now: dt.datetime, since: dt.timedelta, data: str) -> str:
    start = now - since
    out = [f"alerts evaluated on {data}, {start:%Y-%m-%d %H:%M}Z to {now:%Y-%m-%d %H:%M}Z"]
    for ev in evals:
        out.append("")
        out.append(
            f"{ev.alert}: {ev.dashboard} / {ev.tile}: {ev.field} {ev.condition}, cron '{ev.cron}' ({ev.timezone})"
        )
        if ev.error:
            out.append(f"  error: {ev.error}")
            continue
        top = f", highest value {max(ev.values):g}" if ev.values else ""
        out.append(f"  {ev.ticks} tick(s), would have fired {len(ev.firings)} time(s){top}")
        for f in ev.firings:
            shown = "?" if f.value is None else f"{f.value:g}"
            out.append(f"  fired {f.at} with {shown}")
            for e in f.events:
                out.append("    " + "  ".join(f"{k}={v}" for k, v in e.items() if v not in (None, "")))
            if f.events_total > len(f.events):
                out.append(f"    ... and {f.events_total - len(f.events)} more event(s)")
    fired = sum(len(e.firings) for e in evals)
    out.append("")
    out.append(f"{len(evals)} alert(s), {sum(e.ticks for e in evals)} tick(s), {fired} firing(s)")
    return "\n".join(out) + "\n"


__all__ = ["Evaluation", "Firing", "evaluate", "evaluate_alert", "parse_since", "render_text"]
