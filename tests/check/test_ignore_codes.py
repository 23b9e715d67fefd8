"""An inline ignore naming a code that is no rule's (a typo) is a BSL002 warning naming the
code, with the closest real code; it exempts nothing."""

from __future__ import annotations

from pathlib import Path

from looker_ops.check.run import run_check

SCENARIO = Path(__file__).parents[1] / "check_scenarios" / "bsl002_unknown_ignore_code"


def test_the_unknown_code_is_named_with_the_closest_one() -> None:
    result = run_check(SCENARIO / "bad", cache_dir=None, workers=1)
    found = sorted((f.file, f.line, f.severity.value, f.message) for f in result.findings)
    assert [(file, line, sev) for file, line, sev, _ in found] == [
        ("views/extra.view.lkml", 4, "warning"),
        ("views/extra.view.lkml", 9, "warning"),
    ]
    assert "names SQL06, which is not a rule code of looker-ops (did you mean SQL006?)" in found[0][3]
    assert "names REFF01" in found[1][3] and "ATH401" not in found[1][3]  # the known code is fine


def test_a_typo_exempts_nothing(tmp_path: Path) -> None:
    (tmp_path / "m.model.lkml").write_text('connection: "c"\ninclude: "/*.view.lkml"\nexplore: v {}\n')
    (tmp_path / "v.view.lkml").write_text(
        "view: v {\n  sql_table_name: t ;;\n  # looker-ops: ignore REF01 on purpose\n"
        "  dimension: a { sql: ${v.nope} ;; }\n}\n"
    )
    codes = sorted(f.code for f in run_check(tmp_path, cache_dir=None, workers=1).findings)
    assert "BSL002" in codes and any(c.startswith("REF") for c in codes)
