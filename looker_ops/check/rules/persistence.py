"""Athena rule 1: no persistent derived tables, no aggregate tables.

Looker persists a derived table by writing it to the database (CREATE TABLE AS), which needs a
scratch schema with write access; on Athena that means writing to S3 from Looker, which the
block does not set up and which goes stale silently. Ephemeral derived tables (plain ``sql`` or
``explore_source`` with no persistence) are fine; datagroups used for query caching only are fine.
"""

from __future__ import annotations

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.findings import Severity

PERSIST_KEYS = (
    "datagroup_trigger",
    "persist_for",
    "sql_trigger_value",
    "materialized_view",
    "increment_key",
    "increment_offset",
    "create_process",
    "sql_create",
    "cluster_keys",
    "partition_keys",
    "publish_as_db_view",
    "indexes",
    "distribution",
    "distribution_style",
    "sortkeys",
    "interval_trigger",
)

PDT = rule(
    "ATH101",
    Severity.ERROR,
    "persistent derived table",
    "persistence",
    "A derived table with a persistence parameter (" + ", ".join(PERSIST_KEYS) + ") is built as a "
    "table in the database. Athena has no scratch schema for Looker here: keep derived tables ephemeral.",
    "derived_table: {\n  sql: SELECT ... ;;\n  datagroup_trigger: daily\n}",
    "derived_table: {\n  sql: SELECT ... ;;\n}",
)
AGG = rule(
    "ATH102",
    Severity.ERROR,
    "aggregate table",
    "persistence",
    "`aggregate_table` (aggregate awareness) is a persistent derived table too.",
    "explore: e {\n  aggregate_table: daily { query: { ... } materialization: { datagroup_trigger: d } }\n}",
    "explore: e { }   # let Athena scan the partitions the date filter selects",
)


def _find_persist(d: dict[str, object], path: str = "") -> list[str]:
    out = [f"{path}{k}" for k in PERSIST_KEYS if k in d]
    for k, v in d.items():
        if isinstance(v, dict) and not k.startswith("_"):
            out.extend(_find_persist(v, f"{path}{k}."))
    return out


def check(ctx: CheckContext) -> None:
    for raw in ctx.mine(ctx.project.raw_views):
        name = str(raw.get("_name"))
        dt = raw.get("derived_table")
        if isinstance(dt, dict):
            keys = _find_persist(dt)
            if keys:
                lines = dt.get("_lines") or {}
                first = keys[0].split(".")[0]
                ctx.report(
                    PDT,
                    f"view {name.lstrip('+')}: derived table is persisted ({', '.join(keys)}); "
                    "Athena derived tables must be ephemeral: remove the persistence",
                    raw.get("_file"),
                    int(lines.get(first, dt.get("_line", raw.get("_line", 0)))),
                    f"view:{name}",
                )
    for raw in ctx.mine(ctx.project.raw_explores):
        name = str(raw.get("_name"))
        for at in raw.get("aggregate_tables", []) or []:
            if isinstance(at, dict):
                ctx.report(
                    AGG,
                    f"explore {name.lstrip('+')}: aggregate_table {at.get('_name')} persists a table; "
                    "not supported on Athena here: remove it",
                    raw.get("_file"),
                    int(at.get("_line", 0)),
                    f"explore:{name}/aggregate_table:{at.get('_name')}",
                )
