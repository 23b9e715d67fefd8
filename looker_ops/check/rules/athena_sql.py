"""Athena rule 4: the SQL of every field, derived table and explore condition is Athena SQL.

- ``ATH401``: a column that holds JSON *text* (CloudTrail's requestparameters, responseelements,
  additionaleventdata, serviceeventdetails...) reached with struct syntax (``${TABLE}.requestparameters.groupid``
  or ``['groupid']``). Athena fails or returns NULL; read it with ``json_extract_scalar``. Which columns hold
  JSON text comes from ``looker_ops.lookml.schema`` only.
- ``ATH402``: a function Athena does not have (IFNULL, DATEADD, NVL, LEN...), with the Athena equivalent.
- ``ATH403``: SQL that sqlglot cannot parse in the Athena dialect, with sqlglot's message (and a
  hint when a single ``;`` where LookML wants ``;;`` let the sql run on into the next parameter).
- ``ATH404``: a JSON function (``json_extract_scalar``, ``json_extract``, ``json_parse``,
  ``json_format``, ``json_size``, ``json_array_length``...) applied directly to a column the table's
  schema types as a struct, array or map (CloudTrail's ``useridentity``, ``resources``...). Athena
  rejects it ("Unexpected parameters"), although DuckDB accepts it, so ``--sql`` does not catch it:
  read the struct's fields (``${TABLE}.useridentity.type``) or cast it first (``CAST(x AS JSON)``).
SQL is checked as Looker would send it: references substituted, Liquid rendered with no filter values.
"""

from __future__ import annotations

import hashlib
import re

import sqlglot
from sqlglot.dialects.athena import Athena
from sqlglot.errors import SqlglotError

from looker_ops.check.rules.athena_functions import ATHENA_FUNCTIONS, NOT_ATHENA_HINTS, NOT_FUNCTIONS
from looker_ops.check.rules.base import MISFITS_KEPT, CheckContext, rule
from looker_ops.check.rules.common import compiled_field, compiled_table, lone_semicolon_hint, view_schema
from looker_ops.findings import Severity
from looker_ops.lookml.cache import ResultCache
from looker_ops.lookml.deep import TOO_DEEP, TooDeep, call_deep
from looker_ops.lookml.model import Field, View
from looker_ops.lookml.schema import Array, Map, SqlType, Struct, TableSchema
from looker_ops.lookml.sql import SqlCompiler

JSON_STRUCT = rule(
    "ATH401",
    Severity.ERROR,
    "JSON text column read with struct syntax",
    "athena_sql",
    "A column holding JSON text (schema: json_text) is a STRING on Athena: `.x` / `['x']` fails or is NULL. Use json_extract_scalar.",
    "dimension: group_id { sql: ${TABLE}.requestparameters.groupid ;; }",
    "dimension: group_id { sql: json_extract_scalar(${TABLE}.requestparameters, '$.groupId') ;; }",
)
UNKNOWN_FUNCTION = rule(
    "ATH402",
    Severity.ERROR,
    "function Athena does not have",
    "athena_sql",
    "A function call that is not in Athena's (Trino's) function list.",
    "dimension: who { sql: IFNULL(${TABLE}.useridentity.username, 'root') ;; }",
    "dimension: who { sql: COALESCE(${TABLE}.useridentity.username, 'root') ;; }",
)
UNPARSABLE = rule(
    "ATH403",
    Severity.ERROR,
    "SQL is not valid Athena SQL",
    "athena_sql",
    "sqlglot cannot parse the compiled SQL in the Athena dialect. When the SQL runs on past a "
    "single ';' into the next LookML parameter (LookML ends sql with ';;'), the message says so; "
    "a function called with other arguments than Athena's (BigQuery's two-argument DATE_ADD) is "
    "named, with Athena's arguments where the message knows them.",
    "dimension: x { sql: CASE WHEN ${TABLE}.a = 1 THEN 'one' ;; }   # no END",
    "dimension: x { sql: CASE WHEN ${TABLE}.a = 1 THEN 'one' END ;; }",
)

