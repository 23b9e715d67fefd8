"""Every `looker-ops` command the README shows (beyond the two at the top) runs here, in order, in
a sandbox per README section: a copy of lookml_project/, dashboards/ and deploy/, the stateful
fake Looker, a bare git repository as the project's remote (the README's ssh URL is mapped to it),
and botocore Stubbers for the AWS calls. Each command has its expected exit code and checks on
its output and on the fake's state.

A README command with no entry in STEPS (or an entry whose command left the README) fails
test_readme_commands_are_all_mapped: the README cannot drift from what is tested.

The `looker-ops.yaml` key table in the README is generated from looker_ops.config.settings.describe();
print it with `python -m tests.test_readme_commands`, or rewrite the README's copy with
`python -m tests.test_readme_commands --write`.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import Result

import looker_ops.athena.runner as athena_engine
from looker_ops.cli import main
from looker_ops.config.athena import AthenaSettings
from looker_ops.config.settings import describe, load_config
from tests.athena.stubs import AwsStubs
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker
from tests.walkthrough.sandbox import ROOT, SSH_REMOTE, Sandbox, write_geolite_files

fake_looker = fx.fake_looker

README = ROOT / "README.md"
SCENARIO = "tests/check_scenarios/ath401_json_text_struct_access"
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

# --------------------------------------------------------------------------- reading the README


def readme_text() -> str:
    return README.read_text(encoding="utf-8")


def _blocks(text: str, lang: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group(1)) for m in re.finditer(rf"```{lang}\n(.*?)```", text, flags=re.S)]


def split_commands(block: str) -> list[str]:
    """The commands of a bash block: continuation lines joined, comments and blank lines dropped."""
    joined = re.sub(r"\\\n\s*", " ", block)
    out = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        if words:
            out.append(shlex.join(words))
    return out


def readme_sections() -> dict[str, list[str]]:
    """{"## heading": [commands of its bash blocks, in order]}, the top two blocks excluded."""
    text = readme_text()
    headings = [(m.start(), m.group(1).strip()) for m in re.finditer(r"^## (.+)$", text, flags=re.M)]
    blocks = _blocks(text, "bash")
    assert len(blocks) >= 2
    out: dict[str, list[str]] = {}
    for pos, body in blocks[2:]:
        before = [h for p, h in headings if p < pos]
        assert before, "a bash block before the first section"
        out.setdefault(before[-1], []).extend(split_commands(body))
    return out


# --------------------------------------------------------------------------- the config table


def _default(value: Any) -> str:
    if value is None:
        return "none"
    if value == "":
        return "(empty)"
    return f"`{json.dumps(value) if not isinstance(value, str) else value}`"


def config_table() -> str:
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for key, doc, default in describe():
        rows.append(f"| `{key}` | {_default(default)} | {doc.replace('|', chr(92) + '|')} |")
    return "\n".join(rows)


def test_readme_config_table_is_generated_from_describe() -> None:
    text = readme_text()
    m = re.search(r"<!-- config-keys:start[^>]*-->\n(.*?)\n<!-- config-keys:end -->", text, flags=re.S)
    assert m, "the README lost its generated looker-ops.yaml table"
    table = m.group(1)
    missing = [key for key, _, _ in describe() if f"| `{key}` |" not in table]
    assert not missing, f"keys missing from the README table: {missing}"
    assert table == config_table(), "regenerate the table: python -m tests.test_readme_commands --write"


# --------------------------------------------------------------------------- links, secrets


def _anchor(heading: str) -> str:
    return re.sub(r"[^a-z0-9 _-]", "", heading.strip().lower()).replace(" ", "-")


def test_readme_links_resolve() -> None:
    text = readme_text()
    anchors = {_anchor(h) for h in re.findall(r"^#+ (.+)$", text, flags=re.M)}
    links = re.findall(r"\]\(([^)]+)\)", text)
    assert links
    for link in links:
        if link.startswith("#"):
            assert link[1:] in anchors, f"no heading for {link}"
        elif not link.startswith(("http://", "https://")):
            assert (ROOT / link.split("#")[0]).exists(), f"README links to a missing file: {link}"


def test_readme_names_every_workflow_secret_and_environment() -> None:
    text = readme_text()
    workflows = [(ROOT / ".github" / "workflows" / n).read_text() for n in ("ci.yml", "deploy.yml")]
    secrets = {s for w in workflows for s in re.findall(r"secrets\.([A-Z0-9_]+)", w)}
    environments = {e for w in workflows for e in re.findall(r"^\s+environment: ([\w-]+)$", w, flags=re.M)}
    assert len(secrets) >= 7 and environments == {"looker-validate", "looker-production"}
    for name in secrets | environments:
        assert f"`{name}`" in text, f"the README does not name {name}"
    assert "group: looker-deploy" in workflows[1] and "`looker-deploy`" in text
    assert "name: deploy-report" in workflows[1] and "`deploy-report`" in text


# --------------------------------------------------------------------------- inline commands


def _command_path(words: list[str]) -> tuple[click.Command, list[str]]:
    cmd: click.Command = main
    rest = words[1:]
    while isinstance(cmd, click.Group) and rest and not rest[0].startswith("-"):
        sub = cmd.get_command(click.Context(cmd), rest[0])
        if sub is None:
            break
        cmd, rest = sub, rest[1:]
    return cmd, rest


def test_inline_commands_name_real_commands_and_options() -> None:
    """`looker-ops X --opt` in running text: X exists and takes each --opt named."""
    spans = re.findall(r"`(looker-ops [^`]+)`", readme_text())
    assert len(spans) > 5
    for span in spans:
        words = span.split()
        cmd, rest = _command_path(words)
        assert cmd is not main, span
        known = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts)}
        for w in rest:
            if w.startswith("--"):
                assert w.split("=")[0] in known, f"{span}: {cmd.name} has no option {w}"
        if isinstance(cmd, click.Group):
            assert not rest or rest[0].startswith("-"), f"{span}: no such subcommand"


# --------------------------------------------------------------------------- the steps


Check = Callable[[Sandbox, Result], None]
Hook = Callable[[Sandbox], None]


@dataclass
class Step:
    command: str
    exit_code: int
    check: Check
    before: Hook | None = None
    after: Hook | None = None


def _out(r: Result) -> str:
    return r.output


# ---- Developing the block

LEGACY_VIEW = """\
view: legacy_requests {
  sql_table_name: @{ATHENA_SCHEMA}.@{CLOUDTRAIL_TABLE} ;;
  dimension: group_id {
    sql: ${TABLE}.requestparameters.groupid ;;
  }
}
"""


def add_legacy_finding(sb: Sandbox) -> None:
    """A project that already has a finding when the team adopts the checker."""
    (sb.root / "lookml_project" / "views" / "legacy_requests.view.lkml").write_text(LEGACY_VIEW)
    failing = sb.run("looker-ops check --no-sql")
    assert failing.exit_code == 1 and "ATH401" in failing.stdout


def remove_legacy_finding(sb: Sandbox) -> None:
    (sb.root / "lookml_project" / "views" / "legacy_requests.view.lkml").unlink()


def check_plain(sb: Sandbox, r: Result) -> None:
    assert "0 errors, 0 warnings" in r.stdout and "queries on the embedded engine" in r.stdout


def check_json_report(sb: Sandbox, r: Result) -> None:
    report = json.loads((sb.root / "check.json").read_text())
    assert report["version"] == 1 and report["sql"] is False
    assert report["summary"]["error"] == report["summary"]["warning"] == 0
    assert report["summary"]["files"] >= 10


def check_baseline_written(sb: Sandbox, r: Result) -> None:
    text = (sb.root / ".looker-ops-baseline.json").read_text()
    assert "ATH401" in text and "legacy_requests" in text


def check_baseline_used(sb: Sandbox, r: Result) -> None:
    assert "ATH401" not in r.stdout.split("suppressed")[0] or "0 errors" in r.stdout
    as_json = sb.run("looker-ops check --no-sql --baseline .looker-ops-baseline.json --format json")
    report = json.loads(as_json.stdout)
    assert report["summary"]["error"] == 0 and report["summary"]["suppressed"] >= 1
    assert {s["code"] for s in report["suppressed"]} >= {"ATH401"}
    assert {s["by"] for s in report["suppressed"]} == {"baseline"}


def check_sample_data(sb: Sandbox, r: Result) -> None:
    files = list((sb.root / "ct-logs" / "AWSLogs").rglob("*.json.gz"))
    assert files and "2026-11-19 to 2026-11-20" in r.stdout
    assert all("/CloudTrail/" in str(f) for f in files)


def check_with_data(sb: Sandbox, r: Result) -> None:
    assert "0 errors" in r.stdout and "queries on the embedded engine" in r.stdout


def check_preview_sample(sb: Sandbox, r: Result) -> None:
    assert "CloudTrail: Console Login Overview (cloudtrail_console_login_overview)" in r.stdout
    assert "filters: date='3 days'" in r.stdout and "files scanned" in r.stdout


def check_preview_html(sb: Sandbox, r: Result) -> None:
    html = (sb.root / "preview.html").read_text()
    assert "<svg" in html and "EC2 Security Group Modifications" in html and "<script" not in html


# ---- CI


def install_with_deploy_yaml(sb: Sandbox) -> None:
    """What the CI section assumes: the block installed once from deploy/looker-ops.yaml."""
    first = sb.run("looker-ops deploy --config deploy/looker-ops.yaml")
    assert first.exit_code == 3 and "deploy key" in first.stderr
    assert sb.register_deploy_keys()
    second = sb.run("looker-ops deploy --config deploy/looker-ops.yaml")
    assert second.exit_code == 0, second.output
    assert sb.production_ref() == sb.remote.rev_parse("main")
    (sb.root / "tests" / "check_scenarios").mkdir(parents=True)
    shutil.copytree(ROOT / SCENARIO, sb.root / SCENARIO)


PR_MEASURE = "\n  measure: pr_42_events {\n    type: count\n  }\n"


def open_pull_request(sb: Sandbox) -> None:
    """A pull request adds a measure to the events view."""
    view = sb.root / "lookml_project" / "views" / "cloudtrail_logs.view.lkml"
    text = view.read_text().rstrip()
    assert text.endswith("}")
    view.write_text(text[:-1] + PR_MEASURE + "}\n")
    sb.fake.reset_calls()
    sb.notes["prod_before"] = sb.production_ref()


def check_github_clean(sb: Sandbox, r: Result) -> None:
    assert "::error" not in r.stdout and "::warning" not in r.stdout


def check_schedules_offline(sb: Sandbox, r: Result) -> None:
    assert "deploy/schedules.yaml: 3 schedule(s) valid, 6 alert(s) valid" in r.stdout
    assert sb.fake.calls == []


def check_validate_branch(sb: Sandbox, r: Result) -> None:
    sha = sb.remote.rev_parse("looker-ops-pr-42")
    assert (
        sha is not None
        and "measure: pr_42_events" in sb.remote.files("looker-ops-pr-42")["views/cloudtrail_logs.view.lkml"]
    )
    prod = sb.notes["prod_before"]
    assert sb.production_ref() == prod and sb.remote.rev_parse("main") == prod  # production untouched
    assert sb.fake.calls_to("validate_project") and not sb.fake.calls_to("deploy_ref_to_production")


def check_cleanup(sb: Sandbox, r: Result) -> None:
    assert "looker-ops-pr-42" not in sb.remote.branches()
    assert sb.fake.calls_to("delete_git_branch")


def readme_text_block_after(command: str) -> list[str]:
    text = readme_text()
    pos = text.index(command)
    (_, body), *_ = [(p, b) for p, b in _blocks(text, "text") if p > pos]
    return body.strip().splitlines()


def check_failing_pr(sb: Sandbox, r: Result) -> None:
    shown = readme_text_block_after(f"looker-ops check {SCENARIO}/bad --format github")
    assert shown and all(
        line.startswith(("::error file=", "::notice title=looker-ops check::")) for line in shown
    )
    # The README shows exactly what check prints: every line, in order.
    assert shown == [line for line in r.stdout.splitlines() if line.startswith("::")]


def check_ci_deploy(sb: Sandbox, r: Result) -> None:
    report = json.loads((sb.root / "deploy-report.json").read_text())
    assert report["status"] == "ok" and report["exit_code"] == 0
    steps = {s["name"]: s["status"] for s in report["steps"]}
    assert steps["lookml"] == steps["production"] == "applied" and steps["dashboards"] == "unchanged"
    head = sb.remote.rev_parse("main")
    assert sb.production_ref() == head != sb.notes["prod_before"]
    assert "pr_42_events" in sb.remote.files("main")["views/cloudtrail_logs.view.lkml"]


# ---- Installing the block


def check_whoami(sb: Sandbox, r: Result) -> None:
    assert "user:" in r.stdout and "API versions:" in r.stdout and "4.0" in r.stdout
    assert sb.fake.calls_to("me") and sb.fake.writes() == []
    sb.fake.reset_calls()


def check_init(sb: Sandbox, r: Result) -> None:
    assert "wrote looker-ops.yaml" in r.stdout and "wrote schedules.yaml" in r.stdout
    cfg = load_config(sb.root / "looker-ops.yaml")
    assert cfg.connection.region == "eu-west-1" and cfg.project.git_remote_url == SSH_REMOTE
    assert cfg.athena.layout == "organization" and cfg.athena.org_id == "o-a1b2c3d4e5"
    assert cfg.athena.account_ids == ("111111111111", "222222222222")
    assert cfg.resolve(cfg.project.lookml_dir) == sb.root / "lookml_project"
    assert "security-team@example.com" in (sb.root / "schedules.yaml").read_text()
    assert sb.fake.calls == []


def check_ddl(sb: Sandbox, r: Result) -> None:
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail`.`cloudtrail_logs`" in r.stdout
    assert "LOCATION 's3://acme-cloudtrail/AWSLogs/o-a1b2c3d4e5/'" in r.stdout
    assert "'projection.account.values'='111111111111,222222222222'" in r.stdout


class Aws:
    """Hands the CLI a stubbed AthenaRunner; the step's hook queues what AWS will answer."""

    def __init__(self) -> None:
        self.expect: Callable[[AwsStubs], None] | None = None
        self.used: list[AwsStubs] = []

    def runner(self, settings: AthenaSettings) -> Any:
        assert self.expect is not None, "an AWS call the step did not expect"
        stubs = AwsStubs(settings)
        stubs.__enter__()
        self.expect(stubs)
        self.used.append(stubs)
        return stubs.runner

    def finish(self) -> AwsStubs:
        (stubs,) = self.used
        stubs.assert_done()
        stubs.__exit__()
        self.used.clear()
        self.expect = None
        return stubs


