"""A deploy that waits on Looker says so (issue 18): each back-off prints one plain-text
"retrying (n/N) after <cause>" line on stderr, stdout keeps the summary alone. And `lookml
push`, which needs only git, runs without any Looker settings."""

from __future__ import annotations

from typing import Any

import pytest

from looker_ops.commands import steps
from looker_ops.config.settings import Config
from looker_ops.errors import EXIT_REMOTE
from looker_ops.looker.retry import never_connected, retry_line
from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import Block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
block = deploy_cli.block
run = deploy_cli.run


@pytest.fixture
def waits(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The back-off waits of the commands' real client, recorded instead of slept."""
    seen: list[float] = []
    real = steps.make_client

    def recording(cfg: Config) -> Any:
        client = real(cfg)
        client.policy.sleep = seen.append
        return client

    monkeypatch.setattr(steps, "make_client", recording)
    return seen


def test_retry_line_reads_as_progress() -> None:
    assert (
        retry_line("connection", 2, 6, "503", 1.04) == "looker: connection: retrying (2/6) after 503 in 1.0 s"
    )


def test_a_503_during_deploy_prints_each_retry_on_stderr(
    block: Block, looker_env: FakeLooker, waits: list[float]
) -> None:
    looker_env.fail("connection", 503, times=2)
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 0, res.output
    lines = [line for line in res.stderr.splitlines() if "retrying" in line]
    assert [line.split(" in ")[0] for line in lines] == [
        "looker: connection: retrying (2/6) after 503",
        "looker: connection: retrying (3/6) after 503",
    ]
    assert len(waits) == 2 and "retrying" not in res.stdout
    assert "\x1b[" not in res.stderr  # plain text: no colour codes in CI logs


def test_an_unreachable_looker_is_not_silent(
    block: Block, looker_env: FakeLooker, waits: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOKERSDK_BASE_URL", "http://127.0.0.1:9")  # nothing listens there
    res = run("connection", "apply", "-c", str(block.config_path))
    assert res.exit_code == EXIT_REMOTE, res.output
    lines = [line for line in res.stderr.splitlines() if "retrying" in line]
    assert len(lines) == 5 and len(waits) == 5  # 6 attempts: one line before each wait
    assert lines[0].startswith("looker: login: retrying (2/6) after network error in ")
    assert lines[-1].startswith("looker: login: retrying (6/6) after network error in ")
    assert looker_env.calls == []


def test_lookml_push_needs_no_looker_settings(
    block: Block, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"LOOKERSDK_{key}")
    res = run("lookml", "push", "-c", str(block.config_path))
    assert res.exit_code == 0, res.output
    assert block.remote.branches() == ["main"]
    assert "cloudtrail.model.lkml" in block.remote.files("main")
    assert looker_env.calls == []
    # The steps that call Looker still say what is missing.
    other = run("models", "apply", "-c", str(block.config_path))
    assert other.exit_code == 2 and "LOOKERSDK_BASE_URL" in other.stderr


def test_a_refused_connection_is_known_as_never_sent_from_its_type() -> None:
    import requests

    with pytest.raises(requests.exceptions.ConnectionError) as refused:
        requests.post("http://127.0.0.1:9/api/4.0/connections", timeout=5)  # nothing listens there
    assert never_connected(refused.value)
    assert not never_connected(requests.exceptions.ConnectionError("NewConnectionError in the text only"))
    assert not never_connected(requests.exceptions.ReadTimeout())
