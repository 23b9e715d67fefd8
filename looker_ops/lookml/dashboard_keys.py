"""The keys of LookML dashboards, elements and filters that the dashboard reader knows, and the
built-in element types (:mod:`looker_ops.lookml.dashboards` reads dashboards with them)."""

from __future__ import annotations

__all__ = [
    "DASHBOARD_KEYS",
    "ELEMENT_KEYS",
    "ELEMENT_TYPES",
    "FILTER_KEYS",
    "IDENTITY_KEYS",
    "VIS_SETTINGS_NEAR_STRUCTURAL",
]

DASHBOARD_KEYS = frozenset(
    [
        "dashboard",
        "title",
        "extends",
        "extension",
        "layout",
        "rows",
        "tile_size",
        "width",
        "auto_run",
        "crossfilter_enabled",
        "description",
        "embed_style",
        "enable_viz_full_screen",
        "filters_bar_collapsed",
        "filters_location_top",
        "load_configuration",
        "preferred_slug",
        "preferred_viewer",
        "query_timezone",
        "refresh",
        "elements",
        "filters",
        "label",
        "tabs",
    ]
)
FILTER_KEYS = frozenset(
    [
        "name",
        "title",
        "type",
        "default_value",
        "allow_multiple_values",
        "required",
        "ui_config",
        "model",
        "explore",
        "field",
        "listens_to_filters",
        "vis_filter",
    ]
)
# The structural keys of a dashboard element (placement, query, text, notes): an unknown key
# close to one of these is a typo, not a visualization setting.
ELEMENT_KEYS = frozenset(
    [
        "name",
        "title",
        "type",
        "height",
        "width",
        "top",
        "left",
        "row",
        "col",
        "refresh",
        "note",
        "note_state",
        "note_display",
        "note_text",
        "title_text",
        "subtitle_text",
        "body_text",
        "rich_content_json",
        "model",
        "explore",
        "dimensions",
        "measures",
        "fields",
        "fill_fields",
        "sorts",
        "pivots",
        "limit",
        "column_limit",
        "filters",
        "listen",
        "query_timezone",
        "merged_queries",
        "join_fields",
        "hidden_fields",
        "dynamic_fields",
        "total",
        "row_total",
        "subtotals",
        "tab_name",
        "group",
    ]
)
# Real visualization settings that happen to look like a near miss of a structural key.
VIS_SETTINGS_NEAR_STRUCTURAL = frozenset(["show_totals", "totals_color", "hidden_pivots"])


ELEMENT_TYPES = frozenset(
    [
        "text",
        "button",
        "looker_line",
        "looker_area",
        "looker_bar",
        "looker_column",
        "looker_scatter",
        "looker_pie",
        "looker_donut_multiples",
        "looker_single_record",
        "looker_grid",
        "looker_map",
        "looker_geo_coordinates",
        "looker_geo_choropleth",
        "looker_funnel",
        "looker_timeline",
        "looker_waterfall",
        "looker_boxplot",
        "looker_wordcloud",
        "single_value",
        "table",
        "looker_google_map",
        "looker_area_stacked",
        "looker_bar_stacked",
        "looker_sankey",
        "looker_timeline_chart",
        "looker_scatter_chart",
        "looker_column_stacked",
        "looker_single_value",
        "looker_table",
        "looker_pivot_table",
        "marketplace_viz_report_table",
    ]
)

# Keys that say what a dashboard, element or filter is and what it queries: one given twice is a
# warning. A visualization setting given twice is only info: files Looker itself exported carry
# such repeats (``series_colors``...), and Looker keeps the later value as any YAML reader does.
IDENTITY_KEYS = frozenset(
    {"dashboard", "preferred_slug", "title", "name", "extends", "type", "elements", "default_value", "field"}
    | {"model", "explore", "fields", "filters", "sorts", "pivots", "listen", "limit", "column_limit"}
    | {"dynamic_fields", "merged_queries", "query", "fill_fields", "subtotals", "total", "row_total"}
)
