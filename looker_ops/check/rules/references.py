"""Reference rules: everything a name points to exists.

- ``REF001`` a ``${...}`` reference (field SQL, derived table, sql_on, sql_always_where, measure
  ``filters``) that names no view, join or field (a dimension group needs a timeframe: ``${created_raw}``);
- ``REF002`` a reference cycle (``a`` uses ``b`` uses ``a``);
- ``REF003`` an explore's or join's view (``from`` / ``view_name`` / the name itself) that does not exist;
- ``REF004`` a ``set`` or ``drill_fields`` entry that names no field or set;
- ``REF005`` an explore ``fields:`` / join ``fields:`` / ``always_filter`` / ``conditionally_filter`` /
  ``access_filter`` field that does not exist;
- ``REF006`` a dashboard element whose model or explore does not exist;
- ``REF007`` a dashboard element field (``fields``, ``filters``, ``sorts``, ``pivots``) not in its explore
  (dimension group timeframes are expanded as Looker names them; dynamic fields count);
- ``REF008`` a ``listen`` entry whose dashboard filter or target field does not exist;
- ``REF009`` a dashboard filter whose model, explore or field does not exist;
- ``REF010`` a duplicate view, explore, field, model or dashboard name;
- ``REF011`` Liquid the checker cannot render (an unknown tag, an unclosed ``{% if %}``);
- ``REF012`` a filter value Looker cannot read for its field's type (``>abc`` on a number,
  ``7 dayz`` on a date, ``maybe`` on a yesno): dashboard element filters, dashboard filter
  defaults, explore ``always_filter`` / ``conditionally_filter`` and measure ``filters``;
- ``REF013`` a LookML data test (``test:``) whose explore_source explore, columns, filters, sorts
  or assert expressions name something that does not exist in the model.
"""

from __future__ import annotations

import re
from typing import Any

from looker_ops.check.rules import CheckContext, Rule, rule
from looker_ops.check.rules.common import compiled_field, compiled_table, exposed_fields
from looker_ops.findings import Severity
from looker_ops.lookml.dashboards import make_element
from looker_ops.lookml.merge import measure_filters
from looker_ops.lookml.model import Dashboard, DashboardElement, Explore, Field, Project, View
from looker_ops.lookml.sql import SqlCompiler, SqlProblem, references

