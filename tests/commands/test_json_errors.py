# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""The JSON error envelope (looker_ops/commands/jsonout.py, README "Exit codes"): a command in a
JSON mode (``--json``, ``--format json``) that fails with bad input (exit 2) or a remote failure
(exit 3) prints ``{"ok": false, "error": {kind, message, file, line, key}, "problems", ...}``
where its JSON goes, the human message on stderr; secrets never in either."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner, Result

from looker_ops.cli import main
from looker_ops.commands import all_commands
from looker_ops.commands.jsonout import FORMAT, OUTPUT
from looker_ops.errors import EXIT_BAD_INPUT, EXIT_REMOTE
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_env  # noqa: F401
from tests.schedules.test_schedules_apply import DASHBOARDS, TEXT, write


def run(args: list[str], code: int) -> Result:
    res = CliRunner().invoke(main, args)
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    return res


def envelope(text: str, code: int, kind: str) -> dict[str, Any]:
    """The JSON text is one envelope of a failure with exit code ``code`` and error ``kind``."""
    doc = json.loads(text)
    assert doc["ok"] is False and doc["status"] == "failed" and doc["exit_code"] == code
    assert doc["error"]["kind"] == kind and set(doc["error"]) == {"kind", "message", "file", "line", "key"}
    assert doc["problems"] and doc["problems"][0]["message"] in doc["error"]["message"]
    return doc


