"""plan(desired, current) is pure: create what is missing, update what differs, leave the rest,
delete only the tool's own plans (and only with prune), compare by meaning not by encoding."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from looker_sdk.sdk.api40 import models as m

from looker_ops.config.schedules import MARKER, Schedule, parse_schedules
from looker_ops.config.schedules import dashboard_index as index
from looker_ops.looker.changes import CREATE, DELETE, SECRET, UPDATE
from looker_ops.looker.schedules import Desired, Target, current_fields, desired, plan, write_body

DASHBOARDS = Path(__file__).resolve().parents[1] / "schedules" / "dashboards"
ENV = {"SLACK_TOKEN": "xoxb-secret"}

TEXT = """\
schedules:
  - name: Weekly logins
    dashboard: test_console_logins
    cron: "0 7 * * 1"
    timezone: Europe/Paris
    filters:
      Date: 7 days
      Account ID: "123456789012"
    pdf: {paper_size: a4, landscape: true, expand_tables: true}
    require_results: true
    recipients: [soc@example.com, ciso@example.com]
    message: Weekly report
  - name: Daily SG
    dashboard: test_sg_changes
    cron: "0 6 * * *"
    format: csv_zip
    destinations:
      - integration: "1::slack_app"
        parameters: {channel: C1}
        secret_parameters:
          token: ${SLACK_TOKEN}