F = "references"
UNRESOLVED = rule(
    "REF001",
    Severity.ERROR,
    "unresolved ${} reference",
    F,
    "A `${...}` reference names no view, join or field (a dimension group needs a timeframe: `${created_raw}`).",
    "dimension: who { sql: ${user_nmae} ;; }",
    "dimension: who { sql: ${user_name} ;; }",
)
CYCLE = rule(
    "REF002",
    Severity.ERROR,
    "reference cycle",
    F,
    "Fields that reference each other in a loop.",
    "dimension: a { sql: ${b} ;; }\ndimension: b { sql: ${a} ;; }",
    "dimension: a { sql: ${TABLE}.a ;; }\ndimension: b { sql: ${a} ;; }",
)
NO_VIEW = rule(
    "REF003",
    Severity.ERROR,
    "explore or join names no view",
    F,
    "The view of an explore or join (`from`, `view_name` or its own name) is not defined.",
    "join: geo { from: geoip_view }   # the view is geoip",
    "join: geo { from: geoip }",
)
BAD_SET = rule(
    "REF004",
    Severity.ERROR,
    "set or drill field does not exist",
    F,
    "A `set:` member or `drill_fields` entry that names no field (or set).",
    "drill_fields: [event_nmae]",
    "drill_fields: [event_name]",
)
BAD_EXPLORE_FIELD = rule(
    "REF005",
    Severity.ERROR,
    "explore field list names a missing field",
    F,
    "An explore/join `fields:`, always_filter, conditionally_filter or access_filter field that does not exist.",
    'always_filter: { filters: [logs.event_day: "7 days"] }',
    'always_filter: { filters: [logs.event_date: "7 days"] }',
)
BAD_TILE_SOURCE = rule(
    "REF006",
    Severity.ERROR,
    "dashboard element model/explore does not exist",
    F,
    "A dashboard element with fields must name an existing model and explore.",
    "model: cloudtrail_v2\nexplore: cloudtrail_logs",
    "model: cloudtrail\nexplore: cloudtrail_logs",
)
BAD_TILE_FIELD = rule(
    "REF007",
    Severity.ERROR,
    "dashboard element names a field not in its explore",
    F,
    "Every field, filter, sort and pivot of an element exists in its explore.",
    "fields: [cloudtrail_logs.event_day]",
    "fields: [cloudtrail_logs.event_date]",
)
BAD_LISTEN = rule(
    "REF008",
    Severity.ERROR,
    "listen names a missing filter or field",
    F,
    "`listen: {Filter: view.field}`: the dashboard filter and the field both exist.",
    "listen: {Date: cloudtrail_logs.event}",
    "listen: {Date: cloudtrail_logs.event_date}",
)
BAD_DASH_FILTER = rule(
    "REF009",
    Severity.ERROR,
    "dashboard filter names a missing model/explore/field",
    F,
    "A field_filter's model, explore and field exist.",
    "- name: Account\n  type: field_filter\n  explore: logs\n  field: logs.acount",
    "- name: Account\n  type: field_filter\n  model: cloudtrail\n  explore: cloudtrail_logs\n  field: cloudtrail_logs.account_id",
)
DUPLICATE = rule(
    "REF010",
    Severity.ERROR,
    "duplicate name",
    F,
    "Two views, explores (in one model), fields (in one view, or in one refinement block: a "
    "refinement merges each field into the view's, so a second one in the same block is a "
    "duplicate too), models or dashboards with the same name.",
    "view: a {...} in two files\nview: +a { dimension: x {...} dimension: x {...} }",
    "one view a, refined with view: +a { dimension: x {...} }",
)
LIQUID = rule(
    "REF011",
    Severity.WARNING,
    "Liquid the checker cannot render",
    F,
    "An unknown Liquid tag or an unclosed block: the compiled SQL may not be what Looker sends.",
    "{% if x._in_query %} ... (no endif)",
    "{% if x._in_query %} ... {% endif %}",
)


BAD_FILTER_VALUE = rule(
    "REF012",
    Severity.ERROR,
    "filter value Looker cannot read",
    F,
    "A filter expression that is not valid for the type of the field it filters (Looker's filter grammar).",
    "filters:\n  cloudtrail_logs.events: '>ten'",
    "filters:\n  cloudtrail_logs.events: '>10'",
)
BAD_TEST = rule(
    "REF013",
    Severity.ERROR,
    "data test names a missing explore or field",
    F,
    "A `test:` runs its explore_source query on Looker: the explore, every column field, filter, sort and "
    "assert reference must exist in the model that includes the test.",
    "test: keys_unique {\n  explore_source: cloudtrail_logs {\n    column: id { field: cloudtrail_logs.eventid }\n  }\n"
    "  assert: one { expression: ${cloudtrail_logs.events} = 1 ;; }\n}",
    "test: keys_unique {\n  explore_source: cloudtrail_logs {\n    column: id { field: cloudtrail_logs.event_id }\n"
    "    column: events { field: cloudtrail_logs.events }\n  }\n  assert: one { expression: ${cloudtrail_logs.events} = 1 ;; }\n}",
)
_DASH_FILTER_KINDS = {
    "date_filter": "date",
    "number_filter": "number",
    "string_filter": "string",
    "yesno_filter": "yesno",
}


def _filter_error(f: Field | None, value: str | None, kind: str | None = None) -> str | None:
    """Why ``value`` is not a valid filter expression for ``f`` (None when it is, or unknown)."""
    from looker_ops.errors import BadInput
    from looker_ops.lookml.filters import filter_kind, parse_filter

    if value is None or (f is None and kind is None):
        return None
    k = kind or filter_kind(f.type if f else None, f.timeframe if f else None)
    try:
        parse_filter(str(value), k, name=f.ref if f else "filter")
    except BadInput as exc:
        return exc.message
    except Exception:  # a grammar the parser does not know: not this rule's business
        return None
    return None


