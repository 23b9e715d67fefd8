# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""`looker ping --json [PATH]` (README "Command options"): the instance and its release, or
the login failure with exit 3; the client secret never in it."""

from __future__ import annotations

from pathlib import Path

import pytest

from looker_ops.errors import EXIT_REMOTE
from tests.cli_json import json_in_file, json_on_stdout
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_env  # noqa: F401


def test_ping_ok(looker_env: FakeLooker, tmp_path: Path) -> None:
    doc, res = json_on_stdout(["looker", "ping"], 0)
    assert doc["command"] == "looker ping" and doc["error"] is None
    assert doc["base_url"] == "https://looker.test:19999" and doc["looker_release"] == looker_env.release
    assert doc["user_id"] == "1" and doc["api_versions"] == ["4.0"]
    assert res.stderr.startswith("ok: https://looker.test:19999 Looker")
    assert looker_env.client_secret not in res.output

    doc_file, res = json_in_file(["looker", "ping"], tmp_path / "ping.json", 0)
    assert doc_file == doc and res.stdout.startswith("ok: https://looker.test:19999 Looker")
    assert looker_env.writes() == []


def test_ping_unreachable_is_exit_3_in_the_json(
    looker_env: FakeLooker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOKERSDK_BASE_URL", "https://unreachable.test:19999")
    monkeypatch.setattr("time.sleep", lambda s: None)
    doc, res = json_on_stdout(["looker", "ping"], EXIT_REMOTE)
    assert doc["error"]["message"].startswith("Looker login failed: POST /api/4.0/login -> network error")
    assert "base_url" not in doc  # nothing was learnt about the instance
    assert looker_env.client_secret not in res.output
    assert "error: Looker login failed" in res.stderr

    doc_file, res = json_in_file(["looker", "ping"], tmp_path / "ping.json", EXIT_REMOTE)
    assert doc_file == doc and res.stdout == ""


def test_ping_refused_credentials_never_show_the_secret(
    looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", "wrong-secret-value")
    doc, res = json_on_stdout(["looker", "ping"], EXIT_REMOTE)
    assert doc["error"]["message"].startswith("Looker login failed: POST /api/4.0/login -> status 404")
    assert "wrong-secret-value" not in res.output and looker_env.client_secret not in res.output
