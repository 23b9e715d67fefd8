"""A fast reader of LookML text, giving exactly the document :mod:`parsecache`'s lkml path gives.

lkml lexes a file into one Python object per token and parses the tokens with a backtracking
recursive-descent parser; on a typical project that costs about 28 microseconds per line. This
reader matches a whole item at a time (``key: value``, ``key: [list]``, ``key: name {``, ``}``,
``sql: ... ;;``) with one regular expression and builds the converted document directly
(plural keys collapsed, ``_type``/``_name``/``_line``/``_end``/``_lines`` on every block), at a
few microseconds per line.

It follows lkml's lexer character for character: the same whitespace (space, tab, newline: any
other character is part of a literal), the same literal characters, quoted strings kept with
their escapes, expression blocks (``sql:``, ``html:``... immediately followed by ``:``) running
to the first ``;;`` and stripped, comments to the end of the line; and lkml's grammar: a block
is tried before a pair, a list holds either values or ``key: value`` pairs, a trailing comma is
allowed, a non-plural key may appear once per block (the top level may repeat keys: the last
one wins, in the position of the first).

It reads only text it is sure of. On anything else (a syntax error, a duplicate key, a lone
``-`` value, a key that lkml would lex differently, an escaped line break inside a quoted
string...) :func:`fast_parse` returns None and the caller parses the text with lkml, which
gives the result or the error message. The tests compare the two readers on every LookML file
they have, on generated projects and on thousands of mutants.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["EXPR_BLOCK_KEYS", "PLURAL_KEYS", "KeyClash", "fast_parse", "key_clash", "pluralize"]

# lkml.keys.PLURAL_KEYS and EXPR_BLOCK_KEYS (lkml 1.3), kept here so that the fast path does not
# import lkml; a test compares them with the installed lkml's.
PLURAL_KEYS: tuple[str, ...] = (
    "access_filter",
    "access_grant",
    "action",
    "aggregate_table",
    "allowed_value",
    "assert",
    "bind_filters",
    "column",
    "constant",
    "datagroup",
    "remote_dependency",
    "local_dependency",
    "derived_column",
    "dimension",
    "dimension_group",
    "explore",
    "extends",
    "filter",
    "filters",
    "form_param",
    "include",
    "join",
    "link",
    "map_layer",
    "measure",
    "named_value_format",
    "option",
    "override_constant",
    "param",
    "parameter",
    "query",
    "set",
    "sql_step",
    "test",
    "user_attribute_param",
    "view",
    "when",
)
EXPR_BLOCK_KEYS: tuple[str, ...] = (
    "expression_custom_filter",
    "expression",
    "html",
    "sql_trigger_value",
    "sql_table_name",
    "sql_distinct_key",
    "sql_start",
    "sql_always_having",
    "sql_always_where",
    "sql_trigger",
    "sql_foreign_key",
    "sql_where",
    "sql_end",
    "sql_create",
    "sql_latitude",
    "sql_longitude",
    "sql_step",
    "sql_on",
    "sql",
    "sql_preamble",
)


def pluralize(key: str) -> str:
    """lkml's ``pluralize``."""
    if key in ("filters", "bind_filters", "extends"):
        return key + "__all"
    if key == "query":
        return "queries"
    if key == "remote_dependency":
        return "remote_dependencies"
    if key == "local_dependency":
        return "local_dependencies"
    return key + "s"


MAX_BLOCK_DEPTH = 50  # LookML's deepest valid nesting is far below (model > explore > join > ...)
_PLURALS: dict[str, str] = {k: pluralize(k) for k in PLURAL_KEYS}
_SINGULARS: dict[str, str] = {v: k for k, v in _PLURALS.items() if v not in _PLURALS}


class KeyClash(Exception):
    """A key spelt as the collected form of a repeatable one (``measures:`` beside ``measure:``
    entries): not a LookML parameter, and the two cannot share one place in the document."""

    def __init__(self, line: int, key: str) -> None:
        single = _SINGULARS[key]
        self.line = line
        self.message = (
            f'LookML error: "{key}" is not a LookML parameter (write each one as "{single}: ...") '
            f'and it clashes with the "{single}" entries of the same block'
        )
        super().__init__(self.message)


