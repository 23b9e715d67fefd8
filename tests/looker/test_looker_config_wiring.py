"""looker-ops.yaml's `looker:` section (ini, section, timeout, long_timeout, max_retries) reaches
the Looker client of `deploy`, the step commands and `schedules`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner, Result

from looker_ops.cli import main
from looker_ops.commands.steps import make_client
from looker_ops.config.settings import load_config, load_looker_settings
from looker_ops.errors import BadInput
from tests.deploy.helpers import ENV, Block, make_block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env

LOOKER = "looker:\n  timeout: 7\n  long_timeout: 99\n  max_retries: 2\n"


@pytest.fixture
def block(tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> Block:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setenv("LOOKERSDK_TIMEOUT", "300")  # the config's value must win over it
    b = make_block(tmp_path)
    b.config_path.write_text(LOOKER + b.config_path.read_text())
    return b


@pytest.fixture
def timeouts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str, float]]]:
    """(path, timeout) of every HTTP request; retry waits recorded instead of slept."""
    seen: list[tuple[str, float]] = []
    real = requests.Session.request

    def spy(self: requests.Session, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        seen.append((url.split("/api/4.0", 1)[-1].split("?", 1)[0], kwargs.get("timeout")))
        return real(self, method, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", spy)
    monkeypatch.setattr("looker_ops.looker.retry.time.sleep", lambda s: None)
    yield seen


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_every_looker_key_reaches_the_client(block: Block) -> None:
    client = make_client(load_config(block.config_path, env=ENV))
    assert (client.settings.timeout, client.settings.long_timeout) == (7, 99)
    assert client.transport.settings.timeout == 7  # what each request is sent with
    assert client.policy.max_attempts == 3  # 2 retries


def test_unset_timeout_leaves_lookersdk_timeout_in_charge(
    block: Block, monkeypatch: pytest.MonkeyPatch
) -> None:
    block.config_path.write_text(block.config_path.read_text().replace("  timeout: 7\n", ""))
    monkeypatch.setenv("LOOKERSDK_TIMEOUT", "45")
    client = make_client(load_config(block.config_path, env=ENV))
    assert client.settings.timeout == 45 and client.policy.max_attempts == 3


def test_the_configs_looker_ini_and_section_are_used(block: Block, monkeypatch: pytest.MonkeyPatch) -> None:
    for key in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET", "TIMEOUT"):
        monkeypatch.delenv(f"LOOKERSDK_{key}")
    ini = block.root / "conf" / "looker.ini"
    ini.parent.mkdir()
    ini.write_text(
        "[Other]\nbase_url = https://other.test\n\n[Prod]\nbase_url = https://prod.test:19999\n"
        "client_id = id\nclient_secret = s3cr3t-from-ini\n"
    )
    text = block.config_path.read_text().replace(
        "looker:\n", "looker:\n  ini: conf/looker.ini\n  section: Prod\n"
    )
    block.config_path.write_text(text)
    client = make_client(load_config(block.config_path, env=ENV))  # ini relative to the config
    assert client.settings.base_url == "https://prod.test:19999" and client.settings.timeout == 7


def test_deploy_and_step_commands_use_the_timeouts_and_retries(
    block: Block, looker_env: FakeLooker, timeouts: list[tuple[str, float]]
) -> None:
    assert run("connection", "apply", "-c", str(block.config_path)).exit_code == 0
    by_path = dict(timeouts)
    assert by_path["/connections/athena_ct"] == 7  # an ordinary call
    assert by_path["/connections/athena_ct/test"] == 99  # a long one
    looker_env.fail("login", 503, times=10)
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 3 and "503" in res.stderr
    assert len(looker_env.calls_to("login")) == 1 + 3  # the first run's login + 3 attempts


def test_schedules_commands_use_the_configs_looker_section(
    block: Block, looker_env: FakeLooker, timeouts: list[tuple[str, float]]
) -> None:
    cfg, dash = str(block.config_path), str(block.dashboards)
    ok = run("schedules", "--config", cfg, "list", "--dashboards", dash)
    assert ok.exit_code == 0, ok.output
    assert timeouts and {t for _, t in timeouts} == {7}  # not LOOKERSDK_TIMEOUT's 300
    looker_env.fail("login", 503, times=10)
    looker_env.reset_calls()
    res = run("schedules", "--config", cfg, "list", "--dashboards", dash)
    assert res.exit_code == 3 and len(looker_env.calls_to("login")) == 3  # max_retries: 2


def test_bad_looker_values_are_named(tmp_path: Path) -> None:
    cfg = tmp_path / "looker-ops.yaml"
    cfg.write_text("looker:\n  max_retries: -1\n")
    with pytest.raises(BadInput, match=r"looker\.max_retries: must be 0 or more"):
        load_looker_settings(cfg)
    cfg.write_text("project: {}\nlooker:\n  timeot: 3\n")
    with pytest.raises(BadInput, match=r"looker-ops.yaml:3: looker.timeot: unknown key"):
        load_looker_settings(cfg)
    cfg.write_text("looker:\n  timeout: 0\n")
    with pytest.raises(BadInput, match=r"looker\.timeout: must be a positive number"):
        load_config(cfg, env={})


def test_the_default_retries_are_the_same_with_and_without_a_config() -> None:
    """`looker whoami` (no looker-ops.yaml) and `deploy` (looker.max_retries' default) try a
    failing call as many times (the trial saw "after 5 attempts" and "after 6 attempts")."""
    from looker_ops.config.settings import LookerSettings
    from looker_ops.looker.retry import RetryPolicy

    assert RetryPolicy().max_attempts == LookerSettings().max_retries + 1
