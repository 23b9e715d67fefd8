"""Inline SVG charts for the HTML page: line, bar and column charts with Looker's series colours.

As in Looker, a chart writes its values on the marks only with the tile's
``show_value_labels`` (and a stack's total only with ``show_totals_labels``); every mark (a
bar, a column, a line's point) has a tooltip with its series and value. The value axis starts
at 0 and has "nice" ticks (steps of 1, 2 or 5 times a power of ten) shown in the charted
series' value format.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from looker_ops.preview.model import TilePreview, cell, jsonable

_COLORS = ("#2f6fdf", "#e8590c", "#2b8a3e", "#c2255c", "#7048e8", "#0b7285", "#e67700", "#5c940d")
_BAR_TYPES = ("looker_bar", "looker_bar_stacked", "looker_pie", "looker_donut_multiples")
_COLUMN_TYPES = ("looker_column", "looker_column_stacked")
_LINE_TYPES = ("looker_line", "looker_area", "looker_area_stacked")


# Series colours: a hex colour or a CSS colour name, nothing else (the value goes into an
# attribute: no url(), no quotes, no expressions).
_COLOR_RE = re.compile(r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})|[a-zA-Z]{3,30}")


def _series_keys(t: TilePreview, i: int) -> list[str]:
    """The ``series_colors`` keys Looker would use for column ``i``, best first: the field name
    (``view.measure``) for a plain series; ``<pivot value> - view.measure`` for a pivoted one
    (several pivots: the values joined by ``|FIELD|``; a NULL value: ``<pivot>___null``), then
    the bare pivot value; then the column's label."""
    col = t.columns[i]
    keys: list[str] = []
    if " | " in col:
        measure, *values = col.split(" | ")
        named = [
            f"{t.pivots[k]}___null" if v == "∅" and k < len(t.pivots) else v for k, v in enumerate(values)
        ]
        joined = "|FIELD|".join(named)
        keys += [f"{joined} - {measure}", joined]
    else:
        keys.append(col)
    keys.append(series_name(t, i))
    return keys


def series_color(t: TilePreview, i: int, s: int) -> str:
    """The colour of column ``i``, the tile's ``s``-th series: its ``series_colors`` entry when
    it has one (a hex colour or a CSS colour name), else the palette's ``s``-th colour."""
    if t.series_colors:
        folded = {k.casefold(): v for k, v in t.series_colors.items()}
        for key in _series_keys(t, i):
            value = t.series_colors.get(key, folded.get(key.casefold()))
            if isinstance(value, str) and _COLOR_RE.fullmatch(value.strip()):
                return value.strip()
    return _COLORS[s % len(_COLORS)]


def num(v: Any) -> float | None:
    j = jsonable(v)
    if isinstance(j, bool) or not isinstance(j, (int, float)):
        return None
    return float(j)


def _series(t: TilePreview) -> tuple[int, list[int]] | None:
    """(label column index, numeric column indexes) for a chart, or None when nothing to draw."""
    if not t.rows or not t.columns:
        return None
    hidden = set(t.hidden_fields)
    numeric = [
        i
        for i, c in enumerate(t.columns)
        if c not in t.dimensions and any(num(r[i]) is not None for r in t.rows)
    ]
    labels = [i for i, c in enumerate(t.columns) if i not in numeric]
    # hidden_fields are in the table but not in the chart (a pivoted measure: all its columns)
    numeric = [i for i in numeric if t.columns[i].split(" | ", 1)[0] not in hidden]
    if not numeric or not labels:
        return None
    return labels[0], numeric[:8]


def esc(s: Any) -> str:
    return html.escape(cell(s) if not isinstance(s, str) else s, quote=True)


def _axis(t: TilePreview, cols: list[int]) -> Callable[[Any], str]:
    """How the value axis (and a stack's total) shows a number: in the charted columns' value
    format when they share one (not for ``stacking: percent``); when none has a format and all
    are numeric fields, in Looker's default number format; else as it is."""
    if not cols or (t.stacking or "") == "percent":
        return cell
    formats = {t.formats[i] if i < len(t.formats) else None for i in cols}
    if len(formats) == 1 and None not in formats:
        return lambda v: t.show(cols[0], v)
    if formats == {None} and all(i < len(t.numeric) and t.numeric[i] for i in cols):
        return lambda v: t.show(cols[0], v)
    return cell


def nice_ticks(top: float, intervals: int = 5, *, integer: bool = False) -> list[float]:
    """The value axis's ticks: 0 and the multiples of a "nice" step (1, 2 or 5 times a power
    of ten: the smallest giving at most ``intervals`` intervals) up to the first that reaches
    ``top``. ``integer``: the step is at least 1 (counts never get a 0.5 tick)."""
    top = top if top > 0 else 1.0
    exponent = math.floor(math.log10(top / intervals))
    step = 10.0**exponent
    for m in (1, 2, 5, 10, 20, 50):
        step = m * 10.0**exponent
        if math.ceil(top / step - 1e-9) <= intervals:
            break
    if integer and step < 1:
        step = 1.0
    digits = max(0, -exponent) + 1
    count = max(1, math.ceil(top / step - 1e-9))
    return [round(k * step, digits) for k in range(count + 1)]


