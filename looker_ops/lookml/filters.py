"""Looker filter expressions -> SQL predicates (Athena / Presto dialect).

A filter expression is the text a Looker user types in a filter ("matches (advanced)") or writes
in LookML (``filters: [cloudtrail_logs.event_date: "7 days"]``). Its grammar depends on the
type of the field it filters:

- **string** (``string``, ``zipcode``, ``tier``, ``location``-less text...): ``FOO``,
  ``FOO,BAR``, ``%FOO%``, ``FOO%``, ``%FOO``, ``F%OD``, ``_UF``, ``-FOO``, ``-FOO,-BAR``,
  ``-%FOO%``, ``NULL``, ``-NULL``, ``EMPTY``, ``-EMPTY``, ``FOO%,-FOOD``; ``^`` escapes the next
  character (``^%``, ``^_``, ``^,``, ``^-``, ``^^``, ``^"``); a value in double quotes is taken
  literally (commas and wildcards included). Positive clauses are OR'ed, negative clauses
  AND'ed with them. Negations keep NULL rows, as Looker does.
- **number**: ``5``, ``NOT 5``, ``<>5``, ``!=5``, ``=5``, ``>5``, ``>=5``, ``<5``, ``<=5``,
  ``1, 3, 5``, ``NOT 66, 99``, ``5 to 10`` (inclusive), ``1 to``, ``to 10``,
  ``>1 AND <100``, ``<1 OR >100``, ``[1, 10]``, ``(1, 10)``, ``(1, 10]``, ``[5, inf)``,
  ``(-inf, 10]``, ``NOT (3, 12)``, ``NULL``, ``NOT NULL``.
- **yesno**: ``Yes`` / ``No`` (any case).
- **date / time** (dimension group timeframes, ``type: date`` filters): relative forms computed
  from a pinned ``now`` (UTC): ``today``, ``yesterday``, ``tomorrow``, ``7 days``,
  ``last 7 days`` (both: the current day and the 6 before it), ``last 3 complete days``,
  ``this week|month|quarter|year``, ``last week``, ``next month``, ``2 weeks ago``,
  ``7 days ago for 7 days``, ``3 days from now``, ``3 days from now for 2 days``, ``monday``
  (the most recent Monday, today included); absolute forms ``2026-11-01`` (or ``2026/11/01``),
  ``2026-11``, ``2026``, ``2026-11-01 10:00[:00]``, ``A to B``, ``A for 3 days``,
  ``before A``, ``after A`` (``A`` absolute or relative); ``NULL`` / ``NOT NULL``.
  Weeks start on Monday (Looker's default ``week_start_day``). Every range is half-open:
  ``[start, end)``.

Use :func:`parse_filter` to get a :class:`ParsedFilter`; its :meth:`ParsedFilter.sql` renders
the predicate on any SQL expression and, for dates, :attr:`ParsedFilter.window` is the
``[start, end)`` pair that ``{% date_start %}`` / ``{% date_end %}`` render
(:func:`timestamp_literal`). Anything that is not a valid expression raises
:class:`~looker_ops.errors.BadInput` naming the filter and the expression.

The grammar lives in three modules: this one (the kinds, the entry point, strings, numbers,
yes/no), :mod:`~looker_ops.lookml.filter_dates` (dates and times) and
:mod:`~looker_ops.lookml.filter_clauses` (the parsed form and its SQL).
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime

from looker_ops import clock
from looker_ops.errors import BadInput
from looker_ops.lookml.field_types import DATE_TIMEFRAMES, NUMERIC_MEASURE_TYPES, TIMEFRAMES
from looker_ops.lookml.filter_clauses import (
    EARLIEST,
    LATEST,
    RANGE_TEXT,
    Clause,
    DateWindow,
    ParsedFilter,
    Unparsable,
    sql_string,
    timestamp_literal,
)
from looker_ops.lookml.filter_dates import parse_date

__all__ = [
    "DASHBOARD_FILTER_KINDS",
    "DATE_TIMEFRAMES",
    "EARLIEST",
    "FILTER_KINDS",
    "LATEST",
    "DateWindow",
    "ParsedFilter",
    "filter_kind",
    "parse_filter",
    "sql_string",
    "timestamp_literal",
]

FILTER_KINDS = ("string", "number", "yesno", "date")

# A LookML dashboard filter's ``type`` (one not bound to a field) -> the grammar of its values.
DASHBOARD_FILTER_KINDS = {
    "date_filter": "date",
    "number_filter": "number",
    "string_filter": "string",
    "yesno_filter": "yesno",
}


# Field types read with the number grammar: the numeric measure types, and the number dimensions.
_NUMBER_TYPES = NUMERIC_MEASURE_TYPES | {"number", "int", "distance"}
_DATE_TYPES = frozenset({"date", "time", "date_time", "datetime", "timestamp"})


def filter_kind(field_type: str | None, timeframe: str | None = None) -> str:
    """The filter grammar (``string``, ``number``, ``yesno`` or ``date``) for a field.

    ``field_type`` is the LookML ``type`` (``string``, ``number``, ``yesno``, ``time``,
    ``date``, ``date_date``, ``count``...); ``timeframe`` is set for a dimension group's
    timeframe field (``date``, ``week``, ``hour_of_day``, ``day_of_week``...).
    """
    if timeframe:
        tf = timeframe.lower()
        return TIMEFRAMES[tf].filter_kind if tf in TIMEFRAMES else "string"
    t = (field_type or "string").lower()
    if t == "yesno":
        return "yesno"
    if t in _NUMBER_TYPES:
        return "number"
    if t in _DATE_TYPES:
        return "date"
    if t.startswith("date_") and t[5:] in TIMEFRAMES:  # one timeframe as a type: date_month
        return TIMEFRAMES[t[5:]].filter_kind
    return "string"


# --------------------------------------------------------------------------- entry point


def parse_filter(
    expression: str | None,
    kind: str,
    *,
    name: str = "filter",
    now: datetime | None = None,
) -> ParsedFilter:
    """Parse ``expression`` with the grammar of ``kind`` (see :func:`filter_kind`).

    ``name`` names the filter in error messages; ``now`` anchors relative dates (default: the
    current UTC time). Raises BadInput for an expression that is not valid for the kind.
    """
    if kind not in FILTER_KINDS:
        raise ValueError(f"unknown filter kind {kind!r}")
    text = "" if expression is None else str(expression)
    try:
        if kind == "string":
            pos, neg = _parse_string(text)
            return ParsedFilter(name, text, kind, pos, neg)
        if kind == "number":
            pos, neg = _parse_number(text)
            return ParsedFilter(name, text, kind, pos, neg)
        if kind == "yesno":
            return ParsedFilter(name, text, kind, _parse_yesno(text))
        anchor = now if now is not None else clock.now()
        if anchor.tzinfo is not None:
            anchor = anchor.astimezone(UTC).replace(tzinfo=None)
        if not EARLIEST <= anchor <= LATEST:
            raise Unparsable(f"'now' ({anchor:%Y-%m-%d}) is out of range: the filters handle {RANGE_TEXT}")
        try:
            pos_d, neg_d, windows = parse_date(text, anchor)
        except (OverflowError, ValueError):
            # a period count too large for any calendar (timedelta or int conversion overflow)
            raise Unparsable(f"out of range: the filters handle {RANGE_TEXT}") from None
        return ParsedFilter(name, text, kind, pos_d, neg_d, windows)
    except Unparsable as exc:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise BadInput(f"filter {name}: cannot read {shown!r} as a {kind} filter expression: {exc}") from None


# --------------------------------------------------------------------------- strings


def _split_escaped(text: str) -> list[list[tuple[str, bool]]]:
    """Split on unescaped commas into items of (char, escaped) pairs; ``^x`` escapes x.

    A double-quoted run is literal: its characters count as escaped.
    """
    items: list[list[tuple[str, bool]]] = [[]]
    i = 0
    in_quotes = False
    while i < len(text):
        ch = text[i]
        if ch == "^":
            if i + 1 >= len(text):
                raise Unparsable("'^' at the end escapes nothing (write ^^ for a literal ^)")
            items[-1].append((text[i + 1], True))
            i += 2
            continue
        if ch == '"':
            in_quotes = not in_quotes
            items[-1].append(('"', False))  # a marker; removed by _strip_quotes
        elif ch == "," and not in_quotes:
            items.append([])
        else:
            items[-1].append((ch, in_quotes))
        i += 1
    if in_quotes:
        raise Unparsable('unbalanced double quote (write ^" for a literal ")')
    return items


def _strip(item: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    start, end = 0, len(item)
    while start < end and item[start][0].isspace() and not item[start][1]:
        start += 1
    while end > start and item[end - 1][0].isspace() and not item[end - 1][1]:
        end -= 1
    return item[start:end]


def _parse_string(text: str) -> tuple[tuple[Clause, ...], tuple[Clause, ...]]:
    if not text.strip():
        return (), ()
    pos: list[Clause] = []
    neg: list[Clause] = []
    for raw in _split_escaped(text):
        item = _strip(raw)
        negated = bool(item) and item[0] == ("-", False)
        if negated:
            item = _strip(item[1:])
        quoted = any(c == '"' and not esc for c, esc in item)
        item = [(c, esc) for c, esc in item if not (c == '"' and not esc)]
        plain = "".join(c for c, _ in item)
        if not quoted and all(not esc for _, esc in item) and plain in ("NULL", "EMPTY"):
            clause = Clause("null" if plain == "NULL" else "empty", negated=negated)
        elif not item and not quoted:
            if negated:
                raise Unparsable("'-' must be followed by a value (write ^- for a literal leading -)")
            raise Unparsable("empty value in the list (two commas in a row?)")
        elif any(c in "%_" and not esc for c, esc in item):
            pattern = "".join(("\\" + c) if (esc and c in "%_\\") or (c == "\\") else c for c, esc in item)
            escape = sql_string("\\") if "\\" in pattern else ""
            clause = Clause("like", (sql_string(pattern), escape), negated=negated)
        else:
            clause = Clause("eq", (sql_string(plain),), negated=negated)
        (neg if negated else pos).append(clause)
    if len(neg) > 1 and all(c.op == "eq" for c in neg):
        neg = [Clause("eq", tuple(v for c in neg for v in c.values), negated=True)]
    return tuple(pos), tuple(neg)


# --------------------------------------------------------------------------- numbers

_NUM = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_NUM_RE = re.compile(rf"^{_NUM}$")
_CMP_RE = re.compile(rf"^(<>|!=|>=|<=|=|>|<)\s*({_NUM})$")
_TO_RE = re.compile(rf"^({_NUM})?\s*\bto\b\s*({_NUM})?$", re.I)
_INTERVAL_RE = re.compile(
    rf"^([\[(])\s*(-inf|{_NUM})\s*,\s*(inf|\+inf|{_NUM})\s*([\])])$",
    re.I,
)


def _num(text: str) -> str:
    if not _NUM_RE.match(text):
        raise Unparsable(f"{text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise Unparsable(f"{text!r} is out of range for a number (at most about 1.8e308)")
    if value == int(value) and "e" not in text.lower() and "." not in text:
        return str(int(value))
    return text.lstrip("+")


def _split_number_list(text: str) -> list[str]:
    """Split on commas that are not inside an interval's brackets."""
    out, depth, cur = [], 0, ""
    for ch in text:
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return out


