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
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from looker_ops.lookml.loader import measure_filters
from looker_ops.lookml.model import Explore, Field, Project, View

NULL = "NULL"
_REF_RE = re.compile(r"\$\{\s*([^}]*?)\s*\}")
_LIQUID_RE = re.compile(r"\{%-?\s*(.*?)\s*-?%\}|\{\{-?\s*(.*?)\s*-?\}\}", re.S)

AGGREGATE_TYPES = frozenset(
    [
        "count",
        "count_distinct",
        "sum",
        "average",
        "min",
        "max",
        "median",
        "percentile",
        "sum_distinct",
        "average_distinct",
        "median_distinct",
        "percentile_distinct",
        "list",
    ]
)
NON_AGG_MEASURE_TYPES = frozenset(
    ["number", "string", "date", "yesno", "percent_of_total", "percent_of_previous", "running_total", "int"]
)


@dataclass(frozen=True)
class SqlProblem:
    kind: str  # unresolved | cycle | liquid | unsupported
    message: str
    view: str | None
    field: str | None


# --------------------------------------------------------------------------- filters


class FilterCompiler(Protocol):
    """Turns a Looker filter expression on a field into SQL (the hook `preview` plugs into)."""

    def condition(self, field: Field | None, sql: str, expression: str) -> str: ...

    def date_bounds(self, expression: str) -> tuple[str | None, str | None]: ...


def _quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


_NUM = r"-?\d+(?:\.\d+)?"
_DATE_TYPES = frozenset(["date", "date_time", "time", "datetime", "timestamp", "date_raw", "date_date"])
_NUMBER_TIMEFRAMES = frozenset(
    [
        "hour_of_day",
        "day_of_month",
        "day_of_year",
        "week_of_year",
        "month_num",
        "quarter_of_year",
        "year",
        "day_of_week_index",
        "fiscal_year",
        "fiscal_month_num",
        "fiscal_quarter_of_year",
    ]
)
_UNITS = {
    "second": "second",
    "minute": "minute",
    "hour": "hour",
    "day": "day",
    "week": "week",
    "month": "month",
    "quarter": "quarter",
    "year": "year",
}


def _split_commas(expr: str) -> list[str]:
    parts, cur, i = [], [], 0
    while i < len(expr):
        c = expr[i]
        if c == "^" and i + 1 < len(expr):
            cur.append(expr[i + 1])
            i += 2
            continue
        if c == ",":
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    parts.append("".join(cur).strip())
    return [p for p in parts if p != ""]


