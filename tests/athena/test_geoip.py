"""`geoip build` on a small GeoIP2-CSV fixture in both formats, its files read back by DuckDB,
its DDL parsed back by sqlglot, the embedded engine's lookups, and `geoip upload`."""

from __future__ import annotations

import csv
import dataclasses
import gzip
import ipaddress
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
import sqlglot
from botocore.stub import ANY
from click.testing import CliRunner
from sqlglot import exp

import looker_ops.athena.runner as athena_engine
from looker_ops.athena.ddl import geoip_definition, render_geoip_ddl
from looker_ops.athena.geoip import COLUMNS, BuildReport, build, duckdb_source
from looker_ops.athena.geoip_upload import upload
from looker_ops.athena.runner import AthenaError
from looker_ops.cli import main
from looker_ops.config.athena import AthenaSettings
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import GEOIP
from tests.athena.stubs import AwsStubs

FIX = Path(__file__).parents[1] / "geoip"
V4, V6, ZERO, LOCS = (
    FIX / "blocks_ipv4.csv",
    FIX / "blocks_ipv6.csv",
    FIX / "blocks_zero.csv",
    FIX / "locations.csv",
)
FORMATS = ("parquet", "tsv")


def read_tsv(path: Path) -> list[dict[str, str]]:
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        lines = fh.read().split("\n")
    assert lines[-1] == ""
    header = lines[0].split("\t")
    assert tuple(header) == COLUMNS
    return [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:-1]]


def _text(value: Any) -> str:
    """A Parquet value as the TSV writes it (NULL is an empty field)."""
    return "" if value is None else repr(value) if isinstance(value, float) else str(value)


def read_parquet(paths: list[Path]) -> list[dict[str, str]]:
    """Rows of the Parquet files, in file and row order, as the TSV's text."""
    con = duckdb.connect()
    out: list[dict[str, str]] = []
    for path in paths:
        rel = con.execute("SELECT * FROM read_parquet(?)", [str(path)])
        names = [d[0] for d in rel.description or []]
        out += [{n: _text(v) for n, v in zip(names, row, strict=True)} for row in rel.fetchall()]
    return out


def read_rows(report: BuildReport) -> list[dict[str, str]]:
    return read_tsv(report.data_file) if report.format == "tsv" else read_parquet(report.data_files)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    """The default build: Parquet."""
    return build([V4, V6], LOCS, tmp_path_factory.mktemp("geo"))


@pytest.fixture(scope="module")
def built_tsv(tmp_path_factory: pytest.TempPathFactory) -> BuildReport:
    return build([V4, V6], LOCS, tmp_path_factory.mktemp("geo_tsv"), fmt="tsv")


@pytest.fixture(scope="module", params=FORMATS)
def any_built(request: pytest.FixtureRequest, built: BuildReport, built_tsv: BuildReport) -> BuildReport:
    return built if request.param == "parquet" else built_tsv


@pytest.fixture(scope="module")
def rows(any_built: BuildReport) -> list[dict[str, str]]:
    """The rows of either format, as text: every edge-case test below runs on both."""
    return read_rows(any_built)


def by_network(rows: list[dict[str, str]], network: str) -> list[dict[str, str]]:
    return [r for r in rows if r["network"] == network]


