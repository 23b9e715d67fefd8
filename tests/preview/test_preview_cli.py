"""`looker-ops preview` from the command line: formats, --out, --all, exit codes, bad input."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.preview.charts import chart_svg, nice_ticks
from looker_ops.preview.csv import render_csv
from looker_ops.preview.html import render_html
from looker_ops.preview.markdown import markdown_html
from looker_ops.preview.model import DashboardPreview, TilePreview
from looker_ops.preview.partitions import partition_summary
from looker_ops.preview.text import render_table
from looker_ops.sample_data.generate import generate
from tests.checkout import copy_checkout
from tests.preview import oracle

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parents[1] / "preview"
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
    assert set(doc) == {"dashboard", "filters", "problems", "notes", "tiles"}
    assert doc["problems"] == []
    assert doc["notes"] == []
    assert doc["filters"] == {"date": "7 days", "account": ""}
    keys = {"title", "type", "sql", "columns", "labels", "rows", "rendered", "value_formats"}
    keys |= {"files_scanned", "partition_filter"}
    for t in doc["tiles"]:
        assert "error" not in t, t
        assert set(t) - {"body"} == keys
        assert ("body" in t) == (t["type"] == "text")
        assert len(t["labels"]) == len(t["columns"])
        assert [len(r) for r in t["rendered"]] == [len(r) for r in t["rows"]]
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
    # a single-value tile: its number on the title line, then what it read
    assert re.search(
        rf"^Events: {n}  \(\d+ files scanned · dt 2026/11/18 – 2026/11/20 · \d+ ms\)$", out, re.M
    ), out
    # compact: no SQL and no partition predicate unless --verbose
    assert "SELECT" not in out and "partition filter" not in out
    code, verbose, _ = invoke(
        "cloudtrail_operational_activity",
        "--data",
        str(data),
        "--now",
        NOW,
        "--filter",
        "date=yesterday",
        "-v",
    )
    assert code == 0 and "SELECT" in verbose and "partition filter: " in verbose
    assert "\x1b[" not in out + verbose  # no colour when stdout is not a terminal


def test_html_is_self_contained(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "preview.html"
    target.parent.mkdir()  # --output writes into an existing folder (it creates none)
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


def test_output_and_dashboards_spelt_as_on_check(tmp_path: Path) -> None:
    """`-o/--output` and `--dashboards`, as `check` spells them; `--out` and `--dashboards-dir`
    (used by the tests above) still work, hidden from --help."""
    target = tmp_path / "p.json"
    res = CliRunner().invoke(
        main,
        [
            "preview",
            "--project",
            str(ROOT / "lookml_project"),
            "--dashboards",
            str(ROOT / "dashboards"),
            CIS,
            "--now",
            NOW,
            "--format",
            "json",
            "-o",
            str(target),
        ],
    )
    assert res.exit_code == 0, res.output
    assert json.loads(target.read_text())["dashboard"] == CIS and res.stdout == ""
    helptext = CliRunner().invoke(main, ["preview", "--help"]).output
    assert "-o, --output PATH" in helptext and "--dashboards PATH" in helptext
    assert "--out " not in helptext and "--dashboards-dir" not in helptext


def test_output_in_a_missing_folder_is_bad_input_and_creates_nothing(tmp_path: Path) -> None:
    """As `check --output` and every `--json`: a folder that does not exist is refused (exit 2,
    "cannot write"), before any query, and no folder is created."""
    target = tmp_path / "nowhere" / "deeper" / "x.html"
    args = ["preview", "--project", str(ROOT / "lookml_project"), "--dashboards", str(ROOT / "dashboards")]
    res = CliRunner().invoke(main, [*args, CIS, "--now", NOW, "--format", "html", "--output", str(target)])
    assert res.exit_code == 2, res.output
    assert f"--output {target}: cannot write" in res.output and "wrote" not in res.output
    assert not (tmp_path / "nowhere").exists()


def test_all_json_is_a_list_and_csv_parses(data: Path, all_json: list[dict[str, Any]]) -> None:
    docs = all_json
    assert [d["dashboard"] for d in docs] == sorted(d["dashboard"] for d in docs) and len(docs) == 4
    for d in docs:
        assert not [t for t in d["tiles"] if "error" in t]  # text tiles are not errors
        [text] = [t for t in d["tiles"] if t["type"] == "text"]
        assert text["title"] == "How to read this dashboard" and text["body"] and text["rows"] == []
    code, out, _ = invoke("--all", "--data", str(data), "--now", NOW, "--format", "csv")
    assert code == 0
    lines = list(csv.DictReader(io.StringIO(out)))
    assert list(lines[0]) == ["dashboard", "tile", "kind", "row", "field", "label", "value"]
    # one long table holds every tile of every dashboard, each cell once, as in the JSON
    for d in docs:
        for t in d["tiles"]:
            mine = [ln for ln in lines if (ln["dashboard"], ln["tile"]) == (d["dashboard"], t["title"])]
            if t["type"] == "text":
                assert [ln["value"] for ln in mine] == t["body"].splitlines()
                assert {ln["kind"] for ln in mine} == {"text"}
            elif not t["rows"]:
                assert [ln["kind"] for ln in mine] == ["empty"]
            else:
                assert len(mine) == len(t["rows"]) * len(t["columns"])
                first = {ln["field"]: ln for ln in mine if ln["row"] == "1"}
                for column, label, value in zip(t["columns"], t["labels"], t["rows"][0], strict=True):
                    assert first[column]["label"] == label and first[column]["kind"] == "value"
                    assert first[column]["value"] == ("" if value is None else str(value))


def test_dashboard_by_file_name(data: Path) -> None:
    code, out, _ = invoke(
        "dashboards/cis_aws_foundations.dashboard.lookml", "--data", str(data), "--now", NOW
    )
    assert code == 0 and out.startswith("CloudTrail: CIS AWS Foundations Monitoring")


def test_bundled_sample_default_now() -> None:
    code, out, _ = invoke(CIS)
    assert code == 0
    assert "now: 2026-11-20T23:59:59Z" in out
    assert out.count("not run:") == 0  # the text tile is shown, not "not run"
    assert "\nHow to read this dashboard\n  One tile per CloudTrail monitoring control" in out


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
        (
            [CIS, "--filter", "date=foo bar"],
            "--filter date='foo bar': dashboard cloudtrail_cis_aws_foundations filter date "
            "(field cloudtrail_logs.event_date): cannot read 'foo bar' as a date filter expression",
        ),
        (["--all", "--filter", "Date=fortnight"], "cannot read 'fortnight' as a date filter expression"),
        ([CIS, "--filter", "account=>5"], None),  # a string filter reads any text: not bad input
        # out of the calendar: a clear message at once (these hung or raised OverflowError)
        ([CIS, "--filter", "date=3000 years"], "it reaches the year -973"),
        ([CIS, "--filter", "date=99999 months"], "it reaches the year"),
        ([CIS, "--filter", "date=0001-01-01 to 9999-12-31"], "out of range"),
        ([CIS, "--filter", "date=99999999999999999999 days"], "out of range"),
        ([CIS, "--now", "9999-12-31"], "--now '9999-12-31': out of range"),
        ([CIS, "--now", "9999-12-31T23:00:00-05:00"], "out of range"),
    ],
)
def test_bad_input_exits_2(args: list[str], message: str | None) -> None:
    code, out, err = invoke(*args)
    if message is None:
        assert code == 0, err
        return
    assert code == 2
    assert message in err
    assert out == "" and len(err.strip().splitlines()) == 1  # one message, not one per tile


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
    assert "Over time <b>  (2 files scanned · dt ≥ 2026/11/01)" in text and "not run: it <broke>" in text
    assert re.search(r"2026-11-01 +3\n", text)
    assert "partition filter" not in text and "v.dt >= '2026/11/01'" not in text
    assert "partition filter: v.dt >= '2026/11/01'" in render_table([_sample_preview()], verbose=True)
    rows = list(csv.reader(io.StringIO(render_csv([_sample_preview()]))))
    assert rows[0] == ["dashboard", "tile", "kind", "row", "field", "label", "value"]
    assert ["d", "Over time <b>", "value", "1", "v.d", "v.d", "2026-11-01"] in rows
    assert ["d", "Over time <b>", "value", "2", "v.n", "v.n", "5"] in rows
    assert ["d", "Bars", "value", "2", "v.n", "v.n", ""] in rows  # NULL
    assert ["d", "Broken", "error", "", "", "", "it <broke>"] in rows


def _wide_tile(rows: int) -> TilePreview:
    columns = ["v.name", "v.description", "v.a", "v.b", "v.c"]
    labels = ["Name", "A long description heading", "Count A", "Count B", "Count C"]
    data = [[f"user-{i}", "x" * 70, i * 1000, -i, 3.5] for i in range(rows)]
    return TilePreview(title="Wide", type="table", columns=columns, labels=labels, rows=data)


def test_text_tables_fit_the_width_with_labels_and_numbers_right_aligned() -> None:
    preview = DashboardPreview("d", "D", {}, [_wide_tile(30)])
    text = render_table([preview], width=60)
    lines = text.splitlines()
    assert max(len(ln) for ln in lines if not ln.startswith("  (")) <= 60
    head = next(ln for ln in lines if "Name" in ln)
    assert "Count A" in head and "v.a" not in head  # labels head the columns
    row = next(ln for ln in lines if ln.startswith("  user-3 "))
    assert row.endswith("   3000       -3      3.5")  # numbers right-aligned, never shortened
    assert "xxx…" in row  # the long text is what gives way
    # 20 rows without --verbose, and the count says so
    assert "(30 rows; first 20 shown, --verbose for all)" in text
    assert sum(ln.startswith("  user-") for ln in lines) == 20
    assert sum(ln.startswith("  user-") for ln in render_table([preview], verbose=True).splitlines()) == 30
    # too narrow for every column: columns are left out from the right, and counted
    narrow = render_table([preview], width=40)
    assert "columns not shown" in narrow and max(len(ln) for ln in narrow.splitlines()[:8]) <= 40
    # no width (--out FILE): nothing shortened
    assert "x" * 48 in render_table([preview]) or "x" * 47 + "…" in render_table([preview])


def _pivot_tile() -> TilePreview:
    values = [
        "4.1 Unauthorized API calls",
        "4.10 Security group changes",
        "4.2 Console sign-in without MFA",
        "∅",
    ]
    columns = ["v.day", *(f"v.n | {v}" for v in values)]
    labels = ["Event Date", *(f"Matches | {v}" for v in values)]
    rows = [["2026-11-19", 1, 10, 2, 0], ["2026-11-20", 3, 30, 4, 0]]
    return TilePreview(title="Over time", type="table", columns=columns, labels=labels, rows=rows)


def test_pivot_columns_keep_the_query_s_order() -> None:
    """The table shows the pivot's columns in the order the query gave them (Looker's: by the
    pivot's order_by_field, else as text), the cells with them; it does not re-sort them."""
    text = render_table([DashboardPreview("d", "D", {}, [_pivot_tile()])])
    lines = text.splitlines()
    last_heading = lines[next(i for i, ln in enumerate(lines) if ln.startswith("  ----------")) - 1]
    assert last_heading.split() == [
        "Event",
        "Date",
        "API",
        "calls",
        "group",
        "changes",
        "without",
        "MFA",
        "∅",
    ]
    row = next(ln for ln in text.splitlines() if ln.startswith("  2026-11-20"))
    assert row.split() == ["2026-11-20", "3", "30", "4", "0"]


