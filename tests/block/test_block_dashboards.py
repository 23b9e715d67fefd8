"""The block's dashboards: every field they name exists, every query tile listens to the date
filter, the layout is sound, and every tile runs on the embedded engine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from looker_ops.lookml.model import Dashboard, Project
from looker_ops.sample_data.generate import generate
from tests.block.support import (
    DASHBOARDS,
    EXPLORES,
    MODEL,
    engine_for,
    load_block,
    query_tiles,
    tile_sql,
    window,
)

CIS_CONTROLS = [f"4_{n}" for n in range(1, 16)]
EXPECTED = {
    "cloudtrail_console_login_overview",
    "cloudtrail_security_group_changes",
    "cloudtrail_operational_activity",
    "cloudtrail_cis_aws_foundations",
}


@pytest.fixture(scope="module")
def project() -> Project:
    return load_block()


def _explore_fields(project: Project, explore_name: str) -> set[str]:
    explore = project.explore(MODEL, explore_name)
    assert explore is not None, explore_name
    views = {explore.name: explore.view_name, **{j.name: j.view_name for j in explore.joins}}
    return {f"{alias}.{name}" for alias, view in views.items() for name in project.views[view].fields}


def test_the_four_dashboards_load(project: Project) -> None:
    assert {d.name for d in project.dashboards} == EXPECTED
    assert not [p for p in project.problems if (p.file or "").endswith(".dashboard.lookml")]


def test_every_field_a_dashboard_names_exists(project: Project) -> None:
    missing: list[str] = []
    for t in query_tiles(project):
        e = t.element
        assert e.model == MODEL, t.id
        assert e.explore in EXPLORES, t.id
        known = _explore_fields(project, e.explore)
        hidden = [str(x) for x in e.props.get("hidden_fields") or []]
        named = [
            *e.fields,
            *e.filters,
            *(s.split()[0] for s in e.sorts),
            *e.pivots,
            *e.listen.values(),
            *hidden,
        ]
        missing += [f"{t.id}: {ref}" for ref in named if ref not in known]
        # pivots, sorts and hidden fields must be among the tile's own fields
        missing += [f"{t.id}: {ref} not selected" for ref in [*e.pivots, *hidden] if ref not in e.fields]
        missing += [f"{t.id}: sort {s} not selected" for s in e.sorts if s.split()[0] not in e.fields]
    for d in project.dashboards:
        for f in d.filters:
            assert f.model == MODEL and f.explore in EXPLORES, (d.name, f.name)
            if f.field not in _explore_fields(project, f.explore or ""):
                missing.append(f"{d.name}: filter {f.name} -> {f.field}")
    assert missing == []


def test_every_query_tile_listens_to_the_date_filter(project: Project) -> None:
    for d in project.dashboards:
        date = next(f for f in d.filters if f.name == "date")
        assert date.default_value == "7 days"
        assert date.field == "cloudtrail_logs.event_date"
        tiles = [t for t in query_tiles(project) if t.dashboard is d]
        assert tiles
        for t in tiles:
            assert t.element.listen.get("date") == f"{t.element.explore}.event_date", t.id
            assert set(t.element.listen) <= {f.name for f in d.filters}, t.id


def test_dashboard_settings(project: Project) -> None:
    slugs = [d.preferred_slug or "" for d in project.dashboards]
    assert sorted(slugs) == sorted(EXPECTED)  # stable, unique: re-imports overwrite in place
    for d in project.dashboards:
        assert d.props.get("layout") == "newspaper", d.name
        assert d.title
        texts = [e for e in d.elements if e.type == "text"]
        assert texts and all(e.props.get("title_text") and e.props.get("body_text") for e in texts), d.name
        names = [e.name for e in d.elements]
        assert len(names) == len(set(names)), d.name


def _cells(d: Dashboard) -> None:
    taken: dict[tuple[int, int], str] = {}
    for e in d.elements:
        row, col, width, height = (int(e.props[k]) for k in ("row", "col", "width", "height"))
        assert width > 0 and height > 0 and col >= 0 and col + width <= 24, (d.name, e.name)
        for r in range(row, row + height):
            for c in range(col, col + width):
                assert (r, c) not in taken, f"{d.name}: {e.name} overlaps {taken[(r, c)]}"
                taken[(r, c)] = e.name


def test_newspaper_layout_has_no_overlaps(project: Project) -> None:
    for d in project.dashboards:
        _cells(d)


def test_cis_dashboard_has_one_tile_per_control(project: Project) -> None:
    d = next(d for d in project.dashboards if d.name == "cloudtrail_cis_aws_foundations")
    view = project.views["cloudtrail_logs"]
    for control in CIS_CONTROLS:
        e = next(e for e in d.elements if e.name == f"cis_{control}")
        assert e.type == "single_value"
        assert e.fields == ["cloudtrail_logs.events"]
        ((flt, value),) = e.filters.items()
        name = flt.split(".", 1)[1]
        assert name.startswith(f"cis_{control}_") and view.fields[name].type == "yesno"
        assert value == "Yes"
    assert any(e.type == "looker_grid" and "cloudtrail_logs.cis_control" in e.fields for e in d.elements)


def test_filter_values_are_strings_in_the_yaml() -> None:
    """`Yes` unquoted is a YAML boolean: Looker would read `true`, which no yesno filter matches."""
    for path in sorted(DASHBOARDS.glob("*.dashboard.lookml")):
        for d in yaml.safe_load(path.read_text(encoding="utf-8")):
            for e in d["elements"]:
                for k, v in (e.get("filters") or {}).items():
                    assert isinstance(v, str), (path.name, e["name"], k, v)
            for f in d["filters"]:
                assert isinstance(f.get("default_value"), str), (path.name, f["name"])


def test_every_tile_runs_on_the_engine(project: Project, tmp_path: Path) -> None:
    last = dt.date(2026, 11, 20)
    generate(tmp_path, days=3, seed=5, end=last)
    engine = engine_for(tmp_path)
    with_rows = 0
    for t in query_tiles(project):
        result = engine.query(tile_sql(project, t, {"date": window(last - dt.timedelta(days=2), last)}))
        assert t.element.limit is None or len(result.rows) <= t.element.limit, t.id
        # the element's fields, then (as Looker adds them) the order_by_field of a pivot that has one
        ordering = [
            f"{p.split('.')[0]}.{project.views[p.split('.')[0]].fields[p.split('.')[1]].props['order_by_field']}"
            for p in t.element.pivots
            if "order_by_field" in project.views[p.split(".")[0]].fields[p.split(".")[1]].props
        ]
        assert sorted(result.columns) == sorted([*t.element.fields, *ordering]), t.id
        with_rows += bool(result.rows)
    assert with_rows == len(list(query_tiles(project)))  # the sample tells every tile's story


def test_every_dashboard_runs_its_queries_in_utc(project: Project) -> None:
    """The explores' partition range keeps one day of margin before the window for query time
    zones ahead of UTC (see docs/block.md); the dashboards themselves all query in UTC, so their
    days are CloudTrail's days."""
    for d in project.dashboards:
        assert d.props.get("query_timezone") == "UTC", d.name


def test_account_filter_targets_the_account_partition(project: Project) -> None:
    """The Account filter must prune partitions: its field is the partition column itself, and
    every query tile listens to it."""
    view = project.views["cloudtrail_logs"]
    for d in project.dashboards:
        account = next(f for f in d.filters if f.name == "account")
        assert account.field == "cloudtrail_logs.account", d.name
        assert (view.fields["account"].sql or "").strip() == "${TABLE}.account"
        for t in query_tiles(project):
            if t.dashboard is d:
                assert t.element.listen.get("account") == "cloudtrail_logs.account", t.id
