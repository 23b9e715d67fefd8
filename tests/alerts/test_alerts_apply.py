# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""alerts apply / test / list against the stateful fake Looker (real looker-sdk, real client)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from looker_sdk.sdk.api40 import models as m

from looker_ops.alerts.apply import apply_alerts
from looker_ops.alerts.list import list_alerts
from looker_ops.alerts.run import run_alert_now
from looker_ops.cli import main
from looker_ops.errors import EXIT_BAD_INPUT, BadInput
from looker_ops.looker.changes import CREATE, DELETE, UPDATE
from looker_ops.looker.client import LookerClient
from tests.alerts.helpers import CIS, DASHBOARDS, PROJECT, ROOT_ALERT, SG, import_block, parse, write
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_client, looker_env, looker_sleeps  # noqa: F401
from tests.fake_looker.integrations import add_integration

TWO = (
    ROOT_ALERT
    + """\
  - name: World-open security group
    dashboard: cloudtrail_security_group_changes
    tile: Ingress opened to the world
    condition: ">= 1"
    cron: "15 8-19 * * *"
    public: true
    filters:
      Date: 1 hour ago
      Account: "111122223333"
    recipients: [soc@example.com, oncall@example.com]
    description: An ingress rule for the world
"""
)


def stored(fake: FakeLooker) -> list[dict[str, Any]]:
    return list(fake.table("alerts").values())


def element_id(fake: FakeLooker, slug: str, title: str) -> str:
    for d in fake.table("dashboards").values():
        if d.get("slug") == slug:
            for e in d["_elements"]:
                if e.get("title") == title:
                    return str(e["id"])
    raise AssertionError(f"no element {title!r} on {slug}")


@pytest.fixture
def block(looker_client: LookerClient) -> dict[str, str]:
    return import_block(looker_client)


