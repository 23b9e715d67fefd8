"""A new Looker admin installs the block end to end, in one folder, through the CLI only:

init -> check -> athena ddl -> deploy --dry-run -> deploy (first install, with the block's
schedules and alerts init wrote) -> schedules/alerts apply (the security team's addresses) ->
deploy again (zero writes) -> schedules list,

against the stateful fake Looker and a bare git repository standing in for the project's remote.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker
from tests.walkthrough.sandbox import AWS_KEY_ID, AWS_SECRET, ROOT, Sandbox

fake_looker = fx.fake_looker

SLUGS = {
    "cloudtrail_cis_aws_foundations",
    "cloudtrail_console_login_overview",
    "cloudtrail_operational_activity",
    "cloudtrail_security_group_changes",
}
PLAN_NAMES = {
    "[looker-ops] Weekly console login overview",
    "[looker-ops] Weekly CIS monitoring",
    "[looker-ops] Daily security group changes",
}
BLOCK_FILES = sorted(
    str(p.relative_to(ROOT / "lookml_project")) for p in (ROOT / "lookml_project").rglob("*.lkml")
)


@pytest.fixture
def sandbox(tmp_path: Path, fake_looker: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
    return Sandbox.create(tmp_path, fake_looker, monkeypatch)


def test_new_admin_installs_the_block_end_to_end(sandbox: Sandbox) -> None:
    fake, remote = sandbox.fake, sandbox.remote

    # 1. init, with flags (nothing asked). The git remote is the bare repository's path: an
    #    https/file remote needs no deploy key (the ssh key flow is in test_readme_commands).
    init = sandbox.run(
        [
            "looker-ops",
            "init",
            "--region",
            "eu-west-1",
            "--trail-region",
            "eu-west-1",
            "--s3-staging-dir",
            "s3://acme-athena-results/looker/",
            "--git-remote",
            str(remote.path),
            "--bucket",
            "acme-cloudtrail",
            "--layout",
            "multi",
            "--account-id",
            "111111111111",
            "--account-id",
            "222222222222",
            "--security-email",
            "soc@acme.example",
        ]
    )
    assert init.exit_code == 0, init.output
    assert "wrote looker-ops.yaml" in init.stdout and "wrote schedules.yaml" in init.stdout
    assert "soc@acme.example" in (sandbox.root / "schedules.yaml").read_text()
    assert fake.calls == []  # init talks to nobody

    # 2. check the block offline (no --sql: the walkthrough is about installing)
    check = sandbox.run("looker-ops check --no-sql --format json")
    assert check.exit_code == 0, check.output
    report = json.loads(check.stdout)
    assert report["summary"]["error"] == 0 and report["summary"]["files"] >= len(BLOCK_FILES)

    # 3. the Athena DDL, from the config init wrote
    ddl = sandbox.run("looker-ops athena ddl --config looker-ops.yaml")
    assert ddl.exit_code == 0, ddl.output
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail`.`cloudtrail_logs`" in ddl.stdout
    assert "'projection.account.values'='111111111111,222222222222'" in ddl.stdout
    assert "'projection.region.values'='eu-west-1'" in ddl.stdout
    assert "LOCATION 's3://acme-cloudtrail/AWSLogs/'" in ddl.stdout
    assert fake.calls == []

    # 4. dry run: the full plan, no write on Looker, no push
    dry = sandbox.run("looker-ops deploy --dry-run --json dry.json")
    assert dry.exit_code == 0, dry.output
    assert fake.writes() == [] and remote.branches() == []
    assert fake.calls, "the dry run reads Looker to plan"
    assert "+ connection athena_cloudtrail (create)" in dry.stdout
    for slug in SLUGS:
        assert f"+ dashboard {slug} (create)" in dry.stdout
    dry_report = json.loads((sandbox.root / "dry.json").read_text())
    assert dry_report["dry_run"] is True and dry_report["looker_calls"]["writes"] == 0
    assert {s["status"] for s in dry_report["steps"]} == {"planned"}
    # each schedule and alert says once that its dashboard is imported first: no warning repeats it
    planned = [line for line in dry.stderr.splitlines() if line.lstrip().startswith("+ ")]
    assert sum("dashboard not on Looker yet: it is imported first" in line for line in planned) == 3
    assert sum("tile not on Looker yet: the dashboard is imported first" in line for line in planned) == 6
    assert "not on Looker" not in "\n".join(line for line in dry.stderr.splitlines() if "warning" in line)
    assert dry_report["steps"][-1]["name"] == "alerts"  # init wrote the block's alerts too

    # 5. first install
    fake.reset_calls()
    first = sandbox.run("looker-ops deploy --json deploy-report.json")
    assert first.exit_code == 0, first.output
    steps = {
        s["name"]: s["status"] for s in json.loads((sandbox.root / "deploy-report.json").read_text())["steps"]
    }
    assert steps == dict.fromkeys(
        [
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
        ],
        "applied",
    )
    conn = fake.table("connections")["athena_cloudtrail"]
    assert conn["dialect_name"] == "athena" and conn["host"] == "athena.eu-west-1.amazonaws.com"
    assert str(conn["port"]) == "443" and conn["database"] == "cloudtrail"
    assert conn["username"] == AWS_KEY_ID and conn["password"] == AWS_SECRET
    assert (
        conn["jdbc_additional_params"] == "s3_staging_dir=s3://acme-athena-results/looker/;Workgroup=primary"
    )
    project = fake.table("projects")["cloudtrail_block"]
    assert project["git_remote_url"] == str(remote.path) and project["git_production_branch_name"] == "main"
    head = remote.rev_parse("main")
    assert head is not None and sandbox.production_ref() == head
    pushed = remote.files("main")
    assert sorted(pushed) == BLOCK_FILES  # exactly the LookML folder
    assert 'value: "athena_cloudtrail"' in pushed["manifest.lkml"]
    model = fake.table("lookml_models")["cloudtrail"]
    assert model["project_name"] == "cloudtrail_block"
    assert model["allowed_db_connection_names"] == ["athena_cloudtrail"]
    dashboards = {d["slug"]: d for d in sandbox.live_dashboards()}
    assert set(dashboards) == SLUGS
    assert {sandbox.folder_path(d["folder_id"]) for d in dashboards.values()} == {
        "Shared/Security/CloudTrail"
    }
    # deploy applied init's schedules and alerts (the block's own, to soc@) as its last steps
    assert set(sandbox.plans()) == PLAN_NAMES
    for plan in sandbox.plans().values():
        assert [d["address"] for d in plan["scheduled_plan_destination"]] == ["soc@acme.example"]
    assert len(fake.table("alerts")) == 6
    for alert in fake.table("alerts").values():
        assert [d["email_address"] for d in alert["destinations"]] == ["soc@acme.example"]
    # the call log: one create per resource, LookML validated and deployed once
    ops = [c.operation_id for c in fake.writes()]
    assert ops.count("create_connection") == 1 and ops.count("create_project") == 1
    assert ops.count("import_dashboard_from_lookml") == len(SLUGS)
    assert ops.count("deploy_ref_to_production") == 1
    assert ops.count("create_scheduled_plan") == 3 and ops.count("create_alert") == 6
    assert fake.calls_to("validate_project") and fake.calls_to("content_validation")

    # 6. the security team's own copy of the file (their addresses) replaces init's: apply
    # updates the plans in place
    shutil.copy(ROOT / "deploy" / "schedules.yaml", sandbox.root / "schedules.yaml")
    fake.reset_calls()
    apply = sandbox.run("looker-ops schedules apply")
    assert apply.exit_code == 0, apply.output
    for name in ("Weekly console login overview", "Weekly CIS monitoring", "Daily security group changes"):
        assert f"~ schedule {name} (update)" in apply.stdout
    assert [c.operation_id for c in fake.writes()] == ["update_scheduled_plan"] * 3
    plans = sandbox.plans()
    assert set(plans) == PLAN_NAMES
    cis = plans["[looker-ops] Weekly CIS monitoring"]
    assert cis["crontab"] == "30 7 * * MON" and cis["timezone"] == "Europe/London"
    assert cis["dashboard_id"] == dashboards["cloudtrail_cis_aws_foundations"]["id"]
    assert [d["address"] for d in cis["scheduled_plan_destination"]] == ["security-team@example.com"]
    daily = plans["[looker-ops] Daily security group changes"]
    assert sorted(d["address"] for d in daily["scheduled_plan_destination"]) == [
        "cloud-platform-oncall@example.com",
        "security-team@example.com",
    ]

    # 6b. and its alerts: checked offline, then updated in place, each on its tile
    fake.reset_calls()
    alerts = sandbox.run("looker-ops alerts apply")
    assert alerts.exit_code == 0, alerts.output
    assert "~ alert Root account used (update)" in alerts.stdout
    assert [c.operation_id for c in fake.writes()].count("create_alert") == 0
    assert len(fake.table("alerts")) == 6
    for alert in fake.table("alerts").values():
        assert [d["email_address"] for d in alert["destinations"]] == ["security-team@example.com"]

    # 7. a second deploy on the unchanged instance: reads only, pushes nothing
    commits = remote.git("rev-list", "--all").split()
    fake.reset_calls()
    again = sandbox.run("looker-ops deploy --json again.json")
    assert again.exit_code == 0, again.output
    assert fake.writes() == []
    assert remote.git("rev-list", "--all").split() == commits
    again_report = json.loads((sandbox.root / "again.json").read_text())
    assert again_report["looker_calls"]["writes"] == 0
    assert {s["status"] for s in again_report["steps"]} <= {"unchanged", "skipped"}
    assert "0 writes" in again.stderr

    # 8. schedules list shows the three plans, on their dashboards, managed and matching the file
    listing = sandbox.run("looker-ops schedules list")
    assert listing.exit_code == 0, listing.output
    assert "3 plan(s) on 4 dashboard(s)" in listing.stdout
    for name, plan in plans.items():
        assert f"{plan['id']:>6} {name}\n" in listing.stdout
    assert listing.stdout.count("; looker-ops; in file: yes") == 3
    assert "cloudtrail_cis_aws_foundations at '30 7 * * MON' Europe/London" in listing.stdout
    assert fake.writes() == []
