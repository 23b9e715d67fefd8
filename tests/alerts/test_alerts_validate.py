"""alerts validation: every problem Looker would refuse, found offline with file:line and key."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.alert_model import parse_condition
from looker_ops.config.cron import cron_times, min_interval_minutes
from looker_ops.config.schedules import load_schedules
from looker_ops.errors import EXIT_BAD_INPUT, BadInput
from tests.alerts.helpers import DASHBOARDS, ROOT, ROOT_ALERT, parse
from tests.checkout import BLOCK, copy_checkout


def problems(text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(BadInput) as exc:
        parse(text, env)
    return exc.value.message


def alert(body: str) -> str:
    """ROOT_ALERT's file with the alert's own keys replaced by ``body`` (indented mapping lines)."""
    head = ROOT_ALERT.split("  - name:")[0]
    return head + "  - name: A\n" + body


GOOD = """\
    dashboard: cloudtrail_cis_aws_foundations
    tile: 4.3 Root account usage
    condition: "> 0"
    cron: "15 * * * *"
"""


def test_the_shipped_file_is_valid_and_reads_the_shared_defaults() -> None:
    from looker_ops.config.alerts import load_alerts

    spec = load_alerts(ROOT / "deploy" / "schedules.yaml", DASHBOARDS, ROOT / "lookml_project")
    names = [a.name for a in spec.alerts]
    assert names[:4] == [
        "Root account used",
        "Console sign-in without MFA",
        "CloudTrail configuration changed",
        "KMS key disabled or scheduled for deletion",
    ]
    assert "Security group opened to the world" in names
    root = spec.get("Root account used")
    assert root.field == "cloudtrail_logs.events"  # the tile's only measure
    assert root.condition.comparison == "GREATER_THAN" and root.condition.threshold == 0
    assert root.timezone == "Europe/London"  # from defaults
    assert [d.address for d in root.destinations] == ["security-team@example.com"]
    assert [(f.title, f.field, f.value) for f in root.filters] == [
        ("Date", "cloudtrail_logs.event_date", "1 hour ago")
    ]
    # and the schedules reader still reads the same file (it knows the alerts: key)
    assert len(load_schedules(ROOT / "deploy" / "schedules.yaml", DASHBOARDS).schedules) == 3


def test_a_good_alert() -> None:
    (a,) = parse(alert(GOOD)).alerts
    assert a.title == "[looker-ops] A" and a.element == "cis_4_3" and a.line == 6


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            GOOD.replace("cloudtrail_cis_aws_foundations", "cloudtrail_cis"),
            ":7: alert 'A': dashboard: no dashboard with preferred_slug 'cloudtrail_cis' (did you mean 'cloudtrail_cis_aws_foundations'?)",
        ),
        (
            GOOD.replace("4.3 Root account usage", "Root usage"),
            ":8: alert 'A': tile: no tile titled 'Root usage'",
        ),
        (
            GOOD + "    field: cloudtrail_logs.errors\n",
            ":11: alert 'A': field: 'cloudtrail_logs.errors' is not in the tile's query (its fields: cloudtrail_logs.events)",
        ),
        (
            GOOD.replace('"> 0"', '"> zero"'),
            ":9: alert 'A': condition: '> zero': threshold 'zero' is not a number",
        ),
        (
            GOOD.replace('"> 0"', '"increases by 10"'),
            ":9: alert 'A': condition: 'increases by 10': Looker offers changes/increases/decreases by only on time series",
        ),
        (
            GOOD.replace('"> 0"', '"increases by 50%"'),
            ":9: alert 'A': condition: 'increases by 50%': Looker's alerts take an absolute threshold",
        ),
        (
            GOOD.replace('"15 * * * *"', '"*/5 * * * *"'),
            ":10: alert 'A': cron: '*/5 * * * *' runs 5 minute(s) apart; Looker requires alerts at least 15 minutes apart",
        ),
        (
            GOOD.replace('"15 * * * *"', '"0,10 * * * *"'),
            ":10: alert 'A': cron: '0,10 * * * *' runs 10 minute(s) apart",
        ),
        (
            GOOD.replace('"15 * * * *"', '"61 * * * *"'),
            ":10: alert 'A': cron: minute field: 61 is out of range 0-59",
        ),
        (
            GOOD + "    filters:\n      Region: eu-west-1\n",
            ":12: alert 'A': filters.Region: not a filter of dashboard 'cloudtrail_cis_aws_foundations' (its filters: date (Date), account (Account))",
        ),
        (
            GOOD + "    filters:\n      Date: last blue moon\n",
            ":12: alert 'A': filters.Date: 'last blue moon' is not a filter expression for cloudtrail_logs.event_date",
        ),
        (
            GOOD + "    recipients: [soc@example]\n",
            ":11: alert 'A': recipients[0]: 'soc@example' is not a valid e-mail address",
        ),
        (GOOD + "    condtion: '> 1'\n", ":11: alert 'A': condtion: unknown key (did you mean 'condition'?"),
    ],
)
def test_each_problem_names_file_line_alert_and_key(body: str, expected: str) -> None:
    msg = problems(alert(body))
    assert "schedules.yaml" + expected in msg, msg


def test_the_field_must_be_numeric_and_a_tile_must_have_a_query() -> None:
    text = alert(
        "    dashboard: cloudtrail_cis_aws_foundations\n    tile: Matching events\n    field: cloudtrail_logs.aws_region\n"
        '    condition: "> 0"\n    cron: "15 * * * *"\n'
    )
    assert (
        "field: 'cloudtrail_logs.aws_region' is a string dimension: Looker alerts watch a numeric measure"
        in problems(text)
    )
    text = alert(GOOD.replace("4.3 Root account usage", "how_to_read"))
    assert "tile: 'how_to_read' is a text tile: it has no query to watch" in problems(text)


def test_the_field_defaults_to_the_only_measure_else_it_is_asked_for() -> None:
    (a,) = parse(alert(GOOD.replace("4.3 Root account usage", "Matches by control over time"))).alerts
    assert a.field == "cloudtrail_logs.events" and a.time_series is True
    many = GOOD.replace("cloudtrail_cis_aws_foundations", "cloudtrail_operational_activity").replace(
        "4.3 Root account usage", "Top API callers"
    )
    assert (
        "schedules.yaml:6: alert 'A': field: missing: tile 'Top API callers' has 2 measures "
        "(cloudtrail_logs.events, cloudtrail_logs.errors); say which to watch"
    ) in problems(alert(many))
    (b,) = parse(alert(many + "    field: cloudtrail_logs.errors\n")).alerts
    assert b.field == "cloudtrail_logs.errors" and b.time_series is False


def test_time_series_tiles_take_changes_and_increases() -> None:
    text = alert(
        GOOD.replace("4.3 Root account usage", "Matches by control over time").replace(
            '"> 0"', '"increases by 10"'
        )
    )
    (a,) = parse(text).alerts
    assert a.condition.comparison == "INCREASES_BY" and a.condition.threshold == 10


def test_every_problem_is_reported_at_once_and_the_defaults_are_named() -> None:
    text = ROOT_ALERT.replace("recipients: [soc@example.com]", "recipients: [soc@]") + alert(GOOD).split(
        "alerts:\n"
    )[1].replace('"15 * * * *"', '"* * * * *"')
    msg = problems(text)
    assert "2 problem(s)" in msg or "problem(s) in the alerts" in msg
    assert (
        "schedules.yaml:3: alert 'Root account used': defaults.recipients[0]: 'soc@' is not a valid e-mail address"
        in msg
    )
    assert "alert 'A': cron: '* * * * *' runs 1 minute(s) apart" in msg


def test_destinations_one_type_secrets_from_env_only() -> None:
    body = GOOD + (
        "    destinations:\n      - integration: 1::slack_app\n        parameters: {channel: C01}\n"
        "        secret_parameters: {token: xoxb-literal}\n"
    )
    msg = problems(alert(body))
    assert "destinations[0].secret_parameters.token: secrets must come from the environment" in msg
    mixed = body.replace("xoxb-literal", "'${TOK}'")
    msg = problems(alert(mixed), {"TOK": "s3cret"})  # the default e-mail + slack
    assert (
        "schedules.yaml:6: alert 'A': destinations: Looker sends an alert to destinations of one type" in msg
    )
    body = GOOD + (
        "    recipients: []\n    destinations:\n      - integration: 1::slack_app\n        parameters: {channel: C01}\n"
        "        secret_parameters: {token: '${TOK}'}\n"
    )
    (a,) = parse(alert(body), {"TOK": "s3cret"}).alerts
    (d,) = a.destinations
    assert d.integration_id == "1::slack_app" and d.secret_parameters[0][1].reveal() == "s3cret"
    assert "s3cret" not in repr(a)
    body = GOOD + "    destinations:\n      - webhook: https://example.com/x\n"
    assert "unknown key" in problems(alert(body))
    # integration parameters are read as schedules read them (one reader): names checked,
    # a name given both plain and secret refused
    bad = GOOD + (
        "    recipients: []\n    destinations:\n      - integration: 1::slack_app\n"
        "        parameters: {'bad name!': C01, token: x}\n        secret_parameters: {token: '${TOK}'}\n"
    )
    msg = problems(alert(bad), {"TOK": "s3cret"})
    assert "destinations[0].parameters.bad name!: not a valid parameter name" in msg
    assert "destinations[0].secret_parameters.token: also given in parameters" in msg


def test_names_are_unique_and_the_marker_is_not_written() -> None:
    text = alert(GOOD) + "  - name: A\n" + GOOD
    assert "name: given twice (also at line 6)" in problems(text)
    text = alert(GOOD).replace("- name: A", "- name: '[looker-ops] A'")
    assert "do not write the '[looker-ops]' marker" in problems(text)


def test_a_file_without_alerts_has_none() -> None:
    assert parse("schedules: []\n").alerts == []


@pytest.mark.parametrize(
    ("cron", "gap"),
    [
        ("15 * * * *", 60),
        ("*/15 * * * *", 15),
        ("*/10 * * * *", 10),
        ("0 7 * * MON", 24 * 60),
        ("50 23 * * *", 24 * 60),
        ("55 23 * * * ", 24 * 60),
        ("0,55 0,23 * * *", 5),  # 23:55 then 00:00 the next day
        ("0,5 7 * * *", 5),
        ("0 */2 * * 1-5", 120),
    ],
)
def test_min_interval(cron: str, gap: int) -> None:
    assert min_interval_minutes(cron) == gap


def test_cron_times_reads_the_zone_and_vixie_day_rules() -> None:
    start = dt.datetime(2026, 11, 16, tzinfo=dt.UTC)  # a Monday
    end = start + dt.timedelta(days=7)
    london = list(cron_times("15 8 * * 1-5", start, end, "Europe/London"))
    assert [t.isoformat() for t in london[:2]] == ["2026-11-16T08:15:00+00:00", "2026-11-17T08:15:00+00:00"]
    assert len(london) == 5
    paris = list(cron_times("15 8 * * *", start, start + dt.timedelta(days=1), "Europe/Paris"))
    assert [t.hour for t in paris] == [7]
    both = list(cron_times("0 0 1 * MON", start, start + dt.timedelta(days=30), "UTC"))  # the 1st OR Mondays
    assert {t.day for t in both} == {16, 23, 30, 1, 7, 14}


def test_conditions() -> None:
    assert parse_condition(">= 5").comparison == "GREATER_THAN_OR_EQUAL_TO"
    assert parse_condition("= 0").comparison == "EQUAL_TO"
    assert parse_condition("changes by 2").holds(3, 5) is True
    assert parse_condition("decreases by 2").holds(4, 5) is False
    with pytest.raises(ValueError, match="is missing"):
        parse_condition(">")


def test_bare_validate_at_the_repository_root_reads_deploy_schedules_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a copy of the repository's root (no looker-ops.yaml there), the conventional file is
    used; from a folder without one, the error says what was looked for."""
    root = copy_checkout(tmp_path / "repo", (*BLOCK, "docs"))
    monkeypatch.chdir(root)
    res = CliRunner().invoke(main, ["alerts", "validate", "--no-secrets"])
    assert res.exit_code == 0, res.output
    assert "deploy/schedules.yaml: 6 alert(s) valid" in res.stdout
    assert "schedules file: deploy/schedules.yaml (found by default" in res.stderr
    monkeypatch.chdir(root / "docs")
    res = CliRunner().invoke(main, ["alerts", "validate"])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "neither ./schedules.yaml nor ./deploy/schedules.yaml exists here; pass --file PATH" in res.stderr


