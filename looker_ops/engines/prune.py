"""Partition pruning: which WHERE conjuncts of a query constrain only the CloudTrail table's
partition columns (so the engine can find the segments they admit before reading any file).

The rules are Athena's: a conjunct is used only when it names nothing but ``account``,
``region`` and ``dt`` of the table's own reference (qualified by its alias, or unqualified when
no other source of the SELECT can have such a column), contains no subquery, aggregate, window
or parameter, and the table is not on the NULL-extended side of an outer join.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP

SEGMENT_COLUMN = "_segment"


@dataclass
class Reference:
    """One reference to the CloudTrail table inside a query: the segments it admits (None:
    every segment) and the partition predicate that chose them (Athena SQL)."""

    segments: set[int] | None
    predicate: str | None


def segment_predicate(segments: set[int]) -> str:
    """``_segment`` in the given ids, as BETWEEN ranges (rows are stored in segment order)."""
    if not segments:
        return "FALSE"
    ranges: list[tuple[int, int]] = []
    for s in sorted(segments):
        if ranges and s == ranges[-1][1] + 1:
            ranges[-1] = (ranges[-1][0], s)
        else:
            ranges.append((s, s))
    parts = [
        f"{SEGMENT_COLUMN} = {a}" if a == b else f"{SEGMENT_COLUMN} BETWEEN {a} AND {b}" for a, b in ranges
    ]
    return "(" + " OR ".join(parts) + ")"


def strip_db_qualifiers(tree: exp.Expression, table: exp.Table) -> None:
    """``db.tbl.col`` -> ``tbl.col`` for columns of a table whose reference loses its db part."""
    name = table.name.lower()
    for col in tree.find_all(exp.Column):
        if col.args.get("db") and col.table.lower() == name:
            col.set("db", None)
            col.set("catalog", None)


def _nullable(table: exp.Table) -> bool:
    """Whether the table is on the NULL-extended side of an outer join (pruning unsafe)."""
    parent = table.parent
    if isinstance(parent, exp.Join):
        if parent.side in ("LEFT", "FULL"):
            return True
        select = parent.parent
    else:
        select = parent.parent if parent is not None else None
    if isinstance(select, exp.Select):
        joins = select.args.get("joins") or []
        if isinstance(parent, exp.From):
            return any(j.side in ("RIGHT", "FULL") for j in joins)
        index = next((i for i, j in enumerate(joins) if j is parent), -1)
        return any(j.side in ("RIGHT", "FULL") for j in joins[index + 1 :])
    return False


def _source_columns(source: exp.Expression) -> set[str] | None:
    """Output column names of a FROM/JOIN source (None = unknown)."""
    if isinstance(source, exp.Table):
        return None
    alias = source.args.get("alias")
    if isinstance(alias, exp.TableAlias) and alias.columns:
        names = {c.name.lower() for c in alias.columns}
        offset = source.args.get("offset")
        if isinstance(offset, exp.Identifier):
            names.add(offset.name.lower())
        return names
    if isinstance(source, exp.Subquery) and isinstance(source.this, exp.Select):
        return {n.lower() for n in source.this.named_selects}
    return None


def _conjuncts(condition: exp.Expression) -> list[exp.Expression]:
    """The operands of a chain of ANDs, looking through parentheses (Looker adds many)."""
    while isinstance(condition, exp.Paren):
        condition = condition.this
    if isinstance(condition, exp.And):
        return [*_conjuncts(condition.this), *_conjuncts(condition.expression)]
    return [condition]


def partition_conjuncts(table: exp.Table, alias: str) -> list[exp.Expression]:
    """The WHERE conjuncts of the table's SELECT that use only its partition columns."""
    parent = table.parent
    select = parent.parent if isinstance(parent, (exp.From, exp.Join)) else None
    if not isinstance(select, exp.Select) or _nullable(table):
        return []
    where = select.args.get("where")
    if where is None:
        return []
    partitions = set(CLOUDTRAIL.partition_names)
    # Unqualified partition names are ours only if no other source can have such a column.
    others = [
        src.this if isinstance(src, (exp.From, exp.Join)) else src
        for src in [select.args.get("from_") or select.args.get("from"), *(select.args.get("joins") or [])]
        if src is not None and src is not parent
    ]
    unqualified_ok = True
    for other in others:
        if isinstance(other, exp.Table) and other.name.lower() == GEOIP.name:
            continue
        cols = _source_columns(other)
        if cols is None or cols & partitions:
            unqualified_ok = False
    chosen: list[exp.Expression] = []
    for conj in _conjuncts(where.this):
        columns = list(conj.find_all(exp.Column))
        if not columns:
            continue
        if conj.find(exp.Select, exp.AggFunc, exp.Window, exp.Placeholder, exp.Parameter):
            continue
        ok = all(
            c.name.lower() in partitions and (c.table.lower() == alias.lower() if c.table else unqualified_ok)
            for c in columns
        )
        if ok:
            chosen.append(conj)
    return chosen


def combined_filter(refs: list[Reference]) -> str | None:
    if not refs or any(r.predicate is None for r in refs):
        return None
    texts = list(dict.fromkeys(r.predicate for r in refs if r.predicate))
    return texts[0] if len(texts) == 1 else " OR ".join(f"({t})" for t in texts)
