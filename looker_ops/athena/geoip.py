"""IP geolocation: MaxMind GeoIP2/GeoLite2 City CSV -> the block's ``geoip_blocks`` table.

``build`` reads a blocks file and a locations file in the GeoIP2-CSV format and writes the
table's data files plus its DDL. IPv4 networks become integer ranges, one row per /16 bucket
they cover (``bucket = ip_start div 65536``), so the block joins with an equality on the
bucket and a range test on the address; IPv6 networks are kept (ip_version 6, no bucket or
range).

Two output formats:

- ``parquet`` (default): Parquet files written by DuckDB (ZSTD, one file up to
  :data:`ROWS_PER_FILE` rows), columns and types exactly :data:`schema.GEOIP`'s, rows sorted by
  (ip_version, bucket, ip_start) so each row group covers a narrow bucket range. Python parses
  and validates the networks and stages one row per network; DuckDB expands the /16 buckets,
  sorts, types and writes. The embedded engine reads these files directly.
- ``tsv``: one gzip, tab-separated text file with a header row (Athena's LazySimpleSerDe),
  plus ``geoip_blocks.csv`` for the embedded engine, which does not read ``.tsv.gz``.

Tabs and line breaks never occur in MaxMind's names; any that did would become a space.

``upload`` (:mod:`looker_ops.athena.geoip_upload`) puts the data files in S3 and creates the table.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import gzip
import io
import ipaddress
import math
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_ops.athena.ddl import GEOIP_FIELD_DELIMITER, render_geoip_ddl
from looker_ops.config.athena import GEOIP_FORMATS, AthenaSettings, GeoipFormat
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import GEOIP
from looker_ops.textfile import not_utf8_file

if TYPE_CHECKING:
    pass

STEM = "geoip_blocks"
TSV_FILE = f"{STEM}.tsv.gz"
LOCAL_FILE = f"{STEM}.csv"
DDL_FILE = f"{STEM}.ddl.sql"
DATA_GLOBS: dict[str, str] = {"parquet": "*.parquet", "tsv": "*.tsv.gz"}
COLUMNS: tuple[str, ...] = tuple(c.name for c in GEOIP.columns)
BUCKET_BITS = 16
PLACEHOLDER_LOCATION = "s3://replace-with-your-bucket/geoip_blocks/"

# Parquet sizing. The full GeoLite2 City pair is about 5 million rows and well under 100 MB
# as ZSTD Parquet (docs/athena.md), so it stays one file: Athena splits a Parquet file by row
# group, so 1M-row groups (a few MB each) give it parallel reads without the per-file cost of
# many small objects. A build past ROWS_PER_FILE rows is cut into several files.
PARQUET_COMPRESSION = "ZSTD"
ROWS_PER_FILE = 16_000_000
ROW_GROUP_ROWS = 1_000_000
DUCKDB_MEMORY_LIMIT = "512MB"

BLOCKS_REQUIRED = ("network", "geoname_id", "registered_country_geoname_id", "latitude", "longitude")
LOCATIONS_REQUIRED = ("geoname_id", "country_iso_code", "country_name", "subdivision_1_name", "city_name")


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.reason}"


@dataclass
class BuildReport:
    blocks_file: str
    out_dir: Path
    ddl_file: Path
    format: GeoipFormat = "parquet"
    data_files: list[Path] = field(default_factory=list)  # what `geoip upload` puts in S3
    local_file: Path | None = None  # the embedded engine's CSV copy (tsv format only)
    removed: list[Path] = field(default_factory=list)  # stale outputs of an earlier build
    networks_v4: int = 0
    networks_v6: int = 0
    rows_written: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    @property
    def data_file(self) -> Path:
        """The first (usually the only) data file."""
        return self.data_files[0]

    @property
    def data_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.data_files)

    def summary(self) -> str:
        local = f"; embedded-engine copy {self.local_file}" if self.local_file else ""
        kind = "Parquet" if self.format == "parquet" else "gzip TSV"
        files = ", ".join(p.name for p in self.data_files)
        removed = f"; removed stale {', '.join(p.name for p in self.removed)}" if self.removed else ""
        return (
            f"{self.networks_v4} IPv4 and {self.networks_v6} IPv6 networks -> {self.rows_written} rows "
            f"in {len(self.data_files)} {kind} file(s) in {self.out_dir} ({files}, {self.data_bytes} bytes, "
            f"for S3); DDL in {self.ddl_file}{local}{removed}; {len(self.bad_rows)} bad row(s) skipped"
            + (
                "; note: the block locates IPv4 sources only, the IPv6 networks are kept as text and not joined"
                if self.networks_v6
                else ""
            )
        )


@dataclass(frozen=True)
class Location:
    country_iso_code: str
    country_name: str
    subdivision_1_name: str
    city_name: str


def _clean(text: str) -> str:
    return text.replace("\t", " ").replace("\r", " ").replace("\n", " ").strip()


def _open_text(path: Path) -> io.TextIOBase:
    try:
        if path.suffix == ".gz":
            return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8", newline="")
        return open(path, encoding="utf-8", newline="")
    except OSError as exc:
        raise BadInput(f"{path}: cannot read ({exc.strerror or exc})") from exc


def _reader(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each data row; BadInput when the header lacks a column or a byte
    is not UTF-8 (named by its offset)."""
    try:
        yield from _rows(path, required)
    except UnicodeDecodeError:
        raise not_utf8_file(path) from None