def _aws(sb: Sandbox) -> Aws:
    aws: Aws = sb.notes["aws"]
    return aws


def check_setup_print(sb: Sandbox, r: Result) -> None:
    assert "CREATE DATABASE IF NOT EXISTS `cloudtrail`" in r.stdout
    assert "CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail`.`cloudtrail_logs`" in r.stdout
    assert _aws(sb).used == []  # no AWS call


def expect_fresh_account(sb: Sandbox) -> None:
    def queue(stubs: AwsStubs) -> None:
        assert stubs.settings.output_location == "s3://acme-athena-results/looker/"
        stubs.expect_database(exists=False)
        stubs.expect_query(None, "q-db")
        stubs.expect_table(None)
        stubs.expect_query(None, "q-table")

    _aws(sb).expect = queue


def check_setup(sb: Sandbox, r: Result) -> None:
    stubs = _aws(sb).finish()
    assert [s.split("\n")[0] for s in stubs.sent] == [
        "CREATE DATABASE IF NOT EXISTS `cloudtrail`",
        "CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail`.`cloudtrail_logs` (",
    ]
    assert "q-db" in r.stdout and "q-table" in r.stdout and "created" in r.stdout


def geolite_files(sb: Sandbox) -> None:
    write_geolite_files(sb.root)


