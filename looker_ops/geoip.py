"""IP geolocation: MaxMind GeoIP2/GeoLite2 City CSV -> the block's ``geoip_blocks`` table.

``build`` reads a blocks file and a locations file in the GeoIP2-CSV format and writes one
gzip, tab-separated text file with a header row of the :data:`schema.GEOIP` column names, plus
the table's DDL. IPv4 networks become integer ranges, one row per /16 bucket they cover
(``bucket = ip_start div 65536``), so the block joins with an equality on the bucket and a
range test on the address; IPv6 networks are kept (ip_version 6, no bucket or range).

Why tab-separated: location names hold commas ("Bonaire, Sint Eustatius, and Saba"), Athena's
LazySimpleSerDe has no quoting but gives typed columns, and OpenCSVSerde (which quotes) reads
an empty number as an error. Tabs and line breaks never occur in MaxMind's names; any that
did would be replaced with a space. DuckDB reads the file with ``read_csv`` (see
:func:`duckdb_source`).

``upload`` puts the data files in S3 and creates the table through the Athena runner.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import io
import ipaddress
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_ops.athena_ddl import (
    GEOIP_FIELD_DELIMITER,
    AthenaSettings,
    render_geoip_ddl,
)
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import GEOIP

if TYPE_CHECKING:
    from looker_ops.engines.athena import AthenaRunner, SetupReport

DATA_FILE = "geoip_blocks.tsv.gz"
LOCAL_FILE = "geoip_blocks.csv"
DDL_FILE = "geoip_blocks.ddl.sql"
DATA_GLOB = "*.tsv.gz"
COLUMNS: tuple[str, ...] = tuple(c.name for c in GEOIP.columns)
BUCKET_BITS = 16
PLACEHOLDER_LOCATION = "s3://replace-with-your-bucket/geoip_blocks/"

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
    data_file: Path
    ddl_file: Path
    local_file: Path | None = None
    networks_v4: int = 0
    networks_v6: int = 0
    rows_written: int = 0
    bad_rows: list[BadRow] = field(default_factory=list)

    def summary(self) -> str:
        local = f"; embedded-engine copy {self.local_file}" if self.local_file else ""
        return (
            f"{self.networks_v4} IPv4 and {self.networks_v6} IPv6 networks -> {self.rows_written} rows "
            f"in {self.data_file} (for S3); DDL in {self.ddl_file}{local}; "
            f"{len(self.bad_rows)} bad row(s) skipped"
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
    """(line number, row) for each data row; BadInput when the header lacks a column."""
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
        except (csv.Error, UnicodeDecodeError) as exc:
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


def build(
    blocks: Sequence[Path] | Path,
    locations: Path,
    out_dir: Path,
    *,
    location: str | None = None,
    settings: AthenaSettings | None = None,
    local_csv: bool = True,
    progress: Callable[[int], None] | None = None,
) -> BuildReport:
    """Build the geo-IP data file and its DDL in ``out_dir``.

    ``blocks`` may be several files (MaxMind ships IPv4 and IPv6 blocks separately). Bad rows
    (bad network, unknown geoname id, bad latitude/longitude) are skipped and listed in the
    report by file and line. ``location`` is the s3:// folder the files will live in (for the
    DDL; a placeholder when not given). ``local_csv`` also writes ``geoip_blocks.csv``
    (comma-separated, quoted where needed) for the embedded engine, which reads ``*.csv``;
    ``geoip upload`` never uploads it.
    """
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
        data_file=out_dir / DATA_FILE,
        ddl_file=out_dir / DDL_FILE,
        bad_rows=bad,
    )
    if local_csv:
        report.local_file = out_dir / LOCAL_FILE
    tmp = report.data_file.with_name(report.data_file.name + ".tmp")
    local_tmp = out_dir / (LOCAL_FILE + ".tmp")
    empty = Location("", "", "", "")
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
                    bad.append(
                        BadRow(str(path), line, f"unknown geoname_id {gid!r} (not in {locations.name})")
                    )
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
                loc = locs.get(gid, empty) if gid else empty
                if version == 4:
                    report.networks_v4 += 1
                else:
                    report.networks_v6 += 1
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
                if progress is not None and (report.networks_v4 + report.networks_v6) % 100_000 == 0:
                    progress(report.networks_v4 + report.networks_v6)
        text.flush()
        text.detach()
    tmp.replace(report.data_file)
    if report.local_file is not None:
        local_tmp.replace(report.local_file)
    ddl_settings = settings or AthenaSettings()
    from dataclasses import replace

    ddl_settings = replace(ddl_settings, geoip_location=location or PLACEHOLDER_LOCATION)
    header = "-- Geo-IP table for the files of this folder; upload them with `looker-ops geoip upload`.\n"
    if not location:
        header += f"-- LOCATION is a placeholder: replace {PLACEHOLDER_LOCATION} with your s3:// folder.\n"
    header += "-- The folder must hold only the geo-IP data files (Athena reads every file in it).\n"
    report.ddl_file.write_text(header + render_geoip_ddl(ddl_settings) + ";\n", encoding="utf-8")
    return report


def duckdb_source(geoip_dir: Path | str) -> str:
    """A DuckDB table expression reading the built files with the schema's types.

    For the embedded engine: ``CREATE TABLE geoip_blocks AS SELECT * FROM <this>``.
    """
    pattern = str(Path(geoip_dir) / DATA_GLOB).replace("'", "''")
    columns = ", ".join(f"'{c.name}': '{c.type.duckdb()}'" for c in GEOIP.columns)
    return (
        f"read_csv('{pattern}', header = true, delim = '\\t', quote = '', escape = '', "
        f"nullstr = '', columns = {{{columns}}})"
    )


# --------------------------------------------------------------------------- upload


@dataclass
class UploadReport:
    uploaded: list[str] = field(default_factory=list)  # s3:// URLs
    other_objects: list[str] = field(default_factory=list)  # keys under the prefix not from this build
    setup: SetupReport | None = None

    def render(self) -> str:
        lines = [f"uploaded {u}" for u in self.uploaded]
        for key in self.other_objects:
            lines.append(f"warning: s3 object {key} is also under the table's folder; Athena reads it too")
        if self.setup is not None:
            lines.append(self.setup.render())
        return "\n".join(lines)


def parse_s3_url(url: str, key: str = "--s3") -> tuple[str, str]:
    """``s3://bucket/prefix`` -> (bucket, "prefix/") ; BadInput naming ``key``."""
    if not url.startswith("s3://"):
        raise BadInput(f"{key}: {url!r} is not an s3://bucket/prefix URL")
    rest = url[len("s3://") :]
    bucket, _, prefix = rest.partition("/")
    prefix = prefix.strip("/")
    if not bucket:
        raise BadInput(f"{key}: {url!r} has no bucket")
    if not prefix:
        raise BadInput(f"{key}: {url!r} needs a folder (the table's LOCATION cannot be a bucket root)")
    return bucket, prefix + "/"


