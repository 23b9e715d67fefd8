"""The field SQL memo (``SqlCompiler(..., memo=...)``, used by ``check``'s rules) gives every
field exactly what a fresh compiler gives: the same SQL, the same problems in the same order, the
same used aliases, whatever order the fields are compiled in, on constructs whose SQL depends on
more than the field (reference cycles, Liquid variables, a native derived table's query
context, missing references, join aliases)."""

from __future__ import annotations

import random
from pathlib import Path

from looker_ops.lookml.liquid import FieldMemo
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Project
from looker_ops.lookml.sql import SqlCompiler

MODEL = """connection: "athena"
include: "*.view.lkml"
explore: orders {
  join: buyer { from: users sql_on: ${orders.user_id} = ${buyer.id} ;; relationship: many_to_one }
}
explore: users {}
"""

ORDERS = """view: orders {
  sql_table_name: shop.orders ;;
  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }
  dimension: user_id { sql: ${TABLE}.user_id ;; }
  dimension: amount { type: number sql: ${TABLE}.amount ;; }
  dimension: doubled { type: number sql: ${amount} * 2 ;; }
  dimension: quadrupled { type: number sql: ${doubled} + ${doubled} ;; }
  dimension: big { type: yesno sql: ${amount} > 100 ;; }
  dimension: big_label { sql: CASE WHEN ${big} THEN 'big' END ;; }
  dimension: raw_amount { sql: ${amount._sql} ;; }
  dimension: a { sql: ${b} ;; }
  dimension: b { sql: ${c} + 1 ;; }
  dimension: c { sql: ${a} ;; }
  dimension: on_cycle { sql: ${b} || 'x' ;; }
  dimension: missing { sql: ${nothing} + ${users.nothing} ;; }
  dimension: on_missing { sql: ${missing} ;; }
  dimension: buyer_name { sql: ${buyer.name} ;; }
  dimension: assigning { sql: {% assign k = 'v' %}${amount} ;; }
  dimension: reading { sql: {{ k }} ${doubled} ;; }
  dimension: assign_then_read { sql: {% assign k = 'v' %}${reading} ;; }
  dimension: liquid_if { sql: {% if orders.big._in_query %}${amount}{% else %}0{% endif %} ;; }
  dimension: bad_liquid { sql: {% frob %}${amount} ;; }
  dimension: from_ndt { sql: (SELECT count(*) FROM ${totals.SQL_TABLE_NAME}) ;; }
  dimension: filtered_flag { sql: {% condition users.name %} ${TABLE}.flag {% endcondition %} ;; }
  dimension: ndt_then_flag { sql: (SELECT 1 FROM ${totals.SQL_TABLE_NAME}) || ${filtered_flag} ;; }
  dimension: after_ndt { sql: {% condition users.name %} ${buyer_name} {% endcondition %} ;; }
  dimension_group: created { type: time timeframes: [raw, date, month] sql: ${TABLE}.created_at ;; }
  measure: total { type: sum sql: ${amount} ;; }
  measure: big_total { type: sum sql: ${amount} ;; filters: [big: "yes"] }
  measure: per_order { type: number sql: ${total} / NULLIF(${count}, 0) ;; }
  measure: count { type: count }
  measure: names { type: list list_field: buyer_name }
}
"""

USERS = """view: users {
  sql_table_name: shop.users ;;
  dimension: id { primary_key: yes sql: ${TABLE}.id ;; }
  dimension: name { sql: ${TABLE}.name ;; }
  dimension: orders_amount { sql: ${orders.doubled} ;; }
}
view: totals {
  derived_table: {
    explore_source: users {
      column: name { field: users.name }
      filters: [users.name: "x%"]
    }
  }
  dimension: name { sql: ${TABLE}.name ;; }
  dimension: shown { sql: {% if users.name._is_filtered %}${name}{% else %}''{% endif %} ;; }
}
"""


def _project(tmp_path: Path) -> Project:
    (tmp_path / "shop.model.lkml").write_text(MODEL)
    (tmp_path / "orders.view.lkml").write_text(ORDERS)
    (tmp_path / "users.view.lkml").write_text(USERS)
    return load_project(tmp_path, cache_dir=None)


def _compile(p: Project, memo: FieldMemo | None, what: str, view: str, field: str) -> tuple[object, ...]:
    v = p.views[view]
    c = SqlCompiler(p, model=v.model, memo=memo)
    if what == "field":
        sql = c.field_sql(view, field)
    elif what == "ref":
        sql = c.ref_sql(view, field)
    elif what == "filter":
        sql = c.filter_sql(v, v.fields[field], view)
    else:
        sql = c.table_sql(v)
    return sql, list(c.problems), sorted(c.used_aliases)


def _jobs(p: Project) -> list[tuple[str, str, str]]:
    jobs = [("table", v, "") for v in p.views]
    for v in p.views.values():
        for f in v.fields:
            jobs += [("field", v.name, f), ("ref", v.name, f), ("filter", v.name, f)]
    return jobs


def test_memoised_compilation_equals_a_fresh_one_in_any_order(tmp_path: Path) -> None:
    p = _project(tmp_path)
    jobs = _jobs(p)
    fresh = {job: _compile(p, None, *job) for job in jobs}
    assert any(probs for _, probs, _ in fresh.values()), "the project has problems to replay"
    for seed in range(8):
        order = list(jobs)
        random.Random(seed).shuffle(order)
        memo: FieldMemo = {}
        for job in order:
            assert _compile(p, memo, *job) == fresh[job], (seed, job)
        assert memo, "the memo is used"


def test_nothing_is_kept_that_depends_on_more_than_the_field(tmp_path: Path) -> None:
    p = _project(tmp_path)
    memo: FieldMemo = {}
    for job in _jobs(p):
        _compile(p, memo, *job)
    kept = {(view.name, f.name, what) for (_, _, what, _, _), (_, _, _, view, f) in memo.items()}  # type: ignore[attr-defined]
    assert ("orders", "amount", "value") in kept and ("orders", "quadrupled", "value") in kept
    for name in ("a", "b", "c", "on_cycle", "assigning", "reading"):
        assert ("orders", name, "value") not in kept, name  # a cycle, or Liquid variables
    assert ("orders", "from_ndt", "value") not in kept  # a native derived table's query context


def test_plain_field_sql_is_what_the_compiler_gives(tmp_path: Path) -> None:
    """``plain_field_sql`` (the compiler skipped for a field whose sql names only ${TABLE}) gives
    the compiler's SQL, with no problem, on every field it answers for, in this project, the
    realistic test project and the bundled block."""
    from looker_ops.bundled import block_dirs
    from looker_ops.lookml.field_sql import plain_field_sql

    realistic = Path(__file__).parents[1] / "check" / "realistic_project"
    projects = [_project(tmp_path), load_project(realistic, cache_dir=None)]
    projects.append(load_project(block_dirs()[0], cache_dir=None))
    answered = 0
    for p in projects:
        for v in p.all_views():
            if p.view_for(v.model, v.name) is not v:
                continue
            for f in v.fields.values():
                for alias in (v.name, "other_alias"):
                    plain = plain_field_sql(v, f, alias)
                    if plain is None:
                        continue
                    answered += 1
                    c = SqlCompiler(p, model=v.model)
                    assert (plain, []) == (c.field_sql(v.name, f.name, alias), c.problems), (v.name, f.name)
    assert answered > 100
