"""One small scenario project per rule (tests/check_scenarios/<rule>/): ``bad/`` must produce
exactly the findings its ``# expect: CODE`` comments name (code, file, line), ``good/`` (its clean
twin) none at all. ``scenario.json`` sets --sql, --dialect, the data folder and findings with no line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from looker_ops.check.rules import all_rules
from looker_ops.check.run import run_check

HERE = Path(__file__).parents[1] / "check_scenarios"
DATA = HERE / "_data"
SCENARIOS = sorted(p.name for p in HERE.iterdir() if p.is_dir() and not p.name.startswith("_"))
EXPECT_RE = re.compile(r"#\s*expect:\s*([A-Z0-9, ]+)")


def expected(project: Path) -> set[tuple[str, str, int | None]]:
    out = set()
    for p in sorted(project.rglob("*")):
        if not p.is_file():
            continue
        for i, line in enumerate(p.read_text(errors="replace").splitlines(), 1):
            m = EXPECT_RE.search(line)
            if m:
                for code in re.split(r"[,\s]+", m.group(1).strip()):
                    out.add((code, p.relative_to(project).as_posix(), i))
    return out


def run(name: str, kind: str):
    opts = {}
    path = HERE / name / "scenario.json"
    if path.exists():
        opts = json.loads(path.read_text())
    project = HERE / name / kind
    data = opts.get("good_data" if kind == "good" and "good_data" in opts else "data")
    result = run_check(
        project,
        sql=bool(opts.get("sql", False)),
        data_dir=(DATA / data) if data else None,
        cache_dir=None,
        workers=1,
        dialect=opts.get("dialect", "athena"),
    )
    return result, opts


@pytest.mark.parametrize("name", SCENARIOS)
def test_bad_project_gives_exactly_the_expected_findings(name: str) -> None:
    result, opts = run(name, "bad")
    project = HERE / name / "bad"
    want = expected(project)
    for code, file in opts.get("extra", []) if "extra" in opts else []:
        want.add((code, file, None))  # type: ignore[arg-type]
    got = {(f.code, f.file if f.code != "SQL003" else None, f.line) for f in result.findings}
    assert want, f"scenario {name} declares no expected finding"
    assert got == want, "\n".join(f"{f.code} {f.file}:{f.line} {f.message}" for f in result.findings)
    # the scenario is named for the rule it exercises
    assert name.split("_")[0].upper() in {c for c, _, _ in want}


@pytest.mark.parametrize("name", SCENARIOS)
def test_clean_twin_gives_no_finding(name: str) -> None:
    result, _ = run(name, "good")
    assert result.findings == [], "\n".join(
        f"{f.code} {f.file}:{f.line} {f.message}" for f in result.findings
    )


def test_every_rule_has_a_scenario_and_a_doc() -> None:
    codes = set(all_rules())
    covered = {n.split("_")[0].upper() for n in SCENARIOS}
    missing = codes - covered - {"LKM006", "LKM007", "BSL001"}  # tested in test_loader.py, test_check_cli.py
    assert missing == set()
    docs = (Path(__file__).parents[2] / "docs" / "check.md").read_text()
    for code, r in all_rules().items():
        assert r.bad and r.good and r.doc, code
        assert f"### {code}" in docs, f"docs/check.md has no section for {code}"


def test_rule_reference_in_docs_is_current() -> None:
    from looker_ops.check.rules import render_rules_markdown

    docs = (Path(__file__).parents[2] / "docs" / "check.md").read_text()
    assert docs.endswith(render_rules_markdown()), "regenerate the rule reference of docs/check.md"


# Rules that hold for Athena only: their "valid in Looker" twin is the bad project itself on a
# BigQuery connection (a persistent derived table, an aggregate table, symmetric aggregates,
# BigQuery functions... are all fine there), checked by test_athena_rules_stay_silent_on_bigquery.
ATHENA_ONLY = ("ath", "sql001", "sql002", "sql003", "sql004", "sql005")
VALID_TWINS = [n for n in SCENARIOS if not n.startswith(ATHENA_ONLY)]


@pytest.mark.parametrize("name", VALID_TWINS)
def test_valid_in_looker_twin_gives_no_error_or_warning(name: str) -> None:
    """``looker_valid/``: the clean twin plus the real-world shape the rule could mistake for its
    problem (constructs Looker documents and accepts). The rule must stay silent on it."""
    project = HERE / name / "looker_valid"
    assert project.is_dir(), f"scenario {name} has no looker_valid/ twin"
    opts = (
        json.loads((HERE / name / "scenario.json").read_text())
        if (HERE / name / "scenario.json").exists()
        else {}
    )
    result = run_check(project, sql=False, cache_dir=None, workers=1, dialect=opts.get("dialect", "athena"))
    loud = [f for f in result.findings if f.severity.value in ("error", "warning")]
    assert loud == [], "\n".join(f"{f.code} {f.file}:{f.line} {f.message}" for f in loud)


@pytest.mark.parametrize("name", [n for n in SCENARIOS if n.startswith(ATHENA_ONLY)])
def test_athena_rules_stay_silent_on_bigquery(name: str) -> None:
    """The Athena rules' bad projects, on a BigQuery connection: no Athena or engine finding."""
    result = run_check(HERE / name / "bad", cache_dir=None, workers=1, dialect="bigquery")
    athena = [
        f
        for f in result.findings
        if f.code.startswith("ATH") or f.code in ("SQL001", "SQL002", "SQL003", "SQL004", "SQL005")
    ]
    assert athena == [], "\n".join(f"{f.code} {f.file}:{f.line} {f.message}" for f in athena)
    assert not result.sql


def test_a_missing_tile_source_says_whether_the_model_or_the_explore_is_missing() -> None:
    result, _ = run("ref006_tile_explore_missing", "bad")
    messages = sorted(f.message for f in result.findings if f.code == "REF006")
    assert messages == [
        "element t2: explore m::logz does not exist (did you mean logs?)",
        "element t3: model nope does not exist (models: m; explore logs)",
    ]
