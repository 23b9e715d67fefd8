"""alerts evaluate: every cron tick of the window, the tile compiled as preview does, run on the
embedded engine over the bundled sample (deterministic: it spans 2026-11-11 to 2026-11-20)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.alerts.evaluate import _check, evaluate, parse_since
from looker_ops.cli import main
from looker_ops.engines.local import LocalEngine
from looker_ops.errors import EXIT_BAD_INPUT, BadInput
from looker_ops.lookml.query import compile_query, tile_query
from tests.alerts.helpers import DASHBOARDS, PROJECT, ROOT, ROOT_ALERT, block_project, parse, write

NOW = dt.datetime(2026, 11, 14, 23, 59, 59, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def engine() -> LocalEngine:
    with LocalEngine(None) as e:
        yield e  # type: ignore[misc]


def test_root_use_fires_once_on_the_sample_day_with_its_events(engine: LocalEngine) -> None:
    (ev,) = evaluate(parse(ROOT_ALERT), engine, now=NOW, since=dt.timedelta(days=1))
    assert ev.ticks == 24 and ev.error is None
    (f,) = ev.firings
    assert f.at == "2026-11-14T22:15:00Z" and f.value == 6
    assert f.events_total == 6 and len(f.events) == 6
    assert {e["event_name"] for e in f.events} == {"ConsoleLogin", "ListAccessKeys", "PutAlternateContact"}
    assert {e["user"] for e in f.events} == {"root"}
    assert all("2026-11-14 21:" in str(e["event_time"]) for e in f.events)  # the hour before the tick


def test_each_tick_runs_what_preview_compiles_for_that_tick(engine: LocalEngine) -> None:
    """The value at a tick equals the tile run by preview's own path with the alert's filters and
    that tick as now: evaluate adds no query logic of its own."""
    spec = parse(ROOT_ALERT)
    (a,) = spec.alerts
    project = block_project()
    dash = next(d for d in project.dashboards if d.preferred_slug == a.dashboard)
    element = next(e for e in dash.elements if e.name == a.element)
    values = {f.name: "" for f in dash.filters} | {"date": "1 hour ago"}
    tick = dt.datetime(2026, 11, 14, 22, 15, tzinfo=dt.UTC)
    compiled = compile_query(project, tile_query(dash, element, values), now=tick)
    assert engine.query(compiled.sql).rows == [(6,)]
    (ev,) = evaluate(spec, engine, now=tick, since=dt.timedelta(minutes=1))
    assert ev.ticks == 1 and [f.value for f in ev.firings] == [6]


def test_a_threshold_above_every_value_never_fires(engine: LocalEngine) -> None:
    (ev,) = evaluate(parse(ROOT_ALERT.replace('"> 0"', '"> 6"')), engine, now=NOW, since=dt.timedelta(days=1))
    assert ev.firings == [] and max(ev.values) == 6


def test_the_night_alert_covers_the_hours_the_hourly_one_is_quiet(engine: LocalEngine) -> None:
    spec = parse(
        ROOT_ALERT
        + """\
  - name: Root at night
    dashboard: cloudtrail_cis_aws_foundations
    tile: 4.3 Root account usage
    condition: "> 0"
    cron: "15 7 * * *"
    timezone: UTC
    filters:
      Date: 12 hours ago for 12 hours
"""
    )
    night = evaluate(
        spec,
        engine,
        now=dt.datetime(2026, 11, 15, 8, 0, tzinfo=dt.UTC),
        since=dt.timedelta(hours=2),
        names=["Root at night"],
    )
    (ev,) = night
    assert ev.ticks == 1 and [(f.at, f.value) for f in ev.firings] == [("2026-11-15T07:15:00Z", 6)]


def test_time_series_and_category_rules() -> None:
    spec = parse(
        ROOT_ALERT.split("alerts:")[0]
        + """alerts:
  - name: Trend
    dashboard: cloudtrail_cis_aws_foundations
    tile: Matches by control over time
    condition: "increases by 2"
    cron: "0 8 * * *"
