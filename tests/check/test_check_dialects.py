"""--dialect, check.dialect / check.connections / check.dependencies in looker-ops.yaml, and
--dependency NAME=PATH, through the command line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from looker_ops.check.run import run_check
from looker_ops.cli import main

REALISTIC = Path(__file__).parent / "realistic_project"


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["check", "--no-cache", *args])


def write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    return root


def two_databases(root: Path) -> Path:
    """One model on Athena, one on BigQuery, each with SQL only its own database parses and a
    persistent derived table (an Athena rule's target)."""
    return write(
        root,
        {
            "logs.model.lkml": 'connection: "athena_logs"\ninclude: "/athena/*.view.lkml"\nexplore: logs {}\n',
            "athena/logs.view.lkml": "view: logs {\n  sql_table_name: cloudtrail.cloudtrail_logs ;;\n"
            "  dimension: id {\n    primary_key: yes\n    sql: ${TABLE}.eventid ;;\n  }\n"
            "  dimension: day {\n    sql: date_format(from_iso8601_timestamp(${TABLE}.eventtime), '%Y-%m-%d') ;;\n  }\n}\n",
            "shop.model.lkml": 'connection: "bq_shop"\ninclude: "/bq/*.view.lkml"\nexplore: orders {}\n',
            "bq/orders.view.lkml": "view: orders {\n  sql_table_name: `shop.orders` ;;\n"
            "  dimension: id {\n    primary_key: yes\n    sql: ${TABLE}.id ;;\n  }\n"
            "  dimension: day {\n    sql: DATE_TRUNC(DATE(${TABLE}.created_at) MONTH) ;;\n  }\n}\n",
        },
    )


def test_the_connection_map_gives_each_model_its_dialect(tmp_path: Path) -> None:
    root = two_databases(tmp_path / "p")
    result = run_check(root, cache_dir=None, workers=1, sql=False, connections={"bq_shop": "bigquery"})
    sql006 = [(f.code, f.file) for f in result.findings if f.code == "SQL006"]
    assert sql006 == [("SQL006", "bq/orders.view.lkml")]  # the BigQuery view is parsed as BigQuery
    fixed = root / "bq/orders.view.lkml"
    fixed.write_text(
        fixed.read_text().replace("DATE(${TABLE}.created_at) MONTH", "DATE(${TABLE}.created_at), MONTH")
    )
    result = run_check(root, cache_dir=None, workers=1, sql=False, connections={"bq_shop": "bigquery"})
    assert [f for f in result.findings if f.code == "SQL006"] == []


def test_dialect_option_and_sql_skip_note_on_the_command_line() -> None:
    r = invoke(str(REALISTIC), "--dialect", "bigquery")
    assert r.exit_code == 0, r.output
    assert "0 errors, 0 warnings, 1 info" in r.output
    assert "--sql skipped: the project's SQL is bigquery" in r.output
    r = invoke(str(REALISTIC), "--dialect", "bigquery", "--format", "json")
    assert any(n.startswith("--sql skipped") for n in json.loads(r.output)["notes"])
    # the same project as Athena: the reference rules agree; --sql is skipped for unknown tables
    r = invoke(str(REALISTIC), "--fail-on", "never")
    assert "--sql skipped: the project reads tables whose schema looker-ops does not know" in r.output


def test_bad_dialect_and_bad_dependency_are_bad_input(tmp_path: Path) -> None:
    r = invoke(str(REALISTIC), "--dialect", "bigqueery")
    assert r.exit_code == 2 and "unknown SQL dialect 'bigqueery'" in r.output
    r = invoke(str(REALISTIC), "--dependency", "ga360")
    assert r.exit_code == 2 and "expected NAME=PATH" in r.output
    r = invoke(str(REALISTIC), "--dependency", f"ga360={tmp_path / 'nowhere'}")
    assert r.exit_code == 2 and "no such folder" in r.output


def test_check_section_of_looker_ops_yaml(tmp_path: Path) -> None:
    dep = write(
        tmp_path / "ga360",
        {
            "views/ga_sessions.view.lkml": "view: ga_sessions {\n  sql_table_name: `ga.sessions` ;;\n"
            "  dimension: user_id { sql: ${TABLE}.user_id ;; }\n"
            "  dimension: device_category { sql: ${TABLE}.device ;; }\n}\n"
        },
    )
    cfg = tmp_path / "looker-ops.yaml"
    cfg.write_text(f"check:\n  dialect: bigquery\n  dependencies:\n    ga360: {dep.name}\n")
    r = invoke(str(REALISTIC), "--config", str(cfg))
    assert r.exit_code == 0, r.output
    assert "0 errors, 0 warnings, 0 infos" in r.output  # the dependency is here: nothing unchecked
    cfg.write_text("check:\n  dialect: bigquery\n  connections:\n    bq_sales: [not, a, name]\n")
    r = invoke(str(REALISTIC), "--config", str(cfg))
    assert r.exit_code == 2 and "check.connections" in r.output


def test_access_filter_on_a_view_of_a_missing_dependency_is_unchecked(tmp_path: Path) -> None:
    """An access_filter (or always_filter) on a joined view that only the missing dependency
    defines is counted as unchecked, not reported; a misspelled field of a view that is here still is."""
    write(
        tmp_path,
        {
            "manifest.lkml": 'local_dependency: { project: "cms" }\n',
            "m.model.lkml": 'connection: "c"\ninclude: "/*.view.lkml"\ninclude: "//cms/themes.view"\n'
            "explore: pages {\n  join: themes {\n    sql_on: ${pages.node_id} = ${themes.node_id} ;;\n"
            "    relationship: many_to_one\n  }\n"
            "  access_filter: {\n    field: themes.theme_id\n    user_attribute: theme\n  }\n"
            "  access_filter: {\n    field: pages.nod_id\n    user_attribute: node\n  }\n}\n",
            "pages.view.lkml": "view: pages {\n  sql_table_name: web.pages ;;\n"
            "  dimension: node_id { sql: ${TABLE}.node_id ;; }\n}\n",
        },
    )
    result = run_check(tmp_path, cache_dir=None, workers=1)
    found = sorted((f.code, f.severity.value, f.message) for f in result.findings)
    assert [(c, s) for c, s, _ in found] == [("LKM007", "info"), ("REF005", "error")]
    assert "pages.nod_id" in found[1][2] and "theme" not in found[1][2]


def test_the_dialect_names_known_without_sqlglot_are_sqlglots_own() -> None:
    from sqlglot.dialects.dialect import Dialect, Dialects

    from looker_ops.check.dialects import KNOWN_DIALECTS

    assert {d.value for d in Dialects} >= KNOWN_DIALECTS
    for name in KNOWN_DIALECTS:
        Dialect.get_or_raise(name)


def test_an_unchanged_project_is_answered_without_the_parser_the_rules_or_sqlglot(tmp_path: Path) -> None:
    import subprocess
    import sys

    project = tmp_path / "p"
    project.mkdir()
    (project / "m.model.lkml").write_text('connection: "c"\ninclude: "*.view.lkml"\nexplore: v {}\n')
    (project / "v.view.lkml").write_text("view: v {\n  sql_table_name: t ;;\n  dimension: x {}\n}\n")
    (project / "d.dashboard.lookml").write_text("- dashboard: d\n  elements:\n  - name: e\n    lisen: {}\n")
    code = (
        "import sys\nfrom pathlib import Path\nfrom looker_ops.check.run import run_check\n"
        f"r = run_check(Path({str(project)!r}), cache_dir=Path({str(tmp_path / 'cache')!r}), sql=False)\n"
        "heavy = sorted(m for m in ('sqlglot', 'lkml', 'yaml', 'looker_ops.check.rules', "
        "'looker_ops.lookml.loader') if m in sys.modules)\n"
        "print(r.from_cache, [(f.code, f.line) for f in r.findings], heavy)\n"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True) for _ in "ab"
    ]
    cold, warm = (r.stdout.strip() for r in runs)
    assert cold.startswith("False") and "('DSH002', 4)" in cold
    assert warm == "True" + cold[len("False") :].split("] [")[0] + "] []"
