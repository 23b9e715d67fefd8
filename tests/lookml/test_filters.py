"""Looker filter expressions -> SQL predicates: every documented form, checked two ways.

Each form's SQL is checked as text where the shape matters (``IN`` lists, NULL handling), and
every predicate is also *run* on DuckDB over a small table, so the test proves which values
the expression matches, not only what it prints.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

import duckdb
import pytest

from looker_ops.errors import BadInput
from looker_ops.lookml.filters import (
    DateWindow,
    filter_kind,
    parse_filter,
    sql_string,
    timestamp_literal,
)

NOW = datetime(2026, 11, 20, 12, 0, 0, tzinfo=UTC)  # a Friday
T = TypeVar("T")

WORDS = [
    "FOO",
    "BAR",
    "food",
    "FOOD",
    "buffoon",
    "fast food",
    "buffoo",
    "FOOLISH",
    "F%OD",
    "-FOO",
    "a,b",
    "",
    None,
]
NUMBERS = [None, -5, 0, 1, 3, 4, 5, 5.5, 7, 10, 12, 66, 99, 100, 500, 1000]


def _matching(expr: str, kind: str, column_type: str, values: list[T]) -> list[T]:
    """The values the filter keeps when DuckDB runs its SQL over a column of them, in order."""
    sql = parse_filter(expr, kind, name=kind[0]).sql("v") or "TRUE"
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t (i INTEGER, v {column_type})")
    con.executemany("INSERT INTO t VALUES (?, ?)", list(enumerate(values)))
    rows = con.execute(f"SELECT i FROM t WHERE {sql} ORDER BY i").fetchall()
    return [values[i] for (i,) in rows]


def _strings_matching(expr: str) -> list[str | None]:
    return _matching(expr, "string", "VARCHAR", WORDS)


def _numbers_matching(expr: str) -> list[float | None]:
    return _matching(expr, "number", "DOUBLE", NUMBERS)


# --------------------------------------------------------------------------- strings


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("FOO", ["FOO"]),
        ("FOO,BAR", ["FOO", "BAR"]),
        ("FOO, BAR", ["FOO", "BAR"]),
        ("%FOO%", ["FOO", "FOOD", "FOOLISH", "-FOO"]),
        ("%foo%", ["food", "buffoon", "fast food", "buffoo"]),
        ("FOO%", ["FOO", "FOOD", "FOOLISH"]),
        ("%foo", ["buffoo"]),
        ("f%od", ["food", "fast food"]),
        ("_uffoo", ["buffoo"]),
        (
            "-FOO",
            [
                "BAR",
                "food",
                "FOOD",
                "buffoon",
                "fast food",
                "buffoo",
                "FOOLISH",
                "F%OD",
                "-FOO",
                "a,b",
                "",
                None,
            ],
        ),
        (
            "-FOO,-BAR",
            ["food", "FOOD", "buffoon", "fast food", "buffoo", "FOOLISH", "F%OD", "-FOO", "a,b", "", None],
        ),
        ("-%foo%", ["FOO", "BAR", "FOOD", "FOOLISH", "F%OD", "-FOO", "a,b", "", None]),
        ("-FOO%", ["BAR", "food", "buffoon", "fast food", "buffoo", "F%OD", "-FOO", "a,b", "", None]),
        ("FOO%,-FOOD", ["FOO", "FOOLISH"]),
        ("FOO%,BAR", ["FOO", "BAR", "FOOD", "FOOLISH"]),
        ("NULL", [None]),
        ("-NULL", [w for w in WORDS if w is not None]),
        ("EMPTY", ["", None]),
        ("-EMPTY", [w for w in WORDS if w]),
        ("F^%OD", ["F%OD"]),
        ("^-FOO", ["-FOO"]),
        ("a^,b", ["a,b"]),
        ('"a,b"', ["a,b"]),
        ("", WORDS),
    ],
)
def test_string_forms_match_the_documented_values(expr: str, expected: list[str | None]) -> None:
    assert _strings_matching(expr) == expected


def test_string_sql_shapes() -> None:
    assert parse_filter("FOO,BAR", "string").sql("x") == "x IN ('FOO', 'BAR')"
    assert parse_filter("-FOO", "string").sql("x") == "(x <> 'FOO' OR x IS NULL)"
    assert parse_filter("-FOO,-BAR", "string").sql("x") == "(x NOT IN ('FOO', 'BAR') OR x IS NULL)"
    assert parse_filter("O'Brien", "string").sql("x") == "x = 'O''Brien'"
    assert parse_filter("access denied", "string").sql("x") == "x = 'access denied'"
    assert parse_filter("50^%%", "string").sql("x") == "x LIKE '50\\%%' ESCAPE '\\'"
    assert parse_filter("", "string").sql("x") is None
    assert parse_filter("  ", "string").is_empty


def test_escaped_wildcard_is_literal_when_run() -> None:
    # '^%' inside a LIKE pattern must match a literal percent sign only.
    con = duckdb.connect()
    con.execute("CREATE TABLE t (v VARCHAR)")
    con.executemany("INSERT INTO t VALUES (?)", [("50% off",), ("500 off",), ("50_off",)])
    sql = parse_filter("50^%%", "string").sql("v")
    assert con.execute(f"SELECT v FROM t WHERE {sql}").fetchall() == [("50% off",)]
    sql = parse_filter("50^_%", "string").sql("v")
    assert con.execute(f"SELECT v FROM t WHERE {sql}").fetchall() == [("50_off",)]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("5", [5]),
        ("=5", [5]),
        ("NOT 5", [n for n in NUMBERS if n != 5]),
        ("<>5", [n for n in NUMBERS if n != 5]),
        ("!=5", [n for n in NUMBERS if n != 5]),
        (">5", [5.5, 7, 10, 12, 66, 99, 100, 500, 1000]),
        (">=5", [5, 5.5, 7, 10, 12, 66, 99, 100, 500, 1000]),
        ("<1", [-5, 0]),
        ("<=1", [-5, 0, 1]),
        ("1, 3, 5, 7", [1, 3, 5, 7]),
        ("NOT 66, 99, 4", [n for n in NUMBERS if n not in (66, 99, 4)]),
        ("5.5 to 10", [5.5, 7, 10]),
        ("1 to", [1, 3, 4, 5, 5.5, 7, 10, 12, 66, 99, 100, 500, 1000]),
        ("to 3", [-5, 0, 1, 3]),
        ("NOT 3 to 80.44", [None, -5, 0, 1, 99, 100, 500, 1000]),
        (">1 AND <10", [3, 4, 5, 5.5, 7]),
        ("<0 OR >500", [-5, 1000]),
        ("[1, 10]", [1, 3, 4, 5, 5.5, 7, 10]),
        ("(1, 10)", [3, 4, 5, 5.5, 7]),
        ("(1, 10]", [3, 4, 5, 5.5, 7, 10]),
        ("[5, 7)", [5, 5.5]),
        ("(500, inf)", [1000]),
        ("(-inf, 0]", [-5, 0]),
        ("[0, 1], [99, 100]", [0, 1, 99, 100]),
        ("NOT (1, 100)", [None, -5, 0, 1, 100, 500, 1000]),
        ("NULL", [None]),
        ("NOT NULL", [n for n in NUMBERS if n is not None]),
        ("1, NULL", [None, 1]),
        ("", NUMBERS),
    ],
)
def test_number_forms(expr: str, expected: list[float | None]) -> None:
    assert _numbers_matching(expr) == expected


def test_number_sql_shapes() -> None:
    assert parse_filter("1, 3, 5", "number").sql("n") == "n IN (1, 3, 5)"
    assert parse_filter("NOT 5", "number").sql("n") == "(n <> 5 OR n IS NULL)"
    assert parse_filter("[1, 10]", "number").sql("n") == "(n >= 1 AND n <= 10)"
    assert parse_filter("NOT NULL", "number").sql("n") == "n IS NOT NULL"


# --------------------------------------------------------------------------- yesno


def test_yesno() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (i INTEGER, v INTEGER)")
    con.executemany("INSERT INTO t VALUES (?, ?)", [(0, 1), (1, 2), (2, None)])
    yes = parse_filter("Yes", "yesno").sql("v = 1")
    no = parse_filter("no", "yesno").sql("v = 1")
    assert con.execute(f"SELECT i FROM t WHERE {yes}").fetchall() == [(0,)]
    # "No" keeps the rows where the condition is NULL, as Looker's yesno (CASE ... ELSE 'No') does.
    assert sorted(con.execute(f"SELECT i FROM t WHERE {no}").fetchall()) == [(1,), (2,)]
    assert parse_filter("", "yesno").sql("v") is None


# --------------------------------------------------------------------------- dates


def _w(expr: str) -> tuple[str | None, str | None]:
    w = parse_filter(expr, "date", name="d", now=NOW).window
    assert w is not None
    fmt = "%Y-%m-%d %H:%M"
    return (
        w.start.strftime(fmt) if w.start else None,
        w.end.strftime(fmt) if w.end else None,
    )


@pytest.mark.parametrize(
    ("expr", "start", "end"),
    [
        ("today", "2026-11-20 00:00", "2026-11-21 00:00"),
        ("yesterday", "2026-11-19 00:00", "2026-11-20 00:00"),
        ("tomorrow", "2026-11-21 00:00", "2026-11-22 00:00"),
        ("7 days", "2026-11-14 00:00", "2026-11-21 00:00"),
        ("last 7 days", "2026-11-14 00:00", "2026-11-21 00:00"),
        ("1 day", "2026-11-20 00:00", "2026-11-21 00:00"),
        ("3 hours", "2026-11-20 10:00", "2026-11-20 13:00"),
        ("30 minutes", "2026-11-20 11:31", "2026-11-20 12:01"),
        ("last 3 complete days", "2026-11-17 00:00", "2026-11-20 00:00"),
        ("this week", "2026-11-16 00:00", "2026-11-23 00:00"),
        ("last week", "2026-11-09 00:00", "2026-11-16 00:00"),
        ("next week", "2026-11-23 00:00", "2026-11-30 00:00"),
        ("this month", "2026-11-01 00:00", "2026-12-01 00:00"),
        ("last month", "2026-10-01 00:00", "2026-11-01 00:00"),
        ("next month", "2026-12-01 00:00", "2027-01-01 00:00"),
        ("this quarter", "2026-10-01 00:00", "2027-01-01 00:00"),
        ("last quarter", "2026-07-01 00:00", "2026-10-01 00:00"),
        ("this year", "2026-01-01 00:00", "2027-01-01 00:00"),
        ("last year", "2025-01-01 00:00", "2026-01-01 00:00"),
        ("last 3 months", "2026-09-01 00:00", "2026-12-01 00:00"),
        ("3 months", "2026-09-01 00:00", "2026-12-01 00:00"),
        ("2 weeks ago", "2026-11-02 00:00", "2026-11-09 00:00"),
        ("3 days ago", "2026-11-17 00:00", "2026-11-18 00:00"),
        ("7 days ago for 7 days", "2026-11-13 00:00", "2026-11-20 00:00"),
        ("3 months ago for 2 months", "2026-08-01 00:00", "2026-10-01 00:00"),
        ("2 days from now", "2026-11-22 00:00", "2026-11-23 00:00"),
        ("2 days from now for 3 days", "2026-11-22 00:00", "2026-11-25 00:00"),
        ("monday", "2026-11-16 00:00", "2026-11-17 00:00"),
        ("friday", "2026-11-20 00:00", "2026-11-21 00:00"),
        ("2026-11-01", "2026-11-01 00:00", "2026-11-02 00:00"),
        ("2026/11/01", "2026-11-01 00:00", "2026-11-02 00:00"),
        ("2026-11", "2026-11-01 00:00", "2026-12-01 00:00"),
        ("2026", "2026-01-01 00:00", "2027-01-01 00:00"),
        ("2026-11-01 10:30", "2026-11-01 10:30", "2026-11-01 10:31"),
        ("2026-11-01 to 2026-11-08", "2026-11-01 00:00", "2026-11-08 00:00"),
        ("2026/11/01 to 2026/11/08", "2026-11-01 00:00", "2026-11-08 00:00"),
        ("2026-11-01 10:00 to 2026-11-01 12:00", "2026-11-01 10:00", "2026-11-01 12:00"),
        ("2026-11-01 for 3 days", "2026-11-01 00:00", "2026-11-04 00:00"),
        ("2026-11-01 10:00 for 5 hours", "2026-11-01 10:00", "2026-11-01 15:00"),
        ("before 2026-11-01", None, "2026-11-01 00:00"),
        ("after 2026-11-01", "2026-11-01 00:00", None),
        ("before 3 days ago", None, "2026-11-17 00:00"),
        ("after 2 weeks ago", "2026-11-02 00:00", None),
        ("NULL", None, None),
        ("NOT NULL", None, None),
        ("", None, None),
        ("  LAST   Week ", "2026-11-09 00:00", "2026-11-16 00:00"),
    ],
)
def test_date_forms_windows(expr: str, start: str | None, end: str | None) -> None:
    assert _w(expr) == (start, end)


def test_date_month_arithmetic_crosses_years() -> None:
    jan = datetime(2027, 1, 15, tzinfo=UTC)
    w = parse_filter("last month", "date", now=jan).window
    assert w == DateWindow(datetime(2026, 12, 1), datetime(2027, 1, 1))
    w = parse_filter("last 3 quarters", "date", now=jan).window
    assert w == DateWindow(datetime(2026, 7, 1), datetime(2027, 4, 1))


def test_date_sql_runs_half_open() -> None:
    con = duckdb.connect()
    con.execute("CREATE TABLE t (ts TIMESTAMP)")
    stamps = ["2026-11-13 23:59:59", "2026-11-14 00:00:00", "2026-11-20 23:59:59", "2026-11-21 00:00:00"]
    con.executemany("INSERT INTO t VALUES (CAST(? AS TIMESTAMP))", [(s,) for s in stamps])
    con.execute("INSERT INTO t VALUES (NULL)")
    sql = parse_filter("7 days", "date", now=NOW).sql("ts")
    got = [str(r[0]) for r in con.execute(f"SELECT ts FROM t WHERE {sql} ORDER BY ts").fetchall()]
    assert got == ["2026-11-14 00:00:00", "2026-11-20 23:59:59"]
    assert con.execute(
        f"SELECT count(*) FROM t WHERE {parse_filter('NULL', 'date').sql('ts')}"
    ).fetchone() == (1,)
    sql = parse_filter("NOT NULL", "date").sql("ts")
    assert con.execute(f"SELECT count(*) FROM t WHERE {sql}").fetchone() == (4,)
    sql = parse_filter("before 2026-11-14", "date").sql("ts")
    assert con.execute(f"SELECT count(*) FROM t WHERE {sql}").fetchone() == (1,)


def test_date_list_is_an_or_and_window_covers_both() -> None:
    f = parse_filter("2026-11-01, 2026-11-05", "date", now=NOW)
    assert f.window == DateWindow(datetime(2026, 11, 1), datetime(2026, 11, 6))
    assert " OR " in (f.sql("t") or "")


def test_timestamp_literal() -> None:
    assert timestamp_literal(datetime(2026, 11, 14)) == "TIMESTAMP '2026-11-14 00:00:00'"
    assert timestamp_literal(datetime(2026, 11, 14, 1, 2, 3, tzinfo=UTC)) == "TIMESTAMP '2026-11-14 01:02:03'"
    assert timestamp_literal(None) == "NULL"
    assert sql_string("it's") == "'it''s'"


def test_window_days() -> None:
    w = parse_filter("7 days", "date", now=NOW).window
    assert w is not None and w.days() is not None
    assert (w.days() or [])[0].isoformat() == "2026-11-14"
    assert len(w.days() or []) == 7
    assert DateWindow(None, datetime(2026, 1, 1)).days() is None


def test_now_defaults_to_the_clock(pinned_clock: Any) -> None:
    """Without an explicit now, "today" is the product's clock (pinned here, never the wall's)."""
    pinned_clock(datetime(2031, 2, 3, 4, 5, tzinfo=UTC))
    w = parse_filter("today", "date").window
    assert w is not None and w.start is not None
    assert w.start == datetime(2031, 2, 3, tzinfo=UTC).replace(tzinfo=w.start.tzinfo)


# --------------------------------------------------------------------------- kinds


@pytest.mark.parametrize(
    ("ftype", "timeframe", "kind"),
    [
        ("string", None, "string"),
        ("number", None, "number"),
        ("count", None, "number"),
        ("count_distinct", None, "number"),
        ("yesno", None, "yesno"),
        ("time", "date", "date"),
        ("time", "week", "date"),
        ("time", "raw", "date"),
        ("time", "hour_of_day", "number"),
        ("time", "day_of_week", "string"),
        ("date", None, "date"),
        ("date_date", None, "date"),
        ("tier", None, "string"),
        (None, None, "string"),
    ],
)
def test_filter_kind(ftype: str | None, timeframe: str | None, kind: str) -> None:
    assert filter_kind(ftype, timeframe) == kind


# --------------------------------------------------------------------------- bad expressions


@pytest.mark.parametrize(
    ("kind", "expr", "reason"),
    [
        ("string", "-", "must be followed by a value"),
        ("string", "FOO,,BAR", "empty value"),
        ("string", "FOO^", "escapes nothing"),
        ("string", '"FOO', "unbalanced double quote"),
        ("number", "abc", "is not a number"),
        ("number", "[1,", "is not a number"),
        ("number", "5 to x", "is not a number"),
        ("number", "1,,2", "empty value"),
        ("yesno", "maybe", "Yes or No"),
        ("date", "fortnight", "expected a date"),
        ("date", "2026-13-01", "not a valid date"),
        ("date", "2026-02-30", "not a valid date"),
        ("date", "2026-11-08 to 2026-11-01", "before it starts"),
        ("date", "before someday", "is not a date"),
        ("date", "this weeks", "singular"),
        ("date", "0 days", "at least 1"),
        ("date", "2026-11-01 for 0 days", "at least 1"),
    ],
)
def test_bad_expressions_name_the_filter_and_the_expression(kind: str, expr: str, reason: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_filter(expr, kind, name="cloudtrail_logs.event_date", now=NOW)
    msg = str(info.value)
    assert "cloudtrail_logs.event_date" in msg
    assert repr(expr) in msg
    assert reason in msg
    assert info.value.exit_code == 2


def test_unknown_kind_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        parse_filter("x", "blob")
