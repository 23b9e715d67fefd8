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


_ITEM = re.compile(r"^(\s*)-(?:\s+|$)")
_KEY = re.compile(r"^(\s*)(?:-\s+)?([A-Za-z_][\w]*)\s*:")


def item_key_lines(
    ctx: CheckContext, file: str, at: int, key: str, end: int | None = None
) -> list[dict[str, int]]:
    """The line of each key of each item of the block-style YAML list under ``key:`` on line
    ``at`` (a dashboard element's ``merged_queries:``), one mapping per item, in order; up to
    line ``end``. Empty when line ``at`` is not that key, the list is not written one item per
    ``-`` line (a flow list ``[{...}]``) or the file cannot be read: the caller keeps the
    key's own line."""
    lines = _file_lines(ctx, file)
    if not 0 < at <= len(lines):
        return []
    owner = _KEY.match(lines[at - 1])
    rest = lines[at - 1].split(":", 1)[1].strip()
    if owner is None or owner.group(2) != key or (rest and not rest.startswith("#")):
        return []
    base = len(owner.group(1))
    last = min(len(lines), end if end else at + SEARCH_LINES)
    items: list[dict[str, int]] = []
    indent: int | None = None  # the column of the list's dashes
    key_col: int | None = None  # the column of an item's keys
    for i in range(at + 1, last + 1):
        text = lines[i - 1]
        stripped = text.strip()
        if not stripped or stripped.startswith("#"):
            continue
        col = len(text) - len(text.lstrip())
        item = _ITEM.match(text)
        if indent is None:
            if item is None or col < base:
                return []
            indent = col
        if col < indent or (col == indent and item is None):
            break  # the list has ended: the next key of the element
        if item is not None and col == indent:
            items.append({})
            key_col = None
        m = _KEY.match(text)
        if m is None or not items:
            continue
        # a key of the item itself (the first after its dash, or one aligned with it)
        col_key = text.index(m.group(2), len(m.group(1)))
        if key_col is None:
            key_col = col_key
        if col_key == key_col:
            items[-1].setdefault(m.group(2), i)
    return items
