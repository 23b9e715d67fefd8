"""``tile_query``: the one place a dashboard tile becomes a query (preview, check --sql, tests).

Each rule is checked on hand-built tiles: the tile's own filters, the dashboard filters it
listens to (default values, overrides, empty = any value), what it refuses (text tiles,
merged results, table calculations) and what ``lenient`` (check --sql) leaves out instead.
"""

from __future__ import annotations

from typing import Any

import pytest

from looker_ops.lookml.model import Dashboard, DashboardElement, DashboardFilter
from looker_ops.lookml.query import CompiledQuery, QueryColumn, QueryError, QuerySpec, pivot_rows, tile_query


def _filter(name: str, default: str | None) -> DashboardFilter:
    return DashboardFilter(name, name.title(), "field_filter", "m", "logs", f"logs.{name}", default, 1)


def _element(**changes: Any) -> DashboardElement:
    e = DashboardElement(
        name="t",
        title="T",
        type="looker_column",
        model="m",
        explore="logs",
        fields=["logs.event_date", "logs.events", "logs.region"],
        filters={"logs.region": "us-east-1", "logs.is_error": "Yes"},
        sorts=["logs.event_date desc"],
        pivots=["logs.region"],
        listen={"date": "logs.event_date", "region": "logs.region"},
        limit=50,
        dynamic_fields=[],
        line=3,
    )
    for key, value in changes.items():
        setattr(e, key, value)
    return e


def _dashboard(element: DashboardElement) -> Dashboard:
    return Dashboard(
        "d", "D", "d.dashboard.lookml", 1, None, [_filter("date", "7 days"), _filter("region", "")], [element]
    )


def test_defaults_fill_listened_fields_and_an_empty_value_keeps_the_tiles_own() -> None:
    e = _element()
    assert tile_query(_dashboard(e), e) == QuerySpec(
        model="m",
        explore="logs",
        fields=["logs.event_date", "logs.events", "logs.region"],
        filters={"logs.region": "us-east-1", "logs.is_error": "Yes", "logs.event_date": "7 days"},
        sorts=["logs.event_date desc"],
        pivots=["logs.region"],
        limit=50,
    )


def test_a_dashboard_value_replaces_the_tiles_filter_on_the_listened_field() -> None:
    e = _element()
    spec = tile_query(_dashboard(e), e, {"region": "eu-west-1", "date": ""})
    # the date filter set to "any value": no filter on the date at all
    assert spec.filters == {"logs.region": "eu-west-1", "logs.is_error": "Yes"}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"type": "text"}, "text tile: nothing to query"),
        ({"explore": None}, "no explore and fields"),
        ({"fields": []}, "no explore and fields"),
        ({"props": {"merged_queries": [{"model": "m"}]}}, "merged results"),
        (
            {"fields": ["logs.events", "share"], "dynamic_fields": [{"table_calculation": "share"}]},
            "table calculations (share) are not supported",
        ),
        ({"listen": {"account": "logs.account"}}, "listens to filter 'account'"),
    ],
)
def test_what_a_tile_query_refuses(changes: dict[str, Any], message: str) -> None:
    e = _element(**changes)
    with pytest.raises(QueryError, match=message.replace("(", r"\(").replace(")", r"\)")):
        tile_query(_dashboard(e), e)


def test_lenient_leaves_out_custom_fields_and_missing_filters() -> None:
    e = _element(
        fields=["logs.region", "logs.events", "share"],
        dynamic_fields=[{"table_calculation": "share"}],
        sorts=["share desc", "logs.events"],
        listen={"account": "logs.account", "date": "logs.event_date"},
    )
    spec = tile_query(_dashboard(e), e, lenient=True)
    assert spec.fields == ["logs.region", "logs.events"]
    assert spec.sorts == ["logs.events"]
    assert spec.filters["logs.event_date"] == "7 days" and "logs.account" not in spec.filters


def test_pivot_columns_follow_the_pivot_s_order_by_field_else_text() -> None:
    """Looker orders a pivot's columns by the pivot's order_by_field (4.2 before 4.10), and a
    pivot without one as text (4.10 before 4.2); the ordering column itself is not shown."""
    rows = [["d1", "4.10 x", 10, 5], ["d1", "4.2 y", 2, 7], ["d2", "4.2 y", 2, 1], ["d2", None, None, 3]]

    def query(order_ref: str) -> CompiledQuery:
        cols = [
            QueryColumn("v.day", "Day", "dimension", "date", True),
            QueryColumn(
                "v.control", "Control", "dimension", "string", False, pivot=True, order_ref=order_ref
            ),
            QueryColumn("v.number", "Number", "dimension", "number", False, orders="v.control"),
            QueryColumn("v.n", "N", "measure", "count", False),
        ]
        spec = QuerySpec(model="m", explore="v", fields=["v.day", "v.control", "v.n"], pivots=["v.control"])
        return CompiledQuery(spec=spec, sql="", columns=cols, filters={}, joins=[], parsed={}, limit=500)

    names, out = pivot_rows(query("v.number"), rows)
    assert names == ["v.day", "v.n | 4.2 y", "v.n | 4.10 x", "v.n | ∅"]
    assert out == [["d1", 7, 5, None], ["d2", 1, None, 3]]
    names, _ = pivot_rows(query(""), rows)
    assert names == ["v.day", "v.n | 4.10 x", "v.n | 4.2 y", "v.n | ∅"]
