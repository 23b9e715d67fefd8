"""Athena SQL -> DuckDB SQL: sqlglot's translation plus the fixes the block needs, in one place.

``translate_tree`` takes an expression parsed with ``read="athena"`` and applies every entry of
:data:`FIXES` to it; the result is generated with ``dialect="duckdb"``. Each fix is a small
function with a docstring saying what sqlglot gets wrong (or leaves out) for DuckDB, and each
has its own test in ``tests/test_engine_local.py``.

The session settings that make DuckDB behave like Athena (time zone UTC) are in
:data:`SESSION_SETTINGS`; the engine runs them on connect.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlglot
from sqlglot import exp
from sqlglot.optimizer.annotate_types import annotate_types

from looker_ops.engines.records import ISO_8601_PATTERN
from looker_ops.lookml.schema import TABLES, Scalar

#: Run once per DuckDB connection. Athena evaluates timestamps in UTC; so must DuckDB, or
#: ``from_iso8601_timestamp`` (-> TIMESTAMPTZ) formats and truncates in the local zone.
#: The macros give Athena's (Trino's) failures where DuckDB would quietly return a value:
#: ``CAST(varchar AS integer)`` of text that is not a whole number, and an exact (integer or
#: decimal) division by zero. See :func:`fix_varchar_to_integer_cast` and
#: :func:`fix_exact_division_by_zero`.
SESSION_SETTINGS: tuple[str, ...] = (
    "SET TimeZone = 'UTC'",
    "CREATE OR REPLACE MACRO athena_integer_text(x, type_name) AS CASE "
    "WHEN x IS NULL OR regexp_full_match(x, '\\s*[+-]?[0-9]+\\s*') THEN x "
    "ELSE error('Cannot cast ''' || x || ''' to ' || type_name) END",
    "CREATE OR REPLACE MACRO athena_integer_text_or_null(x) AS CASE "
    "WHEN regexp_full_match(x, '\\s*[+-]?[0-9]+\\s*') THEN x END",
    "CREATE OR REPLACE MACRO athena_nonzero_divisor(d) AS CASE "
    "WHEN d = 0 THEN error('Division by zero') ELSE d END",
    "CREATE OR REPLACE MACRO athena_from_iso8601_timestamp(x) AS CASE WHEN x IS NULL THEN NULL "
    f"WHEN regexp_full_match(x, '{ISO_8601_PATTERN}') THEN CAST(x AS TIMESTAMPTZ) "
    "ELSE error('Invalid format: \"' || x || '\"') END",
    "CREATE OR REPLACE MACRO athena_try_from_iso8601_timestamp(x) AS CASE "
    f"WHEN regexp_full_match(x, '{ISO_8601_PATTERN}') THEN TRY_CAST(x AS TIMESTAMPTZ) END",
)

_INTEGER_HIVE = {"bigint", "int", "smallint", "tinyint"}
#: Integer-typed columns of the known tables (for typed division when a column is unqualified).
INTEGER_COLUMNS: frozenset[str] = frozenset(
    c.name
    for t in TABLES.values()
    for c in t.all_columns
    if isinstance(c.type, Scalar) and c.type.name in _INTEGER_HIVE
)


def _is_integer(node: exp.Expression) -> bool:
    if isinstance(node, exp.Paren):
        return _is_integer(node.this)
    if isinstance(node, exp.Neg):
        return _is_integer(node.this)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Mod, exp.Div)):
        return _is_integer(node.this) and _is_integer(node.expression)
    if isinstance(node, exp.IntDiv):
        return True
    if isinstance(node, (exp.Max, exp.Min, exp.Sum, exp.AnyValue, exp.Abs)):
        return _is_integer(node.this)
    if isinstance(node, exp.Coalesce):
        return all(_is_integer(e) for e in (node.this, *node.expressions))
    if isinstance(node, exp.Column) and (node.type is None or node.type.is_type(exp.DataType.Type.UNKNOWN)):
        return node.name.lower() in INTEGER_COLUMNS
    return node.type is not None and node.type.is_type(*exp.DataType.INTEGER_TYPES)


def fix_integer_division(tree: exp.Expression) -> exp.Expression:
    """Athena's ``BIGINT / BIGINT`` is integer division (truncating); DuckDB's ``/`` is float.

    sqlglot marks Athena divisions ``typed`` but does not know the operand types, so the
    DuckDB output keeps ``/``. Types are inferred (sqlglot's annotate_types plus the integer
    columns of the known tables) and an integer-by-integer division becomes DuckDB's ``//``
    (which truncates toward zero, like Athena).
    """
    divs = [d for d in tree.find_all(exp.Div) if d.args.get("typed")]
    if not divs:
        return tree  # (inferring the types of a whole query costs more than the rest of the fixes)
    annotate_types(tree)
    for div in reversed(divs):  # innermost first, so nested divisions see their operands' kind
        if _is_integer(div.this) and _is_integer(div.expression):
            div.replace(exp.IntDiv(this=div.this, expression=div.expression))
    return tree


def fix_unnest_row_expansion(tree: exp.Expression) -> exp.Expression:
    """``CROSS JOIN UNNEST(arr) [WITH ORDINALITY] AS r(f1, f2, f3[, pos])`` over an array of ROWs.

    Athena expands each row's fields into the alias columns. DuckDB's UNNEST yields one STRUCT
    column, so the translated alias list does not fit. When the alias names more columns than
    an unnest of one array yields, the UNNEST becomes a lateral subquery that expands the
    struct (``UNNEST(struct)``) and numbers the elements, and the alias columns apply to it
    positionally, as Athena does::

        (SELECT UNNEST(_u._e), _u._o FROM UNNEST(arr) WITH ORDINALITY AS _u(_e, _o)) AS r(f1, f2, f3, pos)
    """
    for unnest in list(tree.find_all(exp.Unnest)):
        alias = unnest.args.get("alias")
        if not isinstance(alias, exp.TableAlias) or len(unnest.expressions) != 1:
            continue
        columns = list(alias.columns)
        offset = unnest.args.get("offset")
        if len(columns) <= 1:
            continue
        if isinstance(offset, exp.Identifier):
            columns.append(offset)
        elif offset:
            continue  # ordinality without a name: leave as is
        array = unnest.expressions[0]
        inner = sqlglot.parse_one(
            "SELECT UNNEST(_u._e), _u._o FROM UNNEST(_arr) WITH ORDINALITY AS _u(_e, _o)", read="duckdb"
        )
        for col in inner.find_all(exp.Column):
            if col.name == "_arr":
                col.replace(array.copy())
        select_items = inner.expressions
        if not offset:
            inner.set("expressions", select_items[:1])
        sub = exp.Subquery(
            this=inner,
            alias=exp.TableAlias(this=alias.this.copy(), columns=[c.copy() for c in columns]),
        )
        unnest.replace(sub)
    return tree


def fix_approx_distinct(tree: exp.Expression) -> exp.Expression:
    """``approx_distinct(x)`` becomes ``COUNT(DISTINCT x)``.

    sqlglot maps it to DuckDB's HyperLogLog ``approx_count_distinct``, whose estimate differs
    from Athena's. Locally the data is small, so the exact count is cheap and makes results
    reproducible (tests compare them with counts computed from the records).
    """
    for node in list(tree.find_all(exp.ApproxDistinct)):
        node.replace(exp.Count(this=exp.Distinct(expressions=[node.this.copy()])))
    return tree


def fix_json_extract_scalar(tree: exp.Expression) -> exp.Expression:
    """``json_extract_scalar`` returns NULL for an object or an array in Athena.

    sqlglot's ``->>`` returns the object's JSON text in DuckDB instead. The rewrite keeps
    ``->>`` for scalars and yields NULL when ``json_type`` says OBJECT or ARRAY.
    """
    for node in list(tree.find_all(exp.JSONExtractScalar)):
        if isinstance(node.parent, exp.Case):  # already rewritten
            continue
        doc, path = node.this, node.expression
        json_type = exp.Anonymous(this="json_type", expressions=[doc.copy(), path.copy()])
        case = exp.Case(
            ifs=[
                exp.If(
                    this=exp.In(
                        this=json_type,
                        expressions=[exp.Literal.string("OBJECT"), exp.Literal.string("ARRAY")],
                    ),
                    true=exp.Null(),
                )
            ],
            default=node.copy(),
        )
        node.replace(case)
    return tree


def fix_cast_json_to_varchar(tree: exp.Expression) -> exp.Expression:
    """``CAST(json_extract(doc, path) AS VARCHAR)`` is the scalar's value in Athena (``x``).

    DuckDB casts the JSON text instead (``"x"``, with quotes). The cast of an extracted JSON
    value becomes ``json_extract_scalar`` (which :func:`fix_json_extract_scalar` then guards).
    """
    for cast in list(tree.find_all(exp.Cast)):
        if isinstance(cast.this, exp.JSONExtract) and cast.to.is_type(*exp.DataType.TEXT_TYPES):
            inner = cast.this
            cast.replace(exp.JSONExtractScalar(this=inner.this.copy(), expression=inner.expression.copy()))
    return tree


_MATCH_FUNCTIONS = {
    # Athena function -> (DuckDB list aggregate, value for an empty array, negate)
    "any_match": ("list_bool_or", False, False),
    "all_match": ("list_bool_and", True, False),
    "none_match": ("list_bool_or", False, True),
}


def fix_array_match(tree: exp.Expression) -> exp.Expression:
    """``any_match`` / ``all_match`` / ``none_match(array, x -> predicate)`` do not exist in DuckDB.

    sqlglot passes them through unchanged. Each becomes a boolean aggregate over the
    transformed list, e.g. ``COALESCE(list_bool_or(list_transform(arr, x -> p)), FALSE)``
    (an empty array gives FALSE for any/none and TRUE for all, as in Athena).
    """
    for node in list(tree.find_all(exp.Anonymous)):
        spec = _MATCH_FUNCTIONS.get(str(node.this).lower())
        if spec is None or len(node.expressions) != 2:
            continue
        aggregate, empty, negate = spec
        array, predicate = (e.copy() for e in node.expressions)
        transformed = exp.Anonymous(this="list_transform", expressions=[array, predicate])
        value: exp.Expression = exp.Coalesce(
            this=exp.Anonymous(this=aggregate, expressions=[transformed]),
            expressions=[exp.Boolean(this=empty)],
        )
        if negate:
            value = exp.Not(this=exp.Paren(this=value))
        node.replace(value)
    return tree


_JODA = re.compile(r"'[^']*'|yyyy|yy|MMMM|MMM|MM|M|dd|d|HH|H|hh|h|mm|m|ss|s|SSS|EEEE|EEE|a|ZZ|Z")
_JODA_TO_STRFTIME = {
    "yyyy": "%Y", "yy": "%y", "MMMM": "%B", "MMM": "%b", "MM": "%m", "M": "%-m", "dd": "%d", "d": "%-d",
    "HH": "%H", "H": "%-H", "hh": "%I", "h": "%-I", "mm": "%M", "m": "%-M", "ss": "%S", "s": "%-S",
    "SSS": "%g", "EEEE": "%A", "EEE": "%a", "a": "%p", "ZZ": "%z", "Z": "%z",
}  # fmt: skip


def joda_to_strftime(pattern: str) -> str:
    """A Joda-Time pattern (Athena's ``format_datetime``) as a strftime format."""

    def token(m: re.Match[str]) -> str:
        text = m.group(0)
        if text.startswith("'"):
            return "'" if text == "''" else text[1:-1].replace("%", "%%")
        return _JODA_TO_STRFTIME[text]

    out, pos = [], 0
    for m in _JODA.finditer(pattern):
        out.append(pattern[pos : m.start()].replace("%", "%%"))
        out.append(token(m))
        pos = m.end()
    out.append(pattern[pos:].replace("%", "%%"))
    return "".join(out)


def fix_format_datetime(tree: exp.Expression) -> exp.Expression:
    """``format_datetime(ts, 'yyyy-MM-dd HH:mm')`` (Joda pattern) has no DuckDB equivalent.

    sqlglot passes it through unchanged. With a literal pattern it becomes ``strftime`` with
    the pattern converted by :func:`joda_to_strftime`.
    """
    for node in list(tree.find_all(exp.Anonymous)):
        if str(node.this).lower() != "format_datetime" or len(node.expressions) != 2:
            continue
        ts, pattern = node.expressions
        if isinstance(pattern, exp.Literal) and pattern.is_string:
            fmt = exp.Literal.string(joda_to_strftime(pattern.this))
            node.replace(exp.Anonymous(this="strftime", expressions=[ts.copy(), fmt]))
    return tree


def fix_date_diff(tree: exp.Expression) -> exp.Expression:
    """``date_diff(unit, a, b)`` counts the whole units elapsed from ``a`` to ``b`` in Athena.

    sqlglot keeps DuckDB's ``date_diff``, which counts unit *boundaries* crossed: from
    23:00 to 01:00 the next day it says 1 day where Athena says 0. DuckDB's ``date_sub``
    counts whole units elapsed (truncating toward zero, also for a negative span), as Athena
    does; on DATE values the two agree for days, and ``date_sub`` is also right for weeks.
    """
    for node in list(tree.find_all(exp.DateDiff)):
        unit = node.args.get("unit")
        unit_name = unit.name if isinstance(unit, (exp.Var, exp.Literal)) else "day"
        node.replace(
            exp.Anonymous(
                this="date_sub",
                expressions=[exp.Literal.string(unit_name.lower()), node.expression.copy(), node.this.copy()],
            )
        )
    return tree


_TEXT_FUNCTIONS = (
    exp.JSONExtractScalar,
    exp.SplitPart,
    exp.Substring,
    exp.Concat,
    exp.DPipe,
    exp.Lower,
    exp.Upper,
    exp.Trim,
    exp.RegexpExtract,
    exp.RegexpReplace,
)
#: STRING columns of the known tables (a cast of one of them to an integer type is strict).
STRING_COLUMNS: frozenset[str] = frozenset(
    c.name
    for t in TABLES.values()
    for c in t.all_columns
    if isinstance(c.type, Scalar) and c.type.name == "string"
)


def _is_text(node: exp.Expression) -> bool:
    """Whether ``node`` is VARCHAR in Athena, as far as the tree tells (unknown: False)."""
    if isinstance(node, exp.Paren):
        return _is_text(node.this)
    if isinstance(node, _TEXT_FUNCTIONS):
        return True
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.is_type(*exp.DataType.TEXT_TYPES)
    if isinstance(node, exp.Coalesce):
        return all(_is_text(e) for e in (node.this, *node.expressions))
    if isinstance(node, exp.Literal):
        return node.is_string
    if isinstance(node, exp.Column) and (node.type is None or node.type.is_type(exp.DataType.Type.UNKNOWN)):
        return node.name.lower() in STRING_COLUMNS
    return node.type is not None and node.type.is_type(*exp.DataType.TEXT_TYPES)


def fix_varchar_to_integer_cast(tree: exp.Expression) -> exp.Expression:
    """``CAST(varchar AS BIGINT)`` fails in Athena unless the text is a whole number.

    DuckDB rounds (``CAST('1.5' AS INTEGER)`` is 2), and so does its ``TRY_CAST`` (2, where
    Athena gives NULL). When the operand is known to be text (a string literal or column,
    ``json_extract_scalar``, ``split_part``, ...), it goes through a session macro first:
    ``athena_integer_text(x, 'BIGINT')`` fails with Athena's message (``Cannot cast '1.5'
    to BIGINT``) for anything but optional spaces, a sign and digits; under ``TRY_CAST``,
    ``athena_integer_text_or_null(x)`` gives NULL instead. Overflow is left to DuckDB's cast,
    which fails (CAST) or gives NULL (TRY_CAST) as Athena does.
    """
    for cast in list(tree.find_all(exp.Cast, exp.TryCast)):
        if not cast.to.is_type(*exp.DataType.INTEGER_TYPES) or not _is_text(cast.this):
            continue
        inner = cast.this.copy()
        guarded: exp.Expression
        if isinstance(cast, exp.TryCast):
            guarded = exp.Anonymous(this="athena_integer_text_or_null", expressions=[inner])
        else:
            name = exp.Literal.string(cast.to.sql(dialect="athena").upper())
            guarded = exp.Anonymous(this="athena_integer_text", expressions=[inner, name])
        cast.set("this", guarded)
    return tree


def _is_decimal(node: exp.Expression) -> bool:
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _is_decimal(node.this)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Mod, exp.Div)):
        operands = (node.this, node.expression)
        return all(_is_integer(x) or _is_decimal(x) for x in operands) and any(
            _is_decimal(x) for x in operands
        )
    if isinstance(node, exp.Literal):
        return node.is_number and "." in node.this and "e" not in node.this.lower()
    if isinstance(node, (exp.Cast, exp.TryCast)):
        return node.to.is_type(exp.DataType.Type.DECIMAL)
    return node.type is not None and node.type.is_type(exp.DataType.Type.DECIMAL)


