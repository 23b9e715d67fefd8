"""``looker-ops preview``: a dashboard's tiles compiled to Athena SQL and run on the embedded engine.

For each tile (element) of a LookML dashboard: the explore, the fields, the tile's own filters
and the dashboard filters it ``listen``s to (their default values, overridden by
``--filter NAME=VALUE``) become a :class:`~looker_ops.lookml.query.QuerySpec`; it is compiled
the way Looker compiles it (:func:`looker_ops.lookml.query.compile_query`: joins the query
needs, ``always_filter``, ``sql_always_where`` with its Liquid, WHERE/HAVING, sorts, pivots,
limit) and run on :class:`~looker_ops.engines.local.LocalEngine`, which reports how many log
files it read and the partition predicate it pruned with. A tile that cannot be compiled or run
(a text tile, an unsupported feature, a bad filter expression) gets an ``error`` and the other
tiles still run.

The package, one module per job: ``run`` (this: dashboards, filters, running tiles), ``model``
(:class:`~looker_ops.preview.model.DashboardPreview` and its JSON document), ``formatting``
(value formats of the columns), the renderers
``text``, ``csv`` and ``html`` (with ``charts``, ``markdown`` for text tiles and ``partitions``
for the pruning summary). Renderers take the previews and return text; none runs a query.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from looker_ops import clock
from looker_ops.config.alert_tiles import dashboard_filter_problem, dashboard_filter_target
from looker_ops.engines.local import LocalEngine
from looker_ops.errors import BadInput, LookerOpsError
from looker_ops.lookml.dashboards import unreadable_dashboards
from looker_ops.lookml.filters import EARLIEST, LATEST
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Dashboard, DashboardElement, DashboardFilter, Project
from looker_ops.lookml.query import QuerySpec, compile_query, pivot_rows, tile_query
from looker_ops.preview.csv import render_csv
from looker_ops.preview.formatting import column_formats, find_explore, numeric_columns, rendered_rows
from looker_ops.preview.html import render_html
from looker_ops.preview.model import FORMATS, TEXT_TYPES, DashboardPreview, TilePreview, render_json
from looker_ops.preview.text import render_table

__all__ = [
    "find_dashboards",
    "preview_dashboard",
    "render",
    "validate_filter_overrides",
]


# =========================================================================== running tiles


def default_dashboards_dir(project_dir: Path) -> Path:
    return project_dir.parent / "dashboards"


def _slugs(d: Dashboard) -> set[str]:
    names = {d.name}
    if d.preferred_slug:
        names.add(d.preferred_slug)
    fname = Path(d.file).name
    names.add(fname)
    names.add(fname.split(".", 1)[0])
    return {n.lower() for n in names}


def find_dashboards(project: Project, wanted: Sequence[str], *, every: bool) -> list[Dashboard]:
    """The dashboards named by slug, name, preferred_slug or file (all of them with ``every``)."""
    unreadable = unreadable_dashboards(project.problems, project.root)
    if every:
        if unreadable:  # "all" must not quietly mean "all that could be read"
            raise BadInput(f"{unreadable} (fix it, or name the dashboards to preview)")
        if not project.dashboards:
            raise BadInput(f"no dashboards found under {project.root} or its dashboards folder")
        return sorted(project.dashboards, key=lambda d: d.name)
    out: list[Dashboard] = []
    for w in wanted:
        key = Path(w).name.lower() if ("/" in w or w.endswith(".lookml")) else w.lower()
        match = [d for d in project.dashboards if key in _slugs(d)]
        if not match:
            known = ", ".join(sorted(d.name for d in project.dashboards)) or "none"
            also = f"; {unreadable}" if unreadable else ""
            raise BadInput(f"dashboard {w!r} not found (dashboards: {known}){also}")
        out.extend(m for m in match if m not in out)
    return out


def filter_values(
    dashboard: Dashboard, overrides: Mapping[str, str], *, strict: bool = True
) -> dict[str, str]:
    """Dashboard filter name -> value: each filter's default, overridden by ``overrides`` (which
    may name a filter by name or by title, case-insensitively)."""
    values = {f.name: f.default_value or "" for f in dashboard.filters}
    for key, value in overrides.items():
        match = [f for f in dashboard.filters if key.lower() in (f.name.lower(), (f.title or "").lower())]
        if not match:
            if strict:
                known = ", ".join(f.name for f in dashboard.filters) or "none"
                raise BadInput(
                    f"--filter {key}: dashboard {dashboard.name} has no such filter (filters: {known})"
                )
            continue
        values[match[0].name] = value
    return values


def tile_title(element: DashboardElement) -> str:
    """A tile's title as Looker shows it: ``title``, else a text tile's ``title_text``, else its name."""
    for text in (element.title, element.props.get("title_text")):
        if isinstance(text, str) and text.strip():
            return text
    return element.name


def _is_date_filter(project: Project, f: DashboardFilter) -> bool:
    kind = dashboard_filter_target(project, f)
    if kind is None:
        return False
    name, target = kind
    return name == "date" or (target is not None and target.type in ("time", "date", "date_time"))


def validate_filter_overrides(
    project: Project, dashboard: Dashboard, overrides: Mapping[str, str], *, now: dt.datetime
) -> None:
    """Check each ``--filter`` value against the dashboard filter's type (the grammar of its
    field) before any tile runs: a bad value is one BadInput naming the filter and the
    expression, not the same error on every tile."""
    for key, value in overrides.items():
        if value == "":
            continue
        match = [f for f in dashboard.filters if key.lower() in (f.name.lower(), (f.title or "").lower())]
        if not match:
            continue
        f = match[0]
        reason = dashboard_filter_problem(project, f, value, now=now)
        if reason is not None:
            on = f" (field {f.field})" if f.field else ""
            raise BadInput(
                f"--filter {key}={value!r}: dashboard {dashboard.name} filter {f.name}{on}: {reason}"
            )


def run_tile(
    project: Project,
    engine: LocalEngine,
    spec: QuerySpec,
    tile: TilePreview,
    *,
    now: dt.datetime,
    show_view_names: bool = True,
    element_props: Mapping[str, Any] | None = None,
) -> list[str]:
    """Compile and run one tile's query, filling ``tile`` (or its ``error``) and its cells'
    formatted text (``element_props``: the element's own formats). Returns the notes on value
    formats that could not be used."""
    try:
        compiled = compile_query(project, spec, now=now)
    except LookerOpsError as exc:
        tile.error = exc.message
        return []
    tile.sql = compiled.sql
    tile.dimensions = [
        c.ref for c in compiled.columns if c.kind == "dimension" and not c.pivot and not c.orders
    ]
    tile.measures = [c.ref for c in compiled.columns if c.kind == "measure"]
    tile.time_column = next((c.ref for c in compiled.columns if c.is_time and not c.pivot), None)
    by_ref = {c.ref: (c.full_label if show_view_names else c.label) for c in compiled.columns}
    started = time.perf_counter()
    try:
        result = engine.query(compiled.sql)
    except LookerOpsError as exc:
        tile.error = f"the engine could not run the query: {exc.message}"
        return []
    tile.seconds = time.perf_counter() - started
    tile.files_scanned = result.files_scanned
    tile.partition_filter = result.partition_filter
    rows = [list(r) for r in result.rows]
    if compiled.spec.pivots:
        tile.columns, tile.rows = pivot_rows(compiled, rows)
        tile.measures = [c for c in tile.columns if c not in tile.dimensions]
    else:
        tile.columns = [c.ref for c in compiled.columns]
        tile.rows = rows
    # "measure | pivot value" columns: the measure's label, then the pivot value
    tile.labels = [
        by_ref.get(c)
        or " | ".join([by_ref.get(c.split(" | ", 1)[0], c.split(" | ", 1)[0]), *c.split(" | ")[1:]])
        for c in tile.columns
    ]
    explore = find_explore(project, compiled.spec.model, compiled.spec.explore)
    tile.formats, notes = column_formats(project, explore, tile.columns, element_props or {}, tile.type)
    tile.numeric = numeric_columns(project, explore, tile.columns)
    tile.formatted = rendered_rows(tile.rows, tile.formats, tile.numeric)
    return notes


# The element settings the HTML charts follow (see preview/charts.py).
CHART_SETTINGS = ("show_value_labels", "show_totals_labels")


def preview_dashboard(
    project: Project,
    dashboard: Dashboard,
    engine: LocalEngine,
    *,
    now: dt.datetime,
    overrides: Mapping[str, str] | None = None,
    strict_filters: bool = True,
    data_label: str | None = None,
) -> DashboardPreview:
    """Every tile of ``dashboard`` compiled and run on ``engine``, relative to ``now``."""
    values = filter_values(dashboard, overrides or {}, strict=strict_filters)
    validate_filter_overrides(project, dashboard, overrides or {}, now=now)
    tiles: list[TilePreview] = []
    format_notes: list[str] = []
    for element in dashboard.elements:
        stacking = element.props.get("stacking")
        colors = element.props.get("series_colors")
        hidden = element.props.get("hidden_fields")
        width = element.props.get("width")
        tile = TilePreview(
            title=tile_title(element),
            name=element.name,
            type=element.type,
            stacking=str(stacking) if stacking else None,
            series_colors=(
                {str(k): str(v) for k, v in colors.items() if v is not None}
                if isinstance(colors, dict)
                else {}
            ),
            pivots=list(element.pivots),
            hidden_fields=[str(h) for h in hidden] if isinstance(hidden, list) else [],
            width=width if isinstance(width, int) and not isinstance(width, bool) else None,
            settings={
                k: str(element.props[k]).strip().lower() in ("true", "yes")
                for k in CHART_SETTINGS
                if k in element.props
            },
        )
        tiles.append(tile)
        if (element.type or "") in TEXT_TYPES:
            body = element.props.get("body_text")
            tile.body = str(body) if body is not None else None
            continue
        try:
            spec = tile_query(dashboard, element, values)
        except LookerOpsError as exc:
            tile.error = exc.message
            continue
        show = str(element.props.get("show_view_names", True)).lower() not in ("false", "no")
        format_notes += run_tile(
            project, engine, spec, tile, now=now, show_view_names=show, element_props=element.props
        )
    return DashboardPreview(
        dashboard=dashboard.name,
        title=dashboard.title,
        filters=values,
        tiles=tiles,
        now=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        data=data_label,
        problems=list(engine.problems),
        # each unusable value format once, after the notes on the data
        notes=empty_window_notes(project, dashboard, engine, tiles, now) + list(dict.fromkeys(format_notes)),
    )


def empty_window_notes(
    project: Project,
    dashboard: Dashboard,
    engine: LocalEngine,
    tiles: Sequence[TilePreview],
    now: dt.datetime | None = None,
) -> list[str]:
    """A note when no tile read a single log file although the data has files: every number
    shown is then zero because of the filters, not because of the logs. When "now" lies outside
    the data's days, the date window is the cause and the note says how to move it; otherwise
    another filter (an account, a region) matched no file."""
    ran = [t for t in tiles if t.files_scanned is not None]
    if not ran or any(t.files_scanned for t in ran):
        return []
    days = sorted({f.dt for f in engine.files() if f.dt})
    if not days:
        return []
    first, last = (d.replace("/", "-") for d in (days[0], days[-1]))
    after_last = (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
    if now is not None and first <= now.date().isoformat() <= after_last:
        return [f"no tile read a log file: the filters match no file of the data ({first} to {last})"]
    date_filter = next((f for f in dashboard.filters if _is_date_filter(project, f)), None)
    hint = f"--now {last}T23:59:59Z"
    if date_filter is not None:
        hint += f" or --filter '{date_filter.name}={first} to {after_last}'"
    return [f"the window holds no log file; the data spans {first} to {last}: pass {hint} to see it"]


def sample_now(engine: LocalEngine) -> dt.datetime:
    """The end of the last day in the engine's data (the bundled sample's default ``now``)."""
    days = sorted(f.dt for f in engine.files() if f.dt)
    if not days:
        return clock.now()
    y, m, d = (int(x) for x in days[-1].split("/"))
    return dt.datetime(y, m, d, 23, 59, 59, tzinfo=dt.UTC)


def parse_now(text: str) -> dt.datetime:
    """``--now``: ISO 8601 (``2026-11-20T12:00:00Z``, ``2026-11-20 12:00``, ``2026-11-20``), UTC."""
    t = text.strip()
    if t.endswith(("Z", "z")):
        t = t[:-1] + "+00:00"
    try:
        value = dt.datetime.fromisoformat(t)
    except ValueError:
        raise BadInput(f"--now {text!r}: expected an ISO 8601 time such as 2026-11-20T12:00:00Z") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except OverflowError:
        value = dt.datetime.max.replace(tzinfo=dt.UTC)  # past the calendar: refused just below
    if not EARLIEST <= value.replace(tzinfo=None) <= LATEST:
        raise BadInput(
            f"--now {text!r}: out of range; the date filters handle times from "
            f"{EARLIEST:%Y-%m-%d} to {LATEST:%Y-%m-%d}"
        )
    return value


def parse_filter_options(items: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs (``--filter``), the value may contain ``=`` and be empty."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"--filter {item!r}: expected NAME=VALUE (e.g. --filter 'date=14 days')")
        out[name.strip()] = value
    return out


def render(
    previews: Sequence[DashboardPreview],
    fmt: str,
    *,
    many: bool = False,
    width: int | None = None,
    verbose: bool = False,
    color: bool = False,
) -> str:
    """The output in format ``fmt``. ``many`` (``--all``): JSON is a list. ``width``,
    ``verbose`` and ``color`` shape the text table only (the other formats are for machines
    and files and hold everything)."""
    if fmt == "table":
        return render_table(previews, width=width, verbose=verbose, color=color)
    if fmt == "json":
        return render_json(previews, many=many)
    if fmt == "csv":
        return render_csv(previews)
    if fmt == "html":
        return render_html(previews)
    raise BadInput(f"--format {fmt!r}: expected one of {', '.join(FORMATS)}")


def load_preview_project(project_dir: Path, dashboards_dir: Path | None) -> Project:
    if not project_dir.is_dir():
        raise BadInput(f"LookML project {project_dir}: not a directory")
    ddir = dashboards_dir if dashboards_dir is not None else default_dashboards_dir(project_dir)
    # No parse cache: a project of a few files parses in a fraction of a second, and the
    # preview must never run on a stale parse.
    return load_project(project_dir, dashboard_dirs=[ddir] if ddir.is_dir() else [], cache_dir=None)
