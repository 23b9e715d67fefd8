"""A view that does not exist is one finding, not one per reference through it.

The project is shaped as real ones are: a model including its views and a dashboards folder,
an explore with joins (one through ``from:``), data tests, a dashboard with tiles, listens,
pivots and dashboard filters. In one explore a join names a view that does not exist; another
explore's base view does not exist. Each gives one REF003 saying how many references through
it were left unchecked (dashboard fields, filters, sorts, pivots, listens, dashboard filters,
the explore's own field lists and SQL, data tests), and none of those is reported by itself.
The broken twins (a typo through a view that exists, beside the missing one) are still caught.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import looker_ops.check.run as run_mod
from looker_ops.check.run import run_check
from looker_ops.findings import Finding

MODEL = """connection: "warehouse"
include: "/views/*.view"
include: "/dashboards/*.dashboard"

explore: orders {
  always_filter: { filters: [region.name: "EU"] }
  fields: [ALL_FIELDS*, -region.code]
  join: customers {
    sql_on: ${orders.customer_id} = ${customers.id} AND ${region.id} > 0 ;;
    relationship: many_to_one
  }
  join: region {
    from: regions
    sql_on: ${customers.region_id} = ${region.id} ;;
    relationship: many_to_one
  }
}

explore: returns {
  view_name: refunds
  join: customers {
    sql_on: ${returns.customer_id} = ${customers.id} ;;
    relationship: many_to_one
  }
}

test: returns_exist {
  explore_source: returns {
    column: n { field: returns.count }
  }
  assert: positive { expression: ${returns.count} > 0 ;; }
}
"""

ORDERS = """view: orders {
  sql_table_name: shop.orders ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: customer_id { sql: ${TABLE}.customer_id ;; }
  measure: count { type: count }
}
"""

CUSTOMERS = """view: customers {
  sql_table_name: shop.customers ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: region_id { sql: ${TABLE}.region_id ;; }
  dimension: country { sql: ${TABLE}.country ;; }
}
"""

# the two views the broken project lacks
REGIONS = """view: regions {
  sql_table_name: shop.regions ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: name { sql: ${TABLE}.name ;; }
  dimension: code { sql: ${TABLE}.code ;; }
}
"""

REFUNDS = """view: refunds {
  sql_table_name: shop.refunds ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: customer_id { sql: ${TABLE}.customer_id ;; }
  dimension: reason { sql: ${TABLE}.reason ;; }
  measure: count { type: count }
}
"""

DASHBOARD = """- dashboard: sales
  title: Sales
  layout: newspaper
  elements:
  - name: by_region
    model: shop
    explore: orders
    type: looker_column
    fields: [region.name, orders.count]
    sorts: [region.name]
    listen:
      Region: region.name
  - name: returns
    model: shop
    explore: returns
    type: looker_column
    fields: [returns.reason, returns.count, customers.country]
    filters:
      returns.reason: "damaged"
    pivots: [returns.reason]
  - name: merged
    type: looker_grid
    merged_queries:
    - model: shop
      explore: orders
      fields: [orders.count, region.name]
    - model: shop
      explore: returns
      fields: [returns.count]
  filters:
  - name: Region
    type: field_filter
    model: shop
    explore: orders
    field: region.name
  - name: Reason
    type: field_filter
    model: shop
    explore: returns
    field: returns.reason
"""


def make_project(root: Path, *, views: bool = False, dashboard: str = DASHBOARD, model: str = MODEL) -> Path:
    """The project; ``views``: with the two views it lacks (the project Looker accepts)."""
    files = {
        "shop.model.lkml": model,
        "views/orders.view.lkml": ORDERS,
        "views/customers.view.lkml": CUSTOMERS,
        "dashboards/sales.dashboard.lookml": dashboard,
    }
    if views:
        files |= {"views/regions.view.lkml": REGIONS, "views/refunds.view.lkml": REFUNDS}
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def check(root: Path, workers: int = 1) -> list[Finding]:
    return run_check(root, cache_dir=None, workers=workers, dialect="bigquery").findings


def summary(findings: list[Finding]) -> list[tuple[str, int | None, str]]:
    return sorted((f.code, f.line, f.message) for f in findings)


def test_with_its_views_the_project_is_clean(tmp_path: Path) -> None:
    assert check(make_project(tmp_path, views=True)) == []


def test_each_missing_view_is_one_finding_counting_what_it_left_unchecked(tmp_path: Path) -> None:
    found = summary(check(make_project(tmp_path)))
    assert found == [
        (
            "REF003",
            MODEL.splitlines().index("  join: region {") + 1,
            # always_filter, fields, the other join's sql_on; by_region's fields, sorts and
            # listen; the merged query's region.name; the Region filter
            "explore orders: join region names view regions, which does not exist; "
            "8 reference(s) through it were not checked",
        ),
        (
            "REF003",
            MODEL.splitlines().index("explore: returns {") + 1,
            # every reference through the explore: its join's sql_on (2); the returns tile's 3
            # fields, filter and pivot; the merged query's; the Reason filter; the test's
            # column and assert
            "explore returns: view refunds does not exist; 11 reference(s) through it were not checked",
        ),
    ], found


def test_the_same_in_forked_shards(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The count does not depend on which process checks the explore and which the dashboard."""
    root = make_project(tmp_path)
    one = summary(check(root))
    monkeypatch.setattr(run_mod, "SHARD_MIN_OBJECTS", 0)  # fork even for this small project
    assert summary(check(root, workers=3)) == one


