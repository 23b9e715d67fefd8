"""Athena DDL for the block's tables, rendered from :mod:`looker_ops.lookml.schema`.

Three statements: the database, the CloudTrail table (CloudTrail's input format, the JSON
SerDe, partition projection that matches how the trail writes its S3 keys) and the geo-IP
table built by ``looker-ops geoip build``.

:class:`AthenaSettings` holds every setting the Athena side needs (where the logs are, how the
trail writes them, where Athena runs). It is filled from CLI options today and from
``looker-ops.yaml`` later (:meth:`AthenaSettings.from_mapping` names the key in its errors).
Nothing here talks to AWS, so ``looker-ops athena ddl`` works offline.

:func:`table_definition` gives the same table as a structured :class:`TableDefinition`, so
``athena setup`` can compare what exists in the catalog with what is wanted, field by field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from looker_ops import clock
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP, TableSchema

if TYPE_CHECKING:
    from looker_ops.config.settings import Config

Layout = Literal["single", "multi", "organization"]
Serde = Literal["json", "cloudtrail"]
GeoipFormat = Literal["parquet", "tsv"]
LAYOUTS: tuple[str, ...] = ("single", "multi", "organization")
GEOIP_FORMATS: tuple[str, ...] = ("parquet", "tsv")

# Read by the CloudTrail input format: it opens each ``{"Records": [...]}`` file and hands
# the SerDe one record at a time.
CLOUDTRAIL_INPUT_FORMAT = "com.amazon.emr.cloudtrail.CloudTrailInputFormat"
HIVE_TEXT_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat"
TEXT_INPUT_FORMAT = "org.apache.hadoop.mapred.TextInputFormat"
SERDE_LIBRARIES: dict[str, str] = {
    # Hive JSON SerDe: AWS's current CloudTrail example. A STRING column that receives a JSON
    # object (requestParameters, responseElements, ...) gets the object's JSON text.
    "json": "org.apache.hive.hcatalog.data.JsonSerDe",
    # The older CloudTrail SerDe, kept for tables created from AWS's first examples.
    "cloudtrail": "com.amazon.emr.hive.serde.CloudTrailSerde",
}
LAZY_SIMPLE_SERDE = "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe"

# Commercial regions; the projection enum is this unless settings narrow it. A region that
# has no logs costs one empty S3 listing per query, never an error.
DEFAULT_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ca-central-1",
    "ca-west-1",
    "eu-central-1",
    "eu-central-2",
    "eu-north-1",
    "eu-south-1",
    "eu-south-2",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "il-central-1",
    "me-central-1",
    "me-south-1",
    "sa-east-1",
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
)

_ACCOUNT_RE = re.compile(r"^\d{12}$")
_ORG_RE = re.compile(r"^o-[a-z0-9]{10,32}$")
_REGION_RE = re.compile(r"^[a-z]{2}(-[a-z]+)+-\d{1,2}$")
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_PREFIX_RE = re.compile(r"^[A-Za-z0-9!_.*()/=-]*$")
_NAME_RE = re.compile(r"^[a-z0-9_]{1,255}$")
_S3_URL_RE = re.compile(r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](/[^'\\]*)?$")

DATE_PARTITION_FORMAT = "yyyy/MM/dd"

# CLI option names that differ from the setting names.
_CLI_NAMES = {"account_ids": "--account-id", "regions": "--regions", "region": "--aws-region"}


@dataclass(frozen=True)
class AthenaSettings:
    """Where the CloudTrail logs are, how the trail writes them, and where Athena runs.

    ``key_prefix`` is the key name used in error messages (``athena.`` when the settings come
    from ``looker-ops.yaml``, ``--`` for CLI options).
    """

    bucket: str | None = None
    prefix: str = ""
    layout: Layout = "single"
    account_ids: tuple[str, ...] = ()
    org_id: str | None = None
    regions: tuple[str, ...] = DEFAULT_REGIONS
    first_date: dt.date | None = None
    database: str = "cloudtrail"
    table: str = "cloudtrail_logs"
    geoip_table: str = GEOIP.name
    geoip_location: str | None = None
    # The geo-IP files' format: Parquet (``geoip build``'s default) or gzip tab-separated text.
    geoip_format: GeoipFormat = "parquet"
    serde: Serde = "json"
    # Where and how queries run (used by engines/athena.py, not by the DDL).
    region: str | None = None
    workgroup: str | None = None
    output_location: str | None = None
    profile: str | None = None
    role_arn: str | None = None
    key_prefix: str = field(default="--", compare=False)
    # Where a setting came from when it differs from the prefix (a CLI option over a config key).
    key_names: Mapping[str, str] = field(default_factory=dict, compare=False)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str = "athena") -> AthenaSettings:
        """Settings from a mapping (the ``athena:`` section of looker-ops.yaml).

        Unknown keys and wrong types are BadInput naming ``<where>.<key>``.
        """
        known = {f.name for f in dataclasses.fields(cls)} - {"key_prefix"}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key not in known:
                raise BadInput(f"{where}.{key}: unknown setting (known: {', '.join(sorted(known))})")
            if key in ("account_ids", "regions"):
                values[key] = _as_str_tuple(value, f"{where}.{key}")
            elif key == "first_date":
                values[key] = parse_date(value, f"{where}.{key}")
            elif value is None or isinstance(value, str):
                values[key] = value
            else:
                raise BadInput(f"{where}.{key}: expected a string, got {type(value).__name__}")
        return cls(**values, key_prefix=f"{where}.")

    def key(self, name: str) -> str:
        """The name of a setting as the user wrote it (``--first-date`` or ``athena.first_date``)."""
        if name in self.key_names:
            return self.key_names[name]
        if self.key_prefix == "--":
            return cli_name(name)
        return self.key_prefix + name

    # ------------------------------------------------------------------ checks

    def validate_names(self) -> None:
        for name in ("database", "table", "geoip_table"):
            value = getattr(self, name)
            if not _NAME_RE.match(value or ""):
                raise BadInput(
                    f"{self.key(name)}: {value!r} is not a valid Athena name "
                    "(lowercase letters, digits and underscores)"
                )

    def validate_trail(self) -> None:
        """Check every setting the CloudTrail DDL needs; BadInput names the first bad key."""
        self.validate_names()
        if not self.bucket:
            raise BadInput(f"{self.key('bucket')}: the S3 bucket holding the CloudTrail logs is required")
        if not _BUCKET_RE.match(self.bucket) or ".." in self.bucket:
            raise BadInput(f"{self.key('bucket')}: {self.bucket!r} is not a valid S3 bucket name")
        if not _PREFIX_RE.match(self.prefix):
            raise BadInput(
                f"{self.key('prefix')}: {self.prefix!r} has characters that cannot appear in the DDL"
            )
        if self.layout not in LAYOUTS:
            raise BadInput(f"{self.key('layout')}: {self.layout!r} is not one of {', '.join(LAYOUTS)}")
        if self.serde not in SERDE_LIBRARIES:
            raise BadInput(f"{self.key('serde')}: {self.serde!r} is not one of {', '.join(SERDE_LIBRARIES)}")
        if not self.account_ids:
            raise BadInput(
                f"{self.key('account_ids')}: at least one AWS account id is required "
                f"for the {self.layout} layout"
            )
        if self.layout == "single" and len(self.account_ids) != 1:
            raise BadInput(
                f"{self.key('account_ids')}: the single layout takes exactly one account id, "
                f"got {len(self.account_ids)} (use --layout multi)"
            )
        for acc in self.account_ids:
            if not _ACCOUNT_RE.match(acc):
                raise BadInput(f"{self.key('account_ids')}: {acc!r} is not a 12-digit AWS account id")
        if len(set(self.account_ids)) != len(self.account_ids):
            raise BadInput(f"{self.key('account_ids')}: an account id is listed twice")
        if self.layout == "organization":
            if not self.org_id:
                raise BadInput(f"{self.key('org_id')}: the organization layout needs the organization id")
            if not _ORG_RE.match(self.org_id):
                raise BadInput(
                    f"{self.key('org_id')}: {self.org_id!r} is not an AWS Organizations id (o-xxxxxxxxxx)"
                )
        if not self.regions:
            raise BadInput(f"{self.key('regions')}: at least one region is required")
        for reg in self.regions:
            if not _REGION_RE.match(reg):
                raise BadInput(f"{self.key('regions')}: {reg!r} is not an AWS region name")
        if self.first_date is None:
            raise BadInput(f"{self.key('first_date')}: the first day of logs (YYYY-MM-DD) is required")
        if self.first_date > clock.today():
            raise BadInput(f"{self.key('first_date')}: {self.first_date.isoformat()} is in the future")
        if self.first_date.year < 2013:
            raise BadInput(
                f"{self.key('first_date')}: {self.first_date.isoformat()} is before CloudTrail existed"
            )

    def validate_geoip(self) -> None:
        self.validate_names()
        if not self.geoip_location:
            raise BadInput(f"{self.key('geoip_location')}: the s3:// folder of the geo-IP files is required")
        if not _S3_URL_RE.match(self.geoip_location):
            raise BadInput(
                f"{self.key('geoip_location')}: {self.geoip_location!r} is not an s3://bucket/prefix URL"
            )
        if self.geoip_format not in GEOIP_FORMATS:
            raise BadInput(
                f"{self.key('geoip_format')}: {self.geoip_format!r} is not one of {', '.join(GEOIP_FORMATS)}"
            )

    # ------------------------------------------------------------------ S3 layout

    @property
    def logs_root(self) -> str:
        """``s3://bucket/prefix/AWSLogs/`` (``.../AWSLogs/<org-id>/`` for an organization trail)."""
        prefix = self.prefix.strip("/")
        root = f"s3://{self.bucket}/" + (f"{prefix}/" if prefix else "") + "AWSLogs/"
        if self.layout == "organization":
            root += f"{self.org_id}/"
        return root

    @property
    def location_template(self) -> str:
        return self.logs_root + "${account}/CloudTrail/${region}/${dt}"


