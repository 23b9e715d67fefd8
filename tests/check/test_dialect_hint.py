"""A project whose SQL is of another dialect than the one checked (no --dialect given) gets a
note naming that dialect; sqlglot's internal wording never reaches a finding."""

from __future__ import annotations

from pathlib import Path

from looker_ops.check.dialects import dialect_hint
from looker_ops.check.run import SHARD_MIN_OBJECTS, run_check
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
    [hint] = [n for n in notes if "read cleanly" in n]
    return hint


def test_bigquery_sql_checked_as_athena_names_bigquery_and_the_option(tmp_path: Path) -> None:
    root = bigquery_project(tmp_path / "p")
    result = run_check(root, cache_dir=None, workers=1, sql=False)
    assert {"ATH402", "ATH403"} <= {f.code for f in result.findings}
    hint = hint_of(result.notes)
    assert "as bigquery" in hint and "give --dialect bigquery" in hint and "check.dialect" in hint
    given = run_check(root, cache_dir=None, workers=1, sql=False, dialect="bigquery")
    assert not [f for f in given.findings if f.code.startswith("ATH")]
    assert not [n for n in given.notes if "read cleanly" in n]


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
    assert not [n for n in result.notes if "read cleanly" in n]  # one of two reads cleanly elsewhere


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
    assert hint_of(one.notes).startswith("40 of the 40 SQL texts")  # the first 40 are read again
