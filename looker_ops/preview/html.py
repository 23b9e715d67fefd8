"""The HTML renderer: one self-contained page (inline CSS and SVG, no script, nothing loaded)."""

from __future__ import annotations

from collections.abc import Sequence

from looker_ops.preview.charts import chart_svg, esc, num, series_name
from looker_ops.preview.markdown import markdown_html
from looker_ops.preview.model import DashboardPreview, ProblemCounts, TilePreview, load_problems
from looker_ops.preview.partitions import partition_summary

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


def _html_table(t: TilePreview) -> str:
    head = "".join(f'<th title="{esc(c)}">{esc(series_name(t, i))}</th>' for i, c in enumerate(t.columns))
    numeric = [any(num(r[i]) is not None for r in t.rows) for i in range(len(t.columns))]
    body = []
    for k, r in enumerate(t.rows):
        cells = "".join(
            f'<td class="n">{esc(t.text(k, i))}</td>'
            if num(v) is not None
            else f'<td class="n null">{esc(t.text(k, i))}</td>'
            if v is None and i < len(numeric) and numeric[i]
            else f"<td>{esc(t.text(k, i))}</td>"
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
        f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>",
    ]
    problems = load_problems(previews)
    if problems:
        items = "".join(f"<li><code>{esc(pr.file)}</code>: {esc(pr.message)}</li>" for pr in problems)
        out.append(
            f'<div class="note"><strong>Load problems:</strong> {esc(ProblemCounts.of(problems).summary())}; '
            f"the tiles use the rest.<ul>{items}</ul></div>"
        )
    for p in previews:
        out.append(f"<h1>{esc(p.title or p.dashboard)}</h1>")
        out.extend(f'<div class="note"><strong>Note:</strong> {esc(n)}</div>' for n in p.notes)
        meta = [f"dashboard <code>{esc(p.dashboard)}</code>"]
        if p.filters:
            meta.append(
                "filters: " + ", ".join(f"<code>{esc(k)}</code> = {esc(v)}" for k, v in p.filters.items())
            )
        if p.now:
            meta.append(f"now: {esc(p.now)}")
        if p.data:
            meta.append(f"data: {esc(p.data)}")
        out.append(f'<div class="meta">{" · ".join(meta)}</div><div class="tiles">')
        for t in p.tiles:
            style = _tile_style(t)
            if t.is_text and t.error is None:
                out.append(
                    f'<section class="tile text"{style}><h2>{esc(t.title)}</h2>'
                    f'<div class="textbody">{markdown_html(t.body or "")}</div></section>'
                )
                continue
            if t.error is not None:
                out.append(
                    f'<section class="tile err"{style}><h2>{esc(t.title)}</h2><p>Not run: {esc(t.error)}</p>'
                    + (f"<details><summary>SQL</summary><pre>{esc(t.sql)}</pre></details>" if t.sql else "")
                    + "</section>"
                )
                continue
            scan = []
            if t.files_scanned is not None:
                scan.append(f"{t.files_scanned} file{'s' if t.files_scanned != 1 else ''} scanned")
            if t.partition_filter:
                short = partition_summary(t.partition_filter)
                scan.append(esc(short) if short else "partition filter in the SQL details")
            out.append(f'<section class="tile"{style}><h2>{esc(t.title)}</h2>')
            if scan:
                out.append(f'<div class="scan">{" · ".join(f"<span>{x}</span>" for x in scan)}</div>')
            if (
                (t.type or "") in ("single_value", "looker_single_value")
                and len(t.rows) == 1
                and len(t.columns) == 1
            ):
                out.append(f'<div class="big">{esc(t.text(0, 0))}</div>')
            else:
                out.append(chart_svg(t))
                out.append(_html_table(t))
            if t.sql:
                pf = (
                    '<div class="pf">Partition filter (the predicate the engine pruned the log '
                    f"files with): <code>{esc(t.partition_filter)}</code></div>"
                    if t.partition_filter
                    else ""
                )
                out.append(f"<details><summary>SQL</summary>{pf}<pre>{esc(t.sql)}</pre></details>")
            out.append("</section>")
        out.append("</div>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"