"""
    )
    (a,) = spec.alerts
    cols = ["d", "cloudtrail_logs.events"]
    assert _check(a, cols, [["2026-11-13", 1], ["2026-11-14", 4]], "d") == (
        True,
        4.0,
        {"d": "2026-11-14", "cloudtrail_logs.events": 4},
    )
    assert _check(a, cols, [["2026-11-13", 3], ["2026-11-14", 4]], "d")[0] is False
    single = parse(ROOT_ALERT).alerts[0]
    assert _check(single, ["cloudtrail_logs.events"], [[0]], None) == (
        False,
        0.0,
        {"cloudtrail_logs.events": 0},
    )
    # categories: any row
    assert _check(single, ["k", "cloudtrail_logs.events"], [["a", 0], ["b", 2]], None)[:2] == (True, 2.0)


def test_parse_since() -> None:
    assert parse_since("7d") == dt.timedelta(days=7) and parse_since("36h") == dt.timedelta(hours=36)
    assert parse_since("90m") == dt.timedelta(minutes=90) and parse_since("2w") == dt.timedelta(weeks=2)
    for bad in ("7", "d", "0d", "365d"):
        with pytest.raises(BadInput):
            parse_since(bad)


def test_cli_text_json_and_bad_input(tmp_path: Path) -> None:
    path = write(tmp_path)
    common = ["--file", str(path), "--dashboards", str(DASHBOARDS), "--project", str(PROJECT)]
    runner = CliRunner()
    r = runner.invoke(main, ["alerts", "evaluate", *common, "--now", "2026-11-14T23:59:59Z", "--since", "1d"])
    assert r.exit_code == 0, r.output
    assert (
        "Root account used: cloudtrail_cis_aws_foundations / 4.3 Root account usage: cloudtrail_logs.events > 0"
        in r.output
    )
    assert "  24 tick(s), would have fired 1 time(s), highest value 6" in r.output
    assert "  fired 2026-11-14T22:15:00Z with 6" in r.output
    assert "event_name=ConsoleLogin  user=root  source_ip=198.51.100.10" in r.output
    r = runner.invoke(
        main,
        [
            "alerts",
            "evaluate",
            *common,
            "--now",
            "2026-11-14T23:59:59Z",
            "--since",
            "1d",
            "--format",
            "json",
            "--fail-on-fire",
        ],
    )
    assert r.exit_code == 1
    data = json.loads(r.output)
    (a,) = data["alerts"]
    assert a["fired"] == 1 and a["firings"][0]["value"] == 6 and a["ticks"] == 24
    r = runner.invoke(main, ["alerts", "evaluate", "Nope", *common])
    assert r.exit_code == EXIT_BAD_INPUT and "no alert named 'Nope'" in r.output
    r = runner.invoke(main, ["alerts", "evaluate", *common, "--since", "forever"])
    assert r.exit_code == EXIT_BAD_INPUT and "--since 'forever'" in r.output
    r = runner.invoke(main, ["alerts", "evaluate", *common, "--data", str(tmp_path / "nothing")])
    assert r.exit_code == EXIT_BAD_INPUT


def test_the_shipped_alerts_on_the_sample_day() -> None:
    r = CliRunner().invoke(
        main,
        [
            "alerts",
            "--config",
            str(ROOT / "deploy" / "looker-ops.yaml"),
            "evaluate",
            "Security group opened to the world overnight",
            "--since",
            "1d",
        ],
    )
    assert r.exit_code == 0, r.output
    assert "1 tick(s)" in r.output


def test_the_events_behind_a_filtered_count_are_the_counted_ones(engine: LocalEngine) -> None:
    """A tile's measure with its own `filters:` (world_open_changes counts only openings to the
    world): the events listed for a firing are those the value counts, not every event of the hour."""
    shipped = parse((ROOT / "deploy" / "schedules.yaml").read_text())
    world = [a for a in shipped.alerts if a.field.endswith("world_open_changes")]
    assert world, "the block ships a world-open alert"
    evals = evaluate(
        dataclasses.replace(shipped, alerts=world),
        engine,
        now=dt.datetime(2026, 11, 20, 23, 59, tzinfo=dt.UTC),
        since=dt.timedelta(days=9),
    )
    firings = [f for ev in evals for f in ev.firings]
    assert firings, "the sample opens a security group to the world"
    for f in firings:
        assert f.events_total == f.value
        assert {e["event_name"] for e in f.events} <= {
            "AuthorizeSecurityGroupIngress",
            "ModifySecurityGroupRules",
        }


def test_the_load_warning_counts_files_and_records_as_preview_does(tmp_path: Path) -> None:
    """A file that cannot be read and a record that is skipped are named as such, with the log
    files opened of those found (not "skipped N file(s)/record(s)")."""
    from looker_ops.engines.local import bundled_sample_dir

    data = tmp_path / "data"
    sample = bundled_sample_dir()
    for src in sample.glob("AWSLogs/*/CloudTrail/*/2026/11/14/*.json.gz"):
        dest = data / src.relative_to(sample)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(src.read_bytes())
    (data / "broken.json").write_text('{"Records": [')
    (data / "odd.json").write_text(json.dumps({"Records": ["not a record"]}))
    found = sum(1 for f in data.rglob("*") if f.name.endswith((".json", ".json.gz")))
    common = ["--file", str(write(tmp_path)), "--dashboards", str(DASHBOARDS), "--project", str(PROJECT)]
    args = [
        "alerts",
        "evaluate",
        *common,
        "--data",
        str(data),
        "--now",
        "2026-11-14T23:59:59Z",
        "--since",
        "1d",
    ]
    r = CliRunner().invoke(main, args)
    assert r.exit_code == 0, r.output
    assert (
        "warning: 1 file could not be read, 1 record skipped "
        f"(the alerts use the rest; {found} of {found} log files opened)"
    ) in r.stderr
    assert "fired 2026-11-14T22:15:00Z with 6" in r.stdout
