"""Where dashboard findings point, and how the report names them, on a project shaped as real
ones are (a model including its views and a dashboards folder, a dashboard with several tiles,
one of them a merged query, and a dashboard filter):

- a finding about a key of an element or filter points at that key's line (``explore:``,
  ``model:``, ``fields:``, ``field:``…), not at the element's first line;
- each JUnit testcase has a name of its own, the same from run to run.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from click.testing import CliRunner

from looker_ops.check.render import junit_names
from looker_ops.check.run import run_check
from looker_ops.cli import main
from looker_ops.findings import Finding, Severity

MODEL = """connection: "warehouse"
include: "/views/*.view"
include: "/dashboards/*.dashboard"

explore: orders {
  join: customers {
    sql_on: ${orders.customer_id} = ${customers.id} ;;
    relationship: many_to_one
  }
}
"""

ORDERS = """view: orders {
  sql_table_name: shop.orders ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: customer_id {
    sql: ${TABLE}.customer_id ;;
  }
  dimension_group: created {
    type: time
    timeframes: [date, month]
    sql: ${TABLE}.created_at ;;
  }
  measure: count {
    type: count
  }
}
"""

CUSTOMERS = """view: customers {
  sql_table_name: shop.customers ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: country {
    sql: ${TABLE}.country ;;
  }
}
"""

# Lines matter: the tests below name them.
DASHBOARD = """- dashboard: sales
  title: Sales
  layout: newspaper
  elements:
  - title: Orders by month
    name: orders_by_month
    model: shop
    explore: orders
    type: looker_line
    fields: [orders.created_month, orders.count]
    sorts: [orders.created_month desc]
    listen:
      Country: customers.country
  - title: By country
    name: by_country
    model: shop
    explore: orders
    type: looker_column
    fields: [customers.country, orders.count]
    filters:
      orders.created_date: 7 days
  - title: Merged
    name: merged
    type: looker_grid
    merged_queries:
    - model: shop
      explore: orders
      fields: [orders.created_month, orders.count]
    - model: shop
      explore: orders
      fields: [customers.country, orders.count]
  filters:
  - name: Country
    title: Country
    type: field_filter
    model: shop
    explore: orders
    field: customers.country
