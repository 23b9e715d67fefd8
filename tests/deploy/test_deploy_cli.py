"""The `deploy` command and the step commands, through the CLI (exit codes, report, messages)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import ENV, Block, live_dashboards, production_ref
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
block = deploy_cli.block
run = deploy_cli.run


def test_deploy_dry_run_then_deploy_then_noop(block: Block, looker_env: FakeLooker, tmp_path: Path) -> None:
    report = tmp_path / "out" / "report.json"
    dry = run("deploy", "-c", str(block.config_path), "--dry-run", "--json", str(report))
    assert dry.exit_code == 0, dry.output
    assert looker_env.writes() == [] and block.remote.branches() == []
    assert "+ connection athena_ct (create)" in dry.stdout
    assert "[1/10] Athena connection" in dry.stderr  # progress on stderr
    data = json.loads(report.read_text())
    assert data["dry_run"] is True and {s["status"] for s in data["steps"]} <= {"planned", "skipped"}

    first = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert first.exit_code == 0, first.output
    assert production_ref(looker_env) == block.remote.rev_parse("main")
    assert ENV["LOOKER_ATHENA_SECRET_ACCESS_KEY"] not in first.output + report.read_text()

    looker_env.reset_calls()
    again = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert again.exit_code == 0 and looker_env.writes() == []
    assert json.loads(report.read_text())["looker_calls"]["writes"] == 0


def test_missing_secret_env_var_is_named_before_any_call(
    block: Block,
    looker_env: FakeLooker,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("LOOKER_ATHENA_SECRET_ACCESS_KEY")
    report = block.root / "report.json"
    res = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert res.exit_code == 2
    assert "LOOKER_ATHENA_SECRET_ACCESS_KEY" in res.stderr
    assert "connection.aws_secret_access_key" in res.stderr
    assert looker_env.calls == []
    data = json.loads(report.read_text())  # CI still gets a report saying why
    assert data["status"] == "failed" and data["exit_code"] == 2
    assert "LOOKER_ATHENA_SECRET_ACCESS_KEY" in data["error"]["message"]
    assert data["error"]["key"] == "connection.aws_secret_access_key" and data["ok"] is False
    (problem,) = data["problems"]
    assert problem["step"] is None and problem["key"] == "connection.aws_secret_access_key"
    assert "deploy failed before any step ran (exit code 2)" in res.stdout


def test_config_with_a_wrong_key_is_rejected_before_any_call(block: Block, looker_env: FakeLooker) -> None:
    block.edit("looker-ops.yaml", "  rollback: true", "  rollbak: true")
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 2 and "validation.rollbak" in res.stderr and "looker-ops.yaml:" in res.stderr
    assert looker_env.calls == []


def test_validation_failure_exits_1_and_the_report_says_which_step(
    block: Block,
    looker_env: FakeLooker,
    tmp_path: Path,
) -> None:
    assert run("deploy", "-c", str(block.config_path)).exit_code == 0
    block.edit(
        "lookml_project/cloudtrail.model.lkml", "explore: events {", "explore: events {\n  from: no_such_view"
    )
    report = tmp_path / "r.json"
    res = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert res.exit_code == 1
    assert "error: LookML validation" in res.stderr and "cloudtrail.model.lkml" in res.stderr
    data = json.loads(report.read_text())
    assert data["status"] == "failed" and data["exit_code"] == 1
    st = {s["name"]: s["status"] for s in data["steps"]}
    assert st["validate"] == "failed" and st["production"] == st["dashboards"] == "skipped"
    # the summary goes to stdout on failure too: steps done, the failing step
    lines = res.stdout.splitlines()
    assert any(ln.startswith("lookml") and "applied" in ln for ln in lines)
    assert any(ln.startswith("validate") and "failed" in ln for ln in lines)
    assert any(ln.startswith("production") and "skipped" in ln for ln in lines)
    assert lines[-1].startswith("deploy failed at step validate (exit code 1): LookML validation")


def test_looker_refusal_exits_3(block: Block, looker_env: FakeLooker) -> None:
    looker_env.options["no_deploy_permission"] = True
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 3
    assert "deploy_ref_to_production" in res.stderr and "403" in res.stderr
    assert "deploy failed at step production (exit code 3)" in res.stdout


def test_rollback_is_in_the_stdout_summary(block: Block, looker_env: FakeLooker) -> None:
    assert run("deploy", "-c", str(block.config_path)).exit_code == 0
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 1
    lines = res.stdout.splitlines()
    assert any(ln.startswith("content") and "failed" in ln and "rolled back" in ln for ln in lines)
    assert any(ln.strip().startswith("rolled back: production") for ln in lines), res.stdout
    assert lines[-1].startswith("deploy failed at step content (exit code 1)")


def test_step_commands_share_the_pipeline(block: Block, looker_env: FakeLooker) -> None:
    cfg = str(block.config_path)
    assert run("connection", "apply", "-c", cfg).exit_code == 0
    assert "athena_ct" in looker_env.table("connections")
    assert run("connection", "test", "-c", cfg).stdout.startswith("connect: success")
    assert run("project", "apply", "-c", cfg).exit_code == 0
    push = run("lookml", "push", "-c", cfg)
    assert push.exit_code == 0 and block.remote.rev_parse("main") is not None
    assert run("models", "apply", "-c", cfg).exit_code == 0
    val = run("validate", "lookml", "-c", cfg)
    assert val.exit_code == 0 and "valid" in val.stdout
    assert production_ref(looker_env) is None  # validation alone never deploys
    assert run("lookml", "deploy", "-c", cfg).exit_code == 0
    assert production_ref(looker_env) == block.remote.rev_parse("main")
    dry = run("dashboards", "import", "-c", cfg, "--dry-run")
    assert dry.exit_code == 0 and live_dashboards(looker_env) == []
    assert run("dashboards", "import", "-c", cfg).exit_code == 0
    assert len(live_dashboards(looker_env)) == 3
    assert run("validate", "content", "-c", cfg).exit_code == 0
    # a broken dashboard makes `validate content` fail (it has no baseline: every error counts)
    block.edit(
        "dashboards/names.dashboard.lookml", "fields: [events.event_name]", "fields: [events.no_such_field]"
    )
    assert run("dashboards", "import", "-c", cfg).exit_code == 0
    bad = run("validate", "content", "-c", cfg)
    assert bad.exit_code == 1 and "events.no_such_field" in bad.stderr


def test_validate_branch_for_a_pull_request_then_cleanup(block: Block, looker_env: FakeLooker) -> None:
    cfg = str(block.config_path)
    assert run("deploy", "-c", cfg).exit_code == 0
    prod = production_ref(looker_env)
    block.edit(
        "lookml_project/views/events.view.lkml",
        "measure: count {",
        "measure: total {\n    type: count\n  }\n\n  measure: count {",
    )
    ok = run("validate", "branch", "-c", cfg, "--branch", "looker-ops-pr-7")
    assert ok.exit_code == 0, ok.output
    pr_sha = block.remote.rev_parse("looker-ops-pr-7")
    assert pr_sha and block.remote.git("rev-parse", f"{pr_sha}^").strip() == prod  # started from main
    assert production_ref(looker_env) == prod and block.remote.rev_parse("main") == prod  # untouched
    block.edit(
        "lookml_project/cloudtrail.model.lkml", "explore: events {", "explore: events {\n  from: missing_view"
    )
    bad = run("validate", "branch", "-c", cfg, "--branch", "looker-ops-pr-7")
    assert bad.exit_code == 1 and "cloudtrail.model.lkml" in bad.stderr
    assert production_ref(looker_env) == prod
    clean = run("validate", "cleanup", "-c", cfg, "--branch", "looker-ops-pr-7")
    assert clean.exit_code == 0 and block.remote.rev_parse("looker-ops-pr-7") is None
    again = run("validate", "cleanup", "-c", cfg, "--branch", "looker-ops-pr-7")
    assert again.exit_code == 0 and "already gone" in again.stdout
    assert run("validate", "branch", "-c", cfg, "--branch", "main").exit_code == 2  # never the deploy branch


def test_an_unreadable_git_remote_fails_under_its_own_step(block: Block, looker_env: FakeLooker) -> None:
    """The connection step does not own the git remote: a remote that cannot be read is reported
    by the step that uses it, not under "[1/10] Athena connection"."""
    block.edit("looker-ops.yaml", block.remote.url, str(block.root / "no-such-remote.git"))
    report = block.root / "r.json"
    res = run("deploy", "-c", str(block.config_path), "--json", str(report))
    assert res.exit_code == 3, res.output
    steps = {s["name"]: s for s in json.loads(report.read_text())["steps"]}
    assert steps["connection"]["status"] == "applied"
    failed = [name for name, s in steps.items() if s["status"] == "failed"]
    assert failed in (["project"], ["lookml"])
    assert "no-such-remote.git" in steps[failed[0]]["message"]