def test_headings_wrap_instead_of_being_cut() -> None:
    """With room, a long heading wraps over up to three lines, whole; without, it is shortened
    with an ellipsis and named in full under the table."""
    text = render_table([DashboardPreview("d", "D", {}, [_pivot_tile()])], width=200)
    head = text.split("----------", 1)[0]
    for words in (
        "4.1 Unauthorized API calls",
        "4.10 Security group changes",
        "4.2 Console sign-in without MFA",
    ):
        assert all(w in head for w in words.split()), head
    assert "…" not in head and "headings:" not in text
    narrow = render_table([DashboardPreview("d", "D", {}, [_pivot_tile()])], width=50)
    head = narrow.split("----------", 1)[0]
    assert "4.1 …" in head and "4.10 …" in head, narrow
    legend = " ".join(ln.strip() for ln in narrow.splitlines() if "headings:" in ln or ln.startswith("    "))
    assert (
        "4.1 Unauthorized API calls; 4.10 Security group changes; 4.2 Console sign-in without MFA" in legend
    )


def test_the_cis_tile_over_time_lists_controls_in_number_order() -> None:
    code, out, err = invoke(CIS, "--now", NOW)
    assert code == 0, err
    section = out.split("Matches by control over time", 1)[1].split("\n\n", 1)[0]
    legend = section.split("headings: ", 1)[1].replace("\n", " ")
    controls = [int(m) for m in re.findall(r"\b4\.(\d+) ", legend)]
    assert controls == sorted(controls) and controls[:3] == [1, 2, 3], legend


