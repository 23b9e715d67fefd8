"""`looker-ops check` from the command line: formats, exit codes, exemptions, baseline."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from tests.checkout import copy_checkout

SCEN = Path(__file__).parents[1] / "check_scenarios"
REPO = Path(__file__).parents[2]


@pytest.fixture()
def bad(tmp_path: Path) -> Path:
    """A project with one error (ATH401) and one warning-free twin elsewhere."""
    dst = tmp_path / "proj"
    shutil.copytree(SCEN / "ath401_json_text_struct_access" / "bad", dst)
    return dst


def invoke(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, ["check", "--no-cache", *args], env=env)


def test_text_output_groups_by_file_and_exits_1(bad: Path) -> None:
    r = invoke(str(bad), "--no-sql")
    assert r.exit_code == 1, r.output
    lines = r.output.splitlines()
    assert any(line.endswith("views/logs.view.lkml") for line in lines)
    assert any("ATH401" in line and "error" in line for line in lines)
    assert lines[-1].startswith("1 error, 0 warnings, 0 infos")


def test_fail_on_never_and_clean_project_exit_0(bad: Path) -> None:
    assert invoke(str(bad), "--no-sql", "--fail-on", "never").exit_code == 0
    clean = SCEN / "ath401_json_text_struct_access" / "good"
    r = invoke(str(clean), "--no-sql")
    assert r.exit_code == 0 and r.output.startswith("0 errors"), r.output


def test_json_schema(bad: Path) -> None:
    r = invoke(str(bad), "--no-sql", "--format", "json")
    doc = json.loads(r.output)
    assert doc["version"] == 1 and doc["summary"]["error"] == 1 and doc["sql"] is False
    (f,) = doc["findings"]
    assert set(f) == {"code", "severity", "message", "file", "line", "where", "path"}
    assert (f["code"], f["file"], f["line"]) == ("ATH401", "views/logs.view.lkml", 35)
    assert f["path"].endswith("proj/views/logs.view.lkml")


def test_json_option_writes_the_json_report_beside_the_format(bad: Path, tmp_path: Path) -> None:
    """`--json PATH` as on every command: the --format report on stdout and the JSON report in
    PATH (a CI log for people, a file for tools); `--json -` (or bare) is the JSON alone."""
    target = tmp_path / "report.json"
    r = invoke(str(bad), "--no-sql", "--format", "github", "--json", str(target))
    assert r.exit_code == 1 and r.stdout.startswith("::error "), r.output
    assert json.loads(target.read_text())["summary"]["error"] == 1
    for args in (["--json", "-"], ["--json"]):
        r = invoke(str(bad), "--no-sql", *args)
        assert r.exit_code == 1 and json.loads(r.stdout)["findings"][0]["code"] == "ATH401"
    r = invoke(str(bad), "--no-sql", "--json", "-", "--format", "sarif")
    assert r.exit_code == 2 and "does not go with --format sarif" in r.stderr
    r = invoke(str(bad), "--no-sql", "--json", str(tmp_path / "missing" / "r.json"))
    assert r.exit_code == 2 and "cannot write" in r.stderr


def test_github_annotations_and_step_summary(bad: Path, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    r = invoke(str(bad), "--no-sql", "--format", "github", env={"GITHUB_STEP_SUMMARY": str(summary)})
    (line,) = [ln for ln in r.output.splitlines() if ln.startswith("::")]
    assert line.startswith("::error file=") and ",line=35,title=ATH401::ATH401%3A" not in line
    assert "views/logs.view.lkml,line=35,title=ATH401::ATH401: " in line
    assert "| error | ATH401 |" in summary.read_text()


def test_junit_and_sarif(bad: Path) -> None:
    junit = ET.fromstring(invoke(str(bad), "--no-sql", "--format", "junit").output.split("\n", 1)[1])
    suite = junit.find("testsuite")
    assert suite is not None and suite.get("failures") == "1"
    case = suite.find("testcase")
    assert case is not None and case.find("failure") is not None and case.get("line") == "35"
    sarif = json.loads(invoke(str(bad), "--no-sql", "--format", "sarif").output)
    run = sarif["runs"][0]
    (res,) = run["results"]
    assert res["ruleId"] == "ATH401" and res["level"] == "error"
    assert res["locations"][0]["physicalLocation"]["region"]["startLine"] == 35
    assert run["tool"]["driver"]["rules"][res["ruleIndex"]]["id"] == "ATH401"


def test_inline_ignore_comment_exempts_the_object(bad: Path) -> None:
    view = bad / "views" / "logs.view.lkml"
    text = view.read_text().replace(
        "  dimension: group_id {",
        "  # looker-ops: ignore ATH401 legacy field, fixed in #12\n  dimension: group_id {",
    )
    view.write_text(text)
    r = invoke(str(bad), "--no-sql", "--format", "json")
    doc = json.loads(r.output)
    assert r.exit_code == 0 and doc["findings"] == []
    (s,) = doc["suppressed"]
    assert (s["code"], s["by"], s["reason"]) == ("ATH401", "inline", "legacy field, fixed in #12")
    # an ignore for another code does not exempt it
    view.write_text(text.replace("ignore ATH401", "ignore ATH402"))
    assert invoke(str(bad), "--no-sql").exit_code == 1


def test_baseline_accepts_then_reports_stale_entries(bad: Path, tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    r = invoke(str(bad), "--no-sql", "--write-baseline", str(base))
    assert r.exit_code == 0 and json.loads(base.read_text())["findings"][0]["code"] == "ATH401"
    # lines moved: still matched (baseline ignores lines)
    view = bad / "views" / "logs.view.lkml"
    view.write_text("# a comment pushing every line down\n" + view.read_text())
    assert invoke(str(bad), "--no-sql", "--baseline", str(base)).exit_code == 0
    # fixed: the entry is stale and reported
    view.write_text(
        view.read_text().replace(
            "${TABLE}.requestparameters.groupid",
            "json_extract_scalar(${TABLE}.requestparameters, '$.groupId')",
        )
    )
    r = invoke(str(bad), "--no-sql", "--baseline", str(base), "--format", "json")
    doc = json.loads(r.output)
    assert [f["code"] for f in doc["findings"]] == ["BSL001"] and doc["findings"][0]["severity"] == "warning"
    assert r.exit_code == 0
    assert invoke(str(bad), "--no-sql", "--baseline", str(base), "--fail-on", "warning").exit_code == 1


def test_bad_usage_exits_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    r = invoke(str(tmp_path / "missing"))
    assert r.exit_code == 2 and "no such folder" in r.output
    monkeypatch.chdir(tmp_path)
    # No ./lookml_project: the block bundled with looker-ops is checked, and stderr says so.
    r = invoke("--no-sql")
    assert r.exit_code == 0 and "checking the block bundled with looker-ops" in r.stderr
    (tmp_path / "b.json").write_text("{nope")
    (tmp_path / "p").mkdir()
    r = invoke(str(tmp_path / "p"), "--baseline", str(tmp_path / "b.json"))
    assert r.exit_code == 2 and "b.json" in r.output
    r = invoke(str(tmp_path / "p"), "--data", str(tmp_path / "nodata"))
    assert r.exit_code == 2 and "--data" in r.output
    r = invoke(str(tmp_path / "p"))  # a folder with no LookML at all
    assert r.exit_code == 2 and "no .lkml" in r.output


def test_syntax_error_does_not_hide_other_findings(tmp_path: Path) -> None:
    dst = tmp_path / "p"
    shutil.copytree(SCEN / "ath401_json_text_struct_access" / "bad", dst)
    (dst / "views" / "broken.view.lkml").write_text("view: broken {\n  dimension: a {\n")
    doc = json.loads(invoke(str(dst), "--no-sql", "--format", "json").output)
    assert {(f["code"], f["file"]) for f in doc["findings"]} == {
        ("ATH401", "views/logs.view.lkml"),
        ("LKM001", "views/broken.view.lkml"),
    }


def test_bundled_block_loads_and_checks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The block in this repository (a copy of its folders): checked like any project, by default
    with --sql."""
    if not (REPO / "lookml_project").is_dir():
        pytest.skip("no bundled block")
    monkeypatch.chdir(copy_checkout(tmp_path / "repo"))
    r = invoke("--format", "json")
    doc = json.loads(r.output)
    assert doc["sql"] is True  # its tables are all known CloudTrail / geo-IP tables
    assert doc["summary"]["files"] >= 4
    assert doc["findings"] == [], json.dumps(doc["findings"], indent=1)
    assert r.exit_code == 0


