"""The line reader of dashboard YAML: :func:`fast_read` reads, line by line, the block YAML
Looker writes and people edit (block mappings and lists, one-line plain, quoted and flow
(``[...]``, ``{...}``) values, comments, a leading ``---``) into the structures of
:mod:`looker_ops.lookml.dashboard_yaml`, resolving each distinct scalar once with PyYAML's own
resolver and constructor, so its values are those of PyYAML. On anything else (anchors, tags,
multi-line values, block scalars, tabs, flow collections where the reader needs lines, text
that is not YAML...) it declines, and :func:`read` has PyYAML read the file
(``dashboard_yaml.node_read``).

Most of a dashboard is runs of one-line ``key: value`` lines at one indent (a tile's
settings): a run's lines seen before are looked up at once, and a new line of the common
shapes (a plain word as key; a plain, quoted or flow value) is read by one regex.
"""

from __future__ import annotations

import operator
import re
from typing import Any

from looker_ops.lookml.dashboard_yaml import (
    MEMO_MAX,
    Decline,
    YMap,
    YSeq,
    inline_value,
    node_read,
    plain_scalar,
)

__all__ = ["fast_read", "read"]

# the content of a one-line `key: scalar` mapping entry -> (key, value, scalar text)
_LINES: dict[str, tuple[Any, Any, str | None]] = {}


# --------------------------------------------------------------------------- fast reader

