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

Renderers (text table, JSON, CSV, one self-contained HTML page) take the resulting
:class:`DashboardPreview` objects and return text; nothing in them runs a query. The HTML page
has inline CSS and inline SVG charts only: no script, no stylesheet or font loaded from
anywhere, so it can be opened offline or mailed.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
import html
import io
import json
import math
import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from looker_ops import clock
from looker_ops.engines.local import LoadProblem, LocalEngine
from looker_ops.engines.translate import to_duckdb, translate_tree
from looker_ops.errors import BadInput, LookerOpsError
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Dashboard, DashboardElement, DashboardFilter, Project
from looker_ops.lookml.query import PinnedFilterCompiler, QueryError, QuerySpec, compile_query, pivot_rows

__all__ = [
    "FORMATS",
    "DashboardPreview",
    "TilePreview",
    "find_dashboards",
    "jsonable",
    "markdown_html",
    "partition_summary",
    "preview_dashboard",
    "render_csv",
    "render_html",
    "render_json",
    "render_table",
    "to_dict",
    "validate_filter_overrides",
]


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


def _cell(value: Any) -> str:
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
    """The JSON document: ``{"dashboard", "filters", "problems": [{"file", "message"}], "tiles":
    [{"title", "type", "sql", "columns", "labels", "rows", "files_scanned", "partition_filter"}]}``;
    a tile that did not run also has ``error``, a text tile (``"type": "text"``) has ``body``."""
    tiles = []
    for t in p.tiles:
        d: dict[str, Any] = {
            "title": t.title,
            "type": t.type,
            "sql": t.sql,
            "columns": list(t.columns),
            "labels": list(t.labels),
            "rows": [[jsonable(v) for v in r] for r in t.rows],
            "files_scanned": t.files_scanned,
            "partition_filter": t.partition_filter,
        }
        if t.is_text:
            d["body"] = t.body
        if t.error is not None:
            d["error"] = t.error
        tiles.append(d)
    problems = [{"file": pr.file, "message": pr.message} for pr in p.problems]
    return {
        "dashboard": p.dashboard,
        "filters": dict(p.filters),
        "problems": problems,
        "notes": list(p.notes),
        "tiles": tiles,
    }


def _problems(previews: Sequence[DashboardPreview]) -> list[LoadProblem]:
    """The engine's load problems of every preview, each once, in order."""
    return list(dict.fromkeys(pr for p in previews for pr in p.problems))


def render_json(previews: Sequence[DashboardPreview], *, many: bool = False) -> str:
    """One dashboard: its object. ``many`` (``--all``): a list of them."""
    if many:
        return json.dumps([to_dict(p) for p in previews], indent=2) + "\n"
    return json.dumps(to_dict(previews[0]), indent=2) + "\n"


# --------------------------------------------------------------------------- text


