# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""`schedules validate | run | integrations --json [PATH]` (README "Command options",
docs/schedules.md): each schedule, the plan sent, the integrations offered; on a failure the
error with its file, line and key, and the exit code; secrets never in the JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from looker_ops.errors import EXIT_BAD_INPUT, EXIT_REMOTE
from tests.cli_json import json_in_file, json_on_stdout
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_env, make_client  # noqa: F401
from tests.fake_looker.integrations import add_integration
from tests.schedules.test_schedules_apply import (
    DASHBOARDS,
    SLACK,
    SLACK_TOKEN,
    TEXT,
    import_dashboards,
    write,
)

# --------------------------------------------------------------------------- validate


def test_validate_lists_each_schedule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_TOKEN", SLACK_TOKEN)
    path = write(tmp_path, TEXT + SLACK)
    args = ["schedules", "validate", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    doc, res = json_on_stdout(args, 0)
    assert doc["command"] == "schedules validate" and doc["error"] is None and doc["problems"] == []
    assert doc["file"] == str(path) and doc["count"] == 2
    weekly, daily = doc["schedules"]
    assert weekly == {
        "name": "Weekly logins",
        "dashboard": "test_console_logins",
        "cron": "0 7 * * MON",
        "timezone": "Europe/Paris",
        "format": "wysiwyg_pdf",
        "destinations": ["email soc@example.com", "email ciso@example.com"],
        "file": str(path),
        "line": 5,
    }
    assert daily["destinations"] == [
        "email soc@example.com",
        "integration 1::slack_app (channel=C0123456789)",
    ]
    assert SLACK_TOKEN not in res.output  # neither in the JSON nor in the text
    assert "2 schedule(s) valid" in res.stderr

    doc_file, res = json_in_file(args, tmp_path / "v.json", 0)
    assert doc_file == doc
    assert "ok Weekly logins" in res.stdout and "2 schedule(s) valid" in res.stdout


def test_validate_failure_names_file_line_schedule_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.replace('"0 6 * * *"', '"0 6 * *"'))
    args = ["schedules", "validate", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    doc, res = json_on_stdout(args, EXIT_BAD_INPUT)
    assert doc["count"] == 0 and doc["schedules"] == [] and doc["file"] == str(path)
    (problem,) = doc["problems"]
    assert problem["file"] == str(path) and problem["line"] == 15
    assert problem["item"] == "Daily SG changes" and problem["key"] == "cron"
    assert problem["message"] == doc["error"]["message"] and "error: " in res.stderr

    doc_file, res = json_in_file(args, tmp_path / "v.json", EXIT_BAD_INPUT)
    assert doc_file == doc and res.stdout == ""


def test_validate_without_a_schedules_file_says_so_in_the_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    doc, _ = json_on_stdout(["schedules", "validate"], EXIT_BAD_INPUT)
    assert doc["file"] is None and doc["error"]["message"].startswith("no schedules file")


# --------------------------------------------------------------------------- run


def test_run_says_which_plan_was_sent(looker_env: FakeLooker, tmp_path: Path) -> None:
    import_dashboards(make_client(looker_env))
    path = write(tmp_path)
    args = ["schedules", "run", "Weekly logins", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    doc, res = json_on_stdout([*args, "--to", "me@example.com"], 0)
    assert doc == {
        "ok": True,
        "command": "schedules run",
        "status": "ok",
        "exit_code": 0,
        "error": None,
        "problems": [],
        "name": "Weekly logins",
        "sent": True,
        "plan_id": None,
        "used": "run_once",
        "destinations": ["email me@example.com [wysiwyg_pdf]"],
        "note": "not applied yet: ran the file's version",
    }
    assert "sent: Weekly logins" in res.stderr
    (delivery,) = looker_env.table("deliveries").values()  # what the fake was sent
    assert [d["address"] for d in delivery["plan"]["scheduled_plan_destination"]] == ["me@example.com"]

    doc_file, res = json_in_file(args, tmp_path / "run.json", 0)
    assert doc_file["destinations"] == [
        "email soc@example.com [wysiwyg_pdf]",
        "email ciso@example.com [wysiwyg_pdf]",
    ]
    assert "sent: Weekly logins (run once)" in res.stdout
    assert len(looker_env.table("deliveries")) == 2


def test_run_unknown_name_is_bad_input_before_any_call(looker_env: FakeLooker, tmp_path: Path) -> None:
    args = ["schedules", "run", "Nope", "--file", str(write(tmp_path)), "--dashboards", str(DASHBOARDS)]
    doc, _ = json_on_stdout(args, EXIT_BAD_INPUT)
    assert doc["name"] == "Nope" and doc["sent"] is False and "Nope" in doc["error"]["message"]
    assert looker_env.calls == []


def test_run_remote_failure_is_exit_3_in_the_json(
    looker_env: FakeLooker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import_dashboards(make_client(looker_env))
    monkeypatch.setattr("time.sleep", lambda s: None)
    looker_env.fail("scheduled_plan_run_once", 503, times=50)
    args = [
        "schedules",
        "run",
        "Weekly logins",
        "--file",
        str(write(tmp_path)),
        "--dashboards",
        str(DASHBOARDS),
    ]
    doc, _ = json_on_stdout(args, EXIT_REMOTE)
    assert doc["sent"] is False and "503" in doc["error"]["message"]
    assert looker_env.client_secret not in str(doc)
    assert looker_env.table("deliveries") == {}


# --------------------------------------------------------------------------- integrations


def test_integrations_lists_what_looker_offers(looker_env: FakeLooker, tmp_path: Path) -> None:
    add_integration(looker_env, "1::slack_app", "Slack", formats=["wysiwyg_pdf"])
    add_integration(looker_env, "1::teams", "Teams", enabled=False)
    doc, res = json_on_stdout(["schedules", "integrations"], 0)
    by_id = {i["id"]: i for i in doc["integrations"]}
    assert by_id["1::slack_app"]["label"] == "Slack" and by_id["1::slack_app"]["enabled"] is True
    assert by_id["1::slack_app"]["formats"] == ["wysiwyg_pdf"]
    assert by_id["1::teams"]["enabled"] is False
    assert "1::slack_app: Slack (enabled" in res.stderr

    doc_file, res = json_in_file(["schedules", "integrations"], tmp_path / "i.json", 0)
    assert doc_file == doc and "1::teams: Teams (disabled" in res.stdout


def test_integrations_remote_failure(looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("time.sleep", lambda s: None)
    looker_env.fail("all_integrations", 503, times=50)
    doc, _ = json_on_stdout(["schedules", "integrations"], EXIT_REMOTE)
    assert doc["integrations"] == [] and "all_integrations" in doc["error"]["message"]
