"""Dashboard references (``REF006``-``REF009``): elements, merged queries and dashboard filters.

An element's explore resolves in its ``model:``, else in the models that include the dashboard's
file, else in the one explore of that name. Sorts may carry a pivot index (``view.field desc 0``);
an undotted name is a table calculation or custom field Looker resolves itself.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import broken_aliases, exposed_fields, through_broken
from looker_ops.check.rules.filter_values import BAD_FILTER_VALUE, filter_error
from looker_ops.check.rules.lines import entry_line, item_key_lines
from looker_ops.findings import Severity
from looker_ops.lookml.dashboards import make_element
from looker_ops.lookml.filters import DASHBOARD_FILTER_KINDS
from looker_ops.lookml.model import Dashboard, DashboardElement, Explore, Project

F = "references"
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


# A sort: field, then asc/desc, then (for a pivoted query) the index of the pivot column.
_SORT_RE = re.compile(r"^\s*(\S+?)(?:\s+(asc|desc))?(?:\s+\d+)?\s*$", re.I)


def missing_source(project: Project, d: Dashboard, model: str | None, explore: str | None) -> str:
    """Why a dashboard element's (or filter's) model and explore name nothing: the model, when
    it is the model that is missing, else the explore (with the nearest explore of the model)."""
    if model and model not in project.models:
        known = ", ".join(sorted(project.models)) or "none"
        return f"model {model} does not exist (models: {known}; explore {explore or '?'})"
    models = [model] if model else d.models
    names = sorted({name for (m, name) in project.explores if m in models})
    close = difflib.get_close_matches(explore or "", names, n=1)
    hint = f" (did you mean {close[0]}?)" if close else ""
    return f"explore {model or '?'}::{explore or '?'} does not exist{hint}"


def key_line(props: Mapping[str, object], default: int, *keys: str) -> int:
    """The line of the first of ``keys`` the element or filter has (the reader keeps each key's
    line in ``props["_lines"]``), else ``default`` (its first line)."""
    lines = props.get("_lines")
    if isinstance(lines, dict):
        for k in keys:
            if k in lines:
                return int(lines[k])
    return default


def _source_keys(project: Project, model: str | None, explore: str | None) -> tuple[str, ...]:
    """The key a missing model/explore finding is about: ``model:`` when the model is missing,
    else ``explore:`` (else the element or filter itself)."""
    if model and model not in project.models:
        return ("model",)
    return ("explore",) if explore else ()


def dashboard_refs(ctx: CheckContext, project: Project, d: Dashboard) -> None:
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
                    f"dashboard filter {fl.name}: {missing_source(project, d, fl.model, fl.explore)}",
                    d.file,
                    key_line(fl.props, fl.line, *_source_keys(project, fl.model, fl.explore)),
                    where,
                )
            elif fl.field and fl.field not in exposed_fields(project, e):
                if through_broken(broken_aliases(ctx, project, e), fl.field) or _partial_ref(
                    ctx, project, e, fl.field
                ):
                    continue  # counted in REF003 / LKM007 / LKM009
                ctx.report(
                    BAD_DASH_FILTER,
                    f"dashboard filter {fl.name}: field {fl.field} is not in explore {e.name}",
                    d.file,
                    key_line(fl.props, fl.line, "field"),
                    where,
                )
            elif fl.field:
                err = filter_error(exposed_fields(project, e)[fl.field][1], fl.default_value)
        elif (fl.type or "") in DASHBOARD_FILTER_KINDS:
            err = filter_error(None, fl.default_value, DASHBOARD_FILTER_KINDS[fl.type or ""])
        if err:
            ctx.report(
                BAD_FILTER_VALUE,
                f"dashboard filter {fl.name}: default_value: {err}",
                d.file,
                key_line(fl.props, fl.line, "default_value"),
                where,
            )
    for el in d.elements:
        for q in queries_of(el, ctx, el.file or d.file):
            _element_refs(ctx, project, d, q, filter_names)


def queries_of(
    el: DashboardElement, ctx: CheckContext | None = None, file: str = ""
) -> list[DashboardElement]:
    """The queries of an element: each query of a merged-query element (with its ``listen``
    entry), else the element itself. The reader keeps no line inside ``merged_queries``: with
    ``ctx`` (and the element's ``file``), each query's keys are found in the file's text
    (:func:`item_key_lines`), each query spanning its own lines; else (or when the list is
    not one ``-`` item per query) they are at the ``merged_queries:`` line."""
    raw = el.props.get("merged_queries") or []
    queries = [q for q in raw if isinstance(q, dict)]
    if not queries:
        return [el]
    listens = el.props.get("listen")
    at = key_line(el.props, el.line, "merged_queries")
    found = item_key_lines(ctx, file, at, "merged_queries", el.end_line) if ctx is not None and file else []
    # one entry per written item, matched to the queries when every item is a query
    own = found if len(found) == len(raw) == len(queries) else []
    out: list[DashboardElement] = []
    for i, q in enumerate(queries):
        listen = listens[i] if isinstance(listens, list) and i < len(listens) else {}
        keys = own[i] if own else {}
        start = min(keys.values()) if keys else el.line
        stop = min(own[i + 1].values()) - 1 if own and i + 1 < len(own) and own[i + 1] else el.end_line
        sub = make_element({**q, "name": el.name, "listen": listen}, start, stop, el.file)
        sub.props["_lines"] = {**{k: keys.get(k, at) for k in q}, "listen": key_line(el.props, at, "listen")}
        out.append(sub)
    return out


def refs_through(project: Project, e: Explore) -> list[str]:
    """Every field reference the checked dashboards make through explore ``e``: the ``field``
    of each dashboard filter on it, and each entry of its elements' (and merged queries')
    fields, filters, pivots, sorts and listen targets, but their dynamic fields'."""
    out: list[str] = []
    for d in project.dashboards:
        if str(d.props.get("extension", "")).lower() == "required":
            continue
        for fl in d.filters:
            if fl.field and _element_explore(project, d, fl.model, fl.explore) is e:
                out.append(fl.field)
        for el in d.elements:
            for q in queries_of(el):
                if (q.fields or q.explore or q.model) and _element_explore(
                    project, d, q.model, q.explore
                ) is e:
                    dynamic = _dynamic_names(q)
                    out.extend(ref for _key, ref in element_refs(q) if ref not in dynamic)
    return out