def check_geoip_build(sb: Sandbox, r: Result) -> None:
    out = sb.root / "build" / "geoip"
    assert (out / "geoip_blocks.parquet").is_file()  # read by Athena and by the embedded engine
    assert "LOCATION 's3://acme-geo/geoip_blocks/'" in (out / "geoip_blocks.ddl.sql").read_text()


def expect_geoip_upload(sb: Sandbox) -> None:
    from botocore.stub import ANY

    def queue(stubs: AwsStubs) -> None:
        stubs.s3.add_response(
            "put_object",
            {"ETag": '"e"'},
            {
                "Bucket": "acme-geo",
                "Key": "geoip_blocks/geoip_blocks.parquet",
                "Body": ANY,
                "ContentType": "application/octet-stream",
            },
        )
        stubs.s3.add_response(
            "list_objects_v2",
            {"Contents": [{"Key": "geoip_blocks/geoip_blocks.parquet", "Size": 1}]},
            {"Bucket": "acme-geo", "Prefix": "geoip_blocks/"},
        )
        stubs.expect_database(exists=True)
        stubs.expect_table(None, name="geoip_blocks")
        stubs.expect_query(None, "q-geo")

    _aws(sb).expect = queue


def check_geoip_upload(sb: Sandbox, r: Result) -> None:
    stubs = _aws(sb).finish()
    (ddl,) = stubs.sent
    assert ddl.startswith("CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail`.`geoip_blocks`")
    assert "s3://acme-geo/geoip_blocks/geoip_blocks.parquet" in r.stdout and "q-geo" in r.stdout


