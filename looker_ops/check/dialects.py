"""SQL dialects of a check: the names sqlglot knows (checked without importing sqlglot) and the
imports the rules need, done once before the rule processes fork."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from looker_ops.config.values import KNOWN_DIALECTS, dialect_problem
from looker_ops.errors import BadInput

__all__ = ["KNOWN_DIALECTS", "check_dialects", "preload_rules"]


def check_dialects(dialect: str, connections: dict[str, str]) -> None:
    """Every dialect name is one sqlglot knows (bad input otherwise)."""
    names = [("--dialect", dialect), *((f"check.connections.{c}", d) for c, d in connections.items())]
    for where, name in names:
        if problem := dialect_problem(name):
            raise BadInput(f"{where}: {problem}")


def preload_rules(dialects: Iterable[str]) -> None:
    """Import the rules and sqlglot's dialects and run one tiny parse in each, in this process:
    the processes the rules run in are forked from it and inherit them (each would otherwise
    import sqlglot on its own, about 0.2 s). Called while the parse workers parse."""
    from looker_ops.check.rules import all_rules

    all_rules()
    import sqlglot
    from sqlglot.errors import SqlglotError

    for name in sorted(set(dialects)):
        with contextlib.suppress(SqlglotError, ValueError):
            sqlglot.parse("SELECT 1", read=name)