def _report_problems(
    ctx: CheckContext,
    probs: list[SqlProblem],
    file: str,
    line: int,
    where: str,
    only: tuple[str | None, str | None] | None = None,
    models: list[str] | None = None,
) -> None:
    """Report the compiler's problems (``models``: where the text is used, for dependencies)."""
    for pr in probs:
        if only is not None and (pr.view, pr.field) != only:
            continue
        if pr.kind == "unsupported" or (
            pr.missing is not None and ctx.may_be_in_dependency(pr.missing, models)
        ):
            continue
        if pr.view is not None and ctx.may_be_in_dependency(pr.view, models):
            continue
        r: Rule = {"cycle": CYCLE, "liquid": LIQUID}.get(pr.kind, UNRESOLVED)
        ctx.report(r, pr.message, file, line, where)


def _view_refs(ctx: CheckContext, view: View) -> None:
    seen_groups: set[str] = set()
    models = _view_models(ctx.project, view)
    for f in view.fields.values():
        if f.group is not None:
            if f.group in seen_groups:
                continue
            seen_groups.add(f.group)
        c = compiled_field(ctx, view, f)
        kind = "dimension_group" if f.group else f.kind
        name = f.group or f.name
        _report_problems(
            ctx,
            c.problems,
            f.file,
            f.line,
            f"view:{view.name}/{kind}:{name}",
            only=(view.name, f.name),
            models=models,
        )
        if f.kind == "measure":
            for ref, value in measure_filters(f.props).items():
                vn, _, fn = ref.rpartition(".")
                target = ctx.project.view_for(view.model, vn) if vn else view
                tf = target.fields.get(fn) if target else None
                err = _filter_error(tf, value) if tf is not None else None
                if err:
                    ctx.report(
                        BAD_FILTER_VALUE,
                        f"measure {f.name}: filters: {err}",
                        *f.origin("filters", "filters__all"),
                        f"view:{view.name}/measure:{f.name}",
                    )
        # problems raised where this field's text is itself (e.g. bad Liquid), owner None
        _report_problems(
            ctx,
            [p for p in c.problems if p.kind == "liquid" and p.view == view.name and p.field is None],
            f.file,
            f.line,
            f"view:{view.name}/{kind}:{name}",
            models=models,
        )
    if view.derived_table is not None or view.sql_table_name:
        c = compiled_table(ctx, view)
        key = "derived_table" if view.derived_table is not None else "sql_table_name"
        line = view.line_of(key)
        file = str(view.props.get("_file") or view.file)
        if view.derived_table is not None:
            line = int(
                (view.derived_table.get("_lines") or {}).get("sql", view.derived_table.get("_line", line))
            )
        _report_problems(
            ctx,
            [p for p in c.problems if p.view == view.name and p.field in (key, None)],
            file,
            line,
            f"view:{view.name}/{key}",
            models=models,
        )


def _view_models(project: Project, view: View) -> list[str]:
    """The models a view is used in (its own, or those including its file)."""
    return [view.model] if view.model else project.models_of_file(view.file)


def _names_in_view(view: View) -> set[str]:
    return set(view.fields) | set(view.groups)


