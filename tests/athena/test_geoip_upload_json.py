"""`geoip upload --json [PATH]` (README "Command options", docs/athena.md): the files uploaded
(or planned with --print), other objects under the folder, and the table's set-up; an S3
refusal is exit 3 with the JSON all the same; against botocore Stubbers as the other tests."""

from __future__ import annotations

from pathlib import Path

import pytest

import looker_ops.athena.runner as athena_engine
from looker_ops.athena.ddl import geoip_definition, render_geoip_ddl
from looker_ops.athena.geoip import BuildReport
from tests.athena.stubs import AwsStubs
from tests.athena.test_geoip import LOCATED, PARQUET_KEY, _expect_upload, aws, built  # noqa: F401
from tests.cli_json import json_in_file, json_on_stdout


def args(built: BuildReport) -> list[str]:  # noqa: F811
    return ["geoip", "upload", "--dir", str(built.out_dir), "--s3", "s3://acme-geo/geoip/"]


@pytest.fixture
def cli_aws(aws: AwsStubs, monkeypatch: pytest.MonkeyPatch) -> AwsStubs:  # noqa: F811
    monkeypatch.setattr(athena_engine, "AthenaRunner", lambda settings: aws.runner)
    return aws


def test_uploaded_and_table_created(cli_aws: AwsStubs, built: BuildReport) -> None:  # noqa: F811
    _expect_upload(cli_aws, [PARQUET_KEY], "application/octet-stream", ["geoip/old_extra.csv"])
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(None, name="geoip_blocks")
    cli_aws.expect_query(render_geoip_ddl(LOCATED), "q-geo")
    doc, res = json_on_stdout(args(built), 0)
    cli_aws.assert_done()
    assert doc["command"] == "geoip upload" and doc["s3"] == "s3://acme-geo/geoip/"
    assert doc["uploaded"] == ["s3://acme-geo/geoip/geoip_blocks.parquet"] and doc["planned"] == []
    assert doc["other_objects"] == ["s3://acme-geo/geoip/old_extra.csv"]
    table = doc["table"]["actions"][-1]
    assert (table["object"], table["status"], table["query_ids"]) == (
        "table cloudtrail.geoip_blocks",
        "created",
        ["q-geo"],
    )
    assert doc["table"]["unresolved"] == []
    assert "uploaded s3://acme-geo/geoip/geoip_blocks.parquet" in res.stderr


def test_to_a_file_with_the_text_on_stdout(cli_aws: AwsStubs, built: BuildReport, tmp_path: Path) -> None:  # noqa: F811
    _expect_upload(cli_aws, [PARQUET_KEY], "application/octet-stream", [])
    doc, res = json_in_file([*args(built), "--no-table"], tmp_path / "up.json", 0)
    cli_aws.assert_done()
    assert doc["uploaded"] == ["s3://acme-geo/geoip/geoip_blocks.parquet"] and doc["table"] is None
    assert res.stdout.startswith("uploaded s3://acme-geo/geoip/geoip_blocks.parquet")


def test_print_lists_the_planned_files(built: BuildReport, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    def no_aws(settings: object) -> object:
        raise AssertionError("--print must not make an AWS client")

    monkeypatch.setattr(athena_engine, "AthenaRunner", no_aws)
    doc, _ = json_on_stdout([*args(built), "--print"], 0)
    assert doc["print_only"] is True and doc["uploaded"] == []
    (planned,) = doc["planned"]
    assert planned == {
        "path": str(built.data_file),
        "url": "s3://acme-geo/geoip/geoip_blocks.parquet",
        "size": built.data_file.stat().st_size,
        "content_type": "application/octet-stream",
    }
    assert [a["status"] for a in doc["table"]["actions"]] == ["printed", "printed"]


def test_a_different_table_is_exit_1(cli_aws: AwsStubs, built: BuildReport) -> None:  # noqa: F811
    import dataclasses

    _expect_upload(cli_aws, [PARQUET_KEY], "application/octet-stream", [])
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(geoip_definition(dataclasses.replace(LOCATED, geoip_format="tsv")))
    doc, _ = json_on_stdout(args(built), 1)
    assert doc["uploaded"] == ["s3://acme-geo/geoip/geoip_blocks.parquet"]
    assert doc["table"]["unresolved"] == ["table cloudtrail.geoip_blocks"]
    assert "use --replace" in doc["error"]["message"]


def test_s3_denied_is_exit_3(cli_aws: AwsStubs, built: BuildReport) -> None:  # noqa: F811
    cli_aws.s3.add_client_error("put_object", "AccessDenied", "Access Denied", http_status_code=403)
    doc, _ = json_on_stdout(args(built), 3)
    assert "AccessDenied: Access Denied" in doc["error"]["message"] and doc["uploaded"] == []


def test_no_files_is_exit_2(tmp_path: Path) -> None:
    doc, _ = json_on_stdout(["geoip", "upload", "--dir", str(tmp_path), "--s3", "s3://acme-geo/geoip/"], 2)
    assert "no *.parquet or *.tsv.gz files" in doc["error"]["message"]
