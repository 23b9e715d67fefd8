"""Helpers shared by the block's tests (tests/block/test_block_*.py): the project, engines, tiles.

Adding a tile test: see "Adding a tile test" in docs/preview.md."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from looker_ops import clock
from looker_ops.engines.local import LocalEngine, QueryResult
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Dashboard, DashboardElement, Project
from looker_ops.lookml.query import compile_query, tile_query
from looker_ops.lookml.sql import LiquidContext, SqlCompiler

REPO = Path(__file__).resolve().parents[2]
# The block under test (overridable, e.g. to check that a deliberately broken copy fails the tests).
BLOCK = Path(os.environ.get("BLOCK_UNDER_TEST", REPO / "lookml_project"))
DASHBOARDS = Path(os.environ.get("BLOCK_DASHBOARDS_UNDER_TEST", REPO / "dashboards"))
MODEL = "cloudtrail"
EXPLORES = ("cloudtrail_logs", "cloudtrail_resources")
DATE_FIELD = {
    "cloudtrail_logs": "cloudtrail_logs.event_date",
    "cloudtrail_resources": "cloudtrail_resources.event_date",
}


def load_block(root: Path = BLOCK) -> Project:
    return load_project(root, dashboard_dirs=[DASHBOARDS], cache_dir=None, workers=1)


def window(first: dt.date, last: dt.date) -> str:
    """A Looker date filter covering the days ``first`` .. ``last`` (inclusive)."""
    return f"{first.isoformat()} to {(last + dt.timedelta(days=1)).isoformat()}"


@dataclass
class Tile:
    dashboard: Dashboard
    element: DashboardElement

    @property
    def id(self) -> str:
        return f"{self.dashboard.name}/{self.element.name}"


def query_tiles(project: Project) -> Iterator[Tile]:
    for d in sorted(project.dashboards, key=lambda d: d.name):
        for e in d.elements:
            if e.type not in ("text", "button"):
                yield Tile(d, e)


def tile(project: Project, dashboard: str, element: str) -> Tile:
    for t in query_tiles(project):
        if t.dashboard.name == dashboard and t.element.name == element:
            return t
    raise KeyError(f"{dashboard}/{element}")


def tile_sql(project: Project, t: Tile, dashboard_filters: Mapping[str, str]) -> str:
    """The Athena SQL of a tile as Looker runs it, built by the same function as ``preview``
    and ``check --sql`` (:func:`~looker_ops.lookml.query.tile_query`): its own fields, filters,
    sorts and limit, plus the dashboard filters it listens to (``dashboard_filters`` by filter
    name, else the filter's default value); relative dates from the pinned clock."""
    spec = tile_query(t.dashboard, t.element, dashboard_filters)
    return compile_query(project, spec, now=clock.now()).sql


def explore_sql(
    project: Project,
    explore_name: str,
    fields: Sequence[str],
    filters: Mapping[str, str],
    *,
    sorts: Sequence[str] = (),
) -> str:
    explore = project.explore(MODEL, explore_name)
    assert explore is not None
    compiler = SqlCompiler(project, explore, LiquidContext())
    sql = compiler.select(list(fields), filters=dict(filters), sorts=sorts)
    assert not compiler.problems, compiler.problems
    return sql


def rows(result: QueryResult) -> list[dict[str, Any]]:
    return [dict(zip(result.columns, r, strict=True)) for r in result.rows]


def engine_for(sample_dir: Path) -> LocalEngine:
    return LocalEngine(sample_dir, geoip_dir=sample_dir / "geoip")