def _sets_and_drills(ctx: CheckContext, project: Project, view: View) -> None:
    sets = {str(s.get("_name")): s for s in view.props.get("sets", []) or [] if isinstance(s, dict)}

    def ok(item: str) -> bool:
        it = item.strip().lstrip("-")
        if it in ("ALL_FIELDS*",):
            return True
        vname, _, name = it.rpartition(".")
        target = view if not vname else project.view_for(view.model, vname)
        if target is None or target.partial:
            return target is not None or ctx.may_be_in_dependency(vname, _view_models(project, view))
        if name.endswith("*"):
            tsets = {str(s.get("_name")) for s in target.props.get("sets", []) or [] if isinstance(s, dict)}
            return name[:-1] in tsets
        return name in _names_in_view(target)

    for sname, s in sets.items():
        for item in [str(x) for x in s.get("fields") or []]:
            if not ok(item):
                ctx.report(
                    BAD_SET,
                    f"set {sname} of view {view.name}: {item} is not a field or set",
                    str(s.get("_file") or view.file),
                    int(s.get("_line", view.line)),
                    f"view:{view.name}/set:{sname}",
                )
    drills = [(view.props.get("drill_fields"), view.file, view.line_of("drill_fields"), f"view:{view.name}")]
    for f in view.fields.values():
        if "drill_fields" in f.props and (
            f.group is None
            or f.timeframe == next((x.timeframe for x in view.fields.values() if x.group == f.group), None)
        ):
            drills.append(
                (
                    f.props.get("drill_fields"),
                    *f.origin("drill_fields"),
                    f"view:{view.name}/{f.kind}:{f.group or f.name}",
                )
            )
    for items, file, line, where in drills:
        if not isinstance(items, list):
            continue
        for item in items:
            if not ok(str(item)):
                ctx.report(
                    BAD_SET,
                    f"drill_fields of {where.split('/')[-1]}: {item} is not a field or set",
                    file,
                    line,
                    where,
                )


def _explore_refs(ctx: CheckContext, project: Project, e: Explore) -> None:
    where = f"model:{e.model}/explore:{e.name}"
    efile = str(e.props.get("_file", e.file))
    if project.view_for(e.model, e.view_name) is None:
        if not ctx.may_be_in_dependency(e.view_name, [e.model]):
            ctx.report(NO_VIEW, f"explore {e.name}: view {e.view_name} does not exist", e.file, e.line, where)
        return
    aliases = e.aliases()
    for j in e.joins:
        if project.view_for(e.model, j.view_name) is None and not ctx.may_be_in_dependency(
            j.view_name, [e.model]
        ):
            ctx.report(
                NO_VIEW,
                f"explore {e.name}: join {j.name} names view {j.view_name}, which does not exist",
                j.file,
                j.line,
                f"{where}/join:{j.name}",
            )
    comp = SqlCompiler(project, e)
    for j in e.joins:
        if project.view_for(e.model, j.view_name) is None:
            continue
        for text, _owner in ((j.sql_on, "sql_on"), (j.sql_where, "sql_where")):
            if text:
                comp.problems = []
                comp.render(text, None, None, f"join:{j.name}")
                _report_problems(
                    ctx,
                    [p for p in comp.problems if p.field == f"join:{j.name}" or p.kind != "unresolved"],
                    j.file,
                    j.line,
                    f"{where}/join:{j.name}",
                    models=[e.model],
                )
        for rj in j.required_joins:
            if rj not in aliases:
                ctx.report(
                    UNRESOLVED,
                    f"join {j.name}: required_joins names {rj}, not a join of {e.name}",
                    j.file,
                    j.line,
                    f"{where}/join:{j.name}",
                )
    if e.sql_always_where:
        comp.problems = []
        comp.render(e.sql_always_where, None, None, "sql_always_where")
        _report_problems(ctx, comp.problems, efile, e.line_of("sql_always_where"), where, models=[e.model])
    exposed = exposed_fields(project, e)
    all_fields = exposed_fields(project, _unrestricted(e))

    def exists(ref: str) -> bool:
        alias, _, name = ref.partition(".")
        v = project.view_for(e.model, aliases.get(alias, ""))
        return v is not None and (name in _names_in_view(v) or ctx.may_be_in_dependency(v.name, [e.model]))

    if e.partial:
        ctx.may_be_in_dependency(e.name, [e.model])
        return  # its joins and fields may be defined in the dependency that is not here

    for label, refs, key in (
        ("always_filter", list(e.always_filter), "always_filter"),
        (
            "conditionally_filter",
            list(e.conditionally_filter) + e.conditionally_filter_unless,
            "conditionally_filter",
        ),
        ("access_filter", [a["field"] for a in e.access_filter], "access_filter"),
    ):
        for ref in refs:
            if ref not in all_fields and not exists(ref):
                ctx.report(
                    BAD_EXPLORE_FIELD,
                    f"explore {e.name}: {label} field {ref} does not exist",
                    efile,
                    e.line_of(key),
                    where,
                )
    for label, values, key in (
        ("always_filter", e.always_filter, "always_filter"),
        ("conditionally_filter", e.conditionally_filter, "conditionally_filter"),
    ):
        for ref, value in values.items():
            if ref in all_fields:
                err = _filter_error(all_fields[ref][1], value)
                if err:
                    ctx.report(
                        BAD_FILTER_VALUE, f"explore {e.name}: {label}: {err}", efile, e.line_of(key), where
                    )
    if e.fields is not None:
        for item in e.fields:
            it = item.lstrip("-")
            if it == "ALL_FIELDS*" or it.endswith(".ALL_FIELDS*"):
                continue
            if it.endswith("*"):
                alias, _, sname = it[:-1].rpartition(".")
                v = project.view_for(e.model, aliases.get(alias, ""))
                if v is None or sname not in {
                    str(s.get("_name")) for s in v.props.get("sets", []) or [] if isinstance(s, dict)
                }:
                    ctx.report(
                        BAD_EXPLORE_FIELD,
                        f"explore {e.name}: fields entry {item} names no set",
                        efile,
                        e.line_of("fields"),
                        where,
                    )
            elif not exists(it):
                ctx.report(
                    BAD_EXPLORE_FIELD,
                    f"explore {e.name}: fields entry {item} does not exist",
                    efile,
                    e.line_of("fields"),
                    where,
                )
    for j in e.joins:
        v = project.view_for(e.model, j.view_name)
        if v is None or j.fields is None or v.partial:
            continue
        for item in j.fields:
            it = item.lstrip("-")
            _a, _, name = it.rpartition(".")
            if name == "ALL_FIELDS*" or (
                name.endswith("*")
                and name[:-1]
                in {str(s.get("_name")) for s in v.props.get("sets", []) or [] if isinstance(s, dict)}
            ):
                continue
            if name not in _names_in_view(v):
                ctx.report(
                    BAD_EXPLORE_FIELD,
                    f"explore {e.name}: join {j.name} fields entry {item} does not exist",
                    j.file,
                    j.line,
                    f"{where}/join:{j.name}",
                )
    del exposed