def test_the_config_is_read_by_the_config_reader(tmp_path: Path) -> None:
    """looker-ops.yaml is read by the one config reader, as for `schedules`: its paths are
    relative to the file, and a wrong value is named by file, line and key (exit 2)."""
    cfg = tmp_path / "looker-ops.yaml"
    cfg.write_text(
        f"schedules: {ROOT / 'deploy' / 'schedules.yaml'}\n"
        f"dashboards:\n  dir: {ROOT / 'dashboards'}\n"
        f"project:\n  lookml_dir: {ROOT / 'lookml_project'}\n  git_remote_url: ${{NOT_SET_HERE}}\n"
    )
    res = CliRunner().invoke(main, ["alerts", "--config", str(cfg), "validate", "--no-secrets"])
    assert res.exit_code == 0, res.output
    assert "6 alert(s) valid" in res.stdout
    cfg.write_text("dashboards:\n  dir: [a, b]\n")
    res = CliRunner().invoke(main, ["alerts", "--config", str(cfg), "validate", "--no-secrets"])
    assert res.exit_code == EXIT_BAD_INPUT
    assert f"{cfg}:2: dashboards.dir:" in res.stderr, res.stderr


def test_a_dashboard_in_a_file_that_cannot_be_read_is_named(tmp_path: Path) -> None:
    from looker_ops.config.alerts import load_alerts

    folder = tmp_path / "dashboards"
    shutil.copytree(DASHBOARDS, folder)
    broken = folder / "cis_aws_foundations.dashboard.lookml"
    assert broken.is_file()
    broken.write_text("- dashboard: x\n\tbroken: [\n")
    p = tmp_path / "schedules.yaml"
    p.write_text(alert(GOOD))
    with pytest.raises(BadInput) as exc:
        load_alerts(p, folder, ROOT / "lookml_project")
    msg = exc.value.message
    assert "no dashboard with preferred_slug 'cloudtrail_cis_aws_foundations'" in msg
    assert "dashboard file could not be read: " in msg and "cis_aws_foundations.dashboard.lookml:2: " in msg