def test_create_then_a_second_apply_makes_no_write(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    spec = parse(TWO)
    report = apply_alerts(looker_client, spec)
    assert [(c.action, c.name) for c in report.changes] == [
        (CREATE, "Root account used"),
        (CREATE, "World-open security group"),
    ]
    by_title = {a["custom_title"]: a for a in stored(fake_looker)}
    root = by_title["[looker-ops] Root account used"]
    # what Looker was sent, field by field
    assert root["dashboard_element_id"] == element_id(fake_looker, CIS, "4.3 Root account usage")
    assert root["field"] == {"title": "Events", "name": "cloudtrail_logs.events"}
    assert root["comparison_type"] == "GREATER_THAN" and root["threshold"] == 0
    assert root["cron"] == "15 * * * *"
    assert root["applied_dashboard_filters"] == [
        {"filter_title": "Date", "field_name": "cloudtrail_logs.event_date", "filter_value": "1 hour ago"}
    ]
    assert root["destinations"] == [{"destination_type": "EMAIL", "email_address": "soc@example.com"}]
    assert root["owner_id"] == "1" and root["is_public"] is False and root["is_disabled"] is False
    world = by_title["[looker-ops] World-open security group"]
    assert world["is_public"] is True and world["comparison_type"] == "GREATER_THAN_OR_EQUAL_TO"
    assert {f["filter_title"]: f["filter_value"] for f in world["applied_dashboard_filters"]} == {
        "Date": "1 hour ago",
        "Account": "111122223333",
    }
    assert world["description"] == "An ingress rule for the world"
    assert world["dashboard_element_id"] == element_id(fake_looker, SG, "Ingress opened to the world")

    fake_looker.reset_calls()
    again = apply_alerts(looker_client, spec)
    assert again.changes == [] and again.writes == 0
    assert fake_looker.writes() == []
    assert sorted(again.unchanged) == ["Root account used", "World-open security group"]


def test_update_in_place_and_prune_only_what_looker_ops_made(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    apply_alerts(looker_client, parse(TWO))
    ids = {a["custom_title"]: a["id"] for a in stored(fake_looker)}
    # someone's own alert on the same tile: never touched
    eid = element_id(fake_looker, CIS, "4.3 Root account usage")
    theirs = looker_client.sdk.create_alert(
        m.WriteAlert(
            comparison_type=m.ComparisonType.GREATER_THAN,
            cron="0 9 * * *",
            destinations=[
                m.AlertDestination(destination_type=m.DestinationType.EMAIL, email_address="me@example.com")
            ],
            field=m.AlertField(title="Events", name="cloudtrail_logs.events"),
            owner_id="1",
            threshold=3.0,
            dashboard_element_id=eid,
            custom_title="my own root alert",
        )
    )
    changed = TWO.replace('condition: "> 0"', 'condition: ">= 2"').split("  - name: World-open")[0]
    report = apply_alerts(looker_client, parse(changed))
    assert [(c.action, c.name) for c in report.changes] == [(UPDATE, "Root account used")]
    assert report.changes[0].line() == (
        f"~ alert Root account used (update): comparison_type: 'GREATER_THAN' -> 'GREATER_THAN_OR_EQUAL_TO'; "
        f"threshold: 0.0 -> 2.0; alert {ids['[looker-ops] Root account used']}"
    )
    assert fake_looker.table("alerts")[ids["[looker-ops] Root account used"]]["threshold"] == 2.0  # same id
    assert report.ignored == 1
    # without --prune the removed alert stays; with it, it goes, and the user's alert stays
    assert ids["[looker-ops] World-open security group"] in fake_looker.table("alerts")
    pruned = apply_alerts(looker_client, parse(changed), prune=True)
    assert [(c.action, c.name) for c in pruned.changes] == [(DELETE, "World-open security group")]
    assert set(fake_looker.table("alerts")) == {ids["[looker-ops] Root account used"], str(theirs.id)}


def test_dry_run_writes_nothing(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    fake_looker.reset_calls()
    report = apply_alerts(looker_client, parse(TWO), dry_run=True)
    assert [c.action for c in report.changes] == [CREATE, CREATE] and fake_looker.writes() == []
    assert report.lines()[-1].startswith(
        "alerts: 2 change(s), 0 unchanged, 0 alert(s) not managed by looker-ops"
    )


@pytest.mark.parametrize("mode", ["delete", "keep"])
def test_reimported_dashboards_get_new_element_ids_and_alerts_follow(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str], mode: str
) -> None:
    """A re-import gives every element a new id. Whether Looker dropped the alerts ("delete") or
    left them on elements that no longer exist ("keep"), the next apply puts each alert on its
    tile's new element, once, and none is left on a deleted element."""
    fake_looker.options["alerts_on_reimport"] = mode
    spec = parse(TWO)
    apply_alerts(looker_client, spec)
    old = element_id(fake_looker, CIS, "4.3 Root account usage")
    before = {a["custom_title"]: a["id"] for a in stored(fake_looker)}
    import_block(looker_client)  # the deploy's dashboards step
    new = element_id(fake_looker, CIS, "4.3 Root account usage")
    assert new != old
    report = apply_alerts(looker_client, spec)
    actions = sorted((c.action, c.name) for c in report.changes)
    if mode == "delete":
        assert actions == [(CREATE, "Root account used"), (CREATE, "World-open security group")]
    else:
        assert actions == [(UPDATE, "Root account used"), (UPDATE, "World-open security group")]
        assert "no longer exists (dashboard re-imported): re-pointed" in report.changes[0].note
        assert {a["custom_title"]: a["id"] for a in stored(fake_looker)} == before  # in place
    alerts = stored(fake_looker)
    assert len(alerts) == 2
    live = {str(e["id"]) for d in fake_looker.table("dashboards").values() for e in d["_elements"]}
    assert all(a["dashboard_element_id"] in live for a in alerts)
    assert {a["dashboard_element_id"] for a in alerts} == {
        new,
        element_id(fake_looker, SG, "Ingress opened to the world"),
    }


def test_an_alert_left_on_a_deleted_element_is_removed_even_without_prune(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    fake_looker.options["alerts_on_reimport"] = "keep"
    apply_alerts(looker_client, parse(TWO))
    import_block(looker_client)
    only_root = TWO.split("  - name: World-open")[0]
    report = apply_alerts(looker_client, parse(only_root))
    gone = [c for c in report.changes if c.action == DELETE]
    assert [c.name for c in gone] == ["World-open security group"]
    assert "no longer exists" in gone[0].note
    assert [a["custom_title"] for a in stored(fake_looker)] == ["[looker-ops] Root account used"]


def test_a_tile_whose_query_on_looker_differs_is_refused_before_any_write(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    for d in fake_looker.table("dashboards").values():
        for e in d["_elements"]:
            if e.get("title") == "4.3 Root account usage":
                e["query"]["fields"] = ["cloudtrail_logs.errors"]
    fake_looker.reset_calls()
    with pytest.raises(
        BadInput, match=r"tile '4\.3 Root account usage' on Looker does not query cloudtrail_logs\.events"
    ):
        apply_alerts(looker_client, parse(TWO))
    assert fake_looker.writes() == []
    report = apply_alerts(looker_client, parse(TWO), dry_run=True)  # a dry run says so and goes on
    assert any("does not query" in w for w in report.warnings)


def test_missing_dashboard_is_bad_input(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    with pytest.raises(BadInput, match="dashboard 'cloudtrail_cis_aws_foundations' is not on Looker"):
        apply_alerts(looker_client, parse(TWO))
    assert fake_looker.writes() == []


@pytest.mark.parametrize("fault", [429, 503, "timeout"])
def test_faults_at_each_write_converge_without_duplicates(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str], fault: Any
) -> None:
    spec = parse(TWO)
    fake_looker.fail("create_alert", fault)
    fake_looker.fail("create_alert", fault, nth=2)
    apply_alerts(looker_client, spec)
    assert sorted(a["custom_title"] for a in stored(fake_looker)) == [
        "[looker-ops] Root account used",
        "[looker-ops] World-open security group",
    ]
    changed = parse(TWO.replace('">= 1"', '">= 3"'))
    fake_looker.fail("update_alert", fault)
    apply_alerts(looker_client, changed)
    assert sorted(a["threshold"] for a in stored(fake_looker)) == [0, 3]
    fake_looker.fail("delete_alert", fault)
    apply_alerts(looker_client, parse(ROOT_ALERT), prune=True)
    assert [a["custom_title"] for a in stored(fake_looker)] == ["[looker-ops] Root account used"]
    fake_looker.reset_calls()
    assert apply_alerts(looker_client, parse(ROOT_ALERT)).changes == [] and fake_looker.writes() == []


def test_duplicates_from_a_lost_answer_are_reduced_to_the_oldest(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    spec = parse(ROOT_ALERT)
    apply_alerts(looker_client, spec)
    (first,) = stored(fake_looker)
    copy = {k: v for k, v in first.items() if k != "id"}
    fake_looker.table("alerts")["99999"] = {**copy, "id": "99999"}
    report = apply_alerts(looker_client, spec)
    assert [(c.action, c.note) for c in report.changes] == [
        (DELETE, f"alert 99999: duplicate of alert {first['id']}")
    ]
    assert list(fake_looker.table("alerts")) == [first["id"]]


def test_the_fake_refuses_a_cron_under_15_minutes_like_looker(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    from looker_ops.looker.errors import LookerApiError

    eid = element_id(fake_looker, CIS, "4.3 Root account usage")
    body = m.WriteAlert(
        comparison_type=m.ComparisonType.GREATER_THAN,
        cron="*/5 * * * *",
        destinations=[
            m.AlertDestination(destination_type=m.DestinationType.EMAIL, email_address="me@example.com")
        ],
        field=m.AlertField(title="Events", name="cloudtrail_logs.events"),
        owner_id="1",
        threshold=0.0,
        dashboard_element_id=eid,
    )
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_alert(body)
    assert exc.value.status == 422 and "at least 15 minutes" in str(exc.value)
    body.cron = "*/15 * * * *"
    body.field = m.AlertField(title="Errors", name="cloudtrail_logs.errors")  # not in the element's query
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_alert(body)
    assert exc.value.status == 422 and "not a field of the element's query" in str(exc.value)
    assert stored(fake_looker) == []


def test_action_hub_destinations_send_secrets_but_never_show_them(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    add_integration(fake_looker, "1::slack_app", "Slack")
    text = ROOT_ALERT.replace("  recipients: [soc@example.com]\n", "") + (
        "    destinations:\n      - integration: 1::slack_app\n        parameters: {channel: C0123}\n"
        "        secret_parameters: {token: '${SLACK_TOKEN}'}\n"
    )
    spec = parse(text, {"SLACK_TOKEN": "xoxb-secret-1"})
    report = apply_alerts(looker_client, spec)
    (a,) = stored(fake_looker)
    (d,) = a["destinations"]
    assert d["destination_type"] == "ACTION_HUB" and d["action_hub_integration_id"] == "1::slack_app"
    assert json.loads(d["action_hub_form_params_json"]) == {"channel": "C0123", "token": "xoxb-secret-1"}
    assert "xoxb-secret-1" not in json.dumps(report.as_dict()) and "xoxb-secret-1" not in "\n".join(
        report.lines()
    )
    # the secret key is not compared (it cannot be read back in general): no change next time
    assert apply_alerts(looker_client, spec).changes == []


def test_test_enqueues_the_applied_alert_and_list_shows_it(
    fake_looker: FakeLooker, looker_client: LookerClient, block: dict[str, str]
) -> None:
    spec = parse(TWO)
    with pytest.raises(BadInput, match="is not on Looker: run `looker-ops alerts apply` first"):
        run_alert_now(looker_client, spec, "Root account used")
    apply_alerts(looker_client, spec)
    aid = run_alert_now(looker_client, spec, "Root account used")
    (run,) = fake_looker.table("alert_runs").values()
    assert run["alert_id"] == aid and run["force"] is True
    rows = {r.title: r for r in list_alerts(looker_client, spec)}
    root = rows["[looker-ops] Root account used"]
    assert (root.managed, root.in_file, root.dashboard, root.condition) == (True, "yes", CIS, "> 0")


def test_cli_validate_apply_list_test(looker_env: FakeLooker, tmp_path: Path) -> None:
    runner = CliRunner()
    path = write(tmp_path, TWO)
    common = ["--file", str(path), "--dashboards", str(DASHBOARDS), "--project", str(PROJECT)]
    r = runner.invoke(main, ["alerts", "validate", *common])
    assert r.exit_code == 0, r.output
    assert (
        "ok Root account used: cloudtrail_cis_aws_foundations / 4.3 Root account usage: cloudtrail_logs.events > 0"
        in r.output
    )
    assert looker_env.calls == []  # validate makes no Looker call
    client_calls = len(looker_env.calls)
    r = runner.invoke(main, ["alerts", "apply", *common])
    assert r.exit_code == 2 and "is not on Looker" in r.output  # dashboards not imported yet
    from tests.fake_looker.fixtures import make_client

    import_block(make_client(looker_env))
    r = runner.invoke(main, ["alerts", "apply", "--dry-run", *common])
    assert (
        r.exit_code == 0
        and "+ alert Root account used (create)" in r.output
        and looker_env.table("alerts") == {}
    )
    r = runner.invoke(main, ["alerts", "apply", *common, "--json", str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    assert json.loads((tmp_path / "r.json").read_text())["writes"] == 2
    r = runner.invoke(main, ["alerts", "list", *common])
    assert r.exit_code == 0 and "in file: yes" in r.output and "2 alert(s)" in r.output
    r = runner.invoke(main, ["alerts", "test", "Root account used", *common])
    assert r.exit_code == 0 and r.output.startswith("enqueued: Root account used")
    r = runner.invoke(main, ["alerts", "test", "Nope", *common])
    assert r.exit_code == EXIT_BAD_INPUT and "no alert named 'Nope'" in r.output
    assert client_calls == 0


def test_cli_validate_reports_problems_with_exit_2(tmp_path: Path) -> None:
    path = write(tmp_path, ROOT_ALERT.replace('"15 * * * *"', '"*/5 * * * *"'))
    r = CliRunner().invoke(
        main,
        [
            "alerts",
            "validate",
            "--file",
            str(path),
            "--dashboards",
            str(DASHBOARDS),
            "--project",
            str(PROJECT),
        ],
    )
    assert r.exit_code == EXIT_BAD_INPUT
    assert f"{path}:10: alert 'Root account used': cron: '*/5 * * * *' runs 5 minute(s) apart" in r.output


@pytest.mark.parametrize(
    ("setup", "fragment"),
    [
        (None, "Looker offers no integration '1::slack_app' (enabled integrations: none)"),
        ({"enabled": False}, "integration '1::slack_app' is not enabled (Admin > Actions)"),
    ],
)
def test_an_integration_looker_does_not_offer_stops_before_any_write(
    fake_looker: FakeLooker,
    looker_client: LookerClient,
    block: dict[str, str],
    setup: dict[str, Any] | None,
    fragment: str,
) -> None:
    """The schedules' check of an action-hub integration, for alerts: offered and enabled."""
    if setup is not None:
        add_integration(fake_looker, "1::slack_app", "Slack", **setup)
    text = ROOT_ALERT.replace("  recipients: [soc@example.com]\n", "") + (
        "    destinations:\n      - integration: 1::slack_app\n        parameters: {channel: C0123}\n"
    )
    fake_looker.reset_calls()
    with pytest.raises(BadInput) as exc:
        apply_alerts(looker_client, parse(text, {}))
    assert fragment in exc.value.message
    assert "destinations[0].integration" in exc.value.message
    assert fake_looker.writes() == []