def _rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    with _open_text(path) as fh:
        reader = csv.DictReader(fh)
        header = reader.fieldnames or []
        missing = [c for c in required if c not in header]
        if missing:
            raise BadInput(
                f"{path}:1: header lacks column(s) {', '.join(missing)} (is this a GeoIP2-CSV file?)"
            )
        try:
            for row in reader:
                yield reader.line_num, row
        except csv.Error as exc:
            raise BadInput(f"{path}:{reader.line_num}: unreadable CSV ({exc})") from exc


def read_locations(path: Path, bad: list[BadRow]) -> dict[str, Location]:
    locations: dict[str, Location] = {}
    for line, row in _reader(path, LOCATIONS_REQUIRED):
        gid = (row.get("geoname_id") or "").strip()
        if not gid.isdigit():
            bad.append(BadRow(str(path), line, f"bad geoname_id {gid!r}"))
            continue
        locations[gid] = Location(
            country_iso_code=_clean(row.get("country_iso_code") or ""),
            country_name=_clean(row.get("country_name") or ""),
            subdivision_1_name=_clean(row.get("subdivision_1_name") or ""),
            city_name=_clean(row.get("city_name") or ""),
        )
    return locations


def _coordinate(text: str, limit: float) -> float | None:
    """A latitude/longitude, None when empty; ValueError when not a number within +-limit."""
    text = text.strip()
    if not text:
        return None
    value = float(text)
    if not math.isfinite(value) or abs(value) > limit:
        raise ValueError(text)
    return value


def _fmt(value: float | None) -> str:
    return "" if value is None else repr(value)


_IPV4_NET = re.compile(r"^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})/(\d{1,3})$")


def parse_network(text: str) -> tuple[int, str, int, int]:
    """(ip_version, canonical CIDR, first address, last address); ValueError when invalid.

    IPv4 is parsed by hand (this is the hot loop of a multi-million-row build) with the same
    rules as :mod:`ipaddress` in strict mode: octets 0-255 without leading zeros, prefix 0-32,
    no host bits set. IPv6 goes through :mod:`ipaddress`; its range is not used.
    """
    m = _IPV4_NET.match(text)
    if m is None:
        if ":" not in text:
            raise ValueError(text)
        net6 = ipaddress.IPv6Network(text, strict=True)
        return 6, str(net6), 0, 0
    start = 0
    for part in m.groups()[:4]:
        if len(part) > 1 and part[0] == "0":
            raise ValueError(text)
        octet = int(part)
        if octet > 255:
            raise ValueError(text)
        start = (start << 8) | octet
    plen = int(m.group(5))
    if plen > 32:
        raise ValueError(text)
    host_mask = (1 << (32 - plen)) - 1
    if start & host_mask:
        raise ValueError(text)
    canonical = text if m.group(5) == str(plen) else f"{text.split('/')[0]}/{plen}"
    return 4, canonical, start, start | host_mask


def expand_range(version: int, start: int, end: int) -> Iterator[tuple[str, str, str]]:
    """(bucket, ip_start, ip_end) strings, one per /16 bucket an IPv4 range covers; one empty
    triple for IPv6."""
    if version == 6:
        yield "", "", ""
        return
    s, e = str(start), str(end)
    for bucket in range(start >> BUCKET_BITS, (end >> BUCKET_BITS) + 1):
        yield str(bucket), s, e


