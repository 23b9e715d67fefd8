"""What a preview holds (:class:`DashboardPreview` of :class:`TilePreview`) and its JSON document.

The renderers (text, CSV, HTML) read these objects; none of them runs a query."""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from looker_ops.engines.local import LoadProblem
from looker_ops.engines.records import NOTED, SKIPPED, UNLISTED, UNREADABLE
from looker_ops.lookml.query import TEXT_TILE_TYPES
from looker_ops.lookml.value_format import default_number, parse_value_format

TEXT_TYPES = TEXT_TILE_TYPES  # text and button tiles: no query
FORMATS = ("table", "json", "csv", "html")


@dataclass
class TilePreview:
    """One tile's outcome: the compiled SQL and its rows, or ``error`` saying why it did not run."""

    title: str
    name: str = ""
    type: str | None = None
    sql: str | None = None
    columns: list[str] = field(default_factory=list)
    rows: list[list[Any]] = field(default_factory=list)
    files_scanned: int | None = None
    partition_filter: str | None = None
    error: str | None = None
    # Column roles, for charts: names of the dimension columns (first) and measure columns.
    dimensions: list[str] = field(default_factory=list)
    measures: list[str] = field(default_factory=list)
    seconds: float | None = None
    # Column kinds from the query: "time" for a time dimension (line chart), else None.
    time_column: str | None = None
    # Column headings as Looker shows them (view label + field label), one per column.
    labels: list[str] = field(default_factory=list)
    # A text tile's body (``body_text``); text tiles have no query and no error.
    body: str | None = None
    # The tile's ``stacking`` (normal, percent) for bar and column charts; None: grouped.
    stacking: str | None = None
    # The tile's ``series_colors`` (series name -> CSS colour, as Looker keys them: the field
    # name, or ``<pivot value> - <field>`` for a pivoted measure), its ``pivots`` (to name a
    # NULL pivot value ``<pivot>___null`` as Looker does) and ``hidden_fields`` (not charted).
    series_colors: dict[str, str] = field(default_factory=dict)
    pivots: list[str] = field(default_factory=list)
    hidden_fields: list[str] = field(default_factory=list)
    # The tile's ``width`` in the dashboard's 24-column grid (the HTML page's tile width).
    width: int | None = None
    # The value format of each column (an Excel-style string; None: unformatted) and each
    # cell's formatted text (None where no format applies), see preview/formatting.py.
    formats: list[str | None] = field(default_factory=list)
    formatted: list[list[str | None]] = field(default_factory=list)
    # The element's chart settings Looker reads (show_value_labels, show_totals_labels), as
    # booleans; a setting left out is Looker's default (off).
    settings: dict[str, bool] = field(default_factory=dict)
    # Whether each column is numeric: without a format it shows Looker's default (1,077).
    numeric: list[bool] = field(default_factory=list)

    def text(self, row: int, column: int) -> str:
        """Cell (``row``, ``column``) as the table shows it: its formatted text when its
        column has a value format, else :func:`cell` of the raw value (NULL is ``∅``)."""
        if row < len(self.formatted) and column < len(self.formatted[row]):
            shown = self.formatted[row][column]
            if shown is not None:
                return shown
        return cell(self.rows[row][column])

    def show(self, column: int, value: Any) -> str:
        """Any ``value`` of column ``column`` (a chart's total or axis tick too) in the
        column's value format, else (a numeric column) in Looker's default number format,
        else :func:`cell` of it."""
        fmt = self.formats[column] if column < len(self.formats) else None
        if fmt is not None:
            shown = parse_value_format(fmt).render(value)
            if shown is not None:
                return shown
        elif column < len(self.numeric) and self.numeric[column]:
            shown = default_number(value)
            if shown is not None:
                return shown
        return cell(value)

    def rendered(self) -> list[list[str | None]]:
        """Every cell's text (:meth:`text`), None for NULL: the JSON ``rendered`` rows."""
        return [
            [None if v is None else self.text(r, c) for c, v in enumerate(row)]
            for r, row in enumerate(self.rows)
        ]

    @property
    def is_text(self) -> bool:
        return (self.type or "") in TEXT_TYPES