def fix_exact_division_by_zero(tree: exp.Expression) -> exp.Expression:
    """An exact division by zero fails in Athena ("Division by zero").

    ``1 / 0`` (integers) already becomes DuckDB's ``//`` (:func:`fix_integer_division`),
    which fails the same way. A DECIMAL division (``x / 0.0`` with ``x`` an integer or a
    decimal: ``0.0`` is a DECIMAL literal in Athena) gives ``inf`` or NULL in DuckDB; its
    divisor goes through the session macro ``athena_nonzero_divisor(d)``, which fails on
    zero. A DOUBLE division is left alone (Athena gives Infinity or NaN too), and so is a
    divisor that is a non-zero number literal.
    """
    for div in list(tree.find_all(exp.Div)):
        if not div.args.get("typed"):
            continue
        a, b = div.this, div.expression
        if not all(_is_integer(x) or _is_decimal(x) for x in (a, b)):
            continue
        if not (_is_decimal(a) or _is_decimal(b)):
            continue
        literal = b.unnest()
        if isinstance(literal, exp.Literal) and literal.is_number and float(literal.this) != 0:
            continue
        div.set("expression", exp.Anonymous(this="athena_nonzero_divisor", expressions=[b.copy()]))
    return tree


def fix_substr_start_zero(tree: exp.Expression) -> exp.Expression:
    """``substr(s, start[, n])`` is ``''`` in Athena when ``start`` is 0, when a negative
    ``start`` reaches before the first character, or when ``n`` is negative.

    DuckDB takes 0 as the position before the first character (``substr('abc', 0, 2)`` is
    ``'a'``), clamps ``substr('abc', -5)`` to ``'abc'`` and reads a negative length backwards
    (``substr('hello', 3, -2)`` is ``'he'``). A literal start 0 becomes ``left(s, 0)`` ('' for
    text, NULL for NULL, as in Athena); a positive literal start with no or a non-negative
    literal length is left alone; anything else is guarded:
    ``CASE WHEN start = 0 OR start < -length(s) [OR n < 0] THEN left(s, 0) ELSE substr(...) END``.
    """
    for node in list(tree.find_all(exp.Substring)):
        start, length = node.args.get("start"), node.args.get("length")
        if start is None:
            continue
        empty = exp.Anonymous(this="left", expressions=[node.this.copy(), exp.Literal.number(0)])
        literal_length_ok = length is None or (isinstance(length, exp.Literal) and length.is_number)
        if isinstance(start, exp.Literal) and start.is_number and literal_length_ok:
            if float(start.this) == 0:
                node.replace(empty)
                continue
            if float(start.this) > 0:
                continue
        conditions: list[exp.Expression] = [
            exp.EQ(this=start.copy(), expression=exp.Literal.number(0)),
            exp.LT(
                this=start.copy(),
                expression=exp.Neg(this=exp.Length(this=node.this.copy())),
            ),
        ]
        if length is not None:
            conditions.append(exp.LT(this=length.copy(), expression=exp.Literal.number(0)))
        guard = exp.Case(ifs=[exp.If(this=exp.or_(*conditions), true=empty)], default=node.copy())
        node.replace(guard)
    return tree


