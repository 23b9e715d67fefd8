"""Loader: includes, constants, refinements, extends, dimension groups, dashboards, cache."""

from __future__ import annotations

import pickle
import textwrap
from pathlib import Path
from typing import Any

import pytest

from looker_ops.check.run import run_check
from looker_ops.lookml import parsecache
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.sql import LiquidContext, SqlCompiler, compile_explore_select, compile_field_sql


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(textwrap.dedent(text).lstrip("\n"))
    return root


BASE = {
    "manifest.lkml": """
        constant: SCHEMA { value: "ct" export: override_optional }
        constant: TABLE { value: "cloudtrail_logs" }
    """,
    "shop.model.lkml": """
        connection: "athena"
        include: "/views/*.view"
        include: "explores/*.explore.lkml"
        explore: +events { label: "Refined" }
    """,
    "explores/events.explore.lkml": """
        include: "/views/base.view.lkml"
        explore: events {
          join: users {
            sql_on: ${events.user} = ${users.name} ;;
          }
          always_filter: { filters: [events.created_date: "7 days"] }
        }
        explore: child { extends: [events] view_name: events }
    """,
    "views/base.view.lkml": """
        view: events {
          sql_table_name: @{SCHEMA}.@{TABLE} ;;
          dimension: id { primary_key: yes sql: ${TABLE}.eventid ;; }
          dimension: user { sql: ${TABLE}.useridentity.username ;; }
          dimension_group: created {
            type: time
            timeframes: [raw, date, minute15, hour_of_day, day_of_week]
            sql: from_iso8601_timestamp(${TABLE}.eventtime) ;;
          }
          dimension_group: session { type: duration intervals: [hour, day] sql_start: ${created_raw} ;; sql_end: now() ;; }
          measure: count { type: count }
        }
        view: users { sql_table_name: ct.users ;; dimension: name { primary_key: yes } }
    """,
    "views/refine.view.lkml": """
        view: +events {
          dimension: user { label: "User" }
          dimension: extra { sql: ${user} || 'x' ;; }
        }
        view: special_events {
          extends: [events]
          dimension: id { sql: ${TABLE}.sharedeventid ;; }
        }
    """,
}


@pytest.fixture()
def project(tmp_path: Path):
    write(tmp_path, BASE)
    return load_project(tmp_path, cache_dir=None)


def test_constants_refinements_extends_and_groups(project) -> None:
    assert project.problems == []
    assert project.constants == {"SCHEMA": "ct", "TABLE": "cloudtrail_logs"}
    ev = project.view("events")
    assert ev.sql_table_name == "ct.cloudtrail_logs"
    # refinement adds a field and merges a parameter into an existing one
    assert "extra" in ev.fields and ev.fields["user"].props["label"] == "User"
    assert ev.fields["user"].sql == "${TABLE}.useridentity.username"
    # dimension group names as Looker makes them
    for name in (
        "created_raw",
        "created_date",
        "created_minute15",
        "created_hour_of_day",
        "created_day_of_week",
    ):
        f = ev.fields[name]
        assert f.group == "created" and f.kind == "dimension_group"
    assert ev.fields["hours_session"].timeframe == "hour" and "days_session" in ev.fields
    assert ev.primary_key().name == "id"
    # extends: inherits refinement, overrides id's sql, keeps the base's table
    sp = project.view("special_events")
    assert sp.extends == ["events"] and "extra" in sp.fields
    assert sp.fields["id"].sql == "${TABLE}.sharedeventid" and sp.fields["id"].is_primary_key
    assert sp.sql_table_name == "ct.cloudtrail_logs"


