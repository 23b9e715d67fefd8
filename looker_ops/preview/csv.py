"""The CSV renderer: one long-format table for every tile of every dashboard.

One header and one line per value, so the file loads as one table anywhere (a spreadsheet, a
database, ``pandas.read_csv``) and ``--all`` stays one file: the columns are
``dashboard,tile,kind,row,field,label,value``. ``kind`` says what a line holds:

- ``value``: one cell of a tile's result; ``row`` counts from 1, ``field`` is the column's
  field name (``view.field``; a pivot column ``measure | value``), ``label`` its heading;
- ``text``: one line of a text tile's body (``row`` is the line number);
- ``empty``: a tile that ran and returned no rows (one line, no value);
- ``error``: a tile that did not run; ``value`` says why;
- ``skipped_file``: a log file the engine could not load (``field`` is the file,
  ``value`` the reason); the tiles use the other files;
- ``skipped_record``, ``noted_record``, ``unlisted_records``: a record the engine skipped, one
  it loaded with a note (Athena would read it differently, or its eventID is shared), and
  the count of further such records of a file, not listed (``field`` is the file, ``value``
  what the engine says).

NULL is an empty ``value``; times are ISO text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Any

from looker_ops.engines.records import NOTED, SKIPPED, UNLISTED, UNREADABLE
from looker_ops.preview.model import DashboardPreview, TilePreview, jsonable, load_problems

HEADER = ("dashboard", "tile", "kind", "row", "field", "label", "value")


def tile_lines(dashboard: str, t: TilePreview) -> Iterator[list[Any]]:
    """The CSV lines of one tile (see the module doc)."""
    if t.error is not None:
        yield [dashboard, t.title, "error", "", "", "", t.error]
    elif t.is_text:
        for n, line in enumerate((t.body or "").splitlines(), start=1):
            yield [dashboard, t.title, "text", n, "", "", line]
    elif not t.rows:
        yield [dashboard, t.title, "empty", "", "", "", ""]
    else:
        labels = t.labels if len(t.labels) == len(t.columns) else t.columns
        for n, row in enumerate(t.rows, start=1):
            for column, label, value in zip(t.columns, labels, row, strict=True):
                yield [
                    dashboard,
                    t.title,
                    "value",
                    n,
                    column,
                    label,
                    "" if value is None else jsonable(value),
                ]


_PROBLEM_KINDS = {
    UNREADABLE: "skipped_file",
    SKIPPED: "skipped_record",
    NOTED: "noted_record",
    UNLISTED: "unlisted_records",
}


def render_csv(previews: Sequence[DashboardPreview]) -> str:
    """Every tile of ``previews`` (and the skipped files) as one long-format CSV."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(HEADER)
    for p in previews:
        for t in p.tiles:
            w.writerows(tile_lines(p.dashboard, t))
    for pr in load_problems(previews):
        w.writerow(["", "", _PROBLEM_KINDS.get(pr.kind, pr.kind), "", pr.file, "", pr.message])
    return buf.getvalue()
