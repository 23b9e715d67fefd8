"""A schedule or alert name given twice is reported in the same pass as every other problem of
the file (it used to show only once the others were fixed: an item with a problem was not
counted), each problem naming its file, line and key."""

from __future__ import annotations

from pathlib import Path

from looker_ops.errors import EXIT_BAD_INPUT
from tests.alerts.helpers import DASHBOARDS as BLOCK_DASHBOARDS
from tests.alerts.helpers import PROJECT, ROOT_ALERT
from tests.cli_json import json_on_stdout
from tests.schedules.test_schedules_apply import DASHBOARDS, TEXT, write

# Daily SG changes is given twice: the first with a bad cron, the second with a bad time zone;
# Weekly logins has a bad address.
TWICE = (
    TEXT.replace('"0 6 * * *"', '"0 6 * *"').replace("[soc@example.com, ciso@", "[soc@example.com, ciso.")
    + """\
  - name: Daily SG changes
    dashboard: test_sg_changes
    cron: "0 8 * * *"
    timezone: Mars/Olympus
    recipients: [soc@example.com]
"""
)


def test_a_schedule_name_given_twice_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    path = write(tmp_path, TWICE)
    args = ["schedules", "validate", "--file", str(path), "--dashboards", str(DASHBOARDS)]
    doc, res = json_on_stdout(args, EXIT_BAD_INPUT)
    found = {(p["line"], p["item"], p["key"]) for p in doc["problems"]}
    assert (20, "Daily SG changes", "name") in found, found  # the second one's line
    assert (15, "Daily SG changes", "cron") in found
    assert (23, "Daily SG changes", "timezone") in found
    assert any(p["item"] == "Weekly logins" and p["key"].startswith("recipients") for p in doc["problems"])
    assert all(p["file"] == str(path) for p in doc["problems"])
    assert "given twice (also at line 13)" in res.stderr


def test_an_alert_name_given_twice_is_reported_with_the_other_problems(tmp_path: Path) -> None:
    bad_first = ROOT_ALERT.replace('condition: "> 0"', 'condition: "about 3"')
    text = bad_first + ROOT_ALERT.split("alerts:\n", 1)[1].replace('"15 * * * *"', '"* * * * *"')
    path = write(tmp_path, text)
    args = ["alerts", "validate", "--file", str(path), "--dashboards", str(BLOCK_DASHBOARDS)]
    doc, res = json_on_stdout([*args, "--project", str(PROJECT)], EXIT_BAD_INPUT)
    found = {(p["line"], p["key"]) for p in doc["problems"]}
    assert (9, "condition") in found and (13, "name") in found and (17, "cron") in found, found
    assert "given twice (also at line 6)" in res.stderr
