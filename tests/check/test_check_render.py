"""Renderers of check findings: the GitHub job-summary table and SARIF metadata."""

from __future__ import annotations

import json
import re
from pathlib import Path

from looker_ops.check.render import github_summary, make_display_path, md_cell, render_sarif
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