@dataclass
class DashboardPreview:
    dashboard: str
    title: str | None
    filters: dict[str, str]
    tiles: list[TilePreview]
    now: str | None = None
    data: str | None = None
    # Files (or records) the engine could not load and skipped: shown with every format.
    problems: list[LoadProblem] = field(default_factory=list)
    # What the reader must know to trust the numbers (e.g. the window holds no log file).
    notes: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------- values


def jsonable(value: Any) -> Any:
    """A JSON-friendly value: times as ISO text, decimals as numbers, NaN as null."""
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    return str(value)


def cell(value: Any) -> str:
    v = jsonable(value)
    if v is None:
        return "∅"
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, float):
        return f"{v:.4g}" if abs(v) < 1e15 else str(v)
    if isinstance(v, (list, dict)):
        return json.dumps(v)
    return str(v)


# --------------------------------------------------------------------------- json


def to_dict(p: DashboardPreview) -> dict[str, Any]:
    """The JSON document: ``{"dashboard", "filters", "problems": [{"file", "kind", "message"}], "tiles":
    [{"title", "type", "sql", "columns", "labels", "rows", "rendered", "value_formats",
    "files_scanned", "partition_filter"}]}``; ``rows`` hold the raw values, ``rendered`` the
    same cells as text, formatted as Looker shows them (null for NULL), ``value_formats`` the
    format of each formatted column. A tile that did not run also has ``error``, a text tile
    (``"type": "text"``) has ``body``."""
    tiles = []
    for t in p.tiles:
        d: dict[str, Any] = {
            "title": t.title,
            "type": t.type,
            "sql": t.sql,
            "columns": list(t.columns),
            "labels": list(t.labels),
            "rows": [[jsonable(v) for v in r] for r in t.rows],
            "rendered": t.rendered(),
            "value_formats": {c: f for c, f in zip(t.columns, t.formats, strict=False) if f is not None},
            "files_scanned": t.files_scanned,
            "partition_filter": t.partition_filter,
        }
        if t.is_text:
            d["body"] = t.body
        if t.error is not None:
            d["error"] = t.error
        tiles.append(d)
    problems = [{"file": pr.file, "kind": pr.kind, "message": pr.message} for pr in p.problems]
    return {
        "dashboard": p.dashboard,
        "filters": dict(p.filters),
        "problems": problems,
        "notes": list(p.notes),
        "tiles": tiles,
    }


def load_problems(previews: Sequence[DashboardPreview]) -> list[LoadProblem]:
    """The engine's load problems of every preview, each once, in order."""
    return list(dict.fromkeys(pr for p in previews for pr in p.problems))


@dataclass(frozen=True)
class ProblemCounts:
    """The engine's load problems by kind: whole files it could not read (none of their records
    is used), records it skipped, records it loaded and reported (a missing eventTime, a shared
    eventID...), and records counted but not listed (past the per-file limit; either kind)."""

    files_unreadable: int = 0
    records_skipped: int = 0
    records_noted: int = 0
    records_unlisted: int = 0

    @classmethod
    def of(cls, problems: Sequence[LoadProblem]) -> ProblemCounts:
        count = {UNREADABLE: 0, SKIPPED: 0, NOTED: 0, UNLISTED: 0}
        for pr in problems:
            count[pr.kind] += pr.records
        return cls(count[UNREADABLE], count[SKIPPED], count[NOTED], count[UNLISTED])

    def summary(self) -> str:
        """``1 file could not be read, 2 records skipped, 3 records loaded with a note``."""

        def n(count: int, one: str, many: str) -> str:
            return f"{count} {one if count == 1 else many}"

        parts = []
        if self.files_unreadable:
            parts.append(n(self.files_unreadable, "file", "files") + " could not be read")
        if self.records_skipped:
            parts.append(n(self.records_skipped, "record", "records") + " skipped")
        if self.records_noted:
            parts.append(n(self.records_noted, "record", "records") + " loaded with a note")
        if self.records_unlisted:
            parts.append(
                n(self.records_unlisted, "more record", "more records") + " with problems, not listed"
            )
        return ", ".join(parts)


def render_json(previews: Sequence[DashboardPreview], *, many: bool = False) -> str:
    """One dashboard: its object. ``many`` (``--all``): a list of them."""
    if many:
        return json.dumps([to_dict(p) for p in previews], indent=2) + "\n"
    return json.dumps(to_dict(previews[0]), indent=2) + "\n"
