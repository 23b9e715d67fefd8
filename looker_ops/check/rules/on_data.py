"""SQL on the embedded engine (``check --sql``): every field runs, every key is unique on data.

For each explore, the SQL of its dimensions and measures is compiled as Looker would (references
substituted, Liquid rendered with the explore's required date filters opened to all the data)
and run on the embedded engine (DuckDB over CloudTrail files) in batches of many fields; a
failing batch is split in halves down to the failing field, which is reported with its file,
line and the engine's message (``SQL001``). Every declared primary key is checked for uniqueness
on the data: COUNT(*) against COUNT(DISTINCT key) (``SQL002``). Files the engine cannot load are
reported (``SQL003``), and every dashboard tile's query is compiled and run (``SQL004``).
Each batch that runs is also planned once more under ``LIMIT 0`` with every field's own
expression selected, and the result types the engine reports are compared with the declared
types (``SQL005``): a ``type: number`` dimension or measure must be numeric, a ``yesno`` condition
boolean, a ``time`` dimension group (or ``type: date`` dimension) a timestamp or date (a number
for ``datatype: epoch``). Nothing is read, so this costs one planned query per batch; it runs on
the embedded engine only (``--athena`` reports no types under its cost guard).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import compiled_table, exposed_fields, parse_athena, tables_in
from looker_ops.check.rules.partitions import is_date_field
from looker_ops.findings import Severity
from looker_ops.lookml.deep import TOO_DEEP, TooDeep, call_deep
from looker_ops.lookml.model import Explore, Field, View
from looker_ops.lookml.schema import table_for
from looker_ops.lookml.sql import LiquidContext, SqlCompiler

FIELD_FAILS = rule(
    "SQL001",
    Severity.ERROR,
    "field SQL fails on the engine",
    "engine",
    "Compiled as Looker would and run on the embedded engine over the sample (or --data) logs, the field's SQL fails; the message is the engine's.",
    "dimension: port { type: number sql: CAST(${TABLE}.requestparameters AS INTEGER) ;; }",
    "dimension: port { type: number sql: TRY_CAST(json_extract_scalar(${TABLE}.requestparameters, '$.fromPort') AS INTEGER) ;; }",
)
PK_NOT_UNIQUE = rule(
    "SQL002",
    Severity.ERROR,
    "primary key not unique on the data",
    "engine",
    "COUNT(*) differs from COUNT(DISTINCT primary key) (or the key is NULL on some rows) on the data.",
    "dimension: request_id { primary_key: yes sql: ${TABLE}.requestid ;; }   # repeats across events",
    "dimension: event_id { primary_key: yes sql: ${TABLE}.eventid ;; }",
)
LOAD_PROBLEM = rule(
    "SQL003",
    Severity.WARNING,
    "log file could not be loaded",
    "engine",
    "A CloudTrail file (or record) in the data folder the engine could not read; the rest was checked.",
    "a truncated .json.gz in --data",
    "the file re-copied from S3",
)
TILE_FAILS = rule(
    "SQL004",
    Severity.ERROR,
    "dashboard tile query fails on the engine",
    "engine",
    "The query of a dashboard element, with its filters and the dashboard filters' defaults, does not run.",
    "- name: t\n  fields: [logs.event_date, logs.events]\n  filters: {logs.error_family: 'throttle%'}   # a bad field SQL",
    "the field's SQL fixed so the tile's query runs",
)

TYPE_MISMATCH = rule(
    "SQL005",
    Severity.ERROR,
    "field SQL type does not match its declared type",
    "engine",
    "The engine's result type of the field's own SQL contradicts its LookML type: `type: number` "
    "(dimension or measure) over text, `type: yesno` over anything but a boolean condition, a "
    "`type: time` dimension group (or `type: date` dimension) over text or numbers (numbers are "
    "right for `datatype: epoch`). The engine may run it, but Athena rejects the comparisons, "
    "CASE WHEN and date functions Looker wraps around it.",
    "dimension: bytes { type: number sql: ${TABLE}.eventversion ;; }   # a string column\n"
    "dimension: is_error { type: yesno sql: length(${TABLE}.errorcode) ;; }\n"
    "dimension_group: event { type: time sql: ${TABLE}.eventtime ;; }   # ISO 8601 text",
    "dimension: version { type: number sql: TRY_CAST(${TABLE}.eventversion AS DOUBLE) ;; }\n"
    "dimension: is_error { type: yesno sql: ${TABLE}.errorcode IS NOT NULL ;; }\n"
    "dimension_group: event { type: time sql: from_iso8601_timestamp(${TABLE}.eventtime) ;; }",
)

OPEN_WINDOW = "2000/01/01 to 2100/01/01"

_NUMERIC_TYPE = re.compile(
    r"(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT"
    r"|FLOAT|REAL|DOUBLE|DECIMAL(\(.*\))?|NUMERIC(\(.*\))?)"
)


def type_kind(engine_type: str) -> str:
    """The engine's result type (DuckDB's name) as number, string, boolean, time, null or other."""
    t = engine_type.strip().upper()
    if t in ("NULL", '"NULL"'):
        return "null"
    if t == "BOOLEAN":
        return "boolean"
    if t == "DATE" or t.startswith("TIMESTAMP"):
        return "time"
    if _NUMERIC_TYPE.fullmatch(t):
        return "number"
    if t.startswith("VARCHAR"):
        return "string"
    return "other"


def _expected(f: Field) -> tuple[frozenset[str], str] | None:
    """The result kinds a field's own SQL may have, and how to say it; None: not checked."""
    ok_number = frozenset(["number", "null"])
    if f.kind == "measure":
        return (ok_number, "a number") if f.type == "number" else None
    if f.kind == "dimension":
        if f.type == "number":
            return ok_number, "a number"
        if f.type == "yesno":
            return frozenset(["boolean", "null"]), "a boolean condition"
        if f.type == "date":
            return frozenset(["time", "null"]), "a timestamp or date"
        return None
    if f.kind == "dimension_group" and f.type == "time":
        datatype = str(f.props.get("datatype", "timestamp")).lower()
        if datatype == "epoch":
            return ok_number, "a number (datatype: epoch)"
        if datatype == "yyyymmdd":
            return frozenset(["number", "string", "null"]), "a yyyymmdd number or text"
        if datatype == "date":
            return frozenset(["time", "string", "null"]), "a date"
        return frozenset(["time", "null"]), "a timestamp or date"
    return None


