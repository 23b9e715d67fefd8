"""Records shaped as real logs sometimes are: counted right by the block, reported by the engine.

The sample is generated with every shape of ``REAL_LOG_SHAPES`` on its last day (an empty
errorCode, eventTime ``"redacted"``, no eventTime, a space instead of ``T``, no eventID, two
events sharing an eventID, a rule opened to ``208.236.235.254/0`` and ``::/0``, a data event
without eventCategory). Each case is checked three ways: the tiles' numbers against the oracle
(``tests/preview/oracle.py``, which knows nothing of SQL), the compiled Athena SQL, and what the
engine reports while loading (file and eventID). ``check --data`` names them too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from looker_ops.check.run import run_check
from looker_ops.engines.local import EngineError, LocalEngine
from looker_ops.lookml.model import Project
from looker_ops.sample_data.generate import REAL_LOG_SHAPES, generate, iter_records
from tests.block.support import REPO, engine_for, explore_sql, load_block, rows, tile, tile_sql, window
from tests.preview.oracle import CIS as CIS_CONTROLS
from tests.preview.oracle import error_family, is_error, opens_to_world

LAST = dt.date(2026, 11, 20)
FIRST = LAST - dt.timedelta(days=2)
WINDOW = {"date": window(FIRST, LAST)}
CIS = "cloudtrail_cis_aws_foundations"
SG = "cloudtrail_security_group_changes"

Record = dict[str, Any]


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("shapes")
    generate(out, days=3, seed=11, end=LAST, shapes=list(REAL_LOG_SHAPES))
    return out


@pytest.fixture(scope="module")
def records(sample_dir: Path) -> list[tuple[Path, Record]]:
    return list(iter_records(sample_dir))


@pytest.fixture(scope="module")
def dated(records: list[tuple[Path, Record]]) -> list[Record]:
    """The records Athena can place in time (eventTime as from_iso8601_timestamp reads it)."""
    out = []
    for _path, rec in records:
        try:
            dt.datetime.strptime(rec.get("eventTime") or "", "%Y-%m-%dT%H:%M:%SZ")
        except ValueError:
            continue
        out.append(rec)
    return out


@pytest.fixture(scope="module")
def engine(sample_dir: Path) -> Iterator[LocalEngine]:
    eng = engine_for(sample_dir)
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def project() -> Project:
    return load_block()


def shape(records: list[tuple[Path, Record]], match: Callable[[Record], bool]) -> tuple[Path, Record]:
    found = [(p, r) for p, r in records if match(r)]
    assert len(found) == 1, found
    return found[0]


def single(project: Project, engine: LocalEngine, dashboard: str, element: str) -> int:
    (row,) = rows(engine.query(tile_sql(project, tile(project, dashboard, element), WINDOW)))
    (value,) = row.values()
    return int(value)


def messages(engine: LocalEngine) -> list[str]:
    return [str(p) for p in engine.problems]


# --------------------------------------------------------------------------- every tile


def test_every_tile_runs_and_cis_tiles_match_the_oracle(
    project: Project, engine: LocalEngine, dated: list[Record]
) -> None:
    for name, label, match in CIS_CONTROLS:
        assert single(project, engine, CIS, name) == sum(1 for r in dated if match(r)), label
    failed = []
    for d in project.dashboards:
        for el in d.elements:
            if el.type in ("text", "button"):
                continue
            try:
                engine.query(tile_sql(project, tile(project, d.name, el.name), WINDOW))
            except EngineError as exc:
                failed.append(f"{d.name}/{el.name}: {exc}")
    assert failed == []


# --------------------------------------------------------------------------- 1. errorCode ""


def test_empty_error_code_is_a_success(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    _path, rec = shape(records, lambda r: r.get("errorCode") == "")
    assert not is_error(rec)
    sql = explore_sql(
        project,
        "cloudtrail_logs",
        ["cloudtrail_logs.events", "cloudtrail_logs.errors"],
        {"cloudtrail_logs.event_id": rec["eventID"], "cloudtrail_logs.event_date": WINDOW["date"]},
    )
    assert "NULLIF(cloudtrail_logs.errorcode, '')" in sql
    assert engine.query(sql).rows == [(1, 0)]
    # every place the block tests for an error reads an empty code as none
    for path in (REPO / "lookml_project" / "views").glob("*.lkml"):
        text = path.read_text(encoding="utf-8")
        assert "${TABLE}.errorcode IS" not in text.replace("NULLIF(${TABLE}.errorcode, '') IS", ""), path


# --------------------------------------------------------------------------- 2, 3, 8. eventTime


def test_event_time_that_is_not_a_timestamp_fails_no_tile_and_is_reported(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    path, rec = shape(records, lambda r: r.get("eventTime") == "redacted")
    sql = tile_sql(project, tile(project, CIS, "cis_4_1"), WINDOW)
    assert "TRY(FROM_ISO8601_TIMESTAMP(CLOUDTRAIL_LOGS.EVENTTIME))" in sql.upper()
    assert any(
        m.startswith(f"{path}: record ")
        and f"(eventID {rec['eventID']})" in m
        and 'eventTime "redacted"' in m
        for m in messages(engine)
    )
    # Athena fails a bare from_iso8601_timestamp on it; so does the engine (same words)
    with pytest.raises(EngineError, match='Invalid format: "redacted"'):
        engine.query(
            f"SELECT from_iso8601_timestamp(eventtime) FROM cloudtrail_logs WHERE eventid = '{rec['eventID']}'"
        )


def test_no_event_time_is_reported(engine: LocalEngine, records: list[tuple[Path, Record]]) -> None:
    path, rec = shape(records, lambda r: "eventTime" not in r)
    assert f"{path}: " in "\n".join(
        m for m in messages(engine) if "no eventTime" in m and rec["eventID"] in m
    )


def test_space_for_t_is_read_as_athena_reads_it_and_reported(
    engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    path, rec = shape(records, lambda r: " " in str(r.get("eventTime")))
    (note,) = [m for m in messages(engine) if rec["eventID"] in m]
    assert note.startswith(f"{path}: ") and "space instead of 'T'" in note
    where = f"WHERE eventid = '{rec['eventID']}'"
    sql = f"SELECT try(from_iso8601_timestamp(eventtime)) FROM cloudtrail_logs {where}"
    assert engine.query(sql).rows == [(None,)]
    with pytest.raises(EngineError, match="Invalid format"):
        engine.query(f"SELECT from_iso8601_timestamp(eventtime) FROM cloudtrail_logs {where}")


# --------------------------------------------------------------------------- 4, 5. eventID


def test_a_record_without_event_id_is_counted_and_reported(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]], dated: list[Record]
) -> None:
    path, rec = shape(records, lambda r: "eventID" not in r)
    cis_4_1 = next(match for name, _label, match in CIS_CONTROLS if name == "cis_4_1")
    assert cis_4_1(rec)
    sql = tile_sql(project, tile(project, CIS, "cis_4_1"), WINDOW)
    assert "COUNT(DISTINCT concat_ws('|', cloudtrail_logs.eventid," in sql
    assert single(project, engine, CIS, "cis_4_1") == sum(1 for r in dated if cis_4_1(r))
    assert any(m.startswith(f"{path}: record ") and "no eventID" in m for m in messages(engine))


def test_events_sharing_an_event_id_are_both_counted_and_named(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    ids = [r.get("eventID") for _p, r in records]
    (shared,) = {i for i in ids if i is not None and ids.count(i) > 1}
    sql = explore_sql(
        project,
        "cloudtrail_logs",
        ["cloudtrail_logs.events"],
        {"cloudtrail_logs.event_id": shared, "cloudtrail_logs.event_date": WINDOW["date"]},
    )
    assert engine.query(sql).rows == [(2,)]
    assert any(
        f"eventID {shared} is shared by 2 records of 2 different events" in m for m in messages(engine)
    )


def test_check_data_names_the_shapes(sample_dir: Path) -> None:
    result = run_check(REPO / "lookml_project", sql=True, data_dir=sample_dir, cache_dir=None, workers=1)
    loads = [f.message for f in result.findings if f.code == "SQL003"]
    assert any("is shared by 2 records" in m for m in loads)
    assert any('eventTime "redacted"' in m for m in loads)
    assert any("no eventID" in m for m in loads)


# --------------------------------------------------------------------------- 6. prefix length 0


def test_prefix_length_zero_is_open_to_the_world(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]], dated: list[Record]
) -> None:
    _path, rec = shape(records, lambda r: "208.236.235.254/0" in str(r.get("requestParameters")))
    assert opens_to_world(rec)
    assert single(project, engine, SG, "world_open") == sum(1 for r in dated if opens_to_world(r))
    listed = rows(engine.query(tile_sql(project, tile(project, SG, "world_open_changes"), WINDOW)))
    assert rec["eventID"] in {r["cloudtrail_logs.event_id"] for r in listed}
    sql = tile_sql(project, tile(project, SG, "world_open"), WINDOW)
    assert "[0-9A-Fa-f.:]+/0" in sql


# --------------------------------------------------------------------------- 7. managementEvent


def test_data_event_without_category_is_data(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    _path, rec = shape(records, lambda r: r.get("managementEvent") is False and "eventCategory" not in r)
    sql = explore_sql(
        project,
        "cloudtrail_logs",
        [
            "cloudtrail_logs.event_category",
            "cloudtrail_logs.is_management_event",
            "cloudtrail_logs.is_data_event",
        ],
        {"cloudtrail_logs.event_id": rec["eventID"], "cloudtrail_logs.event_date": WINDOW["date"]},
    )
    assert "cloudtrail_logs.managementevent" in sql
    assert engine.query(sql).rows == [("Data", "No", "Yes")]


# --------------------------------------------------------------------------- 9. EC2's error codes

EC2_FAMILIES = {
    "Client.RequestLimitExceeded": "throttling",
    "Client.InvalidParameterValue": "validation",
    "Client.UnauthorizedOperation": "access denied",
    "Client.AuthFailure": "access denied",
    "Client.InvalidInstanceID.NotFound": "not found",
    "Server.InternalError": "service",
    "Server.Unavailable": "service",
    "InternalFailure": "service",
}


def test_ec2_error_codes_are_filed_by_the_code_after_client_or_server(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    """EC2 writes its error codes as ``Client.<code>`` / ``Server.<code>``: the family is read on
    the code without that prefix (a server-side failure is ``service``), as for other services;
    every code of the sample gets the oracle's family."""
    codes = {r.get("errorCode") for _p, r in records if r.get("errorCode")}
    assert set(EC2_FAMILIES) <= codes  # the shape's records
    sql = explore_sql(
        project,
        "cloudtrail_logs",
        ["cloudtrail_logs.error_code", "cloudtrail_logs.error_family", "cloudtrail_logs.events"],
        {"cloudtrail_logs.event_date": WINDOW["date"], "cloudtrail_logs.is_error": "Yes"},
    )
    got = {
        r["cloudtrail_logs.error_code"]: r["cloudtrail_logs.error_family"] for r in rows(engine.query(sql))
    }
    assert {code: got.get(code) for code in EC2_FAMILIES} == EC2_FAMILIES
    assert got == {code: error_family({"errorCode": code}) for code in got}
