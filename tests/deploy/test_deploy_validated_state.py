"""The validated marker covers what a deploy delivered as a whole: the LookML commit in production
AND the dashboards' LookML (docs/deploy.md, "Interrupted runs"). A dashboard that reached Looker in
a run whose content validation never passed is validated (strictly) by the next run; a deploy
kept with --no-rollback is recorded as accepted and not undone by the next plain run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from looker_ops import gitops
from looker_ops.deploy.report import APPLIED, PLANNED, SKIPPED
from looker_ops.errors import EXIT_FINDINGS, RemoteError, ValidationFailed
from looker_ops.looker import dashboards as dash_mod
from looker_ops.looker.client import LookerClient
from tests.deploy.helpers import Block, live_dashboards, make_block, production_ref
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_client = fx.looker_client
looker_sleeps = fx.looker_sleeps

MARKER = "refs/looker-ops/validated/main"
BREAK_OVERVIEW = (
    "dashboards/overview.dashboard.lookml",
    "fields: [events.count]",
    "fields: [events.no_such_field]",
)


@pytest.fixture
def block(tmp_path: Path, fake_looker: FakeLooker) -> Block:
    return make_block(tmp_path)


def dashboard(fake: FakeLooker, slug: str) -> dict[str, Any]:
    return next(d for d in live_dashboards(fake) if d["slug"] == slug)


def marker_commit(block: Block) -> str:
    return block.remote.git("rev-parse", MARKER + "^{commit}").strip()


def test_the_marker_records_the_dashboards_digests(block: Block, looker_client: LookerClient) -> None:
    block.deploy(looker_client)
    recorded = gitops.marker_dashboards(block.remote.url, "main")
    assert recorded == block.deployer(looker_client).dashboard_digests()
    assert sorted(recorded) == ["ct-test-names", "ct-test-overview", "ct-test-regions"]
    assert marker_commit(block) == block.remote.rev_parse("main")


def test_dashboard_change_killed_after_the_import_is_validated_by_the_rerun(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    block.deploy(looker_client)
    prod = production_ref(fake_looker)
    block.edit(*BREAK_OVERVIEW)
    real = dash_mod.import_lookml

    def killed(*args: Any, **kwargs: Any) -> Any:
        real(*args, **kwargs)  # the import reached Looker, then the process died
        raise KeyboardInterrupt

    monkeypatch.setattr(dash_mod, "import_lookml", killed)
    with pytest.raises(KeyboardInterrupt):
        block.deploy(looker_client)
    monkeypatch.setattr(dash_mod, "import_lookml", real)
    assert "no_such_field" in str(dashboard(fake_looker, "ct-test-overview"))  # it did reach Looker

    # The rerun finds the dashboard unchanged, yet its LookML is not the validated one.
    deployer = block.deployer(looker_client)
    with pytest.raises(ValidationFailed) as exc:
        deployer.run()
    assert exc.value.exit_code == EXIT_FINDINGS
    assert "events.no_such_field" in str(exc.value) and "CloudTrail overview" in str(exc.value)
    rep = deployer.report
    assert rep.step("dashboards").details["unvalidated"] == ["ct-test-overview"]
    assert rep.step("content").details["strict"] is True
    assert any("ct-test-overview" in line for line in rep.step("content").details["rollback"])
    assert production_ref(fake_looker) == prod and marker_commit(block) == prod
    # Not accepted by being seen once: the next run fails the same way.
    with pytest.raises(ValidationFailed):
        block.deploy(looker_client)
    # The dry run says content validation would run.
    dry = block.deploy(looker_client, dry_run=True)
    assert dry.step("content").status == PLANNED and "strictly" in dry.step("content").message

    # Fixing the file imports it again, validates and moves the marker.
    block.edit(BREAK_OVERVIEW[0], BREAK_OVERVIEW[2], BREAK_OVERVIEW[1])
    block.edit("dashboards/overview.dashboard.lookml", "title: Events\n", "title: All events\n")
    assert block.deploy(looker_client).step("content").status == APPLIED
    assert (
        gitops.marker_dashboards(block.remote.url, "main")
        == block.deployer(looker_client).dashboard_digests()
    )
    fake_looker.reset_calls()
    again = block.deploy(looker_client)
    assert again.step("content").status == SKIPPED and fake_looker.writes() == []


def test_broken_dashboard_whose_sibling_import_timed_out_is_caught_by_the_rerun(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    block.deploy(looker_client)
    block.edit(*BREAK_OVERVIEW)
    block.edit("dashboards/regions.dashboard.lookml", "title: Events by region", "title: Events per region")
    real = dash_mod.import_lookml

    def regions_times_out(client: Any, folder_id: str, lookml: str) -> Any:
        if "ct-test-regions" in lookml:
            raise RemoteError("import_dashboard_from_lookml: timed out")
        return real(client, folder_id, lookml)

    monkeypatch.setattr(dash_mod, "import_lookml", regions_times_out)
    with pytest.raises(RemoteError):
        block.deploy(looker_client)
    monkeypatch.setattr(dash_mod, "import_lookml", real)
    assert "no_such_field" in str(dashboard(fake_looker, "ct-test-overview"))

    # The rerun imports regions; its "before" snapshot already holds the broken overview, so only
    # a strict validation can see it.
    deployer = block.deployer(looker_client)
    with pytest.raises(ValidationFailed) as exc:
        deployer.run()
    assert "events.no_such_field" in str(exc.value)
    undo = deployer.report.step("content").details["rollback"]
    assert "dashboard ct-test-regions: previous LookML restored" in undo  # what this run imported
    assert "Events by region" in str(dashboard(fake_looker, "ct-test-regions"))


def test_a_legacy_marker_on_a_bare_commit_means_one_strict_validation(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    head = block.remote.rev_parse("main")
    block.remote.git("update-ref", MARKER, head)  # as an older looker-ops wrote it
    assert gitops.marker_dashboards(block.remote.url, "main") is None
    report = block.deploy(looker_client)  # healthy: passes, and the marker gets the digests
    assert report.step("content").status == APPLIED and report.step("content").details["strict"] is True
    assert gitops.marker_dashboards(block.remote.url, "main") is not None
    fake_looker.reset_calls()
    assert block.deploy(looker_client).step("content").status == SKIPPED and fake_looker.writes() == []


# --------------------------------------------------------------------------- --no-rollback


def test_no_rollback_is_recorded_as_accepted_and_not_undone_by_the_next_run(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    with pytest.raises(ValidationFailed, match="recorded as the accepted state") as exc:
        block.deploy(looker_client, rollback=False)
    assert exc.value.exit_code == EXIT_FINDINGS  # the run still fails
    broken = block.remote.rev_parse("main")
    assert production_ref(fake_looker) == broken and marker_commit(block) == broken

    fake_looker.reset_calls()
    report = block.deploy(looker_client)  # nothing changed since: nothing to validate or undo
    assert report.status == "ok" and fake_looker.writes() == []
    assert report.step("content").status == SKIPPED
    assert production_ref(fake_looker) == broken

    # A later change is compared with the errors the accepted state already had.
    block.edit("dashboards/names.dashboard.lookml", "title: CloudTrail event names", "title: Event names")
    later = block.deploy(looker_client)
    assert later.status == "ok" and later.step("content").details["errors_before"] > 0
    assert later.step("content").details["new_errors"] == []
