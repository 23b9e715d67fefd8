"""`check` on hostile input: findings (never a hang or a traceback), and the README's baseline
flow on a warm result cache."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from looker_ops.check.run import run_check
from looker_ops.cli import main

SCEN = Path(__file__).parents[1] / "check_scenarios"
BLOCK = SCEN / "lkm001_syntax_error" / "good"  # a small clean project: model, view, explore


def project(tmp_path: Path, extra: dict[str, str]) -> Path:
    dst = tmp_path / "proj"
    shutil.copytree(BLOCK, dst)
    for rel, text in extra.items():
        (dst / rel).write_text(text)
    return dst


def test_the_issue_reproduction_of_a_lone_semicolon_ends_with_lkm001(tmp_path: Path) -> None:
    p = project(tmp_path, {"views/semi.view.lkml": 'view: semi {\n  label: "x";\n}\n'})
    r = CliRunner().invoke(main, ["check", str(p), "--no-sql", "--no-cache", "--format", "json"])
    assert r.exit_code == 1, r.output
    found = json.loads(r.output)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in found] == [("LKM001", "views/semi.view.lkml", 2)]


def _deep_view(parens: int, ifs: int) -> str:
    return (
        "view: +logs {\n"
        f"  dimension: parens {{\n    sql: {'(' * parens}${{TABLE}}.eventname{')' * parens} ;;\n  }}\n"
        f"  dimension: ifs {{\n    sql: {'IF(${TABLE}.eventname IS NULL, ' * ifs}'x'{', 0)' * ifs} ;;\n  }}\n"
        "}\n"
    )


def test_50_nested_parentheses_and_60_nested_ifs_are_checked_without_recursion_error(tmp_path: Path) -> None:
    p = project(tmp_path, {"views/deep.view.lkml": _deep_view(50, 60)})
    result = run_check(p, sql=False, cache_dir=None, workers=1)
    # both parse (on a deep stack): valid SQL gives no finding at all
    assert result.findings == [], [f.message for f in result.findings]


def test_sql_nested_beyond_what_can_be_parsed_is_an_info_finding(tmp_path: Path) -> None:
    p = project(tmp_path, {"views/deep.view.lkml": _deep_view(20_000, 0)})
    result = run_check(p, sql=False, cache_dir=None, workers=1)
    assert [(f.code, f.severity.value, f.line) for f in result.findings] == [("ATH403", "info", 2)]
    assert "nested too deeply" in result.findings[0].message


def test_deep_sql_on_the_engine_is_run_not_a_traceback(tmp_path: Path) -> None:
    p = project(tmp_path, {"views/deep.view.lkml": _deep_view(50, 60)})
    result = run_check(p, sql=True, cache_dir=None, workers=1)
    assert [f for f in result.findings if f.severity.value != "info"] == [], [
        f.message for f in result.findings
    ]


def _cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The CLI in a fresh interpreter: the warm-cache bug showed only where no rule module had
    been imported yet (a result served from the cache imports none)."""
    code = "import sys; from looker_ops.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_readme_baseline_flow_on_a_warm_result_cache(tmp_path: Path) -> None:
    p = project(tmp_path, {})
    (p / "views" / "bad.view.lkml").write_text(
        "view: bad {\n  dimension: x {\n    sql: ${nothing_here} ;;\n  }\n}\n"
    )
    env = {**os.environ, "LOOKER_OPS_CACHE_DIR": str(tmp_path / "cache")}
    first = _cli("check", str(p), "--no-sql", "--write-baseline", "b.json", cwd=tmp_path, env=env)
    assert "Traceback" not in first.stderr, first.stderr
    assert json.loads((tmp_path / "b.json").read_text())["findings"], "the project has a finding"
    # the same check again: answered from the warm result cache, baseline applied
    second = _cli("check", str(p), "--no-sql", "--baseline", "b.json", cwd=tmp_path, env=env)
    assert "Traceback" not in second.stderr, second.stderr
    assert second.returncode == 0, second.stdout + second.stderr
    # a stale entry on the warm path is reported as BSL001 (the rule registry is loaded)
    data = json.loads((tmp_path / "b.json").read_text())
    data["findings"].append({"code": "REF001", "file": "gone.view.lkml", "where": "", "message": "gone"})
    (tmp_path / "b.json").write_text(json.dumps(data))
    third = _cli(
        "check", str(p), "--no-sql", "--baseline", "b.json", "--format", "json", cwd=tmp_path, env=env
    )
    assert "Traceback" not in third.stderr, third.stderr
    codes = [f["code"] for f in json.loads(third.stdout)["findings"]]
    assert codes == ["BSL001"]