def _text_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 48) -> list[str]:
    cells = [[_cell(v) for v in r] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [len(c) for c in columns]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    numeric = [
        all(isinstance(jsonable(r[i]), (int, float)) or r[i] is None for r in rows) and bool(rows)
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        out = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return [line(list(columns)), sep, *(line(r) for r in cells)]


def render_table(previews: Sequence[DashboardPreview]) -> str:
    out: list[str] = []
    problems = _problems(previews)
    if problems:
        head = f"Skipped files: {len(problems)} problem(s) loading the logs (the rest was used)"
        out.extend([head, "-" * len(head)])
        out.extend(f"   {pr.file}: {pr.message}" for pr in problems)
        out.append("")
    for p in previews:
        head = f"{p.title or p.dashboard} ({p.dashboard})"
        out.append(head)
        out.append("=" * len(head))
        out.extend(f"note: {n}" for n in p.notes)
        if p.filters:
            out.append("filters: " + ", ".join(f"{k}={v!r}" for k, v in p.filters.items()))
        if p.now:
            out.append(f"now: {p.now}")
        out.append("")
        for t in p.tiles:
            out.append(f"## {t.title}")
            if t.is_text and t.error is None:
                out.append("   (text tile)")
                out.extend(f"   {ln}".rstrip() for ln in (t.body or "").splitlines())
                out.append("")
                continue
            if t.error is not None:
                out.append(f"   not run: {t.error}")
                out.append("")
                continue
            scan = []
            if t.files_scanned is not None:
                scan.append(f"{t.files_scanned} files scanned")
            if t.partition_filter:
                scan.append(f"partition filter: {t.partition_filter}")
            if t.seconds is not None:
                scan.append(f"{t.seconds * 1000:.0f} ms")
            if scan:
                out.append("   " + "; ".join(scan))
            if not t.rows:
                out.append("   (no rows)")
            else:
                out.extend("   " + ln for ln in _text_table(t.columns, t.rows))
                out.append(f"   ({len(t.rows)} row{'s' if len(t.rows) != 1 else ''})")
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- csv


def render_csv_tile(t: TilePreview) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(t.columns)
    for r in t.rows:
        w.writerow(["" if v is None else jsonable(v) for v in r])
    return buf.getvalue()


def render_csv(previews: Sequence[DashboardPreview]) -> str:
    """Every tile as a block: a ``dashboard,tile[,error]`` line, the header row, the rows (a
    text tile: a ``text`` header and a row per line of its body); blocks separated by an empty line. When the
    engine skipped files, a last block: a ``skipped files`` line, ``file,message`` and a row
    per problem."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    first = True
    for p in previews:
        for t in p.tiles:
            if not first:
                buf.write("\n")
            first = False
            w.writerow([p.dashboard, t.title] + ([f"error: {t.error}"] if t.error else []))
            if t.error is None and t.is_text:
                w.writerow(["text"])
                # one row per line; blank lines dropped so that an empty line still ends the block
                w.writerows([ln] for ln in (t.body or "").splitlines() if ln.strip())
            elif t.error is None:
                buf.write(render_csv_tile(t))
    problems = _problems(previews)
    if problems:
        if not first:
            buf.write("\n")
        w.writerow(["skipped files"])
        w.writerow(["file", "message"])
        for pr in problems:
            w.writerow([pr.file, pr.message])
    return buf.getvalue()


# --------------------------------------------------------------------------- html

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,Helvetica,Arial,sans-serif;margin:24px;color:#1f2933;background:#f7f9fb}
h1{font-size:22px;margin:32px 0 4px}h2{font-size:16px;margin:0 0 6px}
.meta{color:#52606d;font-size:13px;margin-bottom:12px}
.tiles{display:flex;flex-wrap:wrap;gap:16px}
.tile{box-sizing:border-box;background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:14px;flex:1 1 460px;max-width:100%;overflow:auto}
.tile.err{border-color:#e12d39}.err p{color:#ab091e}
table{border-collapse:collapse;font-size:12px;width:100%}
th,td{border-bottom:1px solid #e4e7eb;padding:3px 6px;text-align:left;white-space:nowrap}
th{background:#f0f4f8;position:sticky;top:0;white-space:normal;vertical-align:bottom}
td.n{text-align:right;font-variant-numeric:tabular-nums}td.null{color:#9aa5b1}
.scan{font-size:12px;color:#52606d;margin:4px 0 8px}.scan span{white-space:nowrap}code{font-size:11px}
details{margin-top:8px;font-size:12px}pre{white-space:pre-wrap;background:#f0f4f8;padding:8px;border-radius:4px}
svg{display:block;margin:6px 0;max-width:760px}svg text{font-size:10px;fill:#52606d}
.legend span{display:inline-block;margin-right:10px;font-size:11px}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.big{font-size:40px;font-weight:600;margin:8px 0;font-variant-numeric:tabular-nums}
.note{background:#fff8e1;border:1px solid #f0b429;border-radius:6px;padding:10px 14px;margin:12px 0;font-size:13px}
.note li{margin:2px 0}
.textbody{font-size:13px;line-height:1.5}.textbody p{margin:0 0 8px}.textbody ul,.textbody ol{margin:0 0 8px;padding-left:22px}
.textbody li{margin:3px 0}.textbody h3,.textbody h4,.textbody h5,.textbody h6{font-size:14px;margin:10px 0 4px}
.textbody code{font-size:12px;background:#f0f4f8;border-radius:3px;padding:0 3px}.textbody pre code{background:none;padding:0}
.textbody .url{color:#52606d;font-size:12px;word-break:break-all}
.pf{margin:6px 0}.pf code{word-break:break-all}
"""
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
    keys.append(_series_name(t, i))
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


# --------------------------------------------------------------------------- markdown

_MD_HEADING = re.compile(r"(#{1,6})\s+(.*?)(?:\s+#+)?\s*")
_MD_ITEM = re.compile(r"\s{0,6}([-*+]|\d{1,9}[.)])\s+(.*)")
_MD_FENCE = re.compile(r"\s{0,3}(```|~~~)")
_MD_CODE = re.compile(r"(`+)(.+?)\1")
_MD_LINK = re.compile(r"(!?)\[([^\]\n]*)\]\(\s*((?:[^()\s]|\([^()\s]*\))*)(?:\s+&quot;.*?&quot;)?\s*\)")
_MD_EMPHASIS = (
    (re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*"), "strong"),
    (re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)"), "strong"),
    (re.compile(r"(?<![\w*])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])"), "em"),
    (re.compile(r"(?<!\w)_(?=[^\s_])(.+?)(?<=[^\s_])_(?!\w)"), "em"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), "del"),
)
_MD_SLOT = re.compile("\x00(\\d+)\x00")


def _md_inline(text: str) -> str:
    """One line of Markdown as HTML: escaped first, then `code`, [links](url), **bold**,
    *italic*, ~~struck~~. A link shows its text and its address as plain text: nothing is
    clickable and nothing (an image either) is loaded."""
    out = html.escape(text.replace("\x00", ""), quote=True)
    slots: list[str] = []

    def keep(fragment: str) -> str:
        slots.append(fragment)
        return f"\x00{len(slots) - 1}\x00"

    def emphasis(fragment: str) -> str:
        for pattern, tag in _MD_EMPHASIS:
            fragment = pattern.sub(rf"<{tag}>\1</{tag}>", fragment)
        return fragment

    def link(m: re.Match[str]) -> str:
        image, label, url = m[1], m[2].strip(), m[3]
        shown = emphasis(label) if label else ""
        if image:
            shown = f"[image{': ' + shown if shown else ''}]"
        if not url or url == label:
            return keep(shown or f'<span class="url">{url}</span>')
        return keep(
            f'{shown} <span class="url">({url})</span>' if shown else f'<span class="url">{url}</span>'
        )

    out = _MD_CODE.sub(lambda m: keep(f"<code>{m[2].strip()}</code>"), out)
    out = _MD_LINK.sub(link, out)
    out = emphasis(out)
    for _ in range(3):  # a link's text may hold a code span
        out = _MD_SLOT.sub(lambda m: slots[int(m[1])], out)
    return out


def markdown_html(text: str) -> str:
    """A text tile's Markdown as HTML, the common subset Looker renders: paragraphs, ``-`` /
    ``*`` / ``1.`` lists, ``#`` headings (h3 and below: the tile title is h2), fenced code,
    **bold**, *italic*, `code` and links shown as text with their address (never a link, never
    loaded). Every character of the source is HTML-escaped before any tag is added, so the
    body cannot inject markup, scripts or styles."""
    blocks: list[str] = []
    para: list[str] = []
    items: list[str] = []
    ordered = False
    fence: list[str] | None = None

    def flush() -> None:
        nonlocal items
        if para:
            blocks.append("<p>" + "\n".join(_md_inline(ln) for ln in para) + "</p>")
            para.clear()
        if items:
            tag = "ol" if ordered else "ul"
            blocks.append(f"<{tag}>" + "".join(f"<li>{_md_inline(it)}</li>" for it in items) + f"</{tag}>")
            items = []

    for raw in text.splitlines():
        line = raw.rstrip()
        if fence is not None:
            if _MD_FENCE.match(line):
                blocks.append("<pre><code>" + html.escape("\n".join(fence)) + "</code></pre>")
                fence = None
            else:
                fence.append(raw)
            continue
        if _MD_FENCE.match(line):
            flush()
            fence = []
            continue
        if not line.strip():
            flush()
            continue
        heading = _MD_HEADING.fullmatch(line.strip()) if not line.startswith("    ") else None
        if heading:
            flush()
            level = min(len(heading[1]) + 2, 6)
            blocks.append(f"<h{level}>{_md_inline(heading[2])}</h{level}>")
            continue
        item = _MD_ITEM.fullmatch(line)
        if item and not (para and item[1][0].isdigit()):
            kind = item[1][0].isdigit()
            if para or (items and kind != ordered):
                flush()
            ordered = kind
            items.append(item[2])
            continue
        if items:  # a continuation line of the last item
            items[-1] += " " + line.strip()
            continue
        para.append(line.strip())
    if fence is not None:
        blocks.append("<pre><code>" + html.escape("\n".join(fence)) + "</code></pre>")
    flush()
    return "".join(blocks)


# --------------------------------------------------------------------------- partition filter

_OPEN_BOUNDS = ("0", "9")
_FLIP = {exp.GTE: exp.LTE, exp.GT: exp.LT, exp.LTE: exp.GTE, exp.LT: exp.GT, exp.EQ: exp.EQ}


def _constant(node: exp.Expression, conn: duckdb.DuckDBPyConnection) -> str:
    """The value of a constant Athena expression (evaluated by DuckDB), as text."""
    if isinstance(node, exp.Literal):
        return str(node.this)
    row = conn.execute(to_duckdb(translate_tree(exp.select(node.copy())))).fetchone()
    if row is None or row[0] is None:
        raise ValueError("no value")
    value = row[0]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _is_open(value: str) -> bool:
    """A sentinel bound (``0000/00/00``, ``9999/99/99``): no bound at all."""
    digits = re.sub(r"\D", "", value)
    return bool(digits) and any(set(digits) == {d} for d in _OPEN_BOUNDS)


@functools.lru_cache(maxsize=128)
def partition_summary(predicate: str | None) -> str | None:
    """A short form of a partition predicate for people, e.g. ``dt 2026/11/13 – 2026/11/21``
    for ``t.dt >= <expr> AND t.dt <= <expr>`` (the bounds evaluated), ``dt ≥ 2026/11/01``,
    ``dt = 2026/11/20``, ``dt: all partitions`` when both bounds are open sentinels. None when
    the predicate is not a conjunction of comparisons of one column with constants."""
    if not predicate:
        return None
    try:
        tree = sqlglot.parse_one(predicate, read="athena")
    except SqlglotError:
        return None
    parts = list(tree.flatten()) if isinstance(tree, exp.And) else [tree]
    name: str | None = None
    lows: list[tuple[str, bool]] = []  # (value, strict)
    highs: list[tuple[str, bool]] = []
    equal: list[str] = []
    conn = duckdb.connect()
    try:
        for part in parts:
            part = part.unnest()
            if isinstance(part, exp.Between):
                column, bounds = part.this, [(exp.GTE, part.args["low"]), (exp.LTE, part.args["high"])]
            elif isinstance(part, exp.In) and not part.args.get("query"):
                column, bounds = part.this, [(exp.EQ, e) for e in part.expressions]
            elif type(part) in _FLIP:
                op: Any = type(part)
                column, other = part.this, part.expression
                if not isinstance(column, exp.Column):
                    column, other, op = other, column, _FLIP[op]
                bounds = [(op, other)]
            else:
                return None
            if not isinstance(column, exp.Column) or (name is not None and column.name != name):
                return None
            name = column.name
            for op, node in bounds:
                if any(True for _ in node.find_all(exp.Column)):
                    return None
                value = _constant(node, conn)
                if op is exp.EQ:
                    equal.append(value)
                elif op in (exp.GTE, exp.GT):
                    lows.append((value, op is exp.GT))
                else:
                    highs.append((value, op is exp.LT))
    except (duckdb.Error, SqlglotError, ValueError):
        return None
    finally:
        conn.close()
    if name is None:
        return None
    if equal:
        values = list(dict.fromkeys(equal))
        shown = ", ".join(values) if len(values) <= 3 else f"{len(values)} values"
        return f"{name} = {shown}" if len(values) == 1 else f"{name} in {shown}"
    low = max((b for b in lows if not _is_open(b[0])), default=None)
    high = min((b for b in highs if not _is_open(b[0])), default=None)
    if low is None and high is None:
        return f"{name}: all partitions"
    if low is not None and high is not None and not low[1] and not high[1]:
        return f"{name} {low[0]} – {high[0]}"
    bits = []
    if low is not None:
        bits.append(f"{'>' if low[1] else '≥'} {low[0]}")
    if high is not None:
        bits.append(f"{'<' if high[1] else '≤'} {high[0]}")
    return f"{name} " + " and ".join(bits)


def _num(v: Any) -> float | None:
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
        if c not in t.dimensions and any(_num(r[i]) is not None for r in t.rows)
    ]
    labels = [i for i, c in enumerate(t.columns) if i not in numeric]
    # hidden_fields are in the table but not in the chart (a pivoted measure: all its columns)
    numeric = [i for i in numeric if t.columns[i].split(" | ", 1)[0] not in hidden]
    if not numeric or not labels:
        return None
    return labels[0], numeric[:8]


def _esc(s: Any) -> str:
    return html.escape(_cell(s) if not isinstance(s, str) else s, quote=True)


def _line_chart(t: TilePreview, label: int, cols: list[int]) -> str:
    rows = sorted(t.rows, key=lambda r: str(jsonable(r[label])))
    w, h, pl, pb, pt = 640, 220, 48, 28, 10
    ys = [_num(r[i]) or 0.0 for r in rows for i in cols]
    top = max(ys) if ys and max(ys) > 0 else 1.0
    n = len(rows)

    def x(k: int) -> float:
        return pl + (w - pl - 10) * (k / (n - 1) if n > 1 else 0.5)

    def y(v: float) -> float:
        return pt + (h - pt - pb) * (1 - v / top)

    parts = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{_esc(t.title)}">']
    for frac in (0, 0.5, 1):
        yy = y(top * frac)
        parts.append(f'<line x1="{pl}" y1="{yy:.1f}" x2="{w - 10}" y2="{yy:.1f}" stroke="#e4e7eb"/>')
        parts.append(
            f'<text x="{pl - 4}" y="{yy + 3:.1f}" text-anchor="end">{_esc(_cell(top * frac))}</text>'
        )
    for k in sorted({0, n // 2, n - 1}):
        parts.append(f'<text x="{x(k):.1f}" y="{h - 8}" text-anchor="middle">{_esc(rows[k][label])}</text>')
    for s, i in enumerate(cols):
        pts = " ".join(f"{x(k):.1f},{y(_num(r[i]) or 0.0):.1f}" for k, r in enumerate(rows))
        color = series_color(t, i, s)
        parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        if n == 1:
            parts.append(
                f'<circle cx="{x(0):.1f}" cy="{y(_num(rows[0][i]) or 0.0):.1f}" r="3" fill="{color}"/>'
            )
    parts.append("</svg>")
    return "".join(parts) + _legend(t, cols)


def _bar_chart(t: TilePreview, label: int, cols: list[int]) -> str:
    """Horizontal bars (``looker_bar``, pie): one row per bar group, top to bottom."""
    rows = t.rows[:25]
    stacked = _stacked(t) and len(cols) > 1
    bar, gap, lw, w = 14, 4, 200, 640
    per = (bar if stacked else bar * len(cols)) + gap
    h = per * len(rows) + 10
    top = _top(rows, cols, stacked)
    parts = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{_esc(t.title)}">']
    for k, r in enumerate(rows):
        y0 = 5 + k * per
        text = _cell(r[label])
        text = text if len(text) <= 28 else text[:27] + "…"
        parts.append(f'<text x="{lw - 6}" y="{y0 + bar - 3}" text-anchor="end">{_esc(text)}</text>')
        x0 = float(lw)
        for s, i in enumerate(cols):
            v = max(_num(r[i]) or 0.0, 0.0)
            bw = (w - lw - 60) * v / top
            yy = y0 if stacked else y0 + s * bar
            xx = x0 if stacked else lw
            color = series_color(t, i, s)
            parts.append(
                f'<rect x="{xx:.1f}" y="{yy}" width="{bw:.1f}" height="{bar - 2}" fill="{color}">'
                f"<title>{_esc(_series_name(t, i))}: {_esc(_cell(r[i]))}</title></rect>"
            )
            if stacked:
                x0 += bw
            else:
                parts.append(f'<text x="{lw + bw + 4:.1f}" y="{yy + bar - 4}">{_esc(_cell(r[i]))}</text>')
        if stacked:
            total = sum(max(_num(r[i]) or 0.0, 0.0) for i in cols)
            parts.append(f'<text x="{x0 + 4:.1f}" y="{y0 + bar - 4}">{_esc(_cell(total))}</text>')
    parts.append("</svg>")
    return "".join(parts) + (_legend(t, cols) if len(cols) > 1 else "")


def _column_chart(t: TilePreview, label: int, cols: list[int]) -> str:
    """Vertical columns (``looker_column``): one group (or stack, with ``stacking``) per row,
    left to right; a time axis is drawn in time order."""
    rows = list(t.rows[:60])
    if t.time_column and t.columns[label] == t.time_column:
        rows.sort(key=lambda r: str(jsonable(r[label])))
    stacked = _stacked(t) and len(cols) > 1
    w, h, pl, pb, pt = 640, 220, 48, 28, 10
    top = _top(rows, cols, stacked)
    n = max(len(rows), 1)
    slot = (w - pl - 10) / n
    inner = slot * 0.8
    bw = inner if stacked else inner / len(cols)

    def y(v: float) -> float:
        return pt + (h - pt - pb) * (1 - v / top)

    parts = [f'<svg viewBox="0 0 {w} {h}" width="100%" role="img" aria-label="{_esc(t.title)}">']
    for frac in (0, 0.5, 1):
        yy = y(top * frac)
        parts.append(f'<line x1="{pl}" y1="{yy:.1f}" x2="{w - 10}" y2="{yy:.1f}" stroke="#e4e7eb"/>')
        parts.append(
            f'<text x="{pl - 4}" y="{yy + 3:.1f}" text-anchor="end">{_esc(_cell(top * frac))}</text>'
        )
    for k, r in enumerate(rows):
        x0 = pl + k * slot + (slot - inner) / 2
        base = 0.0
        for s, i in enumerate(cols):
            v = max(_num(r[i]) or 0.0, 0.0)
            color = series_color(t, i, s)
            if stacked:
                y_top, y_bottom, xx = y(base + v), y(base), x0
                base += v
            else:
                y_top, y_bottom, xx = y(v), y(0.0), x0 + s * bw
            parts.append(
                f'<rect x="{xx:.1f}" y="{y_top:.1f}" width="{max(bw - 1, 1):.1f}" '
                f'height="{y_bottom - y_top:.1f}" fill="{color}">'
                f"<title>{_esc(_cell(r[label]))} · {_esc(_series_name(t, i))}: {_esc(_cell(r[i]))}</title></rect>"
            )
    for k in sorted({0, len(rows) // 2, len(rows) - 1}) if rows else []:
        xc = pl + k * slot + slot / 2
        parts.append(f'<text x="{xc:.1f}" y="{h - 8}" text-anchor="middle">{_esc(rows[k][label])}</text>')
    parts.append("</svg>")
    return "".join(parts) + _legend(t, cols)


def _stacked(t: TilePreview) -> bool:
    return (t.stacking or "") in ("normal", "percent") or (t.type or "").endswith("_stacked")


def _top(rows: Sequence[Sequence[Any]], cols: list[int], stacked: bool) -> float:
    if stacked:
        sums = [sum(max(_num(r[i]) or 0.0, 0.0) for i in cols) for r in rows]
    else:
        sums = [_num(r[i]) or 0.0 for r in rows for i in cols]
    top = max(sums) if sums else 0.0
    return top if top > 0 else 1.0


def _series_name(t: TilePreview, i: int) -> str:
    return t.labels[i] if len(t.labels) == len(t.columns) else t.columns[i]


def _legend(t: TilePreview, cols: list[int]) -> str:
    items = "".join(
        f'<span><i style="background:{series_color(t, i, s)}"></i>{_esc(_series_name(t, i))}</span>'
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


def _html_table(t: TilePreview) -> str:
    head = "".join(f'<th title="{_esc(c)}">{_esc(_series_name(t, i))}</th>' for i, c in enumerate(t.columns))
    numeric = [any(_num(r[i]) is not None for r in t.rows) for i in range(len(t.columns))]
    body = []
    for r in t.rows:
        cells = "".join(
            f'<td class="n">{_esc(v)}</td>'
            if _num(v) is not None
            else f'<td class="n null">{_esc(v)}</td>'
            if v is None and i < len(numeric) and numeric[i]
            else f"<td>{_esc(v)}</td>"
            for i, v in enumerate(r)
        )
        body.append(f"<tr>{cells}</tr>")
    if not t.rows:
        body.append(f'<tr><td colspan="{max(1, len(t.columns))}">no rows</td></tr>')
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _tile_style(t: TilePreview) -> str:
    """The tile's share of the row from its ``width`` in the 24-column grid (full width, half,
    quarter...); no width: the default (two tiles a row on a wide page)."""
    if not t.width or t.width <= 0:
        return ""
    w = min(t.width, 24)
    pct = w * 100 / 24
    minimum = 150 if w <= 4 else 200 if w <= 6 else 320
    return f' style="flex:1 1 calc({pct:.4g}% - 16px);min-width:min({minimum}px,100%)"'


def render_html(previews: Sequence[DashboardPreview]) -> str:
    """One self-contained page (inline CSS and SVG, no scripts, no external links)."""
    title = previews[0].title or previews[0].dashboard if len(previews) == 1 else "looker-ops preview"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_esc(title)}</title><style>{_CSS}</style></head><body>",
    ]
    problems = _problems(previews)
    if problems:
        items = "".join(f"<li><code>{_esc(pr.file)}</code>: {_esc(pr.message)}</li>" for pr in problems)
        out.append(
            f'<div class="note"><strong>Skipped files:</strong> the engine could not load these '
            f"({len(problems)}); the tiles use the rest.<ul>{items}</ul></div>"
        )
    for p in previews:
        out.append(f"<h1>{_esc(p.title or p.dashboard)}</h1>")
        out.extend(f'<div class="note"><strong>Note:</strong> {_esc(n)}</div>' for n in p.notes)
        meta = [f"dashboard <code>{_esc(p.dashboard)}</code>"]
        if p.filters:
            meta.append(
                "filters: " + ", ".join(f"<code>{_esc(k)}</code> = {_esc(v)}" for k, v in p.filters.items())
            )
        if p.now:
            meta.append(f"now: {_esc(p.now)}")
        if p.data:
            meta.append(f"data: {_esc(p.data)}")
        out.append(f'<div class="meta">{" · ".join(meta)}</div><div class="tiles">')
        for t in p.tiles:
            style = _tile_style(t)
            if t.is_text and t.error is None:
                out.append(
                    f'<section class="tile text"{style}><h2>{_esc(t.title)}</h2>'
                    f'<div class="textbody">{markdown_html(t.body or "")}</div></section>'
                )
                continue
            if t.error is not None:
                out.append(
                    f'<section class="tile err"{style}><h2>{_esc(t.title)}</h2><p>Not run: {_esc(t.error)}</p>'
                    + (f"<details><summary>SQL</summary><pre>{_esc(t.sql)}</pre></details>" if t.sql else "")
                    + "</section>"
                )
                continue
            scan = []
            if t.files_scanned is not None:
                scan.append(f"{t.files_scanned} file{'s' if t.files_scanned != 1 else ''} scanned")
            if t.partition_filter:
                short = partition_summary(t.partition_filter)
                scan.append(_esc(short) if short else "partition filter in the SQL details")
            out.append(f'<section class="tile"{style}><h2>{_esc(t.title)}</h2>')
            if scan:
                out.append(f'<div class="scan">{" · ".join(f"<span>{x}</span>" for x in scan)}</div>')
            if (
                (t.type or "") in ("single_value", "looker_single_value")
                and len(t.rows) == 1
                and len(t.columns) == 1
            ):
                out.append(f'<div class="big">{_esc(t.rows[0][0])}</div>')
            else:
                out.append(chart_svg(t))
                out.append(_html_table(t))
            if t.sql:
                pf = (
                    '<div class="pf">Partition filter (the predicate the engine pruned the log '
                    f"files with): <code>{_esc(t.partition_filter)}</code></div>"
                    if t.partition_filter
                    else ""
                )
                out.append(f"<details><summary>SQL</summary>{pf}<pre>{_esc(t.sql)}</pre></details>")
            out.append("</section>")
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


# =========================================================================== running tiles

TEXT_TYPES = frozenset({"text", "button"})
FORMATS = ("table", "json", "csv", "html")


def default_project_dir() -> Path:
    """``./lookml_project`` when it exists, else the block next to the installed package."""
    here = Path.cwd() / "lookml_project"
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "lookml_project"


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
    if every:
        if not project.dashboards:
            raise BadInput(f"no dashboards found under {project.root} or its dashboards folder")
        return sorted(project.dashboards, key=lambda d: d.name)
    out: list[Dashboard] = []
    for w in wanted:
        key = Path(w).name.lower() if ("/" in w or w.endswith(".lookml")) else w.lower()
        match = [d for d in project.dashboards if key in _slugs(d)]
        if not match:
            known = ", ".join(sorted(d.name for d in project.dashboards)) or "none"
            raise BadInput(f"dashboard {w!r} not found (dashboards: {known})")
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


def _filter_kind_field(project: Project, f: DashboardFilter) -> tuple[str, Any] | None:
    """(kind, Field or None) a dashboard filter's values are read with, or None when unknown."""
    simple = {"date_filter": "date", "number_filter": "number", "string_filter": "string"}
    if (f.type or "") in simple:
        return simple[f.type or ""], None
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


def _is_date_filter(project: Project, f: DashboardFilter) -> bool:
    kind = _filter_kind_field(project, f)
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
        found = _filter_kind_field(project, f)
        if found is None:
            continue
        kind, target = found
        try:
            if target is not None:
                PinnedFilterCompiler(now).parse(target, value)
            else:
                from looker_ops.lookml.filters import parse_filter

                parse_filter(value, kind, name=f.name, now=now)
        except BadInput as exc:
            on = f" (field {f.field})" if f.field else ""
            reason = exc.message.split(": ", 1)[1] if exc.message.startswith("filter ") else exc.message
            raise BadInput(
                f"--filter {key}={value!r}: dashboard {dashboard.name} filter {f.name}{on}: {reason}"
            ) from None


def tile_query(dashboard: Dashboard, element: DashboardElement, values: Mapping[str, str]) -> QuerySpec:
    """The query a tile runs, with the dashboard filters it listens to. Raises QueryError for a
    tile without a query or with a feature the preview does not support (text tiles have no
    query: :func:`preview_dashboard` shows them as they are)."""
    if (element.type or "") in TEXT_TYPES:
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
    used = [f for f in element.fields if f in calcs or "." not in f]
    if used:
        raise QueryError(
            f"custom fields or table calculations ({', '.join(used)}) are not supported by preview"
        )
    filters = {k: v for k, v in element.filters.items()}
    for fname, target in element.listen.items():
        if fname not in values:
            raise QueryError(f"the tile listens to filter {fname!r}, which the dashboard does not have")
        if values[fname] != "":
            filters[target] = values[fname]
    return QuerySpec(
        model=element.model or "",
        explore=element.explore,
        fields=list(element.fields),
        filters=filters,
        sorts=list(element.sorts),
        pivots=list(element.pivots),
        limit=element.limit,
    )


def run_tile(
    project: Project,
    engine: LocalEngine,
    spec: QuerySpec,
    tile: TilePreview,
    *,
    now: dt.datetime,
    show_view_names: bool = True,
) -> None:
    """Compile and run one tile's query, filling ``tile`` (or its ``error``)."""
    try:
        compiled = compile_query(project, spec, now=now)
    except LookerOpsError as exc:
        tile.error = exc.message
        return
    tile.sql = compiled.sql
    tile.dimensions = [c.ref for c in compiled.columns if c.kind == "dimension" and not c.pivot]
    tile.measures = [c.ref for c in compiled.columns if c.kind == "measure"]
    tile.time_column = next((c.ref for c in compiled.columns if c.is_time and not c.pivot), None)
    by_ref = {c.ref: (c.full_label if show_view_names else c.label) for c in compiled.columns}
    started = time.perf_counter()
    try:
        result = engine.query(compiled.sql)
    except LookerOpsError as exc:
        tile.error = f"the engine could not run the query: {exc.message}"
        return
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
        run_tile(project, engine, spec, tile, now=now, show_view_names=show)
    return DashboardPreview(
        dashboard=dashboard.name,
        title=dashboard.title,
        filters=values,
        tiles=tiles,
        now=now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        data=data_label,
        problems=list(engine.problems),
        notes=empty_window_notes(project, dashboard, engine, tiles),
    )


def empty_window_notes(
    project: Project, dashboard: Dashboard, engine: LocalEngine, tiles: Sequence[TilePreview]
) -> list[str]:
    """A note when no tile read a single log file although the data has files on other days:
    every number shown is then zero because of the window, not because of the logs."""
    ran = [t for t in tiles if t.files_scanned is not None]
    if not ran or any(t.files_scanned for t in ran):
        return []
    days = sorted({f.dt for f in engine.files() if f.dt})
    if not days:
        return []
    first, last = (d.replace("/", "-") for d in (days[0], days[-1]))
    after_last = (dt.date.fromisoformat(last) + dt.timedelta(days=1)).isoformat()
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
    return value.astimezone(dt.UTC)


def parse_filter_options(items: Sequence[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs (``--filter``), the value may contain ``=`` and be empty."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise BadInput(f"--filter {item!r}: expected NAME=VALUE (e.g. --filter 'date=14 days')")
        out[name.strip()] = value
    return out


def render(previews: Sequence[DashboardPreview], fmt: str, *, many: bool = False) -> str:
    if fmt == "table":
        return render_table(previews)
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