class LookerFilterCompiler:
    """Looker filter expressions -> SQL, for string, number, yesno and date/time fields."""

    def kind_of(self, f: Field | None) -> str:
        if f is None:
            return "string"
        t = f.type
        if f.timeframe is not None:
            if f.timeframe in _NUMBER_TIMEFRAMES:
                return "number"
            if f.timeframe in ("day_of_week", "month_name", "time_of_day"):
                return "string"
            return "date"
        if t in _DATE_TYPES or t.startswith("date"):
            return "date"
        if t in ("number", "int", "count", "count_distinct", "sum", "average", "min", "max", "median"):
            return "number"
        if t == "yesno":
            return "yesno"
        return "string"

    def condition(self, field: Field | None, sql: str, expression: str) -> str:
        kind = self.kind_of(field)
        expr = expression.strip()
        if kind == "yesno":
            low = expr.lower()
            if low in ("yes", "true"):
                return _paren(sql)
            if low in ("no", "false"):
                return f"NOT COALESCE({_paren(sql)}, FALSE)"
            return "1=1"
        if expr == "":
            return "1=1"
        if kind == "number":
            return self._number(sql, expr)
        if kind == "date":
            return self._date(sql, expr)
        return self._string(sql, expr)

    def _string(self, sql: str, expr: str) -> str:
        pos: list[str] = []
        neg: list[str] = []
        for part in _split_commas(expr):
            negate = part.startswith("-")
            p = part[1:] if negate else part
            if p == "NULL":
                c = f"{sql} IS NULL"
            elif p == "EMPTY":
                c = f"({sql} IS NULL OR {sql} = '')"
            elif "%" in p or ("_" in p and p.startswith(("%", "_"))):
                c = f"{sql} LIKE {_quote(p)}"
            else:
                c = f"{sql} = {_quote(p)}"
            if negate:
                neg.append(f"NOT ({c})" if p not in ("NULL",) else f"{sql} IS NOT NULL")
            else:
                pos.append(c)
        out = []
        if pos:
            out.append("(" + " OR ".join(pos) + ")")
        out.extend(neg)
        return "(" + " AND ".join(out) + ")" if out else "1=1"

    def _number(self, sql: str, expr: str) -> str:
        conds: list[str] = []
        nots: list[str] = []
        for part in _split_commas(expr):
            p = part.strip()
            m = re.fullmatch(r"([\[(])\s*(" + _NUM + r"|-?inf)?\s*,\s*(" + _NUM + r"|inf)?\s*([\])])", p)
            if p.upper() == "NULL":
                conds.append(f"{sql} IS NULL")
            elif p.upper() in ("NOT NULL", "-NULL"):
                nots.append(f"{sql} IS NOT NULL")
            elif p.upper().startswith("NOT "):
                nots.append(f"NOT ({self._number(sql, p[4:])})")
            elif m:
                lo = (
                    []
                    if m.group(2) in (None, "-inf")
                    else [f"{sql} {'>=' if m.group(1) == '[' else '>'} {m.group(2)}"]
                )
                hi = (
                    []
                    if m.group(3) in (None, "inf")
                    else [f"{sql} {'<=' if m.group(4) == ']' else '<'} {m.group(3)}"]
                )
                conds.append("(" + " AND ".join([*lo, *hi] or ["1=1"]) + ")")
            elif re.fullmatch(r"(>=|<=|!=|<>|>|<|=)\s*" + _NUM, p):
                conds.append(f"{sql} {p}")
            elif re.fullmatch(_NUM + r"\s+to\s+" + _NUM, p):
                a, b = re.split(r"\s+to\s+", p)
                conds.append(f"({sql} >= {a} AND {sql} <= {b})")
            elif re.fullmatch(_NUM, p):
                conds.append(f"{sql} = {p}")
            else:
                conds.append("1=0")
        out = []
        if conds:
            out.append("(" + " OR ".join(conds) + ")")
        out.extend(nots)
        return "(" + " AND ".join(out) + ")" if out else "1=1"

    # dates -----------------------------------------------------------------
    @staticmethod
    def _ts(s: str) -> str:
        d = s.strip().replace("/", "-")
        if re.fullmatch(r"\d{4}-\d{2}", d):
            d += "-01"
        if re.fullmatch(r"\d{4}", d):
            d += "-01-01"
        return f"TIMESTAMP {_quote(d if ' ' in d or ':' in d else d + ' 00:00:00')}"

    def date_bounds(self, expression: str) -> tuple[str | None, str | None]:
        e = expression.strip().lower()
        today = "date_trunc('day', current_timestamp)"
        if e in ("", "any time", "null"):
            return None, None
        m = re.fullmatch(r"(?:last\s+)?(\d+)\s+(second|minute|hour|day|week|month|quarter|year)s?", e)
        if m:
            n, unit = int(m.group(1)), _UNITS[m.group(2)]
            if unit in ("second", "minute", "hour"):
                start_of = f"date_trunc('{unit}', current_timestamp)"
            else:
                start_of = f"date_trunc('{unit}', current_timestamp)"
            return (
                f"date_add('{unit}', -{n - 1}, {start_of})",
                f"date_add('{unit}', 1, {start_of})",
            )
        m = re.fullmatch(r"(\d+)\s+(second|minute|hour|day|week|month|quarter|year)s?\s+ago", e)
        if m:
            n, unit = int(m.group(1)), _UNITS[m.group(2)]
            start_of = f"date_trunc('{unit}', current_timestamp)"
            return f"date_add('{unit}', -{n}, {start_of})", f"date_add('{unit}', -{n - 1}, {start_of})"
        if e == "today":
            return today, f"date_add('day', 1, {today})"
        if e == "yesterday":
            return f"date_add('day', -1, {today})", today
        m = re.fullmatch(r"(this|last|next)\s+(day|week|month|quarter|year)", e)
        if m:
            off = {"this": 0, "last": -1, "next": 1}[m.group(1)]
            start_of = f"date_trunc('{m.group(2)}', current_timestamp)"
            return (
                f"date_add('{m.group(2)}', {off}, {start_of})",
                f"date_add('{m.group(2)}', {off + 1}, {start_of})",
            )
        m = re.fullmatch(r"(.+?)\s+to\s+(.+)", e)
        if m and re.match(r"\d{4}", m.group(1)):
            return self._ts(m.group(1)), self._ts(m.group(2))
        m = re.fullmatch(r"(before|after|on or after)\s+(\d{4}[-/]\d{2}[-/]\d{2}.*)", e)
        if m:
            return (None, self._ts(m.group(2))) if m.group(1) == "before" else (self._ts(m.group(2)), None)
        m = re.fullmatch(r"(\d{4}[-/]\d{2}[-/]\d{2})", e)
        if m:
            return self._ts(m.group(1)), f"date_add('day', 1, {self._ts(m.group(1))})"
        m = re.fullmatch(r"(\d{4}[-/]\d{2})", e)
        if m:
            return self._ts(m.group(1)), f"date_add('month', 1, {self._ts(m.group(1))})"
        m = re.fullmatch(r"(\d{4})", e)
        if m:
            return self._ts(m.group(1)), f"date_add('year', 1, {self._ts(m.group(1))})"
        return None, None

    def _date(self, sql: str, expr: str) -> str:
        e = expr.strip()
        if e.upper() == "NULL":
            return f"{sql} IS NULL"
        if e.upper() in ("-NULL", "NOT NULL"):
            return f"{sql} IS NOT NULL"
        start, end = self.date_bounds(e)
        conds = []
        if start:
            conds.append(f"{sql} >= {start}")
        if end:
            conds.append(f"{sql} < {end}")
        return "(" + " AND ".join(conds) + ")" if conds else "1=1"


