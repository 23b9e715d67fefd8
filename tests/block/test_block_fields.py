"""The CloudTrail block's LookML: it parses, it models every column, and every dimension and
measure runs on the embedded engine over the sample and returns values of its declared type."""

from __future__ import annotations

import datetime as dt
import decimal
import re
import shutil
from pathlib import Path
from typing import Any

import lkml
import pytest
import sqlglot

from looker_ops.engines.local import LocalEngine, bundled_sample_dir
from looker_ops.lookml.model import Field, Project
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP, Array, Map, Struct
from looker_ops.lookml.sql import compile_field_sql, from_clause
from looker_ops.sample_data.generate import generate
from tests.block.support import (
    BLOCK,
    DASHBOARDS,
    EXPLORES,
    MODEL,
    engine_for,
    explore_sql,
    load_block,
    rows,
    window,
)

SAMPLE_END = dt.date(2026, 11, 20)
SAMPLE_DAYS = 4

# Fields whose source the sample generator never fills (CloudTrail sets them only for some
# events: VPC endpoints, addenda, web identity federation...). They must still run and type
# check; they are only excused from having a value in the sample.
EMPTY_IN_SAMPLE = {
    "cloudtrail_logs": {
        "shared_event_id",
        "api_version",
        "vpc_endpoint_id",
        "vpc_endpoint_account_id",
        "tls_client_host_header",
        "addendum_reason",
        "addendum_updated_fields",
        "addendum_original_request_id",
        "addendum_original_event_id",
        "edge_device_details",
        "source_identity",
        "ec2_role_delivery",
        "web_identity_provider",
        "on_behalf_of_user_id",
        "on_behalf_of_identity_store_arn",
        "security_group_source_group_id",
    },
    "cloudtrail_resources": {"error_code"},
    "geoip": set(),
}


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def project() -> Project:
    return load_block()


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("block-sample")
    generate(out, days=SAMPLE_DAYS, seed=3, end=SAMPLE_END)
    return out


def _has_bundled() -> bool:
    d = bundled_sample_dir()
    return d.is_dir() and any(d.rglob("*.json.gz"))


@pytest.fixture(scope="module", params=["generated", "bundled"])
def sample(request: pytest.FixtureRequest, generated: Path) -> tuple[LocalEngine, str]:
    """The engine over a sample, and a date filter covering all of it."""
    if request.param == "bundled":
        if not _has_bundled():
            pytest.skip("no bundled sample in looker_ops/data/sample yet")
        engine = LocalEngine()
    else:
        engine = engine_for(generated)
    days = sorted({dt.date(*map(int, f.dt.split("/"))) for f in engine.files() if f.dt})
    assert days, "the sample has no partitioned files"
    assert not engine.problems, engine.problems
    return engine, window(days[0], days[-1])


# --------------------------------------------------------------------------- files


def _lkml_files() -> list[Path]:
    return sorted(BLOCK.rglob("*.lkml"))


def test_every_lookml_file_parses_with_lkml() -> None:
    files = _lkml_files()
    names = {p.relative_to(BLOCK).as_posix() for p in files}
    assert {"manifest.lkml", "cloudtrail.model.lkml"} <= names
    assert any(n.startswith("views/") and n.endswith(".view.lkml") for n in names)
    assert any(n.startswith("explores/") and n.endswith(".explore.lkml") for n in names)
    for path in files:
        parsed = lkml.load(path.read_text(encoding="utf-8"))
        assert parsed, path


def test_project_loads_without_problems(project: Project) -> None:
    assert [str(p) for p in project.problems] == []
    assert set(project.models) == {MODEL}
    assert {name for (_model, name) in project.explores} == set(EXPLORES)
    assert {"cloudtrail_logs", "geoip", "cloudtrail_resources"} <= set(project.views)


def test_model_includes_by_explicit_globs_and_caches_only() -> None:
    model = lkml.load((BLOCK / "cloudtrail.model.lkml").read_text(encoding="utf-8"))
    assert model["connection"] == "@{CONNECTION_NAME}"
    includes = model["includes"] if "includes" in model else [model["include"]]
    assert "/views/*.view.lkml" in includes and "/explores/*.explore.lkml" in includes
    assert model["persist_with"] == "cloudtrail_cache"
    (datagroup,) = model["datagroups"]
    assert datagroup["max_cache_age"]
    # The trigger reads no table: it must not scan CloudTrail every few minutes.
    assert "from" not in datagroup["sql_trigger"].lower()
    sqlglot.parse_one(datagroup["sql_trigger"], read="athena")
    text = "\n".join(p.read_text(encoding="utf-8") for p in _lkml_files())
    for persistent in (
        "datagroup_trigger",
        "persist_for",
        "sql_trigger_value",
        "aggregate_table",
        "materialized_view",
        "increment_key",
        "create_process",
        "sql_create",
    ):
        assert persistent not in text, persistent


