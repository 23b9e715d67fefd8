"""Athena rule 3: primary keys only where they are valid.

Looker trusts ``primary_key: yes``: counts, drills and join fan-out all assume the key is unique.
A key that is not unique silently gives wrong numbers. The rule checks what it can prove offline:

- at most one primary key per view (``ATH301``);
- a view that is joined into an explore has one (``ATH302``);
- on a table, the key is a column the table's schema declares unique (for CloudTrail ``eventid``),
  or a composite (``||`` / ``CONCAT``) key (``ATH303``); tables with no known schema are not judged;
- on a SQL derived table, the key covers the GROUP BY keys (all columns for SELECT DISTINCT), or is
  a row-unique expression (``row_number()``, ``uuid()``, a unique column of the one table it reads)
  (``ATH304``);
- on unnested arrays (``CROSS JOIN UNNEST``), the key includes the element's position
  (``WITH ORDINALITY``) and the parent row's unique column (``ATH305``).
The SQL is parsed with sqlglot in the Athena dialect. ``--sql`` also checks uniqueness on data.
"""

from __future__ import annotations

import re
from typing import Any

from sqlglot import exp

from looker_ops.check.rules.base import CheckContext, rule
from looker_ops.check.rules.common import compiled_field, compiled_table, joined_views, parse_athena
from looker_ops.findings import Severity
from looker_ops.lookml.model import Field, View
from looker_ops.lookml.schema import table_for

MANY = rule(
    "ATH301",
    Severity.ERROR,
    "more than one primary key",
    "primary_keys",
    "A view has at most one `primary_key: yes`; build a composite key in one dimension instead.",
    "dimension: eventid { primary_key: yes }\ndimension: requestid { primary_key: yes }",
    "dimension: eventid { primary_key: yes }",
)
MISSING = rule(
    "ATH302",
    Severity.ERROR,
    "joined view without a primary key",
    "primary_keys",
    "A view joined into an explore needs a primary key: Looker uses it for counts and to know whether the join fans out.",
    "view: geoip { sql_table_name: geoip_blocks ;; dimension: network {} }   # joined, no key",
    "dimension: pk { primary_key: yes hidden: yes sql: ${TABLE}.network || '-' || CAST(${TABLE}.bucket AS VARCHAR) ;; }",
)
TABLE_KEY = rule(
    "ATH303",
    Severity.ERROR,
    "primary key is not a unique column of the table",
    "primary_keys",
    "On a table view, the key must be a column the table's schema declares unique (CloudTrail: eventid), "
    "or a composite key (`||` or CONCAT).",
    "view: cloudtrail_logs {\n  dimension: requestid { primary_key: yes sql: ${TABLE}.requestid ;; }\n}",
    "view: cloudtrail_logs {\n  dimension: event_id { primary_key: yes sql: ${TABLE}.eventid ;; }\n}",
)
DT_KEY = rule(
    "ATH304",
    Severity.ERROR,
    "derived-table primary key is not provably unique",
    "primary_keys",
    "On a SQL derived table the key must cover the GROUP BY keys (every column for SELECT DISTINCT), or be "
    "row-unique (row_number(), uuid(), or a unique column of the single table it reads).",
    "derived_table: { sql: SELECT useridentity.arn AS arn, eventname, count(*) AS n FROM logs GROUP BY 1, 2 ;; }\n"
    "dimension: arn { primary_key: yes }",
    "dimension: pk { primary_key: yes sql: ${TABLE}.arn || '|' || ${TABLE}.eventname ;; }",
)
UNNEST_KEY = rule(
    "ATH305",
    Severity.ERROR,
    "unnested rows keyed without the element position",
    "primary_keys",
    "Rows from `CROSS JOIN UNNEST(array)` repeat the parent's columns; the key must include the element's "
    "position (`WITH ORDINALITY`) and the parent's unique column.",
    "SELECT t.eventid, r.arn FROM logs t CROSS JOIN UNNEST(t.resources) AS r (arn, acct, type)\n"
    "dimension: eventid { primary_key: yes }",
    "... CROSS JOIN UNNEST(t.resources) WITH ORDINALITY AS r (arn, acct, type, position)\n"
    "dimension: pk { primary_key: yes sql: ${TABLE}.eventid || '-' || CAST(${TABLE}.position AS VARCHAR) ;; }",
)