"""


def schedules(text: str = TEXT) -> list[Schedule]:
    return parse_schedules(text, "s.yaml", index(DASHBOARDS), ENV).schedules


def want(text: str = TEXT, owner: str | None = None) -> list[Desired]:
    ids = {"test_console_logins": "11", "test_sg_changes": "12"}
    return [desired(s, Target(s.dashboard, ids[s.dashboard]), owner) for s in schedules(text)]


def as_looker(d: Desired, plan_id: str, **server: Any) -> dict[str, Any]:
    """What Looker answers for a plan made from ``d``: the body plus server-side fields."""
    body = write_body(d)
    out: dict[str, Any] = {k: v for k, v in vars(body).items() if v is not None}
    out["scheduled_plan_destination"] = []
    for i, dest in enumerate(body.scheduled_plan_destination or []):
        dd = {k: v for k, v in vars(dest).items() if v is not None and k != "secret_parameters"}
        dd.update(id=f"{plan_id}{i}", scheduled_plan_id=plan_id, looker_recipient=False)
        out["scheduled_plan_destination"].append(dd)
    out.update(
        id=plan_id,
        user_id="1",
        created_at="2026-11-01T00:00:00Z",
        updated_at="2026-11-02T00:00:00Z",
        title="whatever",
        next_run_at="2026-12-01T07:00:00Z",
        last_run_at=None,
        can={"show": True},
    )
    out.update(server)
    return out


def test_nothing_on_looker_creates_everything_with_secrets_masked() -> None:
    changes = plan(want(), [])
    assert [(c.action, c.name) for c in changes] == [(CREATE, "Weekly logins"), (CREATE, "Daily SG")]
    assert changes[0].diffs[0].as_dict() == {
        "field": "dashboard",
        "before": None,
        "after": "test_console_logins (id 11)",
    }
    added = [d.after for d in changes[0].diffs if d.field == "destination"]
    assert added == ["email ciso@example.com [wysiwyg_pdf]", "email soc@example.com [wysiwyg_pdf]"]
    slack = changes[1]
    fields = {d.field: d.after for d in slack.diffs}
    assert fields["secret_parameters"] == SECRET
    text = json.dumps([c.as_dict() for c in changes]) + "".join(c.line() for c in changes)
    assert "xoxb-secret" not in text


def test_same_state_is_no_change_whatever_the_server_adds() -> None:
    w = want()
    current = [as_looker(w[0], "101"), as_looker(w[1], "102")]
    assert plan(w, current) == []


def test_encodings_and_order_do_not_matter() -> None:
    w = want()
    a = as_looker(w[0], "101")
    a["filters_string"] = "account_id=123456789012&date=7%20days"  # other order, %20, no "?"
    a["crontab"] = "0  7 * * MON"  # the file says 1: names and numbers mean the same
    a["scheduled_plan_destination"].reverse()
    a["scheduled_plan_destination"][0]["address"] = "CISO@example.com"
    a["pdf_paper_size"] = "A4"
    assert plan(w[:1], [a]) == []


def test_changed_recipients_update_in_place() -> None:
    w = want()
    current = [as_looker(w[0], "101"), as_looker(w[1], "102")]
    text = TEXT.replace("[soc@example.com, ciso@example.com]", "[soc@example.com, new@example.com]")
    (ch,) = plan(want(text), current)
    assert (ch.action, ch.name, ch.payload.plan_id) == (UPDATE, "Weekly logins", "101")
    assert [(d.field, d.before, d.after) for d in ch.diffs] == [
        ("destination", "email ciso@example.com [wysiwyg_pdf]", None),
        ("destination", None, "email new@example.com [wysiwyg_pdf]"),
    ]
    assert "destination: 'email ciso@example.com [wysiwyg_pdf]' -> (none)" in ch.line()


def test_each_compared_field_is_detected() -> None:
    w = want()
    base = as_looker(w[0], "101")
    edits = {
        "crontab": "0 8 * * 1",
        "timezone": "UTC",
        "filters_string": "?date=30+days&account_id=123456789012",
        "require_results": False,
        "require_change": True,
        "enabled": False,
        "include_links": False,
        "pdf_paper_size": "letter",
        "pdf_landscape": False,
        "long_tables": False,
        "dashboard_id": "99",
        "run_as_recipient": True,
    }
    for key, value in edits.items():
        changed = dict(base, **{key: value})
        (ch,) = plan(w[:1], [changed])
        expected = "filters" if key == "filters_string" else key
        assert [d.field for d in ch.diffs] == [expected], key


def test_message_and_format_of_a_destination_are_compared() -> None:
    w = want()
    for key, value in (("message", "other"), ("format", "wysiwyg_png")):
        cur = as_looker(w[0], "101")
        cur["scheduled_plan_destination"][0][key] = value
        (ch,) = plan(w[:1], [cur])
        assert [d.field for d in ch.diffs] == ["destination", "destination"]


def test_integration_parameters_are_compared_as_json() -> None:
    w = want()
    cur = as_looker(w[1], "102")
    dest = cur["scheduled_plan_destination"][0]
    assert dest["type"] == "looker-integration://1::slack_app"
    dest["parameters"] = json.dumps({"channel": "C1"}, indent=4)  # same meaning, other text
    assert plan(w[1:], [cur]) == []
    dest["parameters"] = json.dumps({"channel": "C2"})
    (ch,) = plan(w[1:], [cur])
    assert ch.action == UPDATE
    # an update resends the write-only secret (destinations are replaced as a whole)
    assert ("secret_parameters", SECRET, SECRET) in [(d.field, d.before, d.after) for d in ch.diffs]


def test_resend_secrets_forces_an_update_of_plans_with_secrets_only() -> None:
    w = want()
    current = [as_looker(w[0], "101"), as_looker(w[1], "102")]
    changes = plan(w, current, resend_secrets=True)
    assert [(c.action, c.name) for c in changes] == [(UPDATE, "Daily SG")]


def test_owner_is_compared_when_known() -> None:
    w = want(owner="7")
    cur = as_looker(w[0], "101", user_id="9")
    (ch,) = plan(w[:1], [cur])
    assert [(d.field, d.before, d.after) for d in ch.diffs] == [("user_id", "9", "7")]
    assert plan(w[:1], [cur], compare_owner=False) == []
    assert plan(want()[:1], [cur]) == []  # owner unknown (no plan existed): not compared


def test_hand_made_plans_are_never_touched_even_with_prune() -> None:
    w = want()
    hand = as_looker(w[0], "55", name="Weekly logins")  # same dashboard, same name without marker
    other = as_looker(w[0], "56", name="[looker-ops]Weekly logins")  # not exactly the marker
    changes = plan(w, [hand, other], prune=True)
    assert {c.action for c in changes} == {CREATE}
    assert all(c.payload.plan_id is None for c in changes)


def test_prune_deletes_only_own_plans_not_in_the_file() -> None:
    w = want()
    gone = as_looker(w[0], "77", name=MARKER + "Old schedule")
    current = [as_looker(w[0], "101"), as_looker(w[1], "102"), gone]
    assert plan(w, current) == []  # without prune, kept
    (ch,) = plan(w, current, prune=True)
    assert (ch.action, ch.name, ch.payload.plan_id) == (DELETE, "Old schedule", "77")
    assert "no longer in the schedules file" in ch.line()


def test_duplicates_of_a_schedule_are_reduced_to_the_oldest() -> None:
    w = want()
    current = [as_looker(w[0], "130"), as_looker(w[0], "101"), as_looker(w[1], "102")]
    (ch,) = plan(w, current)
    assert (ch.action, ch.payload.plan_id) == (DELETE, "130")
    assert "duplicate of plan 101" in ch.note


def test_run_once_plans_are_not_managed() -> None:
    w = want()
    once = as_looker(w[0], "140", run_once=True)
    assert [c.action for c in plan(w[:1], [once], prune=True)] == [CREATE]


def test_sdk_models_are_accepted_as_current() -> None:
    w = want()
    raw = as_looker(w[0], "101")
    dests = [m.ScheduledPlanDestination(**d) for d in raw.pop("scheduled_plan_destination")]
    model = m.ScheduledPlan(**{k: v for k, v in raw.items() if k != "can"}, scheduled_plan_destination=dests)
    assert current_fields(model) == current_fields(as_looker(w[0], "101"))
    assert plan(w[:1], [model]) == []


def test_write_body_matches_the_spec_fields() -> None:
    w = want()
    body = write_body(w[0])
    assert body.name == MARKER + "Weekly logins"
    assert body.dashboard_id == "11"
    assert body.crontab == "0 7 * * 1" and body.timezone == "Europe/Paris"
    assert body.filters_string == "?date=7+days&account_id=123456789012"
    assert body.require_results is True and body.run_as_recipient is False
    assert body.pdf_paper_size == "a4" and body.pdf_landscape is True and body.long_tables is True
    assert body.user_id is None  # owner: Looker makes the API user the owner
    dests = body.scheduled_plan_destination or []
    assert [(d.type, d.address, d.format, d.message) for d in dests] == [
        ("email", "soc@example.com", "wysiwyg_pdf", "Weekly report"),
        ("email", "ciso@example.com", "wysiwyg_pdf", "Weekly report"),
    ]
    slack = (write_body(w[1]).scheduled_plan_destination or [])[0]
    assert slack.type == "looker-integration://1::slack_app" and slack.address is None
    assert json.loads(slack.parameters or "") == {"channel": "C1"}
    assert json.loads(slack.secret_parameters or "") == {"token": "xoxb-secret"}
    assert slack.format == "csv_zip" and slack.apply_formatting is False and slack.apply_vis is False


def test_filter_names_of_the_dashboard_on_looker_are_used() -> None:
    (s, _) = schedules()
    d = desired(s, Target(s.dashboard, "11", {"date": "Date Range", "account_id": "account_id"}))
    assert write_body(d).filters_string == "?Date+Range=7+days&account_id=123456789012"
