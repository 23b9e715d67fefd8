"""The one table of measure types and timeframes, and what reads it: the filter grammar, the
SQL of each timeframe, the fan-out rule's and the alerts' sets."""

from __future__ import annotations

import re

import pytest

from looker_ops.lookml.conditions import timeframe_sql
from looker_ops.lookml.field_types import (
    AGGREGATE_TYPES,
    FANOUT_SENSITIVE,
    NUMERIC_MEASURE_TYPES,
    TIMEFRAMES,
)
from looker_ops.lookml.filters import filter_kind


def test_every_timeframe_has_its_own_sql() -> None:
    """No timeframe of the table falls through to the raw timestamp (only ``raw`` is it)."""
    raw = "t.ts"
    assert [tf for tf in TIMEFRAMES if tf != "raw" and timeframe_sql(raw, tf) == raw] == []


def test_the_bucketed_timeframes_are_looker_s() -> None:
    """hourX, minuteX and millisecondX: X divides the next unit up (millisecond5 included)."""
    for unit, whole in (("hour", 24), ("minute", 60), ("millisecond", 1000)):
        steps = sorted(int(m.group(1)) for tf in TIMEFRAMES if (m := re.fullmatch(rf"{unit}(\d+)", tf)))
        assert steps and all(whole % n == 0 for n in steps), unit
    assert "millisecond5" in TIMEFRAMES


@pytest.mark.parametrize(
    ("field_type", "timeframe", "kind"),
    [
        (None, "millisecond5", "date"),
        (None, "year", "date"),  # filtered as a date (2024), though its value is a number
        (None, "hour_of_day", "number"),
        (None, "fiscal_month_num", "number"),
        (None, "day_of_week", "string"),
        ("date_month", None, "date"),
        ("date_hour_of_day", None, "number"),  # a timeframe as a type takes the timeframe's grammar
        ("date_day_of_week", None, "string"),
        ("percent_of_previous", None, "number"),
        ("sum_distinct", None, "number"),
        ("list", None, "string"),
    ],
)
def test_filter_grammar_follows_the_table(field_type: str | None, timeframe: str | None, kind: str) -> None:
    assert filter_kind(field_type, timeframe) == kind


def test_measure_sets_read_the_table() -> None:
    assert FANOUT_SENSITIVE <= AGGREGATE_TYPES & NUMERIC_MEASURE_TYPES
    assert "count" not in FANOUT_SENSITIVE and "sum" in FANOUT_SENSITIVE
    assert "list" in AGGREGATE_TYPES and "list" not in NUMERIC_MEASURE_TYPES
