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
- ``REF014`` an ``order_by_field`` that names no field of its view, or a field of the other kind
  (a dimension sorted by a measure);
"""

from __future__ import annotations

from collections.abc import Callable

from looker_ops.check.rules.base import CheckContext, Rule, rule
from looker_ops.check.rules.cascades import (
    Skipped,
    own_refs,
    refs_elsewhere,
    skip_unknown_own,
    unchecked_note,
)
from looker_ops.check.rules.common import EVERY_ALIAS, compiled_field, compiled_table, exposed_fields
from looker_ops.check.rules.dashboard_refs import dashboard_refs
from looker_ops.check.rules.data_tests import test_refs
from looker_ops.check.rules.filter_values import BAD_FILTER_VALUE, filter_error
from looker_ops.check.rules.lines import entry_line
from looker_ops.findings import Severity
from looker_ops.lookml.merge import measure_filters
from looker_ops.lookml.model import Explore, Project, View
from looker_ops.lookml.sql import SqlCompiler, SqlProblem

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
    "The view of an explore or join (`from`, `view_name` or its own name) is not defined. It is "
    "reported once, with the number of references through it that were left unchecked: the "
    "explore's or join's fields named by dashboard elements (fields, filters, sorts, pivots, "
    "listens), dashboard filters, data tests, and the explore's own field lists and SQL are not "
    "reported one by one (an explore whose base view is missing leaves every reference through "
    "it unchecked; a join's, those through the join).",
    "join: geo { from: geoip_view }   # the view is geoip",
    "join: geo { from: geoip }",
)
BAD_SET = rule(
    "REF004",
    Severity.ERROR,
    "set or drill field does not exist",
    F,
    "A `set:` member or `drill_fields` entry that names no field (or set) of its own view; one "
    "naming another view's field that is not there is a warning (Looker leaves it out of the "
    "drill menu, as it does with members of views an explore does not join).",
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


BAD_ORDER_BY = rule(
    "REF014",
    Severity.WARNING,
    "order_by_field names no field of the same kind",
    F,
    "A field's `order_by_field` names no field of its view, or a field of the other kind (Looker's "
    "documentation: a dimension or dimension group sorts by a dimension, a measure by a measure). "
    "Sorting by the field, or pivoting on it, then fails or does not follow the intended order.",
    "dimension: status_name { order_by_field: status_idd }",
    "dimension: status_name { order_by_field: status_id }",
)


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
        own = skip_unknown_own(ctx, view, [p for p in c.problems if (p.view, p.field) == (view.name, f.name)])
        if own:
            _report_problems(
                ctx,
                own,
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
                err = filter_error(tf, value) if tf is not None else None
                if err:
                    ctx.report(
                        BAD_FILTER_VALUE,
                        f"measure {f.name}: filters: {err}",
                        *f.origin("filters", "filters__all"),
                        f"view:{view.name}/measure:{f.name}",
                    )
        # problems raised where this field's text is itself (e.g. bad Liquid), owner None
        if c.problems:
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


def _order_by_fields(ctx: CheckContext, view: View) -> None:
    """REF014: each ``order_by_field`` names a field of its own view, of the same kind."""
    seen: set[str] = set()
    for f in view.fields.values():
        target = str(f.props.get("order_by_field") or "").strip()
        if not target or (f.group or f.name) in seen:
            continue
        seen.add(f.group or f.name)
        vname, _, name = target.rpartition(".")
        if vname and vname != view.name:
            continue  # another view's field: not what Looker documents; left to Looker
        other = view.fields.get(name)
        kind = "dimension_group" if f.group else f.kind
        where = f"view:{view.name}/{kind}:{f.group or f.name}"
        if other is None and name not in view.groups:
            message = (
                f"{kind} {f.group or f.name}: order_by_field {target} is not a field of view {view.name}"
            )
        elif (other is not None and other.is_measure) != f.is_measure:
            theirs = "a measure" if other is not None and other.is_measure else "a dimension"
            message = (
                f"{kind} {f.group or f.name}: order_by_field {target} is {theirs}: a "
                f"{'measure' if f.is_measure else 'dimension'} sorts by a field of its own kind"
            )
        else:
            continue
        ctx.report(BAD_ORDER_BY, message, *f.origin("order_by_field"), where)


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

    def elsewhere(item: str) -> Severity | None:
        """A warning for a member naming another view's field: Looker's generated views drill
        into other views (``drill_fields: [id, users.count]``), and a member that is not in an
        explore is left out of it rather than rejected; one of this view's own is an error."""
        vname = item.strip().lstrip("-").rpartition(".")[0]
        return Severity.WARNING if vname and vname != view.name else None

    for sname, s in sets.items():
        for item in [str(x) for x in s.get("fields") or []]:
            if not ok(item):
                ctx.report(
                    BAD_SET,
                    f"set {sname} of view {view.name}: {item} is not a field or set",
                    str(s.get("_file") or view.file),
                    entry_line(
                        ctx,
                        str(s.get("_file") or view.file),
                        int(s.get("_line", view.line)),
                        item.strip(),
                        key="fields",
                    ),
                    f"view:{view.name}/set:{sname}",
                    elsewhere(item),
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
                    entry_line(ctx, file, line, str(item).strip(), key="drill_fields"),
                    where,
                    elsewhere(str(item)),
                )


