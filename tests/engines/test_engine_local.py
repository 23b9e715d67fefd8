"""The embedded engine: loading CloudTrail files, translating Athena SQL, partition pruning."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import duckdb
import pytest

from looker_ops.engines import translate as athena_sql
from looker_ops.engines.local import EngineError, LocalEngine, bundled_sample_dir
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP
from looker_ops.sample_data.generate import SAMPLE_IP_COUNTRIES, generate, iter_records

FIXTURES = Path(__file__).parents[1] / "engine"


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ct")
    generate(root, days=10, seed=7, end=dt.date(2026, 11, 20))
    return root


@pytest.fixture(scope="module")
def engine(sample_dir: Path) -> Any:
    with LocalEngine(sample_dir, geoip_dir=sample_dir / "geoip") as eng:
        yield eng


@pytest.fixture(scope="module")
def records(sample_dir: Path) -> list[dict[str, Any]]:
    return [r for _, r in iter_records(sample_dir)]


def _scalar(engine: LocalEngine, sql: str) -> Any:
    return engine.query(sql).rows[0][0]


# --------------------------------------------------------------------------- loading


def test_columns_and_types_are_the_schema(engine: LocalEngine) -> None:
    got = engine.query("SELECT * FROM cloudtrail_logs LIMIT 0")
    assert got.columns == [c.name for c in CLOUDTRAIL.all_columns]
    ref = duckdb.connect()
    ref.execute(
        "CREATE TABLE t (" + ", ".join(f'"{c.name}" {c.type.duckdb()}' for c in CLOUDTRAIL.all_columns) + ")"
    )
    want = [str(d[1]) for d in ref.execute("SELECT * FROM t").description]
    assert got.types == want
    geo = engine.query("SELECT * FROM geoip_blocks LIMIT 0")
    assert geo.columns == [c.name for c in GEOIP.columns]
    assert geo.types == [c.type.duckdb() for c in GEOIP.columns]


def test_s3_layout_loads_every_record_with_partitions(
    engine: LocalEngine, sample_dir: Path, records: list[dict[str, Any]]
) -> None:
    assert engine.problems == []
    assert _scalar(engine, "SELECT count(*) FROM cloudtrail_logs") == len(records)
    files = engine.files()
    assert len(files) == len(list(sample_dir.rglob("*.json.gz")))
    for f in files:
        parts = f.path.relative_to(sample_dir).parts
        assert (f.account, f.region, f.dt) == (parts[1], parts[3], "/".join(parts[4:7]))
    per_file = {str(f.path): f.records for f in files}
    assert sum(per_file.values()) == len(records)
    rows = engine.query(
        "SELECT account, region, dt, recipientaccountid, awsregion, eventtime FROM cloudtrail_logs"
    ).rows
    for account, region, day, recipient, awsregion, eventtime in rows:
        assert (account, region, day) == (recipient, awsregion, eventtime[:10].replace("-", "/"))


def test_values_as_athena_serde_reads_them(engine: LocalEngine, records: list[dict[str, Any]]) -> None:
    rec = next(r for r in records if r.get("resources") and r["eventName"] == "AssumeRole")
    row = engine.query(
        "SELECT requestparameters, responseelements, readonly, resources[1].arn, useridentity.invokedby "
        f"FROM cloudtrail_logs WHERE eventid = '{rec['eventID']}'"
    ).rows[0]
    assert json.loads(row[0]) == rec["requestParameters"]
    assert '"roleSessionName"' in row[0]  # camelCase keys kept in JSON text columns
    assert json.loads(row[1]) == rec["responseElements"]
    assert row[2] == "false"  # JSON boolean in a STRING column
    assert row[3] == rec["resources"][0]["ARN"]  # struct keys matched case-insensitively
    assert row[4] == "ec2.amazonaws.com"


def test_flat_plain_json_and_single_file(tmp_path: Path) -> None:
    for src in (FIXTURES / "flat_two_records.json", tmp_path / "flat"):
        if src.name == "flat":
            src.mkdir()
            shutil.copy(FIXTURES / "flat_two_records.json", src / "a.json")
            (src / "b.json.gz").write_bytes(gzip.compress((FIXTURES / "flat_two_records.json").read_bytes()))
            (src / "notes.txt").write_text("not a log")
        with LocalEngine(src) as eng:
            n_files = 1 if src.is_file() else 2
            # two copies of one file: every eventID is shared by two identical records
            assert [p.message for p in eng.problems] == [
                f"eventID {i} is shared by 2 identical records (counted once) (also in {src / 'b.json.gz'})"
                for i in ("7d4e9f0a-0000-4000-8000-000000000002", "7d4e9f0a-0000-4000-8000-000000000003")
            ][: 2 * (n_files - 1)]
            assert _scalar(eng, "SELECT count(*) FROM cloudtrail_logs") == 2 * n_files
            assert sorted({(f.account, f.region, f.dt) for f in eng.files()}) == [
                ("123456789012", "ap-southeast-2", "2026/03/01"),
                ("123456789012", "ap-southeast-2", "2026/03/02"),
            ]
            res = eng.query("SELECT count(*) FROM cloudtrail_logs WHERE dt = '2026/03/02'")
            assert res.rows == [(n_files,)] and res.files_scanned == n_files


def test_keys_in_any_case_read_as_the_serde_reads_them(tmp_path: Path) -> None:
    """CloudTrail's own spelling is read as it is; a key spelt in another case is matched
    case-insensitively (as Athena's SerDe does); keys the table has no column for are ignored."""
    records = [
        {  # CloudTrail's spelling, plus keys the table does not have (at every level)
            "eventID": "canonical",
            "eventTime": "2026-01-01T00:00:00Z",
            "insightDetails": {"state": "Start"},
            "userIdentity": {"type": "IAMUser", "principalId": "P1", "identityStoreUserId": "x"},
            "resources": [{"ARN": "arn:1", "accountId": "1", "type": "AWS::S3::Bucket", "extra": 1}],
        },
        {  # the same fields spelt otherwise
            "EventID": "respelt",
            "EVENTTIME": "2026-01-01T00:00:00Z",
            "useridentity": {
                "Type": "Root",
                "PRINCIPALID": "P2",
                "sessionContext": {"Attributes": {"MFAAuthenticated": "true"}},
            },
            "Resources": [{"arn": "arn:2", "AccountID": "2", "TYPE": "AWS::IAM::Role"}],
            "tlsdetails": {"TLSVersion": "TLSv1.3"},
        },
    ]
    (tmp_path / "a.json").write_text(json.dumps({"Records": records}))
    with LocalEngine(tmp_path) as eng:
        rows = eng.query(
            "SELECT eventid, useridentity.type, useridentity.principalid, "
            "useridentity.sessioncontext.attributes.mfaauthenticated, resources[1].arn, "
            "resources[1].accountid, resources[1].type, tlsdetails.tlsversion, eventtime "
            "FROM cloudtrail_logs ORDER BY eventid"
        ).rows
        assert eng.problems == []
    assert rows == [
        ("canonical", "IAMUser", "P1", None, "arn:1", "1", "AWS::S3::Bucket", None, "2026-01-01T00:00:00Z"),
        ("respelt", "Root", "P2", "true", "arn:2", "2", "AWS::IAM::Role", "TLSv1.3", "2026-01-01T00:00:00Z"),
    ]


def test_a_record_spelt_as_cloudtrail_spells_it_is_written_as_read() -> None:
    """The fast path: a record in CloudTrail's spelling is checked, not rebuilt."""
    from looker_ops.engines.records import normalise

    identity = {"type": "AssumedRole", "sessionContext": {"sessionIssuer": {"userName": "r"}}}
    resources = [{"ARN": "a", "type": "t"}, None]
    record = {"eventID": "e", "userIdentity": identity, "resources": resources}
    out = normalise(record)
    assert out is record and out["userIdentity"] is identity and out["resources"] is resources
    respelt = normalise({"eventID": "e", "userIdentity": {"Type": "Root"}})
    assert respelt["userIdentity"] == {"type": "Root"}


def test_organization_trail_layout(tmp_path: Path, sample_dir: Path) -> None:
    src = next(sample_dir.rglob("*.json.gz"))
    parts = src.relative_to(sample_dir).parts  # AWSLogs/<acct>/CloudTrail/<region>/Y/M/D/name
    dest = tmp_path.joinpath("AWSLogs", "o-abc123def4", *parts[1:])
    dest.parent.mkdir(parents=True)
    shutil.copy(src, dest)
    with LocalEngine(tmp_path) as eng:
        [f] = eng.files()
        assert (f.account, f.region, f.dt) == (parts[1], parts[3], "/".join(parts[4:7]))


def test_missing_optional_fields_are_null(tmp_path: Path) -> None:
    with LocalEngine(FIXTURES / "flat_two_records.json") as eng:
        row = eng.query(
            "SELECT useridentity, errorcode, resources, additionaleventdata, requestparameters, readonly, "
            "tlsdetails, useragent FROM cloudtrail_logs WHERE eventname = 'GetCallerIdentity'"
        ).rows[0]
    assert row == (None,) * 8


def test_malformed_files_are_reported_and_skipped(tmp_path: Path) -> None:
    good = {
        "Records": [
            {"eventID": "e1", "eventTime": "2026-01-01T00:00:00Z"},
            {"eventID": "e2", "userIdentity": "not-an-object"},
            7,
            {"eventID": "e3", "resources": {"ARN": "x"}},
            {"eventID": "e4", "eventTime": "2026-01-01T01:00:00Z"},
        ]
    }
    (tmp_path / "good.json").write_text(json.dumps(good))
    (tmp_path / "badgzip.json.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    (tmp_path / "notjson.json").write_text("{Records: oops")
    (tmp_path / "norecords.json").write_text('{"Digest": true}')
    (tmp_path / "recordsnotlist.json").write_text('{"Records": {"a": 1}}')
    (tmp_path / "binary.json").write_bytes(b"\xff\xfe\x00bad")
    digest = tmp_path / "AWSLogs" / "123456789012" / "CloudTrail-Digest" / "us-east-1"
    digest.mkdir(parents=True)
    (digest / "d.json.gz").write_bytes(gzip.compress(b'{"digestStartTime": "x"}'))
    with LocalEngine(tmp_path) as eng:
        ids = [r[0] for r in eng.query("SELECT eventid FROM cloudtrail_logs ORDER BY 1").rows]
        problems = {(Path(p.file).name, p.message.split(":")[0]) for p in eng.problems}
    assert ids == ["e1", "e4"]
    by_file = Counter(name for name, _ in problems)
    assert set(by_file) == {
        "good.json",
        "badgzip.json.gz",
        "notjson.json",
        "norecords.json",
        "recordsnotlist.json",
        "binary.json",
    }
    assert {m for n, m in problems if n == "good.json"} == {
        "record 1 (eventID e2)",
        "record 2",
        "record 3 (eventID e3)",
    }
    assert ("notjson.json", "not JSON") in problems


def test_json_error_wording_has_one_at(tmp_path: Path) -> None:
    (tmp_path / "half.json").write_text('{"Records": [{"eventName": "Cons')
    (tmp_path / "empty.json").write_text("")
    with LocalEngine(tmp_path) as eng:
        messages = {Path(p.file).name: p.message for p in eng.problems}
    assert messages["half.json"] == "not JSON: Unterminated string starting at line 1 column 28"
    assert messages["empty.json"] == "not JSON: Expecting value at line 1 column 1"
    assert all(" at at " not in m for m in messages.values())


def test_truncated_half_written_and_non_list_files_are_problems(tmp_path: Path) -> None:
    record = {"eventID": "ok", "eventTime": "2026-11-19T10:00:00Z", "awsRegion": "us-east-1"}
    full = gzip.compress(json.dumps({"Records": [record]}).encode())
    (tmp_path / "good.json.gz").write_bytes(full)
    (tmp_path / "trunc.json.gz").write_bytes(full[: len(full) // 2])
    (tmp_path / "half.json").write_text('{"Records": [{"eventName": "Cons')
    (tmp_path / "five.json").write_text('{"Records": 5}')
    with LocalEngine(tmp_path) as eng:
        assert _scalar(eng, "SELECT count(*) FROM cloudtrail_logs") == 1
        problems = {Path(p.file).name: p.message for p in eng.problems}
    assert set(problems) == {"trunc.json.gz", "half.json", "five.json"}
    assert problems["trunc.json.gz"].startswith("cannot decompress")
    assert problems["five.json"] == '"Records" is not an array'


@pytest.mark.parametrize("layout", ["empty", "other_files", "digest_only"])
def test_a_folder_without_log_files_is_bad_input(tmp_path: Path, layout: str) -> None:
    if layout == "other_files":
        (tmp_path / "notes.txt").write_text("not a log")
        (tmp_path / "sub").mkdir()
        (tmp_path / "sub" / "data.csv").write_text("a,b\n")
    if layout == "digest_only":
        digest = tmp_path / "AWSLogs" / "123456789012" / "CloudTrail-Digest" / "us-east-1"
        digest.mkdir(parents=True)
        (digest / "d.json.gz").write_bytes(gzip.compress(b'{"Records": []}'))
    with pytest.raises(BadInput) as err:
        LocalEngine(tmp_path)
    assert err.value.message == f"{tmp_path}: no CloudTrail log files (*.json, *.json.gz) found"
    assert err.value.exit_code == 2


def test_geoip_csv_and_empty_default(sample_dir: Path, tmp_path: Path) -> None:
    with LocalEngine(FIXTURES / "flat_two_records.json") as eng:
        assert _scalar(eng, "SELECT count(*) FROM geoip_blocks") == 0
        assert eng.query(
            "SELECT g.country_name FROM cloudtrail_logs c LEFT JOIN geoip_blocks g ON g.network = c.sourceipaddress"
        ).rows
    with LocalEngine(FIXTURES / "flat_two_records.json", geoip_dir=sample_dir / "geoip") as eng:
        rows = dict(eng.query("SELECT network, country_iso_code FROM geoip_blocks").rows)
        assert set(rows.values()) == set(SAMPLE_IP_COUNTRIES.values())
        assert _scalar(eng, "SELECT typeof(ip_start) FROM geoip_blocks LIMIT 1") == "BIGINT"
    (tmp_path / "g.csv").write_text("network,country_name\n1.0.0.0/24,X\n")
    with pytest.raises(BadInput, match=r"g\.csv.*ip_version"):
        LocalEngine(FIXTURES / "flat_two_records.json", geoip_dir=tmp_path)


def test_bundled_sample_is_the_default() -> None:
    with LocalEngine() as eng:
        assert eng.data_dir == bundled_sample_dir()
        assert eng.problems == []
        assert _scalar(eng, "SELECT count(DISTINCT dt) FROM cloudtrail_logs") == 10
        assert _scalar(eng, "SELECT count(*) FROM geoip_blocks") > 0


# --------------------------------------------------------------------------- translation fixes


def test_every_fix_names_the_nodes_it_rewrites_and_runs_only_when_they_are_there(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """translate_tree skips a fix whose node types are not in the tree, and sees the nodes a
    fix adds (CAST(json_extract(...) AS VARCHAR) becomes json_extract_scalar, which a later fix
    rewrites)."""
    import sqlglot

    assert set(athena_sql.TRIGGERS) == set(athena_sql.FIXES)
    ran: list[str] = []
    for fix in athena_sql.FIXES:
        spy = (lambda f: lambda tree: ran.append(f.__name__) or f(tree))(fix)
        monkeypatch.setitem(athena_sql.TRIGGERS, spy, athena_sql.TRIGGERS[fix])
    monkeypatch.setattr(
        athena_sql, "FIXES", tuple(k for k in athena_sql.TRIGGERS if k not in athena_sql.FIXES)
    )
    athena_sql.translate_tree(sqlglot.parse_one("SELECT a, count(*) FROM t GROUP BY 1", read="athena"))
    assert ran == []
    tree = sqlglot.parse_one("SELECT CAST(json_extract(j, '$.a') AS VARCHAR) FROM t", read="athena")
    out = athena_sql.to_duckdb(athena_sql.translate_tree(tree))
    # the cast became json_extract_scalar (no cast left for the cast fixes), whose rewrite
    # (json_type(...)) is an anonymous function: the two fixes of anonymous functions look at it
    assert ran == [
        "fix_cast_json_to_varchar",
        "fix_json_extract_scalar",
        "fix_array_match",
        "fix_format_datetime",
    ]
    assert "JSON_TYPE" in out.upper()


def test_fix_integer_division(engine: LocalEngine) -> None:
    row = engine.query(
        "SELECT 7 / 2, -7 / 2, CAST(7 AS DOUBLE) / 2, count(*) / count(*), 7 / 2.0, "
        "max(ip_start) / 65536 = max(bucket) FROM geoip_blocks"
    ).rows[0]
    assert row[:3] == (3, -3, 3.5)
    assert row[3] == 1 and row[4] == 3.5 and row[5] is True
    assert "//" in athena_sql.to_duckdb(
        athena_sql.fix_integer_division(
            __import__("sqlglot").parse_one("SELECT a.bucket / 2 FROM t AS a", read="athena")
        )
    )


def test_fix_unnest_row_expansion_with_ordinality(engine: LocalEngine, records: list[dict[str, Any]]) -> None:
    res = engine.query(
        "SELECT c.eventid, r.arn, r.type, r.accountid, r.pos FROM cloudtrail_logs AS c "
        "CROSS JOIN UNNEST(c.resources) WITH ORDINALITY AS r(arn, accountid, type, pos)"
    )
    want = sorted(
        (rec["eventID"], res_["ARN"], res_["type"], res_.get("accountId"), pos)
        for rec in records
        for pos, res_ in enumerate(rec.get("resources") or [], start=1)
    )
    assert sorted(res.rows) == want
    assert len({(r[0], r[4]) for r in res.rows}) == len(res.rows)  # event id + position is unique
    plain = engine.query(
        "SELECT count(*) FROM cloudtrail_logs CROSS JOIN UNNEST(resources) AS r(arn, accountid, type)"
    )
    assert plain.rows == [(len(want),)]


def test_fix_approx_distinct_is_exact(engine: LocalEngine, records: list[dict[str, Any]]) -> None:
    got = _scalar(engine, "SELECT approx_distinct(eventid) FROM cloudtrail_logs")
    assert got == len({r["eventID"] for r in records})


def test_fix_json_extract_scalar_on_objects(engine: LocalEngine) -> None:
    row = engine.query(
        'SELECT json_extract_scalar(\'{"a":{"b":1},"c":"x","d":[1]}\', \'$.a\'), '
        'json_extract_scalar(\'{"a":{"b":1},"c":"x"}\', \'$.c\'), '
        "json_extract_scalar('{\"d\":[1]}', '$.d'), json_extract_scalar('{\"d\":[1]}', '$.d[0]'), "
        "json_extract_scalar('{\"d\":1}', '$.missing')"
    ).rows[0]
    assert row == (None, "x", None, "1", None)


def test_fix_cast_json_to_varchar(engine: LocalEngine) -> None:
    row = engine.query(
        'SELECT CAST(json_extract(\'{"a":"x","n":5}\', \'$.a\') AS VARCHAR), '
        "CAST(json_extract('{\"n\":5}', '$.n') AS VARCHAR), json_format(json_extract('{\"a\":\"x\"}', '$.a'))"
    ).rows[0]
    assert row == ("x", "5", '"x"')


def test_fix_array_match(engine: LocalEngine) -> None:
    arr = 'CAST(json_extract(\'{"i":[{"c":"0.0.0.0/0"},{"c":"10.0.0.0/8"}]}\', \'$.i\') AS ARRAY(JSON))'
    pred = "j -> json_extract_scalar(j, '$.c') = '0.0.0.0/0'"
    row = engine.query(
        f"SELECT any_match({arr}, {pred}), all_match({arr}, {pred}), none_match({arr}, {pred}), "
        "any_match(CAST(ARRAY[] AS ARRAY(INTEGER)), x -> x > 0), all_match(CAST(ARRAY[] AS ARRAY(INTEGER)), x -> x > 0)"
    ).rows[0]
    assert row == (True, False, False, False, True)


def test_fix_format_datetime(engine: LocalEngine) -> None:
    got = _scalar(
        engine,
        "SELECT format_datetime(from_iso8601_timestamp('2026-11-22T10:37:05Z'), 'yyyy-MM-dd HH:mm:ss EEE')",
    )
    assert got == "2026-11-22 10:37:05 Sun"
    assert athena_sql.joda_to_strftime("yyyy'T'HH '%'") == "%YT%H %%"


def test_fix_date_diff_counts_whole_units_like_trino(engine: LocalEngine) -> None:
    row = engine.query(
        "SELECT date_diff('day', TIMESTAMP '2026-11-01 23:00:00', TIMESTAMP '2026-11-02 01:00:00'), "
        "date_diff('day', TIMESTAMP '2026-11-01 23:00:00', TIMESTAMP '2026-11-02 23:00:00'), "
        "date_diff('day', TIMESTAMP '2026-11-02 01:00:00', TIMESTAMP '2026-11-01 00:00:00'), "
        "date_diff('hour', from_iso8601_timestamp('2026-11-01T10:59:00Z'), "
        "from_iso8601_timestamp('2026-11-01T11:58:00Z')), "
        "date_diff('week', DATE '2026-11-01', DATE '2026-11-07'), "
        "date_diff('day', DATE '2026-11-01', DATE '2026-11-03')"
    ).rows[0]
    assert row == (0, 1, -1, 0, 0, 2)


def test_fix_varchar_to_integer_cast_is_strict(engine: LocalEngine) -> None:
    for sql in (
        "SELECT CAST('1.5' AS INTEGER)",
        "SELECT CAST('12abc' AS BIGINT)",
        "SELECT CAST(json_extract_scalar('{\"p\":\"2.5\"}', '$.p') AS BIGINT)",
        "SELECT CAST(eventname AS BIGINT) FROM cloudtrail_logs",
    ):
        with pytest.raises(EngineError, match="Cannot cast"):
            engine.query(sql)
    row = engine.query(
        "SELECT CAST('12' AS INTEGER), CAST(' -3 ' AS BIGINT), CAST(NULL AS BIGINT), CAST(1.5 AS BIGINT), "
        "TRY_CAST('1.5' AS BIGINT), TRY_CAST('7' AS BIGINT), TRY_CAST('x' AS INTEGER), "
        "CAST(split_part('10.1.2.3', '.', 2) AS BIGINT)"
    ).rows[0]
    assert row == (12, -3, None, 2, None, 7, None, 1)  # a DOUBLE still rounds, as in Athena


def test_fix_substr_start_zero_is_empty(engine: LocalEngine) -> None:
    row = engine.query(
        "SELECT substr('abc', 0, 2), substr('abc', 0), substr('abc', 1, 2), substr('abc', -2), "
        "substr(CAST(NULL AS VARCHAR), 0, 1), substr('abc', -5), substr('hello', 3, -2), "
        "CASE WHEN true THEN substr('abc', 0, 1) END"
    ).rows[0]
    assert row == ("", "", "ab", "bc", None, "", "", "")
    got = engine.query("SELECT x, substr('abcdef', x, 2) FROM (VALUES 0, 1, 3, -9) AS t(x) ORDER BY x").rows
    assert got == [(-9, ""), (0, ""), (1, "ab"), (3, "cd")]


def test_fix_exact_division_by_zero_fails(engine: LocalEngine) -> None:
    for sql in (
        "SELECT 1 / 0",
        "SELECT 1 / 0.0",
        "SELECT CAST(5 AS DECIMAL(10, 2)) / 0",
        "SELECT 7 / (2 - 2.0)",
    ):
        with pytest.raises(EngineError, match="Division by zero"):
            engine.query(sql)
    row = engine.query("SELECT CAST(1 AS DOUBLE) / 0.0, 3 / 2.0, 10 / 4, 1 / NULLIF(0, 0)").rows[0]
    assert row == (float("inf"), 1.5, 2, None)  # DOUBLE: Infinity in Athena too


def test_timezone_is_utc(engine: LocalEngine) -> None:
    row = engine.query(
        "SELECT hour(from_iso8601_timestamp('2026-11-20T23:30:00+02:00')), "
        "date_format(from_iso8601_timestamp('2026-11-20T23:30:00Z'), '%Y-%m-%d %H:%i'), "
        "date_trunc('day', from_iso8601_timestamp('2026-11-20T23:30:00Z')) = TIMESTAMP '2026-11-20 00:00:00'"
    ).rows[0]
    assert row == (21, "2026-11-20 23:30", True)


def test_athena_functions_the_block_uses(engine: LocalEngine) -> None:
    row = engine.query(
        "SELECT day_of_week(from_iso8601_timestamp('2026-11-22T10:00:00Z')), "  # a Sunday: 7
        "regexp_like('10.1.2.3', '^10\\.'), split_part('a:b:c', ':', 2), cardinality(ARRAY[1, 2, 3]), "
        "element_at(ARRAY['x', 'y'], 2), try_cast('nope' AS BIGINT), "
        'CAST(json_extract(\'{"i":[{"c":"0.0.0.0/0"},{"c":"::/0"}]}\', \'$.i\') AS ARRAY(JSON)), '
        "from_iso8601_timestamp('2026-11-18T10:00:00Z') >= TIMESTAMP '2026-11-18 00:00:00', "
        "date_format(TIMESTAMP '2026-11-18 00:00:00', '%Y/%m/%d')"
    ).rows[0]
    assert row[:6] == (7, True, "b", 3, "y", None)
    assert [json.loads(x)["c"] for x in row[6]] == ["0.0.0.0/0", "::/0"]
    assert row[7:] == (True, "2026/11/18")


def test_sql_errors_are_engine_errors(engine: LocalEngine) -> None:
    with pytest.raises(EngineError) as bad_col:
        engine.query("SELECT no_such_column FROM cloudtrail_logs")
    assert bad_col.value.exit_code == 2 and "no_such_column" in bad_col.value.message.splitlines()[0]
    with pytest.raises(EngineError):
        engine.query("SELECT FROM WHERE (")
    with pytest.raises(EngineError, match="one SQL statement"):
        engine.query("SELECT 1; SELECT 2")


# --------------------------------------------------------------------------- table names


def test_table_names_any_qualifier(sample_dir: Path, records: list[dict[str, Any]]) -> None:
    with LocalEngine(sample_dir, table_names={"My_Trail": "cloudtrail_logs", "geo": "geoip_blocks"}) as eng:
        assert _scalar(eng, 'SELECT count(*) FROM "db"."my_trail"') == len(records)
        assert _scalar(eng, "SELECT count(my_trail.eventid) FROM awsdatacatalog.db.MY_TRAIL") == len(records)
        assert _scalar(eng, "SELECT count(*) FROM x.geo") == 0
    with LocalEngine(sample_dir) as eng:
        n = _scalar(eng, "SELECT count(cloudtrail.cloudtrail_logs.eventid) FROM cloudtrail.cloudtrail_logs")
        assert n == len(records)
        cte = (
            "WITH cloudtrail_logs AS (SELECT eventid FROM cloudtrail.cloudtrail_logs WHERE eventname = 'ConsoleLogin') "
            "SELECT count(*) FROM cloudtrail_logs"
        )
        assert _scalar(eng, cte) == sum(r["eventName"] == "ConsoleLogin" for r in records)
    with pytest.raises(BadInput, match="table_names"):
        LocalEngine(sample_dir, table_names={"x": "nope"})


# --------------------------------------------------------------------------- partition pruning


def _files_on(engine: LocalEngine, days: set[str]) -> int:
    return len({f.path for f in engine.files() if f.dt in days})


def test_pruning_date_window(engine: LocalEngine, records: list[dict[str, Any]]) -> None:
    sql = (
        "SELECT count(*) FROM cloudtrail.cloudtrail_logs AS ct "
        "WHERE ct.dt BETWEEN '2026/11/13' AND '2026/11/14' AND ct.eventname <> 'x'"
    )
    res = engine.query(sql)
    want = sum(r["eventTime"][:10] in ("2026-11-13", "2026-11-14") for r in records)
    assert res.rows == [(want,)]
    assert res.files_scanned == _files_on(engine, {"2026/11/13", "2026/11/14"})
    assert 0 < res.files_scanned < len({f.path for f in engine.files()})
    assert res.partition_filter == "ct.dt BETWEEN '2026/11/13' AND '2026/11/14'"


def test_tiles_of_one_window_share_one_view_of_its_segments(
    engine: LocalEngine, records: list[dict[str, Any]]
) -> None:
    """Queries over the same partition window read the same view of its segments (made once);
    another window gets its own; the counts are those of the records."""
    where = "WHERE ct.dt BETWEEN '2026/11/13' AND '2026/11/14'"
    first = f"SELECT count(*) FROM cloudtrail.cloudtrail_logs AS ct {where}"
    second = f"SELECT ct.eventname, count(*) FROM cloudtrail.cloudtrail_logs AS ct {where} GROUP BY 1"
    other = "SELECT count(*) FROM cloudtrail.cloudtrail_logs AS ct WHERE ct.dt = '2026/11/15'"
    views = [re.findall(r"cloudtrail_logs_segments_\d+", engine.translate(q)) for q in (first, second, other)]
    assert len(views[0]) == 1 and views[0] == views[1] and views[2] != views[0]
    want = sum(r["eventTime"][:10] in ("2026-11-13", "2026-11-14") for r in records)
    assert engine.query(first).rows == [(want,)]
    assert sum(n for _, n in engine.query(second).rows) == want
    assert engine.query(other).rows == [(sum(r["eventTime"][:10] == "2026-11-15" for r in records),)]


def test_pruning_through_looker_parentheses(engine: LocalEngine) -> None:
    res = engine.query(
        "SELECT COUNT(DISTINCT cloudtrail_logs.eventid) FROM cloudtrail.cloudtrail_logs AS cloudtrail_logs "
        "WHERE (((cloudtrail_logs.dt) >= '2026/11/18' AND (cloudtrail_logs.dt) < '2026/11/19')) "
        "AND ((cloudtrail_logs.eventname) = 'ConsoleLogin')"
    )
    assert res.files_scanned == _files_on(engine, {"2026/11/18"})
    assert (
        res.partition_filter == "(cloudtrail_logs.dt) >= '2026/11/18' AND (cloudtrail_logs.dt) < '2026/11/19'"
    )


def test_pruning_with_functions_and_account(engine: LocalEngine, records: list[dict[str, Any]]) -> None:
    res = engine.query(
        "SELECT count(*) FROM cloudtrail_logs WHERE dt >= date_format(TIMESTAMP '2026-11-19 00:00:00', '%Y/%m/%d') "
        "AND account = '111122223333' AND region IN ('us-east-1')"
    )
    want = [
        r
        for r in records
        if r["eventTime"] >= "2026-11-19"
        and r["recipientAccountId"] == "111122223333"
        and r["awsRegion"] == "us-east-1"
    ]
    assert res.rows == [(len(want),)]
    expected = {
        f.path
        for f in engine.files()
        if f.dt >= "2026/11/19" and f.account == "111122223333" and f.region == "us-east-1"
    }
    assert res.files_scanned == len(expected)


def test_pruning_in_subquery_and_cte(engine: LocalEngine) -> None:
    sub = engine.query(
        "SELECT n FROM (SELECT count(*) AS n FROM cloudtrail_logs WHERE dt = '2026/11/20') AS x"
    )
    cte = engine.query(
        "WITH w AS (SELECT eventid FROM cloudtrail_logs WHERE dt = '2026/11/20') SELECT count(*) FROM w"
    )
    assert sub.rows == cte.rows
    assert sub.files_scanned == cte.files_scanned == _files_on(engine, {"2026/11/20"})


def test_no_pruning_when_unsafe(engine: LocalEngine) -> None:
    all_files = len({f.path for f in engine.files()})
    mixed = engine.query(
        "SELECT count(*) FROM cloudtrail_logs WHERE dt = '2026/11/20' OR eventname = 'ConsoleLogin'"
    )
    assert mixed.files_scanned == all_files and mixed.partition_filter is None
    none = engine.query("SELECT count(*) FROM cloudtrail_logs")
    assert none.files_scanned == all_files and none.partition_filter is None
    outer = engine.query(
        "SELECT count(*) FROM geoip_blocks g LEFT JOIN cloudtrail_logs c ON c.sourceipaddress = g.network "
        "WHERE c.dt = '2026/11/20' OR c.dt IS NULL"
    )
    assert outer.files_scanned == all_files
    empty = engine.query("SELECT count(*) FROM cloudtrail_logs WHERE dt = '1999/01/01'")
    assert empty.rows == [(0,)] and empty.files_scanned == 0


def test_pruned_and_unpruned_results_agree(engine: LocalEngine) -> None:
    pruned = engine.query(
        "SELECT eventname, count(*) FROM cloudtrail_logs WHERE dt BETWEEN '2026/11/15' AND '2026/11/16' "
        "GROUP BY 1 ORDER BY 1"
    )
    # same predicate, written so it also touches a non-partition column: no pruning
    full = engine.query(
        "SELECT eventname, count(*) FROM cloudtrail_logs "
        "WHERE CASE WHEN eventid IS NULL THEN NULL ELSE dt END BETWEEN '2026/11/15' AND '2026/11/16' "
        "GROUP BY 1 ORDER BY 1"
    )
    assert pruned.rows == full.rows and pruned.rows
    assert pruned.files_scanned < full.files_scanned


# --------------------------------------------------------------------------- on-demand loading


def test_files_outside_a_querys_partitions_are_never_opened(tmp_path: Path, sample_dir: Path) -> None:
    shutil.copytree(sample_dir / "AWSLogs", tmp_path / "AWSLogs")
    files = sorted((tmp_path / "AWSLogs").rglob("*.json.gz"))
    days = sorted({"/".join(f.parent.parts[-3:]) for f in files})
    first_day = [f for f in files if "/".join(f.parent.parts[-3:]) == days[0]]
    last_day = [f for f in files if "/".join(f.parent.parts[-3:]) == days[-1]]
    first_day[0].write_bytes(b"\x1f\x8b not gzip")  # would be a load problem if it were opened
    with LocalEngine(tmp_path, progress=False) as eng:
        assert eng.files_opened == 0 and {f.records for f in eng.files()} == {None}
        res = eng.query(f"SELECT count(*) FROM cloudtrail_logs WHERE dt = '{days[-1]}'")
        assert res.files_scanned == res.files_opened == eng.files_opened == len(last_day)
        assert eng.problems == []
        again = eng.query(f"SELECT count(DISTINCT eventname) FROM cloudtrail_logs WHERE dt = '{days[-1]}'")
        assert again.files_opened == 0 and again.files_scanned == len(last_day)
        loaded = {f.path for f in eng.files() if f.records is not None}
        assert loaded == set(last_day)
        everything = eng.query("SELECT count(*) FROM cloudtrail_logs")  # unpruned: loads the rest
        assert everything.files_opened == len(files) - len(last_day) == eng.files_opened - len(last_day)
        assert [Path(p.file) for p in eng.problems] == [first_day[0]]


def test_progress_is_live_on_a_terminal_and_plain_elsewhere() -> None:
    import io

    from looker_ops.engines.loader import Progress

    live = Progress(io.StringIO(), live=True)
    live.begin()
    live.last -= 1  # as if the last update were a second ago
    live.update(3, 10, 300)
    live.end(10, 1000)
    assert live.stream.getvalue().startswith("\rloading logs: 3/10 files, 300 records\r\x1b[K")  # type: ignore[attr-defined]
    plain = Progress(io.StringIO(), live=False)
    plain.begin()
    plain.update(3, 10, 300)  # a short load prints nothing
    plain.end(10, 1000)
    assert plain.stream.getvalue() == ""  # type: ignore[attr-defined]
    plain.start -= 6  # a load running for 6 s: one plain line, then the summary
    plain.last -= 6
    plain.update(5, 10, 500)
    plain.end(10, 1000)
    lines = plain.stream.getvalue().splitlines()  # type: ignore[attr-defined]
    assert lines[0] == "loading logs: 5/10 files, 500 records"
    assert lines[1].startswith("loaded 1,000 records from 10 files in ")


def test_loading_in_worker_processes_gives_the_same_rows(
    sample_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from looker_ops.engines import loader

    sql = "SELECT eventid, eventtime, useridentity, requestparameters, account, dt FROM cloudtrail_logs ORDER BY 1"
    with LocalEngine(sample_dir, progress=False) as inline:
        expected = inline.query(sql).rows
    old = (loader.INLINE_BYTES, loader.BATCH_BYTES, loader.INSERT_ROWS)
    # force workers, several batches, and several inserts of several batches each
    loader.INLINE_BYTES, loader.BATCH_BYTES, loader.INSERT_ROWS = 1, 50_000, len(expected) // 3
    try:
        inserts: list[int] = []
        insert = loader.Loader._insert_batches

        def counted(self: loader.Loader, paths: list[Path]) -> None:
            inserts.append(len(paths))
            insert(self, paths)

        monkeypatch.setattr(loader.Loader, "_insert_batches", counted)
        with LocalEngine(sample_dir, progress=False) as pooled:
            if (os.cpu_count() or 1) > 1:
                assert pooled._loader._pool is not None  # the path under test
            assert pooled.query(sql).rows == expected
        assert len([n for n in inserts if n]) >= 3 and max(inserts) > 1  # grouped inserts
    finally:
        loader.INLINE_BYTES, loader.BATCH_BYTES, loader.INSERT_ROWS = old
