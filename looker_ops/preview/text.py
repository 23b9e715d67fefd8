"""The text renderer: each dashboard's tiles as compact tables for a terminal.

Per tile: its title, one line on what it read (files, the partition window in short, the
time taken), and a table headed by the field labels Looker shows (wrapped on up to
:data:`HEADING_LINES` lines rather than cut; a heading that still does not fit is named in full
under the table), numbers right-aligned, fitted to ``width`` columns (the widest cells are
shortened with ``…`` first; columns that still do not fit are left out and counted). Pivot
columns are in natural order of their values, numbers by value (4.1, 4.2, ..., 4.10). ``verbose`` adds the full partition predicate and
the tile's SQL, and shows every row (the compact form shows the first
:data:`COMPACT_ROWS`). ``color`` styles titles, errors and notes with click's styling (the
command passes it only when stdout is a terminal).
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import Any

import click

from looker_ops.preview.model import (
    DashboardPreview,
    ProblemCounts,
    TilePreview,
    cell,
    jsonable,
    load_problems,
)
from looker_ops.preview.partitions import partition_summary

# Rows shown per tile without --verbose, and the narrowest a shortened column gets.
COMPACT_ROWS = 20
MIN_COLUMN = 6
HEADING_MIN = 12  # a heading widens a narrow column up to this many characters...
HEADING_MAX = 16  # ...or up to this many, when that lets it wrap whole on HEADING_LINES lines
HEADING_LINES = 3
SHORT_VALUE = 19  # values this short (numbers, ids, timestamps) are never shortened to fit
MAX_CELL = 48
INDENT = "  "

Style = Callable[..., str]


def _plain(text: str, **_: Any) -> str:
    return text


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _fit(widths: list[int], floors: list[int], room: int) -> tuple[list[int], int]:
    """Column widths that fit ``room`` characters (two spaces between columns): the widest
    column above its floor is narrowed first, a character at a time; when every column is at its floor, columns are
    dropped from the right. Returns the widths kept and how many columns were dropped."""
    widths = list(widths)

    def total(ws: list[int]) -> int:
        return sum(ws) + 2 * (len(ws) - 1)

    while total(widths) > room:
        over = [i for i in range(len(widths)) if widths[i] > floors[i]]
        if not over:
            break
        widest = max(over, key=lambda i: widths[i])
        widths[widest] -= 1  # one at a time: the widest columns give way evenly
    dropped = 0
    while len(widths) > 1 and total(widths) > room:
        widths.pop()
        dropped += 1
    return widths, dropped


def _heading_width(heading: str) -> int:
    """Its length for a heading of up to HEADING_MIN characters; else the narrowest width (at
    most HEADING_MAX) at which ``heading`` wraps whole, words unbroken, on two lines, else on
    HEADING_LINES lines; else HEADING_MIN."""
    if len(heading) <= HEADING_MIN:
        return len(heading)  # a short heading stays on one line
    longest = max((len(w) for w in heading.split()), default=0)
    for lines in (2, HEADING_LINES):
        for w in range(max(longest, 1), HEADING_MAX + 1):
            if len(textwrap.wrap(heading, w)) <= lines:
                return min(w, len(heading))
    return HEADING_MIN


def _heading_lines(heading: str, width: int) -> list[str]:
    """``heading`` wrapped at ``width``, words unbroken, on HEADING_LINES lines at most. When it
    does not fit whole, its start and ``…`` on one line (the table then names it in full below)."""
    lines = textwrap.wrap(heading, max(width, 1), break_long_words=False) or [""]
    if len(lines) <= HEADING_LINES and all(len(ln) <= width for ln in lines):
        return lines
    # the start of the heading (its first line, else its first word) and an ellipsis
    for start in (lines[0], heading.split()[0]):
        if len(start) + 2 <= width:
            return [f"{start} …"]
    return [_shorten(heading, width)]


def text_table(
    headings: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    width: int | None = None,
    texts: Sequence[Sequence[str]] | None = None,
) -> tuple[list[str], int]:
    """The table's lines (heading lines, rule, rows) and the number of columns left out to fit
    ``width`` characters (None: no limit).

    A column is as wide as its longest value, or as its heading needs to wrap whole on
    HEADING_LINES lines (up to HEADING_MAX characters). To fit, long text is shortened first,
    then headings wrap narrower; short values (numbers, dates, ids up to ``SHORT_VALUE``
    characters) keep their width. Headings that could not be shown whole are named in full on
    a last line (``headings: ...``). ``texts``: each cell's text (its formatted value), else
    :func:`~looker_ops.preview.model.cell` of the value; alignment follows the raw values."""
    shown = texts if texts is not None else [[cell(v) for v in r] for r in rows]
    cells = [[_shorten(v, MAX_CELL) for v in r] for r in shown]
    data = [max((len(r[i]) for r in cells), default=0) for i in range(len(headings))]
    widths = [max(d, _heading_width(h)) for d, h in zip(data, headings, strict=True)]
    floors = [max(min(d, SHORT_VALUE), min(w, MIN_COLUMN)) for d, w in zip(data, widths, strict=True)]
    numeric = [
        bool(rows) and all(isinstance(jsonable(r[i]), (int, float)) or r[i] is None for r in rows)
        for i in range(len(headings))
    ]
    dropped = 0
    if width is not None and widths:
        widths, dropped = _fit(widths, floors, max(width, MIN_COLUMN))

    def line(values: Sequence[str]) -> str:
        out = []
        for v, w, num in zip(values, widths, numeric, strict=False):
            v = _shorten(v, w)
            out.append(v.rjust(w) if num else v.ljust(w))
        return "  ".join(out).rstrip()

    heads = [_heading_lines(h, w) for h, w in zip(headings, widths, strict=False)]
    depth = max((len(h) for h in heads), default=1)
    # headings sit on their last line, as the values sit under them
    head_rows = [
        [(h[i - (depth - len(h))] if i >= depth - len(h) else "") for h in heads] for i in range(depth)
    ]
    rule = "  ".join("-" * w for w in widths)
    out = [*(line(r) for r in head_rows), rule, *(line(r) for r in cells)]
    cut = [h for h, lines in zip(headings, heads, strict=False) if " ".join(lines) != " ".join(h.split())]
    if cut:
        out.extend(textwrap.wrap("headings: " + "; ".join(cut), width or 10_000, subsequent_indent="  "))
    return out, dropped


def headings(t: TilePreview) -> list[str]:
    """Column heads: the labels Looker shows; for a pivot column of a tile with one measure,
    the pivot value alone (the measure's label is the same on every such column)."""
    labels = t.labels if len(t.labels) == len(t.columns) else t.columns
    pivoted = [lab for col, lab in zip(t.columns, labels, strict=True) if " | " in col]
    one_measure = len({col.split(" | ", 1)[0] for col in t.columns if " | " in col}) == 1
    if not pivoted or not one_measure:
        return list(labels)
    return [
        lab.split(" | ", 1)[1] if " | " in col else lab for col, lab in zip(t.columns, labels, strict=True)
    ]


def _scan_line(t: TilePreview, verbose: bool) -> str:
    """What the tile read: files, the partition window (short form), milliseconds."""
    parts = []
    if t.files_scanned is not None:
        parts.append(f"{t.files_scanned} file{'s' if t.files_scanned != 1 else ''} scanned")
    if t.partition_filter and not verbose:
        parts.append(partition_summary(t.partition_filter) or "partition filter")
    if t.seconds is not None:
        parts.append(f"{t.seconds * 1000:.0f} ms")
    return " · ".join(parts)


def _tile_lines(t: TilePreview, *, width: int | None, verbose: bool, style: Style) -> list[str]:
    scan = _scan_line(t, verbose)
    head = style(t.title, bold=True) + (style(f"  ({scan})", dim=True) if scan else "")
    out = [head]
    if t.is_text and t.error is None:
        room = None if width is None else max(width - len(INDENT), 20)
        for ln in (t.body or "").splitlines():
            wrapped = textwrap.wrap(ln, room, subsequent_indent="  ") if room and ln.strip() else [ln]
            out.extend(f"{INDENT}{w}".rstrip() for w in wrapped)
        return out
    if t.error is not None:
        return [*out, INDENT + style(f"not run: {t.error}", fg="red")]
    if verbose and t.partition_filter:
        out.append(f"{INDENT}partition filter: {t.partition_filter}")
    if verbose and t.sql:
        out.append(f"{INDENT}sql:")
        out.extend(f"{INDENT}  {ln}".rstrip() for ln in t.sql.splitlines())
    if not t.rows:
        return [*out, f"{INDENT}(no rows)"]
    if len(t.rows) == 1 and len(t.columns) == 1:
        # a single-value tile: the number on the title line, as the dashboard shows it
        out[0] = style(f"{t.title}: ", bold=True) + style(t.text(0, 0), bold=True, fg="cyan")
        out[0] += style(f"  ({scan})", dim=True) if scan else ""
        return out
    heads, rows = headings(t), [list(r) for r in t.rows]
    shown = rows if verbose else rows[:COMPACT_ROWS]
    room = None if width is None else width - len(INDENT)
    texts = [[t.text(r, c) for c in range(len(row))] for r, row in enumerate(shown)]
    table, dropped = text_table(heads, shown, width=room, texts=texts)
    out.extend(INDENT + ln for ln in table)
    tail = [f"{len(t.rows)} row{'s' if len(t.rows) != 1 else ''}"]
    if len(shown) < len(t.rows):
        tail.append(f"first {len(shown)} shown, --verbose for all")
    if dropped:
        tail.append(
            f"{dropped} column{'s' if dropped != 1 else ''} not shown: widen the terminal or use --format csv"
        )
    out.append(INDENT + style("(" + "; ".join(tail) + ")", dim=True))
    return out


def render_table(
    previews: Sequence[DashboardPreview],
    *,
    width: int | None = None,
    verbose: bool = False,
    color: bool = False,
) -> str:
    """The text output (see the module doc). ``width``: the terminal's width, None: no limit."""
    style: Style = click.style if color else _plain
    out: list[str] = []
    problems = load_problems(previews)
    if problems:
        out.append(
            style(
                f"Load problems: {ProblemCounts.of(problems).summary()} (the tiles use the rest)", fg="yellow"
            )
        )
        out.extend(f"{INDENT}{pr.file}: {pr.message}" for pr in problems)
        out.append("")
    for p in previews:
        head = f"{p.title or p.dashboard} ({p.dashboard})"
        out.extend([style(head, bold=True, underline=True)])
        out.extend(style(f"note: {n}", fg="yellow") for n in p.notes)
        meta = []
        if p.filters:
            meta.append("filters: " + ", ".join(f"{k}={v!r}" for k, v in p.filters.items()))
        if p.now:
            meta.append(f"now: {p.now}")
        if meta:
            out.append("; ".join(meta))
        out.append("")
        for t in p.tiles:
            out.extend(_tile_lines(t, width=width, verbose=verbose, style=style))
            out.append("")
    return "\n".join(out).rstrip() + "\n"
