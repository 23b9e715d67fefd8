"""schedules validate, alerts validate and schedules list find the dashboards as check and
preview do: the option, else looker-ops.yaml's dashboards.dir, else ./dashboards, else the
bundled block's (said on stderr); a folder that does not exist is one message in the words of
``config check``, naming ``looker-ops.yaml:LINE: dashboards.dir`` when the config chose it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main

REPO = Path(__file__).resolve().parents[2]
COMMANDS = [["schedules", "validate"], ["alerts", "validate"], ["schedules", "list"]]


@pytest.mark.parametrize("cmd", COMMANDS[:2])
def test_without_dashboards_here_the_bundled_blocks_are_read(
    cmd: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(REPO / "deploy" / "schedules.yaml", tmp_path / "schedules.yaml")
    monkeypatch.chdir(tmp_path)  # a schedules file, no dashboards/ nor lookml_project/
    res = CliRunner().invoke(main, cmd)
    assert res.exit_code == 0, res.output
    assert "no ./dashboards here: reading the block bundled with looker-ops" in res.stderr
    assert "valid" in res.stdout


@pytest.mark.parametrize("cmd", COMMANDS)
def test_a_missing_dashboards_dir_of_the_config_is_named_by_its_line(
    cmd: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "schedules.yaml").write_text("schedules: []\n", encoding="utf-8")
    (tmp_path / "looker-ops.yaml").write_text(
        "schedules: schedules.yaml\ndashboards:\n  dir: nowhere\n", encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, cmd)
    assert res.exit_code == 2, res.output
    assert res.stderr == "error: looker-ops.yaml:3: dashboards.dir: nowhere does not exist\n"


@pytest.mark.parametrize("cmd", COMMANDS)
def test_a_missing_dashboards_option_is_named_by_the_option(
    cmd: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "schedules.yaml").write_text("schedules: []\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, [*cmd, "--dashboards", "nope", "--file", "schedules.yaml"])
    assert res.exit_code == 2, res.output
    assert res.stderr.endswith("error: --dashboards: nope does not exist\n"), res.stderr