def cli_name(name: str) -> str:
    """The CLI option of a setting (``account_ids`` -> ``--account-id``)."""
    return _CLI_NAMES.get(name, "--" + name.replace("_", "-"))


def settings_from_config(cfg: Config) -> AthenaSettings:
    """Settings from looker-ops.yaml: its ``athena:`` section (the trail) and ``connection:``
    (where Athena runs). Errors name ``athena.<key>``."""
    a = cfg.athena
    c = cfg.connection
    data: dict[str, Any] = {
        "layout": a.layout,
        "bucket": a.bucket or None,
        "prefix": a.prefix or "",
        "account_ids": list(a.account_ids),
        "org_id": a.org_id,
        "first_date": a.first_date,
        "table": a.table,
        "geoip_table": a.geoip_table,
        "database": c.database,
        "region": c.region,
        "workgroup": c.workgroup,
        "output_location": c.s3_staging_dir or None,
    }
    if a.regions:
        data["regions"] = list(a.regions)
    settings = AthenaSettings.from_mapping(data, where="athena")
    connection_keys = {
        "database": "connection.database",
        "region": "connection.region",
        "workgroup": "connection.workgroup",
        "output_location": "connection.s3_staging_dir",
    }
    return dataclasses.replace(settings, key_names=connection_keys)


