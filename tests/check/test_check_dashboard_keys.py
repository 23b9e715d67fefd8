"""DSH002 near misses: typos of structural dashboard element keys are reported with a hint,
while visualization settings stay free."""

from __future__ import annotations

import pytest

from looker_ops.lookml.dashboards import ELEMENT_KEYS, near_miss, parse_dashboard_text

DASH = """- dashboard: d
  title: D
  {dash_extra}
  filters:
  - name: Date
    type: date_filter
    {filter_extra}
  elements:
  - name: t
    model: m
    explore: e
    fields: [e.x]
    {element_extra}
"""


def problems(
    dash_extra: str = "layout: newspaper",
    filter_extra: str = "title: Date",
    element_extra: str = "type: looker_grid",
):
    _, probs = parse_dashboard_text(
        DASH.format(dash_extra=dash_extra, filter_extra=filter_extra, element_extra=element_extra),
        "d.dashboard.lookml",
    )
    return probs


@pytest.mark.parametrize(
    ("typo", "meant"),
    [
        ("lisen", "listen"),
        ("listen_to", "listen"),
        ("widht", "width"),
        ("hiden_fields", "hidden_fields"),
        ("sort", "sorts"),
        ("merge_queries", "merged_queries"),
        ("heigth", "height"),
    ],
)
def test_element_key_typo_is_reported_with_its_line_and_the_key_meant(typo: str, meant: str) -> None:
    (p,) = problems(element_extra=f"{typo}: x")
    assert p.code == "DSH002" and p.line == 13
    assert f"`{typo}`" in p.message and f"did you mean {meant}?" in p.message


@pytest.mark.parametrize(
    "setting",
    [
        "show_totals",
        "show_row_totals",
        "series_colors",
        "colors",
        "color_application",
        "stacking",
        "show_view_names",
        "legend_position",
        "limit_displayed_rows",
        "value_labels",
        "map_position",
    ],
)
def test_visualization_settings_stay_free(setting: str) -> None:
    assert problems(element_extra=f"{setting}: x") == []


def test_dashboard_and_filter_key_typos_get_a_hint() -> None:
    (p,) = problems(dash_extra="titel: x")
    assert p.line == 3 and "did you mean title?" in p.message
    (p,) = problems(filter_extra="defualt_value: 7 days")
    assert p.line == 7 and "did you mean default_value?" in p.message
    (p,) = problems(dash_extra="colour: red")
    assert p.message == "unknown dashboard key `colour`"  # nothing close: no guess


def test_near_miss_needs_to_be_close() -> None:
    assert near_miss("lisen", ELEMENT_KEYS) == "listen"
    assert near_miss("map", ELEMENT_KEYS) is None  # 2 edits from `top`, too far for a 3-letter key
    assert near_miss("show_single_value_title", ELEMENT_KEYS) is None
