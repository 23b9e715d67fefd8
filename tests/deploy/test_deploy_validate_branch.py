"""The deploy's dev branch `looker_ops_validate` is kept on purpose (docs/deploy.md): one branch,
reused and reset by every deploy that validates, never a pile of branches; it holds the commit last
validated (the failing one after a failed validation, for a developer to open); production never
follows it; `validate cleanup` can remove it and the next deploy makes it again."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.errors import EXIT_FINDINGS, ValidationFailed
from looker_ops.looker.client import LookerClient
from looker_ops.looker.project import VALIDATE_BRANCH
from tests.deploy.helpers import ENV, Block, make_block, production_ref
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_client = fx.looker_client
looker_sleeps = fx.looker_sleeps
looker_env = fx.looker_env


@pytest.fixture
def block(tmp_path: Path, fake_looker: FakeLooker) -> Block:
    return make_block(tmp_path)


def branch_ops(fake: FakeLooker) -> list[str]:
    return [
        c.operation_id
        for c in fake.calls
        if c.operation_id in ("create_git_branch", "update_git_branch", "delete_git_branch")
    ]


def dev_branch(fake: FakeLooker) -> str:
    return str(fake.table("project_state")["cloudtrail_block"]["dev_branch"])


def test_one_validation_branch_reused_and_reset_by_every_deploy(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    first = block.remote.rev_parse("main")
    assert branch_ops(fake_looker) == ["create_git_branch"]  # made once, at the commit
    assert sorted(block.remote.branches()) == sorted(["main", VALIDATE_BRANCH])
    assert block.remote.rev_parse(VALIDATE_BRANCH) == first == production_ref(fake_looker)

    block.edit(
        "lookml_project/views/events.view.lkml",
        "measure: count {",
        "measure: total {\n    type: count\n  }\n\n  measure: count {",
    )
    fake_looker.reset_calls()
    block.deploy(looker_client)
    second = block.remote.rev_parse("main")
    assert second != first
    assert branch_ops(fake_looker) == ["update_git_branch"]  # reused: reset to the new commit
    (reset,) = fake_looker.calls_to("update_git_branch")
    assert reset.body == {"name": VALIDATE_BRANCH, "ref": second}
    assert sorted(block.remote.branches()) == sorted(["main", VALIDATE_BRANCH])  # no pile-up
    assert block.remote.rev_parse(VALIDATE_BRANCH) == second == production_ref(fake_looker)
    assert dev_branch(fake_looker) == VALIDATE_BRANCH

    fake_looker.reset_calls()
    block.deploy(looker_client)  # nothing to validate: the branch is not even touched
    assert branch_ops(fake_looker) == [] and fake_looker.writes() == []


def test_after_a_failed_validation_the_branch_holds_the_failing_commit(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    prod = production_ref(fake_looker)
    block.edit(
        "lookml_project/cloudtrail.model.lkml", "explore: events {", "explore: events {\n  from: nowhere"
    )
    with pytest.raises(ValidationFailed):
        block.deploy(looker_client)
    bad = block.remote.rev_parse("main")
    assert block.remote.rev_parse(VALIDATE_BRANCH) == bad != prod  # open it in Looker's IDE
    assert production_ref(fake_looker) == prod


def test_validate_cleanup_removes_it_and_the_next_deploy_makes_it_again(
    tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    block = make_block(tmp_path)
    cfg = str(block.config_path)
    runner = CliRunner()
    assert runner.invoke(main, ["deploy", "-c", cfg]).exit_code == 0
    refused = runner.invoke(main, ["validate", "branch", "-c", cfg, "--branch", VALIDATE_BRANCH])
    assert refused.exit_code == 2 and "is the branch `looker-ops deploy` validates on" in refused.stderr
    clean = runner.invoke(main, ["validate", "cleanup", "-c", cfg, "--branch", VALIDATE_BRANCH])
    assert clean.exit_code == 0, clean.output
    assert block.remote.branches() == ["main"]
    assert dev_branch(looker_env) == "main"
    block.edit(
        "lookml_project/views/events.view.lkml",
        "measure: count {",
        "measure: total {\n    type: count\n  }\n\n  measure: count {",
    )
    assert runner.invoke(main, ["deploy", "-c", cfg]).exit_code == 0
    assert block.remote.rev_parse(VALIDATE_BRANCH) == block.remote.rev_parse("main")


# --------------------------------------------------------------------------- content validation


def test_validate_branch_fails_on_a_rename_that_breaks_a_dashboard(
    block: Block, fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    block.deploy(looker_client)
    prod = production_ref(fake_looker)
    # The LookML stays valid: only the content validator (against the branch) can see this.
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    deployer = block.deployer(looker_client, steps=("branch",), branch="looker-ops-pr-7")
    with pytest.raises(ValidationFailed) as exc:
        deployer.run()
    assert exc.value.exit_code == EXIT_FINDINGS
    msg = str(exc.value)
    assert "content validation of looker-ops-pr-7" in msg
    assert "dashboard 'CloudTrail by region'" in msg and "tile 'Events by region'" in msg
    assert "field events.aws_region" in msg
    (new,) = deployer.report.step("branch").details["new_errors"]
    assert new["field"] == "events.aws_region"
    (problem,) = deployer.report.as_dict()["problems"]  # each new error, at the step that failed
    assert problem["step"] == "branch" and "field events.aws_region" in problem["message"]
    assert deployer.report.as_dict()["error"]["kind"] == "failed"
    assert production_ref(fake_looker) == prod  # production untouched
    # the dev workspace's content validation read the branch, production's still reads production
    assert fake_looker.table("project_state")["cloudtrail_block"]["dev_branch"] == "looker-ops-pr-7"
    assert looker_client.sdk.content_validation().content_with_errors == []


def test_validate_branch_passes_an_unrelated_change(
    tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    block = make_block(tmp_path)
    cfg = str(block.config_path)
    runner = CliRunner()
    assert runner.invoke(main, ["deploy", "-c", cfg]).exit_code == 0
    block.edit(
        "lookml_project/views/events.view.lkml",
        "measure: count {",
        "measure: total {\n    type: count\n  }\n\n  measure: count {",
    )
    ok = runner.invoke(main, ["validate", "branch", "-c", cfg, "--branch", "looker-ops-pr-8"])
    assert ok.exit_code == 0, ok.output + ok.stderr
    assert "no new content errors" in ok.output
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    bad = runner.invoke(main, ["validate", "branch", "-c", cfg, "--branch", "looker-ops-pr-8"])
    assert bad.exit_code == EXIT_FINDINGS and "events.aws_region" in bad.stderr
