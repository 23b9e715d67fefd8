"""schedules.yaml -> typed specs: every offline check names the file:line, the schedule and the key."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.schedules import (
    MARKER,
    CronError,
    canonical_cron,
    dashboard_index,
    load_schedules,
    parse_filters_string,
    parse_schedules,
    validate_cron,
)
from looker_ops.errors import EXIT_BAD_INPUT, BadInput
from tests.checkout import copy_checkout

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parents[1] / "schedules"
DASHBOARDS = FIXTURES / "dashboards"
ENV = {"SLACK_TOKEN": "xoxb-very-secret", "HOOK_URL": "https://hooks.example.com/T000/B000/XXXX"}

BASE = """\
schedules:
  - name: Weekly logins
    dashboard: test_console_logins
    cron: "0 7 * * 1"
    timezone: Europe/Paris
    filters:
      Date: 7 days
    recipients: [soc@example.com]
"""


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    p = tmp_path / "schedules.yaml"
    p.write_text(text)
    return load_schedules(p, DASHBOARDS, env=ENV if env is None else env)


def error_of(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(BadInput) as exc:
        load(tmp_path, text, env)
    assert exc.value.exit_code == EXIT_BAD_INPUT
    return exc.value.message


def replace(old: str, new: str) -> str:
    assert old in BASE
    return BASE.replace(old, new)


# --------------------------------------------------------------------------- the good path


def test_base_file_is_typed(tmp_path: Path) -> None:
    spec = load(tmp_path, BASE)
    (s,) = spec.schedules
    assert s.name == "Weekly logins"
    assert s.plan_name == MARKER + "Weekly logins"
    assert s.dashboard == "test_console_logins"
    assert s.cron == "0 7 * * 1"
    assert s.timezone == "Europe/Paris"
    # the filter is keyed by the dashboard filter's name, though the file used its title
    assert s.filters == (("date", "7 days"),)
    assert s.filters_string() == "?date=7+days"
    assert s.format == "wysiwyg_pdf"
    assert [d.address for d in s.destinations] == ["soc@example.com"]
    assert s.destinations[0].looker_type == "email"
    assert s.line == 2


def test_every_option_is_read(tmp_path: Path) -> None:
    text = """\
defaults:
  timezone: America/New_York
  message: From the SOC
schedules:
  - name: Full
    dashboard: test_console_logins
    cron: "*/15 8-18 * JAN-MAR mon-fri"
    filters:
      date: 30 days
      Account ID: [111111111111, 222222222222]
    format: wysiwyg_png
    pdf: {expand_tables: true}
    require_results: yes
    run_as: "42"
    enabled: false
    include_links: false
    recipients: soc@example.com
    destinations:
      - webhook: ${HOOK_URL}
        format: csv_zip
      - integration: "1::slack_app"
        parameters:
          channel: C0123456789
        secret_parameters:
          token: ${SLACK_TOKEN}
"""
    (s,) = load(tmp_path, text).schedules
    assert s.timezone == "America/New_York"
    assert s.message == "From the SOC"
    assert s.filters == (("date", "30 days"), ("account_id", "111111111111,222222222222"))
    assert parse_filters_string(s.filters_string()) == [
        ("account_id", "111111111111,222222222222"),
        ("date", "30 days"),
    ]
    assert s.format == "wysiwyg_png" and s.pdf.expand_tables and not s.pdf.landscape
    assert s.require_results and not s.enabled and not s.include_links
    assert s.run_as == "42" and s.user_id == "42"
    email, hook, slack = s.destinations
    assert email.address == "soc@example.com" and email.format == "wysiwyg_png"
    assert hook.looker_type == "webhook" and hook.format == "csv_zip"
    assert hook.address == ENV["HOOK_URL"]
    assert "XXXX" not in hook.label  # webhook URLs carry tokens: printed as their host only
    assert slack.looker_type == "looker-integration://1::slack_app"
    assert slack.parameters == (("channel", "C0123456789"),)
    ((key, secret),) = slack.secret_parameters
    assert key == "token" and secret.reveal() == "xoxb-very-secret"
    assert "xoxb" not in repr(s)  # the secret never shows in a repr
    spec = load(tmp_path, text)
    assert set(spec.secrets()) == {"xoxb-very-secret", ENV["HOOK_URL"]}


def test_defaults_are_overridden_by_the_schedule(tmp_path: Path) -> None:
    text = """\
