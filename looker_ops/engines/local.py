"""The embedded engine: DuckDB over CloudTrail log files on disk, queried with Athena SQL.

Loading: every ``.json`` / ``.json.gz`` file under a folder (recursively; or one file) is read
as CloudTrail delivers it (``{"Records": [...]}``). Records are normalised in Python, one file
at a time, the way Athena's CloudTrail/JSON SerDe presents them (struct keys lower-cased,
JSON-text columns holding the value's JSON text, booleans and numbers in STRING columns as
text), written to a temporary NDJSON file and read by DuckDB with explicitly typed columns,
so the table ``cloudtrail_logs`` has exactly the columns and types of
:data:`looker_ops.lookml.schema.CLOUDTRAIL`. Files that cannot be read are skipped and
reported in :attr:`LocalEngine.problems`; so is any single record that does not fit.

Partitions: ``account``, ``region`` and ``dt`` come from the S3 key
(``AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/...``) or, for files outside that
layout, from each record's ``recipientAccountId``, ``awsRegion`` and ``eventTime``. Each
(file, partition) pair is a *segment*; every row carries its hidden segment id.

Querying: Athena SQL is parsed with sqlglot, table references are pointed at the local tables,
WHERE conjuncts that use only partition columns are evaluated against the segment index so
that the query reads only the matching segments' rows (reported as ``files_scanned`` and
``partition_filter``), the translation fixes of :mod:`looker_ops.engines.translate` are
applied, and DuckDB runs the result. See docs/engine.md.
"""

from __future__ import annotations

import csv
import gzip
import importlib.resources
import json
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from looker_ops.engines.translate import SESSION_SETTINGS, to_duckdb, translate_tree
from looker_ops.errors import BadInput, LookerOpsError
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP, Array, Map, Scalar, SqlType, Struct

CLOUDTRAIL_TABLE = CLOUDTRAIL.name  # the view queries read
GEOIP_TABLE = GEOIP.name
ROWS_TABLE = "_cloudtrail_rows"  # all rows, with the hidden segment id
SEGMENTS_TABLE = "_cloudtrail_segments"  # segment id -> file, account, region, dt
SEGMENT_COLUMN = "_segment"
LOCAL_TABLES = (CLOUDTRAIL_TABLE, GEOIP_TABLE)
DEFAULT_TABLE_NAMES: Mapping[str, str] = {CLOUDTRAIL_TABLE: CLOUDTRAIL_TABLE, GEOIP_TABLE: GEOIP_TABLE}

_S3_KEY = re.compile(
    r"(?:^|/)AWSLogs/(?:o-[a-z0-9]+/)?(?P<account>\d{12})/CloudTrail/(?P<region>[a-z0-9-]+)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/[^/]+$"
)
_SKIPPED_DIRS = {"CloudTrail-Digest"}  # digest files are signatures, not logs


# --------------------------------------------------------------------------- public types


@dataclass(frozen=True)
class LoadProblem:
    """A file (or one record of it) that could not be loaded; the rest was loaded."""

    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class LogFile:
    """One loaded file and its partition values (a file outside the S3 layout whose records
    span several partitions appears once per partition)."""

    path: Path
    account: str | None
    region: str | None
    dt: str | None
    records: int


@dataclass
class QueryResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    sql: str  # the DuckDB SQL that was run
    files_scanned: int = 0
    partition_filter: str | None = None


class EngineError(LookerOpsError):
    """A query could not be translated or run; the message is sqlglot's or DuckDB's."""


def bundled_sample_dir() -> Path:
    """The generated sample shipped with the package (``looker_ops/data/sample``)."""
    return Path(str(importlib.resources.files("looker_ops").joinpath("data", "sample")))


def bundled_geoip_dir() -> Path:
    """The geo-IP rows for the bundled sample's IPs (``looker_ops/data/sample/geoip``)."""
    return bundled_sample_dir() / "geoip"


# --------------------------------------------------------------------------- normalising


class _BadValue(Exception):
    pass


Converter = Callable[[Any], Any]