def parse_date(value: Any, key: str) -> dt.date:
    """A date from YYYY-MM-DD or YYYY/MM/DD (or a date object); BadInput names ``key``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip().replace("/", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    raise BadInput(f"{key}: {value!r} is not a date (YYYY-MM-DD)")


def _as_str_tuple(value: Any, key: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return split_list([value])
    if isinstance(value, Iterable):
        items: list[str] = []
        for item in value:
            if isinstance(item, bool) or not isinstance(item, str | int):
                raise BadInput(f"{key}: expected a list of strings, got {item!r}")
            # YAML reads an unquoted account id as an int; keep its 12 digits.
            items.append(f"{item:012d}" if isinstance(item, int) else item)
        return split_list(items)
    raise BadInput(f"{key}: expected a list, got {type(value).__name__}")


def split_list(values: Iterable[str]) -> tuple[str, ...]:
    """``["a,b", "c"]`` -> ``("a", "b", "c")``: repeated options and comma lists both work."""
    out: list[str] = []
    for value in values:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return tuple(out)


# --------------------------------------------------------------------------- rendering


def quote_ident(name: str) -> str:
    """An Athena DDL identifier in backticks (a backtick inside is doubled)."""
    return "`" + name.replace("`", "``") + "`"


def quote_string(value: str) -> str:
    """A Hive DDL string literal: single quotes, backslash escapes (``\\t`` for a tab)."""
    escaped = value.replace("\\", "\\\\").replace("'", "\\'").replace("\t", "\\t").replace("\n", "\\n")
    return "'" + escaped + "'"


def qualified(settings: AthenaSettings, table: str) -> str:
    return f"{quote_ident(settings.database)}.{quote_ident(table)}"


def render_create_database(settings: AthenaSettings) -> str:
    settings.validate_names()
    return (
        f"CREATE DATABASE IF NOT EXISTS {quote_ident(settings.database)}\n"
        f"COMMENT {quote_string('AWS CloudTrail logs for the looker-ops Looker block')}"
    )


@dataclass(frozen=True)
class TableDefinition:
    """A table as the catalog sees it: what ``athena setup`` compares."""

    database: str
    name: str
    columns: tuple[tuple[str, str], ...]  # (name, hive type)
    partition_keys: tuple[tuple[str, str], ...]
    location: str
    input_format: str
    output_format: str
    serde: str
    serde_parameters: Mapping[str, str]
    properties: Mapping[str, str]
    comments: Mapping[str, str] = field(default_factory=dict, compare=False)
    table_comment: str = field(default="", compare=False)
    # ``PARQUET``: rendered as ``STORED AS PARQUET`` (Athena fills in the SerDe and formats
    # above); empty: ``ROW FORMAT SERDE ... STORED AS INPUTFORMAT ... OUTPUTFORMAT ...``.
    stored_as: str = field(default="", compare=False)


def _schema_columns(schema: TableSchema) -> tuple[tuple[str, str], ...]:
    return tuple((c.name, c.type.hive()) for c in schema.columns)


def cloudtrail_projection(settings: AthenaSettings) -> dict[str, str]:
    """The TBLPROPERTIES of partition projection for the trail's layout."""
    assert settings.first_date is not None
    return {
        "projection.enabled": "true",
        "projection.account.type": "enum",
        "projection.account.values": ",".join(settings.account_ids),
        "projection.region.type": "enum",
        "projection.region.values": ",".join(settings.regions),
        "projection.dt.type": "date",
        "projection.dt.format": DATE_PARTITION_FORMAT,
        "projection.dt.range": settings.first_date.strftime("%Y/%m/%d") + ",NOW",
        "projection.dt.interval": "1",
        "projection.dt.interval.unit": "DAYS",
        "storage.location.template": settings.location_template,
    }


