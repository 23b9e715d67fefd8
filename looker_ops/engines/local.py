"""The embedded engine: DuckDB over CloudTrail log files on disk, queried with Athena SQL.

Files: every ``.json`` / ``.json.gz`` file under a folder (recursively; or one file), read as
CloudTrail delivers it (``{"Records": [...]}``). The files and their partitions (``account``,
``region``, ``dt``) are listed from the S3 key layout
(``AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/...``) without opening any; the
files of one partition form a *segment* (:mod:`looker_ops.engines.layout`). A file outside that
layout is read once, at start, and its records' ``recipientAccountId``, ``awsRegion`` and
``eventTime`` give its partitions.

Loading on demand: a query's partition predicate (its WHERE conjuncts on partition columns,
:mod:`looker_ops.engines.prune`) is evaluated against the segment index first; only the
segments it admits that are not loaded yet are read (:mod:`looker_ops.engines.loader`, on every
core), and they stay loaded for the next queries. The table ``cloudtrail_logs`` has exactly the
columns and types of :data:`looker_ops.lookml.schema.CLOUDTRAIL`, values as Athena's SerDe
presents them. ``files_scanned`` is the number of files the query read: each was opened once,
and no file outside them was opened for it. Problems are reported in :attr:`LocalEngine.problems`.

Querying: Athena SQL is parsed with sqlglot, table references are pointed at the local tables
(pruned references at the rows of their segments), the translation fixes of
:mod:`looker_ops.engines.translate` are applied, and DuckDB runs the result. See docs/engine.md.
"""

from __future__ import annotations

import csv
import importlib.resources
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from looker_ops.engines.layout import Layout, LogFile, discover
from looker_ops.engines.loader import ROWS_TABLE, SEGMENTS_TABLE, Loader, LoadProblem, Progress, worker_pool
from looker_ops.engines.prune import (
    SEGMENT_COLUMN,
    Reference,
    combined_filter,
    partition_conjuncts,
    segment_predicate,
    strip_db_qualifiers,
)
from looker_ops.engines.translate import SESSION_SETTINGS, to_duckdb, translate_tree
from looker_ops.errors import BadInput, LookerOpsError
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP

CLOUDTRAIL_TABLE = CLOUDTRAIL.name  # the view queries read
GEOIP_TABLE = GEOIP.name
LOCAL_TABLES = (CLOUDTRAIL_TABLE, GEOIP_TABLE)
MEMORY_LIMIT = "512MB"  # DuckDB's: beyond it, the loaded rows and query state go to the spill folder
DEFAULT_TABLE_NAMES: Mapping[str, str] = {CLOUDTRAIL_TABLE: CLOUDTRAIL_TABLE, GEOIP_TABLE: GEOIP_TABLE}


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    sql: str  # the DuckDB SQL that was run
    files_scanned: int = 0  # files the query read (each opened once, for it or an earlier query)
    partition_filter: str | None = None
    files_opened: int = 0  # files opened to answer this query (0: its segments were loaded)


class EngineError(LookerOpsError):
    """A query could not be translated or run; the message is sqlglot's or DuckDB's."""


def bundled_sample_dir() -> Path:
    """The generated sample shipped with the package (``looker_ops/data/sample``)."""
    return Path(str(importlib.resources.files("looker_ops").joinpath("data", "sample")))


def bundled_geoip_dir() -> Path:
    """The geo-IP rows for the bundled sample's IPs (``looker_ops/data/sample/geoip``)."""
    return bundled_sample_dir() / "geoip"