def test_manifest_constants_repoint_every_table(tmp_path: Path) -> None:
    manifest = lkml.load((BLOCK / "manifest.lkml").read_text(encoding="utf-8"))
    constants = {c["name"]: c["value"] for c in manifest["constants"]}
    assert constants == {
        "CONNECTION_NAME": "athena",
        "ATHENA_SCHEMA": "cloudtrail",
        "CLOUDTRAIL_TABLE": "cloudtrail_logs",
        "GEOIP_TABLE": "geoip_blocks",
    }
    # Views name no table themselves.
    for path in (BLOCK / "views").glob("*.view.lkml"):
        text = path.read_text(encoding="utf-8")
        assert "cloudtrail.cloudtrail_logs" not in text and "geoip_blocks" not in text, path
    # Changing only the manifest moves every table of the block.
    copy = tmp_path / "block"
    shutil.copytree(BLOCK, copy)
    m = copy / "manifest.lkml"
    m.write_text(
        m.read_text(encoding="utf-8")
        .replace('"cloudtrail"', '"security_lake"')
        .replace('"cloudtrail_logs"', '"org_trail"')
        .replace('"geoip_blocks"', '"ip_ranges"'),
        encoding="utf-8",
    )
    moved = load_block(copy)
    assert moved.views["cloudtrail_logs"].sql_table_name == "security_lake.org_trail"
    assert moved.views["geoip"].sql_table_name == "security_lake.ip_ranges"
    # The derived table's own SQL also takes the constants.
    dt_sql = str((moved.views["cloudtrail_resources"].derived_table or {}).get("sql"))
    assert "security_lake.org_trail" in dt_sql


def _leaf_paths(prefix: str, t: Any) -> list[str]:
    if isinstance(t, Struct):
        out: list[str] = []
        for name, sub in t.fields:
            out += _leaf_paths(f"{prefix}.{name}", sub)
        return out
    if isinstance(t, Map):
        return []  # map columns are not modelled as dimensions
    return [prefix]


def test_every_cloudtrail_column_is_modelled(project: Project) -> None:
    view = project.views["cloudtrail_logs"]
    sqls = "\n".join(f.sql or "" for f in view.fields.values()).lower()
    missing = []
    for column in CLOUDTRAIL.all_columns:
        if isinstance(column.type, Struct):
            for leaf in _leaf_paths(column.name, column.type):
                if f"${{table}}.{leaf}" not in sqls:
                    missing.append(leaf)
        elif isinstance(column.type, Array):
            if f"${{table}}.{column.name})" not in sqls:
                missing.append(column.name)
        elif not re.search(r"\$\{table\}\." + column.name + r"\b(?!\.)", sqls):
            missing.append(column.name)
    assert missing == []
    geo_sqls = "\n".join(
        (f.sql or "") + str(f.props.get("sql_latitude", "")) + str(f.props.get("sql_longitude", ""))
        for f in project.views["geoip"].fields.values()
    ).lower()
    assert [c.name for c in GEOIP.columns if f"${{table}}.{c.name}" not in geo_sqls] == []


def test_json_text_columns_are_read_with_json_functions_only() -> None:
    json_cols = "|".join(sorted(CLOUDTRAIL.json_text_columns))
    struct_access = re.compile(r"\$\{TABLE\}\.(" + json_cols + r")\s*(\.|\[)", re.I)
    for path in _lkml_files():
        text = path.read_text(encoding="utf-8")
        assert not struct_access.search(text), path


def test_primary_keys(project: Project) -> None:
    # a key every record has (a record without eventID is still counted), eventID first
    pk = project.views["cloudtrail_logs"].primary_key()
    assert pk is not None and pk.name == "event_key"
    assert re.fullmatch(r"concat_ws\('\|', \$\{TABLE\}\.eventid, .*\)", pk.sql or "")
    res_pk = project.views["cloudtrail_resources"].primary_key()
    assert res_pk is not None and "position" in (res_pk.sql or "") and "eventid" in (res_pk.sql or "")
    dt_sql = str((project.views["cloudtrail_resources"].derived_table or {}).get("sql")).upper()
    assert "WITH ORDINALITY" in dt_sql
    geo_pk = project.views["geoip"].primary_key()
    assert geo_pk is not None and "bucket" in (geo_pk.sql or "") and "network" in (geo_pk.sql or "")


