"""A production-shaped project (tests/check/realistic_project/) that Looker accepts: several
models each with its own views (two views named ``preview``), a dependency that is not here,
dashboards included by folder wildcards, pivots with pivot-index sorts, merged queries, a
template dashboard with ``extends``, ``type: list``, ``create_process``, join aliases, Liquid
from Looker's documentation and BigQuery SQL.

``check --dialect bigquery`` reports no error and no warning on it (only the dependency's info);
each construct also has a broken twin (one edit of the project) that is still caught."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from looker_ops.check.run import run_check
from looker_ops.findings import Severity

PROJECT = Path(__file__).parent / "realistic_project"


def check(root: Path, **kw: object):  # type: ignore[no-untyped-def]
    return run_check(root, cache_dir=None, workers=1, dialect="bigquery", **kw)  # type: ignore[arg-type]


def test_the_realistic_project_checks_clean_under_bigquery() -> None:
    result = check(PROJECT)
    assert [(f.code, f.severity) for f in result.findings] == [("LKM007", Severity.INFO)], "\n".join(
        f"{f.code} {f.file}:{f.line} {f.message}" for f in result.findings
    )
    info = result.findings[0]
    assert "ga360" in info.message and "--dependency ga360=PATH" in info.message
    assert any(n.startswith("--sql skipped: the project's SQL is bigquery") for n in result.notes)
    project = result.project
    # views belong to their models: each model sees its own `preview`
    assert set(project.view_for("sales", "preview").fields) == {"order_id", "thumbnail_url"}  # type: ignore[union-attr]
    assert set(project.view_for("marketing", "preview").fields) == {"campaign_id", "headline"}  # type: ignore[union-attr]
    # dashboards included by a folder wildcard belong to the model that includes them
    models = {d.name: d.models for d in project.dashboards}
    assert models["sales_overview"] == ["sales"] and models["campaign_performance"] == ["marketing"]
    # the extending dashboard has the template's elements, the overridden one merged
    emea = next(d for d in project.dashboards if d.name == "emea_sales")
    by_name = {e.name: e for e in emea.elements}
    assert set(by_name) == {"regional_revenue", "regional_orders", "emea_mobile"}
    assert by_name["regional_orders"].pivots == ["orders.status"]
    assert by_name["regional_orders"].explore == "orders"


def test_under_athena_the_athena_rules_run_but_reference_rules_agree() -> None:
    """The same project checked as Athena: no reference finding changes (only Athena rules and
    SQL006, which is for other dialects, differ)."""
    result = run_check(PROJECT, cache_dir=None, workers=1, sql=False)
    refs = [f for f in result.findings if f.code.startswith(("REF", "LKM", "DSH"))]
    assert [f.code for f in refs] == ["LKM007"]


def ga360(tmp_path: Path) -> Path:
    """A local checkout of the ga360 dependency."""
    dep = tmp_path / "ga360"
    (dep / "views").mkdir(parents=True)
    (dep / "views" / "ga_sessions.view.lkml").write_text(
        "view: ga_sessions {\n  sql_table_name: `ga.sessions` ;;\n"
        "  dimension: user_id { sql: ${TABLE}.user_id ;; }\n"
        "  dimension: device_category { sql: ${TABLE}.device.category ;; }\n}\n"
    )
    return dep


def test_the_dependency_given_as_a_folder_is_resolved(tmp_path: Path) -> None:
    dep = ga360(tmp_path)
    result = check(PROJECT, dependencies={"ga360": dep})
    assert result.findings == [], [f"{f.code} {f.file}:{f.line} {f.message}" for f in result.findings]
    # now the refinement is checked against the real view: a misspelt field is caught
    (dep / "views" / "ga_sessions.view.lkml").write_text(
        "view: ga_sessions {\n  sql_table_name: `ga.sessions` ;;\n"
        "  dimension: user_id { sql: ${TABLE}.user_id ;; }\n"
        "  dimension: device { sql: ${TABLE}.device.category ;; }\n}\n"
    )
    result = check(PROJECT, dependencies={"ga360": dep})
    assert [(f.code, f.file) for f in result.findings] == [
        ("REF001", "views/sales/ga_sessions_refinement.view.lkml")
    ]


# (construct, file, text, replacement, expected code, file of the finding)
BROKEN = [
    (
        "dashboards included by a folder wildcard",
        "models/sales.model.lkml",
        'include: "/dashboards/sales/*"',
        'include: "/dashboards/sale/*"',
        "LKM002",
        "models/sales.model.lkml",
    ),
    (
        "element explore resolved in the including model",
        "LookML_Dashboard/campaigns.dashboard.lookml",
        "    explore: campaigns\n    type: looker_pie",
        "    explore: campaign\n    type: looker_pie",
        "REF006",
        "LookML_Dashboard/campaigns.dashboard.lookml",
    ),
    (
        "pivot-index sort",
        "dashboards/sales/overview.dashboard.lookml",
        "orders.status desc 0",
        "orders.statsu desc 0",
        "REF007",
        "dashboards/sales/overview.dashboard.lookml",
    ),
    (
        "merged query listen list",
        "dashboards/sales/overview.dashboard.lookml",
        "    - Date: daily_sales.sale_date",
        "    - Date: daily_sales.sale_day",
        "REF008",
        "dashboards/sales/overview.dashboard.lookml",
    ),
    (
        "template dashboard extends",
        "dashboards/sales/emea.dashboard.lookml",
        "extends: regional_template",
        "extends: regional_templat",
        "LKM005",
        "dashboards/sales/emea.dashboard.lookml",
    ),
    (
        "element override of an extended dashboard",
        "dashboards/sales/emea.dashboard.lookml",
        "fields: [orders.created_week, orders.status, orders.count]",
        "fields: [orders.created_week, orders.state, orders.count]",
        "REF007",
        "dashboards/sales/emea.dashboard.lookml",
    ),
    (
        "bare ${field} in sql_always_where",
        "models/sales.model.lkml",
        "sql_always_where: ${status} != 'test'",
        "sql_always_where: ${statsu} != 'test'",
        "REF001",
        "models/sales.model.lkml",
    ),
    (
        "type: list",
        "views/sales/orders.view.lkml",
        "list_field: status",
        "list_field: statsu",
        "REF001",
        "views/sales/orders.view.lkml",
    ),
    (
        "create_process",
        "views/sales/order_facts.view.lkml",
        "SELECT user_id, COUNT(*) FROM `@{DATASET}.orders` GROUP BY user_id ;;",
        "SELECT ${orders.user_idd}, COUNT(*) FROM `@{DATASET}.orders` GROUP BY 1 ;;",
        "REF001",
        "views/sales/order_facts.view.lkml",
    ),
    (
        "join alias",
        "views/sales/orders.view.lkml",
        "CONCAT(${buyer.name}, ' ('",
        "CONCAT(${buyer.nmae}, ' ('",
        "REF001",
        "views/sales/orders.view.lkml",
    ),
    (
        "views of the same name in two models",
        "models/marketing.model.lkml",
        "${campaigns.id} = ${preview.campaign_id}",
        "${campaigns.id} = ${preview.order_id}",
        "REF001",
        "models/marketing.model.lkml",
    ),
    (
        "a view defined twice in one model",
        "models/marketing.model.lkml",
        'include: "/views/marketing/*.view.lkml"',
        'include: "/views/marketing/*.view.lkml"\ninclude: "/views/sales/preview.view.lkml"',
        "REF010",
        None,
    ),
    (
        "a missing dependency",
        "manifest.lkml",
        "remote_dependency: ga360 {",
        "remote_dependency_x: ga360 {",
        None,
        None,
    ),
    (
        "Liquid from the docs",
        "views/sales/orders.view.lkml",
        "{% else %} ${TABLE}.gross_amount {% endif %}",
        "{% else %} ${TABLE}.gross_amount",
        "REF011",
        "views/sales/orders.view.lkml",
    ),
    (
        "BigQuery SQL",
        "views/sales/daily_sales.view.lkml",
        "SAFE_DIVIDE(revenue, SUM(revenue) OVER (PARTITION BY sale_date))",
        "SAFE_DIVIDE(revenue, SUM(revenue) OVER (PARTITION BY sale_date)",
        "SQL006",
        "views/sales/daily_sales.view.lkml",
    ),
]


@pytest.mark.parametrize("case", BROKEN, ids=[c[0] for c in BROKEN])
def test_each_construct_has_a_broken_twin_that_is_caught(tmp_path: Path, case: tuple) -> None:  # type: ignore[type-arg]
    construct, rel, old, new, code, where = case
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root)
    path = root / rel
    text = path.read_text()
    assert old in text, f"{construct}: the realistic project no longer has {old!r}"
    path.write_text(text.replace(old, new, 1))
    # a dashboard may extend one of a dependency: with the dependency here, a bad name is an error
    result = check(root, dependencies={"ga360": ga360(tmp_path)}) if code == "LKM005" else check(root)
    if code is None:
        # without the dependency declared anywhere, the dependency's include and names are errors
        path = root / "models/sales.model.lkml"
        path.write_text(path.read_text().replace('include: "//ga360/views/ga_sessions.view"\n', ""))
        result = check(root)
        codes = {f.code for f in result.findings if f.severity is Severity.ERROR}
        assert {"LKM004", "REF003"} <= codes, [f"{f.code} {f.message}" for f in result.findings]
        return
    found = [f for f in result.findings if f.code == code and (where is None or f.file == where)]
    assert found, f"{construct}: no {code} in " + "; ".join(
        f"{f.code} {f.file}:{f.line} {f.message}" for f in result.findings
    )
