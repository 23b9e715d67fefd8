"""The explore query compiler: joins, always_filter, Liquid, WHERE/HAVING, sorts, pivots, limits.

Runs on a small fixture project (tests/preview/project: a templated filter, a parameter, two
derived-table joins, one reached only through the other) over generated logs, and checks the
results against counts computed in Python from the JSON records.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from looker_ops.engines.local import LocalEngine
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Project
from looker_ops.lookml.query import (
    CompiledQuery,
    PinnedFilterCompiler,
    QueryColumn,
    QueryError,
    QuerySpec,
    compile_query,
    default_sorts,
    pivot_rows,
)
from looker_ops.sample_data.generate import generate
from tests.preview import oracle
from tests.preview.oracle import Event

HERE = Path(__file__).resolve().parents[1] / "preview"
NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("logs")
    generate(root, days=6, seed=5, end=dt.date(2026, 11, 20))
    return root


@pytest.fixture(scope="module")
def events(data: Path) -> list[Event]:
    return oracle.load(data)


@pytest.fixture(scope="module")
def project() -> Project:
    p = load_project(HERE / "project", dashboard_dirs=[HERE / "dashboards"], cache_dir=None)
    assert not p.problems, p.problems
    return p


@pytest.fixture(scope="module")
def engine(data: Path) -> Iterator[LocalEngine]:
    with LocalEngine(data) as e:
        yield e


def q(project: Project, fields: list[str], **kw: Any) -> CompiledQuery:
    return compile_query(project, QuerySpec("preview_fixture", "events", fields, **kw), now=NOW)


def run(engine: LocalEngine, cq: CompiledQuery) -> list[tuple[Any, ...]]:
    return engine.query(cq.sql).rows


# --------------------------------------------------------------------------- joins


def test_only_the_joins_the_query_needs(project: Project) -> None:
    assert q(project, ["events.event_name", "events.count"]).joins == []
    assert "JOIN" not in q(project, ["events.count"]).sql
    assert q(project, ["callers.team", "events.count"]).joins == ["callers"]
    # caller_teams is reached through callers: both joins, callers first.
    cq = q(project, ["caller_teams.team_title", "events.count"])
    assert cq.joins == ["callers", "caller_teams"]
    assert cq.sql.index("AS callers") < cq.sql.index("AS caller_teams")
    # A filter on a joined field needs the join even when the field is not selected.
    assert q(project, ["events.count"], filters={"callers.team": "security"}).joins == ["callers"]


def test_joined_fields_give_the_right_numbers(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    cq = q(project, ["caller_teams.team_title", "events.count"])
    got = dict(run(engine, cq))
    window = oracle.in_window(events, dt.datetime(2026, 11, 18), dt.datetime(2026, 11, 21))
    teams = {"ci-deployer": "Platform Engineering", "alice": "Security"}
    expected = Counter(teams.get(e.ident.get("userName") or "") for e in window)
    assert got == dict(expected)


# --------------------------------------------------------------------------- always_filter, Liquid


def test_always_filter_default_and_its_override(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    cq = q(project, ["events.count"])
    assert cq.filters == {"events.event_date": "3 days"}
    assert "TIMESTAMP '2026-11-18 00:00:00'" in cq.sql and "TIMESTAMP '2026-11-21 00:00:00'" in cq.sql
    assert run(engine, cq) == [
        (len(oracle.in_window(events, dt.datetime(2026, 11, 18), dt.datetime(2026, 11, 21))),)
    ]
    cq = q(project, ["events.count"], filters={"events.event_date": "2026-11-16"})
    assert cq.filters == {"events.event_date": "2026-11-16"}
    assert "3 days" not in str(cq.filters)
    assert run(engine, cq) == [
        (len(oracle.in_window(events, dt.datetime(2026, 11, 16), dt.datetime(2026, 11, 17))),)
    ]
    result = engine.query(cq.sql)
    assert result.files_scanned == len(oracle.files_between(events, "2026/11/16", "2026/11/16"))


def test_date_start_and_date_end_render_timestamps_or_null(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    cq = q(project, ["events.count"], filters={"events.event_date": "after 2026-11-19"})
    assert "CAST(TIMESTAMP '2026-11-19 00:00:00' AS TIMESTAMP)" in cq.sql
    assert "CAST(NULL AS TIMESTAMP)" in cq.sql  # the open end
    result = engine.query(cq.sql)
    assert result.rows == [(len([e for e in events if e.time >= dt.datetime(2026, 11, 19)]),)]
    assert result.files_scanned == len(oracle.files_between(events, "2026/11/19", "9999/99/99"))
    assert result.partition_filter is not None and "events.dt" in result.partition_filter


def test_condition_tag_renders_the_templated_filter(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    cq = q(
        project,
        ["events.name_matches", "events.count"],
        filters={"events.name_filter": "Describe%,-DescribeInstances"},
    )
    assert "LIKE 'Describe%'" in cq.sql
    # The templated filter itself adds no WHERE clause (it has no sql of its own).
    assert "LIKE" not in cq.sql.split("WHERE", 1)[1]
    window = oracle.in_window(events, dt.datetime(2026, 11, 18), dt.datetime(2026, 11, 21))

    def matches(e: Event) -> bool:
        name = e.get("eventName")
        return name.startswith("Describe") and name != "DescribeInstances"

    expected = Counter("Yes" if matches(e) else "No" for e in window)
    assert expected["Yes"] > 0
    assert dict(run(engine, cq)) == dict(expected)
    # Without a value the condition is 1=1 (every row matches).
    cq = q(project, ["events.name_matches", "events.count"])
    assert "1=1" in cq.sql
    assert dict(run(engine, cq)) == {"Yes": len(window)}


def test_parameter_tag_default_and_value(project: Project, engine: LocalEngine, events: list[Event]) -> None:
    window = oracle.in_window(events, dt.datetime(2026, 11, 18), dt.datetime(2026, 11, 21))
    for value, spec_kw in (
        ("us-east-1", {}),
        ("eu-west-1", {"parameters": {"events.region_choice": "eu-west-1"}}),
        ("eu-west-1", {"filters": {"events.region_choice": "eu-west-1"}}),  # a dashboard filter on it
    ):
        cq = q(project, ["events.in_chosen_region", "events.count"], **spec_kw)
        assert f"= '{value}'" in cq.sql
        expected = Counter("Yes" if e.get("awsRegion") == value else "No" for e in window)
        assert dict(run(engine, cq)) == dict(expected), value


# --------------------------------------------------------------------------- WHERE / HAVING


def test_measure_filters_go_to_having(project: Project, engine: LocalEngine, events: list[Event]) -> None:
    cq = q(project, ["events.event_name", "events.count"], filters={"events.count": ">20"})
    _where, having = cq.sql.split("HAVING", 1)
    assert "COUNT(DISTINCT events.eventid) > 20" in having
    window = oracle.in_window(events, dt.datetime(2026, 11, 18), dt.datetime(2026, 11, 21))
    expected = {k: v for k, v in Counter(e.get("eventName") for e in window).items() if v > 20}
    assert expected
    assert dict(run(engine, cq)) == expected


def test_dimension_filters_of_each_type(project: Project, engine: LocalEngine, events: list[Event]) -> None:
    window = oracle.in_window(events, dt.datetime(2026, 11, 18), dt.datetime(2026, 11, 21))
    cq = q(project, ["events.count"], filters={"events.event_hour_of_day": "[9, 17)"})
    assert run(engine, cq) == [(sum(1 for e in window if 9 <= e.time.hour < 17),)]
    cq = q(project, ["events.count"], filters={"events.in_chosen_region": "No"})
    assert run(engine, cq) == [(sum(1 for e in window if e.get("awsRegion") != "us-east-1"),)]
    cq = q(
        project,
        ["events.count"],
        filters={"events.error_code": "-NULL", "events.region": "eu-west-1,us-east-1"},
    )
    assert run(engine, cq) == [
        (sum(1 for e in window if e.get("errorCode") and e.get("awsRegion") in ("eu-west-1", "us-east-1")),)
    ]
    cq = q(project, ["events.count"], filters={"events.event_time": "2026-11-19 10:00 to 2026-11-19 14:00"})
    lo, hi = dt.datetime(2026, 11, 19, 10), dt.datetime(2026, 11, 19, 14)
    assert run(engine, cq) == [(sum(1 for e in events if lo <= e.time < hi),)]


# --------------------------------------------------------------------------- sorts, limits, pivots


def test_sorts_and_limits(project: Project, engine: LocalEngine) -> None:
    cq = q(
        project,
        ["events.event_name", "events.count"],
        sorts=["events.count desc", "events.event_name"],
        limit=3,
    )
    assert cq.sql.rstrip().endswith("ORDER BY 2 DESC, 1\nLIMIT 3")
    rows = run(engine, cq)
    assert len(rows) == 3 and [r[1] for r in rows] == sorted((r[1] for r in rows), reverse=True)
    assert q(project, ["events.event_name"]).sql.rstrip().endswith("LIMIT 500")
    # Looker's default sort: a time dimension descending, else the first measure descending.
    assert re.search(r"ORDER BY 1 DESC\s+LIMIT", q(project, ["events.event_date", "events.count"]).sql)
    assert re.search(r"ORDER BY 2 DESC\s+LIMIT", q(project, ["events.region", "events.count"]).sql)
    assert re.search(r"ORDER BY 1\s+LIMIT", q(project, ["events.region"]).sql)
    with pytest.raises(QueryError, match="not one of the query's fields"):
        q(project, ["events.region"], sorts=["events.count desc"])


def test_default_sorts_rules() -> None:
    time = QueryColumn("v.d", "D", "dimension", "time", True)
    dim = QueryColumn("v.x", "X", "dimension", "string", False)
    mea = QueryColumn("v.c", "C", "measure", "count", False)
    assert default_sorts([dim, mea, time]) == ["v.d desc"]
    assert default_sorts([dim, mea]) == ["v.c desc"]
    assert default_sorts([dim]) == ["v.x"]


def test_pivot_compiles_to_group_by_and_reshapes(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    cq = q(
        project,
        ["events.event_date", "events.region", "events.count"],
        pivots=["events.region"],
        sorts=["events.event_date"],
        limit=2,
    )
    assert "GROUP BY 1, 2" in cq.sql and "LIMIT" not in cq.sql
    names, rows = pivot_rows(cq, [list(r) for r in run(engine, cq)])
    regions = sorted({e.get("awsRegion") for e in events})
    assert names == ["events.event_date"] + [f"events.count | {r}" for r in regions]
    assert [str(r[0]) for r in rows] == ["2026-11-18", "2026-11-19"]  # limit 2, ascending
    for r in rows:
        day = dt.date.fromisoformat(str(r[0]))
        for region, v in zip(regions, r[1:], strict=True):
            n = sum(1 for e in events if e.time.date() == day and e.get("awsRegion") == region)
            assert v == (n or None)


def test_pivot_rows_fills_missing_cells() -> None:
    cols = [
        QueryColumn("v.d", "D", "dimension", "string", False),
        QueryColumn("v.p", "P", "dimension", "string", False, pivot=True),
        QueryColumn("v.c", "C", "measure", "count", False),
        QueryColumn("v.s", "S", "measure", "sum", False),
    ]
    cq = CompiledQuery(
        QuerySpec("m", "e", ["v.d", "v.p", "v.c", "v.s"], pivots=["v.p"]), "", cols, {}, [], {}, 500, None
    )
    names, rows = pivot_rows(
        cq, [["a", "x", 1, 10], ["a", "y", 2, 20], ["b", "y", 3, 30], ["b", None, 4, 40]]
    )
    assert names == ["v.d", "v.c | x", "v.s | x", "v.c | y", "v.s | y", "v.c | ∅", "v.s | ∅"]
    assert rows == [["a", 1, 10, 2, 20, None, None], ["b", None, None, 3, 30, 4, 40]]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("fields", "kw", "message"),
    [
        (["events.nope"], {}, "no field 'nope' in view events"),
        (["events.event"], {}, "a dimension_group: name a timeframe"),
        (["geoip.country"], {}, "'geoip' is not the explore events or one of its joins"),
        (["count"], {}, "name fields as view.field"),
        (["events.name_filter"], {}, "filter-only field"),
        ([], {}, "selects no fields"),
        (["events.count"], {"pivots": ["events.region"]}, "not one of the query's fields"),
        (["events.count"], {"filters": {"events.event_date": "someday"}}, "cannot read 'someday'"),
        (["events.count"], {"filters": {"events.count": "many"}}, "cannot read 'many' as a number"),
        (
            ["events.count"],
            {"sorts": ["events.count sideways"]},
            "expected 'view.field' or 'view.field desc'",
        ),
        (["events.count"], {"limit": 0}, "limit must be at least 1"),
    ],
)
def test_query_errors_name_the_problem(
    project: Project, fields: list[str], kw: dict[str, Any], message: str
) -> None:
    with pytest.raises(QueryError) as info:
        q(project, fields, **kw)
    assert message in str(info.value)


def test_unknown_explore(project: Project) -> None:
    with pytest.raises(QueryError, match="explore preview_fixture::nothing does not exist"):
        compile_query(project, QuerySpec("preview_fixture", "nothing", ["a.b"]), now=NOW)


def test_pinned_filter_compiler_bounds() -> None:
    hook = PinnedFilterCompiler(NOW)
    assert hook.date_bounds("7 days") == (
        "TIMESTAMP '2026-11-14 00:00:00'",
        "TIMESTAMP '2026-11-21 00:00:00'",
    )
    assert hook.date_bounds("before 2026-11-01") == (None, "TIMESTAMP '2026-11-01 00:00:00'")
    assert hook.date_bounds("") == (None, None)
    assert hook.condition(None, "x", "") == "1=1"


def test_conditionally_filter_and_explore_fields(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    spec = QuerySpec("preview_fixture", "recent", ["recent.count"])
    cq = compile_query(project, spec, now=NOW)
    assert cq.filters == {"recent.event_date": "1 day"}
    assert run(engine, cq) == [
        (len(oracle.in_window(events, dt.datetime(2026, 11, 20), dt.datetime(2026, 11, 21))),)
    ]
    # Filtering an `unless` field lifts the default.
    spec = QuerySpec(
        "preview_fixture", "recent", ["recent.count"], filters={"recent.event_name": "ConsoleLogin"}
    )
    cq = compile_query(project, spec, now=NOW)
    assert cq.filters == {"recent.event_name": "ConsoleLogin"}
    assert run(engine, cq) == [(sum(1 for e in events if e.get("eventName") == "ConsoleLogin"),)]
    with pytest.raises(QueryError, match="not among the fields the explore recent exposes"):
        compile_query(project, QuerySpec("preview_fixture", "recent", ["recent.actor_name"]), now=NOW)


def test_sql_always_where_brings_its_join(project: Project, engine: LocalEngine, events: list[Event]) -> None:
    cq = compile_query(
        project, QuerySpec("preview_fixture", "platform_events", ["platform_events.count"]), now=NOW
    )
    assert cq.joins == ["callers"]
    assert "callers.team = 'platform'" in cq.sql
    assert run(engine, cq) == [(sum(1 for e in events if e.ident.get("userName") == "ci-deployer"),)]
