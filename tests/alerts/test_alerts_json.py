# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""`alerts validate | test --json [PATH]` (README "Command options", docs/alerts.md): each alert
read, the alert enqueued; on a failure the error with its file, line, alert and key, and the
exit code."""

from __future__ import annotations

from pathlib import Path

import pytest

from looker_ops.errors import EXIT_BAD_INPUT, EXIT_REMOTE
from tests.alerts.helpers import CIS, DASHBOARDS, PROJECT, ROOT_ALERT, write
from tests.cli_json import json_in_file, json_on_stdout
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_env, make_client  # noqa: F401


def common(path: Path) -> list[str]:
    return ["--file", str(path), "--dashboards", str(DASHBOARDS), "--project", str(PROJECT)]


def test_validate_lists_each_alert(tmp_path: Path) -> None:
    path = write(tmp_path)
    args = ["alerts", "validate", *common(path)]
    doc, res = json_on_stdout(args, 0)
    assert doc["command"] == "alerts validate" and doc["problems"] == []
    assert doc["file"] == str(path) and doc["count"] == 1
    assert doc["alerts"] == [
        {
            "name": "Root account used",
            "dashboard": CIS,
            "tile": "4.3 Root account usage",
            "field": "cloudtrail_logs.events",
            "condition": "> 0",
            "cron": "15 * * * *",
            "timezone": "Europe/London",
            "filters": {"Date": "1 hour ago"},
            "destinations": ["email soc@example.com"],
            "file": str(path),
            "line": 6,
        }
    ]
    assert "1 alert(s) valid" in res.stderr

    doc_file, res = json_in_file(args, tmp_path / "a.json", 0)
    assert doc_file == doc and res.stdout.startswith("ok Root account used: ")


def test_validate_failure_names_file_line_alert_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, ROOT_ALERT.replace('"15 * * * *"', '"*/5 * * * *"'))
    args = ["alerts", "validate", *common(path)]
    doc, res = json_on_stdout(args, EXIT_BAD_INPUT)
    assert doc["alerts"] == [] and doc["count"] == 0
    (problem,) = doc["problems"]
    assert (problem["file"], problem["line"], problem["item"], problem["key"]) == (
        str(path),
        10,
        "Root account used",
        "cron",
    )
    assert "runs 5 minute(s) apart" in problem["message"] and "error: " in res.stderr

    doc_file, res = json_in_file(args, tmp_path / "a.json", EXIT_BAD_INPUT)
    assert doc_file == doc and res.stdout == ""


def test_test_enqueues_the_applied_alert(looker_env: FakeLooker, tmp_path: Path) -> None:
    from looker_ops.alerts.apply import apply_alerts
    from looker_ops.config.alerts import load_alerts
    from tests.alerts.helpers import import_block

    path = write(tmp_path)
    args = ["alerts", "test", "Root account used", *common(path)]
    doc, _ = json_on_stdout(args, EXIT_BAD_INPUT)  # not applied yet: nothing to enqueue
    assert doc["enqueued"] is False and doc["alert_id"] is None
    assert (doc["problems"][0]["file"], doc["problems"][0]["line"]) == (str(path), 6)
    assert "alerts apply" in doc["error"]["message"]

    client = make_client(looker_env)
    import_block(client)
    apply_alerts(client, load_alerts(path, DASHBOARDS, PROJECT))
    doc, res = json_on_stdout(args, 0)
    (run,) = looker_env.table("alert_runs").values()  # what the fake was asked to run
    assert doc["enqueued"] is True and doc["alert_id"] == run["alert_id"]
    assert doc["name"] == "Root account used" and doc["destinations"] == ["email soc@example.com"]
    assert res.stderr.startswith("enqueued: Root account used")

    doc_file, res = json_in_file(args, tmp_path / "t.json", 0)
    assert doc_file["alert_id"] == doc["alert_id"] and res.stdout.startswith("enqueued: Root account used")
    assert len(looker_env.table("alert_runs")) == 2


def test_test_remote_failure_is_exit_3(
    looker_env: FakeLooker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("time.sleep", lambda s: None)
    looker_env.fail("search_alerts", 503, times=50)
    doc, _ = json_on_stdout(["alerts", "test", "Root account used", *common(write(tmp_path))], EXIT_REMOTE)
    assert doc["enqueued"] is False and "503" in doc["error"]["message"]
    assert looker_env.client_secret not in str(doc)