class LocalEngine:
    """DuckDB over CloudTrail files, queried with Athena SQL. ``data_dir=None``: the bundled sample.

    ``progress``: where loading progress goes (default: stderr, live on a terminal; see
    :class:`~looker_ops.engines.loader.Progress`); ``False``: nowhere.
    """

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        geoip_dir: Path | None = None,
        table_names: Mapping[str, str] | None = None,
        progress: Progress | bool | None = None,
    ) -> None:
        explicit = data_dir is not None
        if data_dir is None:
            data_dir = bundled_sample_dir()
            if geoip_dir is None and bundled_geoip_dir().is_dir():
                geoip_dir = bundled_geoip_dir()
        names = dict(DEFAULT_TABLE_NAMES if table_names is None else table_names)
        for query_name, local in names.items():
            if local not in LOCAL_TABLES:
                raise BadInput(
                    f"table_names[{query_name!r}] = {local!r}: must be one of {', '.join(LOCAL_TABLES)}"
                )
        self._names = {k.strip('"`').split(".")[-1].strip('"`').lower(): v for k, v in names.items()}
        self.data_dir = data_dir
        paths = discover(data_dir)
        if not paths and explicit:  # an empty or wrong --data folder must not pass as "no events"
            raise BadInput(f"{data_dir}: no CloudTrail log files (*.json, *.json.gz) found")
        self._layout = Layout.of(paths)
        pool = worker_pool(self._layout)  # before DuckDB starts its threads
        # An in-memory database with a memory limit and a spill folder: what does not fit is
        # written to the temporary folder, so memory stays bounded whatever the logs' size. (A
        # database file did the same at 1.5 times the loading CPU: DuckDB compresses and
        # checkpoints every row group it writes.) The folder is removed on close.
        self._tmp = Path(tempfile.mkdtemp(prefix="looker-ops-engine-"))
        self._conn = duckdb.connect(":memory:")
        self._conn.execute(f"SET memory_limit = '{MEMORY_LIMIT}'")
        self._conn.execute(f"SET temp_directory = '{self._tmp / 'spill'}'")
        for statement in SESSION_SETTINGS:
            self._conn.execute(statement)
        shown = progress if isinstance(progress, Progress) else None if progress is False else Progress()
        self._loader = Loader(self._conn, self._layout, shown, pool, self._tmp)
        # memos of the translation: the segments a partition predicate selects, and a view per
        # set of segments read (see _prune and _segment_view)
        self._pruned: dict[tuple[str, str], frozenset[int]] = {}
        self._segment_views: dict[frozenset[int], str] = {}
        cols = ", ".join(f'"{c.name}"' for c in CLOUDTRAIL.all_columns)
        self._conn.execute(f"CREATE VIEW {CLOUDTRAIL_TABLE} AS SELECT {cols} FROM {ROWS_TABLE}")
        self._loader.load_flat_files()
        self._load_geoip(geoip_dir)

    @property
    def problems(self) -> list[LoadProblem]:
        """Files and records that could not be loaded as Athena reads them (so far)."""
        self._loader.report_duplicates()
        return self._loader.problems

    @property
    def files_opened(self) -> int:
        """Log files opened so far (each at most once)."""
        return self._loader.files_opened

    def files(self) -> list[LogFile]:
        """Every file with its partition (``records``: None for a file not loaded yet)."""
        return self._layout.log_files()

    def load_all(self) -> None:
        """Load every segment now (``check --data`` reads everything)."""
        self._loader.load(None)

    # ------------------------------------------------------------------ loading

    def _load_geoip(self, geoip_dir: Path | None) -> None:
        col_defs = ", ".join(f'"{c.name}" {c.type.duckdb()}' for c in GEOIP.columns)
        self._conn.execute(f"CREATE TABLE {GEOIP_TABLE} ({col_defs})")
        if geoip_dir is None:
            return
        if not geoip_dir.exists():
            raise BadInput(f"{geoip_dir}: no such geo-IP file or directory")
        files = (
            [geoip_dir]
            if geoip_dir.is_file()
            else sorted(p for p in geoip_dir.rglob("*") if p.suffix in (".csv", ".parquet") and p.is_file())
        )
        names = [c.name for c in GEOIP.columns]
        casts = ", ".join(f'CAST("{c.name}" AS {c.type.duckdb()})' for c in GEOIP.columns)
        for path in files:
            if path.suffix == ".csv":
                with path.open(encoding="utf-8", newline="") as fh:
                    header = next(csv.reader(fh), [])
                source = "read_csv(?, header=true, all_varchar=true)"
            else:
                header = [
                    r[0]
                    for r in self._conn.execute(
                        "DESCRIBE SELECT * FROM read_parquet(?)", [str(path)]
                    ).fetchall()
                ]
                source = "read_parquet(?)"
            missing = [n for n in names if n not in header]
            if missing:
                raise BadInput(f"{path}: geo-IP file lacks column(s) {', '.join(missing)}")
            try:
                self._conn.execute(f"INSERT INTO {GEOIP_TABLE} SELECT {casts} FROM {source}", [str(path)])
            except duckdb.Error as exc:
                raise BadInput(f"{path}: {_first_line(exc)}") from None

    # ------------------------------------------------------------------ querying

    def translate(self, athena_sql: str) -> str:
        """The DuckDB SQL the engine would run for ``athena_sql`` (with partition pruning)."""
        sql, _refs = self._translate(athena_sql)
        return sql

    def query(self, athena_sql: str) -> QueryResult:
        """Run Athena SQL, loading first the segments it reads that are not loaded yet."""
        sql, refs = self._translate(athena_sql)
        opened = self._loader.files_opened
        wanted: set[int] | None = set()
        for ref in refs:
            wanted = None if ref.segments is None or wanted is None else wanted | ref.segments
        self._loader.load(wanted)
        try:
            cursor = self._conn.execute(sql)
            rows = cursor.fetchall()
            description = cursor.description or []
        except duckdb.Error as exc:
            raise EngineError(_message(exc)) from None
        return QueryResult(
            columns=[d[0] for d in description],
            types=[str(d[1]) for d in description],
            rows=[tuple(r) for r in rows],
            sql=sql,
            files_scanned=len(self._layout.files_of(wanted)) if refs else 0,
            partition_filter=combined_filter(refs),
            files_opened=self._loader.files_opened - opened,
        )

    def close(self) -> None:
        self._loader.close()
        self._conn.close()
        shutil.rmtree(self._tmp, ignore_errors=True)

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ translation

    def _translate(self, athena_sql: str) -> tuple[str, list[Reference]]:
        try:
            statements = [s for s in sqlglot.parse(athena_sql, read="athena") if s is not None]
        except SqlglotError as exc:
            raise EngineError(_message(exc)) from None
        if len(statements) != 1:
            raise EngineError(f"expected one SQL statement, got {len(statements)}")
        tree = statements[0]
        if not isinstance(tree, exp.Expression):  # pragma: no cover - sqlglot always returns one
            raise EngineError("could not parse the SQL")
        refs = self._rewrite_tables(tree)
        try:
            tree = translate_tree(tree)
            return to_duckdb(tree), refs
        except SqlglotError as exc:
            raise EngineError(_message(exc)) from None

    def _rewrite_tables(self, tree: exp.Expression) -> list[Reference]:
        cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        refs: list[Reference] = []
        for table in list(tree.find_all(exp.Table)):
            if not isinstance(table.this, exp.Identifier):
                continue
            name = table.name.lower()
            if not table.args.get("db") and name in cte_names:
                continue
            local = self._names.get(name)
            if local is None:
                continue
            alias = table.args.get("alias")
            alias_ident = alias.this if isinstance(alias, exp.TableAlias) and alias.this else table.this
            alias_name = alias_ident.name
            strip_db_qualifiers(tree, table)
            new_alias = exp.TableAlias(this=alias_ident.copy())
            if local == GEOIP_TABLE:
                table.replace(exp.Table(this=exp.to_identifier(GEOIP_TABLE), alias=new_alias))
                continue
            ref = self._prune(table, alias_name)
            refs.append(ref)
            if ref.segments is None:
                table.replace(exp.Table(this=exp.to_identifier(CLOUDTRAIL_TABLE), alias=new_alias))
            else:
                view = self._segment_view(frozenset(ref.segments))
                table.replace(exp.Table(this=exp.to_identifier(view), alias=new_alias))
        return refs

    def _segment_view(self, segments: frozenset[int]) -> str:
        """A view of the rows of ``segments`` with the table's columns, made once per set of
        segments (the tiles of a dashboard read the same window: one view for all of them)."""
        name = self._segment_views.get(segments)
        if name is None:
            name = f"{CLOUDTRAIL_TABLE}_segments_{len(self._segment_views) + 1}"
            self._conn.execute(f"CREATE TEMP VIEW {name} AS {_rows_select(set(segments))}")
            self._segment_views[segments] = name
        return name

    def _prune(self, table: exp.Table, alias: str) -> Reference:
        conjuncts = partition_conjuncts(table, alias)
        if not conjuncts:
            return Reference(None, None)
        predicate = exp.and_(*[c.copy() for c in conjuncts])
        text = predicate.sql(dialect="athena")
        known = self._pruned.get((alias, text))
        if known is not None:
            return Reference(set(known), text)
        unqualified = predicate.copy()
        for col in unqualified.find_all(exp.Column):
            col.set("table", None)
        probe = exp.select(exp.column(SEGMENT_COLUMN)).from_(SEGMENTS_TABLE).where(unqualified)
        try:
            sql = to_duckdb(translate_tree(probe))
            found = {int(r[0]) for r in self._conn.execute(sql).fetchall()}
        except (duckdb.Error, SqlglotError):
            return Reference(None, None)  # the query itself will report the problem
        self._pruned[(alias, text)] = frozenset(found)  # the segments' partitions never change
        return Reference(found, text)


def _rows_select(segments: set[int]) -> str:
    """The rows of the given segments, with the table's columns."""
    cols = ", ".join(f'"{c.name}"' for c in CLOUDTRAIL.all_columns)
    return f"SELECT {cols} FROM {ROWS_TABLE} WHERE {segment_predicate(segments)}"


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__


def _message(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    lines = [ln for ln in text.splitlines() if ln.strip()]
    return "\n".join(lines)


def iter_rows(engine: LocalEngine, athena_sql: str) -> Iterator[dict[str, Any]]:
    """Rows of a query as dicts (column name -> value): a convenience for tests and tools."""
    result = engine.query(athena_sql)
    for row in result.rows:
        yield dict(zip(result.columns, row, strict=True))


__all__ = [
    "CLOUDTRAIL_TABLE",
    "GEOIP_TABLE",
    "EngineError",
    "LoadProblem",
    "LocalEngine",
    "LogFile",
    "QueryResult",
    "bundled_geoip_dir",
    "bundled_sample_dir",
    "discover",
]