def test_measures_need_no_symmetric_aggregates(project: Project) -> None:
    for view in project.views.values():
        for f in view.fields.values():
            if f.is_measure:
                assert f.type in ("count", "count_distinct", "number"), f.ref


def test_every_field_compiles_to_athena_sql(project: Project) -> None:
    for vname in ("cloudtrail_logs", "geoip", "cloudtrail_resources"):
        for f in project.views[vname].fields.values():
            sql = compile_field_sql(project, vname, f.name)
            assert "${" not in sql and "@{" not in sql, f.ref
            sqlglot.parse_one(f"SELECT {sql} FROM t AS {vname}", read="athena")


def test_explores_force_a_date_window_on_the_partition(project: Project) -> None:
    for name in EXPLORES:
        explore = project.explore(MODEL, name)
        assert explore is not None
        assert explore.always_filter == {f"{name}.event_date": "7 days"}
        where = explore.sql_always_where or ""
        assert "partition_date" in where and "date_start" in where and "date_end" in where
    geo_join = project.explore(MODEL, "cloudtrail_logs").join("geoip")  # type: ignore[union-attr]
    assert geo_join is not None and geo_join.relationship == "many_to_one"


# --------------------------------------------------------------------------- types on the engine

_TIME_FORMATS = {
    "time": r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
    "minute15": r"\d{4}-\d{2}-\d{2} \d{2}:(00|15|30|45)",
    "hour": r"\d{4}-\d{2}-\d{2} \d{2}",
    "month": r"\d{4}-\d{2}",
    "day_of_week": r"Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday",
}


def _type_error(f: Field, value: Any) -> str | None:
    """Why ``value`` is not a value of ``f``'s declared type (None when it is)."""
    if value is None:
        return None
    if f.kind == "dimension_group":
        tf = f.timeframe or "raw"
        if tf == "raw":
            ok = isinstance(value, dt.datetime)
        elif tf in ("date", "week"):
            ok = isinstance(value, dt.date) and not isinstance(value, dt.datetime)
            if ok and tf == "week":
                ok = value.weekday() == 0
        elif tf == "hour_of_day":
            ok = isinstance(value, int) and 0 <= value <= 23
        else:
            ok = isinstance(value, str) and re.fullmatch(_TIME_FORMATS[tf], value) is not None
    elif f.type == "yesno":
        ok = value in ("Yes", "No")
    elif f.type in ("number", "count", "count_distinct"):
        ok = isinstance(value, (int, float, decimal.Decimal)) and not isinstance(value, bool)
        if ok and f.type in ("count", "count_distinct"):
            ok = isinstance(value, int) and value >= 0
    elif f.type == "location":
        ok = isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?,-?\d+(\.\d+)?", value) is not None
    elif f.type == "string":
        ok = isinstance(value, str)
    else:
        return f"type {f.type} is not checked by this test"
    return None if ok else f"{value!r} ({type(value).__name__}) is not a {f.type}/{f.timeframe or ''} value"


def _fields_of(project: Project, explore: str) -> list[tuple[str, Field]]:
    views = ["cloudtrail_logs", "geoip"] if explore == "cloudtrail_logs" else ["cloudtrail_resources"]
    return [(f"{v}.{name}", f) for v in views for name, f in project.views[v].fields.items()]


@pytest.mark.parametrize("explore", EXPLORES)
def test_every_dimension_runs_and_returns_its_declared_type(
    project: Project, sample: tuple[LocalEngine, str], explore: str
) -> None:
    engine, all_days = sample
    dims = [(ref, f) for ref, f in _fields_of(project, explore) if not f.is_measure]
    assert len(dims) > 10
    # Fields run in batches (one GROUP BY query each); a batch that fails is rerun field by
    # field, so a failure names the field and the engine's message.
    errors: list[str] = []
    empty: list[str] = []
    date_filter = {f"{explore}.event_date": all_days}
    for start in range(0, len(dims), 25):
        batch = dims[start : start + 25]
        try:
            result = rows(engine.query(explore_sql(project, explore, [r for r, _f in batch], date_filter)))
            columns = {ref: [row[ref] for row in result] for ref, _f in batch}
        except Exception:
            columns = {}
            for ref, _f in batch:
                try:
                    single = engine.query(explore_sql(project, explore, [ref], date_filter))
                    columns[ref] = [r[0] for r in single.rows]
                except Exception as exc:  # the engine's message, with the field that caused it
                    errors.append(f"{ref}: {exc}")
        for ref, f in batch:
            if ref not in columns:
                continue
            values = columns[ref]
            errors += [f"{ref}: {msg}" for v in values if (msg := _type_error(f, v))][:1]
            if all(v is None for v in values) and f.name not in EMPTY_IN_SAMPLE[f.view]:
                empty.append(ref)
    assert errors == []
    assert empty == [], "fields with no value on the sample"


