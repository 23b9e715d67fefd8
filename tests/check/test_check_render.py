"""Renderers of check findings: the GitHub job-summary table and SARIF metadata."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.check.render import github_summary, make_display_path, md_cell, render_sarif
from looker_ops.cli import main
from looker_ops.findings import Finding, Severity


def _cells(row: str) -> list[str]:
    """Cells of a markdown table row, split on pipes not escaped by a backslash."""
    assert row.startswith("| ") and row.endswith(" |"), row
    return [c.strip() for c in re.split(r"(?<!\\)\|", row[1:-1])]


def test_job_summary_escapes_pipes_and_line_breaks_in_every_cell() -> None:
    f = Finding(
        "ATH402",
        Severity.ERROR,
        "dimension x: a || b fails\r\nsecond line\rthird | part\nlast",
        "views/odd|name.view.lkml",
        7,
        "view:x/dimension:y",
    )
    text = github_summary([f], display=lambda p: p)
    rows = [ln for ln in text.splitlines() if ln.startswith("| error")]
    assert len(rows) == 1, text  # the message's line breaks did not start new rows
    assert "\r" not in text
    cells = _cells(rows[0])
    assert cells[:4] == ["error", "ATH402", "views/odd\\|name.view.lkml", "7"]
    assert cells[4] == "dimension x: a \\|\\| b fails second line third \\| part last"
    assert len(cells) == 5


def test_md_cell_keeps_plain_text() -> None:
    assert md_cell("view logs: no key") == "view logs: no key"


def test_sarif_names_no_invented_url_and_carries_each_rules_help() -> None:
    f = Finding("ATH301", Severity.ERROR, "two keys", "views/a.view.lkml", 3, "view:a")
    doc = json.loads(render_sarif([f], display=lambda p: p))
    text = json.dumps(doc)
    assert "github.com/looker-ops" not in text
    driver = doc["runs"][0]["tool"]["driver"]
    assert "informationUri" not in driver
    for r in driver["rules"]:
        assert "helpUri" not in r
        assert r["help"]["text"] and r["help"]["markdown"].startswith("**"), r["id"]
    ath301 = next(r for r in driver["rules"] if r["id"] == "ATH301")
    assert "primary_key: yes" in ath301["help"]["markdown"]


def test_a_dependency_file_is_shown_as_lookml_names_it(tmp_path: Path) -> None:
    """A finding in a dependency's file (``//name/path``) keeps that name: it is not a path
    from the filesystem root."""
    display = make_display_path(tmp_path)
    assert display("//shop-config/views/orders.view.lkml") == "//shop-config/views/orders.view.lkml"
    assert display(None) is None


def test_paths_never_climb_out_of_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Inside the current folder a file is shown relative to it (what GitHub annotations
    need); outside it, under the project root as given, or absolute when that is shorter,
    never as ``../../tmp/...``."""
    here = tmp_path / "work" / "repo"
    (here / "lookml_project").mkdir(parents=True)
    (tmp_path / "real" / "proj").mkdir(parents=True)
    (tmp_path / "work" / "sibling").mkdir(parents=True)
    monkeypatch.chdir(here)
    inside = make_display_path(Path("lookml_project"))
    assert inside("views/x.view.lkml") == "lookml_project/views/x.view.lkml"
    assert inside("../dashboards/d.dashboard.lookml") == "dashboards/d.dashboard.lookml"
    assert (
        make_display_path(here / "lookml_project")("views/x.view.lkml") == "lookml_project/views/x.view.lkml"
    )
    far = make_display_path(tmp_path / "real" / "proj")
    assert far("views/x.view.lkml") == f"{tmp_path}/real/proj/views/x.view.lkml"
    # given as a climbing path: shown as given, or absolute when that is shorter
    shown = make_display_path(Path("../../real/proj"))("views/x.view.lkml")
    candidates = ["../../real/proj/views/x.view.lkml", f"{tmp_path}/real/proj/views/x.view.lkml"]
    assert shown == min(candidates, key=len)
    assert make_display_path(Path("../sibling"))("views/x.view.lkml") == "../sibling/views/x.view.lkml"


def test_every_format_shows_the_same_path_for_a_project_elsewhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.check.test_dialect_hint import bigquery_project

    root = bigquery_project(tmp_path / "real" / "proj")
    cwd = tmp_path / "deep" / "er" / "here"
    cwd.mkdir(parents=True)
    monkeypatch.chdir(cwd)
    expected = f"{root}/views/v0.view.lkml"

    def run(fmt: str) -> str:
        result = CliRunner().invoke(main, ["check", str(root), "--no-cache", "--format", fmt])
        assert result.exit_code == 1, result.output
        return result.stdout

    text = run("text")
    assert text.splitlines()[0] == expected and "../" not in text
    github = run("github")
    assert f"::error file={expected.replace(':', '%3A').replace(',', '%2C')},line=" in github
    assert "../" not in github
    junit = ET.fromstring(run("junit"))
    assert {c.get("file") for c in junit.iter("testcase")} == {expected}
    sarif = json.loads(run("sarif"))
    uris = {
        loc["physicalLocation"]["artifactLocation"]["uri"]
        for r in sarif["runs"][0]["results"]
        for loc in r.get("locations", [])
    }
    assert uris == {expected}
    doc = json.loads(run("json"))
    assert {f["path"] for f in doc["findings"]} == {expected}
    assert {f["file"] for f in doc["findings"]} == {"views/v0.view.lkml"}