@dataclass
class LiquidContext:
    """Values that Liquid in SQL reads. Empty means "no filter, no parameter, no user"."""

    filters: dict[str, str] = field(default_factory=dict)  # "view.field" -> filter expression
    parameters: dict[str, str] = field(default_factory=dict)  # "view.param" or "param" -> value
    user_attributes: dict[str, str] = field(default_factory=dict)
    in_query: set[str] = field(default_factory=set)  # "view.field" of the fields in the query
    filter_compiler: FilterCompiler = field(default_factory=LookerFilterCompiler)
    model: str | None = None
    explore: str | None = None


# --------------------------------------------------------------------------- timeframes


def timeframe_sql(raw: str, timeframe: str) -> str:
    """Athena SQL of one timeframe of a time dimension group, given its raw timestamp SQL."""
    x = raw
    tf = timeframe
    m = re.fullmatch(r"(hour|minute|second|millisecond)(\d+)", tf)
    if m:
        secs = {"hour": 3600, "minute": 60, "second": 1, "millisecond": 0.001}[m.group(1)] * int(m.group(2))
        bucket = f"from_unixtime(floor(to_unixtime({x}) / {secs}) * {secs})"
        fmt = {
            "hour": "%Y-%m-%d %H",
            "minute": "%Y-%m-%d %H:%i",
            "second": "%Y-%m-%d %H:%i:%s",
            "millisecond": "%Y-%m-%d %H:%i:%s.%f",
        }[m.group(1)]
        return f"date_format({bucket}, '{fmt}')"
    simple = {
        "raw": x,
        "time": f"date_format({x}, '%Y-%m-%d %H:%i:%s')",
        "second": f"date_format({x}, '%Y-%m-%d %H:%i:%s')",
        "millisecond": f"date_format({x}, '%Y-%m-%d %H:%i:%s.%f')",
        "microsecond": f"date_format({x}, '%Y-%m-%d %H:%i:%s.%f')",
        "minute": f"date_format({x}, '%Y-%m-%d %H:%i')",
        "hour": f"date_format({x}, '%Y-%m-%d %H')",
        "time_of_day": f"date_format({x}, '%H:%i')",
        "date": f"CAST({x} AS DATE)",
        "week": f"CAST(date_trunc('week', {x}) AS DATE)",
        "month": f"date_format({x}, '%Y-%m')",
        "quarter": f"concat(CAST(year({x}) AS VARCHAR), '-Q', CAST(quarter({x}) AS VARCHAR))",
        "year": f"year({x})",
        "hour_of_day": f"hour({x})",
        "day_of_week": f"date_format({x}, '%W')",
        "day_of_week_index": f"(day_of_week({x}) - 1)",
        "day_of_month": f"day({x})",
        "day_of_year": f"day_of_year({x})",
        "week_of_year": f"week_of_year({x})",
        "month_name": f"date_format({x}, '%M')",
        "month_num": f"month({x})",
        "quarter_of_year": f"quarter({x})",
        "fiscal_month_num": f"month({x})",
        "fiscal_quarter": f"concat(CAST(year({x}) AS VARCHAR), '-Q', CAST(quarter({x}) AS VARCHAR))",
        "fiscal_quarter_of_year": f"quarter({x})",
        "fiscal_year": f"year({x})",
    }
    return simple.get(tf, x)