defaults:
  recipients: [team@example.com]
  timezone: Europe/Berlin
schedules:
  - name: A
    dashboard: test_sg_changes
    cron: "0 6 * * *"
  - name: B
    dashboard: test_sg_changes
    cron: "0 6 * * *"
    timezone: UTC
    recipients: [other@example.com]
"""
    a, b = load(tmp_path, text).schedules
    assert [d.address for d in a.destinations] == ["team@example.com"] and a.timezone == "Europe/Berlin"
    assert [d.address for d in b.destinations] == ["other@example.com"] and b.timezone == "UTC"


def test_default_pdf_options_do_not_apply_to_a_csv_schedule(tmp_path: Path) -> None:
    text = "defaults:\n  pdf: {paper_size: a4, landscape: true}\n" + BASE + "    format: csv_zip\n"
    (s,) = load(tmp_path, text).schedules
    assert s.format == "csv_zip" and s.pdf.paper_size is None and not s.pdf.landscape


def test_pdf_options_merge_with_the_defaults(tmp_path: Path) -> None:
    text = (
        "defaults:\n  pdf: {paper_size: a4, landscape: true}\n"
        + BASE
        + "    pdf: {landscape: false, expand_tables: true}\n"
    )
    (s,) = load(tmp_path, text).schedules
    assert (s.pdf.paper_size, s.pdf.landscape, s.pdf.expand_tables) == ("a4", False, True)


def test_example_file_validates_against_the_real_dashboards() -> None:
    spec = load_schedules(ROOT / "deploy" / "schedules.yaml", ROOT / "dashboards", env={})
    by_slug = {s.dashboard for s in spec.schedules}
    real = dashboard_index(ROOT / "dashboards")
    assert by_slug <= set(real)
    titles = {real[s.dashboard].title for s in spec.schedules}
    # weekly console logins and CIS monitoring, daily security group changes
    assert any("Console Login" in t for t in titles)
    assert any("CIS" in t for t in titles)
    assert any("Security Group" in t for t in titles)
    crons = {real[s.dashboard].title: s.cron for s in spec.schedules}
    for title, cron in crons.items():
        fields = cron.split()
        if "Security Group" in title:
            assert fields[2:] == ["*", "*", "*"]  # daily
        else:
            assert fields[2:4] == ["*", "*"] and fields[4] != "*"  # weekly
    assert all(s.format == "wysiwyg_pdf" for s in spec.schedules)
    assert all(any(d.kind == "email" for d in s.destinations) for s in spec.schedules)


@pytest.mark.parametrize(
    "expr",
    ["0 7 * * 1", "*/5 * * * *", "0 0 1 1 *", "0,30 8-18/2 * * MON-FRI", "59 23 31 12 7", "0 7 * jan sun"],
)
def test_valid_cron_expressions(expr: str) -> None:
    validate_cron(expr)


def test_canonical_cron_compares_by_meaning() -> None:
    assert canonical_cron("0 7 * jan-Mar MON-fri") == "0 7 * 1-3 1-5"
    assert canonical_cron("0  7 * * SUN") == canonical_cron("0 7 * * 0")
    assert canonical_cron("*/5 * * * *") == "*/5 * * * *"


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("0 7 * *", "4 field(s); expected 5"),
        ("0 0 7 * * 1", "6 field(s)"),
        ("60 * * * *", "minute field: 60 is out of range 0-59"),
        ("0 24 * * *", "hour field: 24 is out of range 0-23"),
        ("0 0 0 * *", "day-of-month field: 0 is out of range 1-31"),
        ("0 0 * 13 *", "month field: 13 is out of range 1-12"),
        ("0 0 * * 8", "day-of-week field: 8 is out of range 0-7"),
        ("*/0 * * * *", "step '0'"),
        ("5/10 * * * *", "a step needs * or a range"),
        ("0 18-8 * * *", "runs backwards"),
        ("0 0 * * FUNDAY", "'FUNDAY' is not a number or a name SUN..SAT"),
        ("0 0 * * 1,,2", "empty item"),
        ("@daily", "macros"),
    ],
)
def test_invalid_cron_expressions(expr: str, fragment: str) -> None:
    with pytest.raises(CronError) as exc:
        validate_cron(expr)
    assert fragment in str(exc.value)


# --------------------------------------------------------------------------- one test per error

NAMED = re.compile(r"^.*schedules\.yaml:(\d+): schedule '([^']+)': ([\w.\[\] ]+?): ")


def assert_names(message: str, line: int, schedule: str, key: str) -> None:
    m = NAMED.match(message)
    assert m, message
    assert (int(m.group(1)), m.group(2), m.group(3)) == (line, schedule, key), message


def test_error_cron_syntax(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace('cron: "0 7 * * 1"', 'cron: "0 7 * *"'))
    assert_names(msg, 4, "Weekly logins", "cron")
    assert "expected 5" in msg


def test_error_cron_range(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace('cron: "0 7 * * 1"', 'cron: "0 25 * * 1"'))
    assert_names(msg, 4, "Weekly logins", "cron")
    assert "hour field: 25 is out of range" in msg


@pytest.mark.parametrize(
    ("expr", "fragment"),
    [
        ("0 7 31 2 *", "never fires: no day 31 in FEB"),
        ("0 7 30,31 FEB *", "never fires"),
        ("0 7 31 4,6,9,11 *", "no day 31 in APR, JUN, SEP, NOV"),
    ],
)
def test_cron_that_never_fires_is_refused(expr: str, fragment: str) -> None:
    with pytest.raises(CronError) as exc:
        validate_cron(expr)
    assert fragment in str(exc.value)


@pytest.mark.parametrize("expr", ["0 7 29 2 *", "0 7 31 2 MON", "0 7 31 1-2 *", "0 7 */10 2 *"])
def test_cron_that_fires_rarely_is_accepted(expr: str) -> None:
    validate_cron(expr)  # 29 February (leap years), Mondays in February, 31 January, 1/11/21 Feb


def test_error_cron_never_fires(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace('cron: "0 7 * * 1"', 'cron: "0 7 31 2 *"'))
    assert_names(msg, 4, "Weekly logins", "cron")
    assert "never fires" in msg


@pytest.mark.parametrize("value", ["banana", "7 dayz", "2026-13-01", "before"])
def test_error_date_filter_value_read_as_preview_reads_it(tmp_path: Path, value: str) -> None:
    """The dashboard's date filter is read with the one date-filter grammar preview uses."""
    from looker_ops.lookml.filters import parse_filter

    with pytest.raises(BadInput):
        parse_filter(value, "date")  # preview refuses it ...
    msg = error_of(tmp_path, replace("Date: 7 days", f"Date: {value}"))
    assert_names(msg, 7, "Weekly logins", "filters.Date")  # ... and so does schedules validate
    assert f"cannot read {value!r} as a date filter expression" in msg


