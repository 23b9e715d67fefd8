"""``schedules validate`` checks the whole file (trial items 1 and 2): its ``alerts:`` as ``alerts
validate`` does (a broken alert is exit 2, not "0 schedule(s) valid"), and a ``field_filter``'s
value by its field's grammar, with the function ``preview --filter`` and ``alerts validate`` use,
so the three agree on ``Date: banana``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from looker_ops.cli import main
from looker_ops.errors import EXIT_BAD_INPUT, BadInput
from looker_ops.preview.run import validate_filter_overrides
from tests.alerts.helpers import CIS, DASHBOARDS, PROJECT, ROOT_ALERT, block_project

SCHEDULE = """\
schedules:
  - name: Weekly CIS
    dashboard: cloudtrail_cis_aws_foundations
    cron: "0 7 * * 1"
    timezone: UTC
    filters:
      Date: {date}
    recipients: [soc@example.com]
"""


def validate(tmp_path: Path, text: str, *command: str) -> Result:
    path = tmp_path / "schedules.yaml"
    path.write_text(text)
    cmd = command or ("schedules", "validate")
    args = [*cmd, "--file", str(path), "--dashboards", str(DASHBOARDS), "--project", str(PROJECT)]
    return CliRunner().invoke(main, args)


def test_a_broken_alert_fails_schedules_validate(tmp_path: Path) -> None:
    text = ROOT_ALERT.replace("tile: 4.3 Root account usage", "tile: No such tile")
    res = validate(tmp_path, text)
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    assert f"{tmp_path / 'schedules.yaml'}:8: alert 'Root account used': tile:" in res.output
    assert "schedule(s) valid" not in res.output


def test_a_broken_schedule_and_alert_are_reported_together(tmp_path: Path) -> None:
    text = ROOT_ALERT.replace("schedules: []\n", SCHEDULE.format(date="7 days").replace("Date:", "Nope:"))
    text = text.replace("tile: 4.3 Root account usage", "tile: No such tile")
    res = validate(tmp_path, text)
    assert res.exit_code == EXIT_BAD_INPUT
    assert "schedule 'Weekly CIS': filters.Nope: not a filter" in res.output
    assert "alert 'Root account used': tile:" in res.output


def test_the_valid_twin_counts_its_alerts(tmp_path: Path) -> None:
    res = validate(tmp_path, ROOT_ALERT)
    assert res.exit_code == 0, res.output
    assert "0 schedule(s) valid, 1 alert(s) valid" in res.output


@pytest.mark.parametrize("value", ["banana", "7 dyas"])
def test_the_three_refuse_a_bad_date_field_filter_value(tmp_path: Path, value: str) -> None:
    sched = validate(tmp_path, SCHEDULE.format(date=value))
    assert sched.exit_code == EXIT_BAD_INPUT, sched.output
    assert "schedule 'Weekly CIS': filters.Date:" in sched.output and repr(value) in sched.output
    alert = validate(tmp_path, ROOT_ALERT.replace("Date: 1 hour ago", f"Date: {value}"), "alerts", "validate")
    assert alert.exit_code == EXIT_BAD_INPUT and "filters.Date" in alert.output
    project = block_project()
    dashboard = next(d for d in project.dashboards if d.preferred_slug == CIS)
    with pytest.raises(BadInput, match="filter date"):
        validate_filter_overrides(project, dashboard, {"date": value}, now=dt.datetime(2026, 12, 5, 7))


@pytest.mark.parametrize("value", ["7 days", "last 3 complete weeks", "2026/11/01 to 2026/11/08"])
def test_the_three_accept_a_good_date_field_filter_value(tmp_path: Path, value: str) -> None:
    assert validate(tmp_path, SCHEDULE.format(date=value)).exit_code == 0
    alert = validate(tmp_path, ROOT_ALERT.replace("Date: 1 hour ago", f"Date: {value}"), "alerts", "validate")
    assert alert.exit_code == 0, alert.output
    project = block_project()
    dashboard = next(d for d in project.dashboards if d.preferred_slug == CIS)
    validate_filter_overrides(project, dashboard, {"date": value}, now=dt.datetime(2026, 12, 5, 7))
