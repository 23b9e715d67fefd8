"""A project whose SQL is of another dialect than the one checked (no --dialect given) gets a
note naming that dialect; sqlglot's internal wording never reaches a finding."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from looker_ops.check.dialects import dialect_hint
from looker_ops.check.run import SHARD_MIN_OBJECTS, run_check
from looker_ops.cli import main
from tests.check.test_check_dialects import write

BQ_VIEW = (
    "view: {name} {{\n  sql_table_name: `proj.billing.{name}` ;;\n"
    "  dimension: id {{\n    primary_key: yes\n    sql: ${{TABLE}}.id ;;\n  }}\n"
    "  dimension: sku {{\n    sql: ${{TABLE}}.labels[SAFE_OFFSET(0)].value ;;\n  }}\n"
    "  dimension: is_compute {{\n    type: yesno\n    sql: REGEXP_CONTAINS(${{TABLE}}.service, r'Compute') ;;\n  }}\n"
    "  dimension: prior_day {{\n    type: date\n    sql: DATE_ADD(CURRENT_DATE(), INTERVAL -1 DAY) ;;\n  }}\n}}\n"
)


def bigquery_project(root: Path, views: int = 1, connection: str = "billing") -> Path:
    files = {f"views/v{i}.view.lkml": BQ_VIEW.format(name=f"v{i}") for i in range(views)}
    explores = "".join(f"explore: v{i} {{}}\n" for i in range(views))
    files["billing.model.lkml"] = f'connection: "{connection}"\ninclude: "/views/*.view.lkml"\n{explores}'
    return write(root, files)


def hint_of(notes: list[str]) -> str:
    [hint] = [n for n in notes if "looks like" in n]
    return hint


def test_bigquery_sql_checked_as_athena_names_bigquery_and_the_option(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p")
    result = run_check(root, cache_dir=None, workers=1, sql=False)
    assert {"ATH402", "ATH403"} <= {f.code for f in result.findings}
    hint = hint_of(result.notes)
    assert "looks like BigQuery" in hint and "give --dialect bigquery" in hint and "check.dialect" in hint
    given = run_check(root, cache_dir=None, workers=1, sql=False, dialect="bigquery")
    assert not [f for f in given.findings if f.code.startswith("ATH")]
    assert not [n for n in given.notes if "looks like" in n]


def test_sqlglot_wording_is_said_in_the_users_terms(tmp_path: Path) -> None:
    """BigQuery's two-argument DATE_ADD does not parse as Athena's: the finding names the
    function and Athena's arguments, not sqlglot's expression class."""
    result = run_check(bigquery_project(tmp_path / "p"), cache_dir=None, workers=1, sql=False)
    [msg] = [f.message for f in result.findings if f.code == "ATH403" and "prior_day" in f.message]
    assert "DATE_ADD() is called with other arguments than Athena's" in msg
    assert "date_add(unit, value, timestamp)" in msg and "<class" not in msg and "sqlglot" not in msg


def test_no_hint_for_athena_sql_with_a_mistake_or_two(tmp_path: Path) -> None:
    root = write(
        tmp_path / "p",
        {
            "m.model.lkml": 'connection: "athena"\ninclude: "/*.view.lkml"\nexplore: logs {}\n',
            "logs.view.lkml": "view: logs {\n  sql_table_name: cloudtrail.logs ;;\n"
            "  dimension: a {\n    sql: IFNULL(${TABLE}.a, 0) ;;\n  }\n"
            "  dimension: b {\n    sql: date_format(${TABLE}.t, '%Y' ;;\n  }\n"
            "  dimension: c {\n    sql: json_extract_scalar(${TABLE}.j, '$.x') ;;\n  }\n}\n",
        },
    )
    result = run_check(root, cache_dir=None, workers=1, sql=False)
    assert {"ATH402", "ATH403"} <= {f.code for f in result.findings}
    assert not [n for n in result.notes if "looks like" in n]  # one of two reads cleanly elsewhere


def test_a_tie_goes_to_the_dialect_the_connection_names() -> None:
    generic = [f"SELECT a::int + {i} AS x FROM t" for i in range(3)]  # :: casts: not Athena
    assert "give --dialect bigquery" in (dialect_hint(generic) or "")  # the most common first
    assert "give --dialect snowflake" in (dialect_hint(generic, connections=["snowflake_prod"]) or "")
    assert "give --dialect redshift" in (dialect_hint(generic, connections=["redshift_pacific_time"]) or "")
    assert "give --dialect postgres" in (dialect_hint(generic, connections=["pg_warehouse"]) or "")
    assert dialect_hint(generic[:1]) is None  # one text says too little


def test_the_shares_of_a_sharded_check_give_the_same_hint(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p", views=SHARD_MIN_OBJECTS // 2 + 5, connection="bq")
    one = run_check(root, cache_dir=None, workers=1, sql=False)
    two = run_check(root, cache_dir=None, workers=2, sql=False)
    assert two.findings == one.findings and hint_of(two.notes) == hint_of(one.notes)
    assert "(all 40 sampled SQL snippets Athena rejects parse as BigQuery)" in hint_of(
        one.notes
    )  # the first 40 are read again


# --------------------------------------------------------------------------- where the hint goes


def _cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *args, "--no-cache"])
    return result.exit_code, result.stdout


def test_the_hint_names_the_dialect_as_users_know_it_and_drops_the_data_advice(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p")
    result = run_check(root, cache_dir=None, workers=1)  # --sql by default: skipped, said why
    n = len({m for m in result.notes if "looks like" in m})
    assert n == 1
    hint = hint_of(result.notes)
    assert hint.startswith("this project's SQL looks like BigQuery (all ")
    assert hint.endswith(
        "SQL snippets Athena rejects parse as BigQuery): give --dialect bigquery (or check.dialect in "
        "looker-ops.yaml); the Athena rules then do not apply"
    )
    [skipped] = [m for m in result.notes if m.startswith("--sql skipped")]
    assert "schema looker-ops does not know" in skipped and "--data" not in skipped


def test_text_prints_each_note_on_its_own_line_after_the_summary(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p")
    code, out = _cli(str(root))
    assert code == 1
    lines = out.rstrip("\n").split("\n")
    [summary] = [k for k, line in enumerate(lines) if " checked" in line and line[0].isdigit()]
    assert lines[summary].endswith("checked")  # the counts alone
    notes = lines[summary + 1 :]
    assert len(notes) == 2 and all(line.startswith("note: ") for line in notes)
    assert notes[0].startswith("note: --sql skipped") and notes[1].startswith(
        "note: this project's SQL looks like"
    )


def test_no_hint_when_the_user_chose_athena(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p")
    assert "looks like BigQuery" in _cli(str(root))[1]
    assert "looks like" not in _cli(str(root), "--dialect", "athena")[1]
    chosen = tmp_path / "chosen.yaml"
    chosen.write_text("check:\n  dialect: athena\n", encoding="utf-8")
    assert "looks like" not in _cli(str(root), "-c", str(chosen))[1]
    other = tmp_path / "other.yaml"
    other.write_text("check:\n  connections: {}\n", encoding="utf-8")
    assert "looks like BigQuery" in _cli(str(root), "-c", str(other))[1]  # athena by default
    assert not [
        n for n in run_check(root, cache_dir=None, workers=1, dialect_given=True).notes if "looks like" in n
    ]


def test_github_junit_and_sarif_carry_the_notes(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p")
    _, github = _cli(str(root), "--format", "github")
    notices = [line for line in github.splitlines() if line.startswith("::notice title=looker-ops check::")]
    assert [n.split("::", 2)[2][:13] for n in notices] == ["--sql skipped", "this project'"]
    _, junit = _cli(str(root), "--format", "junit")
    suite = ET.fromstring(junit).find("testsuite")
    assert suite is not None
    props = {p.get("name"): p.get("value") or "" for p in suite.iter("property")}
    assert props["note"].startswith("--sql skipped") and "looks like BigQuery" in props["note.2"]
    out = suite.findall("system-out")[-1].text or ""
    assert "note: this project's SQL looks like BigQuery" in out
    _, sarif = _cli(str(root), "--format", "sarif")
    [invocation] = json.loads(sarif)["runs"][0]["invocations"]
    texts = [n["message"]["text"] for n in invocation["toolExecutionNotifications"]]
    assert len(texts) == 2 and "looks like BigQuery" in texts[1]
    assert {n["level"] for n in invocation["toolExecutionNotifications"]} == {"note"}


def test_a_cached_result_says_the_same_notes(tmp_path: Path) -> None:
    """An unchanged project answered from the result cache says what the check said (the
    dialect note, why --sql was skipped) after 'unchanged since the last check'; a dialect
    the user then chooses is another result."""
    root = bigquery_project(tmp_path / "p")
    cache = tmp_path / "cache"
    first = run_check(root, cache_dir=cache, workers=1)
    second = run_check(root, cache_dir=cache, workers=1)
    assert second.from_cache and not first.from_cache
    assert second.notes == ["unchanged since the last check: results from the cache", *first.notes]
    assert any("looks like BigQuery" in n for n in second.notes)
    chosen = run_check(root, cache_dir=cache, workers=1, dialect_given=True)
    assert not chosen.from_cache and not [n for n in chosen.notes if "looks like" in n]