def upload(
    data_dir: Path,
    s3_url: str,
    settings: AthenaSettings,
    *,
    runner: AthenaRunner | None = None,
    create_table: bool = True,
    replace_table: bool = False,
) -> UploadReport:
    """Put the built data files under ``s3_url`` and create the geo-IP table there."""
    from dataclasses import replace

    from botocore.exceptions import BotoCoreError, ClientError

    from looker_ops.engines.athena import AthenaError, AthenaRunner, _client_error_parts, setup

    bucket, prefix = parse_s3_url(s3_url)
    files = sorted(data_dir.glob(DATA_GLOB)) if data_dir.is_dir() else []
    if not files:
        raise BadInput(f"--dir {data_dir}: no {DATA_GLOB} files (run `looker-ops geoip build` first)")
    settings = replace(settings, geoip_location=f"s3://{bucket}/{prefix}")
    settings.validate_geoip()
    runner = runner or AthenaRunner(settings)
    s3: Any = runner.s3_client
    report = UploadReport()
    names = {prefix + f.name for f in files}
    try:
        for f in files:
            with open(f, "rb") as body:
                s3.put_object(
                    Bucket=bucket, Key=prefix + f.name, Body=body, ContentType="text/tab-separated-values"
                )
            report.uploaded.append(f"s3://{bucket}/{prefix}{f.name}")
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        report.other_objects = [
            f"s3://{bucket}/{o['Key']}" for o in listed.get("Contents", []) if o["Key"] not in names
        ]
    except (ClientError, BotoCoreError) as exc:
        op, code, msg = _client_error_parts(exc)
        raise AthenaError(f"S3 {op} s3://{bucket}/{prefix}", msg, code=code, query=False) from exc
    if create_table:
        report.setup = setup(settings, replace=replace_table, runner=runner, tables=("geoip",))
    return report
