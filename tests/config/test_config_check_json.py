"""`config check --json [PATH]`: the result a CI job acts on (README "Command options",
docs/configuration.md): ok with the connection, project and folder read, or each problem
with its file, line and key; exit 2 all the same; the secret never in it."""

from __future__ import annotations

from pathlib import Path

from tests.cli_json import json_in_file, json_on_stdout
from tests.config.test_config_check import ENV, GOOD, write


def test_a_good_file_is_ok_with_what_was_read(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    args = ["config", "check", "-c", str(path)]
    doc, res = json_on_stdout(args, 0, env=ENV)
    assert doc == {
        "ok": True,
        "command": "config check",
        "status": "ok",
        "exit_code": 0,
        "error": None,
        "problems": [],
        "file": str(path),
        "connection": {"name": "athena_cloudtrail", "region": "eu-west-1"},
        "project": "cloudtrail_block",
        "dashboards_folder": "Shared/Security/CloudTrail",
    }
    assert f"{path}: ok" in res.stderr  # the text, off stdout
    assert "very-secret" not in res.output

    doc_file, res = json_in_file(args, tmp_path / "result.json", 0, env=ENV)
    assert doc_file == doc
    assert res.stdout.startswith(f"{path}: ok (connection athena_cloudtrail")


def test_each_problem_with_its_file_line_and_key(tmp_path: Path) -> None:
    text = GOOD.replace("  max_connections: 20", "  max_connections: 0").replace(
        '  account_ids: ["111111111111"]\n', ""
    )
    path = write(tmp_path, text)
    args = ["config", "check", "-c", str(path)]
    doc, res = json_on_stdout(args, 2, env=ENV)
    assert doc["error"]["message"].startswith(f"{path}: 2 problems:")
    assert [(p["file"], p["line"], p["key"]) for p in doc["problems"]] == [
        (str(path), 10, "connection.max_connections"),
        (str(path), text.splitlines().index("athena:") + 1, "athena.account_ids"),  # its section
    ]
    assert doc["problems"][0]["message"] == f"{path}:10: connection.max_connections: must be 1 or more"
    assert "connection" not in doc  # nothing was read as valid
    assert "error: " in res.stderr and "very-secret" not in res.output

    doc_file, res = json_in_file(args, tmp_path / "result.json", 2, env=ENV)
    assert doc_file == doc
    assert res.stdout == ""  # a failure prints its error on stderr only


def test_an_unset_secret_variable_is_named_and_never_its_value(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    env = {**ENV, "LOOKER_ATHENA_SECRET_ACCESS_KEY": ""}
    doc, _ = json_on_stdout(["config", "check", "-c", str(path)], 2, env=env)
    assert "LOOKER_ATHENA_SECRET_ACCESS_KEY" in doc["error"]["message"]
    assert doc["problems"][0]["key"] == "connection.aws_secret_access_key"
    assert "very-secret" not in str(doc)


def test_a_missing_file_is_bad_input_in_the_json(tmp_path: Path) -> None:
    doc, _ = json_on_stdout(["config", "check", "-c", str(tmp_path / "nope.yaml")], 2)
    assert "nope.yaml" in doc["error"]["message"] and doc["file"] == str(tmp_path / "nope.yaml")