def test_check_json_on_stdout_and_the_message_on_stderr(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    for mode in (["--json"], ["--json", "-"], ["--format", "json"]):
        res = run(["check", str(missing), *mode], EXIT_BAD_INPUT)
        doc = envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")
        assert doc["command"] == "check" and doc["error"]["message"] == f"{missing}: no such folder"
        assert res.stderr == f"error: {missing}: no such folder\n"
    res = run(["check", str(missing)], EXIT_BAD_INPUT)  # text: nothing for machines on stdout
    assert res.stdout == "" and "no such folder" in res.stderr


def test_check_names_the_file_line_and_key_of_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "looker-ops.yaml"
    config.write_text("check:\n  dialect: klingon\n", encoding="utf-8")
    res = run(["check", "-c", str(config), "--format", "json", "--no-sql"], EXIT_BAD_INPUT)
    doc = envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")
    assert (doc["error"]["file"], doc["error"]["line"], doc["error"]["key"]) == (
        str(config),
        2,
        "check.dialect",
    )
    assert "klingon" in res.stderr


def test_check_json_to_a_file_gets_the_envelope_there(tmp_path: Path) -> None:
    missing, out, report = tmp_path / "nowhere", tmp_path / "check.json", tmp_path / "also.json"
    res = run(["check", str(missing), "--format", "json", "--output", str(out)], EXIT_BAD_INPUT)
    assert res.stdout == "" and envelope(out.read_text(), EXIT_BAD_INPUT, "bad_input")["command"] == "check"
    res = run(["check", str(missing), "--json", str(report)], EXIT_BAD_INPUT)
    assert res.stdout == "" and envelope(report.read_text(), EXIT_BAD_INPUT, "bad_input")
    # --json - with a format it cannot go with: refused, in JSON all the same
    res = run(["check", "--json", "-", "--format", "junit"], EXIT_BAD_INPUT)
    assert "--format junit" in envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")["error"]["message"]


def test_preview_and_alerts_evaluate_format_json(tmp_path: Path) -> None:
    res = run(["preview", "--format", "json"], EXIT_BAD_INPUT)
    doc = envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")
    assert doc["command"] == "preview" and "name a dashboard" in res.stderr
    out = tmp_path / "p.json"
    res = run(["preview", "--all", "--data", str(tmp_path / "x"), "--format", "json", "-o", str(out)], 2)
    assert res.stdout == "" and "--data" in envelope(out.read_text(), 2, "bad_input")["error"]["message"]
    res = run(["preview", "--format", "table"], EXIT_BAD_INPUT)
    assert res.stdout == ""

    path = tmp_path / "gone.yaml"
    args = ["alerts", "evaluate", "--file", str(path), "--dashboards", str(DASHBOARDS), "--format", "json"]
    res = run(args, EXIT_BAD_INPUT)
    doc = envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")
    assert doc["command"] == "alerts evaluate" and doc["error"]["file"] == str(path)
    assert "not found" in doc["error"]["message"] and "not found" in res.stderr


def test_schedules_apply_and_list_every_problem_before_any_call(
    tmp_path: Path, looker_env: FakeLooker
) -> None:
    bad = TEXT.replace('"0 6 * * *"', '"0 6 * *"').replace("Europe/Paris", "Mars/Olympus")
    path = write(tmp_path, bad)
    for cmd in ("apply", "list"):
        res = run(["schedules", cmd, "--file", str(path), "--dashboards", str(DASHBOARDS), "--json"], 2)
        doc = envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")
        assert doc["command"] == f"schedules {cmd}"
        keys = {(p["line"], p["key"]) for p in doc["problems"]}
        assert (15, "cron") in keys and any(k == "defaults.timezone" for _, k in keys), keys
    assert looker_env.calls == []


def test_looker_whoami_remote_failure_never_shows_the_secret(
    looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", "wrong-secret-value")
    res = run(["looker", "whoami", "--json"], EXIT_REMOTE)
    doc = envelope(res.stdout, EXIT_REMOTE, "remote")
    assert doc["command"] == "looker whoami" and "login failed" in doc["error"]["message"]
    assert "wrong-secret-value" not in res.output and looker_env.client_secret not in res.output
    assert res.stderr.startswith("error: Looker login failed")


def test_schedules_list_remote_failure_is_exit_3(
    tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOKERSDK_BASE_URL", "https://unreachable.test:19999")
    monkeypatch.setattr("time.sleep", lambda s: None)
    monkeypatch.chdir(tmp_path)
    target = tmp_path / "rows.json"
    res = run(["schedules", "list", "--dashboards", str(DASHBOARDS), "--json", str(target)], EXIT_REMOTE)
    assert res.stdout == "" and "network error" in res.stderr
    doc = envelope(target.read_text(), EXIT_REMOTE, "remote")
    assert doc["command"] == "schedules list" and doc["error"]["file"] is None


def _json_params(cmd: click.Command) -> list[click.Parameter]:
    return [p for p in cmd.params if p.name == "json_path" or p.name == "fmt" or p.name in ("output", "out")]


def _leaves(cmd: click.Command) -> list[click.Command]:
    if isinstance(cmd, click.Group):
        return [leaf for sub in cmd.commands.values() for leaf in _leaves(sub)]
    return [cmd]


def test_every_json_mode_reaches_the_envelope() -> None:
    """Each command's --json, --format (with json) and its --output note where the JSON goes,
    except the deploy and step commands, whose report is written also when they fail."""
    noted = 0
    for cmd in (leaf for top in all_commands() for leaf in _leaves(top)):
        json_opt = next((p for p in cmd.params if p.name == "json_path"), None)
        if json_opt is not None and "of every step" not in (getattr(json_opt, "help", "") or ""):
            assert json_opt.callback is not None, cmd.name
            noted += 1
        fmt = next((p for p in cmd.params if p.name == "fmt"), None)
        if fmt is not None and "json" in getattr(fmt.type, "choices", ()):
            assert fmt.callback is FORMAT, cmd.name
            for p in cmd.params:
                if isinstance(p, click.Option) and ("--output" in p.opts or "--out" in p.opts):
                    assert p.callback is OUTPUT, (cmd.name, p.opts)
            noted += 1
    assert noted >= 18


def test_a_bad_option_value_is_in_the_json_too(tmp_path: Path) -> None:
    """click's usage errors in a command's values (exit 2), also when the bad option comes
    before the one asking for JSON; an unknown option leaves the line unread: click's message
    alone."""
    for args in (
        ["check", "--fail-on", "bogus", "--format", "json"],
        ["check", "--json", "-", "--fail-on=bogus"],
        ["check", "--json", "--fail-on", "bogus"],
    ):
        res = run(args, EXIT_BAD_INPUT)
        doc = envelope(res.stdout, EXIT_BAD_INPUT, "bad_input")
        assert doc["command"] == "check" and "'bogus' is not one of" in doc["error"]["message"]
        assert "Invalid value for '--fail-on'" in res.stderr
    target = tmp_path / "s.json"
    res = run(["schedules", "-c", "x.yaml", "apply", "--json", str(target), "--file"], EXIT_BAD_INPUT)
    assert res.stdout == "" and not target.exists()  # --file without its value: nothing read
    (tmp_path / "f.txt").write_text("not a folder")
    res = run(["schedules", "list", "--json", str(target), "--dashboards", str(tmp_path / "f.txt")], 2)
    assert res.stdout == "" and "is a file" in res.stderr  # a value click's own type refuses
    doc = envelope(target.read_text(), EXIT_BAD_INPUT, "bad_input")
    assert doc["command"] == "schedules list" and "--dashboards" in doc["error"]["message"]
    res = run(["check", "--format", "json", "--nope"], EXIT_BAD_INPUT)
    assert res.stdout == "" and "No such option" in res.stderr
    res = run(["preview", "--format", "text"], EXIT_BAD_INPUT)  # not a format of preview
    assert res.stdout == ""