@pytest.mark.parametrize(
    "value", ["7 days", "last 3 complete weeks", "2026-11-01 to 2026-11-08", "this month"]
)
def test_date_filter_values_preview_reads_are_accepted(tmp_path: Path, value: str) -> None:
    (s,) = load(tmp_path, replace("Date: 7 days", f"Date: {value}")).schedules
    assert s.filters == (("date", value),)


def test_field_filter_values_are_not_judged_without_the_lookml(tmp_path: Path) -> None:
    """A field filter's grammar is its field's type, which schedules do not read: precision first."""
    text = replace("Date: 7 days", "Date: 7 days\n      Account ID: banana")
    (s,) = load(tmp_path, text).schedules
    assert ("account_id", "banana") in s.filters


def test_error_timezone(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("Europe/Paris", "Europe/Pariss"))
    assert_names(msg, 5, "Weekly logins", "timezone")
    assert "not a known time zone" in msg and "did you mean 'Europe/Paris'" in msg


def test_error_email_syntax(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("[soc@example.com]", "[soc@example.com, soc-at-example.com]"))
    assert_names(msg, 8, "Weekly logins", "recipients[1]")
    assert "'soc-at-example.com' is not a valid e-mail address" in msg


def test_error_email_listed_twice(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("[soc@example.com]", "[soc@example.com, SOC@example.com]"))
    assert_names(msg, 8, "Weekly logins", "recipients[1]")
    assert "listed twice" in msg


