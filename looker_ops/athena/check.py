"""``check --athena``: the same compiled queries as ``check --sql``, run on Athena itself.

:class:`AthenaCheckEngine` has the embedded engine's ``query()`` shape, so the SQL rule family
(batching, bisection down to the failing field, dashboard tiles) runs unchanged on it. Every
query goes through :func:`looker_ops.athena.runner.validate_sql_on_athena` under its cost guard
(``SELECT * FROM (<query>) LIMIT 0``): Athena plans the whole query, names, types and functions
included, and reads no data. Because nothing is read, checks that need rows (primary-key
uniqueness on the data) are not made on Athena; ``reads_data`` says so to the rules.

A query Athena rejects raises :class:`EngineError` carrying the query id and Athena's message;
a refused call (credentials, permissions, output location) raises AthenaError (exit 3) from the
runner and stops the check.
"""

from __future__ import annotations

from looker_ops.athena.runner import AthenaRunner, Guard, validate_sql_on_athena
from looker_ops.config.athena import AthenaSettings
from looker_ops.engines.local import EngineError, LoadProblem, QueryResult


class AthenaCheckEngine:
    """Validates queries on Athena; counts the queries and the bytes they scanned."""

    reads_data = False
    name = "Athena"

    def __init__(
        self,
        settings: AthenaSettings | None = None,
        *,
        runner: AthenaRunner | None = None,
        guard: Guard = "limit0",
    ) -> None:
        if runner is None:
            if settings is None:
                raise ValueError("settings or a runner is required")
            runner = AthenaRunner(settings)
        self.runner = runner
        self.guard: Guard = guard
        self.problems: list[LoadProblem] = []
        self.queries = 0
        self.bytes_scanned = 0
        self.query_ids: list[str] = []

    def query(self, athena_sql: str) -> QueryResult:
        (result,) = validate_sql_on_athena([athena_sql], runner=self.runner, guard=self.guard)
        self.queries += 1
        self.bytes_scanned += result.bytes_scanned
        if result.query_id:
            self.query_ids.append(result.query_id)
        if not result.ok:
            qid = result.query_id or "not started"
            raise EngineError(f"Athena query {qid}: {result.error}")
        return QueryResult(columns=[], types=[], rows=[], sql=result.guarded_sql)

    def summary(self) -> str:
        return f"sql: {self.queries} queries on Athena, {self.bytes_scanned} bytes scanned"

    def close(self) -> None:
        close = getattr(self.runner, "close", None)
        if callable(close):
            close()