JSON_ON_STRUCT = rule(
    "ATH404",
    Severity.ERROR,
    "JSON function on a struct, array or map column",
    "athena_sql",
    "A JSON function (json_extract_scalar, json_extract, json_parse, json_format, json_size, "
    "json_array_length, json_array_contains...) takes JSON text or a JSON value; on a column the "
    'table\'s schema types as a struct, array or map, Athena fails with "Unexpected parameters" '
    "(DuckDB accepts it, so --sql does not see it). Read the struct's field, or CAST(x AS JSON) first.",
    "dimension: identity_type { sql: json_extract_scalar(${TABLE}.useridentity, '$.type') ;; }",
    "dimension: identity_type { sql: ${TABLE}.useridentity.type ;; }",
)

_STRING_RE = re.compile(r"'(?:[^']|'')*'")
_CALL_RE = re.compile(r"(?<![\w.\"])([A-Za-z_][A-Za-z0-9_]*)\s*\(")
_SIMPLE_RE = re.compile(r"^[\w.\"]+$")
_AS_END_RE = re.compile(r"\bAS\s*$", re.I)  # searched up to a call: `AS r (a, b)` is no call


def _strip_strings(sql: str) -> str:
    return _STRING_RE.sub("''", sql)


_KEYWORDS = frozenset(k for k in Athena.Tokenizer.KEYWORDS if k.replace("_", "").isalpha())
_SHAPE_RE = re.compile(
    r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?|[A-Za-z_][A-Za-z0-9_$]*(?:\s*\()?|\S"
)
_shape_memo: dict[str, str | None] = {}


def _token_shape(t: str) -> str:
    c = t[0]
    if c == "'":
        return "s"
    if c == '"':
        return "i"
    if c.isdigit():
        return "n"
    if c.isalpha() or c == "_":
        if t.endswith("("):
            return t[:-1].rstrip().lower() + "("
        if t.upper() in _KEYWORDS:
            return t.upper()
        return "i"
    return t


_token_memo: dict[str, str] = {}


def _shape(sql: str) -> str:
    """The SQL's token shape: names and literals abstracted; keywords, operators and function
    names kept. Two texts with one shape parse (or fail) alike, so the parse is done once.
    Each distinct token is shaped once (fields repeat the same names and keywords)."""
    tokens = _SHAPE_RE.findall(sql)
    memo = _token_memo
    for t in tokens:
        if t not in memo:
            if len(memo) > 100_000:
                memo.clear()
            memo[t] = _token_shape(t)
    return " ".join([memo[t] for t in tokens])


def _parse_error_uncached(sql: str) -> str | None:
    try:
        call_deep(lambda: sqlglot.parse(sql, read="athena"))
    except TooDeep:
        return TOO_DEEP
    except SqlglotError as exc:
        msg = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return _plain_message(re.sub(r"\x1b\[[0-9;]*m", "", msg))
    return None


# sqlglot's message for a call that lacks an argument its expression requires
_MISSING_ARG_RE = re.compile(r"Required keyword: '(\w+)' missing for <class '[\w.]*?(\w+)'>")
# Athena's own argument lists of functions other dialects call with fewer arguments
ATHENA_SIGNATURES = {
    "DATE_ADD": "date_add(unit, value, timestamp)",
    "DATE_DIFF": "date_diff(unit, timestamp1, timestamp2)",
    "DATE_TRUNC": "date_trunc(unit, timestamp)",
}


def _plain_message(msg: str) -> str:
    """sqlglot's message in the user's terms: a call that lacks an argument Athena requires
    names the function (and Athena's argument list), not sqlglot's expression class."""
    m = _MISSING_ARG_RE.search(msg)
    if m is None:
        return msg
    cls = getattr(sqlglot.expressions, m.group(2), None)
    name = (
        cls.sql_name() if isinstance(cls, type) and issubclass(cls, sqlglot.expressions.Func) else m.group(2)
    )
    sig = ATHENA_SIGNATURES.get(name)
    told = f"Athena's is {sig}" if sig else "it lacks an argument Athena requires"
    return (
        msg[: m.start()] + f"{name}() is called with other arguments than Athena's ({told})" + msg[m.end() :]
    )


def _parse_error(sql: str, cache: ResultCache | None = None) -> str | None:
    key = hashlib.sha1(sql.encode()).hexdigest() if cache is not None else ""
    if cache is not None and key in cache:
        return cache.get(key)
    shape = _shape(sql)
    if shape in _shape_memo:
        err = _shape_memo[shape]
        if err is not None:
            err = _parse_error_uncached(sql)  # the message names this text's tokens
    else:
        err = _parse_error_uncached(sql)
        _shape_memo[shape] = err
    if cache is not None:
        cache.set(key, err)
    return err


_KNOWN_CALLS = ATHENA_FUNCTIONS | NOT_FUNCTIONS
_known_names: set[str] = set()  # call names as written whose lower case is in _KNOWN_CALLS


def _unknown_functions(sql: str) -> list[str]:
    if "(" not in sql:
        return []  # no call
    out: list[str] = []
    text = _strip_strings(sql) if "'" in sql else sql
    names = _CALL_RE.findall(text)
    if _known_names.issuperset(names):
        return []  # every call is to a known function (the usual case): nothing to look at
    for n in names:
        if n.lower() in _KNOWN_CALLS and len(_known_names) < 100_000:
            _known_names.add(n)
    for m in _CALL_RE.finditer(text):
        name = m.group(1).lower()
        if _AS_END_RE.search(text, 0, m.start()):
            continue  # a table alias with column names: AS r (a, b)
        if name in ATHENA_FUNCTIONS or name in NOT_FUNCTIONS:
            continue
        if name not in out:
            out.append(name)
    return out


def _fn_message(names: list[str]) -> str:
    parts = []
    for n in names:
        hint = NOT_ATHENA_HINTS.get(n)
        parts.append(f"{n.upper()}()" + (f" (use {hint})" if hint else ""))
    return ", ".join(parts)


def json_struct_access(sql: str, json_cols: frozenset[str], alias: str | None) -> list[str]:
    """JSON-text columns reached with ``.x`` or ``['x']`` in ``sql``."""
    if not json_cols:
        return []
    text = _strip_strings(sql) if "[" not in sql else re.sub(r"'(?:[^']|'')*'", "'s'", sql)
    prefix = rf"(?:\b{re.escape(alias)}\.)" if alias else r"(?:\b\w+\.)?"
    rx = re.compile(
        prefix + r"\b(" + "|".join(map(re.escape, sorted(json_cols))) + r")\b\s*(\.\s*[A-Za-z_\"]|\[)", re.I
    )
    return sorted({m.group(1).lower() for m in rx.finditer(text)})


_JSON_CALL_RE = re.compile(
    r"\b((?:is_)?json_[a-z_]+)\s*\(\s*((?:\"[^\"]+\"|[A-Za-z_]\w*)(?:\s*\.\s*(?:\"[^\"]+\"|[A-Za-z_]\w*))*)\s*[,)]",
    re.I,
)


def _path_type(schema: TableSchema, parts: list[str]) -> SqlType | None:
    """The type of ``col.field.field`` in ``schema``, or None when it names no known column."""
    col = schema.column(parts[0])
    if col is None:
        return None
    t: SqlType | None = col.type
    for p in parts[1:]:
        if not isinstance(t, Struct):
            return None
        t = t.field_type(p.lower())
    return t


def json_on_struct(sql: str, schema: TableSchema | None) -> list[tuple[str, str, str]]:
    """(function, column path, kind) for each JSON function called directly on a struct, array
    or map column of ``schema`` in ``sql`` (the column optionally prefixed by a table alias)."""
    if schema is None or "json" not in sql.lower():
        return []
    out: list[tuple[str, str, str]] = []
    for m in _JSON_CALL_RE.finditer(_strip_strings(sql)):
        parts = [p.strip().strip('"') for p in m.group(2).split(".")]
        for start in (0, 1):  # the column itself, or an alias then the column
            if start >= len(parts):
                break
            t = _path_type(schema, parts[start:])
            if t is None:
                continue
            kind = {Struct: "struct", Array: "array", Map: "map"}.get(type(t))
            if kind is not None:
                hit = (m.group(1).lower(), ".".join(parts[start:]).lower(), kind)
                if hit not in out:
                    out.append(hit)
            break
    return out


def _report_json_on_struct(
    ctx: CheckContext, hits: list[tuple[str, str, str]], what: str, file: str, line: int, where: str
) -> None:
    for fn, col, kind in hits:
        instead = {
            "struct": f"read its fields ({col}.<field>)",
            "array": f"use cardinality({col}), element_at or UNNEST",
            "map": f"use element_at({col}, key)",
        }[kind]
        ctx.report(
            JSON_ON_STRUCT,
            f"{what}: {fn}() on {col}, which is {'an' if kind == 'array' else 'a'} {kind} column, "
            f"not JSON text: Athena rejects it ({instead}, or {fn}(CAST({col} AS JSON), ...))",
            file,
            line,
            where,
        )


def _check_sql(
    ctx: CheckContext,
    sql: str,
    wrapped: str,
    file: str,
    line: int,
    where: str,
    what: str,
    raw: object,
) -> None:
    """ATH403 when ``wrapped`` (the compiled ``sql`` in a statement) does not parse, else ATH402
    for functions Athena lacks. ``raw``: the LookML text, read for a lone ``;`` (or a function
    of no argument that gives it, called only then)."""
    if _SIMPLE_RE.match(sql.strip()):
        return
    cache: ResultCache | None = ctx.__dict__.get("_sql_parse_cache")
    err = _parse_error(wrapped, cache)
    if err == TOO_DEEP:  # Athena may well accept it: the checker cannot tell
        ctx.report(UNPARSABLE, f"{what}: {err}", file, line, where, severity=Severity.INFO)
        return
    if err is not None:
        hint = lone_semicolon_hint(raw() if callable(raw) else raw)
        ctx.report(UNPARSABLE, f"{what}: not valid Athena SQL: {err}{hint}", file, line, where)
    else:
        names = _unknown_functions(sql)
        if not names:
            return
        ctx.report(UNKNOWN_FUNCTION, f"{what}: Athena has no {_fn_message(names)}", file, line, where)
    if len(ctx.misfits) < MISFITS_KEPT:
        ctx.misfits.add(wrapped)


_RAW_KEYS = ("sql", "sql_start", "sql_end", "sql_latitude", "sql_longitude")


def _group_firsts(view: View) -> dict[str, Field]:
    """The first field of each dimension group of ``view``, by group name."""
    firsts: dict[str, Field] = {}
    for x in view.fields.values():
        if x.group is not None and x.group not in firsts:
            firsts[x.group] = x
    return firsts


def _field(
    ctx: CheckContext,
    view: View,
    f: Field,
    json_cols: frozenset[str],
    schema: TableSchema | None = None,
    firsts: dict[str, Field] | None = None,
) -> None:
    if f.kind in ("filter",) or (f.kind == "parameter"):
        return
    if f.group is not None and f.timeframe not in ("raw", None) and f.type != "duration":
        # every timeframe shares the group's SQL: check it once, through the raw timeframe
        first = (firsts if firsts is not None else _group_firsts(view)).get(f.group)
        if first is not f:
            return
    c = compiled_field(ctx, view, f)
    if c.sql == "NULL" and c.problems:
        return  # the reference rule reports why
    kind = "dimension_group" if f.group else f.kind
    where = f"view:{view.name}/{kind}:{f.group or f.name}"
    what = f"{kind} {f.group or f.name}"
    props = f.props
    if json_cols:
        hits = set()
        for k in _RAW_KEYS:
            t = str(props.get(k, ""))
            hits.update(json_struct_access(t.replace("${TABLE}", view.name), json_cols, view.name))
        hits.update(json_struct_access(c.sql, json_cols, view.name))
        if hits:
            cols = ", ".join(sorted(hits))
            ctx.report(
                JSON_STRUCT,
                f"{what}: {cols} holds JSON text, not a struct: read it with json_extract_scalar({view.name}.{sorted(hits)[0]}, '$.key')",
                f.file,
                f.line,
                where,
            )
            return
    if schema is not None:
        _report_json_on_struct(ctx, json_on_struct(c.sql, schema), what, f.file, f.line, where)

    def raw() -> str:
        return "\n".join(t for t in (str(props.get(k, "")) for k in _RAW_KEYS) if t)

    _check_sql(ctx, c.sql, f"SELECT {c.sql} AS x FROM t", f.file, f.line, where, what, raw)


def check(ctx: CheckContext) -> None:
    cache = ResultCache(ctx.options.cache_dir, f"athena-parse-{sqlglot.__version__}")
    ctx.__dict__["_sql_parse_cache"] = cache
    try:
        _check(ctx)
    finally:
        cache.save()


def _check(ctx: CheckContext) -> None:
    p = ctx.project
    for view in ctx.views():
        if view.extension_required:
            continue
        schema = view_schema(ctx, view)
        json_cols = schema.json_text_columns if schema is not None else frozenset()
        if view.derived_table and "sql" in view.derived_table:
            t = compiled_table(ctx, view).sql.strip()
            inner = t[1:-1] if t.startswith("(") and t.endswith(")") else t
            dt = view.derived_table
            line = int((dt.get("_lines") or {}).get("sql", dt.get("_line", view.line)))
            file = str(dt.get("_file") or view.props.get("_file") or view.file)
            where = f"view:{view.name}/derived_table"
            hits = json_struct_access(inner, json_cols, None)
            if hits:
                ctx.report(
                    JSON_STRUCT,
                    f"derived table of {view.name}: {', '.join(hits)} holds JSON text, not a struct: use json_extract_scalar",
                    file,
                    line,
                    where,
                )
            else:
                what = f"derived table of {view.name}"
                _report_json_on_struct(ctx, json_on_struct(inner, schema), what, file, line, where)
                _check_sql(ctx, inner, inner, file, line, where, what, dt.get("sql"))
        # a derived table's columns are its SELECT's outputs, not the table's: typed only on tables
        field_schema = schema if view.sql_table_name else None
        firsts = _group_firsts(view)
        for f in view.fields.values():
            _field(ctx, view, f, json_cols, field_schema, firsts)
    for explore in ctx.explores():
        if explore.extension_required:
            continue
        comp = SqlCompiler(p, explore)
        items: list[tuple[str, str, str, int, str]] = []
        if explore.sql_always_where:
            items.append(
                (
                    "sql_always_where",
                    explore.sql_always_where,
                    str(explore.props.get("_file", explore.file)),
                    explore.line_of("sql_always_where"),
                    f"model:{explore.model}/explore:{explore.name}",
                )
            )
        for j in explore.joins:
            if j.sql_on:
                items.append(
                    (
                        f"join {j.name} sql_on",
                        j.sql_on,
                        j.file,
                        j.line,
                        f"model:{explore.model}/explore:{explore.name}/join:{j.name}",
                    )
                )
        for what, text, file, line, where in items:
            sql = comp.render(text, None, None, what)
            if sql.strip() == "NULL":
                continue
            _check_sql(
                ctx,
                sql,
                f"SELECT 1 FROM t WHERE {sql}",
                file,
                line,
                where,
                f"explore {explore.name} {what}",
                text,
            )
