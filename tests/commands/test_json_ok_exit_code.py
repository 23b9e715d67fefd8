"""Every command's JSON says ``ok`` and ``exit_code`` (README "Exit codes": read ``ok`` whatever
the command), on success and on findings alike: check's report, alerts evaluate's, and the
reports written through ``--json`` (``write_json``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.commands.jsonout import write_json

REPO = Path(__file__).resolve().parents[2]


def test_check_json_on_a_clean_project_says_ok_and_exit_code_0(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./lookml_project: the bundled block
    res = CliRunner().invoke(main, ["check", "--format", "json", "--no-sql"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["ok"] is True and doc["exit_code"] == 0
    assert doc["version"] == 1 and list(doc)[:3] == ["version", "ok", "exit_code"]


def test_check_json_with_errors_says_not_ok_and_exit_code_1_in_both_outputs(tmp_path: Path) -> None:
    (tmp_path / "p").mkdir()
    (tmp_path / "p" / "m.model.lkml").write_text('connection: "athena"\nexplore: nope {}\n', encoding="utf-8")
    out = tmp_path / "report.json"
    res = CliRunner().invoke(main, ["check", str(tmp_path / "p"), "--no-sql", "--json", str(out)])
    assert res.exit_code == 1, res.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["ok"] is False and doc["exit_code"] == 1 and doc["summary"]["error"] >= 1
    res = CliRunner().invoke(
        main, ["check", str(tmp_path / "p"), "--no-sql", "--fail-on", "never", "--format", "json"]
    )
    assert res.exit_code == 0
    assert json.loads(res.stdout)["ok"] is True  # ok follows the exit code: --fail-on never


def test_alerts_evaluate_json_says_ok_and_exit_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the repository's deploy/schedules.yaml, the bundled sample
    res = CliRunner().invoke(main, ["alerts", "evaluate", "--format", "json"])
    assert res.exit_code in (0, 1), res.output
    doc = json.loads(res.stdout)
    assert doc["exit_code"] == res.exit_code and doc["ok"] is (res.exit_code == 0)
    fired = CliRunner().invoke(main, ["alerts", "evaluate", "--format", "json", "--fail-on-fire"])
    doc = json.loads(fired.stdout)
    assert doc["exit_code"] == fired.exit_code and doc["ok"] is (fired.exit_code == 0)


def test_a_report_written_through_write_json_gets_ok_and_exit_code_first(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    write_json(str(target), {"plans": [], "dashboards_missing": []})
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert list(doc) == ["ok", "exit_code", "plans", "dashboards_missing"]
    assert doc["ok"] is True and doc["exit_code"] == 0
