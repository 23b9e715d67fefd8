"""Looker's measure types and dimension-group timeframes: one table each, read by every module
that needs to know what a type or timeframe is (its SQL, its filter grammar, the rules).

Measure types: whether the type aggregates rows in SQL (``sum``) or computes over other
measures or a single value (``number``, ``percent_of_total``), whether its value is a number
(what alerts can watch, and the number filter grammar), and whether a join fan-out makes it
wrong (the types symmetric aggregates exist for).

Timeframes (``dimension_group: { type: time }``): the filter grammar each one's field takes
(``date``, ``number`` or ``string``) and what its SQL value is: a point in time (``time``), a
``number`` (``hour_of_day``, ``year``...) or ``text`` (``day_of_week``, ``month_name``,
``time_of_day``). The names follow Looker's dimension_group reference: ``hourX`` for X in
2, 3, 4, 6, 8, 12; ``minuteX`` for 2, 3, 4, 5, 6, 10, 12, 15, 20, 30; ``millisecondX`` for the
divisors of 1000 from 2 to 500. A ``year`` or ``fiscal_year`` filter is read as a date
(``2024``), though its value is a number.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "AGGREGATE_TYPES",
    "DATE_TIMEFRAMES",
    "DEFAULT_TIMEFRAMES",
    "DURATION_INTERVALS",
    "FANOUT_SENSITIVE",
    "MEASURE_TYPES",
    "NON_AGG_MEASURE_TYPES",
    "NUMBER_TIMEFRAMES",
    "NUMBER_VALUE_TIMEFRAMES",
    "NUMERIC_MEASURE_TYPES",
    "TEXT_TIMEFRAMES",
    "TIMEFRAMES",
    "MeasureType",
    "Timeframe",
]


class MeasureType(NamedTuple):
    aggregate: bool  # aggregates rows in SQL (else computed over other measures or one value)
    numeric: bool  # its value is a number
    fanout_sensitive: bool  # wrong under a join fan-out without symmetric aggregates


MEASURE_TYPES: dict[str, MeasureType] = {
    "average": MeasureType(True, True, True),
    "average_distinct": MeasureType(True, True, True),
    "count": MeasureType(True, True, False),
    "count_distinct": MeasureType(True, True, False),
    "date": MeasureType(False, False, False),
    "int": MeasureType(False, True, False),
    "list": MeasureType(True, False, False),
    "max": MeasureType(True, True, False),
    "median": MeasureType(True, True, True),
    "median_distinct": MeasureType(True, True, True),
    "min": MeasureType(True, True, False),
    "number": MeasureType(False, True, False),
    "percent_of_previous": MeasureType(False, True, False),
    "percent_of_total": MeasureType(False, True, False),
    "percentile": MeasureType(True, True, True),
    "percentile_distinct": MeasureType(True, True, True),
    "running_total": MeasureType(False, True, False),
    "string": MeasureType(False, False, False),
    "sum": MeasureType(True, True, True),
    "sum_distinct": MeasureType(True, True, True),
    "yesno": MeasureType(False, False, False),
}
AGGREGATE_TYPES = frozenset(t for t, m in MEASURE_TYPES.items() if m.aggregate)
NON_AGG_MEASURE_TYPES = frozenset(t for t, m in MEASURE_TYPES.items() if not m.aggregate)
NUMERIC_MEASURE_TYPES = frozenset(t for t, m in MEASURE_TYPES.items() if m.numeric)
FANOUT_SENSITIVE = frozenset(t for t, m in MEASURE_TYPES.items() if m.fanout_sensitive)


class Timeframe(NamedTuple):
    filter_kind: str  # the filter grammar: date, number or string
    value: str  # the SQL value: time (a point in time), number or text


_POINT = Timeframe("date", "time")
_NUMBER = Timeframe("number", "number")

TIMEFRAMES: dict[str, Timeframe] = {
    "raw": _POINT,
    "time": _POINT,
    "time_of_day": Timeframe("date", "text"),
    "date": _POINT,
    "week": _POINT,
    "month": _POINT,
    "quarter": _POINT,
    "year": Timeframe("date", "number"),
    "hour": _POINT,
    **{f"hour{n}": _POINT for n in (2, 3, 4, 6, 8, 12)},
    "minute": _POINT,
    **{f"minute{n}": _POINT for n in (2, 3, 4, 5, 6, 10, 12, 15, 20, 30)},
    "second": _POINT,
    "millisecond": _POINT,
    **{f"millisecond{n}": _POINT for n in (2, 4, 5, 8, 10, 20, 25, 40, 50, 100, 125, 200, 250, 500)},
    "microsecond": _POINT,
    "hour_of_day": _NUMBER,
    "day_of_week": Timeframe("string", "text"),
    "day_of_week_index": _NUMBER,
    "day_of_month": _NUMBER,
    "day_of_year": _NUMBER,
    "week_of_year": _NUMBER,
    "month_name": Timeframe("string", "text"),
    "month_num": _NUMBER,
    "quarter_of_year": _NUMBER,
    "fiscal_month_num": _NUMBER,
    "fiscal_quarter": _POINT,
    "fiscal_quarter_of_year": _NUMBER,
    "fiscal_year": Timeframe("date", "number"),
}
DATE_TIMEFRAMES = frozenset(t for t, tf in TIMEFRAMES.items() if tf.filter_kind == "date")
"""Timeframes filtered with the date grammar."""
NUMBER_TIMEFRAMES = frozenset(t for t, tf in TIMEFRAMES.items() if tf.filter_kind == "number")
"""Timeframes filtered with the number grammar."""
NUMBER_VALUE_TIMEFRAMES = frozenset(t for t, tf in TIMEFRAMES.items() if tf.value == "number")
"""Timeframes whose SQL value is a number (``year`` too)."""
TEXT_TIMEFRAMES = frozenset(t for t, tf in TIMEFRAMES.items() if tf.value == "text")
"""Timeframes whose SQL value is text."""

DEFAULT_TIMEFRAMES = ("raw", "time", "date", "week", "month", "quarter", "year")
"""What a time dimension group without ``timeframes:`` creates."""
DURATION_INTERVALS = ("day", "hour", "minute", "month", "quarter", "second", "week", "year")
"""What a duration dimension group without ``intervals:`` creates."""
