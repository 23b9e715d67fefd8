"""Loading segments of CloudTrail files into DuckDB, on every core, a bounded batch at a time.

:class:`Loader` owns the hidden tables: ``_cloudtrail_rows`` (every loaded record, with its
segment and file numbers) and ``_cloudtrail_segments`` (segment -> partition values, known from
the S3 layout before any file is opened). ``load(segments)`` reads the files of the segments not
loaded yet: worker processes turn batches of files into NDJSON files (see
:mod:`looker_ops.engines.records`) while this process inserts the finished batches, a few
hundred thousand records at a time, with DuckDB's JSON reader and deletes them, so memory
holds a few batches, whatever the total size.
Problems (a file that cannot be read, a record that is skipped or that Athena would read
differently, eventIDs shared by several records) are appended to ``problems``.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.pool import Pool
from pathlib import Path
from typing import TextIO

import duckdb

from looker_ops.engines.layout import Layout
from looker_ops.engines.records import NOTED, UNREADABLE, FileResult, FileTask, convert_files
from looker_ops.lookml.schema import CLOUDTRAIL, source_duckdb

ROWS_TABLE = "_cloudtrail_rows"  # all loaded rows, with the hidden segment and file numbers
SEGMENTS_TABLE = "_cloudtrail_segments"  # segment number -> account, region, dt
SEGMENT_COLUMN = "_segment"
FILE_COLUMN = "_file"
BATCH_BYTES = 2 << 20  # compressed bytes per worker task (about 16 MB of JSON)
INLINE_BYTES = 4 << 20  # loads smaller than this run in this process: no worker start-up
#: Converted records waiting to be inserted, in one statement, once there are this many: an
#: insert of fewer rows than a few of DuckDB's row groups (122,880 rows) costs up to ten times
#: as much per row (measured: 1M records in 74 inserts 14.7 s, in 5 inserts 2.5 s).
INSERT_ROWS = 250_000


@dataclass(frozen=True)
class LoadProblem:
    """A file (or one record of it) that could not be loaded as Athena reads it; the rest was.

    ``kind``: ``unreadable`` (the file: none of its records is used), ``skipped`` (one record),
    ``noted`` (one record loaded, that Athena would read differently or whose eventID another
    record shares) or ``unlisted`` (``records`` more records of the file, past the per-file
    limit, counted and not listed).
    """

    file: str
    message: str
    kind: str = UNREADABLE
    records: int = 1

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


def _reader_columns() -> str:
    """``columns=`` of read_json: CloudTrail's keys and the table's types, struct fields spelt as
    CloudTrail spells them. DuckDB reads any JSON value into a VARCHAR as the SerDe does: a
    string as itself, anything else as its JSON text (so the JSON-text columns need nothing
    more); the insert casts each struct to the table's by field name, in any case."""
    columns = {c.source_key: source_duckdb(c.type) for c in CLOUDTRAIL.columns}
    columns.update(_file="INTEGER", _segment="INTEGER", _account="VARCHAR", _region="VARCHAR", _dt="VARCHAR")
    return "{" + ", ".join(f"'{k}': '{v.replace(chr(39), chr(39) * 2)}'" for k, v in columns.items()) + "}"


def _select_list() -> str:
    """The rows table's columns from a read_json row ``r`` joined to its segment ``s``."""
    out = [f'r."{c.source_key}"' for c in CLOUDTRAIL.columns]
    out += ["COALESCE(s.account, r._account)", "COALESCE(s.region, r._region)", "COALESCE(s.dt, r._dt)"]
    return ", ".join([*out, f"r.{SEGMENT_COLUMN}", f"r.{FILE_COLUMN}"])


class Progress:
    """Loading progress on stderr: one live line on a terminal; elsewhere (CI, pipes) a plain
    line every few seconds, and only for a load that takes that long."""

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.start = self.last = 0.0
        self.shown = False

    def begin(self) -> None:
        self.start = self.last = time.monotonic()
        self.shown = False

    def update(self, files: int, total: int, records: int) -> None:
        now = time.monotonic()
        text = f"loading logs: {files:,}/{total:,} files, {records:,} records"
        if self.live and now - self.last >= 0.1:
            self.stream.write(f"\r{text}")
        elif not self.live and now - self.start >= 5 and now - self.last >= 5:
            self.stream.write(f"{text}\n")
        else:
            return
        self.stream.flush()
        self.last, self.shown = now, True

    def end(self, files: int, records: int) -> None:
        if not self.shown:
            return
        text = f"loaded {records:,} records from {files:,} files in {time.monotonic() - self.start:.1f} s"
        self.stream.write(f"\r\033[K{text}\n" if self.live else f"{text}\n")
        self.stream.flush()


