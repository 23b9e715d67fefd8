# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""schedules apply / run / list against the stateful fake Looker (real looker-sdk, real client)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from looker_sdk.sdk.api40 import models as m

from looker_ops.cli import main
from looker_ops.config.schedules import MARKER, load_schedules
from looker_ops.errors import EXIT_BAD_INPUT, EXIT_REMOTE, BadInput
from looker_ops.looker.changes import CREATE, DELETE, UPDATE
from looker_ops.looker.client import LookerClient
from looker_ops.schedules.apply import apply_schedules
from looker_ops.schedules.list import list_schedules
from looker_ops.schedules.run import run_schedule
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_client, looker_env, looker_sleeps  # noqa: F401
from tests.fake_looker.integrations import add_integration

DASHBOARDS = Path(__file__).resolve().parents[1] / "schedules" / "dashboards"
SLACK_TOKEN = "xoxb-0000-very-secret-token"

TEXT = """\
defaults:
  timezone: Europe/Paris
  pdf: {paper_size: a4, landscape: true}
schedules:
  - name: Weekly logins
    dashboard: test_console_logins
    cron: "0 7 * * MON"
    filters:
      Date: 7 days
      Account ID: "123456789012"
    recipients: [soc@example.com, ciso@example.com]
    message: Weekly console logins
  - name: Daily SG changes
    dashboard: test_sg_changes
    cron: "0 6 * * *"
    require_results: true
    filters:
      Date: yesterday
    recipients: [soc@example.com]
"""

SLACK = """\
    destinations:
      - integration: "1::slack_app"
        parameters:
          channel: C0123456789
        secret_parameters:
          token: ${SLACK_TOKEN}
"""


def import_dashboards(client: LookerClient) -> dict[str, str]:
    """Put the fixture dashboards on the fake (as `deploy` would); slug -> id."""
    out = {}
    for path in sorted(DASHBOARDS.glob("*.dashboard.lookml")):
        d = client.sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(lookml=path.read_text()))
        out[str(d.slug)] = str(d.id)
    return out


@pytest.fixture
def dash_ids(looker_client: LookerClient) -> dict[str, str]:
    return import_dashboards(looker_client)


def write(tmp_path: Path, text: str = TEXT) -> Path:
    p = tmp_path / "schedules.yaml"
    p.write_text(text)
    return p


def apply(client: LookerClient, path: Path, **kw: Any) -> Any:
    kw.setdefault("dry_run", False)
    kw.setdefault("prune", False)
    spec = load_schedules(path, DASHBOARDS, env={"SLACK_TOKEN": SLACK_TOKEN})
    return apply_schedules(client, spec, dashboards_dir=DASHBOARDS, **kw)


def plans(fake: FakeLooker) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in fake.table("scheduled_plans").values()}


def hand_made(client: LookerClient, dashboard_id: str, name: str = "SOC weekly (by hand)") -> str:
    p = client.sdk.create_scheduled_plan(
        m.WriteScheduledPlan(
            name=name,
            dashboard_id=dashboard_id,
            crontab="0 9 * * 1",
            scheduled_plan_destination=[
                m.ScheduledPlanDestination(type="email", address="someone@example.com", format="wysiwyg_pdf")
            ],
        )
    )
    return str(p.id)


# --------------------------------------------------------------------------- create / idempotence