@pytest.mark.parametrize("inside", [True, False])
def test_a_bad_data_file_is_named_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, inside: bool
) -> None:
    """SQL003 names the log file by its real path: relative to the current folder when it is
    under it, else absolute, in text, JSON and GitHub output (not relative to the project)."""
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "w.json").write_text('{"Records": [\n')
    here = tmp_path if inside else tmp_path / "elsewhere"
    here.mkdir(exist_ok=True)
    monkeypatch.chdir(here)
    data = "bad" if inside else str(tmp_path / "bad")
    want = "bad/w.json" if inside else (tmp_path / "bad" / "w.json").resolve().as_posix()
    project = str(REPO / "lookml_project")
    runner = CliRunner()
    if inside:
        text = runner.invoke(main, ["check", "--no-cache", "--data", data, project]).output
        assert f"{want}\n" in text and "SQL003" in text.split(f"{want}\n", 1)[1].split("\n\n", 1)[0]
    else:
        args = ["check", "--no-cache", "--data", data, project, "--format", "json"]
        doc = json.loads(runner.invoke(main, args).stdout)
        assert [f["path"] for f in doc["findings"] if f["code"] == "SQL003"] == [want]
    gh = runner.invoke(main, ["check", "--no-cache", "--data", data, project, "--format", "github"]).output
    assert f"::warning file={want},title=SQL003::" in gh