# One validated network: (network, ip_version, ip_start, ip_end, location, latitude, longitude).
Network = tuple[str, int, int, int, Location, float | None, float | None]


def _networks(
    block_files: Sequence[Path],
    locs: dict[str, Location],
    locations: Path,
    report: BuildReport,
    progress: Callable[[int], None] | None,
) -> Iterator[Network]:
    """The good networks of the blocks files, in file order; bad rows go to the report."""
    bad = report.bad_rows
    empty = Location("", "", "", "")
    for path in block_files:
        for line, row in _reader(path, BLOCKS_REQUIRED):
            net_text = (row.get("network") or "").strip()
            try:
                version, network, ip_start, ip_end = parse_network(net_text)
            except ValueError:
                bad.append(BadRow(str(path), line, f"bad network {net_text!r}"))
                continue
            gid = (row.get("geoname_id") or "").strip() or (
                row.get("registered_country_geoname_id") or ""
            ).strip()
            if gid and gid not in locs:
                bad.append(BadRow(str(path), line, f"unknown geoname_id {gid!r} (not in {locations.name})"))
                continue
            try:
                lat = _coordinate(row.get("latitude") or "", 90.0)
            except ValueError:
                bad.append(BadRow(str(path), line, f"bad latitude {row.get('latitude')!r}"))
                continue
            try:
                lon = _coordinate(row.get("longitude") or "", 180.0)
            except ValueError:
                bad.append(BadRow(str(path), line, f"bad longitude {row.get('longitude')!r}"))
                continue
            if version == 4:
                report.networks_v4 += 1
            else:
                report.networks_v6 += 1
            yield network, version, ip_start, ip_end, locs.get(gid, empty) if gid else empty, lat, lon
            if progress is not None and (report.networks_v4 + report.networks_v6) % 100_000 == 0:
                progress(report.networks_v4 + report.networks_v6)