def _engine_tables(ctx: CheckContext) -> dict[str, str]:
    names: dict[str, str] = {}
    for view in ctx.project.views.values():
        cands = []
        if view.sql_table_name:
            cands.append(view.sql_table_name)
        elif view.derived_table and "sql" in view.derived_table:
            t = compiled_table(ctx, view).sql.strip()
            tree = parse_athena(t[1:-1] if t.startswith("(") and t.endswith(")") else t)
            if tree is not None:
                cands.extend(tables_in(tree))
        for c in cands:
            schema = table_for(c)
            if schema is not None:
                names[c.strip()] = schema.name
    return names


def _open_filters(ctx: CheckContext, e: Explore) -> dict[str, str]:
    """The explore's required filters, date ones opened to all the data."""
    out: dict[str, str] = {}
    aliases = e.aliases()
    for ref, value in {**e.always_filter, **e.conditionally_filter}.items():
        alias, _, name = ref.partition(".")
        v = ctx.project.views.get(aliases.get(alias, ""))
        f = v.fields.get(name) if v else None
        out[ref] = OPEN_WINDOW if is_date_field(f) else value
    return out


class _Runner:
    def __init__(self, ctx: CheckContext, engine: object) -> None:
        self.ctx = ctx
        self.engine = engine
        self.queries = 0
        # result types are only known on an engine that reads data (the embedded one)
        self.check_types = bool(getattr(engine, "reads_data", True))
        self.type_plans = 0  # SQL005's LIMIT 0 queries, counted apart from the field/tile queries

    def run(self, sql: str) -> str | None:
        from looker_ops.engines.local import EngineError

        self.queries += 1
        try:
            call_deep(lambda: self.engine.query(sql))  # type: ignore[attr-defined]
        except TooDeep:
            return TOO_DEEP
        except EngineError as exc:
            return str(exc.message if hasattr(exc, "message") else exc)
        return None

    def explore(self, e: Explore) -> None:
        p = self.ctx.project
        filters = _open_filters(self.ctx, e)
        where = f"model:{e.model}/explore:{e.name}"
        base = SqlCompiler(p, e, LiquidContext()).select([], filters=filters)
        err = self.run(base)
        if err is not None:
            self.ctx.report(
                FIELD_FAILS, f"explore {e.name}: its base query fails: {err}", e.file, e.line, where
            )
            return
        by_alias: dict[str, list[tuple[str, View, Field]]] = {}
        for ref, (view, f, alias) in exposed_fields(p, e).items():
            if f.kind in ("filter", "parameter"):
                continue
            by_alias.setdefault(alias, []).append((ref, view, f))
        for alias, items in by_alias.items():
            if alias != e.name:
                j = e.join(alias)
                first = items[0][0]
                err = self.run(
                    SqlCompiler(p, e, LiquidContext()).select([first], filters=filters, probe=True)
                )
                if err is not None and j is not None:
                    # one field of the join may be the problem: check a second one before blaming the join
                    other = items[1][0] if len(items) > 1 else None
                    err2 = (
                        self.run(
                            SqlCompiler(p, e, LiquidContext()).select([other], filters=filters, probe=True)
                        )
                        if other
                        else err
                    )
                    if err2 is not None:
                        self.ctx.report(
                            FIELD_FAILS,
                            f"explore {e.name}: join {alias} fails: {err2}",
                            j.file,
                            j.line,
                            f"{where}/join:{alias}",
                        )
                        continue
            size = max(1, self.ctx.options.batch_size)
            for i in range(0, len(items), size):
                self.batch(e, items[i : i + size], filters)

    def batch(self, e: Explore, items: Sequence[tuple[str, View, Field]], filters: dict[str, str]) -> None:
        sql = SqlCompiler(self.ctx.project, e, LiquidContext()).select(
            [r for r, _, _ in items], filters=filters, probe=True
        )
        err = self.run(sql)
        if err is None:
            if self.check_types:
                self.types(e, items, filters)
            return
        if len(items) == 1:
            _ref, view, f = items[0]
            kind = "dimension_group" if f.group else f.kind
            deep = err == TOO_DEEP  # the engine may well run it: the checker cannot tell
            self.ctx.report(
                FIELD_FAILS,
                f"{kind} {view.name}.{f.name}: {err}"
                if deep
                else f"{kind} {view.name}.{f.name} fails on the engine (explore {e.name}): {err}",
                f.file,
                f.line,
                f"view:{view.name}/{kind}:{f.group or f.name}",
                severity=Severity.INFO if deep else None,
            )
            return
        mid = len(items) // 2
        self.batch(e, items[:mid], filters)
        self.batch(e, items[mid:], filters)

    def types(self, e: Explore, items: Sequence[tuple[str, View, Field]], filters: dict[str, str]) -> None:
        """SQL005: plan the fields' own expressions under LIMIT 0 and compare the result types."""
        from looker_ops.engines.local import EngineError

        p = self.ctx.project
        base_view = p.views.get(e.view_name)
        if base_view is None:
            return
        comp = SqlCompiler(p, e, LiquidContext())
        comp.select([r for r, _, _ in items], filters=filters, probe=True)  # marks the joins needed
        checks: list[tuple[View, Field, frozenset[str], str]] = []
        exprs: list[str] = []
        groups: set[tuple[str, str]] = set()
        for ref, view, f in items:
            want = _expected(f)
            if want is None:
                continue
            alias = ref.rsplit(".", 1)[0]
            if f.group is not None:
                if (alias, f.group) in groups:
                    continue
                groups.add((alias, f.group))
                text = f.sql if f.sql is not None else "${TABLE}." + f.group
                expr = comp.render(text, view, alias, f.name)
            elif f.kind == "dimension" and f.type == "yesno":
                expr = comp.ref_sql(view.name, f.name, alias)
            else:
                expr = comp.field_sql(view.name, f.name, alias)
            if not expr.strip() or expr.strip() == "NULL":
                continue
            if f.kind != "measure":
                expr = f"arbitrary({expr})"  # every column an aggregate: no GROUP BY, same type
            exprs.append(f'{expr} AS "c{len(exprs)}"')
            checks.append((view, f, *want))
        if not exprs or comp.problems:
            return
        sql = "SELECT\n  " + ",\n  ".join(exprs) + f"\nFROM {comp.from_clause(base_view, e.name)}"
        for j in comp._joins_sql():
            sql += "\n" + j
        sql += "\nLIMIT 0"
        self.type_plans += 1
        try:
            res = self.engine.query(sql)  # type: ignore[attr-defined]
        except EngineError:
            return  # the probe ran; a planning quirk here is not the field's fault
        types = list(getattr(res, "types", []) or [])
        if len(types) != len(checks):
            return
        for (view, f, ok, said), etype in zip(checks, types, strict=True):
            kind = type_kind(etype)
            if kind in ok:
                continue
            what = "dimension_group" if f.group else f.kind
            name = f.group or f.name
            file, line = f.origin("sql", "type")
            self.ctx.report(
                TYPE_MISMATCH,
                f"{what} {view.name}.{name} is type: {f.type} but its SQL gives {etype} on the engine "
                f"(explore {e.name}); expected {said}",
                file,
                line,
                f"view:{view.name}/{what}:{name}",
            )

    def primary_keys(self) -> None:
        p = self.ctx.project
        for view in p.views.values():
            pk = view.primary_key()
            if pk is None or view.extension_required or (not view.sql_table_name and not view.derived_table):
                continue
            comp = SqlCompiler(p)
            table = comp.table_sql(view)
            key = comp.field_sql(view.name, pk.name, view.name)
            if comp.problems:
                continue
            sql = f"SELECT COUNT(*) AS n, COUNT(DISTINCT {key}) AS d, COUNT({key}) AS nn FROM {table} AS {view.name}"
            from looker_ops.engines.local import EngineError

            try:
                res = self.engine.query(sql)  # type: ignore[attr-defined]
            except EngineError:
                continue  # the field check reports failing SQL
            n, d, nn = res.rows[0]
            if n != d or nn != n:
                detail = f"{n} rows, {d} distinct values" + (f", {n - nn} NULL" if nn != n else "")
                if d < nn:  # some value is on several rows: name them
                    detail += self._repeated_keys(key, table, view.name)
                self.ctx.report(
                    PK_NOT_UNIQUE,
                    f"view {view.name}: primary key {pk.name} is not unique on the data ({detail})",
                    *pk.origin("primary_key", "sql"),
                    f"view:{view.name}/dimension:{pk.name}",
                )

    def _repeated_keys(self, key: str, table: str, alias: str) -> str:
        """``; repeated: a (2), b (3)`` for up to five key values found on several rows."""
        sql = (
            f"SELECT {key} AS k, COUNT(*) AS n FROM {table} AS {alias} WHERE {key} IS NOT NULL "
            "GROUP BY 1 HAVING COUNT(*) > 1 ORDER BY 2 DESC, 1 LIMIT 5"
        )
        try:
            rows = self.engine.query(sql).rows  # type: ignore[attr-defined]
        except Exception:  # the count above ran; a failure here only loses the examples
            return ""
        return "; repeated: " + ", ".join(f"{k} ({n})" for k, n in rows) if rows else ""

    def tiles(self) -> None:
        """SQL004: every dashboard tile's query (:func:`~looker_ops.lookml.query.tile_query`, the
        dashboard filters at their defaults) compiled by ``compile_query`` and run, with every
        date window opened to all the data so each row goes through the SQL. Fields the
        explore does not expose and custom fields are left out (the reference rules report
        them); a tile without a query is skipped."""
        from looker_ops.lookml.query import QueryError, compile_query, tile_query

        p = self.ctx.project
        for d in p.dashboards:
            for el in d.elements:
                e = p.explore(el.model, el.explore) if el.model and el.explore else None
                if e is None:
                    continue  # no query, or REF006
                if p.unparsed and any(
                    p.view_for(e.model, v) is None and self.ctx.may_be_in_dependency(v, [e.model])
                    for v in sorted(set(e.aliases().values()))
                ):
                    continue  # a view it joins is in a file that does not parse (LKM009)
                try:
                    spec = tile_query(d, el, lenient=True)
                except QueryError:
                    continue  # a text or merged-results tile: nothing the engine can run
                exposed = exposed_fields(p, e)
                spec.fields = [f for f in spec.fields if f in exposed]
                if not spec.fields:
                    continue
                spec.sorts = [s for s in spec.sorts if (s.split() or [""])[0] in spec.fields]
                spec.pivots = [f for f in spec.pivots if f in spec.fields]
                spec.limit = spec.limit or None  # `limit: 0`: Looker's default row limit
                spec.filters = {
                    k: OPEN_WINDOW if is_date_field(exposed[k][1]) else v
                    for k, v in spec.filters.items()
                    if k in exposed
                }
                for k, v in _open_filters(self.ctx, e).items():
                    spec.filters.setdefault(k, v)
                try:
                    sql = compile_query(p, spec).sql
                except QueryError as exc:  # a bad filter expression, etc.
                    err: str | None = exc.message
                else:
                    err = self.run(sql)
                if err is not None:
                    self.ctx.report(
                        TILE_FAILS,
                        f"dashboard {d.name}: tile {el.name} query fails: {err}",
                        d.file,
                        el.line,
                        f"dashboard:{d.name}/element:{el.name}",
                    )


