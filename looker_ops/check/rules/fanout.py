"""Athena rule 2: no reliance on symmetric aggregates.

Looker keeps sums and averages right across joins that repeat rows by "symmetric aggregates"
(``SUM(DISTINCT hash + value)`` tricks keyed on the primary key). Don't rely on them on Athena:
the block must be correct with plain aggregates. A join repeats rows when:

- ``one_to_many``: each row of the explore's other views repeats once per matching row;
- ``many_to_many``: rows of both sides repeat;
- ``many_to_one`` / ``one_to_one`` whose ``sql_on`` does not reach the joined view's primary key
  (``${join.pk}``), or whose view has no primary key: nothing guarantees one match, so the other
  views' rows may repeat;
- ``many_to_one`` reaching the key: the joined view's own rows repeat (once per matching row).

Measures that are then wrong: sum, average, median, percentile and their ``_distinct`` forms,
``count`` of a view with no primary key (a ``COUNT(*)``), and number measures built on those.
``count`` with a primary key (``COUNT(DISTINCT pk)``), count_distinct, min and max stay right.
"""

from __future__ import annotations

import re

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import exposed_fields
from looker_ops.findings import Severity
from looker_ops.lookml.field_types import FANOUT_SENSITIVE
from looker_ops.lookml.model import Explore, Field, Join, Project, View

FANOUT = rule(
    "ATH201",
    Severity.ERROR,
    "join fans out measures that need symmetric aggregates",
    "fanout",
    "A join repeats the rows of some views (one_to_many, many_to_many, a join that does not reach the joined view's primary key, or the joined view itself in many_to_one), and the explore exposes sum/average/median/percentile (or _distinct) measures, or a COUNT(*) count, of those views: without symmetric aggregates they are wrong.",
    "explore: users {\n  join: events {\n    relationship: one_to_many\n    sql_on: ${users.id} = ${events.user_id} ;;\n  }\n}\n"
    "# users.total_age (type: sum) is summed once per event",
    "explore: events {\n  join: users {\n    relationship: many_to_one\n    sql_on: ${events.user_id} = ${users.id} ;;   # users.id is the primary key\n  }\n}\n"
    "# and no sum/average measure on users (count distinct instead)",
)
SILENCED = rule(
    "ATH202",
    Severity.ERROR,
    "symmetric_aggregates: no",
    "fanout",
    "`symmetric_aggregates: no` only silences the fan-out: the numbers stay wrong. Fix the join or the measures.",
    "explore: users {\n  symmetric_aggregates: no\n  join: events { relationship: one_to_many ... }\n}",
    "explore: events {\n  join: users { relationship: many_to_one sql_on: ${events.user_id} = ${users.id} ;; }\n}",
)


def reaches_primary_key(project: Project, j: Join) -> bool:
    view = project.views.get(j.view_name)
    pk = view.primary_key() if view else None
    if pk is None:
        return False
    if j.foreign_key:
        return True
    text = j.sql_on or str(j.props.get("sql_foreign_key") or "")
    names = {pk.name}
    # a composite key built from other fields: reaching all of them is fine too
    refs = set(re.findall(r"\$\{\s*" + re.escape(j.name) + r"\.(\w+)\s*\}", text))
    if refs & names:
        return True
    pk_parts = set(re.findall(r"\$\{(\w+)\}", pk.sql or ""))
    return bool(pk_parts) and pk_parts <= refs


def repeated_aliases(project: Project, explore: Explore, j: Join) -> tuple[set[str], str]:
    others = {explore.name} | {x.name for x in explore.joins if x.name != j.name}
    rel = j.relationship
    reached = reaches_primary_key(project, j)
    if rel == "many_to_many":
        return others | {j.name}, "many_to_many: rows of both sides repeat"
    if rel == "one_to_many":
        return others, "one_to_many: each row of the other views repeats once per matching row"
    if not reached:
        why = (
            f"{rel} but its sql_on does not reach the primary key of {j.view_name}"
            if project.views.get(j.view_name) and project.views[j.view_name].primary_key()
            else f"{rel} but {j.view_name} has no primary key"
        )
        return others, why + ", so the other views' rows may repeat"
    if rel == "many_to_one":
        return {j.name}, f"many_to_one: each {j.view_name} row repeats once per matching row of the explore"
    return set(), ""


def _measures(project: Project, explore: Explore) -> list[tuple[str, View, Field, str]]:
    """(``alias.field``, view, field, alias) of each measure the explore exposes, in order."""
    return [
        (key, view, f, alias)
        for key, (view, f, alias) in exposed_fields(project, explore).items()
        if f.kind == "measure"
    ]


def _bad_measures(
    ctx: CheckContext,
    explore: Explore,
    aliases: set[str],
    measures: list[tuple[str, View, Field, str]] | None = None,
) -> list[str]:
    """The measures of ``aliases`` that a fan-out makes wrong (``measures``: the explore's, from
    :func:`_measures`, when the caller has them)."""
    if measures is None:
        measures = _measures(ctx.project, explore)
    bad: list[str] = []
    bad_names: dict[str, set[str]] = {}
    for key, view, f, alias in measures:
        if alias not in aliases:
            continue
        wrong = f.type in FANOUT_SENSITIVE or (f.type == "count" and view.primary_key() is None and not f.sql)
        if wrong:
            bad.append(f"{key} ({f.type})")
            bad_names.setdefault(alias, set()).add(f.name)
    # number measures built on wrong measures of the same view
    for key, _view, f, alias in measures:
        if alias not in aliases or f.type != "number" or not f.sql:
            continue
        refs = set(re.findall(r"\$\{(\w+)\}", f.sql))
        if refs & bad_names.get(alias, set()):
            bad.append(f"{key} (number on {', '.join(sorted(refs & bad_names[alias]))})")
    return bad


def check(ctx: CheckContext) -> None:
    p = ctx.project
    for explore in ctx.explores():
        if explore.extension_required:
            continue
        sa = explore.props.get("symmetric_aggregates")
        if sa is not None and str(sa).lower() == "no":
            ctx.report(
                SILENCED,
                f"explore {explore.name}: symmetric_aggregates: no hides fan-out instead of fixing it",
                explore.props.get("_file", explore.file),
                explore.line_of("symmetric_aggregates"),
                f"model:{explore.model}/explore:{explore.name}",
            )
        measures: list[tuple[str, View, Field, str]] | None = None
        for j in explore.joins:
            if p.views.get(j.view_name) is None:
                continue
            aliases, why = repeated_aliases(p, explore, j)
            if not aliases:
                continue
            if measures is None:
                measures = _measures(p, explore)
            bad = _bad_measures(ctx, explore, aliases, measures)
            if bad:
                shown = ", ".join(bad[:8]) + (f" and {len(bad) - 8} more" if len(bad) > 8 else "")
                ctx.report(
                    FANOUT,
                    f"explore {explore.name}: join {j.name} fans out ({why}); these measures would be wrong "
                    f"without symmetric aggregates: {shown}",
                    j.file,
                    j.line,
                    f"model:{explore.model}/explore:{explore.name}/join:{j.name}",
                )