# Characters YAML does not allow in a stream (PyYAML's reader), or that this reader leaves to
# PyYAML: tabs, line breaks other than "\n", a byte-order mark inside the text.
_UNREAD = re.compile(
    "[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# A document marker or a directive at the start of a line (after the first).
_MARKER = re.compile(r"\n(?:---|\.\.\.|%)")


def _marker(text: str, start: int) -> int:
    """Where the first line from ``start`` on that starts with ``---``, ``...`` or ``%`` starts
    (-1: none). ``start`` is 0 or just after such a line's marker."""
    if start == 0 and text.startswith(("---", "...", "%")):
        return 0
    m = _MARKER.search(text, start)
    return -1 if m is None else m.start() + 1


_ASCII_READ = bytes([0x0A, *range(0x20, 0x7F)])


def _unreadable(text: str) -> bool:
    """Whether ``text`` has a character ``_UNREAD`` matches (ASCII text: checked on its bytes,
    which C deletes the allowed ones from much faster than a regex walks the text)."""
    if text.isascii():
        return bool(text.encode("ascii").translate(None, _ASCII_READ))
    return _UNREAD.search(text) is not None


# A plain scalar may not start with these (nor with "- ", "? ", ": ").
_NOT_PLAIN_START = frozenset("?:,[]{}#&*!|>'\"%@`")
_MAX_DEPTH = 40
_PY, _DASHES, _DASH, _ITEMS, _ITEM = range(5)  # what a collection is read as


class _Fast:
    """Reads ``rows`` (1-based line, indent, content) of the content lines of a text; ``runs``
    maps the first row of each run of one-line entries (:func:`_rows`) to the row after it."""

    def __init__(self, rows: list[tuple[int, int, str]], runs: dict[int, int], text: str) -> None:
        self.rows = rows
        self.runs = runs
        self.text = text
        self.n = len(rows)
        self.i = 0
        self.depth = 0
        # At the end of the stream libyaml closes the blocks indented deeper than the end of
        # the last line there, and the others one line further (at column 0).
        self.last_line = text.count("\n")
        self.last_column = len(text) - text.rfind("\n") - 1

    def next_mark(self, indent: int) -> tuple[int, int]:
        """The end mark of a block at ``indent`` that ends before the current row."""
        if self.i < self.n:
            row = self.rows[self.i]
            return row[0] - 1, row[1]  # a mark: 0-based
        if self.last_column and indent > self.last_column:
            return self.last_line, self.last_column
        return self.last_line + (1 if self.last_column else 0), 0

    def block(self, parent_indent: int, mode: int, indentless: bool) -> Any:
        """The collection starting at the current row (deeper than ``parent_indent``, or a list
        at the same indent when ``indentless``), or None (an empty value) when there is none."""
        if self.i >= self.n:
            return None
        _, indent, content = self.rows[self.i]
        is_entry = content == "-" or content.startswith("- ")
        if indent > parent_indent:
            if is_entry:
                return self.seq(indent, mode)
            return self.map(indent, content, _PY)  # only lists of elements/filters need lines
        if indentless and indent == parent_indent and is_entry:
            return self.seq(indent, mode)
        return None

    def value(self, rest: str, indent: int, mode: int, key: Any) -> tuple[Any, str | None]:
        """A key's value: ``rest`` is the text after ``key:`` (comment-free, may be empty)."""
        if not rest:
            sub = _ITEMS if mode == _DASH and key in ("elements", "filters") else _PY
            v = self.block(indent, sub, indentless=True)
            if v is None:
                return None, ""
            return v, None
        if mode == _DASH and key in ("elements", "filters") and rest[0] == "[":
            if rest != "[]" or (self.i < self.n and self.rows[self.i][1] > indent):
                raise Decline  # a flow list of elements: the reader needs their lines
            return YSeq([], []), None
        if rest[0] == "|":
            return self.literal(rest, indent)
        if self.i < self.n and self.rows[self.i][1] > indent:
            return self.continued(rest, indent)
        return _scalar_text(rest)

    def literal(self, header: str, indent: int) -> tuple[str, str]:
        """A literal block scalar (``|``, ``|-``, ``|+``) after a key at ``indent``: the lines
        below, deeper than the key, with their first line's indentation removed."""
        chomp = header[1:2]
        tail = header[2:] if chomp in ("-", "+") else header[1:]
        if tail and (tail[0] != " " or not tail.lstrip(" ").startswith("#")):
            raise Decline  # an indentation indicator, or text after the header
        lines = self.text.split("\n")
        start = self.rows[self.i - 1][0]  # (0-based) the line after the key's
        first = lines[start] if start < len(lines) else ""
        ci = len(first) - len(first.lstrip(" "))
        if not first.strip(" ") or ci <= indent:
            raise Decline  # empty, or blank lines before its first line
        body: list[str] = []
        k = start
        while k < len(lines):
            ln = lines[k]
            stripped = ln.lstrip(" ")
            if stripped:
                if len(ln) - len(stripped) < ci:
                    break
                body.append(ln[ci:])
            elif len(ln) > ci:
                raise Decline  # an all-space line longer than the indentation: content spaces
            else:
                body.append("")
            k += 1
        if k == len(lines):
            raise Decline  # runs to the end of a text: its last line break may be missing
        trailing = 0
        while body and body[-1] == "":
            body.pop()
            trailing += 1
        value = "\n".join(body)
        value += {"-": "", "+": "\n" * (trailing + 1)}.get(chomp, "\n")
        while self.i < self.n and self.rows[self.i][0] <= k:  # 1-based rows before line k + 1
            self.i += 1
        return value, value

    def continued(self, rest: str, indent: int) -> tuple[Any, str | None]:
        """A value that goes on over the next lines (indented deeper than its key, as emitters
        wrap long strings and lists at 80 columns): ``rest`` is its first line's text."""
        cont: list[str] = []
        prev = self.rows[self.i - 1][0]
        while self.i < self.n and self.rows[self.i][1] > indent:
            line, _, text = self.rows[self.i]
            if line != prev + 1:
                raise Decline  # a blank or comment line inside it
            cont.append(text)
            prev = line
            self.i += 1
        if rest[0] in "\"'[{":
            # quoted or flow: read on its own (line breaks and indentation fold the same way)
            value, raw, _ = inline_value(rest + "\n " + "\n ".join(cont))
            return value, raw
        # plain: the lines are folded into one, separated by spaces
        if " #" in rest:
            raise Decline
        for text in cont:
            if text[0] in _NOT_PLAIN_START or text[0] == "-" or " #" in text:
                raise Decline
        return _scalar_text(rest + " " + " ".join(cont))

    def map(self, indent: int, content: str, mode: int) -> Any:
        """A block mapping at ``indent`` whose first key line is ``content`` (current row)."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Decline
        rows = self.rows
        n = self.n
        line0 = rows[self.i][0]
        structural = mode != _PY
        items: list[tuple[Any, Any, str | None]] = []
        klines: list[int] = []
        out: dict[Any, Any] = {}
        while True:
            i = self.i
            if (
                i in self.runs
                and rows[i][1] == indent
                and self.run(i, indent, structural, items, klines, out)
            ):
                pass  # a run of one-line `key: scalar` rows, read at once
            else:
                line = rows[i][0]
                hit = _LINES.get(content)
                if hit is not None and (i + 1 >= n or rows[i + 1][1] <= indent):
                    # a `key: scalar` line seen before (the same key and value text: the same
                    # key, value and scalar text), not continued on the next line
                    self.i = i + 1
                    if structural:
                        items.append(hit)
                        klines.append(line)
                    else:
                        out[hit[0]] = hit[1]
                else:
                    self.entry(content, indent, mode, structural, line, items, klines, out)
            if self.i >= n:
                break
            _, nindent, ncontent = rows[self.i]
            if nindent < indent:
                break
            if nindent > indent or ncontent == "-" or ncontent.startswith("- "):
                raise Decline
            content = ncontent
        self.depth -= 1
        if not structural:
            return out
        return YMap(line0, self.next_mark(indent), items, klines)

    def run(
        self,
        i: int,
        indent: int,
        structural: bool,
        items: list[tuple[Any, Any, str | None]],
        klines: list[int],
        out: dict[Any, Any],
    ) -> bool:
        """Read the run of one-line ``key: value`` entries that starts at row ``i`` (the body of
        a tile: :func:`_rows`); False when it is shorter than two rows (the caller reads the
        row on its own).

        Every row of the run but the last is followed by a row at the same indent, so none is
        continued on the next line; the last is taken only when the row after it is not deeper."""
        rows = self.rows
        after = j = self.runs[i]
        if j < self.n and rows[j][1] > indent:
            j -= 1  # the last one's value goes on below it: read on its own
        block = rows[i:j]
        contents = list(map(_CONTENT, block))
        hits: list[Any] = list(map(_LINES.get, contents))  # (key, value, scalar text) or None
        k = 0
        while True:  # the rows not seen before: read now, or the run stops there
            try:
                k = hits.index(None, k)
            except ValueError:
                break
            hit = _simple(contents[k])
            if hit is None:  # read on its own, and the run goes on after it
                del hits[k:]
                if after - (i + k + 1) > 1:
                    self.runs[i + k + 1] = after
                break
            hits[k] = hit
            k += 1
        if not hits:
            return False
        if structural:
            items.extend(hits)
            klines.extend(map(_LINE, block[: len(hits)]))
        else:
            out.update(map(_KEY_VALUE, hits))
        self.i = i + len(hits)
        return True

    def entry(
        self,
        content: str,
        indent: int,
        mode: int,
        structural: bool,
        line: int,
        items: list[tuple[Any, Any, str | None]],
        klines: list[int],
        out: dict[Any, Any],
    ) -> None:
        """Read the mapping entry on the current row (``content``) and the lines its value takes."""
        if content[0] in "\"'":
            key, rest = _quoted_key(content)
        else:
            j = content.find(": ")
            if j == -1:
                if not content.endswith(":"):
                    raise Decline  # not a key line
                key_text, rest = content[:-1], ""
            else:
                key_text, rest = content[:j], content[j + 2 :].lstrip(" ")
            key_text = key_text.rstrip(" ")
            if (
                not key_text
                or key_text[0] in _NOT_PLAIN_START
                or (key_text[0] == "-" and (len(key_text) == 1 or key_text[1] == " "))
                or " #" in key_text
                or len(key_text) > 1000
            ):
                raise Decline
            key = plain_scalar(key_text)
        if rest.startswith("#"):
            rest = ""
        self.i += 1
        one_line = self.i >= self.n or self.rows[self.i][1] <= indent
        value, raw = self.value(rest, indent, mode if structural else _PY, key)
        if structural:
            items.append((key, value, raw))
            klines.append(line)
        else:
            out[key] = value
        if one_line and rest and rest[0] not in "[{|" and key not in ("elements", "filters"):
            if len(_LINES) > MEMO_MAX:
                _LINES.clear()
            _LINES[content] = (key, value, raw)  # an immutable scalar: safe to share

    def seq(self, indent: int, mode: int) -> Any:
        """A block list whose ``- `` entries are at ``indent`` (current row)."""
        self.depth += 1
        if self.depth > _MAX_DEPTH:
            raise Decline
        child = _DASH if mode == _DASHES else _ITEM if mode == _ITEMS else _PY
        structural = mode != _PY
        items: list[Any] = []
        lines: list[int] = []
        while True:
            line, _, content = self.rows[self.i]
            after = content[2:]
            rest = after.lstrip(" ")
            if not rest or rest[0] == "#" or rest == "-" or rest.startswith("- "):
                raise Decline  # an empty entry, or a list in a list
            col = indent + 2 + len(after) - len(rest)
            first = rest[0]
            if first in "\"'[{":
                if structural and first == "{":
                    raise Decline  # a flow mapping entry: the reader needs its lines
                self.i += 1
                if self.i < self.n and self.rows[self.i][1] > indent:
                    raise Decline
                value = _scalar_text(rest)[0]
            elif ": " in rest or rest.endswith(":"):
                value = self.map(col, rest, child)
            else:
                self.i += 1
                if self.i < self.n and self.rows[self.i][1] > indent:
                    raise Decline
                value = _scalar_text(rest)[0]
            items.append(value)
            lines.append(line)
            if self.i >= self.n:
                break
            _, nindent, ncontent = self.rows[self.i]
            if nindent < indent:
                break
            if nindent > indent:
                raise Decline
            if not (ncontent == "-" or ncontent.startswith("- ")):
                break  # the next key of the mapping this (indentless) list is the value of
        self.depth -= 1
        return YSeq(items, lines) if structural else items


# Consecutive rows at one indent (the rows' indents as characters, one per row).
_SAME = re.compile(r"(.)\1*", re.S)
_INDENT = operator.itemgetter(1)
_LINE = operator.itemgetter(0)
_CONTENT = operator.itemgetter(2)
_KEY_VALUE = operator.itemgetter(0, 1)
# A one-line `key: value` entry whose key is a plain word (no quote, space, colon or `#`) and
# whose value is a double-quoted string without escapes, a single-quoted string without quotes
# inside, a flow collection, or a plain scalar without `:` or `#` that starts with neither an
# indicator, a space, `.` (`...`) nor `-` other than a minus sign. For these the reader's own
# steps (entry, value, _scalar_text) come down to what :func:`_simple` does.
_KEY_RE = r"([A-Za-z_][\w.]{0,200})"
_VALUE_RE = (
    r": +(?:"
    r'"([^"\\\n]*)"'
    r"|'([^'\n]*)'"
    r"|([\[{][^\n]*)"
    r"|((?:[^-?:,\[\]{}#&*!|>'\"%@`\s.]|-[0-9])[^#:\n]*))"
)
_SIMPLE_LINE = re.compile(_KEY_RE + _VALUE_RE)
# contents of one-line entries whose value is a flow collection -> (key, value text); each
# read gives a fresh copy of the collection
_FLOW_LINES: dict[str, tuple[Any, str]] = {}


def _simple(content: str) -> tuple[Any, Any, str | None] | None:
    """(key, value, scalar text) of a one-line entry of the shapes ``_SIMPLE_LINE`` matches
    (remembered by its text, as the reader remembers the lines it reads), or None."""
    flow = _FLOW_LINES.get(content)
    if flow is not None:
        value, raw, _ = inline_value(flow[1])
        return flow[0], value, raw
    m = _SIMPLE_LINE.fullmatch(content)
    if m is None:
        return None
    key_text, dq, sq, fl, plain = m.groups()
    if key_text in ("elements", "filters"):
        return None  # the dashboard's own lists: the reader reads them with their lines
    key = plain_scalar(key_text)
    if fl is not None:
        value, raw, _ = inline_value(fl)
        if len(_FLOW_LINES) > MEMO_MAX:
            _FLOW_LINES.clear()
        _FLOW_LINES[content] = (key, fl)
        return key, value, raw
    if plain is not None:
        hit: tuple[Any, Any, str | None] = (key, plain_scalar(plain), plain)
    else:
        text = dq if dq is not None else sq
        hit = (key, text, text)
    if len(_LINES) > MEMO_MAX:
        _LINES.clear()
    _LINES[content] = hit
    return hit


def _quoted_key(content: str) -> tuple[Any, str]:
    """A quoted key's value and the text after its ``:`` (``"a b": 1``, ``'it''s': x``)."""
    q = content[0]
    i = 1
    while True:
        j = content.find(q, i)
        if j == -1:
            raise Decline
        if q == "'" and content[j + 1 : j + 2] == "'":
            i = j + 2  # '' inside single quotes
            continue
        if q == '"':
            k = j
            while content[k - 1] == "\\":
                k -= 1
            if (j - k) % 2:
                i = j + 1  # an escaped quote
                continue
        break
    after = content[j + 1 :]
    if not (after == ":" or after.startswith(": ")) or j > 1000:
        raise Decline
    key, _, kind = inline_value(content[: j + 1])
    if kind != "scalar":
        raise Decline
    rest = after[1:].lstrip(" ")
    return key, rest


def _scalar_text(rest: str) -> tuple[Any, str | None]:
    """The value of a one-line scalar or flow value ``rest`` (starts with no space)."""
    first = rest[0]
    if first in "\"'[{":
        value, raw, _ = inline_value(rest)
        return value, raw
    if first in _NOT_PLAIN_START or (first == "-" and (len(rest) == 1 or rest[1] == " ")):
        raise Decline
    if "#" in rest:
        k = rest.find(" #")
        if k != -1:
            rest = rest[:k].rstrip(" ")
    if ": " in rest or rest.endswith(":") or rest.startswith(("---", "...")):
        raise Decline
    return plain_scalar(rest), rest


def _add_rows(rows: list[tuple[int, int, str]], lines: list[str], no: int) -> int:
    """Append the rows of the content lines of ``lines`` (the first is line ``no``); the
    number of the line after them."""
    for ln in lines:
        s = ln.lstrip(" ")
        if s and s[0] != "#":
            rows.append((no, len(ln) - len(s), s.rstrip(" ")))
        no += 1
    return no


def _rows(text: str) -> tuple[list[tuple[int, int, str]], dict[int, int]]:
    """The rows (1-based line, indent, content without the spaces around it) of the lines of
    ``text`` that are neither blank nor a comment, and the runs among them: the first row of
    each run of two or more consecutive rows at one indent, mapped to the row after the run."""
    rows: list[tuple[int, int, str]] = []
    _add_rows(rows, text.split("\n"), 1)
    runs: dict[int, int] = {}
    shape = "".join(map(chr, map(_INDENT, rows)))  # each row's indent as a character
    for m in _SAME.finditer(shape):
        first, after = m.span()
        if after - first > 1:
            runs[first] = after
    return rows, runs


def fast_read(text: str) -> YSeq | Decline:
    """The file's dashboards (as :func:`node_read` gives them), or a :class:`Decline` when this
    reader leaves the text to PyYAML."""
    if _unreadable(text):
        return Decline()
    rows, runs = _rows(text)
    marker = _marker(text, 0)
    if rows and rows[0][1] == 0 and rows[0][2] == "---":
        rows.pop(0)  # a leading `---` (the first marker): the markers that count are after it
        runs = {first - 1: after - 1 for first, after in runs.items()}
        marker = _marker(text, marker + 3)
    if not rows or marker != -1:
        return Decline()  # no content, or a second document, an end marker or a directive
    r = _Fast(rows, runs, text)
    try:
        line, indent, content = rows[0]
        if content == "-" or content.startswith("- "):
            out = r.seq(indent, _DASHES)
        elif content[0] not in "\"'[{" and (": " in content or content.endswith(":")):
            out = YSeq([r.map(indent, content, _DASH)], [line])
        else:
            return Decline()
        if r.i != r.n:
            return Decline()
    except Decline as exc:
        return exc
    return out if isinstance(out, YSeq) else Decline()


def read(text: str) -> YSeq | None:
    """The file's dashboards: the fast reader's when it reads the text, else PyYAML's.
    Raises yaml.YAMLError when the text is not YAML."""
    got = fast_read(text)
    if not isinstance(got, Decline):
        return got
    return node_read(text)
