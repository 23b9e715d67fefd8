"""The parsed form of a Looker filter expression and its SQL: :class:`ParsedFilter` of
:class:`Clause` objects, :class:`DateWindow` for date ranges, SQL literal helpers.

The grammars (:mod:`looker_ops.lookml.filters` for strings, numbers and yes/no,
:mod:`looker_ops.lookml.filter_dates` for dates and times) build these; nothing here parses.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

__all__ = [
    "EARLIEST",
    "LATEST",
    "RANGE_TEXT",
    "Clause",
    "DateWindow",
    "ParsedFilter",
    "Unparsable",
    "sql_string",
    "timestamp_literal",
]

# The times a date filter may reach (a window's bounds, ``now``): four-digit years, with room
# for a year-long window to end inside what Python's datetime and SQL timestamps can hold.
EARLIEST = datetime(1000, 1, 1)
LATEST = datetime(9999, 1, 1)
RANGE_TEXT = "dates from 1000-01-01 to 9999-01-01"


class Unparsable(Exception):
    """An expression its grammar does not accept; ``parse_filter`` turns it into BadInput."""


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
    positive: tuple[Clause, ...] = ()
    negative: tuple[Clause, ...] = ()
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
class Clause:
    """One clause: ``op`` over ``values`` (already SQL literals). ``negated`` for NOT clauses."""

    op: str  # eq, like, null, empty, cmp, and, or, range, window, true
    values: tuple[str, ...] = ()
    negated: bool = False
    parts: tuple[Clause, ...] = ()
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


def _render_positive(clauses: Sequence[Clause], expr: str) -> str | None:
    if not clauses:
        return None
    # Several exact string/number values: one IN list, as Looker writes it.
    eqs = [c for c in clauses if c.op == "eq"]
    others = [c.render(expr) for c in clauses if c.op != "eq"]
    if eqs:
        values = tuple(v for c in eqs for v in c.values)
        others.insert(0, Clause("eq", values).render(expr))
    return _or(others)