def test_explores_models_and_lines(project) -> None:
    m = project.models["shop"]
    assert m.connection == "athena" and m.explores == ["child", "events"]
    e = project.explore("shop", "events")
    assert e.props["label"] == "Refined" and e.file == "explores/events.explore.lkml" and e.line == 2
    assert e.always_filter == {"events.created_date": "7 days"}
    j = e.joins[0]
    assert (j.name, j.view_name, j.relationship, j.line) == ("users", "users", "many_to_one", 3)
    child = project.explore("shop", "child")
    assert child.view_name == "events" and [j.name for j in child.joins] == ["users"]
    f = project.view("events").fields["id"]
    assert (f.file, f.line) == ("views/base.view.lkml", 3)


def test_problems_have_file_and_line(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.model.lkml": 'connection: "c"\ninclude: "/views/*.view"\ninclude: "/missing/*.view"\n',
            "views/ok.view.lkml": "view: ok {\n  sql_table_name: @{NOPE} ;;\n  dimension: a {}\n}\nview: +ghost {}\n",
            "views/bad.view.lkml": "view: bad {\n  dimension: a {\n    sql: x \n  }\n",
            "views/loop.view.lkml": "view: l1 { extends: [l2] }\nview: l2 { extends: [l1] }\n",
        },
    )
    p = load_project(tmp_path, cache_dir=None)
    got = {(f.code, f.file, f.line) for f in p.problems}
    assert ("LKM001", "views/bad.view.lkml", 3) in got or any(
        c == "LKM001" and fl == "views/bad.view.lkml" for c, fl, _ in got
    )
    assert ("LKM002", "m.model.lkml", 3) in got
    assert ("LKM003", "views/ok.view.lkml", 1) in got
    assert ("LKM004", "views/ok.view.lkml", 5) in got
    assert any(c == "LKM005" and fl == "views/loop.view.lkml" for c, fl, _ in got)
    # the other files are still loaded
    assert "ok" in p.views and "bad" not in p.views


def test_dashboards_with_lines_and_bad_keys(tmp_path: Path) -> None:
    write(tmp_path, BASE)
    write(
        tmp_path,
        {
            "dash/a.dashboard.lookml": """
                - dashboard: a
                  title: A
                  colour: red
                  filters:
                  - name: Date
                    type: date_filter
                    default_value: 7 days
                  elements:
                  - name: t
                    model: shop
                    explore: events
                    type: looker_grid
                    fields: [events.id, events.count]
                    listen: {Date: events.created_date}
                    limit: 10
                  - name: u
                    fields: events.id
            """
        },
    )
    p = load_project(tmp_path, dashboard_dirs=[tmp_path / "dash"], cache_dir=None)
    (d,) = p.dashboards
    assert d.name == "a" and d.file == "dash/a.dashboard.lookml"
    assert d.filters[0].name == "Date" and d.filters[0].line == 5
    t = d.elements[0]
    assert (t.name, t.line, t.fields, t.listen, t.limit) == (
        "t",
        9,
        ["events.id", "events.count"],
        {"Date": "events.created_date"},
        10,
    )
    got = {(f.code, f.line) for f in p.problems}
    assert ("DSH002", 3) in got and ("DSH002", 17) in got


def test_ignore_comments_scope_to_the_object(tmp_path: Path) -> None:
    write(tmp_path, BASE)
    write(
        tmp_path,
        {
            "views/x.view.lkml": """
                view: x {
                  sql_table_name: t ;;
                  # looker-ops: ignore ATH301, ATH302 two keys on purpose
                  dimension: a { primary_key: yes }
                  dimension: b {}
                }
            """
        },
    )
    p = load_project(tmp_path, cache_dir=None)
    (ex,) = [e for e in p.exemptions if e.file == "views/x.view.lkml"]
    assert ex.codes == ("ATH301", "ATH302") and ex.reason == "two keys on purpose"
    assert (ex.start, ex.end) == (3, 4)


def cached(cache: Path) -> set[str]:
    """The keys of the parse cache's entries (every pack in ``cache``)."""
    return {k for pack in cache.glob("parsed-*.pickle") for k in parsecache.read_pack(pack)}


def test_cache_is_used_and_survives_unwritable_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path / "proj", BASE)
    cache = tmp_path / "cache"
    first = load_project(tmp_path / "proj", cache_dir=cache)
    assert len(cached(cache)) == 5  # one pack holding the 5 files
    calls: list[str] = []
    real = parsecache.parse_text
    monkeypatch.setattr(parsecache, "parse_text", lambda t: calls.append(t) or real(t))
    second = load_project(tmp_path / "proj", cache_dir=cache)
    assert calls == [] and set(second.views) == set(first.views)
    # unwritable / impossible cache dir: still loads
    blocker = tmp_path / "file"
    blocker.write_text("x")
    third = load_project(tmp_path / "proj", cache_dir=blocker / "sub")
    assert set(third.views) == set(first.views) and len(calls) == 5


def test_cache_written_by_other_code_is_not_served(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Entries written by another version of the parsing code are never read back (no stale forms)."""
    write(tmp_path / "proj", BASE)
    cache = tmp_path / "cache"
    monkeypatch.setattr(parsecache, "CACHE_FORMAT", "old-code")
    load_project(tmp_path / "proj", cache_dir=cache)
    old_entries = cached(cache)
    assert len(old_entries) == 5
    monkeypatch.undo()
    calls: list[str] = []
    real = parsecache.parse_text
    monkeypatch.setattr(parsecache, "parse_text", lambda t: calls.append(t) or real(t))
    load_project(tmp_path / "proj", cache_dir=cache)
    assert len(calls) == 5  # every file parsed again
    assert not cached(cache) & old_entries  # and the pack holds only this code's entries
    assert parsecache.CACHE_FORMAT.startswith("2-")  # tied to the module's own source


def test_the_pack_follows_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One changed file is parsed again and the rest come from the pack; the pack then holds
    exactly the project's current files; a damaged pack is read as empty and replaced; two
    projects sharing a cache folder keep two packs."""
    write(tmp_path / "proj", BASE)
    write(tmp_path / "other", BASE)
    cache = tmp_path / "cache"
    load_project(tmp_path / "proj", cache_dir=cache)
    before = cached(cache)
    view = next((tmp_path / "proj").rglob("*.view.lkml"))
    view.write_text(view.read_text() + "\n# edited\n")
    calls: list[str] = []
    real = parsecache.parse_text
    monkeypatch.setattr(parsecache, "parse_text", lambda t: calls.append(t) or real(t))
    load_project(tmp_path / "proj", cache_dir=cache)
    assert calls == [view.read_text()]
    after = cached(cache)
    assert len(after) == 5 and len(after - before) == 1 and len(before - after) == 1

    [pack] = cache.glob("parsed-*.pickle")
    pack.write_bytes(b"not a pickle")
    calls.clear()
    project = load_project(tmp_path / "proj", cache_dir=cache)
    assert len(calls) == 5 and project.views and cached(cache) == after

    load_project(tmp_path / "other", cache_dir=cache)
    assert len(list(cache.glob("parsed-*.pickle"))) == 2


def test_parallel_parse_writes_the_pack_serial_parse_writes(tmp_path: Path) -> None:
    files = {
        f"views/v{i}.view.lkml": f"view: v{i} {{\n  sql_table_name: t{i} ;;\n"
        + "".join(f"  dimension: d{k} {{ sql: ${{TABLE}}.c{k} ;; }}\n" for k in range(400))
        + "}\n"
        for i in range(12)
    }
    write(tmp_path / "p", files)
    paths = sorted((tmp_path / "p").rglob("*.lkml"))
    assert sum(p.stat().st_size for p in paths) > 200_000  # large enough to use a worker
    parsecache.parse_files(paths, cache_dir=tmp_path / "serial", workers=1)
    parsecache.parse_files(paths, cache_dir=tmp_path / "parallel", workers=2)
    serial = {k: pickle.loads(v).doc for k, v in parsecache.read_pack(pack(tmp_path / "serial")).items()}
    parallel = {k: pickle.loads(v).doc for k, v in parsecache.read_pack(pack(tmp_path / "parallel")).items()}
    assert len(serial) == 12 and serial == parallel


@pytest.mark.parametrize("workers", [1, 2])
def test_meanwhile_runs_once_while_the_files_parse(tmp_path: Path, workers: int) -> None:
    """The caller's ``meanwhile`` runs exactly once: while a worker parses (before this
    process's own share), after a serial parse, and when every file comes from the cache."""
    files = {f"v{i}.view.lkml": f"view: v{i} {{\n  dimension: d {{ sql: 1 ;; }}\n}}\n" for i in range(3)}
    label = "x" * 30_000
    files.update({f"big{i}.view.lkml": f'view: big{i} {{\n  label: "{label}"\n}}\n' for i in range(8)})
    write(tmp_path / "p", files)
    paths = sorted((tmp_path / "p").rglob("*.lkml"))
    events: list[str] = []
    real = parsecache._parse_batch

    def spy(batch: list[tuple[str, str | None]]) -> list[parsecache.ParsedFile]:
        events.append("parse")
        return real(batch)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parsecache, "_parse_batch", spy)
        parsecache.parse_files(
            paths, cache_dir=tmp_path / "c", workers=workers, meanwhile=lambda: events.append("meanwhile")
        )
        # with a worker, this process parses (after meanwhile) only the chunks no worker started
        if workers == 2:
            assert events[0] == "meanwhile" and set(events[1:]) <= {"parse"}
        else:
            assert events == ["parse", "meanwhile"]
        events.clear()
        parsecache.parse_files(
            paths, cache_dir=tmp_path / "c", workers=workers, meanwhile=lambda: events.append("meanwhile")
        )
        assert events == ["meanwhile"]  # all from the cache


def test_the_chunks_hold_each_file_once_biggest_first_smallest_last() -> None:
    todo = [(i, f"p{i}", f"k{i}", size, None) for i, size in enumerate([30_000] * 300 + [2_000] * 543)]
    chunks = parsecache._chunks(todo, 2)
    assert sorted(t[0] for c in chunks for t in c) == list(range(len(todo)))
    sizes = [sum(t[3] for t in c) for c in chunks]
    assert sizes[0] >= sum(sizes) / 4 * 0.99 and sizes[-1] <= sum(sizes) / 48 * 1.01
    assert len(chunks) >= 10


def test_a_parse_worker_that_fails_leaves_its_files_to_this_process(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker process that fails (here: every batch it parses raises) sends what it has; the
    chunks it took are parsed here, so the result is the serial one, with no file missing."""
    files = {
        f"v{i}.view.lkml": f"view: v{i} {{\n"
        + "".join(f"  dimension: d{k} {{ sql: ${{TABLE}}.c{k} ;; }}\n" for k in range(300))
        + "}\n"
        for i in range(12)
    }
    write(tmp_path / "p", files)
    paths = sorted((tmp_path / "p").rglob("*.lkml"))
    serial = parsecache.parse_files(paths, cache_dir=None, workers=1)

    def broken(batch: list[tuple[str, str | None]]) -> list[bytes]:
        raise RuntimeError("worker crashed")

    monkeypatch.setattr(parsecache, "_parse_batch_pickled", broken)  # the forked worker inherits it
    parallel = parsecache.parse_files(paths, cache_dir=tmp_path / "c", workers=2)
    assert [pf.doc for pf in parallel] == [pf.doc for pf in serial] and all(pf.doc for pf in parallel)
    assert len(parsecache.read_pack(pack(tmp_path / "c"))) == 12


def test_without_processes_or_shared_locks_the_parse_is_serial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where no shared lock can be made (no /dev/shm in some containers), the files are parsed
    here, all of them, and ``meanwhile`` still runs once."""
    import multiprocessing

    files = {f"v{i}.view.lkml": f'view: v{i} {{\n  label: "{"x" * 30_000}"\n}}\n' for i in range(10)}
    write(tmp_path / "p", files)
    paths = sorted((tmp_path / "p").rglob("*.lkml"))

    class NoLocks:
        def Value(self, *args: object) -> object:
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(multiprocessing, "get_context", lambda method: NoLocks())
    calls: list[str] = []
    parsed = parsecache.parse_files(paths, cache_dir=None, workers=2, meanwhile=lambda: calls.append("m"))
    assert calls == ["m"] and [pf.doc["views"][0]["_name"] for pf in parsed] == [f"v{i}" for i in range(10)]


def _two_groups(root: Path) -> tuple[list[Path], int]:
    """Three small .lkml files, then ten big dashboards (the bulk: parsed by the workers too)."""
    files = {f"v{i}.view.lkml": f"view: v{i} {{\n  dimension: d {{ sql: 1 ;; }}\n}}\n" for i in range(3)}
    tile = "  - name: t{k}\n    type: text\n    title_text: " + "x" * 3_000 + "\n"
    files.update(
        {
            f"d{i}.dashboard.lookml": f"- dashboard: d{i}\n  elements:\n"
            + "".join(tile.format(k=k) for k in range(10))
            for i in range(10)
        }
    )
    write(root, files)
    lkml = sorted(root.glob("*.view.lkml"))
    return lkml + sorted(root.glob("*.dashboard.lookml")), len(lkml)


@pytest.mark.parametrize("workers", [1, 2])
def test_between_gets_the_first_files_once_before_the_rest_is_parsed_here(
    tmp_path: Path, workers: int
) -> None:
    """``between`` runs once, with the results of the first files, as soon as they are parsed:
    here before any other file this process parses (with a worker, right after meanwhile)."""
    paths, first = _two_groups(tmp_path / "p")
    rels = [p.name for p in paths]
    events: list[object] = []
    real = parsecache._parse_batch

    def spy(batch: list[tuple[str, str | None]]) -> list[parsecache.ParsedFile]:
        events.append(sorted(Path(p).suffix for p, _ in batch))
        return real(batch)

    def between(parsed: list[parsecache.ParsedFile]) -> None:
        events.append([pf.doc["views"][0]["_name"] for pf in parsed if pf.doc])

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parsecache, "_parse_batch", spy)
        out = parsecache.parse_files(
            paths,
            cache_dir=tmp_path / "c",
            workers=workers,
            rels=rels,
            first=first,
            between=between,
            meanwhile=lambda: events.append("meanwhile"),
        )
    assert len(out) == 13 and all(pf.doc for pf in out)
    lkml_batch = events.index([".lkml"] * 3)
    assert events[lkml_batch + 1] == ["v0", "v1", "v2"]  # between, with the .lkml files only
    assert events.count(["v0", "v1", "v2"]) == 1 and events.count("meanwhile") == 1
    if workers == 2:
        assert events[:2] == ["meanwhile", [".lkml"] * 3]

    events.clear()  # everything from the cache: between still runs, once
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(parsecache, "_parse_batch", spy)
        parsecache.parse_files(
            paths, cache_dir=tmp_path / "c", workers=workers, rels=rels, first=first, between=between
        )
    assert events == [["v0", "v1", "v2"]]


def test_an_error_in_between_leaves_no_worker_behind(tmp_path: Path) -> None:
    import multiprocessing

    paths, first = _two_groups(tmp_path / "p")

    def between(parsed: list[parsecache.ParsedFile]) -> None:
        raise ValueError("the caller failed")

    with pytest.raises(ValueError, match="the caller failed"):
        parsecache.parse_files(
            paths, cache_dir=None, workers=2, rels=[p.name for p in paths], first=first, between=between
        )
    assert multiprocessing.active_children() == []


def pack(cache: Path) -> Path:
    [found] = cache.glob("parsed-*.pickle")
    return found


def test_parallel_parse_matches_serial(tmp_path: Path) -> None:
    files = {
        f"views/v{i}.view.lkml": f"view: v{i} {{\n  sql_table_name: t{i} ;;\n"
        + "".join(f"  dimension: d{k} {{ sql: ${{TABLE}}.c{k} ;; }}\n" for k in range(200))
        + "}\n"
        for i in range(12)
    }
    write(tmp_path, files)
    ser = parsecache.parse_files(sorted(tmp_path.rglob("*.lkml")), cache_dir=None, workers=1)
    par = parsecache.parse_files(sorted(tmp_path.rglob("*.lkml")), cache_dir=None, workers=2)
    assert [p.doc for p in ser] == [p.doc for p in par]
    assert len(par[0].doc["views"][0]["dimensions"]) == 200


def test_sql_compile_fields_and_explore(project) -> None:
    assert (
        compile_field_sql(project, "events", "created_date", "e")
        == "CAST(from_iso8601_timestamp(e.eventtime) AS DATE)"
    )
    assert compile_field_sql(project, "events", "extra") == "events.useridentity.username || 'x'"
    assert compile_field_sql(project, "events", "count") == "COUNT(DISTINCT events.eventid)"
    assert (
        compile_field_sql(project, "events", "hours_session")
        == "date_diff('hour', from_iso8601_timestamp(events.eventtime), now())"
    )
    sql = compile_explore_select(project, project.explore("shop", "events"), ["users.name", "events.count"])
    assert "LEFT JOIN ct.users AS users ON events.useridentity.username = users.name" in sql
    assert "FROM ct.cloudtrail_logs AS events" in sql and "GROUP BY 1" in sql
    assert "from_iso8601_timestamp(events.eventtime) >= date_add('day', -6" in sql
    # a join is only added when a field needs it
    sql2 = compile_explore_select(project, project.explore("shop", "events"), ["events.count"])
    assert "JOIN" not in sql2


def test_sql_liquid_and_cycles(tmp_path: Path) -> None:
    write(tmp_path, BASE)
    write(
        tmp_path,
        {
            "views/dt.view.lkml": """
                view: dt {
                  derived_table: {
                    sql: SELECT * FROM ${events.SQL_TABLE_NAME}
                         WHERE {% condition name_f %} eventname {% endcondition %}
                           AND dt >= {% date_start date_f %} {% if dt.a._in_query %}AND 1=1{% endif %} ;;
                  }
                  filter: name_f { type: string }
                  filter: date_f { type: date }
                  parameter: unit { type: unquoted default_value: "day" allowed_value: { value: "hour" } }
                  dimension: a { sql: ${b} ;; }
                  dimension: b { sql: ${a} ;; }
                  dimension: bucket { sql: date_trunc('{% parameter unit %}', x) ;; }
                  dimension: ok { type: yesno sql: ${TABLE}.x > 1 ;; }
                  measure: oks { type: count filters: [ok: "yes"] }
                }
            """
        },
    )
    p = load_project(tmp_path, cache_dir=None)
    c = SqlCompiler(p)
    assert c.from_clause(p.view("dt"), "d").startswith("(SELECT * FROM ct.cloudtrail_logs\n")
    assert "WHERE 1=1" in c.from_clause(p.view("dt"), "d") and "dt >= NULL" in c.from_clause(
        p.view("dt"), "d"
    )
    ctx = LiquidContext(filters={"dt.name_f": "ConsoleLogin"}, parameters={"unit": "hour"}, in_query={"dt.a"})
    c2 = SqlCompiler(p, None, ctx)
    fc = c2.from_clause(p.view("dt"), "d")
    assert "eventname = 'ConsoleLogin'" in fc and "AND 1=1" in fc
    assert c2.field_sql("dt", "bucket", "d") == "date_trunc('hour', x)"
    assert c.field_sql("dt", "bucket", "d") == "date_trunc('day', x)"
    assert c.field_sql("dt", "a", "d") == "NULL"
    assert any(pr.kind == "cycle" for pr in c.problems)
    assert c.field_sql("dt", "oks", "d") == "COUNT(CASE WHEN (d.x > 1) THEN 1 ELSE NULL END)"


def test_no_model_is_a_warning(tmp_path: Path) -> None:
    write(tmp_path, {"views/a.view.lkml": "view: a {\n  dimension: x {}\n}\n"})
    p = load_project(tmp_path, cache_dir=None)
    assert [(f.code, f.severity.value) for f in p.problems] == [("LKM006", "warning")]


def test_include_of_a_missing_dependency_is_one_info_finding(tmp_path: Path) -> None:
    write(
        tmp_path,
        {
            "m.model.lkml": 'connection: "c"\ninclude: "//other_project/views/*.view.lkml"\n'
            'include: "//other_project/x.view"\nexplore: e { view_name: from_dep }\n',
        },
    )
    p = load_project(tmp_path, cache_dir=None)
    assert p.problems == []
    assert p.missing_dependencies == {"other_project": ("m.model.lkml", 2)}
    result = run_check(tmp_path, cache_dir=None, workers=1)
    assert [(f.code, f.severity.value, f.file, f.line) for f in result.findings] == [
        ("LKM007", "info", "m.model.lkml", 2)
    ]
    assert "1 reference(s)" in result.findings[0].message
    assert "--dependency other_project=PATH" in result.findings[0].message


def test_a_dependency_named_by_a_constant_is_the_constant_s_value(tmp_path: Path) -> None:
    """A block's core project names its config project with a constant (manifest
    ``local_dependency: { project: "@{CONFIG_PROJECT_NAME}" }``, ``include: "//@{...}/*.view"``):
    the dependency is the constant's value, and ``--dependency`` that name finds it."""
    files = {
        "manifest.lkml": 'constant: CONFIG_PROJECT_NAME { value: "shop-config" }\n'
        'local_dependency: { project: "@{CONFIG_PROJECT_NAME}" }\n',
        "m.model.lkml": 'connection: "c"\ninclude: "//@{CONFIG_PROJECT_NAME}/*.view"\n'
        'include: "//@{CONFIG_PROJECT_NAME}/*.explore"\nexplore: orders { extends: [orders_config] }\n',
    }
    write(tmp_path / "core", files)
    p = load_project(tmp_path / "core", cache_dir=None)
    assert p.problems == [] and set(p.missing_dependencies) == {"shop-config"}
    result = run_check(tmp_path / "core", cache_dir=None, workers=1)
    assert [(f.code, f.severity.value) for f in result.findings] == [("LKM007", "info")]
    assert "--dependency shop-config=PATH" in result.findings[0].message
    config = write(
        tmp_path / "config",
        {
            "orders.view.lkml": "view: orders {\n  sql_table_name: shop.orders ;;\n"
            "  dimension: id { sql: ${TABLE}.id ;; }\n}\n",
            "orders.explore.lkml": "explore: orders_config {\n  view_name: orders\n  extension: required\n}\n",
        },
    )
    p = load_project(tmp_path / "core", cache_dir=None, dependencies={"shop-config": config})
    assert p.missing_dependencies == {} and p.problems == []


def test_no_garbage_collection_while_loading_and_restored_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The load runs with the collector off (it only walks objects that all live on) and leaves
    it as it found it, also when the load fails."""
    import gc

    from looker_ops.lookml import loader as loader_mod

    write(tmp_path / "proj", BASE)
    seen: list[bool] = []
    real = loader_mod.parse_files

    def spy(*args: Any, **kwargs: Any) -> list[parsecache.ParsedFile]:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(loader_mod, "parse_files", spy)
    assert gc.isenabled()
    load_project(tmp_path / "proj", cache_dir=None)
    assert seen == [False] and gc.isenabled()

    def boom(*args: Any, **kwargs: Any) -> list[parsecache.ParsedFile]:
        raise RuntimeError("parse failed")

    monkeypatch.setattr(loader_mod, "parse_files", boom)
    with pytest.raises(RuntimeError):
        load_project(tmp_path / "proj", cache_dir=None)
    assert gc.isenabled()
