"""The deploy's alerts step: after dashboards and schedules; a re-import gives the tiles new
element ids and the step puts the alerts back on them; a second deploy writes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from looker_ops.deploy.context import STEP_NAMES
from looker_ops.deploy.report import APPLIED, PLANNED, SKIPPED, UNCHANGED
from looker_ops.looker.client import LookerClient
from tests.deploy.helpers import Block, make_block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_client = fx.looker_client
looker_sleeps = fx.looker_sleeps

ALERTS = """
alerts:
  - name: Any events
    dashboard: ct-test-overview
    tile: Events
    condition: "> 100"
    cron: "0 * * * *"
    recipients: [soc@example.com]
"""


@pytest.fixture
def block(tmp_path: Path, fake_looker: FakeLooker) -> Block:
    b = make_block(tmp_path)
    b.edit("looker-ops.yaml", "validation:\n", "schedules: schedules.yaml\nvalidation:\n")
    return b


def test_alerts_is_the_last_step() -> None:
    assert STEP_NAMES[-3:] == ("content", "schedules", "alerts")


def test_without_alerts_in_the_file_the_step_is_skipped(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    report = block.deploy(looker_client)
    assert report.step("alerts").status == SKIPPED
    assert report.step("alerts").message == "no `alerts:` in the schedules file"
    assert fake_looker.calls_to("search_alerts") == []


@pytest.mark.parametrize("mode", ["delete", "keep"])
def test_deploy_creates_then_follows_a_reimport_then_writes_nothing(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient, mode: str
) -> None:
    fake_looker.options["alerts_on_reimport"] = mode
    (block.root / "schedules.yaml").write_text((block.root / "schedules.yaml").read_text() + ALERTS)
    dry = block.deploy(looker_client, dry_run=True)
    assert dry.step("alerts").status == PLANNED and fake_looker.table("alerts") == {}
    report = block.deploy(looker_client)
    assert [s.name for s in report.steps][-2:] == ["schedules", "alerts"]
    assert report.step("alerts").status == APPLIED
    (alert,) = fake_looker.table("alerts").values()
    first_element = alert["dashboard_element_id"]
    assert alert["custom_title"] == "[looker-ops] Any events" and alert["threshold"] == 100
    # a change to the dashboard file makes the dashboards step re-import it: new element ids
    block.edit(
        "dashboards/overview.dashboard.lookml",
        "title: CloudTrail overview",
        "title: CloudTrail overview (v2)",
    )
    again = block.deploy(looker_client)
    assert again.step("dashboards").status == APPLIED
    assert again.step("alerts").status == APPLIED
    (alert,) = fake_looker.table("alerts").values()
    live = {str(e["id"]) for d in fake_looker.table("dashboards").values() for e in d["_elements"]}
    assert alert["dashboard_element_id"] in live and alert["dashboard_element_id"] != first_element
    fake_looker.reset_calls()
    third = block.deploy(looker_client)
    assert third.step("alerts").status == UNCHANGED and fake_looker.writes() == []