def check_dry_run(sb: Sandbox, r: Result) -> None:
    assert sb.fake.writes() == [] and sb.remote.branches() == []
    assert "+ connection athena_cloudtrail (create)" in r.stdout
    assert all(f"+ dashboard {slug} (create)" in r.stdout for slug in SLUGS)
    assert "0 writes" in r.stderr


def check_deploy_key_stop(sb: Sandbox, r: Result) -> None:
    (key,) = [s["deploy_key"] for s in sb.fake.table("project_state").values()]
    assert "Register this public key as a deploy key WITH WRITE ACCESS" in r.stderr
    shown, shown_key = readme_text_block_after("On a first install with an ssh remote")
    assert shown in r.stderr.splitlines(), "the README's deploy key message is not what deploy prints"
    assert shown_key.startswith("ssh-rsa AAAA") and key.endswith(shown_key.split()[-1])
    assert key in r.stderr and SSH_REMOTE in r.stderr
    assert "athena_cloudtrail" in sb.fake.table("connections")
    assert sb.fake.table("projects")["cloudtrail_block"]["git_remote_url"] == SSH_REMOTE
    assert sb.remote.branches() == [] and sb.production_ref() is None  # stopped before any push


def register_key(sb: Sandbox) -> None:
    assert sb.register_deploy_keys()