def _explore_refs(ctx: CheckContext, project: Project, e: Explore) -> None:
    """REF003 for the explore's base view and each join's view that does not exist (once,
    with the references through it left unchecked: see :mod:`cascades`), then its joins' and
    its own SQL and field lists."""
    where = f"model:{e.model}/explore:{e.name}"
    efile = str(e.props.get("_file", e.file))
    if project.view_for(e.model, e.view_name) is None:
        if not ctx.may_be_in_dependency(e.view_name, [e.model]):
            n = own_refs(e) + refs_elsewhere(project, e, EVERY_ALIAS)
            msg = f"explore {e.name}: view {e.view_name} does not exist{unchecked_note(n)}"
            ctx.report(NO_VIEW, msg, e.file, e.line, where)
        return
    aliases = e.aliases()
    skipped = Skipped(ctx, project, e)
    for j in e.joins:
        if project.view_for(e.model, j.view_name) is None:
            ctx.may_be_in_dependency(j.view_name, [e.model])  # counted there when it may be
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
                    [
                        p
                        for p in skipped.problems(comp.problems)
                        if p.field == f"join:{j.name}" or p.kind != "unresolved"
                    ],
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
        probs = skipped.problems(comp.problems)
        _report_problems(ctx, probs, efile, e.line_of("sql_always_where"), where, models=[e.model])
    _explore_field_lists(ctx, project, e, skipped)
    for j in e.joins:
        if j.name in skipped.broken:
            n = skipped.counts.get(j.name, 0) + refs_elsewhere(project, e, j.name)
            ctx.report(
                NO_VIEW,
                f"explore {e.name}: join {j.name} names view {j.view_name}, which does not exist"
                + unchecked_note(n),
                j.file,
                j.line,
                f"{where}/join:{j.name}",
            )


def _explore_field_lists(ctx: CheckContext, project: Project, e: Explore, skipped: Skipped) -> None:
    """An explore's always_filter, conditionally_filter, access_filter and fields lists, and its
    joins' fields lists, name fields that exist (and filter values Looker can read); an entry
    through a join whose view does not exist is counted in ``skipped``."""
    where = f"model:{e.model}/explore:{e.name}"
    efile = str(e.props.get("_file", e.file))
    aliases = e.aliases()
    all_fields = exposed_fields(project, _unrestricted(e) if _restricted(e) else e)

    def exists(ref: str) -> bool:
        if skipped.ref(ref):
            return True
        alias, _, name = ref.partition(".")
        vname = aliases.get(alias, "")
        v = project.view_for(e.model, vname)
        if v is None:  # a join of a view the missing dependency may define
            return bool(vname) and ctx.may_be_in_dependency(vname, [e.model])
        return name in _names_in_view(v) or ctx.may_be_in_dependency(v.name, [e.model])

    def filter_field_exists(ref: str) -> bool:
        # a bare name in an explore's filters names a field of its base view, as in its SQL
        return exists(ref if "." in ref else f"{e.name}.{ref}")

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
            if ref not in all_fields and not filter_field_exists(ref):
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
                err = filter_error(all_fields[ref][1], value)
                if err:
                    ctx.report(
                        BAD_FILTER_VALUE, f"explore {e.name}: {label}: {err}", efile, e.line_of(key), where
                    )
    _fields_entries(ctx, project, e, exists, skipped)


def _fields_entries(
    ctx: CheckContext, project: Project, e: Explore, exists: Callable[[str], bool], skipped: Skipped
) -> None:
    """The explore's and its joins' ``fields:`` entries name fields or sets that exist."""
    where = f"model:{e.model}/explore:{e.name}"
    efile = str(e.props.get("_file", e.file))
    aliases = e.aliases()
    if e.fields is not None:
        for item in e.fields:
            it = item.lstrip("-")
            if it == "ALL_FIELDS*" or it.endswith(".ALL_FIELDS*"):
                continue
            if it.endswith("*") and skipped.ref(it):
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


def _restricted(e: Explore) -> bool:
    """The explore or one of its joins narrows its fields (``fields:``)."""
    return e.fields is not None or any(j.fields is not None for j in e.joins)


def _unrestricted(e: Explore) -> Explore:
    from dataclasses import replace

    return replace(
        e,
        fields=None,
        joins=[replace(j, props={k: v for k, v in j.props.items() if k != "fields"}) for j in e.joins],
    )


def check(ctx: CheckContext) -> None:
    p = ctx.project
    for model, t in ctx.mine(p.tests):
        test_refs(ctx, p, model, t)
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
        _order_by_fields(ctx, view)
    for e in ctx.explores():
        if e.extension_required:
            continue
        _explore_refs(ctx, p, e)
    for d in ctx.dashboards():
        if str(d.props.get("extension", "")).lower() != "required":  # a template: checked where extended
            dashboard_refs(ctx, p, d)
