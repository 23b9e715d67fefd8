"""Parameters and values Looker's LookML reference documents, per object.

The parameter names come from Looker's LookML reference pages (model, explore, join, view,
field, datagroup parameters) and the values from the pages of the parameters that take a fixed
set of values. Precision first:

- A parameter Looker does not document for that object is a warning (``PRM001``), never an
  error: Looker adds parameters over time, and a list kept here may lag behind. A near miss of a
  documented parameter says "did you mean ...".
- A value outside a closed set (``yes``/``no``, ``relationship``, a join's ``type``,
  ``extension``, ``week_start_day``, a constant's ``export``...) is an error (``PRM002``); the
  ``type`` of a field (a set that grows with new Looker releases) is an error only as a near
  miss of a documented type (``strng``), and a warning otherwise. Values holding Liquid or an
  ``@{constant}`` are not judged.
- Names of views, fields, explores, joins, sets and datagroups are letters, digits and
  underscores (``PRM003``; ``dimension: café`` is refused by Looker).
- ``persist_with`` must name a datagroup the project defines (``PRM004``), unless the project
  imports another project (where the datagroup may be defined).
- A dashboard, element or filter key that YAML reads as a boolean, a number or null
  (``true:``, ``on:``, ``no:``, ``1:``) is not a key Looker knows (``DSH002``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import Any

from looker_ops.check.rules import loading
from looker_ops.check.rules.base import CheckContext, Rule, rule
from looker_ops.findings import Severity
from looker_ops.lookml.dashboards import near_miss

F = "parameters"

UNKNOWN_PARAMETER = rule(
    "PRM001",
    Severity.WARNING,
    "parameter Looker does not document for this object",
    F,
    "A parameter that Looker's LookML reference does not list for a view, field, explore, join, "
    "model or datagroup (Looker refuses unknown parameters). A warning, not an error: Looker "
    "adds parameters in new releases. A near miss of a documented one says which.",
    'dimension: status {\n  sql: ${TABLE}.status ;;\n  bogus_param: yes\n  lable: "Status"\n}',
    'dimension: status {\n  sql: ${TABLE}.status ;;\n  label: "Status"\n}',
)
BAD_VALUE = rule(
    "PRM002",
    Severity.ERROR,
    "value Looker does not accept for this parameter",
    F,
    "A value outside the documented set: `yes`/`no` parameters (`primary_key`, `hidden`, "
    "`can_filter`...), `relationship`, a join's `type`, `extension`, `week_start_day`, "
    "`datatype`, `units`, `style`, `direction`, a dimension group's `type` and a manifest "
    "constant's `export`. A field's `type` is an error only as a near miss of a documented type "
    "(`strng`), otherwise a warning (new types appear in new Looker releases).",
    "dimension: id {\n  primary_key: yess\n  type: strng\n}",
    "dimension: id {\n  primary_key: yes\n  type: string\n}",
)
BAD_NAME = rule(
    "PRM003",
    Severity.ERROR,
    "name with characters Looker does not allow",
    F,
    "The name of a view, field, explore, join, set or datagroup may hold only letters, digits "
    "and underscores.",
    "dimension: café { sql: ${TABLE}.cafe ;; }",
    'dimension: cafe { label: "Café" sql: ${TABLE}.cafe ;; }',
)
NO_DATAGROUP = rule(
    "PRM004",
    Severity.ERROR,
    "persist_with names no datagroup",
    F,
    "`persist_with` (model or explore) names a datagroup that no file of the project defines. "
    "Not reported when the project imports another project, where the datagroup may live.",
    "persist_with: nightly   # no datagroup: nightly",
    'datagroup: nightly { max_cache_age: "24 hours" }\npersist_with: nightly',
)

# --------------------------------------------------------------------------- the reference


def _words(text: str) -> list[str]:
    """The whitespace-separated words of ``text`` (the lists below are kept as prose)."""
    return text.split()


_FIELD = frozenset(
    _words(
        """
    action alias allow_approximate_optimization allow_fill allowed_value alpha_sort approximate
    approximate_threshold based_on based_on_time bypass_suggest_restrictions can_filter case
    case_sensitive convert_tz datatype default_value description direction drill_fields
    end_location_field fanout_on filters full_suggestions group_item_label group_label hidden
    html intervals kind label label_from_parameter link list_field map_layer_name
    order_by_field percentile period precision primary_key required_access_grants
    required_fields skip_drill_filter sql sql_distinct_key sql_end sql_latitude sql_longitude
    sql_start start_location_field string_datatype style suggest_dimension suggest_explore
    suggest_persist_for suggestable suggestions tags tiers timeframes type units value_format
    value_format_name value_to_date view_label
    decimals sql_case
    """
    )
)  # the last line: deprecated parameters Looker still reads
_VIEW = frozenset(
    _words(
        """
    autogenerate_primary_keys calendar_definition derived_analytic_model derived_table
    dimension dimension_group drill_fields extends extension fields_hidden_by_default filter
    final label measure parameter required_access_grants set sql_table_name suggestions
    view_label
    """
    )
)  # view_label: not on the reference page for views, but set on views in real projects
_EXPLORE = frozenset(
    _words(
        """
    access_filter aggregate_table always_filter always_join autogenerate_primary_keys
    cancel_grouping_fields
    case_sensitive conditionally_filter description extends extension fields final from
    group_label hidden join label persist_for persist_with query required_access_grants
    sql_always_having sql_always_where sql_preamble sql_table_name symmetric_aggregates tags
    view_label view_name access_filter_fields
    """
    )
)
_JOIN = frozenset(
    _words(
        """
    fields foreign_key from outer_only relationship required_access_grants required_joins sql
    sql_foreign_key sql_on sql_table_name sql_where type view_label view_name
    """
    )
)
_MODEL = frozenset(
    _words(
        """
    access_grant case_sensitive connection datagroup explore fiscal_month_offset include label
    map_layer named_value_format persist_for persist_with test view week_start_day
    """
    )
)
_DATAGROUP = frozenset(_words("description interval_trigger label max_cache_age sql_trigger"))

_YESNO = frozenset(
    _words(
        """
    allow_approximate_optimization allow_fill alpha_sort approximate autogenerate_primary_keys
    bypass_suggest_restrictions
    can_filter case_sensitive convert_tz fields_hidden_by_default final full_suggestions hidden
    outer_only primary_key skip_drill_filter suggestable symmetric_aggregates value_to_date
    """
    )
)
_CLOSED: dict[str, frozenset[str]] = {
    "extension": frozenset(["required"]),
    "relationship": frozenset(["many_to_one", "one_to_many", "one_to_one", "many_to_many"]),
    "week_start_day": frozenset(
        ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    ),
    "datatype": frozenset(["date", "datetime", "timestamp", "epoch", "yyyymmdd"]),
    "direction": frozenset(["row", "column"]),
    "units": frozenset(["feet", "kilometers", "meters", "miles", "nautical_miles", "yards"]),
    "style": frozenset(["classic", "interval", "integer", "relational"]),
}
_VALUED = _YESNO | frozenset(_CLOSED)  # parameters whose value values() judges
_JOIN_TYPES = frozenset(["left_outer", "full_outer", "inner", "cross"])
_EXPORT = frozenset(["none", "override_required", "override_optional"])

_DIMENSION_TYPES = frozenset(
    _words(
        """
    bin date date_time distance duration location number string tier time unquoted yesno
    zipcode int
    """
    )
)
_MEASURE_TYPES = frozenset(
    _words(
        """
    average average_distinct count count_distinct date list max median median_distinct min
    number percent_of_previous percent_of_total percentile percentile_distinct
    period_over_period running_total string sum sum_distinct yesno int
    """
    )
)
_GROUP_TYPES = frozenset(["time", "duration"])
# individual timeframe and interval types (``type: date_month``, ``type: duration_day``)
_TYPE_PREFIXES = ("date_", "duration_")

_FIELD_KINDS = {
    "dimensions": "dimension",
    "dimension_groups": "dimension_group",
    "measures": "measure",
    "filters": "filter",
    "parameters": "parameter",
}
_NAME_RE = re.compile(r"^\+?[A-Za-z0-9_]+$")
_TEMPLATED = ("@{", "{{", "{%", "${")


def _templated(v: str) -> bool:
    return "{" in v and any(t in v for t in _TEMPLATED)  # every marker holds a "{"


_EMPTY: dict[str, int] = {}


def _keys(block: dict[str, Any]) -> dict[str, int]:
    """Each parameter of a block (singular LookML name) with the line it is on."""
    lines = block.get("_lines")
    return lines if isinstance(lines, dict) else _EMPTY


class _Checker:
    def __init__(self, ctx: CheckContext) -> None:
        self.ctx = ctx

    def report(
        self, r: Rule, msg: str, file: str, line: int, where: str, sev: Severity | None = None
    ) -> None:
        self.ctx.report(r, msg, file or None, line or None, where, severity=sev)

    # ---- parameters
    def params(self, block: dict[str, Any], known: frozenset[str], what: str, file: str, where: str) -> None:
        lines = _keys(block)
        for key in lines.keys() - known:
            if key.startswith("_"):
                continue
            line = int(lines[key])
            guess = near_miss(key, known)
            hint = f" (did you mean {guess}?)" if guess else ""
            self.report(
                UNKNOWN_PARAMETER,
                f"{what}: `{key}` is not a parameter Looker documents for {_article(what.split()[0])}{hint}",
                file,
                line,
                where,
            )

    def values(self, block: dict[str, Any], what: str, file: str, where: str) -> None:
        lines = _keys(block)
        for key in lines.keys() & _VALUED:
            line = int(lines[key])
            v = block.get(key)
            if not isinstance(v, str) or _templated(v):
                continue
            val = v.strip().lower()
            if key in _YESNO:
                if val not in ("yes", "no"):
                    self.report(
                        BAD_VALUE,
                        f"{what}: `{key}: {v}` must be yes or no{_did_you_mean(val, ('yes', 'no'))}",
                        file,
                        line,
                        where,
                    )
            elif key in _CLOSED and val not in _CLOSED[key]:
                self.bad_closed(key, v, _CLOSED[key], what, file, line, where)

    def bad_closed(
        self, key: str, v: str, allowed: Iterable[str], what: str, file: str, line: int, where: str
    ) -> None:
        allowed = sorted(allowed)
        self.report(
            BAD_VALUE,
            f"{what}: `{key}: {v}` is not one of {', '.join(allowed)}"
            f"{_did_you_mean(v.strip().lower(), allowed)}",
            file,
            line,
            where,
        )

    def field_type(self, fd: dict[str, Any], kind: str, what: str, file: str, where: str) -> None:
        v = fd.get("type")
        if not isinstance(v, str) or _templated(v):
            return
        val = v.strip().lower()
        line = _keys(fd).get("type", int(fd.get("_line", 0)))
        if kind == "dimension_group":
            if val not in _GROUP_TYPES:
                self.bad_closed("type", v, _GROUP_TYPES, what, file, line, where)
            return
        known = _MEASURE_TYPES if kind == "measure" else _DIMENSION_TYPES
        if val in known or (kind != "measure" and val.startswith(_TYPE_PREFIXES)):
            return
        guess = near_miss(val, known)
        if guess is not None:
            self.report(
                BAD_VALUE,
                f"{what}: `type: {v}` is not a {kind} type (did you mean {guess}?)",
                file,
                line,
                where,
            )
        else:
            self.report(
                BAD_VALUE,
                f"{what}: `type: {v}` is not a {kind} type Looker documents",
                file,
                line,
                where,
                Severity.WARNING,
            )

    def name(self, name: Any, kind: str, file: str, line: int, where: str) -> None:
        if isinstance(name, str) and name and not _NAME_RE.match(name):
            self.report(
                BAD_NAME,
                f"{kind} name `{name}`: Looker allows only letters, digits and underscores in names",
                file,
                line,
                where,
            )

    # ---- objects
    def view(self, b: dict[str, Any]) -> None:
        file = str(b.get("_file", ""))
        vname = str(b.get("_name"))
        where = f"view:{vname}"
        self.name(b.get("_name"), "view", file, int(b.get("_line", 0)), where)
        self.params(b, _VIEW, f"view {vname}", file, where)
        self.values(b, f"view {vname}", file, where)
        sugg = b.get("suggestions")
        if isinstance(sugg, str) and sugg.strip().lower() not in ("yes", "no") and not _templated(sugg):
            line = _keys(b).get("suggestions", int(b.get("_line", 0)))
            self.report(
                BAD_VALUE, f"view {vname}: `suggestions: {sugg}` must be yes or no", file, line, where
            )
        for key, kind in _FIELD_KINDS.items():
            for fd in b.get(key, []) or []:
                if isinstance(fd, dict):
                    self.field(vname, fd, kind, str(fd.get("_file", file)))
        for s in b.get("sets", []) or []:
            if isinstance(s, dict):
                self.name(
                    s.get("_name"), "set", file, int(s.get("_line", 0)), f"{where}/set:{s.get('_name')}"
                )

    def field(self, vname: str, fd: dict[str, Any], kind: str, file: str) -> None:
        fname = str(fd.get("_name"))
        where = f"view:{vname}/{kind}:{fname}"
        what = f"{kind} {vname}.{fname}"
        self.name(fd.get("_name"), kind, file, int(fd.get("_line", 0)), where)
        self.params(fd, _FIELD, what, file, where)
        self.values(fd, what, file, where)
        self.field_type(fd, kind, what, file, where)

    def explore(self, b: dict[str, Any]) -> None:
        file = str(b.get("_file", ""))
        ename = str(b.get("_name"))
        where = f"explore:{ename}"
        self.name(b.get("_name"), "explore", file, int(b.get("_line", 0)), where)
        self.params(b, _EXPLORE, f"explore {ename}", file, where)
        self.values(b, f"explore {ename}", file, where)
        for jd in b.get("joins", []) or []:
            if not isinstance(jd, dict):
                continue
            jname = str(jd.get("_name"))
            jwhere = f"{where}/join:{jname}"
            jfile = str(jd.get("_file", file))
            what = f"join {jname} (explore {ename})"
            self.name(jd.get("_name"), "join", jfile, int(jd.get("_line", 0)), jwhere)
            self.params(jd, _JOIN, what, jfile, jwhere)
            self.values(jd, what, jfile, jwhere)
            jt = jd.get("type")
            if isinstance(jt, str) and not _templated(jt) and jt.strip().lower() not in _JOIN_TYPES:
                line = _keys(jd).get("type", int(jd.get("_line", 0)))
                self.bad_closed("type", jt, _JOIN_TYPES, what, jfile, line, jwhere)

    def model(self, name: str, file: str, props: dict[str, Any]) -> None:
        where = f"model:{name}"
        self.params(props, _MODEL, f"model {name}", file, where)
        self.values(props, f"model {name}", file, where)

    def datagroup(self, dg: dict[str, Any]) -> None:
        dname = str(dg.get("_name"))
        file = str(dg.get("_file", ""))
        where = f"datagroup:{dname}"
        self.name(dg.get("_name"), "datagroup", file, int(dg.get("_line", 0)), where)
        self.params(dg, _DATAGROUP, f"datagroup {dname}", file, where)

    def manifest(self, doc: dict[str, Any]) -> None:
        for c in doc.get("constants", []) or []:
            if not isinstance(c, dict):
                continue
            ex = c.get("export")
            if isinstance(ex, str) and ex.strip().lower() not in _EXPORT:
                line = _keys(c).get("export", int(c.get("_line", 0)))
                self.bad_closed(
                    "export",
                    ex,
                    _EXPORT,
                    f"constant {c.get('_name')}",
                    "manifest.lkml",
                    line,
                    f"constant:{c.get('_name')}",
                )


def _article(word: str) -> str:
    return f"an {word}" if word[:1] in "aeiou" else f"a {word}"


def _did_you_mean(val: str, allowed: Iterable[str]) -> str:
    guess = near_miss(val, frozenset(allowed))
    return f" (did you mean {guess}?)" if guess else ""


def _imports_other_projects(ctx: CheckContext) -> bool:
    p = ctx.project
    if any(k in p.manifest for k in ("local_dependencies", "remote_dependencies")):
        return True
    return any(i.strip().startswith("//") for m in p.models.values() for i in m.includes)


def _persist_with(ctx: CheckContext, chk: _Checker) -> None:
    p = ctx.project
    if _imports_other_projects(ctx):
        return
    known = set(p.datagroups)
    places: list[tuple[str, str, int, str]] = []  # value, file, line, where
    for m in p.models.values():
        v = m.props.get("persist_with")
        if isinstance(v, str):
            places.append((v, m.file, _keys(m.props).get("persist_with", 0), f"model:{m.name}"))
    for b in p.raw_explores:
        v = b.get("persist_with")
        if isinstance(v, str):
            line = _keys(b).get("persist_with", int(b.get("_line", 0)))
            places.append((v, str(b.get("_file", "")), line, f"explore:{b.get('_name')}"))
    for v, file, line, where in places:
        name = v.strip()
        if not name or _templated(name) or name in known:
            continue
        guess = near_miss(name, frozenset(known))
        hint = f" (did you mean {guess}?)" if guess else ""
        chk.report(
            NO_DATAGROUP, f"persist_with: {name} names no datagroup of the project{hint}", file, line, where
        )


def _dashboard_keys(ctx: CheckContext, chk: _Checker) -> None:
    """Element keys YAML reads as booleans, numbers or null (str() shows True, 1, None...).
    Dashboard and filter keys are a closed set already (DSH002 in the loader); an element's
    other keys are visualization settings, free except for these."""
    bad_key = loading.DSH002
    for d in ctx.dashboards():
        for e in d.elements:
            for key, line in _keys(e.props).items():
                if key[:1] in _NON_STRING_START and _yaml_non_string(key):
                    chk.report(
                        bad_key,
                        f"element {e.name}: key `{key}` is read by YAML as a {_yaml_kind(key)}, "
                        "not a name: Looker does not know it (a key such as `fields:` mistyped?)",
                        d.file,
                        line,
                        f"dashboard:{d.name}/element:{e.name}",
                    )


_YAML_WORDS = {"True": "boolean", "False": "boolean", "None": "null"}
# first letters of the keys _yaml_non_string can be true for (others are names at once)
_NON_STRING_START = frozenset("TFN0123456789+-.ineE")
_NUMBER_RE = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d+)?([eE][-+]?\d+)?$|^[-+]?(inf|nan)$")


@functools.lru_cache(maxsize=4096)
def _yaml_non_string(key: str) -> bool:
    """Memoised: dashboards repeat the same few hundred element keys thousands of times."""
    return key in _YAML_WORDS or (bool(key) and _NUMBER_RE.match(key) is not None and key not in ("+", "-"))


def _yaml_kind(key: str) -> str:
    return _YAML_WORDS.get(key, "number")


def check(ctx: CheckContext) -> None:
    chk = _Checker(ctx)
    p = ctx.project
    for b in ctx.mine(p.raw_views):
        chk.view(b)
    for b in ctx.mine(p.raw_explores):
        chk.explore(b)
    if ctx.first_shard:
        for m in p.models.values():
            chk.model(m.name, m.file, m.props)
        chk.manifest(p.manifest)
        for dg in p.datagroups.values():
            chk.datagroup(dg)
        _persist_with(ctx, chk)
    _dashboard_keys(ctx, chk)