def check_first_install(sb: Sandbox, r: Result) -> None:
    report = json.loads((sb.root / "deploy-report.json").read_text())
    assert report["status"] == "ok"
    steps = {s["name"]: s["status"] for s in report["steps"]}
    assert steps["lookml"] == steps["production"] == steps["dashboards"] == steps["schedules"] == "applied"
    assert sb.production_ref() == sb.remote.rev_parse("main") is not None
    dashboards = sb.live_dashboards()
    assert {d["slug"] for d in dashboards} == SLUGS
    assert {sb.folder_path(d["folder_id"]) for d in dashboards} == {"Shared/Security/CloudTrail"}
    assert set(sb.plans()) == PLAN_NAMES  # init wrote the block's schedules and alerts
    assert len(sb.fake.table("alerts")) == 6
    sb.fake.reset_calls()


def check_second_run(sb: Sandbox, r: Result) -> None:
    assert sb.fake.writes() == [] and "0 writes" in r.stderr
    assert "lookml      unchanged" in r.stdout and "dashboards  unchanged" in r.stdout


# ---- Scheduled reports


def install_from_init(sb: Sandbox) -> None:
    """The block installed by an admin (init's copy of the block's schedules and alerts, to the
    security team's address), for the security team to take over in deploy/schedules.yaml."""
    init = sb.run(
        "looker-ops init --region eu-west-1 --s3-staging-dir s3://r/q/ --git-remote "
        f"{sb.remote.path} --bucket acme-cloudtrail --layout single --account-id 111111111111 "
        "--security-email security-team@example.com"
    )
    assert init.exit_code == 0, init.output
    deploy = sb.run("looker-ops deploy")
    assert deploy.exit_code == 0, deploy.output
    assert set(sb.plans()) == PLAN_NAMES and len(sb.fake.table("alerts")) == 6
    sb.fake.reset_calls()