_ROW_UNIQUE_FUNCS = ("row_number", "uuid")


def _is_composite(sql: str) -> bool:
    return (
        "||" in sql
        or re.search(r"\bconcat\s*\(", sql, re.I) is not None
        or re.search(r"\bconcat_ws\s*\(", sql, re.I) is not None
    )


def _alias_columns(sql: str, alias: str) -> set[str] | None:
    tree = parse_athena(f"SELECT {sql} FROM t AS {alias}")
    if tree is None:
        return None
    cols = set()
    for c in tree.find_all(exp.Column):
        parts = [p.name for p in c.parts]
        if len(parts) >= 2 and parts[0] == alias:
            cols.add(parts[1].lower())
        elif len(parts) == 1:
            cols.add(parts[0].lower())
    return cols


def _where(view: View, f: Field) -> str:
    return f"view:{view.name}/dimension:{f.name}"


def check(ctx: CheckContext) -> None:
    p = ctx.project
    joined = joined_views(p)
    for view in ctx.views():
        pks = view.primary_keys()
        if len(pks) > 1:
            for f in pks[1:]:
                file, line = f.origin("primary_key")
                ctx.report(
                    MANY,
                    f"view {view.name} has {len(pks)} primary keys ({', '.join(k.name for k in pks)}); keep one",
                    file,
                    line,
                    _where(view, f),
                )
        if not pks:
            for explore, jname in joined.get(view.name, []):
                j = explore.join(jname)
                if j is None or view.extension_required:
                    continue
                ctx.report(
                    MISSING,
                    f"explore {explore.name} joins {view.name} (as {jname}) but {view.name} has no primary key",
                    j.file,
                    j.line,
                    f"model:{explore.model}/explore:{explore.name}/join:{jname}",
                )
            continue
        pk = pks[0]
        if view.extension_required:
            continue
        if view.sql_table_name:
            _table_key(ctx, view, pk)
        elif view.derived_table and "sql" in view.derived_table:
            _derived_key(ctx, view, pk)


def _table_key(ctx: CheckContext, view: View, pk: Field) -> None:
    schema = table_for(view.sql_table_name or "")
    if schema is None:
        return
    sql = compiled_field(ctx, view, pk).sql
    if _is_composite(sql):
        return
    cols = _alias_columns(sql, view.name)
    if cols is None:
        return  # unparsable: the SQL rule reports it
    if len(cols) == 1 and next(iter(cols)) in schema.unique_columns:
        return
    uniq = ", ".join(sorted(schema.unique_columns)) or "none"
    file, line = pk.origin("primary_key", "sql")
    ctx.report(
        TABLE_KEY,
        f"view {view.name}: primary key {pk.name} ({sql}) is not a unique column of table {schema.name} "
        f"(unique columns: {uniq})",
        file,
        line,
        _where(view, pk),
    )


def _output_map(select: exp.Select) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for e in select.expressions:
        name = e.alias_or_name
        if name:
            out[name.lower()] = e.unalias() if isinstance(e, exp.Alias) else e
    return out