def test_slash_32_is_one_row_with_equal_bounds(rows: list[dict[str, str]]) -> None:
    (row,) = by_network(rows, "203.0.113.7/32")
    ip = int(ipaddress.IPv4Address("203.0.113.7"))
    assert row == {
        "network": "203.0.113.7/32",
        "ip_version": "4",
        "bucket": str(ip // 65536),
        "ip_start": str(ip),
        "ip_end": str(ip),
        "country_iso_code": "JP",
        "country_name": "Japan",
        "subdivision_1_name": "Tokyo",
        "city_name": "Tokyo",
        "latitude": "35.6895",
        "longitude": "139.6917",
    }


def test_slash_8_becomes_256_bucket_rows(rows: list[dict[str, str]]) -> None:
    eight = by_network(rows, "10.0.0.0/8")
    assert [int(r["bucket"]) for r in eight] == list(range(10 * 256, 11 * 256))
    assert {(r["ip_start"], r["ip_end"]) for r in eight} == {("167772160", "184549375")}
    assert {r["city_name"] for r in eight} == {"Seattle"}


def test_slash_16_and_24_are_one_row_each(rows: list[dict[str, str]]) -> None:
    (sixteen,) = by_network(rows, "198.51.0.0/16")
    assert sixteen["bucket"] == str(198 * 256 + 51)
    assert (sixteen["country_name"], sixteen["city_name"]) == ("Germany", "Frankfurt am Main")
    (t24,) = by_network(rows, "192.0.2.0/24")
    assert int(t24["ip_end"]) - int(t24["ip_start"]) == 255
    assert t24["country_name"] == "Bonaire, Sint Eustatius, and Saba"  # commas kept whole


def test_ipv6_rows_are_kept_without_range(rows: list[dict[str, str]]) -> None:
    v6 = [r for r in rows if r["ip_version"] == "6"]
    assert [r["network"] for r in v6] == ["2001:db8::/32", "2001:db8:1::/48"]
    assert all(r["bucket"] == r["ip_start"] == r["ip_end"] == "" for r in v6)
    assert v6[0]["country_name"] == "Germany"
    # no geoname_id: the registered country is used
    assert (v6[1]["country_name"], v6[1]["city_name"], v6[1]["latitude"]) == ("United States", "", "")


def test_network_without_any_location_is_kept_with_nulls(rows: list[dict[str, str]]) -> None:
    (sat,) = by_network(rows, "172.34.0.0/16")
    assert sat["country_name"] == sat["latitude"] == ""
    (proxy,) = by_network(rows, "100.64.0.0/24")
    assert proxy["country_iso_code"] == "US" and proxy["city_name"] == ""


def test_bad_rows_are_reported_by_file_and_line_and_skipped(
    any_built: BuildReport, rows: list[dict[str, str]]
) -> None:
    built = any_built
    assert [str(b) for b in built.bad_rows] == [
        f"{LOCS}:8: bad geoname_id 'not-a-number'",
        f"{V4}:6: bad network '300.1.2.0/24'",
        f"{V4}:7: bad network '10.1.2.3/8'",
        f"{V4}:8: unknown geoname_id '999999' (not in locations.csv)",
        f"{V4}:9: bad latitude '123.0'",
        f"{V4}:10: bad longitude 'east'",
        f"{V6}:4: bad network '2001:db8:zz::/48'",
    ]
    networks = {r["network"] for r in rows}
    assert not networks & {"172.16.0.0/12", "172.32.0.0/16", "172.33.0.0/16"}
    assert (built.networks_v4, built.networks_v6) == (6, 2)
    assert built.rows_written == len(rows) == 256 + 5 + 2


@pytest.mark.parametrize("fmt", FORMATS)
def test_slash_0_is_every_bucket(tmp_path: Path, fmt: str) -> None:
    report = build(ZERO, LOCS, tmp_path, fmt=fmt)  # type: ignore[arg-type]
    zero = read_rows(report)
    assert len(zero) == 65536 == report.rows_written
    assert [int(r["bucket"]) for r in zero] == list(range(65536))
    assert {(r["ip_start"], r["ip_end"]) for r in zero} == {("0", str(2**32 - 1))}


def test_parquet_and_tsv_hold_the_same_rows(built: BuildReport, built_tsv: BuildReport) -> None:
    def key(r: dict[str, str]) -> tuple[str, ...]:
        return tuple(r[c] for c in COLUMNS)

    assert sorted(map(key, read_rows(built))) == sorted(map(key, read_rows(built_tsv)))
    # Parquet rows are sorted by (ip_version, bucket, ip_start): row groups cover narrow bucket ranges.
    order = [(int(r["ip_version"]), int(r["bucket"] or 0), int(r["ip_start"] or 0)) for r in read_rows(built)]
    assert order == sorted(order)


def test_tsv_local_csv_has_the_same_rows(built_tsv: BuildReport) -> None:
    assert built_tsv.local_file is not None
    with open(built_tsv.local_file, encoding="utf-8", newline="") as fh:
        local = list(csv.DictReader(fh))
    assert local == read_tsv(built_tsv.data_file)


def test_parquet_build_writes_no_csv_copy(built: BuildReport) -> None:
    # The embedded engine reads the Parquet files; a CSV beside them would double every row.
    assert built.local_file is None
    assert sorted(p.name for p in built.out_dir.iterdir()) == ["geoip_blocks.ddl.sql", "geoip_blocks.parquet"]


def test_parquet_types_are_the_schema_types(built: BuildReport) -> None:
    con = duckdb.connect()
    described = con.execute("DESCRIBE SELECT * FROM read_parquet(?)", [str(built.data_file)]).fetchall()
    assert [(r[0], r[1]) for r in described] == [(c.name, c.type.duckdb()) for c in GEOIP.columns]
    # The physical types Athena maps to the DDL's bigint / int / double / string.
    physical = {"bigint": ("INT64", None), "int": ("INT32", None), "double": ("DOUBLE", None)}
    schema = con.execute(
        "SELECT name, type, converted_type FROM parquet_schema(?) WHERE name <> 'duckdb_schema'",
        [str(built.data_file)],
    ).fetchall()
    for (name, ptype, converted), col in zip(schema, GEOIP.columns, strict=True):
        assert name == col.name
        want_type, _ = physical.get(col.type.hive(), ("BYTE_ARRAY", None))
        assert ptype == want_type, name
        if col.type.hive() == "string":
            assert converted == "UTF8", name
    codecs = con.execute(
        "SELECT DISTINCT compression FROM parquet_metadata(?)", [str(built.data_file)]
    ).fetchall()
    assert codecs == [("ZSTD",)]


def test_parquet_is_cut_into_files_and_stale_parts_are_removed(tmp_path: Path) -> None:
    one = read_rows(build([V4, V6], LOCS, tmp_path / "one"))
    parts = build([V4, V6], LOCS, tmp_path / "p", rows_per_file=100)
    assert [p.name for p in parts.data_files] == [
        "geoip_blocks-000.parquet",
        "geoip_blocks-001.parquet",
        "geoip_blocks-002.parquet",
    ]
    counts = [len(read_parquet([p])) for p in parts.data_files]
    assert counts == [100, 100, 63] and sum(counts) == parts.rows_written
    assert read_rows(parts) == one  # same rows, same order, cut in three
    # Row groups: DuckDB cuts them at ROW_GROUP_SIZE rows (rounded to its 2,048-row vectors).
    zero = build(ZERO, LOCS, tmp_path / "z", row_group_rows=16384)
    groups = duckdb.connect().execute(
        "SELECT row_group_id, row_group_num_rows FROM parquet_metadata(?) GROUP BY ALL ORDER BY 1",
        [str(zero.data_file)],
    )
    assert groups.fetchall() == [(0, 16384), (1, 16384), (2, 16384), (3, 16384)]
    again = build([V4, V6], LOCS, tmp_path / "p")
    assert [p.name for p in again.removed] == [p.name for p in parts.data_files]
    assert sorted(p.name for p in (tmp_path / "p").glob("*.parquet")) == ["geoip_blocks.parquet"]


def test_switching_format_removes_the_other_formats_files(tmp_path: Path) -> None:
    tsv = build([V4], LOCS, tmp_path, fmt="tsv")
    assert {p.name for p in tmp_path.iterdir()} >= {"geoip_blocks.tsv.gz", "geoip_blocks.csv"}
    parquet = build([V4], LOCS, tmp_path)
    assert sorted(p.name for p in parquet.removed) == ["geoip_blocks.csv", "geoip_blocks.tsv.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geoip_blocks.ddl.sql", "geoip_blocks.parquet"]
    back = build([V4], LOCS, tmp_path, fmt="tsv")
    assert [p.name for p in back.removed] == ["geoip_blocks.parquet"]
    assert read_rows(back) == read_rows(tsv)


def _ddl_tree(text: str) -> exp.Create:
    tree = sqlglot.parse_one(text, read="athena")
    assert isinstance(tree, exp.Create)
    return tree


def _column_types(tree: exp.Create) -> list[tuple[str, exp.DataType]]:
    return [(cd.name, cd.args["kind"]) for cd in tree.this.expressions if isinstance(cd, exp.ColumnDef)]


def test_parquet_ddl_parses_back_stored_as_parquet(built: BuildReport, tmp_path: Path) -> None:
    text = built.ddl_file.read_text(encoding="utf-8")
    assert "LOCATION is a placeholder" in text
    tree = _ddl_tree(text)
    assert _column_types(tree) == [
        (c.name, exp.DataType.build(c.type.hive(), dialect="hive")) for c in GEOIP.columns
    ]
    (fmt,) = list(tree.find_all(exp.FileFormatProperty))
    assert fmt.this.name.upper() == "PARQUET"
    assert "ROW FORMAT" not in text and "skip.header" not in text  # Parquet has no header row
    located = build(ZERO, LOCS, tmp_path, location="s3://acme-geo/geoip")
    text = located.ddl_file.read_text(encoding="utf-8")
    assert "placeholder" not in text
    (loc,) = list(_ddl_tree(text).find_all(exp.LocationProperty))
    assert loc.this.name == "s3://acme-geo/geoip/"


def test_tsv_ddl_parses_back_as_text(built_tsv: BuildReport) -> None:
    text = built_tsv.ddl_file.read_text(encoding="utf-8")
    tree = _ddl_tree(text)
    assert [n for n, _ in _column_types(tree)] == [c.name for c in GEOIP.columns]
    assert "LazySimpleSerDe" in text and "'skip.header.line.count'='1'" in text
    assert "STORED AS PARQUET" not in text


@pytest.mark.parametrize("fmt", FORMATS)
def test_duckdb_source_reads_the_athena_files_with_types(
    fmt: str, built: BuildReport, built_tsv: BuildReport
) -> None:
    report = built if fmt == "parquet" else built_tsv
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM {duckdb_source(report.out_dir)}")
    assert rel.columns == list(COLUMNS)
    assert [str(t) for t in rel.types] == [c.type.duckdb() for c in GEOIP.columns]
    assert con.execute(f"SELECT count(*) FROM {duckdb_source(report.out_dir)}").fetchone() == (
        report.rows_written,
    )
    bq = con.execute(
        f"SELECT country_name, latitude FROM {duckdb_source(report.out_dir)} WHERE network = '192.0.2.0/24'"
    ).fetchall()
    assert bq == [("Bonaire, Sint Eustatius, and Saba", 12.15)]
    nulls = con.execute(
        f"SELECT count(*) FROM {duckdb_source(report.out_dir)} WHERE ip_version = 6 AND bucket IS NULL"
    ).fetchone()
    assert nulls == (2,)


@pytest.mark.parametrize(
    ("ip", "country", "city"),
    [
        ("203.0.113.7", "Japan", "Tokyo"),
        ("10.200.3.4", "United States", "Seattle"),
        ("198.51.77.1", "Germany", "Frankfurt am Main"),
        ("192.0.2.200", "Bonaire, Sint Eustatius, and Saba", "Kralendijk"),
        ("203.0.113.8", None, None),
    ],
)
def test_embedded_engine_locates_a_known_ip(
    any_built: BuildReport, ip: str, country: str | None, city: str | None
) -> None:
    from looker_ops.engines.local import LocalEngine

    built = any_built
    a, b, c, d = (int(x) for x in ip.split("."))
    ip_int = a * 16777216 + b * 65536 + c * 256 + d
    sql = (
        f"SELECT g.country_name, g.city_name FROM (SELECT CAST({ip_int} AS BIGINT) AS ip) AS s "
        "LEFT JOIN geoip_blocks AS g ON g.bucket = CAST(floor(s.ip / 65536.0) AS BIGINT) "
        "AND s.ip BETWEEN g.ip_start AND g.ip_end"
    )
    with LocalEngine(geoip_dir=built.out_dir) as engine:
        assert engine.query(sql).rows == [(country, city)]


# --------------------------------------------------------------------------- CLI


def test_cli_build_bad_rows_exit_1_and_listed(tmp_path: Path) -> None:
    args = ["geoip", "build", "--blocks", str(V4), "--locations", str(LOCS), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert f"bad row: {V4}:6: bad network '300.1.2.0/24'" in result.output
    assert "6 bad row(s) skipped" in result.output
    ok = CliRunner().invoke(main, [*args, "--allow-bad-rows", "--no-local-csv"])
    assert ok.exit_code == 0, ok.output
    assert not (tmp_path / "geoip_blocks.csv.tmp").exists()


def test_cli_build_clean_input_exit_0(tmp_path: Path) -> None:
    clean_locs = tmp_path / "locs.csv"
    clean_locs.write_text("\n".join(LOCS.read_text().splitlines()[:-1]) + "\n")
    result = CliRunner().invoke(
        main,
        [
            "geoip",
            "build",
            "--blocks",
            str(ZERO),
            "--locations",
            str(clean_locs),
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "65536 rows" in result.output


def test_cli_build_format_tsv(tmp_path: Path) -> None:
    args = ["geoip", "build", "--blocks", str(V4), "--locations", str(LOCS), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--format", "tsv", "--allow-bad-rows"])
    assert result.exit_code == 0, result.output
    assert "1 gzip TSV file(s)" in result.output and "embedded-engine copy" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "geoip_blocks.csv",
        "geoip_blocks.ddl.sql",
        "geoip_blocks.tsv.gz",
    ]
    bad = CliRunner().invoke(main, [*args, "--format", "orc"])
    assert bad.exit_code == 2 and "'orc' is not one of" in bad.output


@pytest.mark.parametrize(
    ("blocks", "needle"),
    [
        (FIX / "blocks_bad_header.csv", "blocks_bad_header.csv:1: header lacks column(s) network"),
        (FIX / "missing.csv", "missing.csv: cannot read"),
    ],
)
def test_cli_build_unreadable_input_exit_2(tmp_path: Path, blocks: Path, needle: str) -> None:
    result = CliRunner().invoke(
        main, ["geoip", "build", "--blocks", str(blocks), "--locations", str(LOCS), "--out", str(tmp_path)]
    )
    assert result.exit_code == 2
    assert needle in result.output


# --------------------------------------------------------------------------- upload

SETTINGS = AthenaSettings(workgroup="looker-ops", output_location="s3://acme-results/q/", region="us-east-1")


@pytest.fixture
def aws() -> Iterator[AwsStubs]:
    with AwsStubs(SETTINGS) as stubs:
        yield stubs


def _expect_upload(aws: AwsStubs, keys: list[str], content_type: str, extra_keys: list[str]) -> None:
    for key in keys:
        aws.s3.add_response(
            "put_object",
            {"ETag": '"abc"'},
            {"Bucket": "acme-geo", "Key": key, "Body": ANY, "ContentType": content_type},
        )
    contents = [{"Key": k, "Size": 1} for k in [*keys, *extra_keys]]
    aws.s3.add_response("list_objects_v2", {"Contents": contents}, {"Bucket": "acme-geo", "Prefix": "geoip/"})


PARQUET_KEY = "geoip/geoip_blocks.parquet"
LOCATED = dataclasses.replace(SETTINGS, geoip_location="s3://acme-geo/geoip/")


def test_upload_puts_parquet_and_creates_parquet_table(aws: AwsStubs, built: BuildReport) -> None:
    _expect_upload(aws, [PARQUET_KEY], "application/octet-stream", ["geoip/old_extra.csv"])
    aws.expect_database(exists=True)
    aws.expect_table(None, name="geoip_blocks")
    aws.expect_query(render_geoip_ddl(LOCATED), "q-geo")
    report = upload(built.out_dir, "s3://acme-geo/geoip", SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert report.uploaded == ["s3://acme-geo/geoip/geoip_blocks.parquet"]
    assert report.other_objects == ["s3://acme-geo/geoip/old_extra.csv"]
    (ddl,) = aws.sent
    assert ddl == render_geoip_ddl(LOCATED) and "STORED AS PARQUET" in ddl
    text = report.render()
    assert "warning: s3 object s3://acme-geo/geoip/old_extra.csv" in text
    assert "table cloudtrail.geoip_blocks: created (query q-geo)" in text


def test_upload_tsv_build_creates_text_table(aws: AwsStubs, built_tsv: BuildReport) -> None:
    tsv = dataclasses.replace(LOCATED, geoip_format="tsv")
    # geoip_blocks.csv (the engine's copy) is not uploaded: only the put_object below is queued.
    _expect_upload(aws, ["geoip/geoip_blocks.tsv.gz"], "text/tab-separated-values", [])
    aws.expect_database(exists=True)
    aws.expect_table(None, name="geoip_blocks")
    aws.expect_query(render_geoip_ddl(tsv), "q-geo")
    report = upload(built_tsv.out_dir, "s3://acme-geo/geoip/", SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert report.uploaded == ["s3://acme-geo/geoip/geoip_blocks.tsv.gz"]
    assert "LazySimpleSerDe" in aws.sent[0]


def test_upload_parquet_parts_each_uploaded(aws: AwsStubs, tmp_path: Path) -> None:
    parts = build([V4, V6], LOCS, tmp_path, rows_per_file=100)
    keys = [f"geoip/{p.name}" for p in parts.data_files]
    _expect_upload(aws, keys, "application/octet-stream", [])
    report = upload(tmp_path, "s3://acme-geo/geoip/", SETTINGS, runner=aws.runner, create_table=False)
    aws.assert_done()
    assert report.uploaded == [f"s3://acme-geo/{k}" for k in keys] and len(keys) == 3
    assert report.setup is None


def test_upload_again_leaves_same_table_alone(aws: AwsStubs, built: BuildReport) -> None:
    _expect_upload(aws, [PARQUET_KEY], "application/octet-stream", [])
    aws.expect_database(exists=True)
    aws.expect_table(geoip_definition(LOCATED))
    report = upload(built.out_dir, "s3://acme-geo/geoip/", SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert aws.sent == []
    assert report.setup is not None and [a.status for a in report.setup.actions] == ["unchanged", "unchanged"]


def test_upload_parquet_over_a_text_table_reports_the_difference(aws: AwsStubs, built: BuildReport) -> None:
    _expect_upload(aws, [PARQUET_KEY], "application/octet-stream", [])
    aws.expect_database(exists=True)
    aws.expect_table(geoip_definition(dataclasses.replace(LOCATED, geoip_format="tsv")))
    report = upload(built.out_dir, "s3://acme-geo/geoip/", SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert aws.sent == []  # nothing dropped without --replace
    assert report.setup is not None
    (different,) = report.setup.unresolved
    diffs = "\n".join(different.differences)
    assert "input format: is org.apache.hadoop.mapred.TextInputFormat" in diffs
    assert "serde: is org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe" in diffs
    assert "table property skip.header.line.count: set to '1', not wanted" in diffs


def _no_aws(settings: object) -> object:
    raise AssertionError("--print must not make an AWS client")


def test_cli_upload_print_shows_files_and_ddl_without_aws(
    built: BuildReport, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(athena_engine, "AthenaRunner", _no_aws)
    args = ["geoip", "upload", "--dir", str(built.out_dir), "--s3", "s3://acme-geo/geoip/", "--print"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    size = built.data_file.stat().st_size
    assert (
        f"would upload {built.data_file} ({size} bytes, application/octet-stream) "
        "to s3://acme-geo/geoip/geoip_blocks.parquet"
    ) in result.output
    assert "CREATE DATABASE IF NOT EXISTS `cloudtrail`" in result.output
    assert render_geoip_ddl(LOCATED) + ";" in result.output
    # The listing lines are SQL comments: the output runs as-is in the Athena console.
    statements = [t for t in sqlglot.parse(result.output, read="athena") if t is not None]
    assert [type(t) for t in statements] == [exp.Create, exp.Create]
    files_only = CliRunner().invoke(main, [*args, "--no-table"])
    assert files_only.exit_code == 0 and "would upload" in files_only.output
    assert "CREATE" not in files_only.output


def test_upload_s3_denied_exit_3(aws: AwsStubs, built: BuildReport, monkeypatch: pytest.MonkeyPatch) -> None:
    aws.s3.add_client_error("put_object", "AccessDenied", "Access Denied", http_status_code=403)
    monkeypatch.setattr(athena_engine, "AthenaRunner", lambda settings: aws.runner)
    result = CliRunner().invoke(
        main,
        [
            "geoip",
            "upload",
            "--dir",
            str(built.out_dir),
            "--s3",
            "s3://acme-geo/geoip/",
            "--workgroup",
            "looker-ops",
        ],
    )
    assert result.exit_code == 3, result.output
    assert "PutObject" in result.output and "AccessDenied: Access Denied" in result.output


def test_upload_bad_input(tmp_path: Path, built: BuildReport) -> None:
    with pytest.raises(BadInput, match=r"no \*\.parquet or \*\.tsv\.gz files"):
        upload(tmp_path, "s3://acme-geo/geoip/", SETTINGS)
    with pytest.raises(BadInput, match=r"^--s3: 's3://acme-geo' needs a folder"):
        upload(built.out_dir, "s3://acme-geo", SETTINGS)
    with pytest.raises(BadInput, match=r"^--s3: 'acme-geo/geoip' is not an s3://"):
        upload(built.out_dir, "acme-geo/geoip", SETTINGS)
    mixed = tmp_path / "mixed"
    mixed.mkdir()
    (mixed / "geoip_blocks.parquet").write_bytes(built.data_file.read_bytes())
    (mixed / "geoip_blocks.tsv.gz").write_bytes(b"")
    with pytest.raises(BadInput, match=r"holds both Parquet \(geoip_blocks.parquet\) and TSV"):
        upload(mixed, "s3://acme-geo/geoip/", SETTINGS, print_only=True)


def test_athena_error_is_remote(aws: AwsStubs, built: BuildReport) -> None:
    _expect_upload(aws, [PARQUET_KEY], "application/octet-stream", [])
    aws.glue.add_client_error("get_database", "AccessDeniedException", "no glue")
    with pytest.raises(AthenaError) as err:
        upload(built.out_dir, "s3://acme-geo/geoip/", SETTINGS, runner=aws.runner)
    assert err.value.exit_code == 3


@pytest.mark.parametrize(
    "text",
    [
        "0.0.0.0/0",
        "255.255.255.255/32",
        "10.0.0.0/8",
        "10.0.0.1/8",
        "010.0.0.0/8",
        "1.2.3.0/024",
        "1.2.3.0/33",
        "256.0.0.0/8",
        "1.2.3/24",
        "1.2.3.0",
        "1.2.3.4/32",
        "2001:db8::/32",
        "2001:db8::1/32",
        "not-an-ip",
        "",
    ],
)
def test_fast_parser_agrees_with_ipaddress(text: str) -> None:
    from looker_ops.athena.geoip import parse_network

    try:
        want = ipaddress.ip_network(text, strict=True)
    except ValueError:
        with pytest.raises(ValueError):
            parse_network(text)
        return
    if "/" not in text:  # ipaddress accepts a bare address as a /32; MaxMind always writes the prefix
        with pytest.raises(ValueError):
            parse_network(text)
        return
    version, canonical, start, end = parse_network(text)
    assert (version, canonical) == (want.version, str(want))
    if version == 4:
        assert (start, end) == (int(want.network_address), int(want.broadcast_address))


def test_cli_build_says_ipv6_networks_are_not_joined(tmp_path: Path) -> None:
    """An IPv6 blocks file is read and kept, and the summary says the block does not join it."""
    args = ["geoip", "build", "--blocks", str(V6), "--locations", str(LOCS), "--out", str(tmp_path)]
    result = CliRunner().invoke(main, [*args, "--no-local-csv"])
    assert result.exit_code in (0, 1), result.output
    assert (
        "the block locates IPv4 sources only, the IPv6 networks are kept as text and not joined"
        in result.output
    )
    only_v4 = CliRunner().invoke(
        main, ["geoip", "build", "--blocks", str(V4), "--locations", str(LOCS), "--out", str(tmp_path / "v4")]
    )
    assert "IPv6 networks are kept" not in only_v4.output
