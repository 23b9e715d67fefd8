"""`looker-ops deploy` end to end against the fake Looker and a bare git repository on disk."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from looker_ops.deploy.report import APPLIED, FAILED, PLANNED, SKIPPED, UNCHANGED
from looker_ops.errors import EXIT_FINDINGS, EXIT_REMOTE, RemoteError, ValidationFailed
from looker_ops.looker.client import LookerClient
from looker_ops.looker.project import VALIDATE_BRANCH
from tests.deploy.helpers import (
    BLOCK,
    ENV,
    Block,
    end_state,
    folder_ids,
    live_dashboards,
    make_block,
    production_ref,
)
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

SLUGS = ["ct-test-names", "ct-test-overview", "ct-test-regions"]

fake_looker = fx.fake_looker
looker_client = fx.looker_client
looker_sleeps = fx.looker_sleeps


@pytest.fixture
def block(tmp_path: Path, fake_looker: FakeLooker) -> Block:
    return make_block(tmp_path)


def statuses(report: object) -> dict[str, str]:
    return {s.name: s.status for s in report.steps}  # type: ignore[attr-defined]


def test_first_install_on_an_empty_instance(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    report = block.deploy(looker_client)
    assert report.status == "ok"
    st = statuses(report)
    assert all(
        st[s] == APPLIED
        for s in (
            "connection",
            "project",
            "lookml",
            "models",
            "validate",
            "production",
            "dashboards",
            "content",
        )
    )
    assert st["schedules"] == SKIPPED

    conn = fake_looker.table("connections")["athena_ct"]
    assert conn["dialect_name"] == "athena" and conn["host"] == "athena.eu-west-1.amazonaws.com"
    assert str(conn["port"]) == "443" and conn["database"] == "cloudtrail"
    assert conn["username"] == ENV["LOOKER_ATHENA_ACCESS_KEY_ID"]
    assert conn["password"] == ENV["LOOKER_ATHENA_SECRET_ACCESS_KEY"]
    assert (
        conn["jdbc_additional_params"] == "s3_staging_dir=s3://acme-athena-results/looker/;Workgroup=primary"
    )
    assert not conn.get("tmp_db_name")

    proj = fake_looker.table("projects")["cloudtrail_block"]
    assert proj["git_remote_url"] == block.remote.url and proj["git_production_branch_name"] == "main"
    # Advanced deploy mode is sent, not only wanted: production then moves only to the validated ref.
    assert proj["git_release_mgmt_enabled"] is True
    sent = [c.body for c in fake_looker.calls_to("update_project")]
    assert sent and all(b.get("git_release_mgmt_enabled") is True for b in sent)
    head = block.remote.rev_parse("main")
    assert head is not None and production_ref(fake_looker) == head
    # The commit holds exactly the LookML folder, with the manifest constants from the config.
    files = block.remote.files("main")
    assert sorted(files) == ["cloudtrail.model.lkml", "manifest.lkml", "views/events.view.lkml"]
    assert 'value: "athena_ct"' in files["manifest.lkml"]
    assert report.step("production").details["previous_ref"] is None

    model = fake_looker.table("lookml_models")["cloudtrail"]
    assert (
        model["allowed_db_connection_names"] == ["athena_ct"] and model["project_name"] == "cloudtrail_block"
    )

    (security,) = folder_ids(fake_looker, "Security")
    (ct,) = folder_ids(fake_looker, "CloudTrail")
    assert fake_looker.table("folders")[security]["parent_id"] == "1"  # under Shared
    dashes = live_dashboards(fake_looker)
    assert sorted(d["slug"] for d in dashes) == SLUGS
    assert {d["folder_id"] for d in dashes} == {ct}
    # progress lines were shown as steps ran
    assert any(line.startswith("[7/10] dashboards") for line in block.lines)


def test_second_run_makes_zero_writes_and_no_push(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    before = end_state(fake_looker)
    commits = block.remote.git("rev-list", "--all").split()
    fake_looker.reset_calls()
    looker_client.counter.reset()

    report = block.deploy(looker_client)
    assert fake_looker.writes() == [] and looker_client.counter.writes == 0
    assert block.remote.git("rev-list", "--all").split() == commits
    assert end_state(fake_looker) == before
    st = statuses(report)
    assert st["connection"] == st["project"] == st["lookml"] == st["models"] == st["dashboards"] == UNCHANGED
    assert st["validate"] == st["production"] == st["content"] == SKIPPED
    # the no-op needs few calls: one read per resource, one per dashboard's LookML
    assert looker_client.counter.reads <= 12


def test_advanced_deploy_mode_switched_off_in_the_ui_is_drift_and_repaired(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    fake_looker.table("projects")["cloudtrail_block"]["git_release_mgmt_enabled"] = False
    fake_looker.reset_calls()

    report = block.deploy(looker_client, dry_run=True)
    assert fake_looker.writes() == []
    (change,) = report.step("project").changes
    assert [(d.field, d.before, d.after) for d in change.diffs] == [("git_release_mgmt_enabled", False, True)]

    report = block.deploy(looker_client)
    assert statuses(report)["project"] == APPLIED
    assert fake_looker.table("projects")["cloudtrail_block"]["git_release_mgmt_enabled"] is True
    (patch,) = [c.body for c in fake_looker.calls_to("update_project")]
    assert patch["git_release_mgmt_enabled"] is True
    fake_looker.reset_calls()
    block.deploy(looker_client)
    assert fake_looker.writes() == []


def test_deploying_a_ref_needs_advanced_deploy_mode(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    """The fake refuses what Looker refuses: a commit deployed while advanced deploy mode is off."""
    from looker_sdk import error as sdk_error

    fake_looker.table("projects")["p"] = {"id": "p", "name": "p", "git_release_mgmt_enabled": False}
    with pytest.raises((RemoteError, sdk_error.SDKError)) as refused:
        looker_client.sdk.deploy_ref_to_production("p", ref="0" * 40)
    assert "Advanced deploy mode is not enabled" in str(refused.value)


def test_dry_run_on_an_empty_instance_writes_nothing(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    report = block.deploy(looker_client, dry_run=True)
    assert fake_looker.writes() == []
    assert block.remote.branches() == []  # no git push
    st = statuses(report)
    assert st["connection"] == st["project"] == st["lookml"] == st["models"] == st["dashboards"] == PLANNED
    assert st["validate"] == st["production"] == st["content"] == PLANNED
    kinds = [(c.kind, c.action) for c in report.step("dashboards").changes]
    assert kinds[0] == ("folder", "create") and kinds.count(("dashboard", "create")) == 3
    assert report.step("lookml").changes[0].action == "push"


def test_dry_run_after_a_change_shows_it_and_writes_nothing(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    block.edit("dashboards/regions.dashboard.lookml", "title: Events by region", "title: Events per region")
    block.edit("lookml_project/views/events.view.lkml", "type: count", 'type: count\n    label: "Events"')
    head = block.remote.rev_parse("main")
    fake_looker.reset_calls()
    report = block.deploy(looker_client, dry_run=True)
    assert fake_looker.writes() == [] and block.remote.rev_parse("main") == head
    (dash,) = report.step("dashboards").changes
    assert (dash.name, dash.action, [d.field for d in dash.diffs]) == (
        "ct-test-regions",
        "update",
        ["lookml"],
    )
    assert report.step("lookml").changes[0].note.endswith("M views/events.view.lkml")
    assert statuses(report)["production"] == PLANNED


def test_lookml_error_stops_before_production(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    prod = production_ref(fake_looker)
    block.edit(
        "lookml_project/cloudtrail.model.lkml",
        'label: "CloudTrail events"',
        'label: "CloudTrail events"\n  join: nowhere {\n    sql_on: ${events.event_id} = ${nowhere.id} ;;\n  }',
    )
    block.edit("dashboards/regions.dashboard.lookml", "title: Events by region", "title: Events per region")
    with pytest.raises(ValidationFailed) as exc:
        block.deploy(looker_client)
    assert exc.value.exit_code == EXIT_FINDINGS
    msg = str(exc.value)
    assert "cloudtrail_block/cloudtrail.model.lkml:" in msg and "production untouched" in msg
    assert production_ref(fake_looker) == prod  # production untouched
    regions = next(d for d in live_dashboards(fake_looker) if d["slug"] == "ct-test-regions")
    assert "Events by region" in json.dumps(regions, default=str)  # later steps not run
    assert block.remote.rev_parse("main") != prod  # the commit was pushed, for the dev branch


def test_lookml_change_breaking_a_dashboard_is_rolled_back(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    prod = production_ref(fake_looker)
    overview = next(d for d in live_dashboards(fake_looker) if d["slug"] == "ct-test-overview")
    # Rename a dimension a dashboard uses: the LookML itself stays valid.
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    # and change another dashboard in the same run: it must get its previous LookML back
    block.edit(
        "dashboards/overview.dashboard.lookml", "title: CloudTrail overview", "title: CloudTrail summary"
    )
    with pytest.raises(ValidationFailed) as exc:
        block.deploy(looker_client)
    assert exc.value.exit_code == EXIT_FINDINGS
    assert "events.aws_region" in str(exc.value) or "aws_region" in str(exc.value)
    assert "rolled back" in str(exc.value)
    assert production_ref(fake_looker) == prod  # back to the previous ref
    after = next(d for d in live_dashboards(fake_looker) if d["slug"] == "ct-test-overview")
    assert after["id"] == overview["id"] and after["title"] == "CloudTrail overview"


def test_no_rollback_leaves_the_deploy_in_place(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    with pytest.raises(ValidationFailed, match="not rolled back"):
        block.deploy(looker_client, rollback=False)
    assert production_ref(fake_looker) == block.remote.rev_parse("main")


def test_connection_test_failure_stops_with_lookers_message(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    fake_looker.options["connection_test_failures"] = {"connect": "Access denied for AKIATESTKEY0000001"}
    with pytest.raises(RemoteError) as exc:
        block.deploy(looker_client)
    assert exc.value.exit_code == EXIT_REMOTE
    assert "Access denied" in str(exc.value)
    assert not fake_looker.table("projects")  # stopped at the first step


def test_json_report(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient, tmp_path: Path
) -> None:
    report = block.deploy(looker_client)
    out = tmp_path / "report.json"
    report.write(out)
    data = json.loads(out.read_text())
    assert data["schema"] == "looker-ops/deploy-report/v2"
    assert data["status"] == "ok" and data["exit_code"] == 0 and data["dry_run"] is False
    assert [s["name"] for s in data["steps"]] == [
        "connection",
        "project",
        "lookml",
        "models",
        "validate",
        "production",
        "dashboards",
        "content",
        "schedules",
        "alerts",
    ]
    for s in data["steps"]:
        assert set(s) == {
            "name",
            "title",
            "status",
            "duration_s",
            "changes",
            "message",
            "details",
            "looker_calls",
        }
        assert s["status"] in ("planned", "applied", "unchanged", "skipped", "failed")
        assert isinstance(s["duration_s"], float)
    conn = data["steps"][0]
    assert conn["changes"][0]["kind"] == "connection" and conn["changes"][0]["action"] == "create"
    assert data["looker_calls"]["writes"] > 0
    text = out.read_text()
    assert (
        ENV["LOOKER_ATHENA_SECRET_ACCESS_KEY"] not in text and ENV["LOOKER_ATHENA_ACCESS_KEY_ID"] not in text
    )
    assert all(ENV["LOOKER_ATHENA_ACCESS_KEY_ID"] not in line for line in block.lines)


def test_interrupted_run_converges_on_rerun(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    # network down during the dashboards (every import attempt fails): the run stops, exit 3
    fake_looker.fail("import_dashboard_from_lookml", "timeout_before", nth=2, times=50)
    with pytest.raises(RemoteError):
        block.deploy(looker_client)
    fake_looker.faults.clear()
    report = block.deploy(looker_client)
    assert report.status == "ok"
    assert sorted(d["slug"] for d in live_dashboards(fake_looker)) == SLUGS
    assert len(folder_ids(fake_looker, "CloudTrail")) == 1
    fake_looker.reset_calls()
    block.deploy(looker_client)
    assert fake_looker.writes() == []


# The writes of a first install ...
INSTALL_OPS = [
    "create_connection",
    "create_project",
    "update_project",
    "create_lookml_model",
    "create_git_branch",
    "deploy_ref_to_production",
    "create_folder",
    "import_dashboard_from_lookml",
]
# ... and those only an update of an installed block makes (see drift()).
UPDATE_OPS = ["update_connection", "update_lookml_model", "update_git_branch"]
WRITE_OPS = INSTALL_OPS + UPDATE_OPS


def drift(block: Block, fake: FakeLooker) -> None:
    """Make the next deploy of an installed block update: the connection (a config change), the
    model (changed in Looker by hand) and the validation branch (reset to a new commit)."""
    block.edit("looker-ops.yaml", "workgroup: primary", "workgroup: secondary")
    fake.table("lookml_models")["cloudtrail"]["allowed_db_connection_names"] = ["someone_elses"]
    block.edit(
        "lookml_project/views/events.view.lkml",
        "measure: count {",
        "measure: total {\n    type: count\n  }\n\n  measure: count {",
    )


EXPECTED = {
    "connections": ["athena_ct"],
    "projects": ["cloudtrail_block"],
    "models": {"cloudtrail": ["athena_ct"]},
    "folders": sorted(
        [("API User", True), ("CloudTrail", True), ("Security", True), ("Shared", False), ("Users", False)]
    ),
    "dashboards": [
        ("ct-test-names", "CloudTrail event names"),
        ("ct-test-overview", "CloudTrail overview"),
        ("ct-test-regions", "CloudTrail by region"),
    ],
}


def converge(block: Block, fake: FakeLooker, client: LookerClient) -> None:
    """Run (and rerun while a run stops on an error: what an operator or CI retry does), then
    check the end state and that one more run writes nothing."""
    for _attempt in range(len(WRITE_OPS) + 1):
        try:
            block.deploy(client)
            break
        except RemoteError:
            continue
    got = end_state(fake)
    assert got.pop("production") == block.remote.rev_parse("main")
    assert got == EXPECTED  # nothing duplicated, nothing missing
    fake.reset_calls()
    block.deploy(client)
    assert fake.writes() == []


@pytest.mark.parametrize("op", WRITE_OPS)
def test_timeout_after_each_write_converges_without_duplicates(
    block: Block,
    fake_looker: FakeLooker,
    looker_client: LookerClient,
    op: str,
) -> None:
    if op in UPDATE_OPS:
        block.deploy(looker_client)
        drift(block, fake_looker)
    # The change IS applied on Looker, then the answer is lost: it must be found, not redone.
    fake_looker.fail(op, "timeout")
    converge(block, fake_looker, looker_client)
    assert [f.fired for f in fake_looker.faults] == [1]  # the fault did happen
    if op in UPDATE_OPS:  # the update did land
        conn = fake_looker.table("connections")["athena_ct"]
        assert "Workgroup=secondary" in conn["jdbc_additional_params"]
        assert fake_looker.table("lookml_models")["cloudtrail"]["allowed_db_connection_names"] == [
            "athena_ct"
        ]
        assert block.remote.rev_parse(VALIDATE_BRANCH) == block.remote.rev_parse("main")


@pytest.mark.parametrize("kind", [429, 500, 503])
def test_throttling_and_server_errors_at_every_write_converge(
    block: Block,
    fake_looker: FakeLooker,
    looker_client: LookerClient,
    kind: int,
) -> None:
    for op in INSTALL_OPS:
        fake_looker.fail(op, kind)
    converge(block, fake_looker, looker_client)
    drift(block, fake_looker)
    for op in UPDATE_OPS:
        fake_looker.fail(op, kind)
    converge(block, fake_looker, looker_client)
    assert sorted(f.operation_id for f in fake_looker.faults) == sorted(WRITE_OPS)
    assert all(f.fired == 1 for f in fake_looker.faults)  # every fault did happen


def test_ssh_remote_shows_the_deploy_key_until_it_is_registered(
    tmp_path: Path,
    fake_looker: FakeLooker,
    looker_client: LookerClient,
) -> None:
    ssh_url = "git@github.com:acme/looker-cloudtrail.git"
    block = make_block(tmp_path, remote_url=ssh_url, push_url=None)
    # looker-ops pushes over file:// here; Looker reaches the same bare repo under the ssh URL.
    block.config_path.write_text(
        block.config_path.read_text().replace(
            f"  git_remote_url: {ssh_url}\n",
            f"  git_remote_url: {ssh_url}\n  git_push_url: {block.remote.url}\n",
        )
    )
    fake_looker.add_git_remote(ssh_url, block.remote)
    with pytest.raises(RemoteError) as first:
        block.deploy(looker_client)
    key = fake_looker.table("project_state")["cloudtrail_block"]["deploy_key"]
    assert key and key in str(first.value) and "WITH WRITE ACCESS" in str(first.value)
    assert fake_looker.table("projects")["cloudtrail_block"]["git_remote_url"] == ssh_url
    assert production_ref(fake_looker) is None and block.remote.branches() == []

    with pytest.raises(RemoteError) as again:  # not registered yet: same key shown, no new key
        block.deploy(looker_client)
    assert key in str(again.value) and "Permission denied" in str(again.value)
    assert len(fake_looker.calls_to("create_git_deploy_key")) == 1

    fake_looker.options["registered_deploy_keys"] = {key}
    report = block.deploy(looker_client)
    assert report.status == "ok" and production_ref(fake_looker) == block.remote.rev_parse("main")
    assert report.step("project").details["git_connection"] == [
        "git_remote_reachable: pass (ok)",
        "git_authentication: pass (ok)",
    ]


def test_run_interrupted_before_content_validation_is_validated_and_rolled_back_on_rerun(
    block: Block,
    fake_looker: FakeLooker,
    looker_client: LookerClient,
) -> None:
    block.deploy(looker_client)
    good = production_ref(fake_looker)
    assert block.remote.git("rev-parse", "refs/looker-ops/validated/main^{commit}").strip() == good
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    # the network goes down once production has moved: content validation never answers
    fake_looker.fail("content_validation", "timeout_before", nth=2, times=50)  # after the baseline
    with pytest.raises(RemoteError):
        block.deploy(looker_client)
    broken = block.remote.rev_parse("main")
    assert production_ref(fake_looker) == broken != good
    fake_looker.faults.clear()
    # the rerun sees production ahead of the validated marker: validates, finds the broken
    # dashboard, and rolls back to the last validated commit, as an uninterrupted run would
    with pytest.raises(ValidationFailed, match="rolled back"):
        block.deploy(looker_client)
    assert production_ref(fake_looker) == good
    assert block.remote.git("rev-parse", "refs/looker-ops/validated/main^{commit}").strip() == good


def test_schedules_run_last_and_a_rerun_writes_nothing(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.edit("looker-ops.yaml", "validation:\n", "schedules: schedules.yaml\nvalidation:\n")
    report = block.deploy(looker_client)
    assert report.step("schedules").status == APPLIED
    plans = list(fake_looker.table("scheduled_plans").values())
    assert [p["name"] for p in plans] == ["[looker-ops] Weekly overview"]
    overview = next(d for d in live_dashboards(fake_looker) if d["slug"] == "ct-test-overview")
    assert str(plans[0]["dashboard_id"]) == str(overview["id"])
    fake_looker.reset_calls()
    again = block.deploy(looker_client)
    assert again.step("schedules").status == UNCHANGED and fake_looker.writes() == []


@pytest.mark.parametrize("where", ["deploy_ref", "import_lookml", "mark_validated"])
def test_killed_at_any_point_reruns_to_the_same_end_state(
    block: Block,
    fake_looker: FakeLooker,
    looker_client: LookerClient,
    monkeypatch: pytest.MonkeyPatch,
    where: str,
) -> None:
    from looker_ops import gitops
    from looker_ops.looker import dashboards, project

    module = {"deploy_ref": project, "import_lookml": dashboards, "mark_validated": gitops}[where]
    real = getattr(module, where)

    def killed(*args: object, **kwargs: object) -> object:
        real(*args, **kwargs)  # the call reached its target, then the process died
        raise KeyboardInterrupt

    monkeypatch.setattr(module, where, killed)
    deployer = block.deployer(looker_client)
    with pytest.raises(KeyboardInterrupt):
        deployer.run()
    assert deployer.report.status == "failed" and deployer.report.exit_code == 130
    assert FAILED in {s.status for s in deployer.report.steps}
    monkeypatch.setattr(module, where, real)
    report = block.deploy(looker_client)
    assert report.status == "ok"
    got = end_state(fake_looker)
    assert got.pop("production") == block.remote.rev_parse("main")
    assert got == EXPECTED
    assert block.remote.git(
        "rev-parse", "refs/looker-ops/validated/main^{commit}"
    ).strip() == block.remote.rev_parse("main")
    fake_looker.reset_calls()
    block.deploy(looker_client)
    assert fake_looker.writes() == []


def test_removed_dashboards_are_deleted_only_with_prune(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    names = next(d for d in live_dashboards(fake_looker) if d["slug"] == "ct-test-names")
    (block.dashboards / "names.dashboard.lookml").unlink()
    fake_looker.reset_calls()
    kept = block.deploy(looker_client)
    assert kept.step("dashboards").details["not_pruned"] == ["ct-test-names"]
    assert fake_looker.writes() == [] and names in live_dashboards(fake_looker)
    pruned = block.deploy(looker_client, prune=True)
    (change,) = pruned.step("dashboards").changes
    assert (change.name, change.action) == ("ct-test-names", "delete")
    assert sorted(d["slug"] for d in live_dashboards(fake_looker)) == ["ct-test-overview", "ct-test-regions"]
    assert fake_looker.table("dashboards")[names["id"]]["deleted"] is True  # soft delete (trash)
    # the file comes back: the same dashboard (same id) comes back out of the trash
    (block.dashboards / "names.dashboard.lookml").write_text(
        (BLOCK / "dashboards" / "names.dashboard.lookml").read_text()
    )
    block.deploy(looker_client)
    assert names["id"] in {d["id"] for d in live_dashboards(fake_looker)}


def test_a_failed_connection_test_keeps_failing_until_fixed(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    fake_looker.options["connection_test_failures"] = {"query": "Access denied to s3://acme-athena-results"}
    for _ in range(2):  # the rerun finds the connection unchanged, and still tests it
        with pytest.raises(RemoteError, match="Access denied"):
            block.deploy(looker_client)
    assert not fake_looker.table("projects")
    fake_looker.options["connection_test_failures"] = {}
    assert block.deploy(looker_client).status == "ok"
    fake_looker.reset_calls()
    block.deploy(looker_client)  # known good: the unchanged connection is not tested again
    assert fake_looker.calls_to("test_connection") == []


READ_OPS = [
    "connection",
    "project",
    "lookml_model",
    "git_branch",
    "validate_project",
    "run_lookml_test",
    "search_folders",
    "search_dashboards",
    "dashboard_lookml",
    "content_validation",
]


@pytest.mark.parametrize("kind", [429, 503, "timeout_before"])
def test_failing_reads_are_retried_within_the_run(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient, kind: object
) -> None:
    for op in READ_OPS:
        fake_looker.fail(op, kind)  # type: ignore[arg-type]
    report = block.deploy(looker_client)  # no rerun needed: the client's policy retries reads
    assert report.status == "ok"
    assert all(f.fired == 1 for f in fake_looker.faults)
    assert report.calls["retries"] >= len(READ_OPS)
    got = end_state(fake_looker)
    assert got.pop("production") == block.remote.rev_parse("main") and got == EXPECTED
