"""The connection's password (the AWS secret access key) is write-only in Looker: a secret corrected
under the same access key id is sent with --resend-secrets, and by the deploy itself once when the
connection test fails on a run that had not sent it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.settings import load_config
from looker_ops.deploy.pipeline import Deployer, Options
from looker_ops.deploy.report import APPLIED, UNCHANGED
from looker_ops.errors import RemoteError
from looker_ops.looker import connection
from looker_ops.looker.client import LookerClient
from tests.deploy.helpers import ENV, Block, make_block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_client = fx.looker_client
looker_sleeps = fx.looker_sleeps
looker_env = fx.looker_env

KEY_ID = ENV["LOOKER_ATHENA_ACCESS_KEY_ID"]
RIGHT = ENV["LOOKER_ATHENA_SECRET_ACCESS_KEY"]
TYPO = "wJalrXUtnFEMI/TEST/SecretAccessKeyTYPO"


@pytest.fixture
def block(tmp_path: Path, fake_looker: FakeLooker) -> Block:
    return make_block(tmp_path)


def password(fake: FakeLooker) -> str:
    return str(fake.table("connections")["athena_ct"]["password"])


def connection_with_typo(block: Block, fake: FakeLooker, client: LookerClient) -> None:
    """The connection made with a mistyped secret (its test failing), as a first run leaves it."""
    cfg = load_config(block.config_path, env={**ENV, "LOOKER_ATHENA_SECRET_ACCESS_KEY": TYPO})
    fake.options["aws_secrets"] = {KEY_ID: RIGHT}
    with pytest.raises(RemoteError, match="security token"):
        Deployer(cfg, client, Options(steps=("connection",))).run()
    assert password(fake) == TYPO


def test_the_plan_resends_the_password_only_when_asked() -> None:
    want = {"name": "c", "dialect_name": "athena", "username": KEY_ID, "password": None}
    current = {**want, "has_password": True}
    assert connection.plan(want, current) == []
    (ch,) = connection.plan(want, current, resend_password=True)
    assert [d.field for d in ch.diffs] == ["password"] and connection.sends_password([ch])


def test_resend_secrets_sends_the_corrected_secret(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    fake_looker.options["aws_secrets"] = {KEY_ID: RIGHT}
    block.deploy(looker_client, steps=("connection",))
    fake_looker.table("connections")["athena_ct"]["password"] = "stale"  # as if sent with a typo
    fake_looker.reset_calls()
    report = block.deploy(looker_client, steps=("connection",), resend_secrets=True)
    assert password(fake_looker) == RIGHT
    (update,) = fake_looker.calls_to("update_connection")
    assert set(update.body) == {"password"}  # nothing else sent
    assert report.step("connection").status == APPLIED
    assert RIGHT not in str(report.as_dict()) and "(secret)" in str(report.as_dict())


def test_a_failed_test_sends_the_secret_once_and_tests_again(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    connection_with_typo(block, fake_looker, looker_client)
    fake_looker.reset_calls()
    report = block.deploy(looker_client)  # the secret is corrected in the env, same key id
    assert report.status == "ok" and password(fake_looker) == RIGHT
    step = report.step("connection")
    assert step.status == APPLIED and step.details["password_resent"] is True
    assert "after sending the secret access key again" in step.message
    assert len(fake_looker.calls_to("update_connection")) == 1
    assert len(fake_looker.calls_to("test_connection")) == 2
    fake_looker.reset_calls()
    again = block.deploy(looker_client)  # known good now: nothing sent, nothing tested
    assert again.step("connection").status == UNCHANGED and fake_looker.writes() == []


def test_a_wrong_secret_still_fails_after_one_resend(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    connection_with_typo(block, fake_looker, looker_client)
    fake_looker.options["aws_secrets"] = {KEY_ID: "yet another secret"}
    fake_looker.reset_calls()
    with pytest.raises(RemoteError, match="security token"):
        block.deploy(looker_client)
    assert len(fake_looker.calls_to("update_connection")) == 1  # once, not in a loop
    assert not fake_looker.table("projects")  # stopped at the connection


def test_resend_secrets_on_the_command_line(
    tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    block = make_block(tmp_path)
    cfg = str(block.config_path)
    runner = CliRunner()
    assert runner.invoke(main, ["connection", "apply", "-c", cfg]).exit_code == 0
    looker_env.table("connections")["athena_ct"]["password"] = "stale"
    plain = runner.invoke(main, ["connection", "apply", "-c", cfg])
    assert plain.exit_code == 0 and password(looker_env) == "stale"  # nothing shows it changed
    again = runner.invoke(main, ["connection", "apply", "-c", cfg, "--resend-secrets"])
    assert again.exit_code == 0, again.output
    assert password(looker_env) == RIGHT and RIGHT not in again.output + again.stderr
    looker_env.table("connections")["athena_ct"]["password"] = "stale"
    full = runner.invoke(main, ["deploy", "-c", cfg, "--resend-secrets"])
    assert full.exit_code == 0, full.output + full.stderr
    assert password(looker_env) == RIGHT
