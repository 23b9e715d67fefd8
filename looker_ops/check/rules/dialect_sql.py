"""SQL in the dialect of the model's connection (``--dialect``, ``check.dialect``, ``check.connections``).

Under a dialect other than Athena (whose SQL the Athena rules check), the SQL of every field,
derived table, ``sql_on`` and ``sql_always_where`` is parsed offline by sqlglot in that dialect,
after references and Liquid are substituted (Liquid with no filter values). A text sqlglot cannot
parse is a warning, not an error: sqlglot does not know every construct of every database.
"""

from __future__ import annotations

import sqlglot
from sqlglot.errors import SqlglotError

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import compiled_table, field_memo, lone_semicolon_hint
from looker_ops.findings import Severity
from looker_ops.lookml.model import Explore, View
from looker_ops.lookml.sql import SqlCompiler

F = "dialect"
UNPARSABLE = rule(
    "SQL006",
    Severity.WARNING,
    "SQL does not parse in the connection's dialect",
    F,
    "The SQL of a field, derived table, `sql_on` or `sql_always_where` that sqlglot cannot parse in the "
    "dialect of the model's connection (`--dialect bigquery`, or `check.connections` in looker-ops.yaml).",
    "dimension: day { sql: DATE_TRUNC(${TABLE}.created_at DAY ;; }   # a parenthesis is missing",
    "dimension: day { sql: DATE_TRUNC(${TABLE}.created_at, DAY) ;; }",
)


def _error(sql: str, dialect: str) -> str | None:
    """sqlglot's first complaint about ``sql`` in ``dialect``, or None when it parses."""
    try:
        sqlglot.parse(sql, read=dialect)
    except SqlglotError as exc:
        text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return text[:200]
    except (ValueError, KeyError, RecursionError):  # sqlglot's own limits: not the user's error
        return None
    return None


def view_dialect(ctx: CheckContext, view: View) -> str:
    """The dialect of the model a view belongs to (its own, else the first model including it)."""
    p = ctx.project
    if view.model is not None and view.model in p.models:
        return ctx.options.dialect_of(p.models[view.model].connection)
    for name in p.models_of_file(view.file):
        return ctx.options.dialect_of(p.models[name].connection)
    return ctx.options.dialect


def _check_view(ctx: CheckContext, view: View, dialect: str) -> None:
    where = f"view:{view.name}"
    if view.derived_table is not None and "sql" in view.derived_table:
        t = compiled_table(ctx, view).sql.strip()
        inner = t[1:-1] if t.startswith("(") and t.endswith(")") else t
        err = _error(inner, dialect)
        if err:
            err += lone_semicolon_hint(view.derived_table.get("sql"))
            dt = view.derived_table
            line = int((dt.get("_lines") or {}).get("sql", dt.get("_line", view.line)))
            ctx.report(UNPARSABLE, f"derived table of {view.name} ({dialect}): {err}", view.file, line, where)
    comp = SqlCompiler(ctx.project, model=view.model, memo=field_memo(ctx))
    seen: set[str] = set()
    for f in view.fields.values():
        key = f.group or f.name
        if f.sql is None or key in seen:
            continue
        seen.add(key)
        text = comp.render(f.sql, view, view.name, f.name).strip()
        if not text:
            continue
        err = _error(f"SELECT {text} AS x FROM t", dialect)
        if err:
            err += lone_semicolon_hint(f.sql)
            file, line = f.origin("sql")
            ctx.report(
                UNPARSABLE,
                f"sql of {f.kind} {key} ({dialect}): {err}",
                file,
                f.line_of("sql") if file == f.file else line,
                f"{where}/{f.kind}:{key}",
            )


def _check_explore(ctx: CheckContext, e: Explore, dialect: str) -> None:
    comp = SqlCompiler(ctx.project, e)
    where = f"model:{e.model}/explore:{e.name}"
    texts = [(e.sql_always_where, "sql_always_where", e.file, e.line_of("sql_always_where"), where)]
    texts += [
        (j.sql_on, f"sql_on of join {j.name}", j.file, j.line, f"{where}/join:{j.name}") for j in e.joins
    ]
    for text, what, file, line, at in texts:
        if not text:
            continue
        sql = comp.render(text, None, None, what).strip()
        err = _error(f"SELECT 1 FROM a WHERE {sql}", dialect)
        if err:
            err += lone_semicolon_hint(text)
            ctx.report(UNPARSABLE, f"explore {e.name}: {what} ({dialect}): {err}", file, line, at)


def check(ctx: CheckContext) -> None:
    p = ctx.project
    for view in ctx.views():
        dialect = view_dialect(ctx, view)
        if dialect != "athena" and not view.extension_required and not view.partial:
            _check_view(ctx, view, dialect)
    for e in ctx.explores():
        m = p.models.get(e.model)
        dialect = ctx.options.dialect_of(m.connection if m else None)
        if dialect != "athena" and not e.extension_required and not e.partial:
            _check_explore(ctx, e, dialect)