def _unrestricted(e: Explore) -> Explore:
    from dataclasses import replace

    return replace(
        e,
        fields=None,
        joins=[replace(j, props={k: v for k, v in j.props.items() if k != "fields"}) for j in e.joins],
    )


# A sort: field, then asc/desc, then (for a pivoted query) the index of the pivot column.
_SORT_RE = re.compile(r"^\s*(\S+?)(?:\s+(asc|desc))?(?:\s+\d+)?\s*$", re.I)


def _dashboard_refs(ctx: CheckContext, project: Project, d: Dashboard) -> None:
    filter_names = {fl.name for fl in d.filters}
    for fl in d.filters:
        where = f"dashboard:{d.name}/filter:{fl.name}"
        err: str | None = None  # what is wrong with the default_value
        if (
            fl.explore
            or fl.field
            or ((fl.type or "field_filter") == "field_filter" and (fl.model or fl.explore))
        ):
            e = _element_explore(project, d, fl.model, fl.explore)
            if e is None and ctx.may_be_in_dependency(fl.explore, [fl.model] if fl.model else d.models):
                continue
            if e is None:
                ctx.report(
                    BAD_DASH_FILTER,
                    f"dashboard filter {fl.name}: explore {fl.model or '?'}::{fl.explore or '?'} does not exist",
                    d.file,
                    fl.line,
                    where,
                )
            elif fl.field and fl.field not in exposed_fields(project, e):
                ctx.report(
                    BAD_DASH_FILTER,
                    f"dashboard filter {fl.name}: field {fl.field} is not in explore {e.name}",
                    d.file,
                    fl.line,
                    where,
                )
            elif fl.field:
                err = _filter_error(exposed_fields(project, e)[fl.field][1], fl.default_value)
        elif (fl.type or "") in _DASH_FILTER_KINDS:
            err = _filter_error(None, fl.default_value, _DASH_FILTER_KINDS[fl.type or ""])
        if err:
            ctx.report(
                BAD_FILTER_VALUE,
                f"dashboard filter {fl.name}: default_value: {err}",
                d.file,
                fl.line,
                where,
            )
    for el in d.elements:
        queries = [q for q in el.props.get("merged_queries") or [] if isinstance(q, dict)]
        if queries:
            listens = el.props.get("listen")
            for i, q in enumerate(queries):
                sub = make_element(
                    {
                        **q,
                        "name": el.name,
                        "listen": listens[i] if isinstance(listens, list) and i < len(listens) else {},
                    },
                    el.line,
                    el.end_line,
                    el.file,
                )
                sub.props["_lines"] = el.props.get("_lines") or {}
                _element_refs(ctx, project, d, sub, filter_names)
        else:
            _element_refs(ctx, project, d, el, filter_names)