def test_create_makes_the_plans_looker_needs(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    fake_looker.reset_calls()
    # Requests and answers are checked against the Looker 4.0 spec where the spec file is present
    # (tests/fake_looker/contract.py says so visibly when it is not); the SDK's models check always.
    report = apply(looker_client, write(tmp_path))
    assert [(c.action, c.name) for c in report.changes] == [
        (CREATE, "Weekly logins"),
        (CREATE, "Daily SG changes"),
    ]
    assert report.writes == 2
    assert [c.operation_id for c in fake_looker.writes()] == ["create_scheduled_plan"] * 2
    p = plans(fake_looker)[MARKER + "Weekly logins"]
    assert p["dashboard_id"] == dash_ids["test_console_logins"]
    assert p["crontab"] == "0 7 * * MON" and p["timezone"] == "Europe/Paris"
    assert p["filters_string"] == "?date=7+days&account_id=123456789012"
    assert p["pdf_paper_size"] == "a4" and p["pdf_landscape"] is True
    assert p["run_as_recipient"] is False
    dests = sorted(
        (d["type"], d["address"], d["format"], d["message"]) for d in p["scheduled_plan_destination"]
    )
    assert dests == [
        ("email", "ciso@example.com", "wysiwyg_pdf", "Weekly console logins"),
        ("email", "soc@example.com", "wysiwyg_pdf", "Weekly console logins"),
    ]
    sg = plans(fake_looker)[MARKER + "Daily SG changes"]
    assert sg["require_results"] is True and sg["dashboard_id"] == dash_ids["test_sg_changes"]


def test_second_apply_makes_zero_writes(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    path = write(tmp_path, TEXT + SLACK)
    add_integration(fake_looker, "1::slack_app", "Slack", formats=["wysiwyg_pdf", "csv_zip"])
    first = apply(looker_client, path)
    assert first.writes == 2
    fake_looker.reset_calls()
    second = apply(looker_client, path)
    assert second.changes == [] and second.writes == 0
    assert sorted(second.unchanged) == ["Daily SG changes", "Weekly logins"]
    assert fake_looker.writes() == []
    assert fake_looker.calls, "the second run did read Looker"


def test_change_of_recipients_updates_in_place(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    apply(looker_client, write(tmp_path))
    before = plans(fake_looker)[MARKER + "Weekly logins"]["id"]
    changed = TEXT.replace("[soc@example.com, ciso@example.com]", "[soc@example.com, new-ciso@example.com]")
    fake_looker.reset_calls()
    report = apply(looker_client, write(tmp_path, changed))
    (ch,) = report.changes
    assert (ch.action, ch.name) == (UPDATE, "Weekly logins")
    assert [(d.field, d.before, d.after) for d in ch.diffs] == [
        ("destination", "email ciso@example.com [wysiwyg_pdf]", None),
        ("destination", None, "email new-ciso@example.com [wysiwyg_pdf]"),
    ]
    assert [(c.operation_id, c.path) for c in fake_looker.writes()] == [
        ("update_scheduled_plan", f"/scheduled_plans/{before}")
    ]
    after = plans(fake_looker)[MARKER + "Weekly logins"]
    assert after["id"] == before
    assert sorted(d["address"] for d in after["scheduled_plan_destination"]) == [
        "new-ciso@example.com",
        "soc@example.com",
    ]
    assert apply(looker_client, write(tmp_path, changed)).writes == 0


def test_dry_run_changes_nothing(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    report = apply(looker_client, write(tmp_path), dry_run=True)
    assert [c.action for c in report.changes] == [CREATE, CREATE]
    assert fake_looker.writes() == [] or all(
        c.operation_id == "import_dashboard_from_lookml" for c in fake_looker.writes()
    )
    assert plans(fake_looker) == {}
    assert "would make 2 write(s)" in report.lines()[-1]


# --------------------------------------------------------------------------- prune and ownership


def test_prune_removes_only_its_own_plans(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    apply(looker_client, write(tmp_path))
    by_hand = hand_made(looker_client, dash_ids["test_console_logins"])
    # also a hand-made plan whose name merely resembles ours
    lookalike = hand_made(looker_client, dash_ids["test_sg_changes"], name="looker-ops Daily SG changes")
    only_weekly = TEXT.split("  - name: Daily SG changes")[0]
    path = write(tmp_path, only_weekly)

    kept = apply(looker_client, path)  # without --prune: nothing is deleted
    assert kept.changes == [] and kept.writes == 0
    assert MARKER + "Daily SG changes" in plans(fake_looker)
    assert "without --prune" in kept.lines()[-1]

    sg_id = plans(fake_looker)[MARKER + "Daily SG changes"]["id"]
    fake_looker.reset_calls()
    report = apply(looker_client, path, prune=True)
    (ch,) = report.changes
    assert (ch.action, ch.name) == (DELETE, "Daily SG changes")
    assert [(c.operation_id, c.path) for c in fake_looker.writes()] == [
        ("delete_scheduled_plan", f"/scheduled_plans/{sg_id}")
    ]
    left = plans(fake_looker)
    assert set(left) == {MARKER + "Weekly logins", "SOC weekly (by hand)", "looker-ops Daily SG changes"}
    assert left["SOC weekly (by hand)"]["id"] == by_hand
    assert left["looker-ops Daily SG changes"]["id"] == lookalike
    assert report.ignored == 2
    assert apply(looker_client, path, prune=True).writes == 0


def test_a_plan_deleted_meanwhile_is_not_an_error(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    from looker_ops.looker import schedules as mod

    apply(looker_client, write(tmp_path))
    only_weekly = write(tmp_path, TEXT.split("  - name: Daily SG changes")[0])
    spec = load_schedules(only_weekly, DASHBOARDS, env={})
    want = [mod.desired(s, mod.Target(s.dashboard, dash_ids[s.dashboard])) for s in spec.schedules]
    changes = mod.plan(want, mod.read(looker_client), prune=True)
    (gone,) = [c for c in changes if c.action == DELETE]
    looker_client.sdk.delete_scheduled_plan(gone.payload.plan_id)  # someone was quicker
    mod.apply(looker_client, changes)
    assert set(plans(fake_looker)) == {MARKER + "Weekly logins"}


def test_duplicate_from_a_lost_create_answer_is_not_made(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    # The first create is applied by Looker but its answer is lost (read timeout).
    fake_looker.fail("create_scheduled_plan", "timeout")
    apply(looker_client, write(tmp_path))
    names = [p["name"] for p in fake_looker.table("scheduled_plans").values()]
    assert sorted(names) == sorted([MARKER + "Weekly logins", MARKER + "Daily SG changes"])
    assert apply(looker_client, write(tmp_path)).writes == 0


def test_duplicates_are_reduced_to_the_oldest(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    apply(looker_client, write(tmp_path))
    first = plans(fake_looker)[MARKER + "Weekly logins"]["id"]
    dup = hand_made(looker_client, dash_ids["test_console_logins"], name=MARKER + "Weekly logins")
    report = apply(looker_client, write(tmp_path))
    deletes = [c for c in report.changes if c.action == DELETE]
    assert [c.payload.plan_id for c in deletes] == [dup]
    left = [p for p in fake_looker.table("scheduled_plans").values() if p["name"] == MARKER + "Weekly logins"]
    assert [p["id"] for p in left] == [first]


# --------------------------------------------------------------------------- dashboards and integrations


def test_missing_dashboard_says_to_deploy_first(
    fake_looker: FakeLooker, looker_client: LookerClient, tmp_path: Path
) -> None:
    with pytest.raises(BadInput) as exc:
        apply(looker_client, write(tmp_path))
    assert (
        "schedule 'Weekly logins': dashboard: no dashboard with slug 'test_console_logins'"
        in exc.value.message
    )
    assert (
        "schedule 'Daily SG changes': dashboard: no dashboard with slug 'test_sg_changes'"
        in exc.value.message
    )
    assert "looker-ops deploy" in exc.value.message and "dashboards import" in exc.value.message
    assert fake_looker.writes() == []
    # a dry run (as in `deploy --dry-run`, before the dashboards step) plans the creates anyway
    report = apply(looker_client, write(tmp_path), dry_run=True)
    assert [c.action for c in report.changes] == [CREATE, CREATE]
    # said once, on each planned create, not again as a warning
    assert all(c.note == "dashboard not on Looker yet: it is imported first" for c in report.changes)
    assert not any("not on Looker yet" in w for w in report.warnings)


def test_filter_names_are_taken_from_the_dashboard_on_looker(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    d = fake_looker.table("dashboards")[dash_ids["test_console_logins"]]
    for f in d["_filters"]:
        if f["name"] == "account_id":
            f["name"] = "Account ID"  # a dashboard made in the UI names filters by their title
    apply(looker_client, write(tmp_path))
    p = plans(fake_looker)[MARKER + "Weekly logins"]
    assert p["filters_string"] == "?date=7+days&Account+ID=123456789012"
    assert apply(looker_client, write(tmp_path)).writes == 0
    # a filter the dashboard on Looker lacks: deploy first
    d["_filters"] = [f for f in d["_filters"] if f["name"] != "Account ID"]
    with pytest.raises(BadInput) as exc:
        apply(looker_client, write(tmp_path))
    assert "schedule 'Weekly logins': filters.account_id" in exc.value.message
    assert "looker-ops deploy" in exc.value.message
    # in a dry run (deploy --dry-run: the dashboards step would update it first) it is a warning
    report = apply(looker_client, write(tmp_path), dry_run=True)
    assert any("filters.account_id" in w for w in report.warnings)


def test_slack_destination_through_the_action_hub(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    add_integration(fake_looker, "1::slack_app", "Slack", formats=["wysiwyg_pdf", "wysiwyg_png"])
    fake_looker.reset_calls()
    report = apply(looker_client, write(tmp_path, TEXT + SLACK))
    (create,) = [
        c
        for c in fake_looker.writes()
        if c.path == "/scheduled_plans" and c.body["name"].endswith("SG changes")
    ]
    slack = [
        d for d in create.body["scheduled_plan_destination"] if d["type"].startswith("looker-integration")
    ]
    assert slack == [
        {
            "type": "looker-integration://1::slack_app",
            "format": "wysiwyg_pdf",
            "parameters": '{"channel": "C0123456789"}',
            "secret_parameters": json.dumps({"token": SLACK_TOKEN}),
        }
    ]
    printed = json.dumps(report.as_dict()) + "\n".join(report.lines())
    assert SLACK_TOKEN not in printed and "(secret)" in printed
    # write-only: Looker keeps it apart and does not return it; a second apply makes no write
    stored = plans(fake_looker)[MARKER + "Daily SG changes"]
    slack_dest = next(
        d for d in stored["scheduled_plan_destination"] if d["type"].startswith("looker-integration")
    )
    assert fake_looker.table("plan_secrets")[stored["id"]][slack_dest["id"]] == json.dumps(
        {"token": SLACK_TOKEN}
    )
    assert all(
        "secret_parameters" not in d or d["secret_parameters"] is None
        for d in stored["scheduled_plan_destination"]
    )
    assert apply(looker_client, write(tmp_path, TEXT + SLACK)).writes == 0
    # after a rotation, --resend-secrets updates just that plan
    fake_looker.reset_calls()
    again = apply(looker_client, write(tmp_path, TEXT + SLACK), resend_secrets=True)
    assert [(c.action, c.name) for c in again.changes] == [(UPDATE, "Daily SG changes")]
    (upd,) = fake_looker.writes()
    assert json.dumps({"token": SLACK_TOKEN}) in [
        d.get("secret_parameters") for d in upd.body["scheduled_plan_destination"]
    ]


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        ({}, "Looker offers no integration '1::slack_app'"),
        ({"enabled": False}, "is not enabled"),
        ({"formats": ["csv"]}, "does not take wysiwyg_pdf"),
        ({"action_types": ["query"]}, "cannot deliver dashboards"),
    ],
)
def test_integration_problems_stop_before_any_write(
    fake_looker: FakeLooker,
    looker_client: LookerClient,
    dash_ids: dict[str, str],
    tmp_path: Path,
    setup: dict[str, Any],
    fragment: str,
) -> None:
    if setup:
        add_integration(fake_looker, "1::slack_app", "Slack", **setup)
    fake_looker.reset_calls()
    with pytest.raises(BadInput) as exc:
        apply(looker_client, write(tmp_path, TEXT + SLACK))
    assert fragment in exc.value.message
    assert "schedule 'Daily SG changes': destinations[0].integration" in exc.value.message
    assert fake_looker.writes() == []


# --------------------------------------------------------------------------- run once


def test_run_once_by_id_when_the_plan_matches(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    path = write(tmp_path)
    apply(looker_client, path)
    pid = plans(fake_looker)[MARKER + "Weekly logins"]["id"]
    spec = load_schedules(path, DASHBOARDS, env={})
    fake_looker.reset_calls()
    result = run_schedule(looker_client, spec, "Weekly logins")
    assert (result.used, result.plan_id) == ("run_once_by_id", pid)
    assert [(c.operation_id, c.path) for c in fake_looker.writes()] == [
        ("scheduled_plan_run_once_by_id", f"/scheduled_plans/{pid}/run_once")
    ]
    (delivery,) = fake_looker.table("deliveries").values()
    sent = delivery["plan"]
    assert sent["dashboard_id"] == dash_ids["test_console_logins"]
    assert sorted(d["address"] for d in sent["scheduled_plan_destination"]) == [
        "ciso@example.com",
        "soc@example.com",
    ]
    assert len(plans(fake_looker)) == 2  # the stored plans are unchanged
    # a run-once plan is never mistaken for a managed one: the next apply makes no write
    assert apply(looker_client, path, prune=True).writes == 0


def test_run_once_of_the_file_version_and_to_myself(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    path = write(tmp_path)
    spec = load_schedules(path, DASHBOARDS, env={})
    fake_looker.reset_calls()
    result = run_schedule(looker_client, spec, "Daily SG changes")  # not applied yet
    assert result.used == "run_once" and "not applied yet" in result.note
    (call,) = fake_looker.writes()
    assert call.operation_id == "scheduled_plan_run_once"
    assert call.body["dashboard_id"] == dash_ids["test_sg_changes"]
    assert call.body["filters_string"] == "?date=yesterday"
    assert not call.body["name"].startswith(MARKER)
    assert plans(fake_looker) == {}  # sent, not saved
    (delivery,) = fake_looker.table("deliveries").values()
    assert [d["address"] for d in delivery["plan"]["scheduled_plan_destination"]] == ["soc@example.com"]

    apply(looker_client, path)
    fake_looker.reset_calls()
    result = run_schedule(looker_client, spec, "Weekly logins", to=["me@example.com"])
    (call,) = fake_looker.writes()
    assert call.operation_id == "scheduled_plan_run_once"
    assert [d["address"] for d in call.body["scheduled_plan_destination"]] == ["me@example.com"]
    assert result.destinations == ["email me@example.com [wysiwyg_pdf]"]
    with pytest.raises(BadInput):
        run_schedule(looker_client, spec, "No such schedule")
    with pytest.raises(BadInput):
        run_schedule(looker_client, spec, "Weekly logins", to=["not an address"])


# --------------------------------------------------------------------------- list


def test_list_shows_every_plan_on_the_block_dashboards(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    path = write(tmp_path)
    apply(looker_client, path)
    hand_made(looker_client, dash_ids["test_console_logins"])
    own = plans(fake_looker)[MARKER + "Weekly logins"]
    own["last_run_at"] = "2026-11-23T07:00:03.000+00:00"
    spec = load_schedules(write(tmp_path, TEXT.replace("0 6 * * *", "0 5 * * *")), DASHBOARDS, env={})
    fake_looker.reset_calls()
    rows, missing = list_schedules(looker_client, spec)
    assert fake_looker.writes() == []
    assert missing == []
    by_name = {r.name: r for r in rows}
    assert set(by_name) == {MARKER + "Weekly logins", MARKER + "Daily SG changes", "SOC weekly (by hand)"}
    assert by_name[MARKER + "Weekly logins"].in_file == "yes"
    assert str(by_name[MARKER + "Weekly logins"].last_run_at).startswith("2026-11-23T07:00:03")
    assert by_name[MARKER + "Daily SG changes"].in_file == "differs"
    assert by_name["SOC weekly (by hand)"].managed is False and by_name["SOC weekly (by hand)"].in_file == "-"


# --------------------------------------------------------------------------- CLI


def test_cli_apply_twice_and_json_report(looker_env: FakeLooker, tmp_path: Path) -> None:
    from tests.fake_looker.fixtures import make_client

    import_dashboards(make_client(looker_env))
    path = write(tmp_path)
    runner = CliRunner()
    args = ["schedules", "apply", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    res = runner.invoke(main, [*args, "--dry-run"])
    assert res.exit_code == 0, res.output
    assert "+ schedule Weekly logins (create)" in res.output and plans(looker_env) == {}
    res = runner.invoke(main, [*args, "--json", str(tmp_path / "r.json")])
    assert res.exit_code == 0, res.output
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["writes"] == 2 and [c["action"] for c in report["changes"]] == ["create", "create"]
    res = runner.invoke(main, [*args, "--json", str(tmp_path / "r2.json")])
    assert res.exit_code == 0, res.output
    assert json.loads((tmp_path / "r2.json").read_text())["writes"] == 0
    assert "= schedule Weekly logins (unchanged)" in res.output
    res = CliRunner().invoke(main, [*args, "--json", "-"])
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["unchanged"] == ["Weekly logins", "Daily SG changes"]
    assert "(unchanged)" in res.stderr

    res = runner.invoke(main, ["schedules", "list", "--file", str(path), "--dashboards", str(DASHBOARDS)])
    assert res.exit_code == 0, res.output
    assert "[looker-ops] Weekly logins" in res.output and "in file: yes" in res.output

    res = runner.invoke(
        main,
        [
            "schedules",
            "run",
            "Weekly logins",
            "--file",
            str(path),
            "--dashboards",
            str(DASHBOARDS),
            "--to",
            "me@example.com",
        ],
    )
    assert res.exit_code == 0, res.output
    assert "sent: Weekly logins" in res.output and "me@example.com" in res.output


def test_cli_bad_input_makes_no_call(looker_env: FakeLooker, tmp_path: Path) -> None:
    path = write(tmp_path, TEXT.replace("0 6 * * *", "0 6 * *"))
    res = CliRunner().invoke(
        main, ["schedules", "apply", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    )
    assert res.exit_code == EXIT_BAD_INPUT
    assert "schedule 'Daily SG changes': cron:" in res.output
    assert looker_env.calls == []


def test_cli_remote_failure_is_exit_3(
    looker_env: FakeLooker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from looker_ops.commands import schedules as cmd
    from tests.fake_looker.fixtures import SleepRecorder, make_client

    import_dashboards(make_client(looker_env))
    sleeps = SleepRecorder()  # the retries of the real policy, without sleeping
    monkeypatch.setattr(cmd, "make_client", lambda p: make_client(looker_env, sleep=sleeps))
    looker_env.fail("all_scheduled_plans", 503, times=50)
    res = CliRunner().invoke(
        main, ["schedules", "apply", "--file", str(write(tmp_path)), "--dashboards", str(DASHBOARDS)]
    )
    assert res.exit_code == EXIT_REMOTE, res.output
    assert "all_scheduled_plans" in res.output
    assert sleeps.calls, "a 503 is retried before giving up"


# --------------------------------------------------------------------------- the deploy step's call


def test_deploy_calls_apply_with_its_config(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    """``deploy`` passes its loaded Config: the schedules file is the config's `schedules:` key."""
    from looker_ops.config.settings import load_config

    (tmp_path / "dash").symlink_to(DASHBOARDS)
    write(tmp_path)
    (tmp_path / "looker-ops.yaml").write_text("dashboards:\n  dir: dash\nschedules: schedules.yaml\n")
    cfg = load_config(tmp_path / "looker-ops.yaml", env={})
    report = apply_schedules(
        looker_client, cfg, dashboards_dir=cfg.resolve(cfg.dashboards.dir), dry_run=False, prune=False
    )
    assert [c.action for c in report.changes] == [CREATE, CREATE]
    assert report.as_dict()["writes"] == 2 and report.warnings == []
    again = apply_schedules(
        looker_client, cfg, dashboards_dir=cfg.resolve(cfg.dashboards.dir), dry_run=False, prune=True
    )
    assert again.changes == [] and sorted(again.unchanged) == ["Daily SG changes", "Weekly logins"]
    # no `schedules:` key: skipped without a call; above all, --prune deletes nothing
    bare = load_config(_write_cfg(tmp_path, "dashboards:\n  dir: dash\n"), env={})
    fake_looker.reset_calls()
    skipped = apply_schedules(looker_client, bare, dashboards_dir=DASHBOARDS, prune=True)
    assert skipped.changes == [] and "skipped" in skipped.warnings[0]
    assert fake_looker.calls == []
    assert len(plans(fake_looker)) == 2


def _write_cfg(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "other.yaml"
    p.write_text(text)
    return p


def test_run_as_a_user_and_as_recipient(
    fake_looker: FakeLooker, looker_client: LookerClient, dash_ids: dict[str, str], tmp_path: Path
) -> None:
    text = TEXT.replace("    message: Weekly console logins\n", "    run_as: recipient\n").replace(
        "    require_results: true\n", '    require_results: true\n    run_as: "42"\n'
    )
    path = write(tmp_path, text)
    apply(looker_client, path)
    weekly, sg = plans(fake_looker)[MARKER + "Weekly logins"], plans(fake_looker)[MARKER + "Daily SG changes"]
    assert weekly["run_as_recipient"] is True and weekly["user_id"] == "1"  # the API user owns it
    assert sg["run_as_recipient"] is False and sg["user_id"] == "42"  # owned by, so run as, user 42
    assert apply(looker_client, path).writes == 0
    # back to the default owner: the plan is given back to the API user, in place
    back = apply(looker_client, write(tmp_path, text.replace('    run_as: "42"\n', "")))
    (ch,) = back.changes
    assert [(d.field, d.before, d.after) for d in ch.diffs] == [("user_id", "42", "1")]
    assert plans(fake_looker)[MARKER + "Daily SG changes"]["user_id"] == "1"


def test_cli_list_without_a_schedules_file(
    looker_env: FakeLooker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fake_looker.fixtures import make_client

    client = make_client(looker_env)
    ids = import_dashboards(client)
    hand_made(client, ids["test_sg_changes"])
    monkeypatch.chdir(tmp_path)  # no looker-ops.yaml here
    res = CliRunner().invoke(main, ["schedules", "list", "--dashboards", str(DASHBOARDS), "--json", "-"])
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)["plans"]
    assert (row["name"], row["managed"], row["dashboard"]) == (
        "SOC weekly (by hand)",
        False,
        "test_sg_changes",
    )