def fix_from_iso8601_timestamp(tree: exp.Expression) -> exp.Expression:
    """``from_iso8601_timestamp(x)`` reads only what Athena reads.

    DuckDB's cast to TIMESTAMPTZ also takes ``2026-11-20 10:00:00Z`` (a space for the ``T``),
    which Athena rejects with ``Invalid format``: the macro fails the same way, and
    ``try(from_iso8601_timestamp(x))`` (DuckDB's TRY cannot wrap a macro that may fail) gives
    NULL for anything Athena would not read.
    """
    for node in list(tree.find_all(exp.FromISO8601Timestamp)):
        parent = node.parent
        if isinstance(parent, exp.Try) and parent.this is node:
            parent.replace(
                exp.Anonymous(this="athena_try_from_iso8601_timestamp", expressions=[node.this.copy()])
            )
        else:
            node.replace(exp.Anonymous(this="athena_from_iso8601_timestamp", expressions=[node.this.copy()]))
    return tree


#: Every fix, applied in this order to the Athena tree before DuckDB SQL is generated.
FIXES: tuple[Callable[[exp.Expression], exp.Expression], ...] = (
    fix_unnest_row_expansion,
    fix_integer_division,
    fix_exact_division_by_zero,
    fix_approx_distinct,
    fix_cast_json_to_varchar,
    fix_varchar_to_integer_cast,
    fix_json_extract_scalar,
    fix_date_diff,
    fix_substr_start_zero,
    fix_array_match,
    fix_format_datetime,
    fix_from_iso8601_timestamp,
)