def make_engine(ctx: CheckContext) -> object:
    if ctx.options.athena is not None:
        from looker_ops.athena.check import AthenaCheckEngine

        return AthenaCheckEngine(ctx.options.athena)
    from looker_ops.engines.local import LocalEngine

    data: Path | None = ctx.options.data_dir
    engine = LocalEngine(data, table_names=_engine_tables(ctx) or None)
    engine.load_all()  # every window is opened to all the data: load it now, report its problems
    return engine


def check(ctx: CheckContext) -> None:
    if not ctx.options.sql:
        return
    engine = make_engine(ctx)
    try:
        for prob in getattr(engine, "problems", []):
            # the log file is outside the project: named by its absolute path (shown relative
            # to the current folder when it is under it)
            ctx.report(LOAD_PROBLEM, f"{prob.message}", str(Path(prob.file).resolve()), None, "data")
        runner = _Runner(ctx, engine)
        for e in ctx.project.explores.values():
            if not e.extension_required and e.view_name in ctx.project.views:
                runner.explore(e)
        if getattr(engine, "reads_data", True):
            runner.primary_keys()
        else:
            ctx.notes.append(
                "primary keys not checked on data: Athena queries run under LIMIT 0 and read nothing"
            )
        runner.tiles()
        summary = getattr(engine, "summary", None)
        ctx.notes.append(
            summary()
            if callable(summary)
            else f"sql: {runner.queries} queries on the embedded engine"
            + (f" (+{runner.type_plans} LIMIT 0 type checks)" if runner.type_plans else "")
        )
    finally:
        close = getattr(engine, "close", None)
        if close is not None:
            close()
