"""Looker filter expressions -> SQL predicates: every documented form, checked two ways.

Each form's SQL is checked as text where the shape matters (``IN`` lists, NULL handling), and
every predicate is also *run* on DuckDB over a small table, so the test proves which values
the expression matches, not only what it prints.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.errors import BadInput
from looker_ops.lookml.filters import (
    DateWindow,
    filter_kind,
    parse_filter,
    sql_string,
    timestamp_literal,
)

REPO = Path(__file__).resolve().parents[2]
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


# --------------------------------------------------------------------------- out of the calendar


@pytest.mark.parametrize(
    ("kind", "expr", "reason"),
    [
        # relative periods that leave the calendar: these looped forever before
        ("date", "3000 years", "it reaches the year -973"),
        ("date", "2030 years", "it reaches the year -3"),
        ("date", "9000 years ago", "it reaches the year"),
        ("date", "99999 months", "it reaches the year"),
        ("date", "8000 years from now", "it reaches the year 10026"),
        # absolute dates and counts past what a timestamp holds: these raised OverflowError
        ("date", "9999-12-31", "out of range"),
        ("date", "0001-01-01 to 9999-12-31", "out of range"),
        ("date", "after 9999-12-31", "out of range"),
        ("date", "0999-12-31", "reaches 0999-12-31"),
        ("date", "99999999999999999999 days", "out of range"),
        ("date", "1" * 5000 + " days", "out of range"),  # past int()'s digit limit
        ("number", "1e999", "'1e999' is out of range for a number"),
        ("number", "[1e308,1e309]", "'1e309' is out of range for a number"),
        ("number", "-1e400 to 5", "out of range for a number"),
    ],
)
def test_out_of_range_is_bad_input_at_once(kind: str, expr: str, reason: str) -> None:
    with pytest.raises(BadInput) as info:
        parse_filter(expr, kind, name="cloudtrail_logs.event_date", now=NOW)
    assert "cloudtrail_logs.event_date" in info.value.message
    assert reason in info.value.message
    assert len(info.value.message) < 400  # a huge expression is shortened in the message
    assert info.value.exit_code == 2


def test_the_edges_of_the_range_still_work() -> None:
    first = parse_filter("1000-01-01", "date", now=NOW).window
    assert first == DateWindow(datetime(1000, 1, 1), datetime(1000, 1, 2))
    assert timestamp_literal(datetime(1000, 1, 1)) == "TIMESTAMP '1000-01-01 00:00:00'"
    last = parse_filter("9998", "date", now=NOW).window
    assert last == DateWindow(datetime(9998, 1, 1), datetime(9999, 1, 1))
    assert parse_filter("1e308", "number").sql("x") == "x = 1e308"
    with pytest.raises(BadInput, match="'now' \\(9999-12-31\\) is out of range"):
        parse_filter("7 days", "date", now=datetime(9999, 12, 31))


def test_month_arithmetic_clamps_to_the_month_end() -> None:
    w = parse_filter("2026-01-31 for 1 month", "date", now=NOW).window
    assert w == DateWindow(datetime(2026, 1, 31), datetime(2026, 2, 28))
    w = parse_filter("2028-01-31 for 1 month", "date", now=NOW).window
    assert w == DateWindow(datetime(2028, 1, 31), datetime(2028, 2, 29))


# --------------------------------------------------------------------------- fuzz


def _random_date_expression(rng: random.Random) -> str:
    """One random date filter expression built from the grammar's own words and numbers of
    every size (0, small, the calendar's edges, 20 digits), with random junk mixed in."""
    numbers = ["0", "1", "7", "12", "99", "999", "1000", "2030", "3000", "9000", "9999", "99999"]
    numbers += ["1" * rng.randint(5, 25), str(rng.randint(0, 10**6))]
    units = ["second", "minutes", "hour", "days", "week", "months", "quarter", "years", "fortnights"]

    def number() -> str:
        return rng.choice(numbers)

    def day() -> str:
        sep = rng.choice("-/")
        y = rng.choice(["0001", "0999", "1000", "1970", "2026", "9998", "9999", "10000", number()])
        parts = [
            y,
            rng.choice(["01", "02", "12", "13", "00", "31"]),
            rng.choice(["01", "28", "29", "31", "32"]),
        ]
        text = sep.join(parts[: rng.randint(1, 3)])
        return text + rng.choice(["", "", " 10:00", " 23:59:59", " 25:61"])

    def point() -> str:
        return rng.choice(
            [
                day(),
                f"{number()} {rng.choice(units)} ago",
                f"{number()} {rng.choice(units)} from now",
                rng.choice(["today", "yesterday", "tomorrow", "now", "monday", "sunday"]),
                f"{rng.choice(['this', 'last', 'next', 'previous'])} {rng.choice(units)}",
            ]
        )

    def piece() -> str:
        return rng.choice(
            [
                point(),
                f"{number()} {rng.choice(units)}",
                f"last {number()} complete {rng.choice(units)}",
                f"{point()} to {point()}",
                f"{point()} for {number()} {rng.choice(units)}",
                f"{rng.choice(['before', 'after', 'on or after'])} {point()}",
                rng.choice(["NULL", "not null", "-null", "", " "]),
                "".join(rng.choice("0123456789-/: ,abcz^%") for _ in range(rng.randint(1, 12))),
            ]
        )

    return ", ".join(piece() for _ in range(rng.choice([1, 1, 1, 2, 3])))


def test_fuzz_date_filters_end_quickly_with_the_projects_own_errors() -> None:
    """3,000 random date expressions (fixed seed): each one parses or raises BadInput, none
    raises anything else, none runs long (an alarm stops a hang instead of the CI job's limit)."""
    rng = random.Random(17)
    expressions = [_random_date_expression(rng) for _ in range(3000)]
    nows = [NOW, datetime(1000, 1, 1, tzinfo=UTC), datetime(9998, 12, 31, tzinfo=UTC)]

    def timed_out(signum: int, frame: object) -> None:
        raise TimeoutError("the date filter parser ran past its time bound")

    previous = signal.signal(signal.SIGALRM, timed_out)
    signal.alarm(60)  # the whole run takes about a second; a hang fails the test instead
    outcomes = {"ok": 0, "bad input": 0}
    slowest = (0.0, "")
    try:
        for i, expr in enumerate(expressions):
            started = time.perf_counter()
            try:
                parsed = parse_filter(expr, "date", name="fuzz", now=nows[i % len(nows)])
                parsed.sql("x")
                outcomes["ok"] += 1
            except BadInput as exc:
                assert exc.exit_code == 2 and "filter fuzz" in exc.message, expr
                outcomes["bad input"] += 1
            slowest = max(slowest, (time.perf_counter() - started, expr))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
    assert slowest[0] < 1.0, slowest
    # the generator reaches both outcomes in numbers (so the test exercises the parser)
    assert outcomes["ok"] > 300 and outcomes["bad input"] > 300, outcomes


def test_fuzz_number_filters_raise_only_bad_input() -> None:
    rng = random.Random(5)
    atoms = ["1", "-2.5", "1e308", "1e309", "-1e999", ".5", "inf", "-inf", "NULL", "x", "1e-400"]
    ok = 0
    for _ in range(1000):
        a, b = rng.choice(atoms), rng.choice(atoms)
        expr = rng.choice(
            [f"{a}", f"[{a}, {b}]", f"({a}, {b}]", f"{a} to {b}", f">{a} AND <{b}", f"NOT {a}, {b}", f">={a}"]
        )
        try:
            parse_filter(expr, "number", name="fuzz").sql("x")
            ok += 1
        except BadInput as exc:
            assert exc.exit_code == 2, expr
    assert ok > 100


def test_check_reports_an_out_of_range_default_value_instead_of_hanging(tmp_path: Path) -> None:
    """A dashboard ``default_value: 3000 years`` made ``check --no-sql`` loop forever."""
    shutil.copytree(REPO / "lookml_project", tmp_path / "lookml_project")
    shutil.copytree(REPO / "dashboards", tmp_path / "dashboards")
    board = tmp_path / "dashboards" / "cis_aws_foundations.dashboard.lookml"
    board.write_text(board.read_text().replace("default_value: 7 days", "default_value: 3000 years", 1))
    result = CliRunner().invoke(
        main,
        [
            "check",
            str(tmp_path / "lookml_project"),
            "--dashboards",
            str(tmp_path / "dashboards"),
            "--no-sql",
            "--no-cache",
        ],
    )
    assert result.exit_code == 1, result.output
    assert "REF012" in result.output
    assert "cannot read '3000 years' as a date filter expression: it reaches the year -973" in result.output