def check_sched_validate(sb: Sandbox, r: Result) -> None:
    assert "3 schedule(s) valid" in r.stdout and sb.fake.calls == []


def check_sched_dry_run(sb: Sandbox, r: Result) -> None:
    assert sb.fake.writes() == []
    assert "= schedule Weekly CIS monitoring (unchanged)" in r.stdout  # init wrote it as shipped
    assert (
        "~ schedule Daily security group changes (update): destination: (none) -> 'email cloud-platform-oncall@"
        in r.stdout
    )
    assert "would make 1 write(s)" in r.stdout


def check_sched_apply(sb: Sandbox, r: Result) -> None:
    ops = sorted(c.operation_id for c in sb.fake.writes())
    assert ops == ["update_scheduled_plan"]
    plans = sb.plans()
    assert set(plans) == PLAN_NAMES
    cis = plans["[looker-ops] Weekly CIS monitoring"]
    assert cis["crontab"] == "30 7 * * MON" and cis["timezone"] == "Europe/London"
    again = sb.run("looker-ops schedules apply --file deploy/schedules.yaml")
    assert again.exit_code == 0 and "made 0 write(s)" in again.stdout


def check_sched_list(sb: Sandbox, r: Result) -> None:
    assert "3 plan(s) on 4 dashboard(s)" in r.stdout
    assert r.stdout.count("; looker-ops; in file: yes") == 3
    assert all(name in r.stdout for name in PLAN_NAMES)


def check_sched_run(sb: Sandbox, r: Result) -> None:
    assert "sent: Weekly CIS monitoring" in r.stdout
    (delivery,) = sb.fake.table("deliveries").values()
    assert [d["address"] for d in delivery["plan"]["scheduled_plan_destination"]] == ["me@example.com"]


def check_alerts_validate(sb: Sandbox, r: Result) -> None:
    assert "deploy/schedules.yaml: 6 alert(s) valid" in r.stdout and sb.fake.calls == []


def check_alerts_evaluate(sb: Sandbox, r: Result) -> None:
    assert "  48 tick(s), would have fired 1 time(s), highest value 6" in r.stdout
    assert "  fired 2026-11-20T22:15:00Z with 6" in r.stdout
    assert "event_name=PutAlternateContact  user=root  source_ip=198.51.100.10" in r.stdout
    assert sb.fake.calls == []  # nothing asked of Looker


def check_alerts_dry_run(sb: Sandbox, r: Result) -> None:
    assert sb.fake.writes() == [] and "= alert Root account used (unchanged)" in r.stdout  # init's
    assert "would make 0 write(s)" in r.stdout


def check_alerts_apply(sb: Sandbox, r: Result) -> None:
    alerts = {a["custom_title"]: a for a in sb.fake.table("alerts").values()}
    assert len(alerts) == 6 and "[looker-ops] Root account used" in alerts
    live = {str(e["id"]) for d in sb.fake.table("dashboards").values() for e in d["_elements"]}
    assert all(a["dashboard_element_id"] in live for a in alerts.values())
    again = sb.run("looker-ops alerts apply --file deploy/schedules.yaml")
    assert again.exit_code == 0 and "made 0 write(s)" in again.stdout