def _integer_data(t: TilePreview, cols: list[int]) -> bool:
    return all(isinstance(jsonable(r[i]), int) for r in t.rows for i in cols if r[i] is not None)


def _y_grid(
    ticks: Sequence[float],
    y: Callable[[float], float],
    pl: float,
    w: float,
    shown: Callable[[Any], str] = cell,
) -> list[str]:
    """The horizontal grid of a chart's value axis: a labelled line at each tick (``shown``:
    the axis's number format)."""
    parts = []
    for tick in ticks:
        yy = y(tick)
        parts.append(f'<line x1="{pl}" y1="{yy:.1f}" x2="{w - 10}" y2="{yy:.1f}" stroke="#e4e7eb"/>')
        parts.append(f'<text x="{pl - 4}" y="{yy + 3:.1f}" text-anchor="end">{esc(shown(tick))}</text>')
    return parts


def _flag(t: TilePreview, name: str) -> bool:
    return bool(t.settings.get(name, False))


def _line_chart(t: TilePreview, label: int, cols: list[int]) -> str:
    """Lines (``looker_line``, ``looker_area``): one per series, in the label's order; each
    point has a tooltip, and a value label with ``show_value_labels``."""
    rows = sorted(t.rows, key=lambda r: str(jsonable(r[label])))
    w, h, pl, pb, pt = 640, 220, 56, 28, 14
    ys = [num(r[i]) or 0.0 for r in rows for i in cols]
    ticks = nice_ticks(max(ys) if ys else 0.0, integer=_integer_data(t, cols))
    top = ticks[-1]
    n = len(rows)
    labels = _flag(t, "show_value_labels")

    def x(k: int) -> float:
        return pl + (w - pl - 10) * (k / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return pt + (h - pt - pb) * (1 - v / top)

    parts = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{esc(t.title)}">']
    parts.extend(_y_grid(ticks, y, pl, w, _axis(t, cols)))
    for k in sorted({0, n // 2, n - 1}):
        parts.append(
            f'<text x="{x(k):.1f}" y="{h - 8}" text-anchor="middle">{esc(t.show(label, rows[k][label]))}</text>'
        )
    for s, i in enumerate(cols):
        pts = " ".join(f"{x(k):.1f},{y(num(r[i]) or 0.0):.1f}" for k, r in enumerate(rows))
        color = series_color(t, i, s)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        for k, r in enumerate(rows):
            cx, cy = x(k), y(num(r[i]) or 0.0)
            parts.append(
                f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{3 if n == 1 else 2.5}" fill="{color}">'
                f"<title>{esc(t.show(label, r[label]))} · {esc(series_name(t, i))}: {esc(t.show(i, r[i]))}</title>"
                "</circle>"
            )
            if labels and r[i] is not None:
                parts.append(
                    f'<text class="vl" x="{cx:.1f}" y="{cy - 5:.1f}" text-anchor="middle">{esc(t.show(i, r[i]))}</text>'
                )
    parts.append("</svg>")
    return "".join(parts) + _legend(t, cols)


def _bar_chart(t: TilePreview, label: int, cols: list[int]) -> str:
    """Horizontal bars (``looker_bar``, pie): one row per bar group, top to bottom; a tooltip
    on each bar, its value beside it with ``show_value_labels``, a stack's total with
    ``show_totals_labels``."""
    rows = t.rows[:25]
    stacked = _stacked(t) and len(cols) > 1
    labels, totals = _flag(t, "show_value_labels"), _flag(t, "show_totals_labels")
    bar, gap, lw, w = 14, 4, 200, 640
    per = (bar if stacked else bar * len(cols)) + gap
    h = per * len(rows) + 10
    top = _top(rows, cols, stacked)
    parts = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{esc(t.title)}">']
    for k, r in enumerate(rows):
        y0 = 5 + k * per
        text = t.show(label, r[label])
        text = text if len(text) <= 28 else text[:27] + "…"
        parts.append(f'<text x="{lw - 6}" y="{y0 + bar - 3}" text-anchor="end">{esc(text)}</text>')
        x0 = float(lw)
        for s, i in enumerate(cols):
            v = max(num(r[i]) or 0.0, 0.0)
            bw = (w - lw - 60) * v / top
            yy = y0 if stacked else y0 + s * bar
            xx = x0 if stacked else lw
            color = series_color(t, i, s)
            parts.append(
                f'<rect x="{xx:.1f}" y="{yy}" width="{bw:.1f}" height="{bar - 2}" fill="{color}">'
                f"<title>{esc(t.show(label, r[label]))} · {esc(series_name(t, i))}: {esc(t.show(i, r[i]))}</title></rect>"
            )
            if labels and r[i] is not None:
                tx = xx + bw / 2 if stacked else lw + bw + 4
                anchor = ' text-anchor="middle"' if stacked else ""
                parts.append(
                    f'<text class="vl" x="{tx:.1f}" y="{yy + bar - 4}"{anchor}>{esc(t.show(i, r[i]))}</text>'
                )
            if stacked:
                x0 += bw
        if stacked and totals:
            total = sum(max(num(r[i]) or 0.0, 0.0) for i in cols)
            parts.append(
                f'<text class="tl" x="{x0 + 4:.1f}" y="{y0 + bar - 4}">{esc(_axis(t, cols)(total))}</text>'
            )
    parts.append("</svg>")
    return "".join(parts) + (_legend(t, cols) if len(cols) > 1 else "")


def _column_chart(t: TilePreview, label: int, cols: list[int]) -> str:
    """Vertical columns (``looker_column``): one group (or stack, with ``stacking``) per row,
    left to right; a time axis is drawn in time order. A tooltip on each column, its value
    above it (in a stack: on its segment) with ``show_value_labels``, a stack's total above
    it with ``show_totals_labels``."""
    rows = list(t.rows[:60])
    if t.time_column and t.columns[label] == t.time_column:
        rows.sort(key=lambda r: str(jsonable(r[label])))
    stacked = _stacked(t) and len(cols) > 1
    labels, totals = _flag(t, "show_value_labels"), _flag(t, "show_totals_labels")
    w, h, pl, pb, pt = 640, 220, 56, 28, 14
    ticks = nice_ticks(_top(rows, cols, stacked), integer=_integer_data(t, cols))
    top = ticks[-1]
    n = max(len(rows), 1)
    slot = (w - pl - 10) / n
    inner = slot * 0.8
    bw = inner if stacked else inner / len(cols)

    def y(v: float) -> float:
        return pt + (h - pt - pb) * (1 - v / top)

    parts = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{esc(t.title)}">']
    parts.extend(_y_grid(ticks, y, pl, w, _axis(t, cols)))
    for k, r in enumerate(rows):
        x0 = pl + k * slot + (slot - inner) / 2
        base = 0.0
        for s, i in enumerate(cols):
            v = max(num(r[i]) or 0.0, 0.0)
            color = series_color(t, i, s)
            if stacked:
                y_top, y_bottom, xx = y(base + v), y(base), x0
                base += v
            else:
                y_top, y_bottom, xx = y(v), y(0.0), x0 + s * bw
            parts.append(
                f'<rect x="{xx:.1f}" y="{y_top:.1f}" width="{max(bw - 1, 1):.1f}" '
                f'height="{y_bottom - y_top:.1f}" fill="{color}">'
                f"<title>{esc(t.show(label, r[label]))} · {esc(series_name(t, i))}: {esc(t.show(i, r[i]))}</title></rect>"
            )
            if labels and r[i] is not None:
                ty = (y_top + y_bottom) / 2 + 3 if stacked else y_top - 3
                parts.append(
                    f'<text class="vl" x="{xx + bw / 2:.1f}" y="{ty:.1f}" text-anchor="middle">'
                    f"{esc(t.show(i, r[i]))}</text>"
                )
        if stacked and totals:
            parts.append(
                f'<text class="tl" x="{x0 + inner / 2:.1f}" y="{y(base) - 3:.1f}" text-anchor="middle">'
                f"{esc(_axis(t, cols)(base))}</text>"
            )
    for k in sorted({0, len(rows) // 2, len(rows) - 1}) if rows else []:
        xc = pl + k * slot + slot / 2
        parts.append(
            f'<text x="{xc:.1f}" y="{h - 8}" text-anchor="middle">{esc(t.show(label, rows[k][label]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts) + _legend(t, cols)


def _stacked(t: TilePreview) -> bool:
    return (t.stacking or "") in ("normal", "percent") or (t.type or "").endswith("_stacked")


def _top(rows: Sequence[Sequence[Any]], cols: list[int], stacked: bool) -> float:
    if stacked:
        sums = [sum(max(num(r[i]) or 0.0, 0.0) for i in cols) for r in rows]
    else:
        sums = [num(r[i]) or 0.0 for r in rows for i in cols]
    top = max(sums) if sums else 0.0
    return top if top > 0 else 1.0


def series_name(t: TilePreview, i: int) -> str:
    return t.labels[i] if len(t.labels) == len(t.columns) else t.columns[i]


def _legend(t: TilePreview, cols: list[int]) -> str:
    items = "".join(
        f'<span><i style="background:{series_color(t, i, s)}"></i>{esc(series_name(t, i))}</span>'
        for s, i in enumerate(cols)
    )
    return f'<div class="legend">{items}</div>'


def chart_svg(t: TilePreview) -> str:
    """An inline SVG chart, or '' when the tile is not a chart: bars for ``looker_bar`` (and
    pie), columns for ``looker_column`` (stacked with ``stacking``, else grouped), lines for
    ``looker_line`` / ``looker_area``; another tile type with a time axis gets a line."""
    ser = _series(t)
    if ser is None:
        return ""
    label, cols = ser
    ttype = t.type or ""
    if ttype in _COLUMN_TYPES:
        return _column_chart(t, label, cols)
    if ttype in _BAR_TYPES:
        return _bar_chart(t, label, cols)
    if ttype in _LINE_TYPES or (t.time_column and t.columns[label] == t.time_column and len(t.rows) > 1):
        return _line_chart(t, label, cols)
    return ""
