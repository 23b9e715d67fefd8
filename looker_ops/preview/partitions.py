"""The partition predicate the engine pruned with, summarised for people."""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from looker_ops.engines.translate import to_duckdb, translate_tree

_OPEN_BOUNDS = ("0", "9")
_FLIP = {exp.GTE: exp.LTE, exp.GT: exp.LT, exp.LTE: exp.GTE, exp.LT: exp.GT, exp.EQ: exp.EQ}


def _constant(node: exp.Expression, conn: duckdb.DuckDBPyConnection) -> str:
    """The value of a constant Athena expression (evaluated by DuckDB), as text."""
    if isinstance(node, exp.Literal):
        return str(node.this)
    row = conn.execute(to_duckdb(translate_tree(exp.select(node.copy())))).fetchone()
    if row is None or row[0] is None:
        raise ValueError("no value")
    value = row[0]
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)


def _is_open(value: str) -> bool:
    """A sentinel bound (``0000/00/00``, ``9999/99/99``): no bound at all."""
    digits = re.sub(r"\D", "", value)
    return bool(digits) and any(set(digits) == {d} for d in _OPEN_BOUNDS)


@functools.lru_cache(maxsize=128)
def partition_summary(predicate: str | None) -> str | None:
    """A short form of a partition predicate for people, e.g. ``dt 2026/11/13 – 2026/11/21``
    for ``t.dt >= <expr> AND t.dt <= <expr>`` (the bounds evaluated), ``dt ≥ 2026/11/01``,
    ``dt = 2026/11/20``, ``dt: all partitions`` when both bounds are open sentinels. None when
    the predicate is not a conjunction of comparisons of one column with constants."""
    if not predicate:
        return None
    try:
        tree = sqlglot.parse_one(predicate, read="athena")
    except SqlglotError:
        return None
    parts = list(tree.flatten()) if isinstance(tree, exp.And) else [tree]
    name: str | None = None
    lows: list[tuple[str, bool]] = []  # (value, strict)
    highs: list[tuple[str, bool]] = []
    equal: list[str] = []
    conn = duckdb.connect()
    try:
        for part in parts:
            part = part.unnest()
            if isinstance(part, exp.Between):
                column, bounds = part.this, [(exp.GTE, part.args["low"]), (exp.LTE, part.args["high"])]
            elif isinstance(part, exp.In) and not part.args.get("query"):
                column, bounds = part.this, [(exp.EQ, e) for e in part.expressions]
            elif type(part) in _FLIP:
                op: Any = type(part)
                column, other = part.this, part.expression
                if not isinstance(column, exp.Column):
                    column, other, op = other, column, _FLIP[op]
                bounds = [(op, other)]
            else:
                return None
            if not isinstance(column, exp.Column) or (name is not None and column.name != name):
                return None
            name = column.name
            for op, node in bounds:
                if any(True for _ in node.find_all(exp.Column)):
                    return None
                value = _constant(node, conn)
                if op is exp.EQ:
                    equal.append(value)
                elif op in (exp.GTE, exp.GT):
                    lows.append((value, op is exp.GT))
                else:
                    highs.append((value, op is exp.LT))
    except (duckdb.Error, SqlglotError, ValueError):
        return None
    finally:
        conn.close()
    if name is None:
        return None
    if equal:
        values = list(dict.fromkeys(equal))
        shown = ", ".join(values) if len(values) <= 3 else f"{len(values)} values"
        return f"{name} = {shown}" if len(values) == 1 else f"{name} in {shown}"
    low = max((b for b in lows if not _is_open(b[0])), default=None)
    high = min((b for b in highs if not _is_open(b[0])), default=None)
    if low is None and high is None:
        return f"{name}: all partitions"
    if low is not None and high is not None and not low[1] and not high[1]:
        return f"{name} {low[0]} – {high[0]}"
    bits = []
    if low is not None:
        bits.append(f"{'>' if low[1] else '≥'} {low[0]}")
    if high is not None:
        bits.append(f"{'<' if high[1] else '≤'} {high[0]}")
    return f"{name} " + " and ".join(bits)
