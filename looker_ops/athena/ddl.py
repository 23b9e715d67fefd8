"""Athena DDL for the block's tables, rendered from :mod:`looker_ops.lookml.schema`.

Three statements: the database, the CloudTrail table (CloudTrail's input format, the JSON
SerDe, partition projection that matches how the trail writes its S3 keys) and the geo-IP
table built by ``looker-ops geoip build``.

:class:`~looker_ops.config.athena.AthenaSettings` (from looker-ops.yaml or the command's
options) says where the logs are and how the trail writes them. Nothing here talks to AWS, so
``looker-ops athena ddl`` works offline.

:func:`table_definition` gives the same table as a structured :class:`TableDefinition`, so
``athena setup`` can compare what exists in the catalog with what is wanted, field by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from looker_ops.config.athena import AthenaSettings
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP, TableSchema

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

DATE_PARTITION_FORMAT = "yyyy/MM/dd"

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
