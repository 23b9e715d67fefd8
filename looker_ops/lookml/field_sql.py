"""The SQL of LookML fields: ``${...}`` substitution, dimensions, dimension groups, measures.

:class:`FieldCompiler` turns a field into the SQL Looker would generate (a yesno as its
condition, a timeframe as its timeframe expression, a measure as its aggregate with its
``filters``), following references recursively and reporting cycles. The explore query (FROM,
joins, WHERE) is built on top of it by :class:`looker_ops.lookml.sql.SqlCompiler`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from looker_ops.lookml.conditions import (
    NUMBER_RE,
    paren,
    quote_sql,
    raw_for_datatype,
    timeframe_sql,
)
from looker_ops.lookml.field_types import (
    AGGREGATE_TYPES,
    NUMBER_VALUE_TIMEFRAMES,
    TEXT_TIMEFRAMES,
)
from looker_ops.lookml.liquid import NULL, LiquidRenderer
from looker_ops.lookml.merge import measure_filters
from looker_ops.lookml.model import Field, View

REF_RE = re.compile(r"\$\{\s*([^}]*?)\s*\}")


class FieldCompiler(LiquidRenderer):
    """Field SQL over the state and Liquid of :class:`LiquidRenderer`."""

    # -- public
    def field_sql(self, view_name: str, field_name: str, alias: str | None = None) -> str:
        """The SELECT expression of a field (dimension typed, measure aggregated)."""
        return self._field_expr(view_name, field_name, alias, self._value)

    def ref_sql(self, view_name: str, field_name: str, alias: str | None = None) -> str:
        """What ``${view.field}`` becomes (a yesno as its condition)."""
        return self._field_expr(view_name, field_name, alias, self._ref)

    def _field_expr(
        self,
        view_name: str,
        field_name: str,
        alias: str | None,
        expr: Callable[[View, Field, str], str],
    ) -> str:
        """``expr`` of the field under ``alias`` (default: the view's name), or NULL and a problem."""
        alias = alias or view_name
        view = self.view(view_name)
        f = view.fields.get(field_name) if view else None
        if view is None or f is None:
            self._problem(
                "unresolved",
                f"field {view_name}.{field_name} does not exist",
                view_name,
                field_name,
                view_name,
            )
            return NULL
        self.used_aliases.add(alias)
        return expr(view, f, alias)

    def render(self, sql: str, view: View | None, alias: str | None, owner: str | None = None) -> str:
        """Substitute references and render Liquid in any SQL text of ``view`` (or explore level)."""
        text = self.liquid(sql, view, alias)
        return self.substitute(text, view, alias, owner)

    # -- references
    def substitute(self, text: str, view: View | None, alias: str | None, owner: str | None = None) -> str:
        if "${" not in text:
            return text
        if alias is not None and text.count("${") == text.count("${TABLE}"):
            return text.replace("${TABLE}", alias)  # only ${TABLE}: what the regex would give

        def sub(m: re.Match[str]) -> str:
            return self._resolve_ref(m.group(1), view, alias, owner)

        return REF_RE.sub(sub, text)

    def _resolve_ref(self, ref: str, view: View | None, alias: str | None, owner: str | None) -> str:
        if ref == "TABLE":
            if alias is None:
                self._problem("unresolved", "${TABLE} used outside a view", None, owner)
                return NULL
            return alias
        if ref == "EXTENDED":
            return ""
        if ref == "SQL_TABLE_NAME" and view is not None:
            return view.name  # the table a create_process / sql_create step builds
        parts = ref.split(".")
        suffix = None
        if len(parts) >= 2 and parts[-1] in ("_sql", "_name", "_value"):
            suffix = parts[-1]
            parts = parts[:-1]
        vname: str | None
        if len(parts) == 1:
            if view is None and self.explore is not None:
                # explore-level SQL (sql_always_where, sql_on...): a bare name is a field of the
                # explore's base view, as in Looker's documentation
                vname, fname, valias = self.explore.view_name, parts[0], self.explore.name
            elif view is None:
                self._problem("unresolved", f"${{{ref}}} does not name a field (use view.field)", None, owner)
                return NULL
            else:
                vname, fname, valias = view.name, parts[0], alias or view.name
        elif len(parts) == 2:
            if parts[1] == "SQL_TABLE_NAME":
                target = self.view(parts[0])
                if target is None:
                    self._problem(
                        "unresolved",
                        f"${{{ref}}}: view {parts[0]} does not exist",
                        view.name if view else None,
                        owner,
                        parts[0],
                    )
                    return NULL
                return self.table_sql(target)
            res = self.resolve_alias(parts[0])
            if res is None:
                self._problem(
                    "unresolved",
                    f"${{{ref}}}: {parts[0]} is not a view"
                    + (f" nor a join of explore {self.explore.name}" if self.explore is not None else ""),
                    view.name if view else None,
                    owner,
                    parts[0],
                )
                return NULL
            vname, valias = res
            fname = parts[1]
        else:
            self._problem(
                "unresolved", f"${{{ref}}} is not a valid reference", view.name if view else None, owner
            )
            return NULL
        target = self.view(vname)
        f = target.fields.get(fname) if target else None
        if target is None or f is None:
            hint = ""
            if target is not None and fname in target.groups:
                hint = f" (a dimension_group: name a timeframe, e.g. {fname}_raw)"
            self._problem(
                "unresolved",
                f"${{{ref}}}: field {vname}.{fname} does not exist{hint}",
                view.name if view else None,
                owner,
                vname,
            )
            return NULL
        self.used_aliases.add(valias)
        if suffix == "_name":
            return f"{valias}.{fname}"
        if suffix == "_sql":
            return self._guard(target, f, valias, "base", lambda: self._base(target, f, valias))
        return self._ref(target, f, valias)

    def _guard(self, view: View, f: Field, alias: str, what: str, fn: Callable[[], str]) -> str:
        """``fn()`` (the SQL of ``f`` as ``what``), or NULL and a cycle problem when it is being
        compiled already. With a memo, each field's SQL is compiled once per (model, alias,
        what) and replayed afterwards: its problems and used aliases as if compiled again."""
        key = (view.name, f.name, what)
        if key in self._stack:
            self._taint += 1
            chain = " -> ".join(f"{v}.{n}" for v, n, _ in [*self._stack[self._stack.index(key) :], key])
            self._problem("cycle", f"reference cycle: {chain}", view.name, f.name)
            return NULL
        memo = self._memo
        if memo is None:
            self._stack.append(key)
            try:
                return fn()
            finally:
                self._stack.pop()
        mkey = (id(f), alias, what, id(view), self.model)
        hit = memo.get(mkey)
        if hit is not None:
            if hit[1]:
                for p in hit[1]:
                    self._add_problem(p)
            self.used_aliases |= hit[2]
            return hit[0]
        taint = self._taint
        outer = self.used_aliases
        inner: set[str] = set()
        self.used_aliases = inner
        met = self._met
        start = len(met)
        self._stack.append(key)
        try:
            sql = fn()
        finally:
            self._stack.pop()
            outer |= inner
            self.used_aliases = outer
        if self._taint == taint:  # depends on nothing but the field: keep it
            memo[mkey] = (sql, tuple(dict.fromkeys(met[start:])) if len(met) > start else (), inner, view, f)
        return sql

    # -- field SQL
    def _base(self, view: View, f: Field, alias: str) -> str:
        """The field's own ``sql`` substituted (default ``${TABLE}.name`` for a dimension)."""
        sql = f.sql
        if sql is None:
            if f.kind in ("dimension",) and f.type not in ("location", "distance", "duration"):
                sql = "${TABLE}." + f.name
            elif f.kind == "dimension_group":
                sql = "${TABLE}." + (f.group or f.name)
            else:
                return ""
        return self.render(sql, view, alias, f.name).strip()

    def _ref(self, view: View, f: Field, alias: str) -> str:
        if f.kind == "measure":
            return self._guard(view, f, alias, "value", lambda: self._measure(view, f, alias))
        # paren outside the guard: a guard's result is the same whoever asks (it is memoised),
        # and a cycle's NULL stays NULL in parentheses
        if f.type == "yesno" and f.kind == "dimension":
            return paren(self._guard(view, f, alias, "base", lambda: self._base(view, f, alias)))
        return paren(self._guard(view, f, alias, "value", lambda: self._dimension(view, f, alias)))

    def _value(self, view: View, f: Field, alias: str) -> str:
        if f.kind == "measure":
            return self._guard(view, f, alias, "value", lambda: self._measure(view, f, alias))
        if f.kind == "parameter":
            return self._parameter_value(view, f.name) or NULL
        if f.kind == "filter":
            return NULL
        return self._guard(view, f, alias, "value", lambda: self._dimension(view, f, alias))

    def _dimension(self, view: View, f: Field, alias: str) -> str:
        p = f.props
        if f.kind == "dimension_group":
            if f.type == "duration":
                start = self.render(str(p.get("sql_start", NULL)), view, alias, f.name)
                end = self.render(str(p.get("sql_end", NULL)), view, alias, f.name)
                dt = str(p.get("datatype", "timestamp"))
                return (
                    f"date_diff('{f.timeframe}', {raw_for_datatype(start, dt)}, {raw_for_datatype(end, dt)})"
                )
            raw = raw_for_datatype(self._base(view, f, alias), str(p.get("datatype", "timestamp")))
            return timeframe_sql(raw, f.timeframe or "raw")
        t = f.type
        if t == "yesno":
            return f"CASE WHEN {paren(self._base(view, f, alias))} THEN 'Yes' ELSE 'No' END"
        if t == "location":
            lat = self.render(str(p.get("sql_latitude", NULL)), view, alias, f.name)
            lon = self.render(str(p.get("sql_longitude", NULL)), view, alias, f.name)
            return f"concat(CAST({lat} AS VARCHAR), ',', CAST({lon} AS VARCHAR))"
        if "case" in p and isinstance(p["case"], dict):
            whens = []
            for w in p["case"].get("whens", []) or []:
                if isinstance(w, dict):
                    cond = self.render(str(w.get("sql", "1=0")), view, alias, f.name)
                    whens.append(f"WHEN {cond} THEN {quote_sql(str(w.get('label', '')))}")
            els = p["case"].get("else")
            tail = f" ELSE {quote_sql(str(els))}" if els is not None else ""
            return "CASE " + " ".join(whens) + tail + " END"
        if t == "tier" and p.get("tiers"):
            base = self._base(view, f, alias)
            tiers = [x for x in (p.get("tiers") or []) if re.fullmatch(NUMBER_RE, str(x))]
            parts = []
            prev = None
            for x in tiers:
                parts.append(f"WHEN {base} < {x} THEN '{'Below ' if prev is None else prev + ' to '}{x}'")
                prev = str(x)
            if prev is not None:
                parts.append(f"WHEN {base} >= {prev} THEN '{prev} or Above'")
            return "CASE " + " ".join(parts) + " ELSE 'Undefined' END" if parts else base
        if t in ("time", "date", "date_time", "date_date"):
            return self._base(view, f, alias)
        return self._base(view, f, alias)

    def _measure(self, view: View, f: Field, alias: str) -> str:
        t = f.type
        base = self._base(view, f, alias)
        conds = self._measure_conditions(view, f, alias)
        cond = " AND ".join(conds) if conds else None

        def when(x: str) -> str:
            return f"CASE WHEN {cond} THEN {x} ELSE NULL END" if cond else x

        if t == "count":
            pk = view.primary_key()
            if pk is not None and base == "":
                return f"COUNT(DISTINCT {when(self._ref(view, pk, alias))})"
            if base:
                return f"COUNT({when(base)})"
            return f"COUNT({when('1')})" if cond else "COUNT(*)"
        if t == "list" and not base and f.props.get("list_field"):
            # type: list lists the values of another field of the view (list_field, no sql)
            lf = view.fields.get(str(f.props["list_field"]))
            if lf is None:
                self._problem(
                    "unresolved",
                    f"measure {view.name}.{f.name}: list_field {f.props['list_field']} does not exist",
                    view.name,
                    f.name,
                )
                return NULL
            base = self._ref(view, lf, alias)
        if not base and t in AGGREGATE_TYPES:
            self._problem(
                "unresolved", f"measure {view.name}.{f.name} of type {t} has no sql", view.name, f.name
            )
            return NULL
        if t == "count_distinct":
            return f"COUNT(DISTINCT {when(base)})"
        if t in ("sum", "sum_distinct"):
            return f"COALESCE(SUM({when(base)}), 0)"
        if t in ("average", "average_distinct"):
            return f"AVG({when(base)})"
        if t == "min":
            return f"MIN({when(base)})"
        if t == "max":
            return f"MAX({when(base)})"
        if t in ("median", "median_distinct"):
            return f"approx_percentile({when(base)}, 0.5)"
        if t in ("percentile", "percentile_distinct"):
            pct = float(str(f.props.get("percentile", 50))) / 100.0
            return f"approx_percentile({when(base)}, {pct})"
        if t == "list":
            return f"array_join(array_agg(DISTINCT {when(base)}), '|RECORD|')"
        if t == "yesno":
            return f"CASE WHEN {paren(base)} THEN 'Yes' ELSE 'No' END"
        return base or NULL

    def _measure_conditions(self, view: View, f: Field, alias: str) -> list[str]:
        out = []
        for ref, expr in measure_filters(f.props).items():
            if "." in ref:
                vn, fn = ref.split(".", 1)
                res = self.resolve_alias(vn)
                if res is None:
                    self._problem(
                        "unresolved",
                        f"filter field {ref} of measure {f.name} does not exist",
                        view.name,
                        f.name,
                        vn,
                    )
                    continue
                tv, ta = res
            else:
                tv, ta, fn = view.name, alias, ref
            target = self.view(tv)
            tf = target.fields.get(fn) if target else None
            if target is None or tf is None:
                self._problem(
                    "unresolved",
                    f"filter field {ref} of measure {f.name} does not exist",
                    view.name,
                    f.name,
                    tv,
                )
                continue
            sql = self._ref(target, tf, ta)
            out.append(self.ctx.filter_compiler.condition(tf, sql, expr))
        return out

    # -- explore queries
    def _split_ref(self, ref: str) -> tuple[View, Field, str] | None:
        if "." not in ref:
            return None
        a, fn = ref.split(".", 1)
        res = self.resolve_alias(a)
        if res is None:
            return None
        view = self.view(res[0])
        f = view.fields.get(fn) if view else None
        if view is None or f is None:
            return None
        return view, f, res[1]

    def filter_sql(self, view: View, f: Field, alias: str) -> str:
        """The SQL a filter on ``f`` compares: a date timeframe is filtered on its raw timestamp."""
        if (
            f.kind == "dimension_group"
            and f.type != "duration"
            and f.timeframe not in NUMBER_VALUE_TIMEFRAMES
            and f.timeframe not in TEXT_TIMEFRAMES
        ):
            self.used_aliases.add(alias)
            raw = self._guard(view, f, alias, "base", lambda: self._base(view, f, alias))
            return raw_for_datatype(raw, str(f.props.get("datatype", "timestamp")))
        return self.ref_sql(view.name, f.name, alias)

    def table_sql(self, view: View) -> str:
        """The table (or derived table SQL) of a view (the compiler's job)."""
        raise NotImplementedError


def plain_field_sql(view: View, f: Field, alias: str) -> str | None:
    """What :meth:`FieldCompiler.field_sql` gives for ``f`` (a field of ``view``, the view the
    compilation's model sees under its name) when its SQL needs no compiler: a dimension or a
    dimension group's timeframe whose sql names nothing but ``${TABLE}`` and holds no Liquid.
    None for any other field (compile it). Such a field meets no problem."""
    kind = f.kind
    if kind == "dimension":
        if f.type in ("location", "tier") or isinstance(f.props.get("case"), dict):
            return None
    elif kind != "dimension_group" or f.type == "duration":
        return None
    sql = f.sql
    if sql is None:
        if kind == "dimension_group":
            sql = "${TABLE}." + (f.group or f.name)
        elif f.type in ("location", "distance", "duration"):
            return None
        else:
            sql = "${TABLE}." + f.name
    if "{%" in sql or "{{" in sql:
        return None
    if "${" in sql:
        if sql.count("${") != sql.count("${TABLE}"):
            return None
        sql = sql.replace("${TABLE}", alias)
    base = sql.strip()
    if kind == "dimension_group":
        raw = raw_for_datatype(base, str(f.props.get("datatype", "timestamp")))
        return timeframe_sql(raw, f.timeframe or "raw")
    if f.type == "yesno":
        return f"CASE WHEN {paren(base)} THEN 'Yes' ELSE 'No' END"
    return base
