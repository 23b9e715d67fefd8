"""The CSV renderer."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence

from looker_ops.preview.model import DashboardPreview, TilePreview, jsonable, load_problems


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
    problems = load_problems(previews)
    if problems:
        if not first:
            buf.write("\n")
        w.writerow(["skipped files"])
        w.writerow(["file", "message"])
        for pr in problems:
            w.writerow([pr.file, pr.message])
    return buf.getvalue()
