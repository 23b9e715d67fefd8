"""`looker-ops preview` from the command line: formats, --out, --all, exit codes, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from preview import oracle

from looker_ops.cli import main
from looker_ops.preview import DashboardPreview, TilePreview, chart_svg, render_csv, render_html, render_table
from looker_ops.sample_data import generate

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent / "preview"
NOW = "2026-11-20T12:00:00Z"
CIS = "cloudtrail_cis_aws_foundations"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ct")
    generate(root, days=9, seed=3, end=dt.date(2026, 11, 20))
    return root


def invoke(*args: str) -> tuple[int, str, str]:
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "preview",
            "--project",
            str(ROOT / "lookml_project"),
            "--dashboards-dir",
            str(ROOT / "dashboards"),
            *args,
        ],
    )
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def all_json(data: Path) -> list[dict[str, Any]]:
    code, out, _ = invoke("--all", "--data", str(data), "--now", NOW, "--format", "json")
    assert code == 0
    docs = json.loads(out)
    assert isinstance(docs, list)
    return docs


def test_json_shape_and_numbers(data: Path, all_json: list[dict[str, Any]]) -> None:
    doc = next(d for d in all_json if d["dashboard"] == CIS)
    assert set(doc) == {"dashboard", "filters", "tiles"}
    assert doc["filters"] == {"date": "7 days", "account": ""}
    keys = {"title", "sql", "columns", "rows", "files_scanned", "partition_filter"}
    for t in doc["tiles"]:
        assert set(t) - {"error"} == keys
        assert ("error" in t) == (t["title"] == "how_to_read")
    events = oracle.in_window(oracle.load(data), dt.datetime(2026, 11, 14), dt.datetime(2026, 11, 21))
    by_title = {t["title"]: t for t in doc["tiles"]}
    for _name, label, pred in oracle.CIS:
        t = next(v for k, v in by_title.items() if k.startswith(label.split(" ", 1)[0] + " "))
        assert t["rows"] == [[sum(1 for e in events if pred(e))]], label
    grid = by_title["Matching events"]
    assert all(isinstance(v, (str, int, float)) or v is None for r in grid["rows"] for v in r)


def test_filter_option_and_table_format(data: Path) -> None:
    code, out, _ = invoke(
        "cloudtrail_operational_activity", "--data", str(data), "--now", NOW, "--filter", "date=yesterday"
    )
    assert code == 0
    assert "filters: date='yesterday', account=''" in out
    n = len(oracle.in_window(oracle.load(data), dt.datetime(2026, 11, 19), dt.datetime(2026, 11, 20)))
    events_block = out.split("## Events\n", 1)[1].split("##", 1)[0]
    assert re.search(rf"^\s+{n}$", events_block, re.M)
    assert "files scanned" in events_block


def test_html_is_self_contained(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "preview.html"
    args = [
        "cloudtrail_operational_activity",
        "--data",
        str(data),
        "--now",
        NOW,
        "--format",
        "html",
        "--out",
        str(target),
    ]
    code, _, err = invoke(*args)
    assert code == 0, err
    page = target.read_text()
    assert page.startswith("<!DOCTYPE html>") and page.count("<h1>") == 1
    assert "<svg" in page and "<polyline" in page and "<rect" in page  # line and bar charts
    assert page.count('class="big"') == 6  # the single-value tiles
    for forbidden in ("<script", "<link", "src=", "href=", "@import", "url("):
        assert forbidden not in page


def test_all_json_is_a_list_and_csv_parses(data: Path, all_json: list[dict[str, Any]]) -> None:
    docs = all_json
    assert [d["dashboard"] for d in docs] == sorted(d["dashboard"] for d in docs) and len(docs) == 4
    for d in docs:
        assert sum(1 for t in d["tiles"] if "error" in t) == 1  # the text tile only
    code, out, _ = invoke(
        "cloudtrail_security_group_changes", "--data", str(data), "--now", NOW, "--format", "csv"
    )
    assert code == 0
    blocks = out.strip().split("\n\n")
    first = list(csv.reader(io.StringIO(blocks[0])))
    assert first == [
        ["cloudtrail_security_group_changes", "how_to_read", "error: text tile: nothing to query"]
    ]
    changes = list(csv.reader(io.StringIO(blocks[1])))
    assert changes[0] == ["cloudtrail_security_group_changes", "Security group changes"]
    assert changes[1] == ["cloudtrail_logs.security_group_changes"]
    assert int(changes[2][0]) > 0


def test_dashboard_by_file_name(data: Path) -> None:
    code, out, _ = invoke(
        "dashboards/cis_aws_foundations.dashboard.lookml", "--data", str(data), "--now", NOW
    )
    assert code == 0 and out.startswith("CloudTrail: CIS AWS Foundations Monitoring")


def test_bundled_sample_default_now() -> None:
    code, out, _ = invoke(CIS)
    assert code == 0
    assert "now: 2026-11-20T23:59:59Z" in out
    assert out.count("not run:") == 1  # the text tile


def test_failing_tiles_exit_1_and_the_others_still_run(data: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "preview",
            "preview_fixture",
            "--project",
            str(HERE / "project"),
            "--dashboards-dir",
            str(HERE / "dashboards"),
            "--data",
            str(data),
            "--now",
            NOW,
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    errors = {t["title"]: t.get("error") for t in doc["tiles"]}
    assert errors["Events by name"] is None and errors["Still runs"] is None
    assert "table calculations (share) are not supported" in errors["With a table calculation"]
    assert "no field 'nope'" in errors["Unknown field"]
    assert "cannot read 'lots'" in errors["Bad tile filter"]
    assert "4 tile(s) could not run" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "dashboard 'nope' not found"),
        ([], "name a dashboard"),
        (["--all", CIS], "not both"),
        ([CIS, "--filter", "date"], "expected NAME=VALUE"),
        ([CIS, "--filter", "colour=red"], "has no such filter"),
        ([CIS, "--now", "tomorrowish"], "--now 'tomorrowish'"),
        ([CIS, "--data", "/nonexistent/logs"], "not a directory"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    code, _, err = invoke(*args)
    assert code == 2
    assert message in err


# --------------------------------------------------------------------------- renderers


def _sample_preview() -> DashboardPreview:
    series = TilePreview(
        title="Over time <b>",
        type="looker_line",
        columns=["v.d", "v.n"],
        rows=[[dt.date(2026, 11, 1), 3], [dt.date(2026, 11, 2), 5]],
        dimensions=["v.d"],
        measures=["v.n"],
        time_column="v.d",
        files_scanned=2,
        partition_filter="v.dt >= '2026/11/01'",
    )
    bars = TilePreview(
        title="Bars",
        type="looker_bar",
        columns=["v.x", "v.n"],
        rows=[["a&b", 2], ["c", None]],
        dimensions=["v.x"],
        measures=["v.n"],
    )
    broken = TilePreview(title="Broken", error="it <broke>")
    return DashboardPreview("d", "Dash", {"date": "7 days"}, [series, bars, broken])


def test_html_escapes_and_charts() -> None:
    page = render_html([_sample_preview()])
    assert "Over time &lt;b&gt;" in page and "a&amp;b" in page and "it &lt;broke&gt;" in page
    assert "<b>" not in page.replace("<body>", "")
    assert chart_svg(_sample_preview().tiles[0]).count("<polyline") == 1
    assert chart_svg(_sample_preview().tiles[1]).count("<rect") == 2
    assert chart_svg(TilePreview(title="t", type="table", columns=["a"], rows=[["x"]])) == ""


def test_text_table_and_csv_renderers() -> None:
    text = render_table([_sample_preview()])
    assert "2 files scanned" in text and "not run: it <broke>" in text
    assert re.search(r"2026-11-01 +3\n", text)
    rows = list(csv.reader(io.StringIO(render_csv([_sample_preview()]))))
    assert ["d", "Over time <b>"] in rows and ["v.d", "v.n"] in rows and ["2026-11-01", "3"] in rows
    assert ["d", "Broken", "error: it <broke>"] in rows