def test_error_unknown_dashboard(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("test_console_logins", "test_console_login"))
    assert_names(msg, 3, "Weekly logins", "dashboard")
    assert "no dashboard with preferred_slug 'test_console_login'" in msg
    assert "did you mean 'test_console_logins'" in msg


def test_error_dashboard_named_by_its_lookml_name(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("dashboard: test_console_logins", "dashboard: console_logins"))
    assert_names(msg, 3, "Weekly logins", "dashboard")
    assert "use its preferred_slug 'test_console_logins'" in msg


def test_error_dashboard_without_slug_cannot_be_scheduled(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("dashboard: test_console_logins", "dashboard: no_slug"))
    assert_names(msg, 3, "Weekly logins", "dashboard")


def test_error_filter_not_on_the_dashboard(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("Date: 7 days", "Region: eu-west-1"))
    assert_names(msg, 7, "Weekly logins", "filters.Region")
    assert "not a filter of dashboard 'test_console_logins'" in msg
    assert "date (Date)" in msg and "account_id (Account ID)" in msg


def test_error_filter_of_another_dashboard(tmp_path: Path) -> None:
    text = replace("dashboard: test_console_logins", "dashboard: test_sg_changes").replace(
        "Date: 7 days", "Account ID: '1'"
    )
    msg = error_of(tmp_path, text)
    assert_names(msg, 7, "Weekly logins", "filters.Account ID")


def test_error_unknown_key_in_schedule(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("    timezone:", "    timezon: UTC\n    timezone:"))
    assert_names(msg, 5, "Weekly logins", "timezon")
    assert "unknown key (did you mean 'timezone'?" in msg