def test_colour_only_when_asked() -> None:
    preview = _sample_preview()
    assert "\x1b[" not in render_table([preview])
    coloured = render_table([preview], color=True)
    assert "\x1b[1m" in coloured and "\x1b[31mnot run: it <broke>" in coloured
    assert click.unstyle(coloured) == render_table([preview])


# --------------------------------------------------------------------------- data problems


@pytest.fixture(scope="module")
def damaged(tmp_path_factory: pytest.TempPathFactory, data: Path) -> Path:
    """Two days of the generated logs plus a truncated .json.gz, a half-written .json and a
    file whose Records is not an array."""
    root = tmp_path_factory.mktemp("damaged")
    for day in ("2026/11/19", "2026/11/20"):
        for src in data.glob(f"AWSLogs/*/CloudTrail/*/{day}/*.json.gz"):
            dest = root / src.relative_to(data)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(src.read_bytes())
    some = next(root.rglob("*.json.gz"))
    (some.parent / "truncated.json.gz").write_bytes(some.read_bytes()[: some.stat().st_size // 2])
    (root / "half.json").write_text('{"Records": [{"eventName": "ConsoleLog')
    (root / "five.json").write_text('{"Records": 5}')
    return root


BAD_FILES = {
    "truncated.json.gz": "cannot decompress",
    "half.json": "not JSON: Unterminated string starting at line 1",
    "five.json": '"Records" is not an array',
}


def test_skipped_files_are_shown_in_every_format_and_on_stderr(damaged: Path) -> None:
    args = [CIS, "--data", str(damaged), "--now", NOW]
    code, out, err = invoke(*args)
    assert code == 0, err
    section = out.split("\n\n", 1)[0]
    assert section.startswith("Load problems: 3 files could not be read (the tiles use the rest)")
    for name, reason in BAD_FILES.items():
        line = next(ln for ln in section.splitlines() if ln.strip().startswith(str(damaged)) and name in ln)
        assert reason in line, line
        assert any(name in ln and reason in ln for ln in err.splitlines()), err
    found = sum(1 for f in damaged.rglob("*") if f.name.endswith((".json", ".json.gz")))
    warning = next(ln for ln in err.splitlines() if ln.startswith("warning: "))
    assert warning == (
        f"warning: 3 files could not be read (the tiles use the rest; {found} of {found} log files opened):"
    )

    code, out, err = invoke(*args, "--format", "json")
    assert code == 0 and "warning: 3 files could not be read" in err
    doc = json.loads(out)
    got = {Path(p["file"]).name: p["message"] for p in doc["problems"]}
    assert set(got) == set(BAD_FILES) and all(BAD_FILES[n] in m for n, m in got.items())
    assert all(set(p) == {"file", "kind", "message"} and p["kind"] == "unreadable" for p in doc["problems"])

    code, out, _ = invoke(*args, "--format", "csv")
    assert code == 0
    skipped = [r for r in csv.DictReader(io.StringIO(out)) if r["kind"] == "skipped_file"]
    assert {Path(r["field"]).name: r["value"] for r in skipped}.keys() == set(BAD_FILES)
    assert all(BAD_FILES[Path(r["field"]).name] in r["value"] for r in skipped)

    code, out, _ = invoke(*args, "--format", "html")
    assert code == 0
    note = out.split('<div class="note">', 1)[1].split("</div>", 1)[0]
    assert "Load problems:</strong> 3 files could not be read; the tiles use the rest." in note
    assert all(name in note for name in BAD_FILES)


def test_the_warning_counts_files_records_skipped_and_records_noted(tmp_path: Path, data: Path) -> None:
    """Records loaded and only reported are not called skipped; the files opened are given of
    the files found (a window of one day opens that day's files only)."""
    for src in data.glob("AWSLogs/*/CloudTrail/*/2026/11/*/*.json.gz"):
        dest = tmp_path / src.relative_to(data)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
    day = sorted(tmp_path.rglob("2026/11/20/*.json.gz"))
    records = [
        "not a record",
        {"eventID": "no-time-1", "eventName": "ConsoleLogin", "awsRegion": "eu-west-1"},
        {"eventID": "no-time-2", "eventName": "ConsoleLogin", "awsRegion": "eu-west-1"},
    ]
    (day[0].parent / "odd.json").write_text(json.dumps({"Records": records}))
    (day[0].parent / "broken.json").write_text('{"Records": [')
    found = sum(1 for f in tmp_path.rglob("*") if f.name.endswith((".json", ".json.gz")))
    code, out, err = invoke(
        CIS, "--data", str(tmp_path), "--now", "2026-11-20T23:00:00Z", "--filter", "date=1 day"
    )
    assert code == 0, err
    m = re.search(
        r"^warning: 1 file could not be read, 1 record skipped, 2 records loaded with a note "
        r"\(the tiles use the rest; (\d+) of (\d+) log files opened\):$",
        err,
        re.M,
    )
    assert m, err
    opened = int(m.group(1))
    assert int(m.group(2)) == found and 2 < opened < found
    assert "skipped 4" not in err and "file(s)/record(s)" not in err
    assert out.startswith(
        "Load problems: 1 file could not be read, 1 record skipped, 2 records loaded with a note (the tiles use the rest)"
    )


def test_problem_counts_read_every_kind_the_engine_reports(tmp_path: Path) -> None:
    """The counts come from what the engine reports (its problems' kinds), not from wording."""
    from looker_ops.engines.local import LocalEngine
    from looker_ops.engines.records import MAX_RECORD_PROBLEMS
    from looker_ops.preview.model import ProblemCounts

    def record(i: int, **extra: Any) -> dict[str, Any]:
        return {"eventID": f"e-{i}", "eventTime": "2026-01-01T00:00:00Z", **extra}

    (tmp_path / "a.json").write_text("{not json")
    untimed = [{"eventID": f"u-{i}"} for i in range(MAX_RECORD_PROBLEMS + 35)]  # noted, then unlisted
    (tmp_path / "b.json").write_text(json.dumps({"Records": ["a string", record(1), *untimed]}))
    (tmp_path / "c.json").write_text(json.dumps({"Records": [record(2), record(2)]}))  # a shared eventID
    with LocalEngine(tmp_path, progress=False) as engine:
        problems = engine.problems
    assert {p.kind for p in problems} == {"unreadable", "skipped", "noted", "unlisted"}
    counts = ProblemCounts.of(problems)
    assert counts == ProblemCounts(
        files_unreadable=1, records_skipped=1, records_noted=MAX_RECORD_PROBLEMS - 1 + 1, records_unlisted=36
    )
    assert counts.summary() == (
        f"1 file could not be read, 1 record skipped, {MAX_RECORD_PROBLEMS} records loaded with a note, "
        "36 more records with problems, not listed"
    )


def test_clean_data_has_no_skipped_section(data: Path) -> None:
    code, out, err = invoke(CIS, "--data", str(data), "--now", NOW)
    assert code == 0 and "Load problems" not in out and "warning" not in err


@pytest.mark.parametrize("command", ["preview", "check"])
def test_a_data_folder_without_log_files_exits_2(tmp_path: Path, command: str) -> None:
    (tmp_path / "README.txt").write_text("logs go here")
    digest = tmp_path / "AWSLogs" / "123456789012" / "CloudTrail-Digest" / "us-east-1"
    digest.mkdir(parents=True)
    (digest / "d.json.gz").write_bytes(b"\x1f\x8b")
    if command == "preview":
        code, out, err = invoke(CIS, "--data", str(tmp_path))
    else:
        result = CliRunner().invoke(
            main, ["check", str(ROOT / "lookml_project"), "--data", str(tmp_path), "--no-cache"]
        )
        code, out, err = result.exit_code, result.stdout, result.stderr
    assert code == 2, (out, err)
    assert f"{tmp_path}: no CloudTrail log files (*.json, *.json.gz) found" in err


# --------------------------------------------------------------------------- html tiles


def _section(page: str, title: str) -> str:
    return page.split(f"<h2>{title}</h2>", 1)[1].split("</section>", 1)[0]


def test_html_text_tiles_labels_and_column_charts(data: Path) -> None:
    code, page, err = invoke(LOGINS_DASH, "--data", str(data), "--now", NOW, "--format", "html")
    assert code == 0, err
    text = _section(page, "How to read this dashboard")
    assert 'class="textbody"' in text and "Not run" not in text and "ConsoleLogin" in text
    over_time = _section(page, "Logins over time by result")
    assert "<rect" in over_time and "<polyline" not in over_time  # looker_column: columns, not lines
    assert (
        "<th" in over_time
        and ">Event Date</th>" in over_time
        and ">Console Logins | Success</th>" in over_time
    )
    assert 'title="cloudtrail_logs.event_date"' in over_time  # the raw name stays as a tooltip
    top_users = _section(page, "Top users")
    headings = re.findall(r"<th[^>]*>([^<]*)</th>", top_users)
    assert headings and not [h for h in headings if "." in h or "_" in h]  # labels, not view.field


LOGINS_DASH = "cloudtrail_console_login_overview"


def _rect_xs(svg: str) -> list[str]:
    return re.findall(r'<rect x="([0-9.]+)"', svg)


def test_chart_kind_follows_the_tile_type() -> None:
    def tile(ttype: str, stacking: str | None = None) -> TilePreview:
        return TilePreview(
            title="t",
            type=ttype,
            stacking=stacking,
            columns=["v.d", "v.n | a", "v.n | b"],
            labels=["D", "N | a", "N | b"],
            rows=[[dt.date(2026, 11, 2), 3, 1], [dt.date(2026, 11, 1), 5, 2]],
            dimensions=["v.d"],
            time_column="v.d",
        )

    stacked = chart_svg(tile("looker_column", "normal"))
    grouped = chart_svg(tile("looker_column"))
    for svg in (stacked, grouped):
        assert svg.count("<rect") == 4 and "<polyline" not in svg
        assert "N | a" in svg  # legend and tooltips use the labels
    xs = _rect_xs(stacked)
    assert xs[0] == xs[1] and xs[2] == xs[3] and xs[0] != xs[2]  # one stack per day
    assert len(set(_rect_xs(grouped))) == 4  # side by side
    # time order on the x axis: 2026-11-01 (5 + 2) is the first stack
    first_heights = [float(h) for h in re.findall(r'height="([0-9.]+)"', stacked)[:2]]
    assert first_heights[0] > first_heights[1] * 2
    assert chart_svg(tile("looker_bar")).count("<rect") == 4
    for line_type in ("looker_line", "looker_area"):
        svg = chart_svg(tile(line_type))
        assert svg.count("<polyline") == 2 and "<rect" not in svg


# --------------------------------------------------------------------------- markdown text tiles

FORBIDDEN = ("<script", "<link", "<img", "<iframe", "<a ", "src=", "href=", "@import", "url(", "javascript:")


def test_markdown_subset_is_rendered_and_everything_else_escaped() -> None:
    body = "\n".join(
        [
            "# Read me",
            "Logins in the **Date** window, *UTC*, from `ConsoleLogin <events>`.",
            "A second line of the same paragraph.",
            "",
            "- **Spikes**: see [the runbook](https://wiki.example.com/runbook?a=1&b=2)",
            "  (continued on the next line)",
            "* snake_case_names stay as they are",
            "",
            "1. first",
            "2. second",
            "",
            "<script>alert(1)</script> <img src=x onerror=alert(2)> [click](javascript:alert(3))",
            "![tracker](https://evil.example/p.png) <a href='https://evil.example'>x</a>",
            "```",
            "<b>kept as text</b>",
            "```",
        ]
    )
    out = markdown_html(body)
    assert out.startswith("<h3>Read me</h3><p>Logins in the <strong>Date</strong> window, <em>UTC</em>")
    assert "<code>ConsoleLogin &lt;events&gt;</code>" in out
    assert "A second line" in out.split("</p>", 1)[0]  # one paragraph
    items = re.findall(r"<ul>(.*?)</ul>", out)
    assert len(items) == 1 and items[0].count("<li>") == 2
    assert (
        "<li><strong>Spikes</strong>: see the runbook " in items[0]
        and "(continued on the next line)" in items[0]
    )
    assert "snake_case_names" in items[0] and "<em>" not in items[0]  # underscores inside words stay
    assert (
        '<span class="url">(https://wiki.example.com/runbook?a=1&amp;b=2)</span>' in out
    )  # shown, not a link
    assert re.search(r"<ol><li>first</li><li>second</li></ol>", out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &lt;img src=x onerror=alert(2)&gt;" in out  # shown as text
    assert 'click <span class="url">(javascript:alert(3))</span>' in out  # never a link
    assert "&lt;a href=&#x27;https://evil.example&#x27;&gt;x&lt;/a&gt;" in out
    assert "[image: tracker]" in out and "(https://evil.example/p.png)" in out  # never loaded
    assert "<pre><code>&lt;b&gt;kept as text&lt;/b&gt;</code></pre>" in out
    # the only tags are the handful the renderer writes, and their only attribute is class="url"
    tags = re.findall(r"<(/?)([a-z0-9]+)([^>]*)>", out)
    assert {name for _, name, _ in tags} <= {
        "h3",
        "p",
        "strong",
        "em",
        "code",
        "ul",
        "ol",
        "li",
        "span",
        "pre",
    }
    assert {attrs for _, _, attrs in tags} == {"", ' class="url"'}


def test_html_text_tile_renders_markdown(data: Path) -> None:
    code, page, err = invoke(LOGINS_DASH, "--data", str(data), "--now", NOW, "--format", "html")
    assert code == 0, err
    text = _section(page, "How to read this dashboard")
    assert "**" not in text and "`" not in text and "\n- " not in text
    assert "<strong>Logins over time</strong>" in text and text.count("<li>") == 6
    assert "<code>ConsoleLogin</code>" in text and "<em>IPs with the most logins</em>" in text
    # tiles take their share of the row from their width in the 24-column grid
    widths = {
        title: pct
        for pct, title in re.findall(
            r'<section class="tile[^"]*" style="flex:1 1 calc\(([0-9.]+)% - 16px\)[^"]*"><h2>([^<]+)', page
        )
    }
    assert widths["How to read this dashboard"] == "100" and widths["Failed logins"] == "25"
    assert widths["Top users"] == "50" and len(widths) == 13
    for forbidden in FORBIDDEN:
        assert forbidden not in page, forbidden


# --------------------------------------------------------------------------- series colours


def _colored_tile(ttype: str, colors: dict[str, str], stacking: str | None = "normal") -> TilePreview:
    return TilePreview(
        title="t",
        type=ttype,
        stacking=stacking,
        columns=["v.d", "v.n | Failure", "v.n | Success", "v.n | ∅"],
        labels=["D", "N | Failure", "N | Success", "N | ∅"],
        rows=[[dt.date(2026, 11, 1), 3, 1, 2], [dt.date(2026, 11, 2), 5, 2, 0]],
        dimensions=["v.d"],
        time_column="v.d",
        pivots=["v.result"],
        series_colors=colors,
    )


def _fills(svg: str) -> dict[str, set[str]]:
    """series label -> the colours of its marks (rect fill or polyline stroke)."""
    out: dict[str, set[str]] = {}
    for color, title in re.findall(r'<rect [^>]*fill="([^"]+)"><title>(?:[^<]*· )?([^:<]+):', svg):
        out.setdefault(title, set()).add(color)
    return out


def test_series_colors_reach_every_chart_kind() -> None:
    colors = {
        "Failure - v.n": "#C62828",  # Looker's key for a pivoted measure: "<value> - <field>"
        "Success": "#2e7d32",  # the bare pivot value
        "v.result___null - v.n": "orange",  # a NULL pivot value, named as Looker names it
    }
    for ttype in ("looker_column", "looker_bar"):
        svg = chart_svg(_colored_tile(ttype, colors))
        assert _fills(svg) == {"N | Failure": {"#C62828"}, "N | Success": {"#2e7d32"}, "N | ∅": {"orange"}}, (
            ttype
        )
        legend = dict(re.findall(r'<i style="background:([^"]+)"></i>([^<]+)</span>', svg))
        assert legend == {"#C62828": "N | Failure", "#2e7d32": "N | Success", "orange": "N | ∅"}
    line = chart_svg(_colored_tile("looker_line", colors))
    assert re.findall(r'<polyline fill="none" stroke="([^"]+)"', line) == ["#C62828", "#2e7d32", "orange"]
    # no series_colors (or an unusable value): the palette, as before
    plain = _fills(chart_svg(_colored_tile("looker_column", {})))
    hostile = _fills(chart_svg(_colored_tile("looker_column", {"Failure": "red;background:url(x)"})))
    assert plain == hostile and len({c for v in plain.values() for c in v}) == 3
    assert "url(" not in chart_svg(_colored_tile("looker_column", {"Failure": "red;background:url(x)"}))
    unpivoted = TilePreview(
        title="u",
        type="looker_bar",
        columns=["v.user", "v.ok", "v.failed", "v.total"],
        labels=["User", "OK", "Failed", "Total"],
        rows=[["alice", 3, 1, 4]],
        dimensions=["v.user"],
        series_colors={"v.failed": "#C62828"},
        hidden_fields=["v.total"],
    )
    fills = _fills(chart_svg(unpivoted))
    assert set(fills) == {"OK", "Failed"}  # hidden_fields are not charted
    assert fills["Failed"] == {"#C62828"} and fills["OK"] != {"#C62828"}
    assert "Total" in render_html([DashboardPreview("d", "D", {}, [unpivoted])])  # but stay in the table


def test_block_login_tiles_are_red_for_failures_green_for_successes(data: Path) -> None:
    code, page, err = invoke(LOGINS_DASH, "--data", str(data), "--now", NOW, "--format", "html")
    assert code == 0, err

    def hue(color: str) -> str:
        r, g, b = (int(color[k : k + 2], 16) for k in (1, 3, 5))
        # red: strong red, little green or blue (the palette's orange is not red); green: green leads
        return "red" if r > 150 and max(g, b) < 80 else "green" if g > max(r, b) + 40 else "other"

    over_time = _fills(_section(page, "Logins over time by result"))
    assert {k: {hue(c) for c in v} for k, v in over_time.items()} == {
        "Console Logins | Failure": {"red"},
        "Console Logins | Success": {"green"},
    }
    top_users = _fills(_section(page, "Top users"))
    assert {k: {hue(c) for c in v} for k, v in top_users.items()} == {
        "Console Login Failures": {"red"},
        "Console Login Successes": {"green"},
    }  # the hidden total is not drawn on top of its parts


# --------------------------------------------------------------------------- partition filter


def test_partition_summary_forms() -> None:
    block = (
        "cloudtrail_logs.dt >= COALESCE(DATE_FORMAT(DATE_ADD('DAY', -1, CAST(CAST('2026-11-14 00:00:00' "
        "AS TIMESTAMP(0)) AS TIMESTAMP)), '%Y/%m/%d'), '0000/00/00') AND cloudtrail_logs.dt <= "
        "COALESCE(DATE_FORMAT(CAST(CAST('2026-11-21 00:00:00' AS TIMESTAMP) AS TIMESTAMP), '%Y/%m/%d'), "
        "'9999/99/99')"
    )
    assert partition_summary(block) == "dt 2026/11/13 – 2026/11/21"
    assert partition_summary("'2026/11/20' >= v.dt") == "dt ≤ 2026/11/20"
    assert (
        partition_summary("v.dt > '2026/11/01' AND v.dt < '2026/11/09'") == "dt > 2026/11/01 and < 2026/11/09"
    )
    assert partition_summary("v.dt BETWEEN '2026/11/01' AND '2026/11/07'") == "dt 2026/11/01 – 2026/11/07"
    assert partition_summary("v.dt IN ('2026/11/01', '2026/11/02')") == "dt in 2026/11/01, 2026/11/02"
    assert partition_summary("v.dt >= '0000/00/00' AND v.dt <= '9999/99/99'") == "dt: all partitions"
    for opaque in (
        None,
        "",
        "v.dt >= '1' OR v.dt <= '2'",
        "v.dt >= v.other",
        "a.dt >= '1' AND b.x <= '2'",
        "((",
    ):
        assert partition_summary(opaque) is None, opaque


def test_html_shows_a_short_partition_filter_and_keeps_the_full_one_in_the_details(
    data: Path, all_json: list[dict[str, Any]]
) -> None:
    doc = next(d for d in all_json if d["dashboard"] == LOGINS_DASH)
    full = {t["partition_filter"] for t in doc["tiles"] if t["type"] != "text"}
    [predicate] = full  # JSON keeps the predicate itself
    assert predicate.startswith("cloudtrail_logs.dt >= COALESCE(") and "'9999/99/99')" in predicate
    short = partition_summary(predicate)
    assert short == "dt 2026/11/13 – 2026/11/21"
    # the short form tells the truth: the tiles read exactly the files of those days
    on_disk = [f for f in data.rglob("*.json.gz") if "2026/11/13" <= "/".join(f.parts[-4:-1]) <= "2026/11/21"]
    assert {t["files_scanned"] for t in doc["tiles"] if t["type"] != "text"} == {len(on_disk)}

    code, page, err = invoke(LOGINS_DASH, "--data", str(data), "--now", NOW, "--format", "html")
    assert code == 0, err
    shown = html.escape(predicate)
    for t in doc["tiles"]:
        if t["type"] == "text":
            continue
        section = _section(page, html.escape(t["title"]))
        scan = section.split('<div class="scan">', 1)[1].split("</div>", 1)[0]
        assert scan == f"<span>{len(on_disk)} files scanned</span> · <span>{short}</span>", t["title"]
        head, details = section.split("<details>", 1)
        assert shown not in head and shown in details  # the full predicate: only under SQL


def test_window_without_files_says_where_the_data_is(data: Path, pinned_clock: Any) -> None:
    """Logs written weeks ago, previewed today: every tile reads 0 files, and the preview says
    so, with the data's span and the options that show it."""
    pinned_clock(dt.datetime(2026, 12, 4, 8, 0, tzinfo=dt.UTC))
    code, out, err = invoke(CIS, "--data", str(data), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert all(t["files_scanned"] == 0 for t in doc["tiles"] if t["files_scanned"] is not None)
    (note,) = doc["notes"]
    assert "2026-11-12 to 2026-11-20" in note
    assert "--now 2026-11-20T23:59:59Z" in note
    assert "--filter 'date=2026-11-12 to 2026-11-21'" in note
    assert f"note: {note}" in err
    # the note's own advice works: with it, the window holds files and no note is left
    code, out, _ = invoke(CIS, "--data", str(data), "--format", "json", "--now", "2026-11-20T23:59:59Z")
    doc = json.loads(out)
    assert code == 0 and doc["notes"] == []
    assert any(t["files_scanned"] for t in doc["tiles"])


def test_window_note_in_text_and_html(data: Path) -> None:
    code, out, _ = invoke(CIS, "--data", str(data), "--now", "2027-01-15T00:00:00Z")
    assert code == 0
    assert "note: the window holds no log file; the data spans 2026-11-12 to 2026-11-20" in out
    code, out, _ = invoke(CIS, "--data", str(data), "--now", "2027-01-15T00:00:00Z", "--format", "html")
    assert "<strong>Note:</strong> the window holds no log file" in out


def test_a_filter_that_matches_no_file_is_not_blamed_on_the_window(data: Path) -> None:
    """Inside the data's days, an account filter that matches nothing is the cause: the note
    must not send the reader to --now."""
    code, out, err = invoke(
        CIS,
        "--data",
        str(data),
        "--now",
        "2026-11-20T12:00:00Z",
        "--filter",
        "account=999999999999",
        "--format",
        "json",
    )
    assert code == 0
    (note,) = json.loads(out)["notes"]
    assert note == "no tile read a log file: the filters match no file of the data (2026-11-12 to 2026-11-20)"
    assert "--now" not in err


def _with_a_broken_dashboard(tmp_path: Path) -> tuple[Path, str]:
    """A copy of the block's dashboards where one file has a tab in its indentation (not YAML)."""
    folder = tmp_path / "dashboards"
    shutil.copytree(ROOT / "dashboards", folder)
    broken = folder / "console_login_overview.dashboard.lookml"
    lines = broken.read_text().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.lstrip().startswith("fields:"))
    lines[at] = "\t" + lines[at]
    broken.write_text("".join(lines))
    return folder, f"{broken}:{at + 1}"


def test_a_dashboard_file_that_cannot_be_read_is_named_not_skipped(tmp_path: Path) -> None:
    """`--all` must not quietly mean "all that could be read", and a dashboard asked for by
    name in a file that could not be read is not just "not found"."""
    folder, where = _with_a_broken_dashboard(tmp_path)
    base = ["preview", "--project", str(ROOT / "lookml_project"), "--dashboards", str(folder), "--now", NOW]
    every = CliRunner().invoke(main, [*base, "--all", "--format", "json"])
    assert every.exit_code == 2 and json.loads(every.stdout)["error"]["kind"] == "bad_input"
    assert f"dashboard file could not be read: {where}:" in every.stderr
    assert "name the dashboards to preview" in every.stderr
    named = CliRunner().invoke(main, [*base, "cloudtrail_console_login_overview"])
    assert named.exit_code == 2
    assert "dashboard 'cloudtrail_console_login_overview' not found" in named.stderr
    assert f"dashboard file could not be read: {where}:" in named.stderr
    others = CliRunner().invoke(main, [*base, CIS, "--format", "json"])  # the others still preview
    assert others.exit_code == 0, others.output


def test_the_bundled_block_is_announced_outside_a_project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without ./lookml_project, preview (as check) says on stderr that it previews the block
    bundled with looker-ops; inside a project folder it says nothing."""
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(main, ["preview", CIS, "--now", NOW, "--format", "json"])
    assert res.exit_code == 0, res.output
    assert "no ./lookml_project here: previewing the block bundled with looker-ops" in res.stderr
    monkeypatch.chdir(copy_checkout(tmp_path / "repo"))
    res = CliRunner().invoke(main, ["preview", CIS, "--now", NOW, "--format", "json"])
    assert res.exit_code == 0 and "bundled" not in res.stderr, res.output


# --------------------------------------------------------------------------- chart settings


def _settings_tile(ttype: str, stacking: str | None = None, **settings: bool) -> TilePreview:
    return TilePreview(
        title="t",
        type=ttype,
        stacking=stacking,
        columns=["v.d", "v.n | a", "v.n | b"],
        labels=["D", "N | a", "N | b"],
        rows=[[dt.date(2026, 11, 1), 1234, 56], [dt.date(2026, 11, 2), 1301, 7]],
        dimensions=["v.d"],
        time_column="v.d",
        numeric=[False, True, True],
        formats=[None, None, None],
        settings=settings,
    )


def _value_labels(svg: str) -> list[str]:
    return re.findall(r'<text class="vl"[^>]*>([^<]*)</text>', svg)


def _total_labels(svg: str) -> list[str]:
    return re.findall(r'<text class="tl"[^>]*>([^<]*)</text>', svg)


@pytest.mark.parametrize("ttype", ["looker_bar", "looker_column", "looker_line"])
def test_value_labels_follow_show_value_labels_and_every_mark_has_a_tooltip(ttype: str) -> None:
    off = chart_svg(_settings_tile(ttype))
    on = chart_svg(_settings_tile(ttype, show_value_labels=True))
    assert _value_labels(off) == []  # Looker's default: no value labels
    assert sorted(_value_labels(on)) == sorted(["1,234", "56", "1,301", "7"])
    for svg in (off, on):
        tips = re.findall(r"<title>([^<]*)</title>", svg)
        assert len(tips) == 4, tips  # one per bar, column or point
        assert "2026-11-01 · N | a: 1,234" in tips


@pytest.mark.parametrize("ttype", ["looker_bar", "looker_column"])
def test_stack_totals_follow_show_totals_labels(ttype: str) -> None:
    assert _total_labels(chart_svg(_settings_tile(ttype, "normal"))) == []
    svg = chart_svg(_settings_tile(ttype, "normal", show_totals_labels=True))
    assert sorted(_total_labels(svg)) == ["1,290", "1,308"]
    assert _value_labels(svg) == []  # totals alone: no per-segment labels


def test_axis_ticks_are_nice_steps_in_the_series_format() -> None:
    assert nice_ticks(1308, integer=True) == [0, 500, 1000, 1500]
    assert nice_ticks(0.2802) == [0, 0.1, 0.2, 0.3]
    assert nice_ticks(90) == [0, 20, 40, 60, 80, 100]
    assert nice_ticks(3, integer=True) == [0, 1, 2, 3]
    assert nice_ticks(0.4, integer=True) == [0, 1]
    assert nice_ticks(0) == [0, 0.2, 0.4, 0.6, 0.8, 1]
    column = chart_svg(_settings_tile("looker_column", "normal"))
    assert re.findall(r'text-anchor="end">([^<]*)</text>', column) == ["0", "500", "1,000", "1,500"]
    share = _settings_tile("looker_line")
    share.rows = [[dt.date(2026, 11, 1), 0.2802, 0.09], [dt.date(2026, 11, 2), 0.1, 0.05]]
    share.formats = [None, "0.00%", "0.00%"]
    axis = re.findall(r'text-anchor="end">([^<]*)</text>', chart_svg(share))
    assert axis == ["0.00%", "10.00%", "20.00%", "30.00%"]