def _number_clause(text: str) -> Clause:
    t = text.strip()
    if not t:
        raise Unparsable("empty value in the list")
    if re.fullmatch(r"null", t, re.I):
        return Clause("null")
    m = _INTERVAL_RE.match(t)
    if m:
        lo_b, lo, hi, hi_b = m.groups()
        parts = []
        if lo.lower() != "-inf":
            parts.append(Clause("cmp", (">=" if lo_b == "[" else ">", _num(lo))))
        if hi.lower().lstrip("+") != "inf":
            parts.append(Clause("cmp", ("<=" if hi_b == "]" else "<", _num(hi))))
        if not parts:
            return Clause("cmp", ("IS NOT", "NULL"))
        return parts[0] if len(parts) == 1 else Clause("and", parts=tuple(parts))
    m = _TO_RE.match(t)
    if m and (m.group(1) or m.group(2)):
        lo, hi = m.groups()
        parts = []
        if lo:
            parts.append(Clause("cmp", (">=", _num(lo))))
        if hi:
            parts.append(Clause("cmp", ("<=", _num(hi))))
        return parts[0] if len(parts) == 1 else Clause("and", parts=tuple(parts))
    for joiner in (" AND ", " OR "):
        pieces = re.split(joiner, t, flags=re.I)
        if len(pieces) > 1:
            subs = tuple(_number_clause(p) for p in pieces)
            return Clause("and" if joiner == " AND " else "or", parts=subs)
    m = _CMP_RE.match(t)
    if m:
        op, value = m.groups()
        op = "<>" if op == "!=" else op
        if op == "=":
            return Clause("eq", (_num(value),))
        return Clause("cmp", (op, _num(value)))
    if _NUM_RE.match(t):
        return Clause("eq", (_num(t),))
    raise Unparsable(f"{t!r} is not a number, a comparison (>5), a range ([1, 10], 1 to 10) or NULL")


