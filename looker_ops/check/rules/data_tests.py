"""LookML data tests (``test:``, ``REF013``): the explore_source explore, and every column,
filter, sort and assert reference, exist in the model that includes the test. A reference
through a view that does not exist is counted in that view's ``REF003`` instead."""

from __future__ import annotations

from typing import Any

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import broken_aliases, exposed_fields, through_broken
from looker_ops.check.rules.filter_values import BAD_FILTER_VALUE, filter_error
from looker_ops.findings import Severity
from looker_ops.lookml.model import Project
from looker_ops.lookml.sql import references

BAD_TEST = rule(
    "REF013",
    Severity.ERROR,
    "data test names a missing explore or field",
    "references",
    "A `test:` runs its explore_source query on Looker: the explore, every column field, filter, sort and "
    "assert reference must exist in the model that includes the test.",
    "test: keys_unique {\n  explore_source: cloudtrail_logs {\n    column: id { field: cloudtrail_logs.eventid }\n  }\n"
    "  assert: one { expression: ${cloudtrail_logs.events} = 1 ;; }\n}",
    "test: keys_unique {\n  explore_source: cloudtrail_logs {\n    column: id { field: cloudtrail_logs.event_id }\n"
    "    column: events { field: cloudtrail_logs.events }\n  }\n  assert: one { expression: ${cloudtrail_logs.events} = 1 ;; }\n}",
)


def test_field_refs(t: dict[str, Any]) -> list[tuple[str, str, int]]:
    """(what, field, line) of each field a data test names: its explore_source's columns,
    filters and sorts, and its asserts' ``${...}`` references."""
    es = t.get("explore_source")
    if not isinstance(es, dict):
        return []
    ename = str(es.get("_name"))
    es_line = int(es.get("_line", t.get("_line", 0)))
    lines = es.get("_lines") or {}
    out: list[tuple[str, str, int]] = []
    for col in es.get("columns", []) or []:
        if isinstance(col, dict):
            ref = str(col.get("field") or f"{ename}.{col.get('_name')}")
            out.append((f"column {col.get('_name')}: {ref}", ref, int(col.get("_line", es_line))))
    for group in es.get("filters__all", []) or []:
        for ref, _value in group if isinstance(group, list) else []:
            out.append((f"filter field {ref}", ref, int(lines.get("filters", es_line))))
    sorts = es.get("sorts") or []
    for item in sorts if isinstance(sorts, list) else []:
        ref = item[0] if isinstance(item, tuple) else str(item).split()[0]
        out.append((f"sort field {ref}", ref, int(lines.get("sorts", es_line))))
    for a in t.get("asserts", []) or []:
        if isinstance(a, dict):
            for ref in references(str(a.get("expression", ""))):
                out.append((f"assert {a.get('_name')}: ${{{ref}}}", ref, int(a.get("_line", es_line))))
    return out


def tests_of(project: Project, model: str, explore: str) -> list[dict[str, Any]]:
    """The data tests of ``model`` whose explore_source is ``explore``."""
    out = []
    for m, t in project.tests:
        es = t.get("explore_source")
        if m == model and isinstance(es, dict) and str(es.get("_name")) == explore:
            out.append(t)
    return out


def test_refs(ctx: CheckContext, project: Project, model: str, t: dict[str, Any]) -> None:
    """REF013 (and REF012 for a filter value) for one data test of ``model``."""
    name = str(t.get("_name"))
    file = str(t.get("_file", ""))
    where = f"model:{model}/test:{name}"
    es = t.get("explore_source")
    if not isinstance(es, dict):
        ctx.report(BAD_TEST, f"test {name} has no explore_source", file, int(t.get("_line", 0)), where)
        return
    ename = str(es.get("_name"))
    e = project.explore(model, ename)
    if e is None and project.unparsed and ctx.may_be_in_dependency(ename, [model]):
        return
    if e is None:
        line = int(es.get("_line", t.get("_line", 0)))
        ctx.report(
            BAD_TEST,
            f"test {name}: explore_source {ename} is not an explore of model {model}",
            file,
            line,
            where,
        )
        return
    exposed = exposed_fields(project, e)
    broken = broken_aliases(ctx, project, e)
    for what, ref, line in test_field_refs(t):
        if ref in exposed or through_broken(broken, ref):
            continue
        if project.unparsed:  # the view may be one a file that does not parse defines
            vname = e.aliases().get(ref.partition(".")[0])
            if vname and ctx.may_be_in_dependency(vname, [model]):
                continue
        ctx.report(BAD_TEST, f"test {name}: {what} is not a field of explore {ename}", file, line, where)
    lines = es.get("_lines") or {}
    es_line = int(es.get("_line", t.get("_line", 0)))
    for group in es.get("filters__all", []) or []:
        for ref, value in group if isinstance(group, list) else []:
            err = filter_error(exposed[ref][1], value) if ref in exposed else None
            if err:
                line = int(lines.get("filters", es_line))
                ctx.report(BAD_FILTER_VALUE, f"test {name}: filter {ref}: {err}", file, line, where)