def key_clash(lines: dict[str, int], key: str, line: int) -> KeyClash | None:
    """The :class:`KeyClash` of adding ``key`` (at ``line``) to a block whose keys are
    ``lines`` when it already has the key it clashes with (``measure`` and ``measures``, in
    either order), else None. Both readers use it."""
    plural = _PLURALS.get(key)
    if plural is not None:
        return KeyClash(line, plural) if plural in lines else None
    singular = _SINGULARS.get(key)
    return KeyClash(line, key) if singular is not None and singular in lines else None


_EXPR = frozenset(EXPR_BLOCK_KEYS)

# lkml's lexer: whitespace is space, tab and newline; a comment runs from '#' to the end of the
# line; a literal starts with any character that starts no other token and runs to one of
# "\0 \n\t:}{,]" (so it may hold '[', '#', '"' and ';'); a quoted string runs to the first '"'
# not escaped by a backslash (which keeps its escapes).
_TRIVIA = r"(?:[ \t\n]++|#[^\n]*+)*+"
_LIT = r'[^ \n\t#;"{}\[\],:\x00][^ \n\t:}{,\]\x00]*+'
_QUOTED = r'"([^"\\]*+(?:\\.[^"\\]*+)*+)"'
_EKEYS = "|".join(sorted(EXPR_BLOCK_KEYS, key=len, reverse=True))

# A key with an expression block: its ':' right after it (lkml lexes `sql :` otherwise).
_EXPR_KEY = "(" + _EKEYS + "):"
# A key, its ':' and the trivia around it; the value follows.
_KEY = "(" + _LIT + ")" + _TRIVIA + ":" + _TRIVIA

# One item of a block or of the document, after the trivia before it. Groups:
# 1 '}'; 2 an expression key; 3 a key; then its value:
# 4 quoted text, 5 '[', 6 a literal (a block's name when 7 follows), 7 '{'.
_ITEM = re.compile(
    _TRIVIA + r"(?:(\})|" + _EXPR_KEY + "|" + _KEY
    + "(?:" + _QUOTED + r"|(\[)|(" + _LIT + ")?+" + _TRIVIA + r"(\{)?))",
    re.S,
)  # fmt: skip
# One part of a list, after the trivia before it. Groups: 1 ']'; 2 ','; 3 quoted text;
# 4 an expression key; 5 a pair's key, 6 its quoted value, 7 its literal value; 8 a literal.
_LIST_ITEM = re.compile(
    _TRIVIA + r"(?:(\])|(,)|" + _QUOTED + "|" + _EXPR_KEY + "|" + _KEY
    + "(?:" + _QUOTED + "|(" + _LIT + "))|(" + _LIT + "))",
    re.S,
)  # fmt: skip
_END = re.compile(_TRIVIA + r"\Z")


class _Decline(Exception):
    """Text this reader leaves to lkml."""


def fast_parse(text: str) -> dict[str, Any] | None:
    """The document of a LookML text (as :func:`looker_ops.lookml.parsecache.parse_text` builds
    it from lkml's tree, without ``_has_constants``), or None when lkml must read it.
    Raises :class:`KeyClash` (which both readers raise) for ``measures:`` beside ``measure:``."""
    try:
        return _parse(text)
    except _Decline:
        return None


def _list(text: str, pos: int) -> tuple[list[Any], int]:
    """The list whose '[' ends at ``pos``: its values (strings, or (key, value) pairs) and the
    position after its ']'."""
    match = _LIST_ITEM.match
    items: list[Any] = []
    pairs: bool | None = None  # the list's kind, set by its first entry
    need_item = False  # after a comma (or the leading comma)
    while True:
        m = match(text, pos)
        if m is None:
            raise _Decline
        close, comma, quoted, ekey, pkey, pquoted, pvalue, lit = m.groups()
        pos = m.end()
        if close is not None:
            if need_item and not items:
                raise _Decline  # '[,]'
            return items, pos  # (a trailing comma is allowed)
        if comma is not None:
            if need_item:
                raise _Decline  # two commas
            need_item = True  # after an entry, or a leading comma
            continue
        if items and not need_item:
            raise _Decline  # two entries without a comma between them
        need_item = False
        if ekey is not None:
            raise _Decline  # lkml lexes an expression block here
        if pkey is not None:
            if pairs is False or pkey in _EXPR:
                raise _Decline
            pairs = True
            if pquoted is not None:
                if "\\\n" in pquoted:
                    raise _Decline
                items.append((pkey, pquoted))
            else:
                if pvalue == "-" or text[m.end(7) : m.end(7) + 1] == ":":
                    raise _Decline
                items.append((pkey, pvalue))
            continue
        if pairs:
            raise _Decline
        pairs = False
        if quoted is not None:
            if "\\\n" in quoted:
                raise _Decline
            items.append(quoted)
        else:
            if lit == "-" or text[pos : pos + 1] == ":":
                raise _Decline
            items.append(lit)


