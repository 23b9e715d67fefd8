"""Benchmark `looker-ops check` on a large generated LookML project.

Generates a project with 2,000 views (50,000+ fields, dimension groups, sets), 100 base views
reached through ``extends``, refinement files, 10 models with 500 explores (joins), and 300
dashboards of 8 tiles, each tile with 90 of 212 visualization settings Looker writes (quoted
colours, booleans, numbers, words, labels, per-field ``series_*`` mappings, ``{}``/``[]``, and
a ``y_axes`` flow list wrapped over several lines), then measures, each in a fresh process:

1. lkml only: ``lkml.load`` of every .lkml file, one process (the baseline to beat);
2. cold check: ``run_check`` with an empty parse cache (files parsed in parallel);
3. warm check: the same again, nothing changed (every file from the cache).

For each: wall time, CPU seconds (the process and its workers: less disturbed than wall time
by other work on the machine) and peak memory (max RSS of the process and of its worker
processes, from ``resource.getrusage``). Goals (issues 3 and 13): cold <= lkml only, warm <=
lkml only / 5, peak < 1 GB. ``--code DIR`` checks with another checkout's looker_ops (e.g. an
older commit in a ``git worktree``), for a before/after on the same generated project.

    python benchmarks/check_large.py [--out DIR] [--views 2000] [--dashboards 300] [--keep] [--code DIR]
"""

from __future__ import annotations

import argparse
import json
import os
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


_WORDS = ["auto", "linear", "left", "right", "normal", "inline", "circle", "none", "top", "legacy"]
_NESTED = ("series_colors", "series_labels", "series_types", "series_point_styles", "series_text_format")


def _vis_value(key: str, n: int, j: int, fields: list[str]) -> str:
    """A value of the kind Looker writes for ``key``: quoted colours, booleans, numbers, words,
    labels, per-field mappings (``series_colors:`` with one line per field), empty ``{}``/``[]``."""
    h = (n * 7919 + j * 104729) % 0xFFFFFF
    if key in _NESTED:
        if h % 4 == 0:
            return " {}"
        return "".join(f'\n    {f}: "#{(h + i * 4099) % 0xFFFFFF:06X}"' for i, f in enumerate(fields))
    if "color" in key:
        return f' "#{h:06X}"'
    if key.startswith(("show_", "hidden_", "enable_", "swap_")) or key.endswith(
        ("_enabled", "_gridlines", "_reversed", "_zoom", "pannable", "zoomable", "_combined", "_striped")
    ):
        return " true" if h % 3 else " false"
    if key.endswith(("label", "_title", "_label_column")):
        return f" Label {h % 97}" if h % 2 else f" '{h % 13} events'"
    if key.endswith(
        ("_size", "_width", "_height", "_density", "rotation", "_min", "_max", "_radius", "_version")
    ):
        return f" {h % 40 - 10 if key.endswith('rotation') else h % 40}"
    if key.endswith(("_fields", "_order", "_rules")):
        return " []"
    return f" {_WORDS[h % len(_WORDS)]}"


def _vis_settings(n: int, fields: list[str], per_element: int = 90) -> str:
    """``per_element`` visualization keys of element ``n`` (a rotating window over VIS_KEYS),
    then ``y_axes``, a long flow list that Looker's YAML writer wraps over several lines."""
    keys = [VIS_KEYS[(n * 37 + j) % len(VIS_KEYS)] for j in range(per_element)]
    out = "".join(f"  {k}:{_vis_value(k, n, j, fields)}\n" for j, k in enumerate(dict.fromkeys(keys)))
    series = ", ".join(f"{{axisId: {f}, id: {f}, name: Field {i}}}" for i, f in enumerate(fields))
    axes = (
        f"[{{label: '', orientation: left, series: [{series}], showLabels: true, showValues: true,"
        " unpinAxis: false, tickDensity: default, type: linear}]"
    )
    words = axes.split(" ")
    lines, cur = [], "  y_axes:"
    for w in words:  # wrapped at 80 columns, continuation lines indented, as the YAML emitter does
        if len(cur) + 1 + len(w) > 80:
            lines.append(cur)
            cur = "    " + w
        else:
            cur += " " + w
    lines.append(cur)
    return out + "\n".join(lines) + "\n"


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
                      title: Tile {k} of dashboard {dnum}
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
                + _vis_settings(
                    dnum * 8 + k, [f"v{base}.d{k + 2}", f"v{base}.created_date", f"v{base}.count"]
                )
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
ru_self, ru_children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
out["cpu_seconds"] = ru_self.ru_utime + ru_self.ru_stime + ru_children.ru_utime + ru_children.ru_stime
out["rss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["rss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(mode: str, root: Path, cache: Path, code: Path | None = None) -> dict[str, object]:
    env = dict(os.environ)
    if code is not None:  # run another checkout's looker_ops (e.g. an older commit, for before/after)
        env["PYTHONPATH"] = str(code.resolve())
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, mode, str(root), str(cache)],
        capture_output=True,
        text=True,
        env=env,
        cwd=cache.parent,  # not the repository: its looker_ops would shadow --code's
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
    ap.add_argument("--code", type=Path, help="check with the looker_ops of this checkout (before/after)")
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
        cold = measure("check", root, cache, args.code)
        warm = measure("check", root, cache, args.code)
        print()
        print(f"{'run':<28}{'seconds':>9}{'wall':>9}{'cpu s':>8}{'peak MB':>10}{'workers MB':>12}")
        for name, r in (
            ("lkml.load, one process", lk),
            ("lkml.parse (tree), one proc", lkp),
            ("check, cold (empty cache)", cold),
            ("check, warm (unchanged)", warm),
        ):
            print(
                f"{name:<28}{r['seconds']:>9.2f}{r['wall_seconds']:>9.2f}{r['cpu_seconds']:>8.2f}"
                f"{r['rss_self_mb']:>10.0f}{r['rss_children_mb']:>12.0f}"
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
