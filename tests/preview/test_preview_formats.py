"""Value formats in ``preview``: the bundled block's Error rate as Looker shows it (22.01 %),
and the precedence of element, field and model formats on a small project, run on the real
DuckDB engine over generated logs. Text and HTML show formatted values; CSV keeps the raw
values; JSON keeps them in ``rows`` and adds ``rendered``."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.engines.local import LocalEngine, bundled_sample_dir
from looker_ops.lookml.loader import load_project
from looker_ops.preview.charts import chart_svg
from looker_ops.preview.csv import render_csv
from looker_ops.preview.formatting import rendered_rows
from looker_ops.preview.html import render_html
from looker_ops.preview.model import DashboardPreview, TilePreview, to_dict
from looker_ops.preview.run import preview_dashboard
from looker_ops.preview.text import render_table
from looker_ops.sample_data.generate import generate
from tests.preview import oracle

ROOT = Path(__file__).resolve().parents[2]
OPS = "cloudtrail_operational_activity"
NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)


def invoke(*args: str) -> str:
    result = CliRunner().invoke(
        main,
        [
            "preview",
            OPS,
            "--project",
            str(ROOT / "lookml_project"),
            "--dashboards-dir",
            str(ROOT / "dashboards"),
            *args,
        ],
    )
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture(scope="module")
def sample_rate() -> tuple[int, int]:
    """Errors and events of the bundled sample in the dashboard's default window ("7 days"
    before the sample's last day, 2026-11-20), counted from the JSON records."""
    events = oracle.in_window(
        oracle.load(bundled_sample_dir()), dt.datetime(2026, 11, 14), dt.datetime(2026, 11, 21)
    )
    return sum(1 for e in events if oracle.is_error(e)), len(events)


def test_the_block_error_rate_is_a_percentage_in_text_and_html(sample_rate: tuple[int, int]) -> None:
    errors, events = sample_rate
    assert 0 < errors < events
    expected = f"{100 * errors / events:.2f}%"
    assert expected == "22.01%"  # what Looker shows for the bundled sample (percent_2)
    text = invoke()
    assert re.search(r"^Error rate: 22\.01%  \(", text, re.M), text
    html = invoke("--format", "html")
    block = html[html.index("<h2>Error rate</h2>") :]
    assert block[: block.index("</section>")].count('<div class="big">22.01%</div>') == 1


def test_the_error_rate_column_is_formatted_and_json_keeps_the_raw_values() -> None:
    doc = json.loads(invoke("--format", "json"))
    single = next(t for t in doc["tiles"] if t["title"] == "Error rate")
    assert single["rendered"] == [["22.01%"]]
    assert isinstance(single["rows"][0][0], float) and abs(single["rows"][0][0] - 0.2201) < 5e-5
    assert single["value_formats"] == {"cloudtrail_logs.error_rate": "#,##0.00%"}
    grids = [
        t for t in doc["tiles"] if "cloudtrail_logs.error_rate" in t["columns"] and len(t["columns"]) > 1
    ]
    assert grids, "the dashboard has a table with an Error Rate column"
    for t in grids:
        i = t["columns"].index("cloudtrail_logs.error_rate")
        shown = [r[i] for r in t["rendered"]]
        raw = [r[i] for r in t["rows"]]
        assert all(isinstance(v, (int, float)) for v in raw)
        for v, s in zip(raw, shown, strict=True):
            assert re.fullmatch(r"\d{1,3}\.\d\d%", s), s
            assert abs(float(s[:-1]) - 100 * v) <= 0.005 + 1e-9
        # rates of exactly 0 and 1 show as 0.00% and 100.00%, never "0" or "1"
        assert {"0.00%", "100.00%"} & set(shown) or all(0 < v < 1 for v in raw)
    csv_out = invoke("--format", "csv")
    rates = [r for r in csv.DictReader(io.StringIO(csv_out)) if r["field"] == "cloudtrail_logs.error_rate"]
    assert rates and all("%" not in r["value"] for r in rates)
    assert any(r["value"] == repr(single["rows"][0][0]) for r in rates)


# --------------------------------------------------------------------------- precedence

MODEL = """connection: "athena"
include: "/views/*.view.lkml"
named_value_format: big {
  value_format: "[>=1000]0.0,\\"K\\";0\\" events\\""
  strict_value_format: yes
}
explore: events {}
"""

