"""Athena rule 5: partition pruning.

Athena bills by bytes scanned. A CloudTrail table is partitioned (its partition columns come
from ``looker_ops.lookml.schema``); a query with no predicate on the date partition reads every
file ever delivered. So:

- ``ATH501``: an explore whose base view reads a partitioned table must *require* a date filter
  (``always_filter`` or ``conditionally_filter`` on a date field);
- ``ATH502``: that date filter must reach a partition column: the query Looker writes must have a
  predicate on a partition column that changes with the filter's value (typically
  ``sql_always_where`` using ``{% date_start %}`` / ``{% date_end %}`` on the partition column);
- ``ATH503``: a dashboard tile on such an explore must listen to a dashboard date filter (or set
  a date filter itself), otherwise the dashboard's date control does not bound its scan.
"""

from __future__ import annotations

from sqlglot import exp

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import parse_athena, view_schema
from looker_ops.findings import Severity
from looker_ops.lookml.model import Explore, Field, Project
from looker_ops.lookml.sql import LiquidContext, LookerFilterCompiler, SqlCompiler

NO_DATE_FILTER = rule(
    "ATH501",
    Severity.ERROR,
    "partitioned explore without a required date filter",
    "partitions",
    "The explore reads a partitioned table but requires no date filter (always_filter or conditionally_filter on a date field): any query can scan every partition.",
    "explore: cloudtrail_logs { }",
    'explore: cloudtrail_logs {\n  always_filter: { filters: [cloudtrail_logs.event_date: "7 days"] }\n  sql_always_where: ...partition predicate... ;;\n}',
)
NOT_PRUNED = rule(
    "ATH502",
    Severity.ERROR,
    "date filter does not prune partitions",
    "partitions",
    "The required date filter never becomes a predicate on a partition column, so Athena still reads every partition.",
    'always_filter: { filters: [cloudtrail_logs.event_date: "7 days"] }   # and nothing on dt',
    "sql_always_where: ${cloudtrail_logs.partition_date} >= date_format({% date_start cloudtrail_logs.event_date %}, '%Y/%m/%d') ;;",
)
TILE_NO_DATE = rule(
    "ATH503",
    Severity.ERROR,
    "dashboard tile does not listen to a date filter",
    "partitions",
    "A tile on a partitioned explore that neither listens to a dashboard date filter nor sets a date filter.",
    "- name: top_users\n  explore: cloudtrail_logs\n  fields: [...]\n  listen: {Account: cloudtrail_logs.account}",
    "- name: top_users\n  explore: cloudtrail_logs\n  fields: [...]\n  listen: {Date: cloudtrail_logs.event_date}",
)

_FC = LookerFilterCompiler()
_PROBES = ("7 days", "2020/01/01 to 2020/01/03")


def _field(project: Project, explore: Explore, ref: str) -> Field | None:
    alias, _, name = ref.partition(".")
    vname = explore.aliases().get(alias)
    view = project.views.get(vname) if vname else None
    return view.fields.get(name) if view else None


def is_date_field(f: Field | None) -> bool:
    return f is not None and _FC.kind_of(f) == "date"


def partitioned(ctx: CheckContext, explore: Explore) -> tuple[str, ...]:
    view = ctx.project.views.get(explore.view_name)
    schema = view_schema(ctx, view) if view is not None else None
    return schema.partition_names if schema is not None else ()


def _partition_predicates(sql: str, alias: str, parts: tuple[str, ...]) -> set[str]:
    tree = parse_athena(sql)
    if tree is None or not isinstance(tree, exp.Select):
        return set()
    where = tree.args.get("where")
    if where is None:
        return set()
    out = set()
    for conj in where.this.flatten() if isinstance(where.this, exp.And) else [where.this]:
        for c in conj.find_all(exp.Column):
            if c.name.lower() in parts and (not c.table or c.table == alias):
                out.add(conj.sql(dialect="athena"))
                break
    return out


def check(ctx: CheckContext) -> None:
    p = ctx.project
    for explore in ctx.explores():
        if explore.extension_required:
            continue
        parts = partitioned(ctx, explore)
        if not parts:
            continue
        where = f"model:{explore.model}/explore:{explore.name}"
        required = {**explore.always_filter, **explore.conditionally_filter}
        date_refs = [r for r in required if is_date_field(_field(p, explore, r))]
        if not date_refs:
            ctx.report(
                NO_DATE_FILTER,
                f"explore {explore.name} reads partitioned table {p.views[explore.view_name].sql_table_name or explore.view_name} "
                f"(partitions: {', '.join(parts)}) but requires no date filter: add an always_filter on a date field",
                explore.file,
                explore.line,
                where,
            )
            continue
        preds = []
        for probe in _PROBES:
            filters = {r: probe for r in date_refs}
            comp = SqlCompiler(p, explore, LiquidContext())
            sql = comp.select([], filters=filters)
            preds.append(_partition_predicates(sql, explore.name, parts))
        if not preds[0] or preds[0] == preds[1]:
            why = (
                "no predicate on a partition column"
                if not preds[0]
                else "the partition predicate does not change with the date"
            )
            ctx.report(
                NOT_PRUNED,
                f"explore {explore.name}: the date filter {', '.join(date_refs)} does not prune partitions "
                f"({why}; partitions: {', '.join(parts)})",
                explore.file,
                explore.line,
                where,
            )
    for d in ctx.dashboards():
        date_filters = {
            fl.name for fl in d.filters if (fl.type or "") in ("date_filter", "field_filter", "date", "")
        }
        for el in d.elements:
            if not el.model or not el.explore or not el.fields:
                continue
            tile_explore = p.explores.get((el.model, el.explore))
            if tile_explore is None or tile_explore.extension_required or not partitioned(ctx, tile_explore):
                continue
            explore = tile_explore
            # a listen to a filter that does not exist is REF008's finding, not this one's
            listens = any(
                (name in date_filters or name not in {fl.name for fl in d.filters})
                and is_date_field(_field(p, explore, target))
                for name, target in el.listen.items()
            )
            own = any(
                v not in (None, "") and is_date_field(_field(p, explore, r)) for r, v in el.filters.items()
            )
            if not (listens or own):
                ctx.report(
                    TILE_NO_DATE,
                    f"dashboard {d.name}: tile {el.name} on partitioned explore {el.explore} does not listen to a "
                    "date filter: it scans whatever the explore's default window is, ignoring the dashboard's date",
                    d.file,
                    el.line,
                    f"dashboard:{d.name}/element:{el.name}",
                )