def _add(
    cur: dict[str, Any], cur_lines: dict[str, int], key: str, value: Any, line: int, nested: bool
) -> KeyClash | None:
    """Add an item to a block (``nested``) or to the document, as lkml's converter does; the
    clash it makes, if any (the item is then left out)."""
    if nested and key in cur_lines and key not in _PLURALS:
        raise _Decline  # a key twice in one block: lkml's error
    clash = key_clash(cur_lines, key, line)
    if clash is None:
        plural = _PLURALS.get(key)
        if plural is None:
            cur[key] = value  # (the document may repeat a key: the last one wins)
        elif plural in cur:
            cur[plural].append(value)
        else:
            cur[plural] = [value]
    if key not in cur_lines:
        cur_lines[key] = line
    return clash


def _value(text: str, m: re.Match[str]) -> tuple[Any, int]:
    """The value of a ``key: value`` item (quoted, a list or a literal) and where it ends."""
    quoted, bracket, lit = m.group(4, 5, 6)
    if quoted is not None:
        if "\\\n" in quoted:
            raise _Decline  # lkml does not count that line break
        return quoted, m.end()
    if bracket is not None:
        return _list(text, m.end())
    if lit is not None:
        e = m.end(6)
        if lit == "-" or text[e : e + 1] == ":":
            raise _Decline  # lkml joins '- x'; a literal before ':' is lexed otherwise
        return lit, m.end()
    raise _Decline  # a key without a value


def _parse(text: str) -> dict[str, Any]:
    match = _ITEM.match
    plurals = _PLURALS
    expr = _EXPR
    pos = 0
    line = 1  # the line of text[lpos]
    lpos = 0
    cur: dict[str, Any] = {}
    cur_lines: dict[str, int] = {}
    # open blocks: (parent dict, parent lines, key, name, key line)
    stack: list[tuple[dict[str, Any], dict[str, int], str, str | None, int]] = []
    clash: KeyClash | None = None
    while True:
        m = match(text, pos)
        if m is None:
            if not stack and _END.match(text, pos):
                break
            raise _Decline
        close, ekey, key, _, _, lit, brace = m.groups()
        if close is not None:
            if not stack:
                raise _Decline  # '}' at the top level
            start = m.start(1)
            line += text.count("\n", lpos, start)
            lpos = start
            cur["_lines"] = cur_lines
            parent, parent_lines, bkey, bname, bline = stack.pop()
            cur["_type"] = bkey
            cur["_name"] = bname
            cur["_line"] = bline
            cur["_end"] = line if line > bline else bline
            value: Any = cur
            key = bkey
            kline = bline
            cur, cur_lines = parent, parent_lines
            pos = m.end()
        else:
            if ekey is not None:
                key = ekey
                start = m.start(2)
                body_start = m.end()
                j = text.find(";;", body_start)
                if j == -1:
                    raise _Decline
                value = text[body_start:j].strip()
                pos = j + 2
            else:
                start = m.start(3)
                if key in expr:
                    raise _Decline  # an expression key not followed at once by ':'
                if brace is not None:
                    line += text.count("\n", lpos, start)
                    lpos = start
                    if stack and key not in plurals and key in cur_lines:
                        raise _Decline  # a key twice in one block: lkml's error
                    if len(stack) >= MAX_BLOCK_DEPTH:
                        raise _Decline  # the lexer names the line where nesting goes too deep
                    stack.append((cur, cur_lines, key, lit, line))
                    cur = {}
                    cur_lines = {}
                    pos = m.end()
                    continue
                value, pos = _value(text, m)
            line += text.count("\n", lpos, start)
            lpos = start
            kline = line
        got = _add(cur, cur_lines, key, value, kline, bool(stack))
        if got is not None and clash is None:
            clash = got
    if clash is not None:
        raise clash  # the first one, in the order lkml's converter meets them (the rest read)
    cur["_lines"] = cur_lines
    return cur