def cloudtrail_definition(settings: AthenaSettings) -> TableDefinition:
    settings.validate_trail()
    return TableDefinition(
        database=settings.database,
        name=settings.table,
        columns=_schema_columns(CLOUDTRAIL),
        partition_keys=_schema_columns(TableSchema("p", CLOUDTRAIL.partition_columns)),
        location=settings.logs_root,
        input_format=CLOUDTRAIL_INPUT_FORMAT,
        output_format=HIVE_TEXT_OUTPUT_FORMAT,
        serde=SERDE_LIBRARIES[settings.serde],
        serde_parameters={},
        properties=cloudtrail_projection(settings),
        comments={c.name: c.doc for c in CLOUDTRAIL.all_columns if c.doc},
        table_comment=CLOUDTRAIL.doc,
    )


# The geo-IP files are Parquet by default: typed columns, compressed, read by name. What the
# catalog records for ``STORED AS PARQUET`` (Glue GetTable) is what ``athena setup`` compares.
PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
PARQUET_INPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
PARQUET_OUTPUT_FORMAT = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

# With ``--format tsv`` they are tab-separated text (see looker_ops.athena.geoip): names such as
# "Bonaire, Sint Eustatius, and Saba" hold commas, and LazySimpleSerDe has no quoting,
# while it does give typed columns (OpenCSVSerde would need every number as a string).
GEOIP_FIELD_DELIMITER = "\t"
GEOIP_SERDE_PARAMETERS: dict[str, str] = {
    "field.delim": GEOIP_FIELD_DELIMITER,
    "serialization.format": GEOIP_FIELD_DELIMITER,
    "serialization.null.format": "",
}