"""


def make_project(root: Path, dashboard: str = DASHBOARD) -> Path:
    files = {
        "shop.model.lkml": MODEL,
        "views/orders.view.lkml": ORDERS,
        "views/customers.view.lkml": CUSTOMERS,
        "dashboards/sales.dashboard.lookml": dashboard,
    }
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text)
    return root


def check(root: Path) -> list[Finding]:
    return run_check(root, cache_dir=None, workers=1, dialect="bigquery").findings


def line_of(text: str, needle: str, after: str = "") -> int:
    """The 1-based line of the first line holding ``needle`` after the line holding ``after``."""
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if after in ln) if after else 0
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def test_the_valid_project_has_no_finding(tmp_path: Path) -> None:
    assert check(make_project(tmp_path)) == []


def test_a_missing_explore_points_at_the_explore_line(tmp_path: Path) -> None:
    text = DASHBOARD.replace(
        "    explore: orders\n    type: looker_column", "    explore: ordres\n    type: looker_column"
    )
    (f,) = check(make_project(tmp_path, text))
    assert f.code == "REF006" and "shop::ordres" in f.message and "did you mean orders" in f.message
    assert f.line == line_of(text, "explore: ordres")


def test_a_missing_model_points_at_the_model_line(tmp_path: Path) -> None:
    text = DASHBOARD.replace(
        "    model: shop\n    explore: orders\n    type: looker_line",
        "    model: shoop\n    explore: orders\n    type: looker_line",
    )
    (f,) = check(make_project(tmp_path, text))
    assert f.code == "REF006" and "model shoop does not exist" in f.message
    assert f.line == line_of(text, "model: shoop")


def test_an_element_with_fields_and_no_explore_points_at_the_element(tmp_path: Path) -> None:
    text = DASHBOARD.replace("    explore: orders\n    type: looker_column", "    type: looker_column")
    (f,) = check(make_project(tmp_path, text))
    assert f.code == "REF006" and f.line == line_of(text, "- title: By country")


def test_a_merged_query_finding_points_at_the_querys_own_explore_line(tmp_path: Path) -> None:
    text = DASHBOARD.replace(
        "      explore: orders\n      fields: [customers", "      explore: ordres\n      fields: [customers"
    )
    (f,) = check(make_project(tmp_path, text))
    assert f.code == "REF006" and f.line == line_of(text, "explore: ordres")


def test_a_dashboard_filter_points_at_its_offending_key(tmp_path: Path) -> None:
    bad_field = DASHBOARD.replace("    field: customers.country", "    field: customers.contry")
    (f,) = check(make_project(tmp_path, bad_field))
    assert f.code == "REF009" and "customers.contry" in f.message
    assert f.line == line_of(bad_field, "field: customers.contry")
    bad_explore = DASHBOARD.replace("    explore: orders\n    field:", "    explore: ordres\n    field:")
    (f,) = check(make_project(tmp_path, bad_explore))
    assert f.code == "REF009" and f.line == line_of(bad_explore, "explore: ordres")
    bad_default = DASHBOARD.replace(
        "    field: customers.country", "    field: orders.created_date\n    default_value: 7 dayz"
    )
    (f,) = check(make_project(tmp_path, bad_default))
    assert f.code == "REF012" and f.line == line_of(bad_default, "default_value: 7 dayz")


def test_field_listen_and_extends_findings_point_at_their_keys(tmp_path: Path) -> None:
    text = (
        DASHBOARD.replace(
            "[orders.created_month, orders.count]\n    sorts",
            "[orders.created_mnth, orders.count]\n    sorts",
        )
        .replace("      Country: customers.country", "      Country: customers.contry")
        .replace("  layout: newspaper", "  layout: newspaper\n  extends: sales_template")
    )
    found = {(f.code, f.line) for f in check(make_project(tmp_path, text))}
    assert found == {
        ("REF007", line_of(text, "fields: [orders.created_mnth")),
        ("REF008", line_of(text, "Country: customers.contry")),  # the entry, not the `listen:` key
        ("LKM005", line_of(text, "extends: sales_template")),
    }, found


def test_junit_testcase_names_are_unique_and_stable(tmp_path: Path) -> None:
    """Two bad entries of one `fields:` line give two REF007 findings on one object and line;
    each gets a name of its own, and the names do not change with the line."""
    text = DASHBOARD.replace(
        "[customers.country, orders.count]\n    filters", "[customers.contry, orders.cont]\n    filters"
    )
    root = make_project(tmp_path, text)
    out = CliRunner().invoke(
        main, ["check", str(root), "--no-cache", "--dialect", "bigquery", "--format", "junit"]
    )
    assert out.exit_code == 1, out.output
    suite = ET.fromstring(out.output.split("\n", 1)[1]).find("testsuite")
    assert suite is not None
    cases = suite.findall("testcase")
    assert len(cases) == int(suite.get("tests", "0")) == 2 and suite.get("failures") == "2"
    names = [c.get("name") for c in cases]
    assert len(set(names)) == 2, names
    assert all(c.get("time") == "0" and c.find("failure") is not None for c in cases)
    assert {c.find("failure").get("type") for c in cases} == {"REF007"}  # type: ignore[union-attr]
    # a blank line above moves both findings: the names stay
    (root / "dashboards/sales.dashboard.lookml").write_text("\n" + text)
    again = CliRunner().invoke(
        main, ["check", str(root), "--no-cache", "--dialect", "bigquery", "--format", "junit"]
    )
    moved = ET.fromstring(again.output.split("\n", 1)[1]).find("testsuite")
    assert moved is not None and [c.get("name") for c in moved.findall("testcase")] == names


def test_junit_names_of_findings_alike_but_for_the_line() -> None:
    same = [
        Finding("REF004", Severity.WARNING, "x is not a field", "v.view.lkml", n, "view:v") for n in (3, 3, 9)
    ]
    assert junit_names(same, lambda p: p) == [
        "REF004 view:v: x is not a field (line 3)",
        "REF004 view:v: x is not a field (line 3) #2",
        "REF004 view:v: x is not a field (line 9)",
    ]
    no_where = [
        Finding("LKM001", Severity.ERROR, "syntax", "a.view.lkml", 1),
        Finding("X", Severity.INFO, "m"),
    ]
    assert junit_names(no_where, lambda p: p) == ["LKM001 a.view.lkml: syntax", "X project: m"]


def test_entries_of_wrapped_lists_and_mappings_point_at_their_own_line(tmp_path: Path) -> None:
    """A field in a `fields:` list wrapped over lines, a `filters:` entry, a `sorts:` entry and
    a `listen:` entry each point at the line the entry is on, not at its key's line."""
    text = (
        DASHBOARD.replace(
            "    fields: [customers.country, orders.count]\n    filters:\n      orders.created_date: 7 days",
            "    fields: [customers.country,\n      orders.cont]\n    filters:\n      orders.created_date: 7 days\n"
            "      customers.contry: France",
        )
        .replace(
            "    sorts: [orders.created_month desc]",
            "    sorts: [orders.created_month desc,\n      orders.idd desc]",
        )
        .replace("      Country: customers.country", "      Region: customers.country")
    )
    found = sorted((f.code, f.line) for f in check(make_project(tmp_path, text)))
    assert found == sorted(
        [
            ("REF007", line_of(text, "orders.cont]")),
            ("REF007", line_of(text, "customers.contry: France")),
            ("REF007", line_of(text, "orders.idd desc]")),
            ("REF008", line_of(text, "Region: customers.country")),
        ]
    ), found