def test_broken_twins_beside_a_missing_view_are_still_caught(tmp_path: Path) -> None:
    """A typo through a view that exists, in a tile, a dashboard filter, the explore's lists
    and its join SQL, next to references through the missing join: each is reported."""
    dashboard = DASHBOARD.replace("[region.name, orders.count]", "[region.name, orders.cont]").replace(
        "    explore: orders\n    field: region.name", "    explore: orders\n    field: customers.contry"
    )
    model = MODEL.replace("-region.code]", "-region.code, -customers.nme]").replace(
        "AND ${region.id} > 0", "AND ${region.id} > 0 AND ${customers.regon_id} > 0"
    )
    found = {
        (f.code, f.message.split(";")[0])
        for f in check(make_project(tmp_path, dashboard=dashboard, model=model))
    }
    assert found == {
        ("REF003", "explore orders: join region names view regions, which does not exist"),
        ("REF003", "explore returns: view refunds does not exist"),
        ("REF007", "element by_region: fields entry orders.cont is not a field of explore orders"),
        ("REF009", "dashboard filter Region: field customers.contry is not in explore orders"),
        ("REF005", "explore orders: fields entry -customers.nme does not exist"),
        ("REF001", "${customers.regon_id}: field customers.regon_id does not exist"),
    }, found


def test_a_typo_of_a_view_that_exists_is_still_one_finding_per_reference(tmp_path: Path) -> None:
    """With its views, a tile naming a field its view lacks is REF007 at each entry, as before."""
    dashboard = DASHBOARD.replace(
        "[returns.reason, returns.count, customers.country]", "[returns.reason, returns.cont]"
    )
    found = summary(check(make_project(tmp_path, views=True, dashboard=dashboard)))
    assert [(c, m) for c, _line, m in found] == [
        ("REF007", "element returns: fields entry returns.cont is not a field of explore returns")
    ]


CHILD = """view: child {
  extends: [parent_base]
  sql_table_name: shop.child ;;
  dimension: x { sql: ${id} + 1 ;; }
  dimension: y { sql: ${name} ;; }
  dimension: z { sql: ${orders.nope} ;; }
  measure: total {
    type: sum
    sql: ${amount} ;;
  }
}
"""

PARENT = """view: parent_base {
  extension: required
  dimension: id { sql: ${TABLE}.id ;; }
  dimension: name { sql: ${TABLE}.name ;; }
  dimension: amount { sql: ${TABLE}.amount ;; }
}
"""


def test_a_view_extending_a_view_defined_nowhere_is_one_finding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its fields naming fields the missing view may define are counted in LKM005; a
    reference to another view's missing field is still REF001."""
    root = make_project(tmp_path, views=True)
    (root / "views/child.view.lkml").write_text(CHILD)
    (root / "shop.model.lkml").write_text(MODEL + "\nexplore: child {}\n")
    found = summary(check(root))
    assert [(c, m) for c, _line, m in found] == [
        (
            "LKM005",
            "view child extends parent_base, which is not defined; 3 reference(s) of its fields to fields it may define were not checked",
        ),
        ("REF001", "${orders.nope}: field orders.nope does not exist"),
    ], found
    monkeypatch.setattr(run_mod, "SHARD_MIN_OBJECTS", 0)
    assert summary(check(root, workers=3)) == found
    # with the view it extends, each own typo is REF001 again
    (root / "views/parent_base.view.lkml").write_text(PARENT)
    (root / "views/child.view.lkml").write_text(CHILD.replace("${name}", "${nmae}"))
    assert [(c, m) for c, _line, m in summary(check(root))] == [
        ("REF001", "${nmae}: field child.nmae does not exist"),
        ("REF001", "${orders.nope}: field orders.nope does not exist"),
    ]
