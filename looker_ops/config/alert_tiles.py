"""The dashboard side of an alert, read from the LookML project: the tile it watches (by title or
element name), the field's definition, whether it is numeric, whether the tile is a time series,
whether a dashboard filter value reads for the field it filters, and (shared by ``preview
--filter``, ``alerts validate`` and ``schedules validate``) whether a value reads for a dashboard
filter: by its type's grammar (``date_filter``...) or by its field's (a ``field_filter``)."""

from __future__ import annotations

import datetime as dt
import difflib
from typing import TYPE_CHECKING, Any

from looker_ops.errors import BadInput
from looker_ops.lookml.field_types import NUMERIC_MEASURE_TYPES

if TYPE_CHECKING:
    from looker_ops.lookml.model import Dashboard, DashboardElement, DashboardFilter, Field, Project

__all__ = [
    "NUMERIC_MEASURE_TYPES",
    "dashboard_filter_problem",
    "dashboard_filter_target",
    "filter_problem",
    "find_tile",
    "numeric",
    "resolve_field",
    "tile_title",
    "time_series",
]


def tile_title(element: DashboardElement) -> str:
    """A tile's title as Looker shows it: ``title``, else ``title_text``, else its name."""
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
    """The field ``view.field`` names in the tile's explore, or None when not found."""
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


def numeric(f: Field) -> bool:
    """Whether Looker can alert on the field: a numeric measure or a ``number`` dimension."""
    if f.is_measure:
        return f.type in NUMERIC_MEASURE_TYPES
    return f.type == "number"


def time_series(project: Project, element: DashboardElement) -> bool:
    """Whether the tile has a date or time dimension (the ``changes/increases/decreases by``
    comparisons need one)."""
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


def filter_problem(project: Project, element: DashboardElement, ref: str, value: str) -> str | None:
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


def dashboard_filter_target(project: Project, f: DashboardFilter) -> tuple[str, Any] | None:
    """(kind, Field or None) a dashboard filter's values are read with: a typed filter's grammar
    (``date``, ``number``...; no field), else the field a ``field_filter`` names (kind ``""``).
    None when not known here (no such field or explore, or a parameter, which takes any value)."""
    from looker_ops.lookml.filters import DASHBOARD_FILTER_KINDS

    if (f.type or "") in DASHBOARD_FILTER_KINDS:
        return DASHBOARD_FILTER_KINDS[f.type or ""], None
    if not f.field or "." not in f.field:
        return None
    explore = project.explore(f.model or "", f.explore or "") if f.explore else None
    if explore is None:
        candidates = project.explores_named(f.explore or "")
        explore = candidates[0] if len(candidates) == 1 else None
    if explore is None:
        return None
    alias, name = f.field.split(".", 1)
    view = project.view(explore.aliases().get(alias, ""))
    target = view.field(name) if view is not None else None
    if target is None or target.kind == "parameter":
        return None  # unknown: the tiles report it; a parameter takes any value
    return "", target


def dashboard_filter_problem(
    project: Project, f: DashboardFilter, value: str, *, now: dt.datetime | None = None
) -> str | None:
    """Why ``value`` is not a value of the dashboard filter ``f`` (read with the grammar of its
    type, or of its field for a ``field_filter``, as Looker reads it), or None when it reads or
    the grammar is not known here. An empty value (any value) always reads."""
    from looker_ops.lookml.filters import parse_filter
    from looker_ops.lookml.query import PinnedFilterCompiler

    if value == "":
        return None
    found = dashboard_filter_target(project, f)
    if found is None:
        return None
    kind, target = found
    try:
        if target is not None:
            PinnedFilterCompiler(now).parse(target, value)
        else:
            parse_filter(value, kind, name=f.name, now=now)
    except BadInput as exc:
        return exc.message.split(": ", 1)[1] if exc.message.startswith("filter ") else exc.message
    except (OverflowError, ValueError):
        return f"{value!r}: a date or number out of range"
    return None