def build(
    blocks: Sequence[Path] | Path,
    locations: Path,
    out_dir: Path,
    *,
    location: str | None = None,
    settings: AthenaSettings | None = None,
    fmt: GeoipFormat = "parquet",
    local_csv: bool = True,
    rows_per_file: int = ROWS_PER_FILE,
    row_group_rows: int = ROW_GROUP_ROWS,
    progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build the geo-IP data files and their DDL in ``out_dir``.

    ``blocks`` may be several files (MaxMind ships IPv4 and IPv6 blocks separately). Bad rows
    (bad network, unknown geoname id, bad latitude/longitude) are skipped and listed in the
    report by file and line. ``location`` is the s3:// folder the files will live in (for the
    DDL; a placeholder when not given). ``fmt`` is ``parquet`` (default) or ``tsv``.

    ``local_csv``: with ``tsv``, also write ``geoip_blocks.csv`` (comma-separated, quoted
    where needed) for the embedded engine, which reads ``*.csv`` and ``*.parquet`` but not
    ``.tsv.gz``; ``geoip upload`` never uploads it. With ``parquet`` no copy is written: the
    engine reads the Parquet files, and a CSV beside them would load every row twice.

    Outputs of an earlier build in ``out_dir`` that this one did not write (another format,
    more Parquet parts) are removed, so the folder always holds one consistent table.
    """
    if fmt not in GEOIP_FORMATS:
        raise BadInput(f"--format: {fmt!r} is not one of {', '.join(GEOIP_FORMATS)}")
    if rows_per_file < 1 or row_group_rows < 1:
        raise BadInput("--rows-per-file: must be a positive number of rows")
    block_files = [blocks] if isinstance(blocks, Path) else list(blocks)
    if not block_files:
        raise BadInput("--blocks: at least one blocks CSV file is required")
    bad: list[BadRow] = []
    locs = read_locations(locations, bad)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BadInput(f"--out {out_dir}: cannot create ({exc.strerror or exc})") from exc
    report = BuildReport(
        blocks_file=", ".join(str(b) for b in block_files),
        out_dir=out_dir,
        ddl_file=out_dir / DDL_FILE,
        format=fmt,
        bad_rows=bad,
    )
    nets = _networks(block_files, locs, locations, report, progress)
    if fmt == "parquet":
        _write_parquet(nets, report, rows_per_file, row_group_rows)
    else:
        _write_tsv(nets, report, local_csv)
    _remove_stale(report)
    ddl_settings = dataclasses.replace(
        settings or AthenaSettings(), geoip_location=location or PLACEHOLDER_LOCATION, geoip_format=fmt
    )
    header = "-- Geo-IP table for the files of this folder; upload them with `looker-ops geoip upload`.\n"
    if not location:
        header += f"-- LOCATION is a placeholder: replace {PLACEHOLDER_LOCATION} with your s3:// folder.\n"
    header += "-- The folder must hold only the geo-IP data files (Athena reads every file in it).\n"
    report.ddl_file.write_text(header + render_geoip_ddl(ddl_settings) + ";\n", encoding="utf-8")
    return report


def _write_tsv(nets: Iterator[Network], report: BuildReport, local_csv: bool) -> None:
    """One gzip TSV (header row, /16 expansion in file order) and the engine's CSV copy."""
    out_dir = report.out_dir
    data_file = out_dir / TSV_FILE
    tmp = data_file.with_name(data_file.name + ".tmp")
    local_tmp = out_dir / (LOCAL_FILE + ".tmp")
    # mtime=0: the same input gives the same bytes.
    with (
        open(tmp, "wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, compresslevel=6) as gz,
        contextlib.ExitStack() as stack,
    ):
        text = io.TextIOWrapper(gz, encoding="utf-8", newline="")
        write = text.write
        sep = GEOIP_FIELD_DELIMITER
        write(sep.join(COLUMNS) + "\n")
        local_row: Callable[[Sequence[str]], Any] | None = None
        if local_csv:
            local_fh = stack.enter_context(open(local_tmp, "w", encoding="utf-8", newline=""))
            local_row = csv.writer(local_fh, lineterminator="\n").writerow
            local_row(COLUMNS)
        for network, version, ip_start, ip_end, loc, lat, lon in nets:
            for bucket, start, end in expand_range(version, ip_start, ip_end):
                fields = (
                    network,
                    str(version),
                    bucket,
                    start,
                    end,
                    loc.country_iso_code,
                    loc.country_name,
                    loc.subdivision_1_name,
                    loc.city_name,
                    _fmt(lat),
                    _fmt(lon),
                )
                write(sep.join(fields) + "\n")
                if local_row is not None:
                    local_row(fields)
                report.rows_written += 1
        text.flush()
        text.detach()
    tmp.replace(data_file)
    report.data_files = [data_file]
    if local_csv:
        local_tmp.replace(out_dir / LOCAL_FILE)
        report.local_file = out_dir / LOCAL_FILE


def _sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


# The staging file: one row per network, every schema column but ``bucket``, plus the input
# order (``seq``, the tie-breaker that makes the sort, and so the files, deterministic).
_STAGED: tuple[tuple[str, str], ...] = (
    ("seq", "BIGINT"),
    *((c.name, c.type.duckdb()) for c in GEOIP.columns if c.name != "bucket"),
)


def _write_parquet(
    nets: Iterator[Network], report: BuildReport, rows_per_file: int, row_group_rows: int
) -> None:
    """Stage the networks as plain TSV, then let DuckDB expand, sort, type and write Parquet.

    DuckDB runs with a memory limit and spills to the build's temporary folder, so a full
    GeoLite2 build stays within :data:`DUCKDB_MEMORY_LIMIT` plus the Python side (the
    locations table, under 100 MB)."""
    import duckdb

    out_dir = report.out_dir
    with tempfile.TemporaryDirectory(prefix=".geoip-build-", dir=out_dir) as tmp_name:
        tmp = Path(tmp_name)
        staged = tmp / "networks.tsv"
        total = 0  # rows after the /16 expansion
        with open(staged, "w", encoding="utf-8", newline="") as fh:
            write = fh.write
            for seq, (network, version, ip_start, ip_end, loc, lat, lon) in enumerate(nets):
                if version == 4:
                    total += (ip_end >> BUCKET_BITS) - (ip_start >> BUCKET_BITS) + 1
                    start, end = str(ip_start), str(ip_end)
                else:
                    total += 1
                    start = end = ""
                write(
                    f"{seq}\t{network}\t{version}\t{start}\t{end}\t"
                    f"{loc.country_iso_code}\t{loc.country_name}\t{loc.subdivision_1_name}\t"
                    f"{loc.city_name}\t{_fmt(lat)}\t{_fmt(lon)}\n"
                )
        parts = max(1, -(-total // rows_per_file))
        names = [f"{STEM}.parquet"] if parts == 1 else [f"{STEM}-{i:03d}.parquet" for i in range(parts)]
        columns = ", ".join(f"'{n}': '{t}'" for n, t in _STAGED)
        typed = ", ".join(f'CAST("{c.name}" AS {c.type.duckdb()}) AS "{c.name}"' for c in GEOIP.columns)
        # An empty field is NULL: unlocated networks and IPv6 ranges have no values. IPv4 rows
        # are repeated once per /16 bucket; IPv6 rows get a NULL bucket and sort last.
        rows = (
            f"SELECT {typed} FROM (SELECT *, unnest(CASE WHEN ip_version = 4 "
            f"THEN range(ip_start >> {BUCKET_BITS}, (ip_end >> {BUCKET_BITS}) + 1) "
            "ELSE [NULL::BIGINT] END) AS bucket "
            f"FROM read_csv({_sql_string(str(staged))}, header = false, delim = '\\t', quote = '', "
            f"escape = '', nullstr = '', columns = {{{columns}}})) "
            "ORDER BY ip_version, bucket, ip_start, seq"
        )
        con = duckdb.connect()
        try:
            con.execute(f"SET temp_directory = {_sql_string(str(tmp / 'spill'))}")
            con.execute(f"SET memory_limit = '{DUCKDB_MEMORY_LIMIT}'")
            con.execute("SET enable_progress_bar = false")  # the CLI prints its own summary
            for i, name in enumerate(names):
                part = rows if parts == 1 else f"{rows} LIMIT {rows_per_file} OFFSET {i * rows_per_file}"
                con.execute(
                    f"COPY ({part}) TO {_sql_string(str(tmp / name))} (FORMAT PARQUET, "
                    f"COMPRESSION {PARQUET_COMPRESSION}, ROW_GROUP_SIZE {row_group_rows})"
                )
        except duckdb.Error as exc:  # pragma: no cover - disk full, out of memory
            raise BadInput(f"--out {out_dir}: writing Parquet failed ({exc})") from exc
        finally:
            con.close()
        report.rows_written = total
        for name in names:
            (tmp / name).replace(out_dir / name)
        report.data_files = [out_dir / name for name in names]


def _remove_stale(report: BuildReport) -> None:
    """Delete this tool's own outputs of an earlier build that this build did not write."""
    keep = {*report.data_files, *([report.local_file] if report.local_file else [])}
    out = report.out_dir
    candidates = [out / TSV_FILE, out / LOCAL_FILE, out / f"{STEM}.parquet", *out.glob(f"{STEM}-*.parquet")]
    for path in sorted(set(candidates)):
        if path not in keep and path.is_file():
            path.unlink()
            report.removed.append(path)


def data_files(data_dir: Path) -> tuple[GeoipFormat, list[Path]]:
    """The format and data files of a folder ``geoip build`` wrote; BadInput naming ``--dir``."""
    found: dict[GeoipFormat, list[Path]] = {"parquet": [], "tsv": []}
    if data_dir.is_dir():
        for fmt in found:
            found[fmt] = sorted(data_dir.glob(DATA_GLOBS[fmt]))
    if found["parquet"] and found["tsv"]:
        raise BadInput(
            f"--dir {data_dir}: holds both Parquet ({found['parquet'][0].name}) and TSV "
            f"({found['tsv'][0].name}) files; one table has one format: build again into this folder "
            "(it removes the other format's files) or remove one kind"
        )
    for fmt, files in found.items():
        if files:
            return fmt, files
    raise BadInput(f"--dir {data_dir}: no *.parquet or *.tsv.gz files (run `looker-ops geoip build` first)")


def duckdb_source(geoip_dir: Path | str) -> str:
    """A DuckDB table expression reading the built files (either format) with the schema's types."""
    fmt, files = data_files(Path(geoip_dir))
    paths = "[" + ", ".join(_sql_string(str(p)) for p in files) + "]"
    if fmt == "parquet":
        return f"read_parquet({paths})"
    columns = ", ".join(f"'{c.name}': '{c.type.duckdb()}'" for c in GEOIP.columns)
    return (
        f"read_csv({paths}, header = true, delim = '\\t', quote = '', escape = '', "
        f"nullstr = '', columns = {{{columns}}})"
    )
