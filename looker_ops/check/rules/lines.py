"""The line of one entry of a list or mapping that spans lines: a dashboard element's
``fields:`` wrapped over several lines, its ``filters:`` and ``listen:`` entries, a view's
``drill_fields`` and ``set`` members. The readers keep the line of each key, not of each entry,
so when a finding about an entry is reported its line is looked up in the file's text (read
once per check, only for files with such a finding)."""

from __future__ import annotations

import re
from pathlib import Path

from looker_ops.check.rules.base import CheckContext

SEARCH_LINES = 400  # how far past its key an entry is looked for


def _file_lines(ctx: CheckContext, file: str) -> list[str]:
    cache: dict[str, list[str]] = ctx.__dict__.setdefault("_file_lines", {})
    if file not in cache:
        try:
            cache[file] = (
                (Path(ctx.project.root) / file).read_text(encoding="utf-8", errors="replace").split("\n")
            )
        except OSError:  # a dependency's file, named by its //name/ path: the key's line stays
            cache[file] = []
    return cache[file]


def entry_line(
    ctx: CheckContext, file: str, start: int, entry: str, *, key: str | None = None, end: int | None = None
) -> int:
    """The line, from line ``start`` on (after the line of ``key:`` when given) and up to ``end``,
    on which ``entry`` (a field name, a filter's name...) stands as a name of its own; ``start``
    when it is not found there."""
    lines = _file_lines(ctx, file)
    last = min(len(lines), end if end is not None else start + SEARCH_LINES)
    first = start
    if key is not None:
        at_key = re.compile(rf"\s*(?:-\s+)?{re.escape(key)}\s*:")
        first = next((i for i in range(start, last + 1) if at_key.match(lines[i - 1])), 0)
        if not first:
            return start
    name = re.compile(rf"(?<![\w.$]){re.escape(entry)}(?![\w.])")
    return next((i for i in range(first, last + 1) if name.search(lines[i - 1])), start)
