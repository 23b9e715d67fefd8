"""Reading CloudTrail files into newline-delimited JSON that DuckDB loads with typed columns.

This is the work done for every record, so it runs in worker processes (see
:mod:`looker_ops.engines.loader`) and does as little as it can in Python:

- a file is read, gunzipped (when it starts with gzip's magic bytes) and parsed with orjson;
- a record keeps its keys (DuckDB maps CloudTrail's to the table's columns and ignores the
  rest); only a record with a known key spelt in another case is re-keyed (Athena's SerDe
  matches keys case-insensitively, and so does this);
- the struct columns (``userIdentity``, ``resources``, ``addendum``, ``tlsDetails``) have their
  shape and spelling checked (a few set operations); a key spelt in another case is re-spelt
  as CloudTrail spells it, and a record whose struct column is not an object (or array of
  objects) is skipped and reported;
- each line gets the record's file number and its segment (or, for a file outside the S3
  layout, its partition values learnt from the record).

Records that load but that Athena would read differently are reported, naming the file, the
record's position and its eventID: an eventTime that ``from_iso8601_timestamp`` rejects
(``"redacted"``, a space instead of ``T``, a time without a date), no eventTime, no eventID.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from looker_ops.lookml.schema import CLOUDTRAIL, Array, Map, SqlType, Struct

#: The ISO 8601 forms Athena's ``from_iso8601_timestamp`` reads that DuckDB's TIMESTAMPTZ cast
#: reads alike: a date, optionally ``T`` and a time (seconds and fraction optional) and a zone
#: offset. DuckDB's cast also takes a space for the ``T``, which Athena rejects; the engine's
#: translation of ``from_iso8601_timestamp`` uses this pattern to reject it too.
ISO_8601_PATTERN = (
    "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?"
)
ISO_8601 = re.compile(ISO_8601_PATTERN)
_SPACE_FOR_T = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:")
MAX_RECORD_PROBLEMS = 20  # per file; the rest are counted in one line

# The kinds of load problem (LoadProblem.kind): a file that could not be read (none of its
# records is used), a record skipped, a record loaded with a note (Athena would read it
# differently, or it shares its eventID), and records past the per-file limit (counted only).
UNREADABLE, SKIPPED, NOTED, UNLISTED = "unreadable", "skipped", "noted", "unlisted"

Converter = Callable[[Any], Any]


class BadRecord(Exception):
    """A record that cannot be loaded (it is skipped and reported)."""


@dataclass(frozen=True)
class FileTask:
    """One file to read: its number, its path and, for a file in the S3 layout, its segment."""

    number: int
    path: str
    segment: int | None


@dataclass
class FileResult:
    """What reading one file gave: its record count, or the reason it could not be read.
    ``problems``: (kind, message, records) of its records that were skipped or loaded with a
    note (kinds as :class:`looker_ops.engines.loader.LoadProblem`'s)."""

    number: int
    records: int = 0
    error: str | None = None
    problems: list[tuple[str, str, int]] = field(default_factory=list)


# --------------------------------------------------------------------------- struct columns
#
# DuckDB's JSON reader matches keys exactly, and the loader's reader types spell every key as
# CloudTrail does (``principalId``, ``ARN``); the insert into the table matches struct fields by
# name in any case. So a record spelt as CloudTrail spells it, with structs where the table has
# structs, is written as it was read: checking that costs a few set operations. Only a record
# with a key spelt otherwise (the SerDe matches keys case-insensitively, and so does this) is
# re-keyed, and one whose struct column is not an object (or array of objects) is skipped and
# reported.

Check = Callable[[Any], bool]


def _lower_keys(keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(k.lower() for k in keys)


def _respelt(extra: Any, lower: frozenset[str]) -> bool:
    """Whether a key outside the known spellings is a known key spelt in another case."""
    return any(type(k) is str and k.lower() in lower for k in extra)


def _checker(sql_type: SqlType) -> Check | None:
    """True when a value of ``sql_type`` reads as it is (None: any JSON value reads)."""
    if isinstance(sql_type, Struct):
        keys = frozenset(sql_type.source_keys)
        lower = _lower_keys(sql_type.source_keys)
        nested = [
            (key, check)
            for key, (_, t) in zip(sql_type.source_keys, sql_type.fields, strict=True)
            if (check := _checker(t)) is not None
        ]

        def struct_ok(value: Any) -> bool:
            if type(value) is not dict:
                return False
            if not value.keys() <= keys and _respelt(value.keys() - keys, lower):
                return False
            for key, check in nested:
                item = value.get(key)
                if item is not None and not check(item):
                    return False
            return True

        return struct_ok
    if isinstance(sql_type, Array):
        element = _checker(sql_type.element)

        def array_ok(value: Any) -> bool:
            if type(value) is not list:
                return False
            return element is None or all(v is None or element(v) for v in value)

        return array_ok
    if isinstance(sql_type, Map):
        return lambda value: type(value) is dict
    return None


def _converter(sql_type: SqlType, where: str) -> Converter | None:
    """Re-spells a value of ``sql_type`` as CloudTrail does; raises BadRecord for a value that
    is not the right shape (None: any JSON value reads)."""
    if isinstance(sql_type, Struct):
        fields: dict[str, tuple[str, Converter | None]] = {
            key.lower(): (key, _converter(t, f"{where}.{name}"))
            for key, (name, t) in zip(sql_type.source_keys, sql_type.fields, strict=True)
        }

        def struct(value: Any) -> Any:
            if type(value) is not dict:
                raise BadRecord(f"{where} is {_kind(value)}, not an object")
            out = {}
            for key, item in value.items():
                hit = fields.get(str(key).lower())
                if item is None or hit is None:
                    continue
                spelt, sub = hit
                out[spelt] = item if sub is None else sub(item)
            return out

        return struct
    if isinstance(sql_type, Array):
        element = _converter(sql_type.element, f"{where}[]")

        def array(value: Any) -> Any:
            if type(value) is not list:
                raise BadRecord(f"{where} is {_kind(value)}, not an array")
            return value if element is None else [None if v is None else element(v) for v in value]

        return array
    if isinstance(sql_type, Map):

        def mapping(value: Any) -> Any:
            if type(value) is not dict:
                raise BadRecord(f"{where} is {_kind(value)}, not an object")
            return value

        return mapping
    return None


def _kind(value: Any) -> str:
    return {str: "a string", bool: "a boolean", int: "a number", float: "a number", list: "an array"}.get(
        type(value), "an object"
    )


_NESTED: tuple[tuple[str, Check, Converter], ...] = tuple(
    (c.source_key, check, convert)
    for c in CLOUDTRAIL.columns
    if (check := _checker(c.type)) is not None and (convert := _converter(c.type, c.source_key)) is not None
)
_CANONICAL = frozenset(c.source_key for c in CLOUDTRAIL.columns)
_BY_LOWER = {key.lower(): key for key in _CANONICAL}
_LOWER = frozenset(_BY_LOWER)


def _canonical_keys(record: dict[str, Any]) -> dict[str, Any]:
    """The record with CloudTrail's spelling of every known key (the SerDe ignores case)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        canonical = key if key in _CANONICAL else _BY_LOWER.get(str(key).lower())
        if canonical is not None and (value is not None or canonical not in out):
            out[canonical] = value
    return out


def normalise(record: Any) -> dict[str, Any]:
    """The record as the loader writes it (see above); raises BadRecord."""
    if type(record) is not dict:
        raise BadRecord(f"is {_kind(record)}, not an object")
    if not record.keys() <= _CANONICAL and _respelt(record.keys() - _CANONICAL, _LOWER):
        record = _canonical_keys(record)
    for key, check, convert in _NESTED:
        value = record.get(key)
        if value is not None and not check(value):
            record[key] = convert(value)
    return record


# --------------------------------------------------------------------------- checks


_ISO_8601_FULLMATCH = ISO_8601.fullmatch


def record_problem(record: dict[str, Any]) -> str | None:
    """What Athena would read differently in a loaded record, or None."""
    when = record.get("eventTime")
    if type(when) is str and _ISO_8601_FULLMATCH(when) is not None and record.get("eventID"):
        return None  # nearly every record: nothing more to look at
    notes = []
    if when is None:
        notes.append("no eventTime: no dated tile counts it")
    elif type(when) is not str or ISO_8601.fullmatch(when) is None:
        shown = orjson.dumps(when).decode()
        if type(when) is str and _SPACE_FOR_T.match(when):
            notes.append(
                f"eventTime {shown} has a space instead of 'T': Athena's from_iso8601_timestamp "
                "rejects it, so its event time is empty (NULL) on Athena and here"
            )
        else:
            notes.append(
                f"eventTime {shown} is not an ISO 8601 date and time: its event time is empty "
                "(NULL), no dated tile counts it"
            )
    if not record.get("eventID"):
        notes.append("no eventID: counted, but it cannot be told apart by ID")
    return "; ".join(notes) if notes else None


def flat_partition(record: dict[str, Any]) -> tuple[Any, Any, Any]:
    """account, region and dt of a record of a file outside the S3 layout (from its fields)."""
    account = record.get("recipientAccountId")
    if not account:
        identity = record.get("userIdentity")
        account = identity.get("accountId") if isinstance(identity, dict) else None
    when = record.get("eventTime")
    day = when[:10].replace("-", "/") if isinstance(when, str) and ISO_8601.match(when[:10]) else None
    return account, record.get("awsRegion"), day


# --------------------------------------------------------------------------- files


def read_records(path: str) -> list[Any]:
    """The ``Records`` list of a CloudTrail file; raises ValueError with a clear message."""
    try:
        with open(path, "rb") as fh:
            data = fh.read()
        if data[:2] == b"\x1f\x8b":
            data = zlib.decompress(data, 47) if len(data) < 1 << 30 else gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise ValueError(f"cannot decompress: {exc}") from None
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError:
        raise ValueError(_json_error(data)) from None
    if not isinstance(doc, dict) or "Records" not in doc:
        raise ValueError('not a CloudTrail log file: no top-level "Records" key')
    records = doc["Records"]
    if not isinstance(records, list):
        raise ValueError('"Records" is not an array')
    return records


def _json_error(data: bytes) -> str:
    """The reason ``data`` is not JSON, in the standard library's words (line and column)."""
    try:
        json.loads(data.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8 text: {exc}"
    except json.JSONDecodeError as exc:
        # json's own messages may end in "at" ("Unterminated string starting at"): no second one
        msg = exc.msg if exc.msg.endswith(" at") else f"{exc.msg} at"
        return f"not JSON: {msg} line {exc.lineno} column {exc.colno}"
    return "not JSON"


def convert_file(task: FileTask, out: IO[bytes]) -> FileResult:
    """Write the loadable records of one file to ``out`` as NDJSON lines."""
    result = FileResult(task.number)
    try:
        records = read_records(task.path)
    except ValueError as exc:
        result.error = str(exc)
        return result
    extra: dict[str, Any] = {"_file": task.number, "_segment": task.segment}
    lines: list[bytes] = []
    reported = 0
    for index, raw in enumerate(records):
        record: dict[str, Any] | None = None
        try:
            record = normalise(raw)
        except BadRecord as exc:
            note: str | None = f"{exc}; record skipped"
        else:
            note = record_problem(record)
        if note is not None:
            reported += 1
            if reported <= MAX_RECORD_PROBLEMS:
                kind = SKIPPED if record is None else NOTED
                result.problems.append((kind, f"record {index}{_event_id(raw)}: {note}", 1))
        if record is None:
            continue
        if task.segment is None:
            extra["_account"], extra["_region"], extra["_dt"] = flat_partition(record)
        record.update(extra)
        lines.append(orjson.dumps(record))
    if reported > MAX_RECORD_PROBLEMS:
        more = reported - MAX_RECORD_PROBLEMS
        result.problems.append((UNLISTED, f"{more} more records with problems", more))
    if lines:
        lines.append(b"")
        out.write(b"\n".join(lines))
    result.records = len(lines) - 1 if lines else 0
    return result


def _event_id(record: Any) -> str:
    event_id = record.get("eventID") if isinstance(record, dict) else None
    return f" (eventID {event_id})" if isinstance(event_id, str) and event_id else ""


def convert_files(job: tuple[list[FileTask], str]) -> tuple[list[FileResult], str]:
    """A worker's task: convert ``tasks`` into the NDJSON file ``path`` (created here)."""
    tasks, path = job
    with open(path, "wb") as out:
        return [convert_file(task, out) for task in tasks], path
