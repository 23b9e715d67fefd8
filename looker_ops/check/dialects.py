"""SQL dialects of a check: the names sqlglot knows (checked without importing sqlglot), the hint
that a project's SQL is of another dialect than the one checked, and the
imports the rules need, done once before the rule processes fork."""

from __future__ import annotations

import contextlib
from collections.abc import Iterable

from looker_ops.config.values import KNOWN_DIALECTS, dialect_problem
from looker_ops.errors import BadInput

__all__ = ["KNOWN_DIALECTS", "check_dialects", "dialect_hint", "preload_rules"]


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


# The dialects a hint may name, the most common LookML connections first (the first wins a tie).
HINT_DIALECTS = ("bigquery", "snowflake", "redshift", "postgres", "databricks", "mysql", "tsql", "oracle")
HINT_SAMPLE = 40
# words in a connection's name that say its dialect (default: the dialect's own name)
CONNECTION_WORDS = {
    "bigquery": ("bigquery", "bq"),
    "postgres": ("postgres", "pg"),
    "databricks": ("databricks", "spark"),
}  # statements re-read at most (the first ones the Athena rules could not read)


def _reads_cleanly(statement: str, dialect: str) -> bool:
    """``statement`` parses in ``dialect`` and calls no function that dialect does not know."""
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        trees = sqlglot.parse(statement, read=dialect)
    except (SqlglotError, ValueError, RecursionError):
        return False
    return all(t is not None and t.find(exp.Anonymous) is None for t in trees)


# How a dialect is named to the user (sqlglot's name -> the database's own).
DISPLAY_NAMES = {
    "athena": "Athena",
    "bigquery": "BigQuery",
    "snowflake": "Snowflake",
    "redshift": "Redshift",
    "postgres": "PostgreSQL",
    "databricks": "Databricks",
    "mysql": "MySQL",
    "tsql": "T-SQL",
    "oracle": "Oracle",
}


def display_name(dialect: str) -> str:
    """The name users know a dialect by (``bigquery`` -> ``BigQuery``)."""
    return DISPLAY_NAMES.get(dialect, dialect.capitalize())


def dialect_hint(
    misfits: Iterable[str], dialect: str = "athena", connections: Iterable[str] = ()
) -> str | None:
    """A note for the report when the statements ``dialect``'s rules could not read (unknown
    functions, syntax errors: ``misfits``) read cleanly in another dialect: the project's SQL
    is probably that one's, and ``--dialect`` was not given. None when no dialect reads at
    least half of them (and two). Of dialects that read as many, one that a name of
    ``connections`` (the models' connections) mentions comes first; two are named at most."""
    distinct = sorted(set(misfits))
    sample = distinct[:HINT_SAMPLE]  # the same sample however the rules were shared
    if len(sample) < 2:
        return None
    scores = {d: sum(_reads_cleanly(s, d) for s in sample) for d in HINT_DIALECTS if d != dialect}
    best = max(scores.values())
    if best < max(2, len(sample) / 2):
        return None
    named = " ".join(connections).lower()
    names = sorted(
        (d for d in HINT_DIALECTS if scores.get(d) == best),
        key=lambda d: not any(w in named for w in CONNECTION_WORDS.get(d, (d,))),
    )
    shown = " or ".join(display_name(d) for d in names[:2])
    own = display_name(dialect)
    share = f"all {best}" if best == len(sample) else f"{best} of the {len(sample)}"
    share += " sampled" if len(distinct) > len(sample) else ""
    return (
        f"this project's SQL looks like {shown} ({share} SQL snippets {own} rejects parse as {shown}): "
        f"give --dialect {names[0]} (or check.dialect in looker-ops.yaml); the {own} rules then do not apply"
    )