_SEMI_VIEW = (
    "view: +logs {\n"
    "  dimension: kind {\n"
    "    sql: ${TABLE}.eventname ;\n"  # line 3: one ';' where LookML wants ';;'
    '    label: "Kind"\n'
    '    description: "the event" ;;\n'  # the sql runs on to here (no block lost)
    "  }\n"
    "  dimension: quoted {\n"
    "    sql: CASE WHEN ${TABLE}.eventname = ';' THEN 'x' ;;\n"  # no END; its ';' is in a string
    "  }\n"
    "}\n"
)


def test_a_single_semicolon_ending_sql_gets_the_lookml_hint(tmp_path: Path) -> None:
    """The sql ran on past a lone ';' into the next parameter: ATH403 (SQL006 under another
    dialect) says why; an unparsable sql whose ';' is inside a string gets no such hint."""
    p = project(tmp_path, {"views/semi.view.lkml": _SEMI_VIEW})
    hint = (
        "LookML ends sql with ';;' — a single ';' does not end it, so this sql runs on into `label: \"Kind\"`"
    )
    for dialect, code in (("athena", "ATH403"), ("bigquery", "SQL006")):
        result = run_check(p, sql=False, cache_dir=None, workers=1, dialect=dialect)
        found = {f.where.rsplit(":", 1)[1]: f for f in result.findings if f.code == code}
        assert set(found) == {"kind", "quoted"}, [f.message for f in result.findings]
        assert hint in found["kind"].message, found["kind"].message
        assert "LookML ends sql" not in found["quoted"].message


def test_a_single_semicolon_then_a_whole_block_lost_is_a_syntax_error(tmp_path: Path) -> None:
    """The sql ran on past a lone ';', over a parameter, the field's '}' and the next field
    (lost): LKM001 at the ';', naming the lost block; the file's references are left unchecked."""
    view = _SEMI_VIEW.replace(
        '    description: "the event" ;;\n  }\n', "  }\n  dimension: source {\n    sql: x ;;\n  }\n"
    )
    p = project(tmp_path, {"views/semi.view.lkml": view})
    result = run_check(p, sql=False, cache_dir=None, workers=1)
    [f] = [f for f in result.findings if f.code == "LKM001"]
    assert f.line == 3 and "ends with a single ';'" in f.message and "`dimension: source {`" in f.message


def test_a_drill_into_another_view_s_missing_field_is_a_warning(tmp_path: Path) -> None:
    """Looker's generated views drill into other views (``drill_fields: [id, users.count]``);
    a member of another view that is not there is a warning (Looker leaves it out of the drill
    menu), a misspelled field of the view itself stays an error."""
    root = project(
        tmp_path,
        {
            "views/accounts.view.lkml": "view: accounts {\n  sql_table_name: ct.accounts ;;\n"
            "  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }\n"
            "  measure: count {\n    type: count\n    drill_fields: [id, logs.count_all]\n  }\n"
            "  measure: total {\n    type: count\n    drill_fields: [idd]\n  }\n}\n",
        },
    )
    result = run_check(root, cache_dir=None, workers=1)
    got = sorted((f.severity.value, f.message) for f in result.findings if f.code == "REF004")
    assert [s for s, _ in got] == ["error", "warning"]
    assert "idd" in got[0][1] and "logs.count_all" in got[1][1]