def _element_explore(
    project: Project, d: Dashboard, model: str | None, explore: str | None
) -> Explore | None:
    """The explore of a dashboard element: its model's, else one of the models that include the
    dashboard, else the one explore of that name in the project."""
    if not explore:
        return None
    if model:
        return project.explore(model, explore)
    for m in d.models:
        e = project.explore(m, explore)
        if e is not None:
            return e
    named = project.explores_named(explore)
    return named[0] if len(named) == 1 else None


def _element_refs(
    ctx: CheckContext, project: Project, d: Dashboard, el: DashboardElement, filter_names: set[str]
) -> None:
    """The model, explore, fields, filters, sorts, pivots and listen of one element (or of one
    query of a merged-query element)."""
    where = f"dashboard:{d.name}/element:{el.name}"
    file = el.file or d.file
    if not (el.fields or el.explore or el.model):
        return
    e = _element_explore(project, d, el.model, el.explore)
    if e is None:
        if not ctx.may_be_in_dependency(el.explore, [el.model] if el.model else d.models):
            ctx.report(
                BAD_TILE_SOURCE,
                f"element {el.name}: explore {el.model or '?'}::{el.explore or '?'} does not exist",
                file,
                el.line,
                where,
            )
        return
    if e.partial and ctx.may_be_in_dependency(e.name, [e.model]):
        return
    exposed = exposed_fields(project, e)
    dynamic = set()
    for df in el.dynamic_fields:
        for k in ("table_calculation", "measure", "dimension", "category"):
            if df.get(k):
                dynamic.add(str(df[k]))
    lines = el.props.get("_lines") or {}

    def known(ref: str) -> bool:
        # an undotted name is a table calculation, custom field or row total Looker resolves itself
        return ref in exposed or ref in dynamic or "." not in ref or _partial_ref(ctx, project, e, ref)

    bad: list[tuple[str, str]] = []
    for key, refs in (("fields", el.fields), ("filters", list(el.filters)), ("pivots", el.pivots)):
        bad.extend((key, ref) for ref in refs if not known(ref))
    for srt in el.sorts:
        m = _SORT_RE.match(srt)
        ref = m.group(1) if m else srt
        if not known(ref):
            bad.append(("sorts", ref))
    for ref in el.pivots:
        if known(ref) and ref not in el.fields and ref in exposed:
            bad.append(("pivots", f"{ref} (a pivot must also be in fields)"))
    for ref, value in el.filters.items():
        if ref in exposed:
            err = _filter_error(exposed[ref][1], value)
            if err:
                ctx.report(
                    BAD_FILTER_VALUE,
                    f"element {el.name}: filter {ref}: {err}",
                    file,
                    int(lines.get("filters", el.line)),
                    where,
                )
    for key, ref in bad:
        ctx.report(
            BAD_TILE_FIELD,
            f"element {el.name}: {key} entry {ref} is not a field of explore {e.name}",
            file,
            int(lines.get(key, el.line)),
            where,
        )
    for fname, target in el.listen.items():
        if fname not in filter_names:
            ctx.report(
                BAD_LISTEN,
                f"element {el.name}: listens to dashboard filter {fname!r}, which does not exist",
                file,
                int(lines.get("listen", el.line)),
                where,
            )
        if not known(target):
            ctx.report(
                BAD_LISTEN,
                f"element {el.name}: listen target {target} is not a field of explore {e.name}",
                file,
                int(lines.get("listen", el.line)),
                where,
            )


