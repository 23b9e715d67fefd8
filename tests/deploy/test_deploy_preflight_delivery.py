"""The schedules file is checked before the first call of a deploy (trial item 1): a schedule or
an alert that ``schedules validate`` / ``alerts validate`` refuse makes ``deploy`` (and
``--dry-run``) exit 2 naming every problem (file, line, key), and the fake Looker records no
request at all, the git remote receives nothing."""

from __future__ import annotations

import pytest

from looker_ops.deploy.preflight import check_config
from looker_ops.errors import BadInput
from looker_ops.looker.client import LookerClient
from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import Block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
looker_client = fx.looker_client
looker_sleeps = fx.looker_sleeps
block = deploy_cli.block
run = deploy_cli.run

ALERT = """
alerts:
  - name: Any events
    dashboard: ct-test-overview
    tile: {tile}
    condition: "> 100"
    cron: "0 * * * *"
    recipients: [soc@example.com]
"""


def _with_schedules(block: Block, extra: str = "", *, tile: str = "Events") -> None:
    block.edit("looker-ops.yaml", "validation:\n", "schedules: schedules.yaml\nvalidation:\n")
    path = block.root / "schedules.yaml"
    path.write_text(path.read_text() + extra + ALERT.format(tile=tile))


def _line(block: Block, text: str) -> int:
    lines = (block.root / "schedules.yaml").read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


@pytest.mark.parametrize("dry", [False, True])
def test_a_bad_alert_and_a_bad_schedule_reach_nothing(
    block: Block, looker_env: FakeLooker, dry: bool
) -> None:
    _with_schedules(block, "    filters:\n      Nope: 7 days\n", tile="No such tile")
    res = run("deploy", "-c", str(block.config_path), *(["--dry-run"] if dry else []))
    assert res.exit_code == 2, res.output
    sched = block.root / "schedules.yaml"
    assert (
        f"{sched}:{_line(block, 'Nope:')}: schedule 'Weekly overview': filters.Nope: not a filter"
        in res.stderr
    )
    assert f"{sched}:{_line(block, 'tile: No such tile')}: alert 'Any events': tile:" in res.stderr
    assert looker_env.calls == [] and block.remote.branches() == []


def test_the_deployer_refuses_before_its_first_call(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    """Through the Deployer the tests use (the trial's reproduction: 12 writes, production moved,
    before the alert was refused): now nothing is called."""
    _with_schedules(block, tile="No such tile")
    fake_looker.reset_calls()
    with pytest.raises(BadInput, match="tile:"):
        block.deploy(looker_client)
    assert fake_looker.calls == [] and block.remote.branches() == []


def test_only_the_selected_steps_parts_are_checked(block: Block) -> None:
    """The schedules step applies the schedules, not the alerts: a broken alert does not stop it;
    the alerts step refuses it."""
    _with_schedules(block, tile="No such tile")
    check_config(block.config(), ("schedules",))
    with pytest.raises(BadInput, match="alert 'Any events': tile:"):
        check_config(block.config(), ("alerts",))


def test_the_valid_twin_deploys_its_alert(block: Block, looker_env: FakeLooker) -> None:
    _with_schedules(block)
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 0, res.output
    (alert,) = looker_env.table("alerts").values()
    assert alert["custom_title"] == "[looker-ops] Any events"