def worker_pool(layout: Layout) -> Pool | None:
    """One worker process per core when the files are large enough to be worth it, else None.

    Call it before the DuckDB connection exists: the workers are forked while the process has
    no other thread (they only read files and write NDJSON, never touch DuckDB).
    """
    cores = os.cpu_count() or 1
    if cores < 2 or layout.total_bytes() < INLINE_BYTES:
        return None
    context = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    return multiprocessing.get_context(context).Pool(min(cores, 8))


class Loader:
    """Loads segments of ``layout`` into the DuckDB connection ``conn`` (see the module doc)."""

    def __init__(
        self,
        conn: duckdb.DuckDBPyConnection,
        layout: Layout,
        progress: Progress | None,
        pool: Pool | None,
        tmp: Path,
    ) -> None:
        self.conn = conn
        self.layout = layout
        self.progress = progress
        self.problems: list[LoadProblem] = []
        self.files_opened = 0
        self._tmp = tmp  # the engine's temporary folder: batches live here until inserted
        self._pool = pool
        self._batches = 0
        self._reported_ids: set[str] = set()
        self._duplicates_checked = True
        self._insert = (
            f"INSERT INTO {ROWS_TABLE} SELECT {_select_list()} FROM read_json(?, format='newline_delimited', "
            f"columns={_reader_columns()}) AS r LEFT JOIN {SEGMENTS_TABLE} AS s ON s.{SEGMENT_COLUMN} = r.{SEGMENT_COLUMN}"
        )
        columns = ", ".join(f'"{c.name}" {c.type.duckdb()}' for c in CLOUDTRAIL.all_columns)
        conn.execute(
            f"CREATE TABLE {ROWS_TABLE} ({columns}, {SEGMENT_COLUMN} INTEGER, {FILE_COLUMN} INTEGER)"
        )
        conn.execute(
            f"CREATE TABLE {SEGMENTS_TABLE} ({SEGMENT_COLUMN} INTEGER, account VARCHAR, region VARCHAR, dt VARCHAR)"
        )
        if layout.segments:
            conn.executemany(
                f"INSERT INTO {SEGMENTS_TABLE} VALUES (?, ?, ?, ?)",
                [(s.number, *s.partition) for s in layout.segments.values()],
            )

    # ------------------------------------------------------------------ loading

    def load_flat_files(self) -> None:
        """Read the files outside the S3 layout (once): their records give their partitions."""
        if not self.layout.flat_files:
            return
        self._run([FileTask(n, str(self.layout.paths[n]), None) for n in self.layout.flat_files])
        found = self.conn.execute(
            f"SELECT {FILE_COLUMN}, account, region, dt, count(*) FROM {ROWS_TABLE} "
            f"WHERE {SEGMENT_COLUMN} IS NULL GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        for number, account, region, day, count in found:
            segment = self.layout.add((account, region, day), loaded=True)
            segment.files.append(number)
            self.layout.records[(number, segment.number)] = count
            self.conn.execute(
                f"INSERT INTO {SEGMENTS_TABLE} VALUES (?, ?, ?, ?)", [segment.number, account, region, day]
            )
            self.conn.execute(
                f"UPDATE {ROWS_TABLE} SET {SEGMENT_COLUMN} = ? WHERE {SEGMENT_COLUMN} IS NULL AND {FILE_COLUMN} = ? "
                "AND account IS NOT DISTINCT FROM ? AND region IS NOT DISTINCT FROM ? AND dt IS NOT DISTINCT FROM ?",
                [segment.number, number, account, region, day],
            )
        self._duplicates_checked = False

    def load(self, segments: set[int] | None) -> None:
        """Make sure the given segments (None: all) are loaded."""
        chosen = (
            self.layout.segments.values() if segments is None else [self.layout.segments[s] for s in segments]
        )
        todo = [s for s in chosen if not s.loaded]
        if not todo:
            return
        tasks = [FileTask(f, str(self.layout.paths[f]), s.number) for s in todo for f in s.files]
        segment_of = {t.number: t.segment for t in tasks}
        for result in self._run(tasks):
            self.layout.records[(result.number, segment_of[result.number] or 0)] = result.records
        for s in todo:
            s.loaded = True
        self._duplicates_checked = False

    def _run(self, tasks: list[FileTask]) -> list[FileResult]:
        """Convert and insert the files of ``tasks``; returns one result per file."""
        sizes = [_size(t.path) for t in tasks]
        results: list[FileResult] = []
        if self.progress is not None:
            self.progress.begin()
        records = 0
        pending: list[Path] = []  # converted batches not inserted yet
        pending_rows = 0
        for batch_results, ndjson in self._convert(tasks, sizes):
            rows = sum(r.records for r in batch_results)
            if rows:
                pending.append(ndjson)
                pending_rows += rows
            else:
                ndjson.unlink(missing_ok=True)
            if pending_rows >= INSERT_ROWS:
                self._insert_batches(pending)
                pending, pending_rows = [], 0
            results.extend(batch_results)
            records += rows
            if self.progress is not None:
                self.progress.update(len(results), len(tasks), records)
        self._insert_batches(pending)
        self.files_opened += len(tasks)
        if self.progress is not None:
            self.progress.end(len(tasks), records)
        for result in sorted(results, key=lambda r: r.number):
            name = str(self.layout.paths[result.number])
            if result.error is not None:
                self.problems.append(LoadProblem(name, result.error))
            self.problems.extend(LoadProblem(name, message, kind, n) for kind, message, n in result.problems)
        return results

    def _insert_batches(self, paths: list[Path]) -> None:
        """Insert converted batches in one statement (DuckDB reads them on all its threads)."""
        if paths:
            self.conn.execute(self._insert, [[str(p) for p in paths]])
        for path in paths:
            path.unlink(missing_ok=True)

    def _convert(self, tasks: list[FileTask], sizes: list[int]) -> Iterator[tuple[list[FileResult], Path]]:
        """(results, NDJSON file) per batch: in this process for a small load, else in workers."""
        batches: list[list[FileTask]] = [[]]
        size = 0
        for task, task_size in zip(tasks, sizes, strict=True):
            if batches[-1] and size + task_size > BATCH_BYTES:
                batches.append([])
                size = 0
            batches[-1].append(task)
            size += task_size
        jobs = [(batch, str(self._next_path())) for batch in batches]
        if self._pool is None or sum(sizes) < INLINE_BYTES or len(jobs) == 1:
            done: Iterator[tuple[list[FileResult], str]] = map(convert_files, jobs)
        else:
            done = self._pool.imap_unordered(convert_files, jobs)
        for results, path in done:
            yield results, Path(path)

    def _next_path(self) -> Path:
        self._batches += 1
        return self._tmp / f"batch-{self._batches}.ndjson"

    # ------------------------------------------------------------------ checks

    def report_duplicates(self) -> None:
        """Report each eventID shared by several loaded records (once per ID; run when the
        problems are read, not after every load)."""
        if self._duplicates_checked:
            return
        self._duplicates_checked = True
        rows = self.conn.execute(
            f"SELECT eventid, count(*), count(DISTINCT concat_ws('|', eventtime, eventsource, eventname, requestid)), "
            f"list(DISTINCT {FILE_COLUMN} ORDER BY {FILE_COLUMN}) FROM {ROWS_TABLE} WHERE eventid IS NOT NULL "
            "GROUP BY eventid HAVING count(*) > 1 ORDER BY eventid"
        ).fetchall()
        for event_id, count, distinct, files in rows:
            if event_id in self._reported_ids:
                continue
            self._reported_ids.add(event_id)
            what = (
                f"{count} records of {distinct} different events (each counted)"
                if distinct > 1
                else f"{count} identical records (counted once)"
            )
            where = (
                ""
                if len(files) == 1
                else " (also in " + ", ".join(str(self.layout.paths[f]) for f in files[1:]) + ")"
            )
            self.problems.append(
                LoadProblem(
                    str(self.layout.paths[files[0]]), f"eventID {event_id} is shared by {what}{where}", NOTED
                )
            )

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0