def test_error_unknown_key_in_pdf(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    pdf:\n      orientation: landscape\n")
    assert_names(msg, 10, "Weekly logins", "pdf.orientation")


def test_error_unknown_key_in_destination(tmp_path: Path) -> None:
    msg = error_of(
        tmp_path, BASE + "    destinations:\n      - email: a@example.com\n        cc: b@example.com\n"
    )
    assert_names(msg, 11, "Weekly logins", "destinations[0].cc")


def test_error_unknown_top_level_key(tmp_path: Path) -> None:
    msg = error_of(tmp_path, "version: 2\n" + BASE)
    assert msg.endswith("version: unknown key (known keys: defaults, schedules, alerts)")
    assert ":1:" in msg


def test_error_secret_env_var_missing(tmp_path: Path) -> None:
    text = BASE + (
        "    destinations:\n"
        "      - integration: 1::slack_app\n"
        "        parameters: {channel: C1}\n"
        "        secret_parameters:\n"
        "          token: ${SLACK_TOKEN}\n"
    )
    msg = error_of(tmp_path, text, env={})
    assert_names(msg, 13, "Weekly logins", "destinations[0].secret_parameters.token")
    assert "environment variable SLACK_TOKEN is not set" in msg


def test_cli_validate_no_secrets_for_pull_request_ci(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SLACK_TOKEN", raising=False)
    path = tmp_path / "schedules.yaml"
    path.write_text(
        BASE + "    destinations:\n      - integration: 1::slack_app\n        secret_parameters:\n"
        "          token: ${SLACK_TOKEN}\n"
    )
    args = ["schedules", "validate", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == EXIT_BAD_INPUT and "SLACK_TOKEN is not set" in res.output
    res = CliRunner().invoke(main, [*args, "--no-secrets"])
    assert res.exit_code == 0, res.output
    # literal secrets are refused all the same
    path.write_text(path.read_text().replace("${SLACK_TOKEN}", "xoxb-1"))
    assert CliRunner().invoke(main, [*args, "--no-secrets"]).exit_code == EXIT_BAD_INPUT


def test_error_literal_secret_refused(tmp_path: Path) -> None:
    text = BASE + (
        "    destinations:\n"
        "      - integration: 1::slack_app\n"
        "        secret_parameters:\n"
        "          token: xoxb-literal-token\n"
    )
    msg = error_of(tmp_path, text)
    assert_names(msg, 12, "Weekly logins", "destinations[0].secret_parameters.token")
    assert "must come from the environment" in msg
    assert "xoxb-literal-token" not in msg  # the would-be secret is not echoed


def test_error_env_var_missing_in_plain_value(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("[soc@example.com]", "[${SOC_EMAIL}]"), env={})
    assert "not valid YAML" in msg and "quote" in msg  # ${...} inside [ ] must be quoted: say so
    msg = error_of(tmp_path, replace("[soc@example.com]", '["${SOC_EMAIL}"]'), env={})
    assert_names(msg, 8, "Weekly logins", "recipients[0]")
    assert "SOC_EMAIL is not set" in msg


def test_error_format(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    format: pdf\n")
    assert_names(msg, 9, "Weekly logins", "format")
    assert "expected one of wysiwyg_pdf" in msg


def test_error_paper_size(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    pdf:\n      paper_size: a7\n")
    assert_names(msg, 10, "Weekly logins", "pdf.paper_size")


def test_error_pdf_option_with_csv(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    format: csv_zip\n    pdf:\n      landscape: true\n")
    assert_names(msg, 11, "Weekly logins", "pdf.landscape")
    assert "applies to PDF formats only" in msg


def test_error_boolean(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    require_results: sometimes\n")
    assert_names(msg, 9, "Weekly logins", "require_results")


def test_error_run_as(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    run_as: admin@example.com\n")
    assert_names(msg, 9, "Weekly logins", "run_as")
    assert "owner, recipient, or a Looker user id" in msg


def test_error_run_as_recipient_with_a_webhook(tmp_path: Path) -> None:
    text = BASE + "    run_as: recipient\n    destinations:\n      - webhook: https://hooks.example.com/x\n"
    msg = error_of(tmp_path, text)
    assert_names(msg, 9, "Weekly logins", "run_as")
    assert "e-mail recipients only" in msg


def test_error_webhook_not_https(tmp_path: Path) -> None:
    text = BASE + "    destinations:\n      - webhook: http://hooks.example.com/secret-token\n"
    msg = error_of(tmp_path, text)
    assert_names(msg, 10, "Weekly logins", "destinations[0].webhook")
    assert "secret-token" not in msg


def test_error_integration_id(tmp_path: Path) -> None:
    msg = error_of(tmp_path, BASE + "    destinations:\n      - integration: slack\n")
    assert_names(msg, 10, "Weekly logins", "destinations[0].integration")
    assert "such as 1::slack_app" in msg


def test_error_two_kinds_in_one_destination(tmp_path: Path) -> None:
    text = BASE + "    destinations:\n      - email: a@example.com\n        webhook: https://h.example.com/\n"
    msg = error_of(tmp_path, text)
    assert_names(msg, 10, "Weekly logins", "destinations[0]")
    assert "exactly one of email, webhook or integration" in msg


def test_error_parameters_on_email(tmp_path: Path) -> None:
    text = BASE + "    destinations:\n      - email: a@example.com\n        parameters: {x: 1}\n"
    msg = error_of(tmp_path, text)
    assert_names(msg, 11, "Weekly logins", "destinations[0].parameters")


def test_error_no_destination(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("    recipients: [soc@example.com]\n", ""))
    assert_names(msg, 2, "Weekly logins", "recipients")
    assert "no destination" in msg


@pytest.mark.parametrize("key", ["dashboard", "cron"])
def test_error_required_key_missing(tmp_path: Path, key: str) -> None:
    lines = [ln for ln in BASE.splitlines(keepends=True) if not ln.strip().startswith(f"{key}:")]
    msg = error_of(tmp_path, "".join(lines))
    assert_names(msg, 2, "Weekly logins", key)
    assert "missing" in msg


def test_error_name_missing(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("  - name: Weekly logins\n    dashboard", "  - dashboard"))
    assert "schedule 'schedules[0]': name: missing" in msg


def test_error_name_with_the_marker(tmp_path: Path) -> None:
    msg = error_of(tmp_path, replace("name: Weekly logins", "name: '[looker-ops] Weekly logins'"))
    assert "name: do not write the '[looker-ops]' marker" in msg


def test_error_duplicate_names(tmp_path: Path) -> None:
    second = BASE.split("schedules:\n", 1)[1]
    msg = error_of(tmp_path, BASE + second)
    assert_names(msg, 9, "Weekly logins", "name")
    assert "given twice (also at line 2)" in msg


def test_error_missing_schedules_list(tmp_path: Path) -> None:
    msg = error_of(tmp_path, "defaults:\n  timezone: UTC\n")
    assert "schedules: missing" in msg
    msg = error_of(tmp_path, "")
    assert "empty" in msg
    assert load(tmp_path, "schedules: []\n").schedules == []  # explicit none is fine


def test_error_not_yaml(tmp_path: Path) -> None:
    msg = error_of(tmp_path, "schedules:\n  - name: [unclosed\n")
    assert "not valid YAML" in msg and "schedules.yaml:" in msg
    msg = error_of(tmp_path, replace('cron: "0 7 * * 1"', "cron: * 7 * * 1"))
    assert "schedules.yaml:4: not valid YAML" in msg and "quote cron expressions" in msg
    # a tab in the indentation of a line with a quoted cron: the tab is the hint, not the quotes
    msg = error_of(tmp_path, replace('    cron: "0 7 * * 1"', '\tcron: "0 7 * * 1"'))
    assert "not valid YAML" in msg and "indent with spaces" in msg and "quote cron" not in msg, msg
    msg = error_of(tmp_path, replace('cron: "0 7 * * 1"', 'cron: "0 7 * * 1" ]'))
    assert "not valid YAML" in msg and "quote cron" not in msg, msg


def test_error_dashboards_folder_missing(tmp_path: Path) -> None:
    p = tmp_path / "schedules.yaml"
    p.write_text(BASE)
    with pytest.raises(BadInput) as exc:
        load_schedules(p, tmp_path / "nope", env={})
    assert "dashboards folder not found" in exc.value.message


def test_every_problem_is_reported_in_file_order(tmp_path: Path) -> None:
    text = BASE.replace('"0 7 * * 1"', '"0 7 * *"').replace("Europe/Paris", "Mars/Olympus") + (
        "  - name: Second\n    dashboard: test_sg_changes\n    cron: '0 6 * * *'\n    recipients: [nobody]\n"
    )
    msg = error_of(tmp_path, text)
    lines = msg.splitlines()
    assert lines[0].endswith("3 problem(s) in the schedules file:")
    assert [int(re.search(r"yaml:(\d+):", ln).group(1)) for ln in lines[1:]] == [4, 5, 12]  # type: ignore[union-attr]
    assert "schedule 'Second': recipients[0]" in lines[3]


# --------------------------------------------------------------------------- CLI (offline)


def test_cli_validate_ok_and_bad(tmp_path: Path) -> None:
    runner = CliRunner()
    good = tmp_path / "good.yaml"
    good.write_text(BASE)
    res = runner.invoke(main, ["schedules", "validate", "--file", str(good), "--dashboards", str(DASHBOARDS)])
    assert res.exit_code == 0, res.output
    assert "1 schedule(s) valid" in res.output
    bad = tmp_path / "schedules.yaml"
    bad.write_text(replace("Europe/Paris", "Nowhere/Land"))
    res = runner.invoke(main, ["schedules", "validate", "--file", str(bad), "--dashboards", str(DASHBOARDS)])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "schedule 'Weekly logins': timezone:" in res.output


def test_cli_finds_the_file_through_the_config(tmp_path: Path) -> None:
    (tmp_path / "dash").symlink_to(DASHBOARDS)
    (tmp_path / "s.yaml").write_text(BASE)
    # the config's secrets are not needed to validate schedules (no AWS variables in CI)
    (tmp_path / "looker-ops.yaml").write_text(
        "connection:\n  aws_secret_access_key: ${NOT_SET_HERE}\ndashboards:\n  dir: dash\nschedules: s.yaml\n"
    )
    res = CliRunner().invoke(main, ["schedules", "--config", str(tmp_path / "looker-ops.yaml"), "validate"])
    assert res.exit_code == 0, res.output
    assert "Weekly logins" in res.output


def test_cli_without_any_schedules_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["schedules", "validate"])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "no schedules file: neither ./schedules.yaml nor ./deploy/schedules.yaml exists here" in res.output
    assert "--file PATH" in res.output


def test_bare_validate_at_the_repository_root_reads_deploy_schedules_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From a copy of the repository's root (no looker-ops.yaml there), the conventional file is
    used."""
    monkeypatch.chdir(copy_checkout(tmp_path / "repo"))
    res = CliRunner().invoke(main, ["schedules", "validate"])
    assert res.exit_code == 0, res.output
    assert "deploy/schedules.yaml: 3 schedule(s) valid" in res.stdout
    assert "schedules file: deploy/schedules.yaml (found by default" in res.stderr


def test_schedules_yaml_beside_the_config_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a config file: ./schedules.yaml (where `init` writes it) before
    ./deploy/schedules.yaml. A config file that names no schedules file still means none."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dashboards").symlink_to(DASHBOARDS)
    (tmp_path / "schedules.yaml").write_text(BASE)
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "schedules.yaml").write_text("not: [valid")
    res = CliRunner().invoke(main, ["schedules", "validate"])
    assert res.exit_code == 0, res.output
    assert "schedules.yaml: 1 schedule(s) valid" in res.stdout
    (tmp_path / "looker-ops.yaml").write_text("dashboards:\n  dir: dashboards\n")
    res = CliRunner().invoke(main, ["schedules", "validate"])
    assert res.exit_code == EXIT_BAD_INPUT
    assert "no schedules file: pass --file PATH, or set `schedules:` in looker-ops.yaml" in res.stderr


def test_the_file_written_by_init_validates() -> None:
    from looker_ops.config.init import InitAnswers, render_schedules

    answers = InitAnswers("eu-west-1", "s3://results/", "git@example.com:a/b.git", "trail-bucket")
    text = render_schedules(answers)
    spec = parse_schedules(text, "schedules.yaml", dashboard_index(ROOT / "dashboards"), env={})
    assert spec.schedules and all(s.destinations for s in spec.schedules)


def test_error_in_defaults_names_the_defaults_key_for_each_schedule(tmp_path: Path) -> None:
    text = "defaults:\n  timezone: Europe/Pariss\n" + BASE.replace("    timezone: Europe/Paris\n", "")
    msg = error_of(tmp_path, text)
    assert_names(msg, 2, "Weekly logins", "defaults.timezone")
    # a schedule that sets its own value is not blamed for the default's
    ok = "defaults:\n  timezone: Europe/Pariss\n" + BASE
    assert load(tmp_path, ok).schedules[0].timezone == "Europe/Paris"


def test_error_dashboard_in_a_file_that_cannot_be_read(tmp_path: Path) -> None:
    """The dashboard asked for may be in a file that is not YAML: the message names that file
    and line, not only "no dashboard with preferred_slug"."""
    folder = tmp_path / "dashboards"
    shutil.copytree(DASHBOARDS, folder)
    broken = folder / "console_logins.dashboard.lookml"
    broken.write_text(broken.read_text().replace("preferred_slug:", "preferred_slug: [unclosed\n  x:", 1))
    p = tmp_path / "schedules.yaml"
    p.write_text(BASE)
    with pytest.raises(BadInput) as exc:
        load_schedules(p, folder, env=ENV)
    msg = exc.value.message
    assert "no dashboard with preferred_slug 'test_console_logins'" in msg
    assert re.search(rf"dashboard file could not be read: {re.escape(str(broken))}:\d+: ", msg), msg
