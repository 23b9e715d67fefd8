"""A Looker-like query compiler for explore queries, on top of :mod:`looker_ops.lookml.sql`.

:func:`compile_query` turns a :class:`QuerySpec` (model, explore, fields, filters, sorts,
pivots, limit: what a dashboard tile or an Explore URL holds) into Athena SQL the way Looker
does:

- the SELECT list, the FROM, and only the joins that the selected fields, the filters and
  ``sql_always_where`` reach (transitively through ``sql_on`` and ``required_joins``), the
  explore's ``always_filter`` defaults (a filter the query already has on the same field wins)
  and ``conditionally_filter`` defaults (unless an ``unless`` field is filtered),
  ``sql_always_where``, dimension filters in WHERE and measure filters in HAVING, GROUP BY
  every dimension, ORDER BY (Looker's default sort when none is given: the first date-like
  dimension descending, else the first measure descending, else the first dimension), LIMIT
  (500 by default);
- the SQL of each field, the substitution of ``${...}`` references, the join selection and the
  Liquid rendering are sql.py's (:class:`~looker_ops.lookml.sql.SqlCompiler`); this module adds
  the filter-expression hook (:class:`PinnedFilterCompiler`: Looker filter expressions of
  :mod:`looker_ops.lookml.filters`, relative dates computed from a pinned ``now``), the default
  sort, pivots and column metadata;
- pivots are compiled as extra GROUP BY columns; :func:`pivot_rows` reshapes the long result
  into Looker's wide table (one column per pivot value and measure).

:func:`tile_query` is the one place a dashboard tile becomes a :class:`QuerySpec` (its fields,
its own filters, the dashboard filters it listens to, sorts, pivots, limit): ``preview``,
``check --sql`` (SQL004) and the block's tests all compile tiles through it and
:func:`compile_query`.

Problems (an unknown field, a field not in the explore, a bad filter expression, an
unresolved reference or bad Liquid) raise :class:`QueryError` (a BadInput) naming them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from looker_ops import clock
from looker_ops.errors import BadInput
from looker_ops.lookml.filters import (
    DATE_TIMEFRAMES,
    ParsedFilter,
    filter_kind,
    parse_filter,
    timestamp_literal,
)
from looker_ops.lookml.model import Dashboard, DashboardElement, Explore, Field, Project
from looker_ops.lookml.sql import LiquidContext, SqlCompiler

__all__ = [
    "DEFAULT_LIMIT",
    "TEXT_TILE_TYPES",
    "CompiledQuery",
    "PinnedFilterCompiler",
    "QueryColumn",
    "QueryError",
    "QuerySpec",
    "compile_query",
    "default_sorts",
    "pivot_rows",
    "tile_query",
]

DEFAULT_LIMIT = 500
_INTEGER_TIMEFRAMES = frozenset({"year", "fiscal_year"})


class QueryError(BadInput):
    """The query cannot be compiled; the message says which field, filter or reference."""


# --------------------------------------------------------------------------- filter hook


class PinnedFilterCompiler:
    """sql.py's ``FilterCompiler`` hook, with Looker's grammar and a pinned ``now``.

    ``condition`` renders a filter expression on a field's SQL (WHERE, HAVING, filtered
    measures, ``{% condition %}``); ``date_bounds`` renders ``{% date_start %}`` /
    ``{% date_end %}`` as ``TIMESTAMP '...'`` literals (or None = SQL NULL when open).
    Every parsed filter is kept in :attr:`parsed` (by field reference) for the caller.
    """

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now if now is not None else clock.now()
        self.parsed: dict[str, ParsedFilter] = {}

    def parse(self, f: Field | None, expression: str) -> ParsedFilter:
        kind = filter_kind(f.type, f.timeframe) if f is not None else "string"
        if f is not None and f.kind == "measure":
            kind = "number" if f.type != "yesno" else "yesno"
        if f is not None and f.timeframe in _INTEGER_TIMEFRAMES:
            # sql.py filters these timeframes on their integer value (year(ts)), not on the raw
            # timestamp, so "2026" or "2025, 2026" must compare numbers.
            kind = "number"
        name = f.ref if f is not None else "filter"
        parsed = parse_filter(expression, kind, name=name, now=self.now)
        if f is not None:
            self.parsed[f.ref] = parsed
        return parsed

    def condition(self, field: Field | None, sql: str, expression: str) -> str:
        return self.parse(field, expression).sql(sql) or "1=1"

    def date_bounds(self, expression: str) -> tuple[str | None, str | None]:
        window = parse_filter(expression, "date", name="date filter", now=self.now).window
        if window is None:  # pragma: no cover - a date filter always has a window
            return None, None
        return (
            timestamp_literal(window.start) if window.start else None,
            timestamp_literal(window.end) if window.end else None,
        )


# --------------------------------------------------------------------------- query


@dataclass
class QuerySpec:
    model: str
    explore: str
    fields: list[str]
    filters: dict[str, str] = field(default_factory=dict)  # "view.field" -> filter expression
    sorts: list[str] = field(default_factory=list)  # "view.field [asc|desc]"
    pivots: list[str] = field(default_factory=list)
    limit: int | None = None  # None: DEFAULT_LIMIT
    parameters: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class QueryColumn:
    ref: str  # view.field as the query names it (also the SQL column name)
    label: str
    kind: str  # dimension | measure
    type: str
    is_time: bool  # a date-like timeframe (a time series axis)
    pivot: bool = False
    view_label: str = ""  # the view's label as Looker shows it ("Cloudtrail Logs", a join's view_label)
    orders: str = ""  # a pivot's order_by_field added only to order its columns (not shown): the pivot
    order_ref: str = ""  # a pivot's: the column of its order_by_field

    @property
    def full_label(self) -> str:
        """The column heading Looker shows with view names: view label, then field label."""
        return f"{self.view_label} {self.label}".strip()


@dataclass
class CompiledQuery:
    spec: QuerySpec
    sql: str
    columns: list[QueryColumn]
    filters: dict[str, str]  # the filters the query applies (always_filter defaults included)
    joins: list[str]  # the join aliases in the FROM clause
    parsed: dict[str, ParsedFilter]
    limit: int
    pivoted_limit: int | None = None  # for a pivot: rows kept after reshaping (SQL has no LIMIT)


def _label(f: Field) -> str:
    label = f.props.get("label")
    if f.group is not None:
        # a dimension group's field is "<group label> <Timeframe>" ("Event Date"); group_label
        # only groups fields in the field picker
        group = f.props.get("label") or f.group.replace("_", " ").title()
        tf = (f.timeframe or "").replace("_", " ").title()
        return f"{group} {tf}".strip()
    return str(label) if label else f.name.replace("_", " ").title()


def _view_label(project: Project, explore: Explore, alias: str, f: Field) -> str:
    """The view label Looker shows for a field: the field's ``view_label``, the join's (or the
    explore's, for its base view) ``view_label``, the view's ``label``, else the alias titled."""
    if f.props.get("view_label"):
        return str(f.props["view_label"])
    join = explore.join(alias) if alias != explore.name else None
    holder = join.props if join is not None else explore.props
    if holder.get("view_label"):
        return str(holder["view_label"])
    view = project.view(explore.aliases().get(alias, ""))
    if view is not None and view.props.get("label"):
        return str(view.props["label"])
    return alias.replace("_", " ").title()


def _is_time(f: Field) -> bool:
    return f.group is not None and (f.timeframe or "") in DATE_TIMEFRAMES and f.timeframe != "raw"


def _resolve(project: Project, explore: Explore, ref: str, what: str) -> Field:
    if "." not in ref:
        raise QueryError(f"{what} {ref!r}: name fields as view.field")
    alias, name = ref.split(".", 1)
    view_name = explore.aliases().get(alias)
    if view_name is None:
        raise QueryError(
            f"{what} {ref}: {alias!r} is not the explore {explore.name} or one of its joins "
            f"({', '.join(sorted(explore.aliases()))})"
        )
    view = project.view(view_name)
    if view is None:
        raise QueryError(f"{what} {ref}: view {view_name} does not exist")
    f = view.field(name)
    if f is None:
        hint = f" (a dimension_group: name a timeframe such as {name}_date)" if name in view.groups else ""
        raise QueryError(f"{what} {ref}: no field {name!r} in view {view_name}{hint}")
    if explore.fields is not None:
        allowed = _explore_field_set(project, explore)
        if allowed is not None and ref not in allowed:
            raise QueryError(
                f"{what} {ref}: not among the fields the explore {explore.name} exposes (its fields: list)"
            )
    return f


def _explore_field_set(project: Project, explore: Explore) -> set[str] | None:
    """The fields an explore's ``fields:`` list exposes (ALL_FIELDS*, view.*, -excludes)."""
    spec = explore.fields or []
    every: set[str] = set()
    for alias, vname in explore.aliases().items():
        v = project.view(vname)
        if v is not None:
            every |= {f"{alias}.{n}" for n in v.fields}
    chosen: set[str] = set()
    excluded: set[str] = set()
    for item in spec:
        item = item.strip()
        target = excluded if item.startswith("-") else chosen
        item = item.lstrip("-")
        if item in ("ALL_FIELDS*", "*"):
            target |= every
        elif item.endswith(".*"):
            prefix = item[:-1]
            target |= {r for r in every if r.startswith(prefix)}
        elif item.endswith("*"):
            return None  # a set reference: not resolved here, do not restrict
        else:
            target.add(item)
    return chosen - excluded


def default_sorts(columns: Sequence[QueryColumn]) -> list[str]:
    """Looker's sort when none is given: a date-like dimension (desc), else a measure (desc),
    else the first dimension (asc)."""
    cols = [c for c in columns if not c.pivot]
    for c in cols:
        if c.kind == "dimension" and c.is_time:
            return [f"{c.ref} desc"]
    for c in cols:
        if c.kind == "measure":
            return [f"{c.ref} desc"]
    return [f"{cols[0].ref}"] if cols else []


def _find_explore(project: Project, spec: QuerySpec) -> Explore:
    """The query's explore; without a model, the one explore of that name."""
    explore = project.explore(spec.model, spec.explore)
    if explore is None:
        candidates = project.explores_named(spec.explore)
        if len(candidates) == 1 and not spec.model:
            return candidates[0]
        raise QueryError(f"explore {spec.model}::{spec.explore} does not exist")
    return explore


def _query_columns(project: Project, explore: Explore, spec: QuerySpec) -> list[QueryColumn]:
    """The selected fields as columns (labels, kinds, time axis), pivots checked."""
    if not spec.fields:
        raise QueryError("the query selects no fields")
    columns: list[QueryColumn] = []
    for ref in spec.fields:
        f = _resolve(project, explore, ref, "field")
        if f.kind in ("filter",):
            raise QueryError(f"field {ref} is a filter-only field and cannot be selected")
        columns.append(
            QueryColumn(
                ref=ref,
                label=_label(f),
                kind="measure" if f.is_measure else "dimension",
                type=f.type,
                is_time=_is_time(f),
                pivot=ref in spec.pivots,
                view_label=_view_label(project, explore, ref.split(".", 1)[0], f),
            )
        )
    for ref in spec.pivots:
        if ref not in spec.fields:
            raise QueryError(f"pivot {ref} is not one of the query's fields")
        f = _resolve(project, explore, ref, "pivot")
        if f.is_measure:
            raise QueryError(f"pivot {ref} is a measure: only dimensions can be pivoted")
        order = _order_by_field(project, explore, ref, f)
        if order is not None:
            k = spec.fields.index(ref)
            columns[k] = replace(columns[k], order_ref=order.ref)
            if order.ref not in spec.fields:
                columns.append(replace(order, orders=ref))
    return columns


def _order_by_field(project: Project, explore: Explore, ref: str, f: Field) -> QueryColumn | None:
    """The column of ``f``'s ``order_by_field`` (a dimension of the same view), which orders
    the columns of a pivot on ``f`` as Looker orders them; None without one."""
    name = str(f.props.get("order_by_field") or "").strip()
    if not name:
        return None
    alias = ref.split(".", 1)[0]
    view, _, field_name = name.rpartition(".")
    if view and view != f.view:
        return None  # Looker's order_by_field names a field of the same view
    target = f"{alias}.{field_name}"
    try:
        order = _resolve(project, explore, target, "order_by_field")
    except QueryError:
        return None
    if order.is_measure:
        return None
    return QueryColumn(target, _label(order), "dimension", order.type, False)


def _effective_filters(
    project: Project, explore: Explore, spec: QuerySpec
) -> tuple[dict[str, str], dict[str, str]]:
    """(filters, parameters) the query applies: its own filters, the explore's
    ``always_filter`` and ``conditionally_filter`` defaults; a filter on a parameter field
    sets the parameter."""
    # Effective filters: the query's own, then the explore's always_filter defaults.
    filters = dict(spec.filters)
    for ref, expr in explore.always_filter.items():
        filters.setdefault(ref, expr)
    # conditionally_filter: its defaults apply unless the query filters one of its `unless`
    # fields (or the conditional field itself).
    if explore.conditionally_filter and not any(
        filters.get(u, "") != ""
        for u in (*explore.conditionally_filter_unless, *explore.conditionally_filter)
    ):
        for ref, expr in explore.conditionally_filter.items():
            filters.setdefault(ref, expr)
    parameters = dict(spec.parameters)
    for ref, expr in filters.items():
        if _resolve(project, explore, ref, "filter on").kind == "parameter":
            # A dashboard filter on a parameter field sets the parameter's value.
            parameters.setdefault(ref, expr)
    return filters, parameters


def compile_query(project: Project, spec: QuerySpec, *, now: datetime | None = None) -> CompiledQuery:
    """Compile one explore query to Athena SQL (see the module doc)."""
    explore = _find_explore(project, spec)
    columns = _query_columns(project, explore, spec)
    filters, parameters = _effective_filters(project, explore, spec)
    sorts = list(spec.sorts) or default_sorts(columns)
    fields_in_query = set(spec.fields)
    for s in sorts:
        ref = s.split()[0] if s.split() else s
        if ref not in fields_in_query:
            raise QueryError(f"sort {s!r}: {ref} is not one of the query's fields")
    limit = DEFAULT_LIMIT if spec.limit is None else int(spec.limit)
    if limit < 1:
        raise QueryError(f"limit must be at least 1, not {limit}")
    hook = PinnedFilterCompiler(now)
    ctx = LiquidContext(
        filters={},
        parameters={k: v for k, v in parameters.items() if v != ""},
        in_query=set(spec.fields),
        filter_compiler=hook,
        model=explore.model,
        explore=explore.name,
    )
    compiler = SqlCompiler(project, explore, ctx)
    pivoted = bool(spec.pivots)
    # Dimensions first, then measures (sql.py writes them in that order): keep the columns'
    # metadata in the same order as the SELECT list.
    # (then the columns that only order a pivot: the pivot's order_by_field)
    ordered = (
        [c for c in columns if c.kind == "dimension" and not c.orders]
        + [c for c in columns if c.orders]
        + [c for c in columns if c.kind == "measure"]
    )
    normalised_sorts = [_normalise_sort(s) for s in sorts]
    try:
        sql = compiler.select(
            [c.ref for c in ordered],
            filters=filters,
            sorts=normalised_sorts,
            limit=None if pivoted else limit,
            apply_explore_filters=False,  # applied above, so they are part of `filters`
        )
    except QueryError:
        raise
    except BadInput as exc:  # a filter expression the grammar rejects
        raise QueryError(exc.message) from None
    if compiler.problems:
        raise QueryError("; ".join(p.message for p in compiler.problems))
    joins = [j.name for j in explore.joins if f" AS {j.name}" in sql]
    return CompiledQuery(
        spec=spec,
        sql=sql,
        columns=ordered,
        filters=filters,
        joins=joins,
        parsed=dict(hook.parsed),
        limit=limit,
        pivoted_limit=limit if pivoted else None,
    )


def _normalise_sort(s: str) -> str:
    parts = s.split()
    if len(parts) == 2 and parts[1].lower() in ("asc", "desc"):
        return f"{parts[0]} {parts[1].lower()}"
    if len(parts) == 1:
        return parts[0]
    raise QueryError(f"sort {s!r}: expected 'view.field' or 'view.field desc'")


# --------------------------------------------------------------------------- dashboard tiles

# Tile types without a query: their body is shown as it is.
TEXT_TILE_TYPES = frozenset({"text", "button"})


def tile_query(
    dashboard: Dashboard,
    element: DashboardElement,
    values: Mapping[str, str] | None = None,
    *,
    lenient: bool = False,
) -> QuerySpec:
    """The query a dashboard tile runs, as Looker builds it.

    ``values`` maps dashboard filter names to their current value; a filter it does not name
    takes its ``default_value``. Each filter the tile ``listen``s to sets its value on the
    listened field, replacing the tile's own filter on that field; an empty value leaves the
    tile's own filter (Looker's "is any value").

    Raises QueryError for a tile without a query (a text tile, no explore or fields), a merged
    results tile, custom fields or table calculations, or a listened filter the dashboard does
    not have. ``lenient`` (``check --sql``): custom fields and table calculations are left out
    of the query (with the sorts on them) and a listen to a missing filter is ignored, so the
    rest of the tile still runs; the offline rules report those.
    """
    if (element.type or "") in TEXT_TILE_TYPES:
        raise QueryError(f"{element.type} tile: nothing to query")
    if not element.explore or not element.fields:
        raise QueryError("the tile has no explore and fields (a visualization-only tile)")
    for key in ("merged_queries", "query"):
        if element.props.get(key):
            raise QueryError(f"`{key}` tiles (merged results) are not supported by preview")
    calcs = {
        str(d.get("table_calculation") or d.get("measure") or d.get("dimension") or "")
        for d in element.dynamic_fields
    }
    custom = [f for f in element.fields if f in calcs or "." not in f]
    if custom and not lenient:
        raise QueryError(
            f"custom fields or table calculations ({', '.join(custom)}) are not supported by preview"
        )
    current = {f.name: f.default_value or "" for f in dashboard.filters}
    current.update(values or {})
    filters = dict(element.filters)
    for name, target in element.listen.items():
        if name not in current:
            if lenient:
                continue
            raise QueryError(f"the tile listens to filter {name!r}, which the dashboard does not have")
        if current[name] != "":
            filters[target] = current[name]
    return QuerySpec(
        model=element.model or "",
        explore=element.explore,
        fields=[f for f in element.fields if f not in custom],
        filters=filters,
        sorts=[s for s in element.sorts if (s.split() or [""])[0] not in custom],
        pivots=[p for p in element.pivots if p not in custom],
        limit=element.limit,
    )


# --------------------------------------------------------------------------- pivots


def pivot_rows(query: CompiledQuery, rows: Sequence[Sequence[Any]]) -> tuple[list[str], list[list[Any]]]:
    """Reshape a pivoted query's long rows into Looker's wide table.

    Rows are keyed by the non-pivot dimensions (in the order the SQL sorted them); one column
    per (pivot value, measure), pivot values ascending (by the pivot's ``order_by_field`` when
    it has one, as Looker orders them: else as text, 4.10 before 4.2); column names
    ``"<measure> | <pivot value>[ | <second pivot value>]"``. Missing cells are None.
    """
    cols = query.columns
    dim_idx = [i for i, c in enumerate(cols) if c.kind == "dimension" and not c.pivot and not c.orders]
    piv_idx = [i for i, c in enumerate(cols) if c.pivot]
    mea_idx = [i for i, c in enumerate(cols) if c.kind == "measure"]
    # each pivot's sort: its order_by_field's value when it has one, else its own as text
    index = {c.ref: i for i, c in reversed(list(enumerate(cols)))}
    sort_idx = [index.get(cols[i].order_ref, i) for i in piv_idx]
    keys: dict[tuple[Any, ...], dict[tuple[Any, ...], list[Any]]] = {}
    pivot_values: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for r in rows:
        key = tuple(r[i] for i in dim_idx)
        pv = tuple(r[i] for i in piv_idx)
        pivot_values[pv] = tuple(
            (r[j] is None, r[j] if j != i else str(r[j])) for i, j in zip(piv_idx, sort_idx, strict=True)
        )
        keys.setdefault(key, {})[pv] = [r[i] for i in mea_idx]
    ordered_pv = sorted(pivot_values, key=lambda t: pivot_values[t])
    names = [cols[i].ref for i in dim_idx]
    for pv in ordered_pv:
        label = " | ".join("∅" if v is None else str(v) for v in pv)
        names.extend(f"{cols[i].ref} | {label}" for i in mea_idx)
    out: list[list[Any]] = []
    for key, cells in keys.items():
        row = list(key)
        for pv in ordered_pv:
            row.extend(cells.get(pv, [None] * len(mea_idx)))
        out.append(row)
    if query.pivoted_limit is not None:
        out = out[: query.pivoted_limit]
    return names, out