def check_alerts_list(sb: Sandbox, r: Result) -> None:
    assert "6 alert(s)" in r.stdout and r.stdout.count("; looker-ops; in file: yes") == 6


def check_alerts_test(sb: Sandbox, r: Result) -> None:
    assert r.stdout.startswith("enqueued: Root account used")
    (run,) = sb.fake.table("alert_runs").values()
    assert run["force"] is True


STEPS: dict[str, list[Step]] = {
    "Developing the block (or any LookML project)": [
        Step("looker-ops check", 0, check_plain),
        Step(
            "looker-ops check --no-sql --fail-on warning --format json --output check.json",
            0,
            check_json_report,
        ),
        Step(
            "looker-ops check --no-sql --write-baseline .looker-ops-baseline.json",
            0,
            check_baseline_written,
            before=add_legacy_finding,
        ),
        Step(
            "looker-ops check --no-sql --baseline .looker-ops-baseline.json",
            0,
            check_baseline_used,
            after=remove_legacy_finding,
        ),
        Step("looker-ops sample-data --out ct-logs --days 2", 0, check_sample_data),
        Step("looker-ops check --data ct-logs", 0, check_with_data),
        Step(
            "looker-ops preview cloudtrail_console_login_overview --filter 'date=3 days'",
            0,
            check_preview_sample,
        ),
        Step(
            "looker-ops preview cloudtrail_security_group_changes --data ct-logs --format html --output preview.html",
            0,
            check_preview_html,
        ),
    ],
    "CI (GitHub Actions)": [
        Step("looker-ops check --format github", 0, check_github_clean, before=open_pull_request),
        Step(
            "looker-ops schedules validate --file deploy/schedules.yaml --dashboards dashboards --no-secrets",
            0,
            check_schedules_offline,
        ),
        Step(
            "looker-ops alerts validate --file deploy/schedules.yaml --dashboards dashboards "
            "--project lookml_project --no-secrets",
            0,
            check_alerts_validate,
        ),
        Step(
            "looker-ops validate branch --config deploy/looker-ops.yaml --branch looker-ops-pr-42",
            0,
            check_validate_branch,
        ),
        Step(
            "looker-ops validate cleanup --config deploy/looker-ops.yaml --branch looker-ops-pr-42",
            0,
            check_cleanup,
        ),
        Step(f"looker-ops check {SCENARIO}/bad --format github", 1, check_failing_pr),
        Step(
            "looker-ops deploy --config deploy/looker-ops.yaml --json deploy-report.json", 0, check_ci_deploy
        ),
    ],
    "Installing the block (Looker admin)": [
        Step("looker-ops looker whoami", 0, check_whoami),
        Step(
            "looker-ops init --region eu-west-1 --s3-staging-dir s3://acme-athena-results/looker/ "
            f"--git-remote {SSH_REMOTE} --bucket acme-cloudtrail --layout organization "
            "--org-id o-a1b2c3d4e5 --account-id 111111111111 --account-id 222222222222 "
            "--security-email security-team@example.com",
            0,
            check_init,
        ),
        Step("looker-ops athena ddl --config looker-ops.yaml", 0, check_ddl),
        Step("looker-ops athena setup --config looker-ops.yaml --print", 0, check_setup_print),
        Step("looker-ops athena setup --config looker-ops.yaml", 0, check_setup, before=expect_fresh_account),
        Step(
            "looker-ops geoip build --blocks GeoLite2-City-Blocks-IPv4.csv "
            "--locations GeoLite2-City-Locations-en.csv --out build/geoip --location s3://acme-geo/geoip_blocks/",
            0,
            check_geoip_build,
            before=geolite_files,
        ),
        Step(
            "looker-ops geoip upload --dir build/geoip --s3 s3://acme-geo/geoip_blocks/ --config looker-ops.yaml",
            0,
            check_geoip_upload,
            before=expect_geoip_upload,
        ),
        Step("looker-ops deploy --dry-run", 0, check_dry_run),
        Step("looker-ops deploy", 3, check_deploy_key_stop, after=register_key),
        Step("looker-ops deploy --json deploy-report.json", 0, check_first_install),
        Step("looker-ops deploy", 0, check_second_run),
    ],
    "Scheduled reports (security teams)": [
        Step("looker-ops schedules validate --file deploy/schedules.yaml", 0, check_sched_validate),
        Step("looker-ops schedules apply --file deploy/schedules.yaml --dry-run", 0, check_sched_dry_run),
        Step("looker-ops schedules apply --file deploy/schedules.yaml", 0, check_sched_apply),
        Step("looker-ops schedules list --file deploy/schedules.yaml", 0, check_sched_list),
        Step(
            "looker-ops schedules run 'Weekly CIS monitoring' --file deploy/schedules.yaml --to me@example.com",
            0,
            check_sched_run,
        ),
    ],
    "Alerts (security teams)": [
        Step("looker-ops alerts validate --file deploy/schedules.yaml", 0, check_alerts_validate),
        Step(
            "looker-ops alerts evaluate 'Root account used' --file deploy/schedules.yaml --since 2d",
            0,
            check_alerts_evaluate,
        ),
        Step("looker-ops alerts apply --file deploy/schedules.yaml --dry-run", 0, check_alerts_dry_run),
        Step("looker-ops alerts apply --file deploy/schedules.yaml", 0, check_alerts_apply),
        Step("looker-ops alerts list --file deploy/schedules.yaml", 0, check_alerts_list),
        Step("looker-ops alerts test 'Root account used' --file deploy/schedules.yaml", 0, check_alerts_test),
    ],
}

