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
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from looker_ops import clock
from looker_ops.errors import BadInput

__all__ = [
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

# The times a date filter may reach (a window's bounds, ``now``): four-digit years, with room
# for a year-long window to end inside what Python's datetime and SQL timestamps can hold.
EARLIEST = datetime(1000, 1, 1)
LATEST = datetime(9999, 1, 1)
_RANGE_TEXT = "dates from 1000-01-01 to 9999-01-01"

# Timeframes of a dimension group that hold a point in time (filtered as dates), by Looker name.
DATE_TIMEFRAMES = frozenset(
    {
        "raw",
        "time",
        "time_of_day",
        "date",
        "week",
        "month",
        "quarter",
        "year",
        "hour",
        "minute",
        "second",
        "millisecond",
        "microsecond",
        "fiscal_month_num",
        "fiscal_quarter",
        "fiscal_year",
    }
    | {f"hour{n}" for n in (2, 3, 4, 6, 8, 12)}
    | {f"minute{n}" for n in (2, 3, 4, 5, 6, 10, 12, 15, 20, 30)}
    | {f"millisecond{n}" for n in (2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500)}
)
_NUMBER_TIMEFRAMES = frozenset(
    {
        "hour_of_day",
        "day_of_week_index",
        "day_of_month",
        "day_of_year",
        "week_of_year",
        "month_num",
        "quarter_of_year",
        "fiscal_month_num",
        "fiscal_quarter_of_year",
    }
)
_NUMBER_TYPES = frozenset(
    {
        "number",
        "int",
        "count",
        "count_distinct",
        "sum",
        "sum_distinct",
        "average",
        "average_distinct",
        "min",
        "max",
        "median",
        "median_distinct",
        "percentile",
        "percentile_distinct",
        "percent_of_total",
        "running_total",
        "distance",
    }
)
_DATE_TYPES = frozenset({"date", "time", "date_time", "datetime", "timestamp"}) | {
    f"date_{t}" for t in DATE_TIMEFRAMES
}


def filter_kind(field_type: str | None, timeframe: str | None = None) -> str:
    """The filter grammar (``string``, ``number``, ``yesno`` or ``date``) for a field.

    ``field_type`` is the LookML ``type`` (``string``, ``number``, ``yesno``, ``time``,
    ``date``, ``date_date``, ``count``...); ``timeframe`` is set for a dimension group's
    timeframe field (``date``, ``week``, ``hour_of_day``, ``day_of_week``...).
    """
    if timeframe:
        tf = timeframe.lower()
        if tf in _NUMBER_TIMEFRAMES:
            return "number"
        if tf in DATE_TIMEFRAMES:
            return "date"
        return "string"  # day_of_week, month_name, ...
    t = (field_type or "string").lower()
    if t == "yesno":
        return "yesno"
    if t in _NUMBER_TYPES:
        return "number"
    if t in _DATE_TYPES:
        return "date"
    return "string"


# --------------------------------------------------------------------------- SQL helpers


def sql_string(value: str) -> str:
    """A SQL string literal: single quotes doubled."""
    return "'" + value.replace("'", "''") + "'"


def timestamp_literal(value: datetime | None) -> str:
    """``TIMESTAMP 'YYYY-MM-DD HH:MM:SS'`` (UTC, naive), or ``NULL`` for an open bound."""
    if value is None:
        return "NULL"
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return f"TIMESTAMP '{value.year:04d}-{value:%m-%d %H:%M:%S}'"


def _or(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " OR ".join(parts) + ")"


def _and(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else "(" + " AND ".join(parts) + ")"


# --------------------------------------------------------------------------- result


@dataclass(frozen=True)
class DateWindow:
    """A half-open time range ``[start, end)``; ``None`` is an open bound. Times are naive UTC."""

    start: datetime | None
    end: datetime | None

    def sql(self, expr: str) -> str:
        parts = []
        if self.start is not None:
            parts.append(f"({expr}) >= {timestamp_literal(self.start)}")
        if self.end is not None:
            parts.append(f"({expr}) < {timestamp_literal(self.end)}")
        if not parts:
            return f"({expr}) IS NOT NULL"
        return _and(parts)

    def days(self) -> list[date] | None:
        """The calendar days the window touches, or None when it is open."""
        if self.start is None or self.end is None:
            return None
        out: list[date] = []
        d = self.start.date()
        while datetime(d.year, d.month, d.day) < self.end:
            out.append(d)
            d += timedelta(days=1)
        return out


@dataclass(frozen=True)
class ParsedFilter:
    """A parsed filter expression. ``clauses`` render the predicate for an SQL expression."""

    name: str
    expression: str
    kind: str
    # Predicate templates: each is a function of the SQL expression, combined as described in
    # the module doc. Kept as data (not closures) so a ParsedFilter compares and prints well.
    positive: tuple[_Clause, ...] = ()
    negative: tuple[_Clause, ...] = ()
    windows: tuple[DateWindow, ...] = field(default=())

    @property
    def is_empty(self) -> bool:
        """True when the expression filters nothing (an empty value: "is any value")."""
        return not self.positive and not self.negative

    @property
    def window(self) -> DateWindow | None:
        """For a date filter: the one ``[start, end)`` covering every range it accepts.

        ``None`` for a non-date filter. For ``NULL``/``NOT NULL`` or an empty expression both
        bounds are open (``{% date_start %}`` then renders NULL, as in Looker).
        """
        if self.kind != "date":
            return None
        if not self.windows:
            return DateWindow(None, None)
        starts = [w.start for w in self.windows]
        ends = [w.end for w in self.windows]
        start = None if any(s is None for s in starts) else min(s for s in starts if s is not None)
        end = None if any(e is None for e in ends) else max(e for e in ends if e is not None)
        return DateWindow(start, end)

    def sql(self, expr: str) -> str | None:
        """The predicate on ``expr`` (an SQL expression), or None when nothing is filtered."""
        if self.is_empty:
            return None
        pos = _render_positive(self.positive, expr)
        neg = [c.render(expr) for c in self.negative]
        parts = ([pos] if pos else []) + neg
        return _and(parts)


@dataclass(frozen=True)
class _Clause:
    """One clause: ``op`` over ``values`` (already SQL literals). ``negated`` for NOT clauses."""

    op: str  # eq, like, null, empty, cmp, and, or, range, window, true
    values: tuple[str, ...] = ()
    negated: bool = False
    parts: tuple[_Clause, ...] = ()
    window: DateWindow | None = None

    def render(self, expr: str) -> str:
        s = self._render(expr)
        if not self.negated:
            return s
        if self.op == "null":
            return f"{expr} IS NOT NULL"
        if self.op == "empty":
            return f"({expr} IS NOT NULL AND LENGTH({expr}) <> 0)"
        if self.op == "eq" and len(self.values) == 1:
            return f"({expr} <> {self.values[0]} OR {expr} IS NULL)"
        if self.op == "eq":
            return f"({expr} NOT IN ({', '.join(self.values)}) OR {expr} IS NULL)"
        if self.op == "like":
            return f"({expr} NOT {s[len(expr) + 1 :]} OR {expr} IS NULL)"
        return f"(NOT ({s}) OR {expr} IS NULL)"

    def _render(self, expr: str) -> str:
        op = self.op
        if op == "eq":
            if len(self.values) == 1:
                return f"{expr} = {self.values[0]}"
            return f"{expr} IN ({', '.join(self.values)})"
        if op == "like":
            pattern, escape = self.values
            return f"{expr} LIKE {pattern}" + (f" ESCAPE {escape}" if escape else "")
        if op == "null":
            return f"{expr} IS NULL"
        if op == "empty":
            return f"({expr} IS NULL OR LENGTH({expr}) = 0)"
        if op == "cmp":
            return f"{expr} {self.values[0]} {self.values[1]}"
        if op == "and":
            return _and([p.render(expr) for p in self.parts])
        if op == "or":
            return _or([p.render(expr) for p in self.parts])
        if op == "window":
            assert self.window is not None
            return self.window.sql(expr)
        if op == "bool":
            return f"({expr})" if self.values[0] == "yes" else f"NOT COALESCE(({expr}), FALSE)"
        raise AssertionError(op)


def _render_positive(clauses: Sequence[_Clause], expr: str) -> str | None:
    if not clauses:
        return None
    # Several exact string/number values: one IN list, as Looker writes it.
    eqs = [c for c in clauses if c.op == "eq"]
    others = [c.render(expr) for c in clauses if c.op != "eq"]
    if eqs:
        values = tuple(v for c in eqs for v in c.values)
        others.insert(0, _Clause("eq", values).render(expr))
    return _or(others)


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
            raise _Unparsable(f"'now' ({anchor:%Y-%m-%d}) is out of range: the filters handle {_RANGE_TEXT}")
        try:
            pos_d, neg_d, windows = _parse_date(text, anchor)
        except (OverflowError, ValueError):
            # a period count too large for any calendar (timedelta or int conversion overflow)
            raise _Unparsable(f"out of range: the filters handle {_RANGE_TEXT}") from None
        return ParsedFilter(name, text, kind, pos_d, neg_d, windows)
    except _Unparsable as exc:
        shown = text if len(text) <= 80 else text[:77] + "..."
        raise BadInput(f"filter {name}: cannot read {shown!r} as a {kind} filter expression: {exc}") from None


class _Unparsable(Exception):
    pass


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
                raise _Unparsable("'^' at the end escapes nothing (write ^^ for a literal ^)")
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
        raise _Unparsable('unbalanced double quote (write ^" for a literal ")')
    return items


def _strip(item: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    start, end = 0, len(item)
    while start < end and item[start][0].isspace() and not item[start][1]:
        start += 1
    while end > start and item[end - 1][0].isspace() and not item[end - 1][1]:
        end -= 1
    return item[start:end]


def _parse_string(text: str) -> tuple[tuple[_Clause, ...], tuple[_Clause, ...]]:
    if not text.strip():
        return (), ()
    pos: list[_Clause] = []
    neg: list[_Clause] = []
    for raw in _split_escaped(text):
        item = _strip(raw)
        negated = bool(item) and item[0] == ("-", False)
        if negated:
            item = _strip(item[1:])
        quoted = any(c == '"' and not esc for c, esc in item)
        item = [(c, esc) for c, esc in item if not (c == '"' and not esc)]
        plain = "".join(c for c, _ in item)
        if not quoted and all(not esc for _, esc in item) and plain in ("NULL", "EMPTY"):
            clause = _Clause("null" if plain == "NULL" else "empty", negated=negated)
        elif not item and not quoted:
            if negated:
                raise _Unparsable("'-' must be followed by a value (write ^- for a literal leading -)")
            raise _Unparsable("empty value in the list (two commas in a row?)")
        elif any(c in "%_" and not esc for c, esc in item):
            pattern = "".join(("\\" + c) if (esc and c in "%_\\") or (c == "\\") else c for c, esc in item)
            escape = sql_string("\\") if "\\" in pattern else ""
            clause = _Clause("like", (sql_string(pattern), escape), negated=negated)
        else:
            clause = _Clause("eq", (sql_string(plain),), negated=negated)
        (neg if negated else pos).append(clause)
    if len(neg) > 1 and all(c.op == "eq" for c in neg):
        neg = [_Clause("eq", tuple(v for c in neg for v in c.values), negated=True)]
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
        raise _Unparsable(f"{text!r} is not a number")
    value = float(text)
    if not math.isfinite(value):
        raise _Unparsable(f"{text!r} is out of range for a number (at most about 1.8e308)")
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


def _number_clause(text: str) -> _Clause:
    t = text.strip()
    if not t:
        raise _Unparsable("empty value in the list")
    if re.fullmatch(r"null", t, re.I):
        return _Clause("null")
    m = _INTERVAL_RE.match(t)
    if m:
        lo_b, lo, hi, hi_b = m.groups()
        parts = []
        if lo.lower() != "-inf":
            parts.append(_Clause("cmp", (">=" if lo_b == "[" else ">", _num(lo))))
        if hi.lower().lstrip("+") != "inf":
            parts.append(_Clause("cmp", ("<=" if hi_b == "]" else "<", _num(hi))))
        if not parts:
            return _Clause("cmp", ("IS NOT", "NULL"))
        return parts[0] if len(parts) == 1 else _Clause("and", parts=tuple(parts))
    m = _TO_RE.match(t)
    if m and (m.group(1) or m.group(2)):
        lo, hi = m.groups()
        parts = []
        if lo:
            parts.append(_Clause("cmp", (">=", _num(lo))))
        if hi:
            parts.append(_Clause("cmp", ("<=", _num(hi))))
        return parts[0] if len(parts) == 1 else _Clause("and", parts=tuple(parts))
    for joiner in (" AND ", " OR "):
        pieces = re.split(joiner, t, flags=re.I)
        if len(pieces) > 1:
            subs = tuple(_number_clause(p) for p in pieces)
            return _Clause("and" if joiner == " AND " else "or", parts=subs)
    m = _CMP_RE.match(t)
    if m:
        op, value = m.groups()
        op = "<>" if op == "!=" else op
        if op == "=":
            return _Clause("eq", (_num(value),))
        return _Clause("cmp", (op, _num(value)))
    if _NUM_RE.match(t):
        return _Clause("eq", (_num(t),))
    raise _Unparsable(f"{t!r} is not a number, a comparison (>5), a range ([1, 10], 1 to 10) or NULL")


def _parse_number(text: str) -> tuple[tuple[_Clause, ...], tuple[_Clause, ...]]:
    t = text.strip()
    if not t:
        return (), ()
    if re.fullmatch(r"not\s+null", t, re.I):
        return (), (_Clause("null", negated=True),)
    pos: list[_Clause] = []
    neg: list[_Clause] = []
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
            clause = _Clause("eq", (clause.values[1],))
            negated = not negated
        if negated:
            neg.append(_Clause(clause.op, clause.values, True, clause.parts))
        else:
            pos.append(clause)
    if len(neg) > 1 and all(c.op == "eq" for c in neg):
        neg = [_Clause("eq", tuple(v for c in neg for v in c.values), negated=True)]
    return tuple(pos), tuple(neg)


# --------------------------------------------------------------------------- yesno


def _parse_yesno(text: str) -> tuple[_Clause, ...]:
    t = text.strip().lower()
    if not t:
        return ()
    if t in ("yes", "no"):
        return (_Clause("bool", (t,)),)
    raise _Unparsable("a yesno filter is Yes or No")


# --------------------------------------------------------------------------- dates

_UNITS = {
    "second": "second",
    "seconds": "second",
    "minute": "minute",
    "minutes": "minute",
    "hour": "hour",
    "hours": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "quarter": "quarter",
    "quarters": "quarter",
    "year": "year",
    "years": "year",
}
_UNIT = "(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _truncate(t: datetime, unit: str) -> datetime:
    if unit == "second":
        return t.replace(microsecond=0)
    if unit == "minute":
        return t.replace(second=0, microsecond=0)
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    raise AssertionError(unit)


def _add(t: datetime, n: int, unit: str) -> datetime:
    if unit in ("second", "minute", "hour", "day", "week"):
        return t + timedelta(**{unit + "s": n})
    months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
    index = t.year * 12 + (t.month - 1) + months
    year, month = divmod(index, 12)
    if not EARLIEST.year <= year <= LATEST.year:
        raise _Unparsable(f"it reaches the year {year}: the filters handle {_RANGE_TEXT}")
    # Only ever called on month-truncated times for these units, so day 1 is always valid;
    # clamp anyway for arbitrary absolute times (Jan 31 + 1 month -> Feb 28/29).
    for day in range(t.day, 27, -1):  # 31, 30, 29: the first that exists in the month
        try:
            return t.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return t.replace(year=year, month=month + 1, day=min(t.day, 28))


_ABS_RE = re.compile(
    r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})"
    r"(?:[ t](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:z|[+-]00:?00)?)?)?)?$"
)


def _absolute(text: str) -> DateWindow | None:
    """``2026``, ``2026-11``, ``2026-11-01``, ``2026/11/01 10:00[:00]`` -> its whole period."""
    m = _ABS_RE.match(text)
    if not m:
        return None
    y, mo, d, hh, mi, ss = m.groups()
    try:
        if mo is None:
            start = datetime(int(y), 1, 1)
            return DateWindow(start, _add(start, 1, "year"))
        if d is None:
            start = datetime(int(y), int(mo), 1)
            return DateWindow(start, _add(start, 1, "month"))
        if hh is None:
            start = datetime(int(y), int(mo), int(d))
            return DateWindow(start, start + timedelta(days=1))
        start = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
    except ValueError as exc:
        raise _Unparsable(f"{text!r} is not a valid date ({exc})") from None
    return DateWindow(start, start + timedelta(seconds=1 if ss else 60))


def _single(text: str, now: datetime) -> DateWindow | None:
    """A time expression denoting one period (absolute or relative), or None."""
    t = text
    today = _truncate(now, "day")
    if t == "today":
        return DateWindow(today, today + timedelta(days=1))
    if t == "yesterday":
        return DateWindow(today - timedelta(days=1), today)
    if t == "tomorrow":
        return DateWindow(today + timedelta(days=1), today + timedelta(days=2))
    if t == "now":
        return DateWindow(now.replace(microsecond=0), now.replace(microsecond=0) + timedelta(seconds=1))
    if t in _WEEKDAYS:
        back = (today.weekday() - _WEEKDAYS.index(t)) % 7
        start = today - timedelta(days=back)
        return DateWindow(start, start + timedelta(days=1))
    m = re.fullmatch(rf"(this|last|next|previous) {_UNIT}", t)
    if m:
        unit = _UNITS[m.group(2)]
        if m.group(2) != unit:
            raise _Unparsable(f"write '{m.group(1)} {unit}' (singular)")
        cur = _truncate(now, unit)
        shift = {"this": 0, "last": -1, "previous": -1, "next": 1}[m.group(1)]
        start = _add(cur, shift, unit)
        return DateWindow(start, _add(start, 1, unit))
    m = re.fullmatch(rf"(?:last )?(\d+) complete {_UNIT}", t)
    if m:
        n, unit = int(m.group(1)), _UNITS[m.group(2)]
        cur = _truncate(now, unit)
        return DateWindow(_add(cur, -n, unit), cur)
    m = re.fullmatch(rf"(?:last |past )?(\d+) {_UNIT}", t)
    if m:
        n, unit = int(m.group(1)), _UNITS[m.group(2)]
        if n < 1:
            raise _Unparsable("the number of periods must be at least 1")
        cur = _truncate(now, unit)
        start = _add(cur, -(n - 1), unit)
        return DateWindow(start, _add(start, n, unit))
    m = re.fullmatch(rf"(\d+) {_UNIT} (ago|from now)", t)
    if m:
        n, unit = int(m.group(1)), _UNITS[m.group(2)]
        start = _add(_truncate(now, unit), -n if m.group(3) == "ago" else n, unit)
        return DateWindow(start, _add(start, 1, unit))
    return _absolute(t)


def _parse_date(
    text: str, now: datetime
) -> tuple[tuple[_Clause, ...], tuple[_Clause, ...], tuple[DateWindow, ...]]:
    t = re.sub(r"\s+", " ", text.strip().lower())
    if not t:
        return (), (), ()
    if t == "null":
        return (_Clause("null"),), (), ()
    if t in ("not null", "-null"):
        return (), (_Clause("null", negated=True),), ()
    windows: list[DateWindow] = []
    for piece in t.split(","):
        window = _date_range(piece.strip(), now)
        for bound in (window.start, window.end):
            if bound is not None and not EARLIEST <= bound <= LATEST:
                raise _Unparsable(
                    f"{piece.strip()!r} reaches {bound.year:04d}-{bound:%m-%d}: the filters handle {_RANGE_TEXT}"
                )
        windows.append(window)
    clauses = tuple(_Clause("window", window=w) for w in windows)
    return clauses, (), tuple(windows)


def _point(text: str, now: datetime, whole: str) -> datetime:
    w = _single(text, now)
    if w is None or w.start is None:
        raise _Unparsable(f"{text!r} in {whole!r} is not a date or a relative time such as '3 days ago'")
    return w.start


def _date_range(t: str, now: datetime) -> DateWindow:
    if not t:
        raise _Unparsable("empty value in the list")
    m = re.fullmatch(r"(before|after|on or after) (.+)", t)
    if m:
        point = _point(m.group(2), now, t)
        return DateWindow(None, point) if m.group(1) == "before" else DateWindow(point, None)
    m = re.fullmatch(rf"(.+?) for (\d+) {_UNIT}", t)
    if m:
        start = _point(m.group(1), now, t)
        n = int(m.group(2))
        if n < 1:
            raise _Unparsable("the duration must be at least 1")
        return DateWindow(start, _add(start, n, _UNITS[m.group(3)]))
    m = re.fullmatch(r"(.+?) (?:to|until) (.+)", t)
    if m:
        start = _point(m.group(1), now, t)
        end = _point(m.group(2), now, t)
        if end <= start:
            raise _Unparsable(f"the range ends ({m.group(2)!r}) before it starts ({m.group(1)!r})")
        return DateWindow(start, end)
    w = _single(t, now)
    if w is None:
        raise _Unparsable(
            "expected a date (2026-11-01), a range (2026-11-01 to 2026-11-08), 'before'/'after' a "
            "date, or a relative form such as '7 days', 'last week', 'this month', '2 weeks ago', "
            "'7 days ago for 7 days', 'NULL'"
        )
    return w