VIEW = """view: events {
  sql_table_name: cloudtrail.cloudtrail_logs ;;
  dimension: event_id { primary_key: yes sql: ${TABLE}.eventid ;; }
  dimension: region { sql: ${TABLE}.awsregion ;; value_format_name: usd }
  dimension: amount { type: number sql: 1234.5 ;; value_format_name: usd }
  measure: count { type: count value_format_name: big }
  measure: count_own { type: count value_format: "#,##0\\" ev\\"" value_format_name: decimal_2 }
  measure: share { type: number sql: ${count} / 1000.0 ;; value_format_name: percent_1 }
  measure: bad { type: count value_format: "yyyy" }
  measure: unknown { type: count value_format_name: nope }
}
"""

DASHBOARD = """- dashboard: formats
  title: Formats
  layout: newspaper
  elements:
  - name: grid
    title: Grid
    model: m
    explore: events
    type: looker_grid
    fields: [events.region, events.amount, events.count, events.count_own, events.share, events.bad,
      events.unknown]
    sorts: [events.region]
    series_value_format:
      events.share: {name: decimal_2, format_string: "0.000", label: Three decimals}
  - name: total
    title: Total
    model: m
    explore: events
    type: single_value
    fields: [events.count]
    value_format: '#,##0.000,"K"'
  - name: again
    title: Again
    model: m
    explore: events
    type: single_value
    fields: [events.bad]
  - name: share_chart
    title: Share chart
    model: m
    explore: events
    type: looker_bar
    fields: [events.region, events.share]
    sorts: [events.region]
    show_value_labels: true
  - name: by_region
    title: By region
    model: m
    explore: events
    type: looker_grid
    fields: [events.region, events.count_own]
    pivots: [events.region]
    series_value_format:
      events.count_own: "0"
"""


@pytest.fixture(scope="module")
def formats_preview(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[DashboardPreview, Counter[str]]]:
    root = tmp_path_factory.mktemp("formats")
    data = root / "logs"
    generate(data, days=2, seed=3, end=dt.date(2026, 11, 20))
    (root / "project" / "views").mkdir(parents=True)
    (root / "project" / "m.model.lkml").write_text(MODEL, encoding="utf-8")
    (root / "project" / "views" / "events.view.lkml").write_text(VIEW, encoding="utf-8")
    (root / "dashboards").mkdir()
    (root / "dashboards" / "formats.dashboard.lookml").write_text(DASHBOARD, encoding="utf-8")
    project = load_project(root / "project", dashboard_dirs=[root / "dashboards"], cache_dir=None)
    assert not project.problems, project.problems
    by_region = Counter(str(e.get("awsRegion")) for e in oracle.load(data))
    with LocalEngine(data) as engine:
        yield preview_dashboard(project, project.dashboards[0], engine, now=NOW), by_region


def _tile(p: DashboardPreview, name: str) -> TilePreview:
    t = next(t for t in p.tiles if t.name == name)
    assert t.error is None, t.error
    return t


def test_precedence_of_element_field_and_model_formats(
    formats_preview: tuple[DashboardPreview, Counter[str]],
) -> None:
    p, by_region = formats_preview
    grid = _tile(p, "grid")
    assert [r[0] for r in grid.rows] == sorted(by_region)
    for k, row in enumerate(grid.rendered()):
        n = by_region[grid.rows[k][0]]
        assert n < 1000  # the named format's "else" section
        assert row == [
            grid.rows[k][0],  # a string dimension: value_format_name has no effect
            "$1,234.50",  # a number dimension: the built-in usd
            f"{n} events",  # the model's named_value_format "big"
            f"{n:,} ev",  # the field's value_format beats its value_format_name
            f"{n / 1000:.3f}",  # the element's series_value_format (format_string beats name)
            str(n),  # an unsupported format: the raw value
            str(n),  # an undefined name: the raw value
        ]
    assert grid.formats[4] == "0.000" and grid.formats[5:] == [None, None]
    total = _tile(p, "total")
    n = sum(by_region.values())
    # a single-value tile's value_format applies to the value it shows (its first column)
    assert total.rendered() == [[f"{n / 1000:,.3f}K"]]
    assert _tile(p, "again").rendered() == [[str(n)]]
    pivot = _tile(p, "by_region")
    cells = {c: v for c, v in zip(pivot.columns, pivot.rendered()[0], strict=True)}
    # a pivot column takes its measure's series format
    assert cells == {f"events.count_own | {r}": str(by_region[r]) for r in by_region}


def test_unusable_formats_are_reported_once(formats_preview: tuple[DashboardPreview, Counter[str]]) -> None:
    p, _ = formats_preview
    bad = [n for n in p.notes if "events.bad" in n]
    unknown = [n for n in p.notes if "events.unknown" in n]
    assert len(bad) == 1 and "'yyyy' is not supported" in bad[0] and "unformatted" in bad[0]
    assert len(unknown) == 1 and "'nope'" in unknown[0]