def _partial_ref(ctx: CheckContext, project: Project, e: Explore, ref: str) -> bool:
    """``alias.field`` of an explore whose view is defined only in part here (a dependency that
    is not here may define the field): counted as unchecked."""
    alias = ref.partition(".")[0]
    vname = e.aliases().get(alias)
    v = project.view_for(e.model, vname) if vname else None
    return v is not None and v.partial and ctx.may_be_in_dependency(v.name, [e.model])


def _test_refs(ctx: CheckContext, project: Project, model: str, t: dict[str, Any]) -> None:
    name = str(t.get("_name"))
    file = str(t.get("_file", ""))
    where = f"model:{model}/test:{name}"
    es = t.get("explore_source")
    if not isinstance(es, dict):
        ctx.report(BAD_TEST, f"test {name} has no explore_source", file, int(t.get("_line", 0)), where)
        return
    ename = str(es.get("_name"))
    e = project.explore(model, ename)
    es_line = int(es.get("_line", t.get("_line", 0)))
    if e is None:
        ctx.report(
            BAD_TEST,
            f"test {name}: explore_source {ename} is not an explore of model {model}",
            file,
            es_line,
            where,
        )
        return
    exposed = exposed_fields(project, e)
    lines = es.get("_lines") or {}

    def not_a_field(subject: str, line: int) -> None:
        ctx.report(BAD_TEST, f"test {name}: {subject} is not a field of explore {ename}", file, line, where)

    for col in es.get("columns", []) or []:
        if not isinstance(col, dict):
            continue
        ref = str(col.get("field") or f"{ename}.{col.get('_name')}")
        if ref not in exposed:
            not_a_field(f"column {col.get('_name')}: {ref}", int(col.get("_line", es_line)))
    for group in es.get("filters__all", []) or []:
        for ref, value in group if isinstance(group, list) else []:
            if ref not in exposed:
                not_a_field(f"filter field {ref}", int(lines.get("filters", es_line)))
            else:
                err = _filter_error(exposed[ref][1], value)
                if err:
                    ctx.report(
                        BAD_FILTER_VALUE,
                        f"test {name}: filter {ref}: {err}",
                        file,
                        int(lines.get("filters", es_line)),
                        where,
                    )
    sorts = es.get("sorts") or []
    for item in sorts if isinstance(sorts, list) else []:
        ref = item[0] if isinstance(item, tuple) else str(item).split()[0]
        if ref not in exposed:
            not_a_field(f"sort field {ref}", int(lines.get("sorts", es_line)))
    for a in t.get("asserts", []) or []:
        if not isinstance(a, dict):
            continue
        for ref in references(str(a.get("expression", ""))):
            if ref not in exposed:
                not_a_field(f"assert {a.get('_name')}: ${{{ref}}}", int(a.get("_line", es_line)))


def check(ctx: CheckContext) -> None:
    p = ctx.project
    for model, t in ctx.mine(p.tests):
        _test_refs(ctx, p, model, t)
    for (kind, name), places in sorted(p.duplicates.items()) if ctx.first_shard else []:
        for file, line in places[1:]:
            first = places[0]
            ctx.report(
                DUPLICATE,
                f"{kind} {name} is defined more than once (first at {first[0]}:{first[1]})",
                file,
                line,
                f"{kind}:{name}",
            )
    for view in ctx.views():
        if view.extension_required:
            continue  # a template: checked through the views that extend it, as Looker does
        _view_refs(ctx, view)
        _sets_and_drills(ctx, p, view)
    for e in ctx.explores():
        if e.extension_required:
            continue
        _explore_refs(ctx, p, e)
    for d in ctx.dashboards():
        if str(d.props.get("extension", "")).lower() != "required":  # a template: checked where extended
            _dashboard_refs(ctx, p, d)
