"""Compile LookML fields and explore queries to Athena (Presto/Trino) SQL, as Looker would.

Public API::

    compile_field_sql(project, view_name, field_name, alias=None, liquid_ctx=None,
                      explore=None) -> str
    compile_explore_select(project, explore, fields, *, filters=None, sorts=None, limit=None,
                           liquid_ctx=None) -> str
    from_clause(project, view, alias, liquid_ctx=None) -> str
    SqlCompiler(project, explore=None, liquid_ctx=None)   # the engine behind them;
        .field_sql(view, field, alias) / .ref_sql(...) / .from_clause(view, alias)
        .problems: list[SqlProblem]  (unresolved references, cycles, bad Liquid)
    LiquidContext(filters, parameters, user_attributes, in_query, filter_compiler)
    FilterCompiler (protocol) + LookerFilterCompiler (the default: Looker filter expressions
        for string, number, yesno and date fields). A caller (e.g. `preview`) passes its own
        FilterCompiler in LiquidContext to change how filter expressions become SQL.

Substitution: ``${TABLE}`` -> the view's alias; ``${field}`` / ``${view.field}`` -> the
field's SQL (a yesno dimension as its condition, a timeframe as its timeframe expression,
a measure as its aggregate); ``${view.SQL_TABLE_NAME}`` -> the table name or
``(derived SQL)``; ``${field._sql}`` -> the field's own SQL, substituted but not typed.
Recursive and cycle-safe: a cycle is a :class:`SqlProblem` and compiles to ``NULL``.

Liquid: ``{% condition f %} expr {% endcondition %}``, ``{% date_start f %}``,
``{% date_end f %}``, ``{% parameter p %}``, ``{{ p._parameter_value }}``,
``{{ _user_attributes['x'] }}``, ``{{ _filters['v.f'] }}``, ``{% if/elsif/else/endif %}`` and
``{% unless %}`` on ``x._in_query``, ``x._is_filtered``, ``x._is_selected`` and comparisons.
With no filter value, a condition is ``1=1`` and date_start/date_end are ``NULL``.

Parts: :mod:`~looker_ops.lookml.conditions` (filter expressions, timeframes),
:mod:`~looker_ops.lookml.liquid` (Liquid, the compile state), :mod:`~looker_ops.lookml.field_sql`
(field SQL and references); this module adds FROM, joins, WHERE/HAVING and the functions above.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from looker_ops.lookml.conditions import (
    FilterCompiler,
    LookerFilterCompiler,
    paren,
    timeframe_sql,
)
from looker_ops.lookml.field_sql import REF_RE, FieldCompiler
from looker_ops.lookml.field_types import AGGREGATE_TYPES, NON_AGG_MEASURE_TYPES
from looker_ops.lookml.liquid import NULL, LiquidContext, SqlProblem
from looker_ops.lookml.model import Explore, Join, Project, View

__all__ = [
    "AGGREGATE_TYPES",
    "NON_AGG_MEASURE_TYPES",
    "NULL",
    "FilterCompiler",
    "LiquidContext",
    "LookerFilterCompiler",
    "SqlCompiler",
    "SqlProblem",
    "compile_explore_select",
    "compile_field_sql",
    "from_clause",
    "references",
    "timeframe_sql",
]


class SqlCompiler(FieldCompiler):
    """Compiles fields of ``project`` (optionally in the context of one explore), and the
    explore queries Looker would send."""

    def from_clause(self, view: View, alias: str) -> str:
        return f"{self.table_sql(view)} AS {alias}"

    def table_sql(self, view: View) -> str:
        if view.sql_table_name:
            return self.render(view.sql_table_name, view, view.name, "sql_table_name")
        dt = view.derived_table or {}
        if "sql" in dt:
            key = ("view", view.name, "SQL_TABLE_NAME")
            if key in self._stack:
                self._taint += 1
                self._problem("cycle", f"derived table {view.name} refers to itself", view.name, None)
                return NULL
            self._stack.append(key)
            try:
                # the closing parenthesis on a line of its own, as Looker writes it: a derived
                # table whose SQL ends with a `--` comment must not swallow it
                return "(" + self.render(str(dt["sql"]), view, view.name, "derived_table") + "\n)"
            finally:
                self._stack.pop()
        if isinstance(dt.get("explore_source"), dict):
            return "(" + self._ndt(view, dt["explore_source"]) + ")"
        if not dt or "create_process" in dt or "sql_create" in dt:
            # create_process / sql_create build the table with statements of their own (their
            # references are resolved, for the problems); Looker reads it under the view's name
            self._render_steps(view, dt)
            return view.name
        self._problem("unsupported", f"derived table of view {view.name} has no sql", view.name, None)
        return view.name

    def _render_steps(self, view: View, dt: dict[str, object]) -> None:
        """Resolve the references of ``sql_create`` and ``create_process`` steps."""
        steps = [dt.get("sql_create")]
        cp = dt.get("create_process")
        if isinstance(cp, dict):
            steps += list(cp.get("sql_steps") or [])
        key = ("view", view.name, "SQL_TABLE_NAME")
        if key in self._stack:
            self._taint += 1
            return
        self._stack.append(key)
        try:
            for step in steps:
                if step:
                    self.render(str(step), view, view.name, "derived_table")
        finally:
            self._stack.pop()

    # -- native derived tables
    def _ndt(self, view: View, src: dict[str, object]) -> str:
        ename = str(src.get("_name"))
        model = self.explore.model if self.explore else None
        exp = self.project.explore(model, ename) if model else None
        if exp is None:
            cands = self.project.explores_named(ename)
            exp = cands[0] if cands else None
        if exp is None:
            self._problem("unresolved", f"explore_source {ename} is not an explore", view.name, None)
            return "SELECT NULL"
        cols: list[tuple[str, str]] = []
        for c in src.get("columns", []) or []:  # type: ignore[attr-defined]
            if isinstance(c, dict):
                cols.append((str(c.get("_name")), str(c.get("field") or f"{exp.name}.{c.get('_name')}")))
        filters = {}
        for fl in src.get("filters__all", []) or []:  # type: ignore[attr-defined]
            if isinstance(fl, list):
                filters.update({str(k): str(v) for k, v in fl})
        # the query's fields and filters go into this compilation's Liquid context: what this
        # compiler renders from now on may differ from a fresh one's, so it memoises no more
        self._taint += 1
        self._memo = None
        sub = SqlCompiler(self.project, exp, self.ctx)
        sql = sub.select([c[1] for c in cols], filters=filters, names=[c[0] for c in cols])
        for pr in sub.problems:
            self._add_problem(pr)
        return sql

    # -- explore queries
    def select(
        self,
        fields: Sequence[str],
        *,
        filters: Mapping[str, str] | None = None,
        sorts: Sequence[str] = (),
        limit: int | None = None,
        names: Sequence[str] | None = None,
        apply_explore_filters: bool = True,
        probe: bool = False,
    ) -> str:
        """The query Looker would send for ``fields`` (dimensions grouped, measures aggregated).

        ``probe``: instead, one row that still evaluates every field on every row (each
        dimension wrapped in ``COUNT(...)``, no GROUP BY): the shape ``check --sql`` runs, so
        large data does not build a huge grouping.
        """
        exp = self.explore
        if exp is None:
            raise ValueError("select() needs an explore")
        base_view = self.view(exp.view_name)
        if base_view is None:
            self._problem(
                "unresolved", f"explore {exp.name}: view {exp.view_name} does not exist", None, None
            )
            return "SELECT NULL"
        self.used_aliases = {exp.name}
        filters = dict(filters or {})
        if apply_explore_filters:
            for k, v in exp.always_filter.items():
                filters.setdefault(k, v)
            if exp.conditionally_filter and not any(u in filters for u in exp.conditionally_filter_unless):
                for k, v in exp.conditionally_filter.items():
                    filters.setdefault(k, v)
        self.ctx.in_query = set(self.ctx.in_query) | set(fields)
        for k, v in filters.items():
            self.ctx.filters.setdefault(k, v)
        dims, meas, dim_cols, meas_cols = self._columns(fields, names, probe)
        where, having = self._conditions(filters)
        if exp.sql_always_where:
            where.append(paren(self.render(exp.sql_always_where, None, None, "sql_always_where")))
        joins_sql = self._joins_sql()
        sql = "SELECT\n  " + ",\n  ".join(dims + meas or ["1"])
        sql += f"\nFROM {self.from_clause(base_view, exp.name)}"
        for j in joins_sql:
            sql += "\n" + j
        if where:
            sql += "\nWHERE " + " AND ".join(where)
        if dims and not probe:
            sql += "\nGROUP BY " + ", ".join(str(i + 1) for i in range(len(dims)))
        if having:
            sql += "\nHAVING " + " AND ".join(having)
        order = []
        for s in sorts if not probe else ():
            ref, _, direction = s.strip().partition(" ")
            # by position in the SELECT list (dimensions come first, then measures)
            cols = dim_cols + meas_cols
            if ref in cols:
                order.append(
                    f"{cols.index(ref) + 1}" + (" DESC" if direction.lower().strip() == "desc" else "")
                )
        if order:
            sql += "\nORDER BY " + ", ".join(order)
        if limit is not None:
            sql += f"\nLIMIT {int(limit)}"
        return sql

    def _columns(
        self, fields: Sequence[str], names: Sequence[str] | None, probe: bool
    ) -> tuple[list[str], list[str], list[str], list[str]]:
        """SELECT expressions of the dimensions and the measures, and their field names."""
        exp = self.explore
        assert exp is not None
        dims: list[str] = []
        meas: list[str] = []
        dim_cols: list[str] = []
        meas_cols: list[str] = []
        for i, ref in enumerate(fields):
            parts = self._split_ref(ref)
            col = names[i] if names else ref
            if parts is None:
                self._problem("unresolved", f"field {ref} is not in explore {exp.name}", None, ref)
                continue
            view, f, alias = parts
            expr = self.field_sql(view.name, f.name, alias)
            if probe and f.kind != "measure":
                expr = f"COUNT({expr})"
            (meas if f.kind == "measure" else dims).append(f'{expr} AS "{col}"')
            (meas_cols if f.kind == "measure" else dim_cols).append(ref)
        return dims, meas, dim_cols, meas_cols

    def _conditions(self, filters: Mapping[str, str]) -> tuple[list[str], list[str]]:
        """WHERE and HAVING conditions of the query's filters (filter fields and parameters are
        consumed by Liquid instead)."""
        exp = self.explore
        assert exp is not None
        where: list[str] = []
        having: list[str] = []
        for ref, expr in filters.items():
            parts = self._split_ref(ref)
            if parts is None:
                self._problem("unresolved", f"filter field {ref} is not in explore {exp.name}", None, ref)
                continue
            view, f, alias = parts
            if f.kind in ("filter", "parameter"):
                continue  # consumed by Liquid
            c = self.ctx.filter_compiler.condition(f, self.filter_sql(view, f, alias), expr)
            (having if f.kind == "measure" else where).append(c)
        return where, having

    def _joins_sql(self) -> list[str]:
        exp = self.explore
        assert exp is not None
        # Compile join conditions until no new alias is needed (sql_on may reach other joins).
        on_sql: dict[str, str] = {}
        needed = set(self.used_aliases)
        changed = True
        while changed:
            changed = False
            for j in exp.joins:
                if j.name not in needed or j.name in on_sql:
                    continue
                for rj in j.required_joins:
                    needed.add(rj)
                before = set(self.used_aliases)
                on_sql[j.name] = self._join_condition(j)
                needed |= self.used_aliases | before
                changed = True
            if changed:
                needed |= self.used_aliases
        out = []
        for j in exp.joins:
            if j.name not in needed:
                continue
            view = self.view(j.view_name)
            if view is None:
                self._problem("unresolved", f"join {j.name}: view {j.view_name} does not exist", None, j.name)
                continue
            kind = {
                "left_outer": "LEFT JOIN",
                "inner": "INNER JOIN",
                "full_outer": "FULL OUTER JOIN",
                "cross": "CROSS JOIN",
            }.get(j.type, "LEFT JOIN")
            table = self.from_clause(view, j.name)
            cond = on_sql.get(j.name)
            out.append(f"{kind} {table}" + ("" if kind == "CROSS JOIN" or not cond else f" ON {cond}"))
        return out

    def _join_condition(self, j: object) -> str:

        assert isinstance(j, Join)
        if j.sql_on:
            return self.render(j.sql_on, None, None, f"join:{j.name}")
        if j.foreign_key:
            view = self.view(j.view_name)
            pk = view.primary_key() if view else None
            if view is None or pk is None:
                self._problem(
                    "unresolved",
                    f"join {j.name}: foreign_key needs a primary key on {j.view_name}",
                    None,
                    j.name,
                )
                return "1=1"
            fk = self.render(
                "${" + j.foreign_key + "}"
                if "." in j.foreign_key
                else "${" + (self.explore.name if self.explore else "") + "." + j.foreign_key + "}",
                None,
                None,
                f"join:{j.name}",
            )
            return f"{fk} = {self._ref(view, pk, j.name)}"
        if j.props.get("sql_foreign_key"):
            return self.render(str(j.props["sql_foreign_key"]), None, None, f"join:{j.name}")
        return "1=1"


# --------------------------------------------------------------------------- functions


def compile_field_sql(
    project: Project,
    view_name: str,
    field_name: str,
    alias: str | None = None,
    liquid_ctx: LiquidContext | None = None,
    explore: Explore | None = None,
) -> str:
    """The Athena SQL expression of one field, with its view aliased as ``alias``."""
    return SqlCompiler(project, explore, liquid_ctx).field_sql(view_name, field_name, alias or view_name)


def compile_explore_select(
    project: Project,
    explore: Explore,
    fields: Sequence[str],
    *,
    filters: Mapping[str, str] | None = None,
    sorts: Sequence[str] = (),
    limit: int | None = None,
    liquid_ctx: LiquidContext | None = None,
    apply_explore_filters: bool = True,
) -> str:
    """A full Athena query over ``explore`` selecting ``fields`` (``alias.field`` names).

    ``filters`` are Looker filter expressions by field (``{"logs.event_date": "7 days"}``);
    the explore's ``always_filter`` / ``conditionally_filter`` defaults are added unless
    ``apply_explore_filters`` is false. Only the joins the query needs are included.
    """
    return SqlCompiler(project, explore, liquid_ctx).select(
        fields, filters=filters, sorts=sorts, limit=limit, apply_explore_filters=apply_explore_filters
    )


def from_clause(
    project: Project, view: View, alias: str | None = None, liquid_ctx: LiquidContext | None = None
) -> str:
    """``table AS alias`` or ``(derived SQL) AS alias`` for a view."""
    return SqlCompiler(project, None, liquid_ctx).from_clause(view, alias or view.name)


def references(text: str) -> Iterable[str]:
    """The ``${...}`` references in a SQL text, as written (``TABLE``, ``view.field``...)."""
    return (m.group(1) for m in REF_RE.finditer(text or ""))