def test_renderers_show_formatted_text_and_keep_raw_data(
    formats_preview: tuple[DashboardPreview, Counter[str]],
) -> None:
    p, by_region = formats_preview
    n = sum(by_region.values())
    region, count = sorted(by_region.items())[0]
    text = render_table([p])
    assert f"Total: {n / 1000:,.3f}K" in text
    assert re.search(
        rf"^  {re.escape(region)}\s+\$1,234\.50\s+{count} events\s+{count:,} ev\s", text, re.M
    ), text
    html = render_html([p])
    assert f'<div class="big">{n / 1000:,.3f}K</div>' in html
    assert f'<td class="n">{count:,} ev</td>' in html and '<td class="n">$1,234.50</td>' in html
    rows = list(csv.DictReader(io.StringIO(render_csv([p]))))
    own = [r["value"] for r in rows if r["tile"] == "Grid" and r["field"] == "events.count_own"]
    assert own == [str(by_region[r]) for r in sorted(by_region)]
    doc = to_dict(p)
    grid = next(t for t in doc["tiles"] if t["title"] == "Grid")
    assert grid["rows"][0][3] == count and grid["rendered"][0][3] == f"{count:,} ev"
    assert grid["value_formats"]["events.amount"] == "$#,##0.00"
    assert "events.bad" not in grid["value_formats"]


def test_charts_show_values_and_the_axis_in_the_value_format(
    formats_preview: tuple[DashboardPreview, Counter[str]],
) -> None:
    p, by_region = formats_preview
    t = _tile(p, "share_chart")
    assert t.settings == {"show_value_labels": True}  # read from the element
    svg = chart_svg(t)
    for n in by_region.values():
        # percent_1 of n / 1000: the bar's label and its tooltip
        assert f">{n / 10:.1f}%</text>" in svg
        assert f"Share: {n / 10:.1f}%</title>" in svg, svg
    column = TilePreview(
        title="c",
        type="looker_column",
        columns=t.columns,
        labels=t.labels,
        rows=t.rows,
        dimensions=t.dimensions,
        measures=t.measures,
        formats=t.formats,
        formatted=t.formatted,
    )
    axis = re.findall(r'text-anchor="end">([^<]*)</text>', chart_svg(column))
    # nice ticks (steps of 1, 2 or 5 x 10^n) up to the first past the largest share, in percent_1
    assert 0.2 < max(by_region.values()) / 1000 <= 0.25  # the largest share: 5% steps up to 25%
    assert axis == ["0.0%", "5.0%", "10.0%", "15.0%", "20.0%", "25.0%"]


# --------------------------------------------------------------------------- no format


def test_numbers_without_a_format_show_looker_default_with_thousands_separators(
    sample_rate: tuple[int, int],
) -> None:
    """Events (a count with no value format) is over 1,000 in the sample window: Looker's
    default number format (1,234.56) groups its thousands in text, HTML and JSON's
    ``rendered``; CSV and JSON ``rows`` keep the raw number."""
    _, events = sample_rate
    assert events >= 1000
    assert re.search(rf"^Events: {events:,}  \(", invoke(), re.M)
    html = invoke("--format", "html")
    block = html[html.index("<h2>Events</h2>") :]
    assert f'<div class="big">{events:,}</div>' in block[: block.index("</section>")]
    doc = json.loads(invoke("--format", "json"))
    single = next(t for t in doc["tiles"] if t["title"] == "Events")
    assert single["rows"] == [[events]] and single["rendered"] == [[f"{events:,}"]]
    assert single["value_formats"] == {}
    rows = list(csv.DictReader(io.StringIO(invoke("--format", "csv"))))
    assert [r["value"] for r in rows if r["tile"] == "Events"] == [str(events)]
    # a text column is never grouped; a count column of a table is
    grid = next(t for t in doc["tiles"] if t["title"] == "Recurring errors")
    assert all("," not in r[0] for r in grid["rendered"])


def test_a_numeric_column_without_a_format_in_the_default_number_format() -> None:
    t = TilePreview(
        title="t",
        columns=["v.name", "v.count", "v.avg"],
        rows=[["1234", 12345, 1234.5678], [None, -1000000, 2.5]],
        numeric=[False, True, True],
        formats=[None, None, None],
    )
    t.formatted = rendered_rows(t.rows, t.formats, t.numeric)
    assert t.rendered() == [["1234", "12,345", "1,234.5678"], [None, "-1,000,000", "2.5"]]
    assert t.show(1, 25000.0) == "25,000" and t.show(0, 25000) == "25000"