def geoip_definition(settings: AthenaSettings) -> TableDefinition:
    """The geo-IP table over the files ``geoip build`` wrote, in ``settings.geoip_format``."""
    settings.validate_geoip()
    assert settings.geoip_location is not None
    common: dict[str, Any] = {
        "database": settings.database,
        "name": settings.geoip_table,
        "columns": _schema_columns(GEOIP),
        "partition_keys": (),
        "location": settings.geoip_location.rstrip("/") + "/",
        "comments": {c.name: c.doc for c in GEOIP.all_columns if c.doc},
        "table_comment": GEOIP.doc,
    }
    if settings.geoip_format == "parquet":
        return TableDefinition(
            **common,
            input_format=PARQUET_INPUT_FORMAT,
            output_format=PARQUET_OUTPUT_FORMAT,
            serde=PARQUET_SERDE,
            serde_parameters={},
            properties={},
            stored_as="PARQUET",
        )
    return TableDefinition(
        **common,
        input_format=TEXT_INPUT_FORMAT,
        output_format=HIVE_TEXT_OUTPUT_FORMAT,
        serde=LAZY_SIMPLE_SERDE,
        serde_parameters=dict(GEOIP_SERDE_PARAMETERS),
        properties={"skip.header.line.count": "1"},
    )


def render_table(defn: TableDefinition) -> str:
    """CREATE EXTERNAL TABLE IF NOT EXISTS for a definition."""

    def coldef(name: str, typ: str) -> str:
        comment = defn.comments.get(name)
        return f"  {quote_ident(name)} {typ}" + (f" COMMENT {quote_string(comment)}" if comment else "")

    lines = [f"CREATE EXTERNAL TABLE IF NOT EXISTS {quote_ident(defn.database)}.{quote_ident(defn.name)} ("]
    lines.append(",\n".join(coldef(n, t) for n, t in defn.columns))
    lines.append(")")
    if defn.table_comment:
        lines.append(f"COMMENT {quote_string(defn.table_comment)}")
    if defn.partition_keys:
        lines.append("PARTITIONED BY (")
        lines.append(",\n".join(coldef(n, t) for n, t in defn.partition_keys))
        lines.append(")")
    if defn.stored_as:
        lines.append(f"STORED AS {defn.stored_as}")
    else:
        lines.append(f"ROW FORMAT SERDE {quote_string(defn.serde)}")
        if defn.serde_parameters:
            lines.append("WITH SERDEPROPERTIES (")
            lines.append(
                ",\n".join(f"  {quote_string(k)}={quote_string(v)}" for k, v in defn.serde_parameters.items())
            )
            lines.append(")")
        lines.append(f"STORED AS INPUTFORMAT {quote_string(defn.input_format)}")
        lines.append(f"OUTPUTFORMAT {quote_string(defn.output_format)}")
    lines.append(f"LOCATION {quote_string(defn.location)}")
    if defn.properties:
        lines.append("TBLPROPERTIES (")
        lines.append(",\n".join(f"  {quote_string(k)}={quote_string(v)}" for k, v in defn.properties.items()))
        lines.append(")")
    return "\n".join(lines)


def render_cloudtrail_ddl(settings: AthenaSettings) -> str:
    """CREATE EXTERNAL TABLE for the CloudTrail logs, with partition projection."""
    return render_table(cloudtrail_definition(settings))


def render_geoip_ddl(settings: AthenaSettings) -> str:
    """CREATE EXTERNAL TABLE for the geo-IP files written by ``looker-ops geoip build``."""
    return render_table(geoip_definition(settings))


def render_drop_table(database: str, table: str) -> str:
    return f"DROP TABLE IF EXISTS {quote_ident(database)}.{quote_ident(table)}"
