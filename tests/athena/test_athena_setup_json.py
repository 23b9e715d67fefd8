"""`athena setup --json [PATH]` (README "Command options", docs/athena.md): each database and
table with its status, differences, statements and query ids; a table left different is exit 1
with the JSON all the same; an Athena failure is exit 3 with Athena's message; against
botocore Stubbers as the other setup tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from looker_ops.athena.ddl import render_cloudtrail_ddl, render_create_database
from tests.athena.stubs import AwsStubs
from tests.athena.test_athena_setup import CLI_ARGS, SETTINGS, WANTED, aws, cli_aws  # noqa: F401
from tests.cli_json import json_in_file, json_on_stdout

ARGS = ["athena", "setup", *CLI_ARGS]


def test_created_with_query_ids(cli_aws: AwsStubs) -> None:  # noqa: F811
    cli_aws.expect_database(exists=False)
    cli_aws.expect_query(render_create_database(SETTINGS), "q-db")
    cli_aws.expect_table(None)
    cli_aws.expect_query(render_cloudtrail_ddl(SETTINGS), "q-table")
    doc, res = json_on_stdout(ARGS, 0)
    cli_aws.assert_done()
    assert doc["command"] == "athena setup" and doc["print_only"] is False and doc["replace"] is False
    assert doc["unresolved"] == []
    assert [(a["object"], a["status"], a["query_ids"]) for a in doc["actions"]] == [
        ("database cloudtrail", "created", ["q-db"]),
        ("table cloudtrail.cloudtrail_logs", "created", ["q-table"]),
    ]
    assert doc["actions"][1]["statements"] == [render_cloudtrail_ddl(SETTINGS)]
    assert "table cloudtrail.cloudtrail_logs: created (query q-table)" in res.stderr


def test_unchanged_to_a_file_with_the_text_on_stdout(cli_aws: AwsStubs, tmp_path: Path) -> None:  # noqa: F811
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(WANTED)
    doc, res = json_in_file(ARGS, tmp_path / "setup.json", 0)
    cli_aws.assert_done()
    assert cli_aws.sent == []
    assert [a["status"] for a in doc["actions"]] == ["unchanged", "unchanged"]
    assert "table cloudtrail.cloudtrail_logs: unchanged" in res.stdout


def test_a_different_table_is_exit_1_with_its_differences(cli_aws: AwsStubs, tmp_path: Path) -> None:  # noqa: F811
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(WANTED, properties={"storage.location.template": "s3://old/${dt}"})
    doc, res = json_on_stdout(ARGS, 1)
    assert cli_aws.sent == []
    assert doc["unresolved"] == ["table cloudtrail.cloudtrail_logs"]
    table = doc["actions"][1]
    assert table["status"] == "different"
    assert any("storage.location.template: is 's3://old/${dt}'" in d for d in table["differences"])
    assert "use --replace" in doc["error"]["message"] and "error: " in res.stderr


def test_an_athena_failure_is_exit_3_with_athenas_message(cli_aws: AwsStubs) -> None:  # noqa: F811
    cli_aws.expect_database(exists=False)
    cli_aws.athena.add_client_error(
        "start_query_execution",
        "AccessDeniedException",
        "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: athena:StartQueryExecution",
    )
    doc, _ = json_on_stdout(ARGS, 3)
    assert "AccessDeniedException: User: arn:aws:iam::111122223333:user/ci" in doc["error"]["message"]
    assert doc["actions"] == []


def test_print_lists_the_statements_without_aws(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    doc, res = json_on_stdout([*ARGS, "--print"], 0)
    assert doc["print_only"] is True
    assert [a["status"] for a in doc["actions"]] == ["printed", "printed"]
    assert doc["actions"][1]["statements"] == [render_cloudtrail_ddl(SETTINGS)]
    assert render_cloudtrail_ddl(SETTINGS) in res.stderr


def test_bad_options_are_exit_2_in_the_json() -> None:
    doc, _ = json_on_stdout(["athena", "setup", "--first-date", "2024-13-01", "--print"], 2)
    assert "--first-date" in doc["error"]["message"] and doc["actions"] == []
