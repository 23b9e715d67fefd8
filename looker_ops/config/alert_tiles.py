"""The dashboard side of an alert, read from the LookML project: the tile it watches (by title or
element name), the field's definition, whether it is numeric, whether the tile is a time series,
and whether a dashboard filter value reads for the field it filters."""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from looker_ops.errors import BadInput
from looker_ops.lookml.field_types import NUMERIC_MEASURE_TYPES

if TYPE_CHECKING:
    from looker_ops.lookml.model import Dashboard, DashboardElement, Field, Project

__all__ = [
    "NUMERIC_MEASURE_TYPES",
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