def _to_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _converter(sql_type: SqlType, where: str, *, json_text: bool = False) -> Converter:
    """A function turning a JSON value into the column's value, as Athena's SerDe reads it."""
    if json_text:
        return lambda v: None if v is None else _to_text(v)
    if isinstance(sql_type, Scalar):
        return _scalar_converter(sql_type.name, where)
    if isinstance(sql_type, Struct):
        fields = [(name, _converter(t, f"{where}.{name}")) for name, t in sql_type.fields]

        def struct(v: dict[Any, Any]) -> Any:
            lowered = {str(k).lower(): x for k, x in v.items()}
            out = {}
            for name, conv in fields:
                x = lowered.get(name)
                if x is not None:
                    out[name] = conv(x)
            return out

        return _nested(where, dict, "an object", struct)
    if isinstance(sql_type, Array):
        element = _converter(sql_type.element, f"{where}[]")
        return _nested(where, list, "an array", lambda v: [element(x) for x in v])
    if isinstance(sql_type, Map):
        value = _converter(sql_type.value, f"{where}{{}}")
        return _nested(where, dict, "an object", lambda v: {str(k): value(x) for k, x in v.items()})
    raise TypeError(sql_type)  # pragma: no cover


def _nested(where: str, expected: type, noun: str, convert: Converter) -> Converter:
    """``convert`` for a JSON object or array; None stays None, any other value is refused."""

    def check(v: Any) -> Any:
        if v is None:
            return None
        if not isinstance(v, expected):
            raise _BadValue(f"{where}: expected {noun}, got {type(v).__name__}")
        return convert(v)

    return check


def _scalar_converter(name: str, where: str) -> Converter:
    if name == "string":
        return lambda v: None if v is None else _to_text(v)

    def number(v: Any) -> Any:
        if v is None:
            return None
        try:
            if name == "boolean":
                if isinstance(v, bool):
                    return v
                if str(v).lower() in ("true", "false"):
                    return str(v).lower() == "true"
                raise ValueError(v)
            if name == "double":
                return float(v)
            if isinstance(v, float) and not v.is_integer():
                raise ValueError(v)
            return int(v)
        except (TypeError, ValueError):
            raise _BadValue(f"{where}: {v!r} is not a {name}") from None

    return number


_COLUMNS: list[tuple[str, str, Converter]] = [
    (c.name, c.source_key.lower(), _converter(c.type, c.source_key, json_text=c.json_text))
    for c in CLOUDTRAIL.columns
]


def _normalise(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict):
        raise _BadValue(f"expected an object, got {type(record).__name__}")
    lowered = {str(k).lower(): v for k, v in record.items()}
    out: dict[str, Any] = {}
    for name, key, conv in _COLUMNS:
        v = lowered.get(key)
        if v is not None:
            out[name] = conv(v)
    return out