def _derived_key(ctx: CheckContext, view: View, pk: Field) -> None:
    """Report a primary key that is not unique per row of the view's derived table, read from
    the table's SELECT: it must cover a DISTINCT's columns or the GROUP BY keys, hold the
    element's position over an UNNEST, or be (or include) a row-unique column."""
    table = compiled_table(ctx, view).sql.strip()
    inner = table[1:-1] if table.startswith("(") and table.endswith(")") else table
    tree = parse_athena(inner)
    if tree is None:
        return  # the SQL rule reports unparsable SQL
    select = tree if isinstance(tree, exp.Select) else None
    if select is None:
        return  # UNION and friends: not judged
    pk_sql = compiled_field(ctx, view, pk).sql
    pk_cols = _alias_columns(pk_sql, view.name) or set()
    outputs = _output_map(select)
    where = _where(view, pk)

    file, line = pk.origin("primary_key", "sql")

    def report(r: object, msg: str) -> None:
        ctx.report(r, f"view {view.name}: primary key {pk.name} {msg}", file, line, where)  # type: ignore[arg-type]

    if select.args.get("distinct") is not None:
        missing = set(outputs) - pk_cols
        if missing:
            report(
                DT_KEY,
                f"does not cover every column of the SELECT DISTINCT (missing: {', '.join(sorted(missing))})",
            )
        return
    group = select.args.get("group")
    if group is not None:
        keys = _group_keys(group, outputs)
        missing = keys - pk_cols
        if missing:
            report(
                DT_KEY,
                f"does not cover the GROUP BY keys ({', '.join(sorted(keys))}); missing: {', '.join(sorted(missing))}",
            )
        return
    unnests = list(select.find_all(exp.Unnest))
    if unnests:
        problem = _unnest_key_problem(unnests, outputs, select, pk_cols)
        if problem:
            report(UNNEST_KEY, problem)
        return
    if _is_composite(pk_sql):
        # a composite of row-unique parts is fine; of other parts, we cannot tell
        if any(_unique_output(outputs, c, select) for c in pk_cols):
            return
        report(DT_KEY, "is built from columns none of which is unique per row of the derived table")
        return
    if len(pk_cols) == 1 and _unique_output(outputs, next(iter(pk_cols)), select):
        return
    report(DT_KEY, "is neither a GROUP BY key nor a row-unique column of the derived table")


def _group_keys(group: exp.Expression, outputs: dict[str, exp.Expression]) -> set[str]:
    """The output columns a GROUP BY groups on (by position, by expression or by name); a key
    that is no output column stands as its SQL."""
    keys: set[str] = set()
    exprs = list(outputs.items())
    for g in group.expressions:
        if isinstance(g, exp.Literal) and g.is_int:
            idx = int(g.this) - 1
            if 0 <= idx < len(exprs):
                keys.add(exprs[idx][0])
            continue
        gsql = g.sql(dialect="athena")
        match = [n for n, e in exprs if e.sql(dialect="athena") == gsql]
        if match:
            keys.add(match[0])
        elif isinstance(g, exp.Column) and g.name.lower() in outputs:
            keys.add(g.name.lower())
        else:
            keys.add(gsql)
    return keys


def _unnest_key_problem(
    unnests: list[exp.Unnest], outputs: dict[str, exp.Expression], select: exp.Select, pk_cols: set[str]
) -> str | None:
    """Why a key over unnested rows is not unique (None when it is): it needs the element's
    position (WITH ORDINALITY) and a unique column of the parent row."""
    positions = {
        str(u.args["offset"].name).lower()
        for u in unnests
        if isinstance(u.args.get("offset"), exp.Identifier)
    }
    unnest_aliases = {u.alias.lower() for u in unnests if u.alias}
    # output columns that carry an element position
    pos_outputs = {
        n
        for n, e in outputs.items()
        if isinstance(e, exp.Column)
        and e.name.lower() in positions
        and (not e.table or e.table.lower() in unnest_aliases)
    }
    if not positions or not (pk_cols & pos_outputs):
        return (
            "keys rows of an unnested array without the element's position "
            "(use WITH ORDINALITY and put the position in the key)"
        )
    rest = pk_cols - pos_outputs
    if not any(_unique_output(outputs, c, select) for c in rest):
        return "includes the element's position but not a unique column of the parent row"
    return None


def _unique_output(outputs: dict[str, exp.Expression], name: str, select: exp.Select) -> bool:
    e = outputs.get(name)
    if e is None:
        if "*" in outputs or any(isinstance(x, exp.Star) for x in select.expressions):
            e = exp.column(name)
        else:
            return False
    if e.find(exp.RowNumber) is not None:
        return True
    uuid_cls = getattr(exp, "Uuid", None)
    if uuid_cls is not None and e.find(uuid_cls) is not None:
        return True
    if any(isinstance(x, exp.Anonymous) and x.name.lower() in _ROW_UNIQUE_FUNCS for x in e.walk()):
        return True
    if not isinstance(e, exp.Column):
        return False
    joins = [j for j in select.args.get("joins") or [] if not isinstance(j.this, exp.Unnest)]
    if joins:
        return False
    frm = select.args.get("from_") or select.args.get("from")
    if frm is None or not isinstance(frm.this, exp.Table):
        return False
    t = frm.this
    schema = table_for(".".join(x for x in (t.db, t.name) if x))
    return schema is not None and e.name.lower() in schema.unique_columns
