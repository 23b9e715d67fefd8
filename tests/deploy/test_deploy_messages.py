"""What a Looker admin reads from `deploy` and its step commands: no secret ever (a token in a git
URL echoed back by Looker included), refused credentials never mistaken for an empty instance,
messages that name the settings to fix, plain wording for production moves and content errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from looker_ops.looker.client import LookerClient
from looker_ops.looker.errors import LookerApiError
from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import ENV, Block, make_block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
block = deploy_cli.block
run = deploy_cli.run

TOKEN = "ghp_NotARealTokenButSecret0123"


def test_refused_credentials_are_not_an_empty_instance(
    block: Block, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Looker answers 404 on /login to an unknown key pair: that must not read as "nothing there".
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", "not-the-right-secret-0000")
    res = run("deploy", "-c", str(block.config_path), "--dry-run")
    assert res.exit_code == 3
    assert "Looker login failed" in res.stderr and "client id and secret" in res.stderr
    assert "(create)" not in res.output  # no plan built on reads that never happened
    assert "not-the-right-secret-0000" not in res.output


def test_get_or_none_does_not_swallow_a_refused_login(looker_env: FakeLooker) -> None:
    looker_env.credentials = {"someone-else": ("x" * 20, "1")}
    client: LookerClient = fx.make_client(looker_env)
    with pytest.raises(LookerApiError) as exc:
        client.get_or_none(client.sdk.connection, "athena_ct")
    assert exc.value.status == 404 and not exc.value.is_not_found


def test_a_token_in_the_git_url_never_shows_even_when_looker_repeats_it(
    tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    url = f"https://ci-bot:{TOKEN}@git.invalid/acme/block.git"  # Looker cannot reach it: 422
    block = make_block(tmp_path, remote_url=url)
    report = tmp_path / "report.json"
    res = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert res.exit_code == 3
    assert "Unable to connect to the remote repository https://***@git.invalid/acme/block.git" in res.stderr
    for text in (res.output, report.read_text(), summary.read_text()):
        assert TOKEN not in text and "ci-bot:" not in text


def test_missing_looker_settings_name_the_config_key_not_a_missing_option(
    block: Block, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"LOOKERSDK_{key}")
    res = run("connection", "apply", "-c", str(block.config_path))
    assert res.exit_code == 2
    assert "missing base_url, client_id, client_secret" in res.stderr
    assert "LOOKERSDK_BASE_URL, LOOKERSDK_CLIENT_ID, LOOKERSDK_CLIENT_SECRET" in res.stderr
    assert "looker.ini in looker-ops.yaml" in res.stderr and "--looker-ini" not in res.stderr


def test_production_moves_and_content_errors_read_plainly(
    block: Block, looker_env: FakeLooker, tmp_path: Path
) -> None:
    first = run("deploy", "-c", str(block.config_path))
    assert "first production deploy: production now serves " in first.stdout
    assert "moved nothing" not in first.output
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    report = tmp_path / "r.json"
    res = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert res.exit_code == 1
    assert "(model cloudtrail, explore events, field events.aws_region)" in res.stderr
    steps = {s["name"]: s for s in json.loads(report.read_text())["steps"]}
    assert steps["production"]["message"].startswith("production moved from ")
    assert "(the previous commit is kept for a rollback)" in steps["production"]["message"]


@pytest.mark.parametrize(
    "command", [["deploy"], ["validate", "branch"], ["connection", "apply"], ["dashboards", "import"]]
)
def test_help_says_each_default_once(command: list[str]) -> None:
    text = run(*command, "--help").output
    assert text.count("default: looker-ops.yaml") + text.count("default: ./looker-ops.yaml") == 1


def test_schedules_help_says_which_looker_settings_win() -> None:
    text = " ".join(run("schedules", "--help").output.split())
    assert "LOOKERSDK_* variables override it" in text and "the config's looker.ini" in text
