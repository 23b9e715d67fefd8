"""`check` and `athena ddl` read ./looker-ops.yaml when it is there and no -c is given, as
deploy, config check and schedules do; a bad check.dialect there is named by file, line and key."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main

REALISTIC = Path(__file__).parent / "realistic_project"

# A project on BigQuery: a backticked table name and SAFE_DIVIDE, which the Athena rules (run
# when the dialect is athena) would report; with bigquery they are fine.
BQ_FILES = {
    "shop.model.lkml": 'connection: "bq_shop"\ninclude: "/*.view.lkml"\nexplore: orders {}\n',
    "orders.view.lkml": "view: orders {\n  sql_table_name: `shop.orders` ;;\n"
    "  dimension: id {\n    primary_key: yes\n    sql: ${TABLE}.id ;;\n  }\n"
    "  measure: ratio {\n    type: number\n    sql: SAFE_DIVIDE(SUM(${TABLE}.a), SUM(${TABLE}.b)) ;;\n  }\n}\n",
}


def _project(root: Path) -> Path:
    proj = root / "lookml_project"
    for rel, text in BQ_FILES.items():
        (proj / rel).parent.mkdir(parents=True, exist_ok=True)
        (proj / rel).write_text(text)
    return proj


def _check(root: Path, monkeypatch: pytest.MonkeyPatch, *args: str):  # type: ignore[no-untyped-def]
    monkeypatch.chdir(root)
    monkeypatch.delenv("LOOKER_OPS_CONFIG", raising=False)
    return CliRunner().invoke(main, ["check", "--no-cache", "--no-sql", "--format", "json", *args])


def _codes(output: str) -> list[str]:
    return sorted({f["code"] for f in json.loads(output)["findings"]})


def test_check_reads_the_check_section_of_dot_looker_ops_yaml(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    without = _check(tmp_path, monkeypatch, "lookml_project")
    athena_codes = _codes(without.stdout)
    assert any(c.startswith("ATH") for c in athena_codes), athena_codes  # athena by default

    (tmp_path / "looker-ops.yaml").write_text("check:\n  dialect: bigquery\n")
    picked = _check(tmp_path, monkeypatch, "lookml_project")
    assert not any(c.startswith("ATH") for c in _codes(picked.stdout)), picked.output
    # the option still wins over the file
    forced = _check(tmp_path, monkeypatch, "lookml_project", "--dialect", "athena")
    assert _codes(forced.stdout) == athena_codes


def test_a_bad_dialect_in_the_file_names_file_line_and_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _project(tmp_path)
    (tmp_path / "looker-ops.yaml").write_text("check:\n  connections:\n    a: bigquery\n  dialect: bigqury\n")
    r = _check(tmp_path, monkeypatch, "lookml_project")
    assert r.exit_code == 2
    assert "looker-ops.yaml:4: check.dialect: unknown SQL dialect 'bigqury'" in r.output
    assert "--dialect" not in r.output
    (tmp_path / "looker-ops.yaml").write_text("check:\n  connections:\n    a: nosuchsql\n")
    r = _check(tmp_path, monkeypatch, "lookml_project")
    assert r.exit_code == 2 and "looker-ops.yaml:3: check.connections.a: unknown SQL dialect" in r.output
    # given on the command line, the option is named
    (tmp_path / "looker-ops.yaml").unlink()
    r = _check(tmp_path, monkeypatch, "lookml_project", "--dialect", "bigqury")
    assert r.exit_code == 2 and "--dialect: unknown SQL dialect 'bigqury'" in r.output


def test_check_help_names_the_check_section() -> None:
    r = CliRunner().invoke(main, ["check", "--help"])
    assert r.exit_code == 0
    text = " ".join(r.output.split())
    assert "its check: section (dialect, connections, dependencies)" in text
    assert "default ./looker-ops.yaml when present" in text


def test_athena_ddl_reads_dot_looker_ops_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("LOOKER_OPS_CONFIG", raising=False)
    for var in ("LOOKER_OPS_ATHENA_BUCKET", "LOOKER_OPS_ATHENA_ACCOUNT_IDS"):
        monkeypatch.delenv(var, raising=False)
    missing = CliRunner().invoke(main, ["athena", "ddl"])
    assert missing.exit_code == 2 and "bucket" in missing.output
    (tmp_path / "looker-ops.yaml").write_text(
        textwrap.dedent(
            """\
            athena:
              layout: single
              bucket: acme-trail-logs
              account_ids: ["111111111111"]
            """
        )
    )
    r = CliRunner().invoke(main, ["athena", "ddl"])
    assert r.exit_code == 0, r.output
    assert "'s3://acme-trail-logs/AWSLogs/" in r.output
    r = CliRunner().invoke(main, ["athena", "ddl", "--bucket", "other-bucket"])
    assert r.exit_code == 0 and "s3://other-bucket/" in r.output