def _parse_number(text: str) -> tuple[tuple[Clause, ...], tuple[Clause, ...]]:
    t = text.strip()
    if not t:
        return (), ()
    if re.fullmatch(r"not\s+null", t, re.I):
        return (), (Clause("null", negated=True),)
    pos: list[Clause] = []
    neg: list[Clause] = []
    negate_all = False
    m = re.match(r"^not\s+(.*)$", t, re.I | re.S)
    if m:
        negate_all, t = True, m.group(1)
    for piece in _split_number_list(t):
        p = piece.strip()
        m2 = re.match(r"^not\s+(.*)$", p, re.I | re.S)
        negated = negate_all
        if m2:
            negated, p = True, m2.group(1)
        clause = _number_clause(p)
        if clause.op == "cmp" and clause.values[0] == "<>":
            clause = Clause("eq", (clause.values[1],))
            negated = not negated
        if negated:
            neg.append(Clause(clause.op, clause.values, True, clause.parts))
        else:
            pos.append(clause)
    if len(neg) > 1 and all(c.op == "eq" for c in neg):
        neg = [Clause("eq", tuple(v for c in neg for v in c.values), negated=True)]
    return tuple(pos), tuple(neg)


# --------------------------------------------------------------------------- yesno


def _parse_yesno(text: str) -> tuple[Clause, ...]:
    t = text.strip().lower()
    if not t:
        return ()
    if t in ("yes", "no"):
        return (Clause("bool", (t,)),)
    raise Unparsable("a yesno filter is Yes or No")