#: The node types each fix rewrites: a fix runs only when the tree holds one (or a subclass).
TRIGGERS: dict[Callable[[exp.Expression], exp.Expression], tuple[type[exp.Expression], ...]] = {
    fix_unnest_row_expansion: (exp.Unnest,),
    fix_integer_division: (exp.Div,),
    fix_exact_division_by_zero: (exp.Div,),
    fix_approx_distinct: (exp.ApproxDistinct,),
    fix_cast_json_to_varchar: (exp.Cast,),
    fix_varchar_to_integer_cast: (exp.Cast,),
    fix_json_extract_scalar: (exp.JSONExtractScalar,),
    fix_date_diff: (exp.DateDiff,),
    fix_substr_start_zero: (exp.Substring,),
    fix_array_match: (exp.Anonymous,),
    fix_format_datetime: (exp.Anonymous,),
    fix_from_iso8601_timestamp: (exp.FromISO8601Timestamp,),
}


def translate_tree(tree: exp.Expression) -> exp.Expression:
    """Apply :data:`FIXES` in order. The node types in the tree are listed once (and again after
    a fix that ran, which may add some): a fix with nothing to rewrite is skipped instead of
    walking the whole tree."""
    present = {type(n) for n in tree.walk()}
    for fix in FIXES:
        if not any(issubclass(t, TRIGGERS[fix]) for t in present):
            continue
        tree = fix(tree)
        present = {type(n) for n in tree.walk()}
    return tree


def to_duckdb(tree: exp.Expression) -> str:
    return tree.sql(dialect="duckdb")