def test_set_members_and_drill_fields_point_at_their_own_line(tmp_path: Path) -> None:
    orders = ORDERS.replace(
        "  measure: count {\n    type: count\n  }",
        "  measure: count {\n    type: count\n    drill_fields: [\n      id,\n      created_dte\n    ]\n  }\n"
        "  set: detail {\n    fields: [id,\n      custmer_id]\n  }",
    )
    root = make_project(tmp_path)
    (root / "views/orders.view.lkml").write_text(orders)
    found = sorted((f.code, f.line) for f in check(root))
    assert found == sorted(
        [("REF004", line_of(orders, "created_dte")), ("REF004", line_of(orders, "custmer_id]"))]
    ), found


def test_each_bad_merged_query_has_its_own_finding_at_its_own_line(tmp_path: Path) -> None:
    """The reader keeps no lines inside ``merged_queries``: each query's keys are found in the
    file, so each bad query is reported once, at its own ``explore:`` / ``model:`` /
    ``fields:`` line."""
    text = DASHBOARD.replace(
        "    - model: shop\n      explore: orders\n      fields: [orders.created_month",
        "    - model: shop\n      explore: ordres\n      fields: [orders.created_month",
    ).replace(
        "    - model: shop\n      explore: orders\n      fields: [customers",
        "    - model: shp\n      explore: orders\n      fields: [customers",
    )
    found = sorted(check(make_project(tmp_path, text)), key=lambda f: f.line or 0)
    assert [(f.code, f.line) for f in found] == [
        ("REF006", line_of(text, "explore: ordres")),
        ("REF006", line_of(text, "- model: shp")),
    ], found
    same = DASHBOARD.replace(
        "      explore: orders\n      fields: [", "      explore: ordres\n      fields: ["
    )
    assert same.count("explore: ordres") == 2
    found = check(make_project(tmp_path, same))
    both = [k for k, ln in enumerate(same.splitlines(), 1) if "explore: ordres" in ln]
    assert sorted(f.line for f in found if f.code == "REF006") == both
    fields = DASHBOARD.replace(
        "fields: [customers.country, orders.count]\n  filters",
        "fields: [customers.contry, orders.count]\n  filters",
    )
    assert fields != DASHBOARD
    (f,) = check(make_project(tmp_path, fields))
    assert f.code == "REF007" and f.line == line_of(fields, "customers.contry")


def test_merged_queries_in_flow_style_stay_at_the_merged_queries_line(tmp_path: Path) -> None:
    text = DASHBOARD.replace(
        "    merged_queries:\n    - model: shop\n      explore: orders\n      fields: [orders.created_month, orders.count]\n"
        "    - model: shop\n      explore: orders\n      fields: [customers.country, orders.count]\n",
        "    merged_queries: [{model: shop, explore: ordres, fields: [orders.count]},\n"
        "      {model: shop, explore: orders, fields: [orders.count]}]\n",
    )
    assert "ordres" in text
    (f,) = check(make_project(tmp_path, text))
    assert f.code == "REF006" and f.line == line_of(text, "merged_queries:")
