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

from looker_ops.lookml.schema import TABLES, Scalar

#: Run once per DuckDB connection. Athena evaluates timestamps in UTC; so must DuckDB, or
#: ``from_iso8601_timestamp`` (-> TIMESTAMPTZ) formats and truncates in the local zone.
SESSION_SETTINGS: tuple[str, ...] = ("SET TimeZone = 'UTC'",)

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
    annotate_types(tree)
    divs = [d for d in tree.find_all(exp.Div) if d.args.get("typed")]
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


#: Every fix, applied in this order to the Athena tree before DuckDB SQL is generated.
FIXES: tuple[Callable[[exp.Expression], exp.Expression], ...] = (
    fix_unnest_row_expansion,
    fix_integer_division,
    fix_approx_distinct,
    fix_cast_json_to_varchar,
    fix_json_extract_scalar,
    fix_array_match,
    fix_format_datetime,
)


def translate_tree(tree: exp.Expression) -> exp.Expression:
    for fix in FIXES:
        tree = fix(tree)
    return tree


def to_duckdb(tree: exp.Expression) -> str:
    return tree.sql(dialect="duckdb")
