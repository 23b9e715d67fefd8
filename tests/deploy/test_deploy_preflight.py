"""Everything knowable is checked before the first write (issue 17 item 10): the deploy
branch by git's own ref rules, the models against the LookML and the dashboards. A bad value
fails with exit 2 naming file, line and key, and neither the fake Looker nor the bare git
remote receives anything (a --dry-run refuses the same)."""

from __future__ import annotations

import json

import pytest

from looker_ops.deploy.preflight import lookml_models
from looker_ops.gitops import branch_name_problem
from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import Block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
block = deploy_cli.block
run = deploy_cli.run


@pytest.mark.parametrize("name", ["main", "release/2026-12", "looker-ops-pr-42", "feature.x", "v1"])
def test_branch_names_git_accepts_pass(name: str) -> None:
    assert branch_name_problem(name) is None


@pytest.mark.parametrize(
    "name", ["bad..branch~^:", "-main", "a b", "x.lock", "feat/", "@{-1}", "HEAD", "refs/heads/", ""]
)
def test_branch_names_git_refuses_are_named(name: str) -> None:
    problem = branch_name_problem(name)
    assert problem is not None and (repr(name) in problem or not name)


def _line_of(block: Block, text: str) -> int:
    return next(
        i for i, line in enumerate(block.config_path.read_text().splitlines(), 1) if line.startswith(text)
    )


@pytest.mark.parametrize("dry", [False, True])
def test_a_bad_deploy_branch_writes_nothing_anywhere(block: Block, looker_env: FakeLooker, dry: bool) -> None:
    block.edit("looker-ops.yaml", "deploy_branch: main", 'deploy_branch: "bad..branch~^:"')
    report = block.root / "report.json"
    args = ["deploy", "-c", str(block.config_path), "--json", str(report)] + (["--dry-run"] if dry else [])
    res = run(*args)
    assert res.exit_code == 2, res.output
    line = _line_of(block, "  deploy_branch:")
    assert f"{block.config_path}:{line}: project.deploy_branch: 'bad..branch~^:'" in res.stderr
    assert "not a valid git branch name" in res.stderr
    assert looker_env.calls == [] and block.remote.branches() == []
    assert json.loads(report.read_text())["exit_code"] == 2
    assert "deploy failed before any step ran (exit code 2)" in res.stdout


def test_lookml_push_refuses_a_bad_branch_before_git(block: Block, looker_env: FakeLooker) -> None:
    block.edit("looker-ops.yaml", "deploy_branch: main", "deploy_branch: feat/")
    res = run("lookml", "push", "-c", str(block.config_path))
    assert res.exit_code == 2 and "project.deploy_branch: 'feat/'" in res.stderr
    assert block.remote.branches() == [] and looker_env.calls == []


@pytest.mark.parametrize("dry", [False, True])
def test_a_model_not_in_the_lookml_writes_nothing(block: Block, looker_env: FakeLooker, dry: bool) -> None:
    block.edit("looker-ops.yaml", "models: [cloudtrail]", "models: [cloudtrail, no_such_model]")
    res = run("deploy", "-c", str(block.config_path), *(["--dry-run"] if dry else []))
    assert res.exit_code == 2, res.output
    line = _line_of(block, "  models:")
    assert f"{block.config_path}:{line}: project.models: 'no_such_model': no no_such_model.model.lkml" in (
        res.stderr
    )
    assert "(models there: cloudtrail)" in res.stderr
    assert looker_env.calls == [] and block.remote.branches() == []


def test_models_must_cover_the_dashboards_models(block: Block, looker_env: FakeLooker) -> None:
    # A second model exists in the LookML, but the dashboards use `cloudtrail`, which is not listed:
    # deploying would leave every tile without a connection (found only by content validation).
    (block.lookml / "audit.model.lkml").write_text((block.lookml / "cloudtrail.model.lkml").read_text())
    block.edit("looker-ops.yaml", "models: [cloudtrail]", "models: [audit]")
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 2, res.output
    assert "project.models: model 'cloudtrail' is used by the dashboards" in res.stderr
    assert "names.dashboard.lookml:6)" in res.stderr  # the first tile naming it
    assert looker_env.calls == [] and block.remote.branches() == []
    assert lookml_models(block.lookml) == ["audit", "cloudtrail"]


def test_every_problem_is_reported_at_once(block: Block, looker_env: FakeLooker) -> None:
    block.edit("looker-ops.yaml", "deploy_branch: main", "deploy_branch: a..b")
    block.edit("looker-ops.yaml", "models: [cloudtrail]", "models: [nope]")
    res = run("models", "apply", "-c", str(block.config_path))
    assert res.exit_code == 2
    assert "project.models: 'nope'" in res.stderr and "model 'cloudtrail' is used" in res.stderr
    assert looker_env.calls == []
    deploy = run("deploy", "-c", str(block.config_path), "--dry-run", "--json", "-")
    assert "3 problems:" in deploy.stderr and "project.deploy_branch: 'a..b'" in deploy.stderr
    report = json.loads(deploy.stdout)  # the report lists each problem, before any step
    assert report["ok"] is False and report["error"]["kind"] == "bad_input"
    assert [(p["step"], p["key"]) for p in report["problems"]] == [
        (None, "project.deploy_branch"),
        (None, "project.models"),
        (None, "project.models"),
    ]
    assert all(p["file"] == str(block.config_path) and p["line"] for p in report["problems"])
    text = run("deploy", "-c", str(block.config_path), "--dry-run")  # the summary lists them too
    assert "deploy failed before any step ran (exit code 2)" in text.stdout
    assert "project.deploy_branch: 'a..b'" in text.stdout


def test_the_valid_twin_deploys(block: Block, looker_env: FakeLooker) -> None:
    block.edit("looker-ops.yaml", "deploy_branch: main", "deploy_branch: release/block-v1")
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 0, res.output
    assert "release/block-v1" in block.remote.branches() and "main" not in block.remote.branches()


def test_validate_branch_refuses_a_bad_branch_name(block: Block, looker_env: FakeLooker) -> None:
    assert run("deploy", "-c", str(block.config_path)).exit_code == 0
    looker_env.reset_calls()
    branches = block.remote.branches()
    res = run("validate", "branch", "-c", str(block.config_path), "--branch", "pr..42")
    assert res.exit_code == 2 and "--branch: 'pr..42' is not a valid git branch name" in res.stderr
    assert looker_env.writes() == [] and block.remote.branches() == branches
