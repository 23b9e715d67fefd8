# ruff: noqa: F811  (pytest fixtures imported from tests.fake_looker.fixtures are redefined as arguments)
"""``--project`` on every schedules and alerts command that reads the schedules file (one shared
option, looker_ops/commands/options.py): a field filter's value is read with its field's
grammar in the project given, before any call to Looker."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.commands import load_command
from looker_ops.errors import EXIT_BAD_INPUT
from tests.alerts.helpers import DASHBOARDS, PROJECT
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_env  # noqa: F401
from tests.schedules.test_schedules_validate_whole_file import SCHEDULE


@pytest.mark.parametrize(
    "command",
    [("schedules", "apply", "--dry-run"), ("schedules", "run", "Weekly CIS"), ("schedules", "list")],
)
def test_a_bad_field_filter_value_is_refused_with_the_project_given(
    tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch, command: tuple[str, ...]
) -> None:
    monkeypatch.chdir(tmp_path)  # no ./lookml_project here: only --project names it
    path = tmp_path / "schedules.yaml"
    path.write_text(SCHEDULE.format(date="banana"))
    args = [*command, "--file", str(path), "--dashboards", str(DASHBOARDS), "--project", str(PROJECT)]
    res = CliRunner().invoke(main, args)
    assert res.exit_code == EXIT_BAD_INPUT, res.output
    assert f"{path}:7: schedule 'Weekly CIS': filters.Date:" in res.stderr and "'banana'" in res.stderr
    assert looker_env.calls == []


def test_one_project_option_on_every_command_reading_the_file() -> None:
    helps = set()
    for group, names in (
        ("schedules", ("validate", "apply", "run", "list")),
        ("alerts", ("validate", "apply", "test", "list", "evaluate")),
    ):
        grp = load_command(group)
        assert grp is not None
        for name in names:
            cmd = grp.get_command(None, name)  # type: ignore[arg-type,attr-defined]
            (opt,) = [p for p in cmd.params if "--project" in getattr(p, "opts", ())]
            helps.add(opt.help)
    assert len(helps) == 1