PREPARE: dict[str, Hook] = {
    "CI (GitHub Actions)": install_with_deploy_yaml,
    "Scheduled reports (security teams)": install_from_init,
    "Alerts (security teams)": install_from_init,
}


def test_readme_commands_are_all_mapped() -> None:
    """Every command in the README is a step here, in the same order, and every step is in the README."""
    sections = readme_sections()
    assert set(sections) == set(STEPS), (
        f"README sections with commands: {sorted(sections)}; tested: {sorted(STEPS)}"
    )
    for title, commands in sections.items():
        assert [c for c in commands if not c.startswith("looker-ops ")] == [], (
            f"{title}: only looker-ops commands belong in the README's bash blocks"
        )
        assert commands == [shlex.join(shlex.split(s.command)) for s in STEPS[title]], title


@pytest.fixture
def sandbox(tmp_path: Path, fake_looker: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> Iterator[Sandbox]:
    sb = Sandbox.create(tmp_path, fake_looker, monkeypatch)
    aws = Aws()
    monkeypatch.setattr(athena_engine, "AthenaRunner", aws.runner)
    sb.notes["aws"] = aws
    yield sb


@pytest.mark.parametrize("section", list(STEPS))
def test_readme_section_commands_run(section: str, sandbox: Sandbox) -> None:
    in_readme = readme_sections().get(section, [])
    if section in PREPARE:
        PREPARE[section](sandbox)
    for step in STEPS[section]:
        if shlex.join(shlex.split(step.command)) not in in_readme:
            pytest.fail(f"not in the README any more: {step.command}")
        if step.before:
            step.before(sandbox)
        result = sandbox.run(step.command)
        assert result.exit_code == step.exit_code, (
            f"{step.command}\nexit {result.exit_code}, expected {step.exit_code}\n{_out(result)}"
        )
        step.check(sandbox, result)
        if step.after:
            step.after(sandbox)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--write"]:  # regenerate the README's table in place
        text = readme_text()
        start = text.index("-->\n", text.index("<!-- config-keys:start")) + 4
        end = text.index("\n<!-- config-keys:end -->")
        README.write_text(text[:start] + config_table() + text[end:], encoding="utf-8")
    else:
        print(config_table())
