"""Benchmark `looker-ops check` on a large generated LookML project.

Generates a project with 2,000 views (50,000+ fields, dimension groups, sets), 100 base views
reached through ``extends``, refinement files, 10 models with 500 explores (joins), and 300
dashboards, then measures, each in a fresh process:

1. lkml only: ``lkml.load`` of every .lkml file, one process (the baseline to beat);
2. cold check: ``run_check`` with an empty parse cache (files parsed in parallel);
3. warm check: the same again, nothing changed (every file from the cache).

For each: wall time and peak memory (max RSS of the process and of its worker processes, from
``resource.getrusage``). Goals (issue 3): cold <= lkml only, warm <= lkml only / 5, peak < 1 GB.

    python benchmarks/check_large.py [--out DIR] [--views 2000] [--dashboards 300] [--keep]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

DIMS_PER_VIEW = 19  # + pk + 1 dimension_group (4 timeframes) + 4 measures = 25 declared fields

# Visualization settings as Looker writes them into a dashboard's elements (the keys a
# "get LookML" of a dashboard carries): each generated element carries a share of them, so the
# dashboards hold a few hundred distinct keys repeated thousands of times, as real ones do.
_VIS_STEMS = {
    "x_axis": [
        "gridlines",
        "label",
        "reversed",
        "scale",
        "zoom",
        "datetime_label",
        "label_rotation",
        "ticks",
        "trim",
        "tick_density",
        "label_size",
        "color",
        "line",
        "position",
    ],
    "y_axis": [
        "gridlines",
        "reversed",
        "scale_mode",
        "combined",
        "tick_density",
        "tick_density_custom",
        "labels",
        "ticks",
        "zoom",
        "unpin",
        "value_format",
        "min",
        "max",
        "orientation",
    ],
    "show": [
        "view_names",
        "y_axis_labels",
        "y_axis_ticks",
        "x_axis_label",
        "x_axis_ticks",
        "value_labels",
        "null_labels",
        "totals_labels",
        "silhouette",
        "null_points",
        "row_numbers",
        "totals",
        "row_totals",
        "sql_query_menu_options",
        "comparison",
        "comparison_label",
        "single_value_title",
        "legend",
        "percent",
        "dropoff",
        "points",
        "points_values",
        "column_headers",
        "transposed",
    ],
    "series": [
        "colors",
        "labels",
        "types",
        "point_styles",
        "value_format",
        "cell_visualizations",
        "text_format",
        "column_widths",
        "stacking",
        "line_width",
        "interpolation",
        "axis_id",
    ],
    "table": [
        "theme",
        "header_bg_color",
        "header_font_color",
        "font_size",
        "row_height",
        "striped",
        "bordered",
        "truncate_text",
        "column_order",
        "pivot_dimension_alignment",
    ],
    "conditional_formatting": ["include_totals", "include_nulls", "rules", "ignored_fields"],
    "comparison": ["type", "reverse_colors", "label", "label_position", "value_format"],
    "map": [
        "plot_mode",
        "tile_provider",
        "position",
        "scale_indicator",
        "pannable",
        "zoomable",
        "marker_type",
        "marker_icon",
        "marker_units",
        "marker_radius_mode",
        "value_colors",
        "value_scale_clamp_min",
        "value_scale_clamp_max",
        "latitude",
        "longitude",
        "zoom",
    ],
    "label": ["density", "type", "value_format", "color", "rotation", "font_size"],
    "legend": ["position", "title", "wrap", "font_size", "value_format", "toggle_mode"],
    "trend_lines": ["type", "color", "period", "regression_type", "label_position"],
    "reference_lines": ["type", "value", "label", "color", "margin_top", "line_value"],
    "header": ["text_alignment", "font_size", "font_color", "background_color"],
    "value": ["labels", "format", "format_override", "color", "font_size"],
    "totals": ["color", "position"],
    "hidden": ["pivots", "points_if_no", "series"],
    "custom": ["color_enabled", "color", "x_column", "y_column", "value_label_column"],
    "quadrants": ["enabled", "color", "label_1", "label_2"],
    "swap": ["axes"],
    "funnel": ["label_type", "bar_colors", "show_percent", "smoothed", "orientation"],
    "box": ["plot_colors", "plot_outliers", "whisker_color", "width"],
    "timeline": ["group_bars", "show_legend", "label_size", "bar_height"],
    "word_cloud": ["rotation", "colors", "min_font", "max_font"],
    "sankey": ["node_colors", "link_opacity", "label_type", "show_null"],
    "waterfall": ["up_color", "down_color", "total_color", "connector_color"],
    "single_value": ["font_size", "title_font_size", "comparison_font_size", "text_alignment"],
    "pivot": ["column_width", "header_color", "total_color", "sort_order"],
    "cell": ["padding", "font_weight", "wrap_text", "alignment"],
    "interpolation": ["mode"],
}
VIS_KEYS = sorted(
    [f"{stem}_{leaf}" for stem, leaves in _VIS_STEMS.items() for leaf in leaves]
    + [
        "stacking",
        "trellis",
        "point_style",
        "ordering",
        "limit_displayed_rows",
        "plot_size_by_field",
        "enable_conditional_formatting",
        "single_value_title",
        "font_size",
        "text_color",
        "color_application",
        "inner_radius",
        "start_angle",
        "end_angle",
        "value_labels",
        "label_type",
        "truncate_column_names",
        "minimum_column_width",
        "defaults_version",
        "up_color",
        "down_color",
        "total_color",
        "groupBars",
        "labelSize",
        "showLegend",
        "charts_across",
        "bin_type",
        "outer_radius",
    ]
)


def gen_view(i: int, extends: str | None) -> str:
    lines = [f"view: v{i} {{"]
    if extends:
        lines.append(f"  extends: [{extends}]")
    lines.append(f"  sql_table_name: @{{SCHEMA}}.table_{i % 50} ;;")
    lines.append("  dimension: id {\n    primary_key: yes\n    type: string\n    sql: ${TABLE}.id ;;\n  }")
    for k in range(DIMS_PER_VIEW):
        if k % 5 == 0:
            lines.append(
                f'  dimension: d{k} {{\n    type: yesno\n    sql: ${{TABLE}}.c{k} > {k} ;;\n    label: "Flag {k}"\n  }}'
            )
        elif k % 5 == 1:
            lines.append(
                f"  dimension: d{k} {{\n    type: number\n    sql: ${{d{k - 1}_raw}} ;;\n  }}".replace(
                    f"${{d{k - 1}_raw}}", f"${{TABLE}}.n{k} * 2"
                )
            )
        else:
            lines.append(
                f"  dimension: d{k} {{\n    type: string\n    sql: coalesce(${{TABLE}}.c{k}, ${{d{k - 1}}}) ;;\n  }}"
            )
    lines.append(
        "  dimension_group: created {\n    type: time\n    timeframes: [raw, date, week, month]\n"
        "    sql: from_iso8601_timestamp(${TABLE}.created_at) ;;\n  }"
    )
    lines.append("  measure: count {\n    type: count\n    drill_fields: [id, d2]\n  }")
    lines.append("  measure: total {\n    type: sum\n    sql: ${d1} ;;\n  }")
    lines.append("  measure: distinct_d2 {\n    type: count_distinct\n    sql: ${d2} ;;\n  }")
    lines.append('  measure: flagged {\n    type: count\n    filters: [d0: "yes"]\n  }')
    lines.append("  set: detail {\n    fields: [id, d2, d3, created_date]\n  }")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _vis_settings(n: int, per_element: int = 90) -> str:
    """``per_element`` visualization keys of element ``n`` (a rotating window over VIS_KEYS)."""
    keys = [VIS_KEYS[(n * 37 + j) % len(VIS_KEYS)] for j in range(per_element)]
    return "".join(f"  {k}: {'true' if j % 3 == 0 else j}\n" for j, k in enumerate(dict.fromkeys(keys)))


def generate(root: Path, n_views: int, n_dash: int) -> dict[str, int]:
    if root.exists():
        shutil.rmtree(root)
    (root / "views").mkdir(parents=True)
    (root / "explores").mkdir()
    (root / "dashboards").mkdir()
    (root / "manifest.lkml").write_text('constant: SCHEMA { value: "bench" }\n')
    n_bases = max(1, n_views // 20)
    for b in range(n_bases):
        (root / "views" / f"base{b}.view.lkml").write_text(
            f"view: base{b} {{\n  extension: required\n  dimension: base_note {{\n    sql: 'base {b}' ;;\n  }}\n"
            f"  measure: base_max {{\n    type: max\n    sql: ${{TABLE}}.n1 ;;\n  }}\n}}\n"
        )
    per_file = 10
    for start in range(0, n_views, per_file):
        text = "".join(
            gen_view(i, f"base{i % n_bases}" if i % 10 == 0 else None)
            for i in range(start, min(n_views, start + per_file))
        )
        (root / "views" / f"v{start:05d}.view.lkml").write_text(text)
    for start in range(0, n_views, 100):
        refs = []
        for i in range(start, min(n_views, start + 100), 7):
            refs.append(
                f'view: +v{i} {{\n  dimension: d2 {{ label: "Refined" }}\n  dimension: extra {{ sql: upper(${{d3}}) ;; }}\n}}\n'
            )
        (root / "views" / f"refine{start:05d}.view.lkml").write_text("".join(refs))
    n_models = 10
    explores_per_model = 50
    for m in range(n_models):
        (root / f"m{m}.model.lkml").write_text(
            f'connection: "athena"\ninclude: "/views/*.view.lkml"\ninclude: "/explores/m{m}_*.explore.lkml"\n'
        )
        for e in range(explores_per_model):
            base = (m * explores_per_model + e) % n_views
            joins = "".join(
                f"  join: v{(base + k) % n_views} {{\n    relationship: many_to_one\n"
                f"    sql_on: ${{v{base}.d{k + 2}}} = ${{v{(base + k) % n_views}.id}} ;;\n  }}\n"
                for k in (1, 2, 3)
            )
            (root / "explores" / f"m{m}_e{e}.explore.lkml").write_text(
                f'explore: v{base} {{\n  label: "Explore {e}"\n{joins}}}\nexplore: +v{base} {{\n  description: "refined"\n}}\n'
            )
    for dnum in range(n_dash):
        m = dnum % n_models
        base = (m * explores_per_model + dnum % explores_per_model) % n_views
        elems = []
        for k in range(8):
            elems.append(
                textwrap.dedent(
                    f"""\
                    - name: t{k}
                      title: Tile {k}
                      model: m{m}
                      explore: v{base}
                      type: looker_grid
                      fields: [v{base}.d{k + 2}, v{base}.created_date, v{base}.count]
                      sorts: [v{base}.count desc]
                      filters:
                        v{base}.d0: "yes"
                      listen:
                        Date: v{base}.created_date
                      limit: 50
                    """
                )
                + _vis_settings(dnum * 8 + k)
            )
        body = "".join(textwrap.indent(e, "  ") for e in elems)
        (root / "dashboards" / f"d{dnum:03d}.dashboard.lookml").write_text(
            f"- dashboard: d{dnum}\n  title: Dashboard {dnum}\n  layout: newspaper\n  filters:\n"
            f"  - name: Date\n    type: date_filter\n    default_value: 7 days\n  elements:\n{body}"
        )
    lkml_files = list(root.rglob("*.lkml"))
    fields = n_views * (1 + DIMS_PER_VIEW + 4 + 4)  # timeframes expanded
    return {
        "views": n_views + n_bases,
        "lkml_files": len(lkml_files),
        "declared_fields": n_views * (1 + DIMS_PER_VIEW + 1 + 4) + n_bases * 2,
        "fields_with_timeframes": fields,
        "explores": n_models * explores_per_model,
        "dashboards": n_dash,
        "vis_keys": len(VIS_KEYS),
        "bytes": sum(p.stat().st_size for p in root.rglob("*") if p.is_file()),
    }


_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, root, cache = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
t = time.perf_counter()
out = {}
if mode == "lkml":
    import lkml
    n = 0
    for p in sorted(root.rglob("*.lkml")):
        lkml.load(p.read_text())
        n += 1
    out["files"] = n
elif mode == "lkml-parse":
    import lkml
    for p in sorted(root.rglob("*.lkml")):
        lkml.parse(p.read_text())
else:
    from looker_ops.check.run import run_check
    r = run_check(root, cache_dir=Path(cache), sql=False)
    out["findings"] = len(r.findings)
    out["codes"] = sorted({f.code for f in r.findings})
    out["views"] = len(r.project.views)
    out["fields"] = sum(len(v.fields) for v in r.project.views.values())
    out["explores"] = len(r.project.explores)
    out["dashboards"] = len(r.project.dashboards)
out["seconds"] = time.perf_counter() - t
out["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(mode: str, root: Path, cache: Path) -> dict[str, object]:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(root), str(cache)], capture_output=True, text=True
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{proc.stderr}")
    out: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall_seconds"] = wall
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="where to generate the project (default: a temp dir)")
    ap.add_argument("--views", type=int, default=2000)
    ap.add_argument("--dashboards", type=int, default=300)
    ap.add_argument("--keep", action="store_true", help="keep the generated project")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="looker-ops-bench-"))
    root = args.out or tmp / "project"
    cache = tmp / "cache"
    try:
        t = time.perf_counter()
        facts = generate(root, args.views, args.dashboards)
        print(
            f"generated {root} in {time.perf_counter() - t:.1f}s: "
            + ", ".join(f"{k}={v}" for k, v in facts.items())
        )
        lk = measure("lkml", root, cache)
        lkp = measure("lkml-parse", root, cache)
        cold = measure("check", root, cache)
        warm = measure("check", root, cache)
        print()
        print(f"{'run':<28}{'seconds':>9}{'wall':>9}{'peak MB':>10}{'workers MB':>12}")
        for name, r in (
            ("lkml.load, one process", lk),
            ("lkml.parse (tree), one proc", lkp),
            ("check, cold (empty cache)", cold),
            ("check, warm (unchanged)", warm),
        ):
            print(
                f"{name:<28}{r['seconds']:>9.2f}{r['wall_seconds']:>9.2f}{r['rss_self_mb']:>10.0f}{r['rss_children_mb']:>12.0f}"
            )
        print()
        print(
            f"check loaded {cold['views']} views, {cold['fields']} fields, {cold['explores']} explores, "
            f"{cold['dashboards']} dashboards; {cold['findings']} findings {cold['codes']}"
        )
        base = float(lk["seconds"])  # type: ignore[arg-type]
        print(
            f"cold / lkml-only = {float(cold['seconds']) / base:.2f} (goal <= 1.0); "  # type: ignore[arg-type]
            f"warm / lkml-only = {float(warm['seconds']) / base:.2f} (goal <= 0.20); "  # type: ignore[arg-type]
            f"peak = {max(float(cold['rss_self_mb']), float(cold['rss_children_mb'])):.0f} MB (goal < 1024)"  # type: ignore[arg-type]
        )
    finally:
        if not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