def _dynamic_names(el: DashboardElement) -> set[str]:
    """The names of an element's dynamic fields (table calculations, custom fields)."""
    out = set()
    for df in el.dynamic_fields:
        for k in ("table_calculation", "measure", "dimension", "category"):
            if df.get(k):
                out.add(str(df[k]))
    return out


def element_refs(el: DashboardElement) -> list[tuple[str, str]]:
    """(key, field) of each entry of the element's fields, filters, pivots, sorts (without
    direction or pivot index) and listen targets."""
    out = [
        (key, ref)
        for key, refs in (("fields", el.fields), ("filters", list(el.filters)), ("pivots", el.pivots))
        for ref in refs
    ]
    for srt in el.sorts:
        m = _SORT_RE.match(srt)
        out.append(("sorts", m.group(1) if m else srt))
    out.extend(("listen", target) for target in el.listen.values())
    return out


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
                f"element {el.name}: {missing_source(project, d, el.model, el.explore)}",
                file,
                key_line(el.props, el.line, *_source_keys(project, el.model, el.explore)),
                where,
            )
        return
    if e.partial and ctx.may_be_in_dependency(e.name, [e.model]):
        return
    exposed = exposed_fields(project, e)
    dynamic = _dynamic_names(el)
    lines = el.props.get("_lines") or {}
    broken = broken_aliases(ctx, project, e)

    def known(ref: str) -> bool:
        # an undotted name is a table calculation, custom field or row total Looker resolves
        # itself; a field through a view that does not exist is counted in that view's REF003
        return (
            ref in exposed
            or ref in dynamic
            or "." not in ref
            or through_broken(broken, ref)
            or _partial_ref(ctx, project, e, ref)
        )

    bad = _unknown_refs(el, known, exposed)
    for ref, value in el.filters.items():
        if ref in exposed:
            err = filter_error(exposed[ref][1], value)
            if err:
                ctx.report(
                    BAD_FILTER_VALUE,
                    f"element {el.name}: filter {ref}: {err}",
                    file,
                    entry_line(ctx, file, int(lines.get("filters", el.line)), ref, end=el.end_line),
                    where,
                )
    for key, ref in bad:
        ctx.report(
            BAD_TILE_FIELD,
            f"element {el.name}: {key} entry {ref} is not a field of explore {e.name}",
            file,
            entry_line(ctx, file, int(lines.get(key, el.line)), ref.split(" (")[0], end=el.end_line),
            where,
        )
    for fname, target in el.listen.items():
        if fname in filter_names and known(target):
            continue
        at = entry_line(ctx, file, int(lines.get("listen", el.line)), fname, end=el.end_line)
        if fname not in filter_names:
            ctx.report(
                BAD_LISTEN,
                f"element {el.name}: listens to dashboard filter {fname!r}, which does not exist",
                file,
                at,
                where,
            )
        if not known(target):
            ctx.report(
                BAD_LISTEN,
                f"element {el.name}: listen target {target} is not a field of explore {e.name}",
                file,
                at,
                where,
            )


def _unknown_refs(
    el: DashboardElement, known: Callable[[str], bool], exposed: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(key, entry) of each fields, filters, pivots or sorts entry of the element that is not a
    field of its explore, and of each pivot missing from its fields."""
    bad = [(key, ref) for key, ref in element_refs(el) if key != "listen" and not known(ref)]
    for ref in el.pivots:
        if known(ref) and ref not in el.fields and ref in exposed:
            bad.append(("pivots", f"{ref} (a pivot must also be in fields)"))
    return bad


def _partial_ref(ctx: CheckContext, project: Project, e: Explore, ref: str) -> bool:
    """``alias.field`` of an explore whose view is defined only in part here (a dependency that
    is not here may define the field), or is defined (by its text) in a file that does not
    parse: counted as unchecked."""
    alias = ref.partition(".")[0]
    vname = e.aliases().get(alias)
    v = project.view_for(e.model, vname) if vname else None
    if v is None and vname and project.unparsed:
        return ctx.may_be_in_dependency(vname, [e.model])
    return (
        v is not None
        and (v.partial or bool(project.unparsed))
        and ctx.may_be_in_dependency(v.name, [e.model])
    )