def _flat_partition(record: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
    account = record.get("recipientaccountid") or (record.get("useridentity") or {}).get("accountid")
    when = record.get("eventtime")
    day = when[:10].replace("-", "/") if isinstance(when, str) and len(when) >= 10 else None
    return account, record.get("awsregion"), day


def _read_records(path: Path) -> list[Any]:
    """The ``Records`` list of a CloudTrail file; raises ValueError/OSError with a clear message."""
    with path.open("rb") as fh:
        magic = fh.read(2)
    try:
        if magic == b"\x1f\x8b":
            with gzip.open(path, "rb") as gz:
                data = gz.read()
        else:
            data = path.read_bytes()
    except (OSError, EOFError) as exc:
        raise ValueError(f"cannot decompress: {exc}") from None
    try:
        doc = json.loads(data)
    except UnicodeDecodeError as exc:
        raise ValueError(f"not UTF-8 text: {exc}") from None
    except json.JSONDecodeError as exc:
        # json's own messages may end in "at" ("Unterminated string starting at"): no second one
        where = f"line {exc.lineno} column {exc.colno}"
        msg = exc.msg if exc.msg.endswith(" at") else f"{exc.msg} at"
        raise ValueError(f"not JSON: {msg} {where}") from None
    if not isinstance(doc, dict) or "Records" not in doc:
        raise ValueError('not a CloudTrail log file: no top-level "Records" key')
    records = doc["Records"]
    if not isinstance(records, list):
        raise ValueError('"Records" is not an array')
    return records


def discover(data: Path) -> list[Path]:
    """The CloudTrail files under ``data`` (or ``data`` itself), sorted."""
    if data.is_file():
        return [data]
    if not data.is_dir():
        raise BadInput(f"{data}: no such file or directory")
    return sorted(
        p
        for p in data.rglob("*")
        if p.name.endswith((".json", ".json.gz"))
        and p.is_file()
        and not _SKIPPED_DIRS.intersection(p.relative_to(data).parts)
    )


# --------------------------------------------------------------------------- the engine


@dataclass
class _Reference:
    """One reference to the CloudTrail table inside a query."""

    segments: set[int] | None  # None: every segment
    predicate: str | None


@dataclass
class _Load:
    segments: list[tuple[int, str, str | None, str | None, str | None, int]] = field(default_factory=list)
    problems: list[LoadProblem] = field(default_factory=list)


class LocalEngine:
    """DuckDB over CloudTrail files, queried with Athena SQL. ``data_dir=None``: the bundled sample."""

    def __init__(
        self,
        data_dir: Path | None = None,
        *,
        geoip_dir: Path | None = None,
        table_names: Mapping[str, str] | None = None,
    ) -> None:
        self._explicit_data = data_dir is not None
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
        self.problems: list[LoadProblem] = []
        self._conn = duckdb.connect(":memory:")
        for statement in SESSION_SETTINGS:
            self._conn.execute(statement)
        self._segment_files: dict[int, str] = {}
        self._files: list[LogFile] = []
        self._load_cloudtrail(data_dir)
        self._load_geoip(geoip_dir)

    # ------------------------------------------------------------------ loading

    def _load_cloudtrail(self, data_dir: Path) -> None:
        columns = {c.name: c.type.duckdb() for c in CLOUDTRAIL.all_columns}
        col_defs = ", ".join(f'"{n}" {t}' for n, t in columns.items())
        self._conn.execute(f"CREATE TABLE {ROWS_TABLE} ({col_defs}, {SEGMENT_COLUMN} INTEGER)")
        segments: list[tuple[int, str, str | None, str | None, str | None, int]] = []
        with tempfile.TemporaryDirectory(prefix="looker-ops-") as tmp:
            ndjson = Path(tmp) / "records.ndjson"
            written = 0
            with ndjson.open("w", encoding="utf-8") as out:
                for path in self._discover(data_dir):
                    written += self._load_file(path, out, segments)
            if written:
                self._conn.execute(
                    f"INSERT INTO {ROWS_TABLE} SELECT * FROM read_json(?, format='newline_delimited', "
                    f"columns={_duck_struct_literal({**columns, SEGMENT_COLUMN: 'INTEGER'})})",
                    [str(ndjson)],
                )
        self._conn.execute(
            f"CREATE TABLE {SEGMENTS_TABLE} ({SEGMENT_COLUMN} INTEGER, file VARCHAR, "
            f"account VARCHAR, region VARCHAR, dt VARCHAR)"
        )
        if segments:
            self._conn.executemany(
                f"INSERT INTO {SEGMENTS_TABLE} VALUES (?, ?, ?, ?, ?)", [s[:5] for s in segments]
            )
        self._conn.execute(f"CREATE VIEW {CLOUDTRAIL_TABLE} AS {self._rows_select(None)}")
        for seg, file, account, region, day, count in segments:
            self._segment_files[seg] = file
            self._files.append(LogFile(Path(file), account, region, day, count))

    def _discover(self, data_dir: Path) -> list[Path]:
        """The files to load; a folder the caller gave that holds none is bad input (an empty or
        wrong ``--data`` folder must not pass as "no events")."""
        paths = discover(data_dir)
        if not paths and self._explicit_data:
            raise BadInput(f"{data_dir}: no CloudTrail log files (*.json, *.json.gz) found")
        return paths

    def _load_file(self, path: Path, out: Any, segments: list[tuple[Any, ...]]) -> int:
        name = str(path)
        try:
            records = _read_records(path)
        except (OSError, ValueError) as exc:
            self.problems.append(LoadProblem(name, str(exc)))
            return 0
        match = _S3_KEY.search(path.as_posix())
        fixed = (
            (match["account"], match["region"], f"{match['y']}/{match['m']}/{match['d']}") if match else None
        )
        seg_ids: dict[tuple[str | None, str | None, str | None], int] = {}
        counts: dict[int, int] = {}
        if fixed is not None:  # one segment even when the file holds no records
            seg_ids[fixed] = len(segments) + 1
            counts[seg_ids[fixed]] = 0
        written = 0
        for index, record in enumerate(records):
            try:
                row = _normalise(record)
            except _BadValue as exc:
                self.problems.append(LoadProblem(name, f"record {index}: {exc}; record skipped"))
                continue
            key = fixed or _flat_partition(row)
            seg = seg_ids.get(key)
            if seg is None:
                seg = seg_ids[key] = len(segments) + len(seg_ids) + 1
                counts[seg] = 0
            row["account"], row["region"], row["dt"] = key
            row[SEGMENT_COLUMN] = seg
            counts[seg] += 1
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")))
            out.write("\n")
            written += 1
        for key, seg in sorted(seg_ids.items(), key=lambda kv: kv[1]):
            segments.append((seg, name, *key, counts[seg]))
        return written

    def _rows_select(self, segments: set[int] | None) -> str:
        cols = ", ".join(f'"{c.name}"' for c in CLOUDTRAIL.all_columns)
        where = "" if segments is None else f" WHERE {_segment_predicate(segments)}"
        return f"SELECT {cols} FROM {ROWS_TABLE}{where}"

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

    def files(self) -> list[LogFile]:
        return list(self._files)

    def translate(self, athena_sql: str) -> str:
        """The DuckDB SQL the engine would run for ``athena_sql`` (with partition pruning)."""
        sql, _refs = self._translate(athena_sql)
        return sql

    def query(self, athena_sql: str) -> QueryResult:
        sql, refs = self._translate(athena_sql)
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
            files_scanned=self._files_scanned(refs),
            partition_filter=_combined_filter(refs),
        )

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> LocalEngine:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # ------------------------------------------------------------------ translation

    def _translate(self, athena_sql: str) -> tuple[str, list[_Reference]]:
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

    def _rewrite_tables(self, tree: exp.Expression) -> list[_Reference]:
        cte_names = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
        refs: list[_Reference] = []
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
            _strip_db_qualifiers(tree, table)
            new_alias = exp.TableAlias(this=alias_ident.copy())
            if local == GEOIP_TABLE:
                table.replace(exp.Table(this=exp.to_identifier(GEOIP_TABLE), alias=new_alias))
                continue
            ref = self._prune(table, alias_name)
            refs.append(ref)
            if ref.segments is None:
                table.replace(exp.Table(this=exp.to_identifier(CLOUDTRAIL_TABLE), alias=new_alias))
            else:
                rows = sqlglot.parse_one(self._rows_select(ref.segments), read="duckdb")
                table.replace(exp.Subquery(this=rows, alias=new_alias))
        return refs

    def _prune(self, table: exp.Table, alias: str) -> _Reference:
        conjuncts = _partition_conjuncts(table, alias)
        if not conjuncts:
            return _Reference(None, None)
        predicate = exp.and_(*[c.copy() for c in conjuncts])
        text = predicate.sql(dialect="athena")
        unqualified = predicate.copy()
        for col in unqualified.find_all(exp.Column):
            col.set("table", None)
        probe = exp.select(exp.column(SEGMENT_COLUMN)).from_(SEGMENTS_TABLE).where(unqualified)
        try:
            sql = to_duckdb(translate_tree(probe))
            found = {int(r[0]) for r in self._conn.execute(sql).fetchall()}
        except (duckdb.Error, SqlglotError):
            return _Reference(None, None)  # the query itself will report the problem
        return _Reference(found, text)

    def _files_scanned(self, refs: list[_Reference]) -> int:
        if not refs:
            return 0
        segs: set[int] = set()
        for ref in refs:
            segs |= set(self._segment_files) if ref.segments is None else ref.segments
        return len({self._segment_files[s] for s in segs if s in self._segment_files})


# --------------------------------------------------------------------------- helpers


def _duck_struct_literal(columns: Mapping[str, str]) -> str:
    return "{" + ", ".join(f"'{n}': '{t.replace(chr(39), chr(39) * 2)}'" for n, t in columns.items()) + "}"


def _segment_predicate(segments: set[int]) -> str:
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


def _strip_db_qualifiers(tree: exp.Expression, table: exp.Table) -> None:
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


def _partition_conjuncts(table: exp.Table, alias: str) -> list[exp.Expression]:
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
        if isinstance(other, exp.Table) and other.name.lower() in (GEOIP_TABLE,):
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


def _combined_filter(refs: list[_Reference]) -> str | None:
    if not refs or any(r.predicate is None for r in refs):
        return None
    texts = list(dict.fromkeys(r.predicate for r in refs if r.predicate))
    return texts[0] if len(texts) == 1 else " OR ".join(f"({t})" for t in texts)


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