@pytest.mark.parametrize("explore", EXPLORES)
def test_every_measure_runs_and_returns_its_declared_type(
    project: Project, sample: tuple[LocalEngine, str], explore: str
) -> None:
    engine, all_days = sample
    measures = [(ref, f) for ref, f in _fields_of(project, explore) if f.is_measure]
    refs = [ref for ref, _ in measures]
    by_actor_dim = f"{explore}.actor"
    date_filter = {f"{explore}.event_date": all_days}
    total = rows(engine.query(explore_sql(project, explore, refs, date_filter)))
    grouped = rows(engine.query(explore_sql(project, explore, [by_actor_dim, *refs], date_filter)))
    assert len(total) == 1 and len(grouped) > 1
    for ref, f in measures:
        for row in [*total, *grouped]:
            assert _type_error(f, row[ref]) is None, (ref, row[ref])
    # Counts split over a dimension add up to the total (nothing lost, nothing repeated).
    for ref, f in measures:
        if f.type == "count":
            assert sum(r[ref] for r in grouped) == total[0][ref], ref
    if explore == "cloudtrail_logs":
        t = total[0]
        assert t["cloudtrail_logs.events"] > 0
        assert t["cloudtrail_logs.events"] == t["cloudtrail_logs.event_id_count"]
        assert t["cloudtrail_logs.console_logins"] == (
            t["cloudtrail_logs.console_login_successes"] + t["cloudtrail_logs.console_login_failures"]
        )
        assert t["cloudtrail_logs.error_rate"] == pytest.approx(
            t["cloudtrail_logs.errors"] / t["cloudtrail_logs.events"]
        )
        assert t["cloudtrail_logs.events_outside_partition_margin"] == 0
        # The Account filter is on the key's account; Account ID on recipientAccountId: they agree.
        assert t["cloudtrail_logs.events_logged_for_other_account"] == 0


def test_geo_join_never_repeats_an_event(project: Project, sample: tuple[LocalEngine, str]) -> None:
    engine, all_days = sample
    date_filter = {"cloudtrail_logs.event_date": all_days}
    plain = rows(
        engine.query(explore_sql(project, "cloudtrail_logs", ["cloudtrail_logs.events"], date_filter))
    )
    by_country = rows(
        engine.query(
            explore_sql(project, "cloudtrail_logs", ["geoip.country", "cloudtrail_logs.events"], date_filter)
        )
    )
    assert sum(r["cloudtrail_logs.events"] for r in by_country) == plain[0]["cloudtrail_logs.events"]
    assert any(r["geoip.country"] for r in by_country), "no source IP was located"
    assert any(r["geoip.country"] is None for r in by_country), "AWS-service and private IPs have no location"


def test_dashboards_directory_holds_the_four_dashboards() -> None:
    names = sorted(p.name for p in DASHBOARDS.glob("*.dashboard.lookml"))
    assert len(names) == 4, names


@pytest.mark.parametrize("view", ["cloudtrail_logs", "geoip", "cloudtrail_resources"])
def test_primary_keys_are_unique_and_never_null_on_the_sample(
    project: Project, sample: tuple[LocalEngine, str], view: str
) -> None:
    engine, _days = sample
    pk = project.views[view].primary_key()
    assert pk is not None
    key = compile_field_sql(project, view, pk.name)
    source = from_clause(project, project.views[view])
    (counts,) = engine.query(f"SELECT COUNT(*), COUNT(DISTINCT {key}), COUNT({key}) FROM {source}").rows
    assert counts[0] > 0
    assert counts[0] == counts[1] == counts[2], (
        f"{view}.{pk.name}: rows, distinct keys, non-null keys = {counts}"
    )