def _raw_for_datatype(sql: str, datatype: str | None) -> str:
    dt = (datatype or "timestamp").lower()
    if dt == "epoch":
        return f"from_unixtime({sql})"
    if dt == "yyyymmdd":
        return f"date_parse(CAST({sql} AS VARCHAR), '%Y%m%d')"
    if dt == "date":
        return f"CAST({sql} AS TIMESTAMP)"
    return sql


def _paren(s: str) -> str:
    t = s.strip()
    if re.fullmatch(r"[A-Za-z_][\w.\"]*|'[^']*'|-?\d+(\.\d+)?", t):
        return t
    if t.startswith("(") and t.endswith(")") and _balanced_outer(t):
        return t
    m = re.match(r"[A-Za-z_][\w.]*\s*\(", t)
    if m and t.endswith(")") and _balanced_outer(t[m.end() - 1 :]):
        return t
    return f"({t})"


def _balanced_outer(t: str) -> bool:
    depth = 0
    for i, c in enumerate(t):
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0 and i != len(t) - 1:
                return False
    return depth == 0


# --------------------------------------------------------------------------- compiler


class _Cycle(Exception):
    pass


class SqlCompiler:
    """Compiles fields of ``project`` (optionally in the context of one explore)."""

    def __init__(
        self, project: Project, explore: Explore | None = None, liquid_ctx: LiquidContext | None = None
    ):
        self.project = project
        self.explore = explore
        self.ctx = liquid_ctx or LiquidContext()
        self.aliases: dict[str, str] = explore.aliases() if explore is not None else {}
        self.problems: list[SqlProblem] = []
        self.used_aliases: set[str] = set()
        self._stack: list[tuple[str, str, str]] = []

    # -- lookups
    def _problem(self, kind: str, msg: str, view: str | None, fld: str | None) -> None:
        p = SqlProblem(kind, msg, view, fld)
        if p not in self.problems:
            self.problems.append(p)

    def resolve_alias(self, name: str) -> tuple[str, str] | None:
        """(view name, alias) for an alias or view name used in ``${name.x}``."""
        if name in self.aliases:
            return self.aliases[name], name
        if name in self.project.views:
            # A view joined under another alias is reached through its first alias.
            for a, v in self.aliases.items():
                if v == name:
                    return name, a
            return name, name
        return None

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
        view = self.project.views.get(view_name)
        f = view.fields.get(field_name) if view else None
        if view is None or f is None:
            self._problem(
                "unresolved", f"field {view_name}.{field_name} does not exist", view_name, field_name
            )
            return NULL
        self.used_aliases.add(alias)
        return expr(view, f, alias)

    def render(self, sql: str, view: View | None, alias: str | None, owner: str | None = None) -> str:
        """Substitute references and render Liquid in any SQL text of ``view`` (or explore level)."""
        text = self.liquid(sql, view, alias)
        return self.substitute(text, view, alias, owner)

    def from_clause(self, view: View, alias: str) -> str:
        return f"{self.table_sql(view)} AS {alias}"

    def table_sql(self, view: View) -> str:
        if view.sql_table_name:
            return self.render(view.sql_table_name, view, view.name, "sql_table_name")
        dt = view.derived_table or {}
        if "sql" in dt:
            key = ("view", view.name, "SQL_TABLE_NAME")
            if key in self._stack:
                self._problem("cycle", f"derived table {view.name} refers to itself", view.name, None)
                return NULL
            self._stack.append(key)
            try:
                return "(" + self.render(str(dt["sql"]), view, view.name, "derived_table") + ")"
            finally:
                self._stack.pop()
        if isinstance(dt.get("explore_source"), dict):
            return "(" + self._ndt(view, dt["explore_source"]) + ")"
        if not dt:
            return view.name
        self._problem("unsupported", f"derived table of view {view.name} has no sql", view.name, None)
        return view.name

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
        sub = SqlCompiler(self.project, exp, self.ctx)
        sql = sub.select([c[1] for c in cols], filters=filters, names=[c[0] for c in cols])
        self.problems.extend(p for p in sub.problems if p not in self.problems)
        return sql

    # -- references
    def substitute(self, text: str, view: View | None, alias: str | None, owner: str | None = None) -> str:
        if "${" not in text:
            return text

        def sub(m: re.Match[str]) -> str:
            return self._resolve_ref(m.group(1), view, alias, owner)

        return _REF_RE.sub(sub, text)

    def _resolve_ref(self, ref: str, view: View | None, alias: str | None, owner: str | None) -> str:
        if ref == "TABLE":
            if alias is None:
                self._problem("unresolved", "${TABLE} used outside a view", None, owner)
                return NULL
            return alias
        if ref == "EXTENDED":
            return ""
        parts = ref.split(".")
        suffix = None
        if len(parts) >= 2 and parts[-1] in ("_sql", "_name", "_value"):
            suffix = parts[-1]
            parts = parts[:-1]
        vname: str | None
        if len(parts) == 1:
            if view is None:
                # explore-level SQL: ${view.field} only; a bare name may be an alias
                self._problem("unresolved", f"${{{ref}}} does not name a field (use view.field)", None, owner)
                return NULL
            vname, fname, valias = view.name, parts[0], alias or view.name
        elif len(parts) == 2:
            if parts[1] == "SQL_TABLE_NAME":
                target = self.project.views.get(parts[0])
                if target is None:
                    self._problem(
                        "unresolved",
                        f"${{{ref}}}: view {parts[0]} does not exist",
                        view.name if view else None,
                        owner,
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
                )
                return NULL
            vname, valias = res
            fname = parts[1]
        else:
            self._problem(
                "unresolved", f"${{{ref}}} is not a valid reference", view.name if view else None, owner
            )
            return NULL
        target = self.project.views.get(vname)
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
            )
            return NULL
        self.used_aliases.add(valias)
        if suffix == "_name":
            return f"{valias}.{fname}"
        if suffix == "_sql":
            return self._guard(target, f, valias, "base", lambda: self._base(target, f, valias))
        return self._ref(target, f, valias)

    def _guard(self, view: View, f: Field, alias: str, what: str, fn: Callable[[], str]) -> str:
        key = (view.name, f.name, what)
        if key in self._stack:
            chain = " -> ".join(f"{v}.{n}" for v, n, _ in [*self._stack[self._stack.index(key) :], key])
            self._problem("cycle", f"reference cycle: {chain}", view.name, f.name)
            return NULL
        self._stack.append(key)
        try:
            return fn()
        finally:
            self._stack.pop()

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
        if f.type == "yesno" and f.kind == "dimension":
            return self._guard(view, f, alias, "base", lambda: _paren(self._base(view, f, alias)))
        return self._guard(view, f, alias, "value", lambda: _paren(self._dimension(view, f, alias)))

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
                return f"date_diff('{f.timeframe}', {_raw_for_datatype(start, dt)}, {_raw_for_datatype(end, dt)})"
            raw = _raw_for_datatype(self._base(view, f, alias), str(p.get("datatype", "timestamp")))
            return timeframe_sql(raw, f.timeframe or "raw")
        t = f.type
        if t == "yesno":
            return f"CASE WHEN {_paren(self._base(view, f, alias))} THEN 'Yes' ELSE 'No' END"
        if t == "location":
            lat = self.render(str(p.get("sql_latitude", NULL)), view, alias, f.name)
            lon = self.render(str(p.get("sql_longitude", NULL)), view, alias, f.name)
            return f"concat(CAST({lat} AS VARCHAR), ',', CAST({lon} AS VARCHAR))"
        if "case" in p and isinstance(p["case"], dict):
            whens = []
            for w in p["case"].get("whens", []) or []:
                if isinstance(w, dict):
                    cond = self.render(str(w.get("sql", "1=0")), view, alias, f.name)
                    whens.append(f"WHEN {cond} THEN {_quote(str(w.get('label', '')))}")
            els = p["case"].get("else")
            tail = f" ELSE {_quote(str(els))}" if els is not None else ""
            return "CASE " + " ".join(whens) + tail + " END"
        if t == "tier" and p.get("tiers"):
            base = self._base(view, f, alias)
            tiers = [x for x in (p.get("tiers") or []) if re.fullmatch(_NUM, str(x))]
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
            return f"CASE WHEN {_paren(base)} THEN 'Yes' ELSE 'No' END"
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
                    )
                    continue
                tv, ta = res
            else:
                tv, ta, fn = view.name, alias, ref
            target = self.project.views.get(tv)
            tf = target.fields.get(fn) if target else None
            if target is None or tf is None:
                self._problem(
                    "unresolved", f"filter field {ref} of measure {f.name} does not exist", view.name, f.name
                )
                continue
            sql = self._ref(target, tf, ta)
            out.append(self.ctx.filter_compiler.condition(tf, sql, expr))
        return out

    # -- parameters
    def _parameter_value(self, view: View | None, name: str) -> str | None:
        """The SQL value of a parameter (quoted for string parameters), or None."""
        vname, pname = name.split(".", 1) if "." in name else (view.name if view else "", name)
        res = self.resolve_alias(vname) if vname else None
        target = self.project.views.get(res[0]) if res else None
        pf = target.fields.get(pname) if target else None
        value = self.ctx.parameters.get(f"{vname}.{pname}", self.ctx.parameters.get(pname))
        if value is None and pf is not None:
            dv = pf.props.get("default_value")
            if dv is not None:
                value = str(dv)
            else:
                for av in pf.props.get("allowed_values", []) or []:
                    if isinstance(av, dict) and "value" in av:
                        value = str(av["value"])
                        break
        if value is None:
            return None
        ptype = pf.type if pf is not None else "string"
        if ptype == "unquoted" or ptype in ("number", "yesno"):
            return value
        if ptype.startswith("date"):
            return f"TIMESTAMP {_quote(value.replace('/', '-'))}"
        return _quote(value)

    # -- Liquid
    def _filter_field(self, view: View | None, name: str) -> tuple[Field | None, str]:
        if "." in name:
            vn, fn = name.split(".", 1)
            res = self.resolve_alias(vn)
            target = self.project.views.get(res[0]) if res else None
            return (target.fields.get(fn) if target else None), f"{res[1] if res else vn}.{fn}"
        f = view.fields.get(name) if view else None
        return f, f"{view.name if view else ''}.{name}"

    def _filter_value(self, view: View | None, name: str) -> tuple[Field | None, str | None]:
        f, key = self._filter_field(view, name)
        val = self.ctx.filters.get(key)
        if val is None and view is not None and "." not in name:
            val = self.ctx.filters.get(name)
        if val is None and f is not None:
            val = self.ctx.filters.get(f.ref)
        return f, val

    def liquid(self, text: str, view: View | None, alias: str | None) -> str:
        if "{%" not in text and "{{" not in text:
            return text
        tokens: list[tuple[str, str]] = []
        pos = 0
        for m in _LIQUID_RE.finditer(text):
            if m.start() > pos:
                tokens.append(("text", text[pos : m.start()]))
            if m.group(1) is not None:
                tokens.append(("tag", m.group(1).strip()))
            else:
                tokens.append(("out", (m.group(2) or "").strip()))
            pos = m.end()
        if pos < len(text):
            tokens.append(("text", text[pos:]))
        out, _ = self._render_tokens(tokens, 0, view, alias, stop=())
        return out

    def _render_tokens(
        self,
        tokens: list[tuple[str, str]],
        i: int,
        view: View | None,
        alias: str | None,
        stop: tuple[str, ...],
    ) -> tuple[str, int]:
        out: list[str] = []
        while i < len(tokens):
            kind, val = tokens[i]
            if kind == "text":
                out.append(val)
                i += 1
                continue
            if kind == "out":
                out.append(self._liquid_output(val, view))
                i += 1
                continue
            word = val.split(None, 1)[0] if val else ""
            arg = val[len(word) :].strip()
            if word in stop:
                return "".join(out), i
            if word == "condition":
                body, j = self._render_tokens(tokens, i + 1, view, alias, ("endcondition",))
                f, fv = self._filter_value(view, arg)
                out.append(self.ctx.filter_compiler.condition(f, body.strip(), fv) if fv else "1=1")
                i = j + 1
            elif word in ("date_start", "date_end"):
                _, fv = self._filter_value(view, arg)
                if fv:
                    start, end = self.ctx.filter_compiler.date_bounds(fv)
                    b = start if word == "date_start" else end
                    out.append(b if b is not None else NULL)
                else:
                    out.append(NULL)
                i += 1
            elif word == "parameter":
                out.append(self._parameter_value(view, arg) or NULL)
                i += 1
            elif word in ("if", "unless"):
                branches: list[tuple[str | None, str]] = []
                cond: str | None = arg
                j = i + 1
                while True:
                    body, j = self._render_tokens(
                        tokens, j, view, alias, ("elsif", "else", "endif", "endunless")
                    )
                    branches.append((cond, body))
                    if j >= len(tokens):
                        self._problem(
                            "liquid", f"{{% {word} %}} is never closed", view.name if view else None, None
                        )
                        break
                    tw = tokens[j][1].split(None, 1)
                    if tw[0] in ("endif", "endunless"):
                        break
                    cond = tw[1] if tw[0] == "elsif" and len(tw) > 1 else None
                    j += 1
                chosen = ""
                for c, body in branches:
                    if c is None:
                        chosen = body
                        break
                    ok = self._liquid_bool(c, view)
                    if word == "unless" and c is arg:
                        ok = not ok
                    if ok:
                        chosen = body
                        break
                out.append(chosen)
                i = j + 1
            elif word == "comment":
                _, j = self._render_tokens(tokens, i + 1, view, alias, ("endcomment",))
                i = j + 1
            elif word in ("assign", "capture", "endcapture", "raw", "endraw"):
                i += 1
            else:
                self._problem(
                    "liquid", f"unsupported Liquid tag {{% {word} %}}", view.name if view else None, None
                )
                i += 1
        if stop:
            self._problem("liquid", f"missing {{% {stop[0]} %}}", view.name if view else None, None)
        return "".join(out), i

    def _liquid_value(self, expr: str, view: View | None) -> object:
        e = expr.split("|", 1)[0].strip()
        if (e.startswith("'") and e.endswith("'")) or (e.startswith('"') and e.endswith('"')):
            return e[1:-1]
        if re.fullmatch(_NUM, e):
            return float(e)
        if e in ("true", "false"):
            return e == "true"
        m = re.fullmatch(r"_user_attributes\[['\"](.+?)['\"]\]", e)
        if m:
            return self.ctx.user_attributes.get(m.group(1), "")
        m = re.fullmatch(r"_filters\[['\"](.+?)['\"]\]", e)
        if m:
            return self.ctx.filters.get(m.group(1), "")
        if e in ("_model._name",):
            return self.ctx.model or (self.explore.model if self.explore else "")
        if e in ("_explore._name",):
            return self.ctx.explore or (self.explore.name if self.explore else "")
        if e in ("_view._name",):
            return view.name if view else ""
        m = re.fullmatch(
            r"([\w.]+?)\.(_in_query|_is_filtered|_is_selected|_parameter_value|_value|_name|_sql)", e
        )
        if m:
            name, prop = m.group(1), m.group(2)
            f, key = self._filter_field(view, name)
            if prop in ("_in_query", "_is_selected"):
                return key in self.ctx.in_query or (f is not None and f.ref in self.ctx.in_query)
            if prop == "_is_filtered":
                return self._filter_value(view, name)[1] is not None
            if prop == "_parameter_value":
                return self._parameter_value(view, name) or ""
            if prop == "_name":
                return key
            if prop == "_sql" and f is not None:
                return self.substitute("${" + name + "._sql}", view, view.name if view else None)
            return ""
        return ""

    def _liquid_output(self, expr: str, view: View | None) -> str:
        v = self._liquid_value(expr, view)
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, float):
            return str(int(v)) if v.is_integer() else str(v)
        return str(v)

    def _liquid_bool(self, cond: str, view: View | None) -> bool:
        for disj in re.split(r"\s+or\s+", cond):
            if all(self._liquid_atom(a, view) for a in re.split(r"\s+and\s+", disj)):
                return True
        return False

    def _liquid_atom(self, atom: str, view: View | None) -> bool:
        m = re.fullmatch(r"(.+?)\s*(==|!=|<>|>=|<=|>|<|contains)\s*(.+)", atom.strip())
        if not m:
            v = self._liquid_value(atom, view)
            return bool(v) and v != ""
        a, op, b = self._liquid_value(m.group(1), view), m.group(2), self._liquid_value(m.group(3), view)
        if op == "contains":
            return str(b) in str(a)
        if op == "==":
            return str(a) == str(b)
        if op in ("!=", "<>"):
            return str(a) != str(b)
        try:
            fa, fb = float(str(a)), float(str(b))
        except ValueError:
            return False
        return {">": fa > fb, "<": fa < fb, ">=": fa >= fb, "<=": fa <= fb}[op]

    # -- explore queries
    def _split_ref(self, ref: str) -> tuple[View, Field, str] | None:
        if "." not in ref:
            return None
        a, fn = ref.split(".", 1)
        res = self.resolve_alias(a)
        if res is None:
            return None
        view = self.project.views.get(res[0])
        f = view.fields.get(fn) if view else None
        if view is None or f is None:
            return None
        return view, f, res[1]

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
        base_view = self.project.views.get(exp.view_name)
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
        if exp.sql_always_where:
            where.append(_paren(self.render(exp.sql_always_where, None, None, "sql_always_where")))
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

    def filter_sql(self, view: View, f: Field, alias: str) -> str:
        """The SQL a filter on ``f`` compares: a date timeframe is filtered on its raw timestamp."""
        if (
            f.kind == "dimension_group"
            and f.type != "duration"
            and f.timeframe not in _NUMBER_TIMEFRAMES
            and f.timeframe not in ("day_of_week", "month_name", "time_of_day")
        ):
            self.used_aliases.add(alias)
            raw = self._guard(view, f, alias, "base", lambda: self._base(view, f, alias))
            return _raw_for_datatype(raw, str(f.props.get("datatype", "timestamp")))
        return self.ref_sql(view.name, f.name, alias)

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
            view = self.project.views.get(j.view_name)
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
        from looker_ops.lookml.model import Join

        assert isinstance(j, Join)
        if j.sql_on:
            return self.render(j.sql_on, None, None, f"join:{j.name}")
        if j.foreign_key:
            view = self.project.views.get(j.view_name)
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
    return (m.group(1) for m in _REF_RE.finditer(text or ""))
