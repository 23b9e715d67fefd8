"""``JsonResult`` (looker_ops/commands/jsonout.py) and ``problems_of`` (looker_ops/errors.py):
the ``--json`` result of a command that prints text, and the problems read from an error
message."""

from __future__ import annotations

import json
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from looker_ops.commands.jsonout import JsonResult, json_option
from looker_ops.errors import BadInput, RemoteError, problems_of
from looker_ops.looker.redact import Redactor


def test_problems_of_a_multi_problem_message() -> None:
    message = (
        "looker-ops.yaml: 2 problems:\n"
        "  looker-ops.yaml: athena.bucket: the S3 bucket is required\n"
        "  deploy/looker-ops.yaml:4: connection.max_connections: must be 1 or more"
    )
    assert problems_of(message) == [
        {
            "file": "looker-ops.yaml",
            "line": None,
            "item": None,
            "key": "athena.bucket",
            "message": "looker-ops.yaml: athena.bucket: the S3 bucket is required",
        },
        {
            "file": "deploy/looker-ops.yaml",
            "line": 4,
            "item": None,
            "key": "connection.max_connections",
            "message": "deploy/looker-ops.yaml:4: connection.max_connections: must be 1 or more",
        },
    ]


def test_problems_of_names_the_schedule_or_alert_and_its_key() -> None:
    (p,) = problems_of("s.yaml:15: schedule 'Daily SG changes': defaults.timezone: 'Mars' is unknown")
    assert (p["file"], p["line"], p["item"], p["key"]) == (
        "s.yaml",
        15,
        "Daily SG changes",
        "defaults.timezone",
    )
    (p,) = problems_of("s.yaml:10: alert 'Root used': cron: runs 5 minute(s) apart")
    assert (p["item"], p["key"]) == ("Root used", "cron")


@pytest.mark.parametrize(
    "message",
    [
        "--s3: 'acme-geo' needs a folder",  # an option, not a file
        "AccessDeniedException: User: arn:aws:iam::1:user/ci is not authorized",
        "https://looker.test:19999/api/4.0/login: 404",
        "no schedules file: neither ./schedules.yaml nor ./deploy/schedules.yaml exists here",
    ],
)
def test_a_message_naming_no_file_is_one_problem_without_file(message: str) -> None:
    assert problems_of(message) == [
        {"file": None, "line": None, "item": None, "key": None, "message": message}
    ]


@click.command()
@click.option("--fail", type=click.Choice(["none", "bad", "remote", "bug"]), default="none")
@json_option("the result")
def demo(fail: str, json_path: str | None) -> None:
    with JsonResult(json_path, "demo", done=False) as out:
        out.echo("working")
        if fail == "bad":
            raise BadInput("f.yaml:3: a.b: wrong")
        if fail == "remote":
            raise RemoteError("Looker said client_secret=abc123 is refused")
        if fail == "bug":
            raise ZeroDivisionError
        out.doc["done"] = True
        out.echo("done")


def test_ok_and_failed_results_on_stdout_with_the_text_on_stderr() -> None:
    res = CliRunner().invoke(demo, ["--json"])
    assert res.exit_code == 0 and res.stderr == "working\ndone\n"
    assert json.loads(res.stdout) == {
        "ok": True,
        "command": "demo",
        "status": "ok",
        "exit_code": 0,
        "error": None,
        "problems": [],
        "done": True,
    }
    res = CliRunner().invoke(demo, ["--fail", "bad", "--json", "-"])
    assert isinstance(res.exception, BadInput)  # the error goes on to the CLI (its exit code)
    doc = json.loads(res.stdout)
    assert (doc["ok"], doc["status"], doc["exit_code"], doc["done"]) == (False, "failed", 2, False)
    assert doc["error"] == {
        "kind": "bad_input",
        "message": "f.yaml:3: a.b: wrong",
        "file": "f.yaml",
        "line": 3,
        "key": "a.b",
    }
    assert (doc["problems"][0]["file"], doc["problems"][0]["line"], doc["problems"][0]["key"]) == (
        "f.yaml",
        3,
        "a.b",
    )


def test_secrets_are_masked_in_the_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    redact = sys.modules["looker_ops.looker.redact"]
    # a redactor of this test's own (the process-wide one keeps what it is given)
    monkeypatch.setattr(redact, "REDACTOR", Redactor(["Looker said"]))
    target = tmp_path / "r.json"
    res = CliRunner().invoke(demo, ["--fail", "remote", "--json", str(target)])
    assert isinstance(res.exception, RemoteError) and res.stdout == "working\n"
    doc = json.loads(target.read_text())
    assert doc["exit_code"] == 3 and "abc123" not in target.read_text()
    # a known secret and a secret's shape
    assert doc["error"]["message"] == "*** client_secret=*** is refused"
    assert doc["error"]["kind"] == "remote" and doc["problems"][0]["message"] == doc["error"]["message"]


def test_a_bug_writes_no_result_and_goes_on_to_the_cli(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    res = CliRunner().invoke(demo, ["--fail", "bug", "--json", str(target)])
    assert isinstance(res.exception, ZeroDivisionError) and not target.exists()
