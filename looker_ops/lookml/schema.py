"""The CloudTrail table's columns and types: the one source of truth.

The Athena DDL (``looker-ops athena ddl``), the embedded engine's DuckDB table and the lint
rules (which columns hold JSON text, which are unique) are all derived from the definitions
here. Nothing else in the code base lists CloudTrail columns.

Types are a small tree: :class:`Scalar`, :class:`Struct`, :class:`Array` and :class:`Map`,
rendered to Hive DDL (``hive()``) and to DuckDB (``duckdb()``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Union

# --------------------------------------------------------------------------- types

_HIVE_TO_DUCKDB = {
    "string": "VARCHAR",
    "bigint": "BIGINT",
    "int": "INTEGER",
    "double": "DOUBLE",
    "boolean": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}


@dataclass(frozen=True)
class Scalar:
    name: str  # Hive/Athena name: string, bigint, int, double, boolean, timestamp, date

    def hive(self) -> str:
        return self.name

    def duckdb(self) -> str:
        return _HIVE_TO_DUCKDB[self.name]


@dataclass(frozen=True)
class Struct:
    """A struct: its fields' (lower-case) names and types, as Athena's SerDe presents them, and
    the keys that spell them in the source JSON (CloudTrail's camelCase; the SerDe matches keys
    case-insensitively, so the spelling is what the records use, not a requirement)."""

    fields: tuple[tuple[str, SqlType], ...]
    source_keys: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.source_keys:
            object.__setattr__(self, "source_keys", tuple(n for n, _ in self.fields))
        if len(self.source_keys) != len(self.fields):
            raise ValueError("one source key per field")

    def hive(self) -> str:
        return "struct<" + ", ".join(f"{n}: {t.hive()}" for n, t in self.fields) + ">"

    def duckdb(self) -> str:
        return "STRUCT(" + ", ".join(f'"{n}" {t.duckdb()}' for n, t in self.fields) + ")"

    def source_duckdb(self) -> str:
        """The DuckDB type that reads this struct from JSON spelt as the source spells it."""
        return (
            "STRUCT("
            + ", ".join(
                f'"{k}" {source_duckdb(t)}' for k, (_, t) in zip(self.source_keys, self.fields, strict=True)
            )
            + ")"
        )

    def field_type(self, name: str) -> SqlType | None:
        for n, t in self.fields:
            if n == name:
                return t
        return None


@dataclass(frozen=True)
class Array:
    element: SqlType

    def hive(self) -> str:
        return f"array<{self.element.hive()}>"

    def duckdb(self) -> str:
        return f"{self.element.duckdb()}[]"


@dataclass(frozen=True)
class Map:
    key: SqlType
    value: SqlType

    def hive(self) -> str:
        return f"map<{self.key.hive()},{self.value.hive()}>"

    def duckdb(self) -> str:
        return f"MAP({self.key.duckdb()}, {self.value.duckdb()})"


SqlType = Union[Scalar, Struct, Array, Map]  # noqa: UP007 - used at runtime in dataclasses


def source_duckdb(sql_type: SqlType) -> str:
    """``sql_type`` in DuckDB, with struct fields spelt as the source JSON spells them (DuckDB's
    JSON reader matches keys exactly; a struct cast to the table's type matches names in any case)."""
    if isinstance(sql_type, Struct):
        return sql_type.source_duckdb()
    if isinstance(sql_type, Array):
        return f"{source_duckdb(sql_type.element)}[]"
    return sql_type.duckdb()


STRING = Scalar("string")
BIGINT = Scalar("bigint")
INT = Scalar("int")
DOUBLE = Scalar("double")
BOOLEAN = Scalar("boolean")


def struct(**fields: SqlType) -> Struct:
    """A struct whose fields are named as the source JSON spells them (``principalId``); the
    field names are their lower-case forms, as the SerDe presents them."""
    return Struct(tuple((k.lower(), t) for k, t in fields.items()), tuple(fields))


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``json_text``: the column holds a JSON document serialised as a STRING (CloudTrail's
    requestParameters, responseElements, ...). It must be read with JSON functions
    (``json_extract_scalar``), never with struct syntax.
    ``unique``: the column is unique per row, so it may be a primary key.
    ``source_key``: the key of the field in the source JSON record (CloudTrail's camelCase).
    """

    name: str
    type: SqlType
    source_key: str
    doc: str = ""
    json_text: bool = False
    unique: bool = False


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    partition_columns: tuple[Column, ...] = field(default_factory=tuple)
    doc: str = ""

    def column(self, name: str) -> Column | None:
        lname = name.lower()
        for c in (*self.columns, *self.partition_columns):
            if c.name == lname:
                return c
        return None

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*self.columns, *self.partition_columns)

    @property
    def unique_columns(self) -> frozenset[str]:
        return frozenset(c.name for c in self.all_columns if c.unique)

    @property
    def json_text_columns(self) -> frozenset[str]:
        return frozenset(c.name for c in self.all_columns if c.json_text)

    @property
    def partition_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.partition_columns)


_SESSION_ISSUER = struct(type=STRING, principalId=STRING, arn=STRING, accountId=STRING, userName=STRING)

USER_IDENTITY = struct(
    type=STRING,
    principalId=STRING,
    arn=STRING,
    accountId=STRING,
    invokedBy=STRING,
    accessKeyId=STRING,
    userName=STRING,
    onBehalfOf=struct(userId=STRING, identityStoreArn=STRING),
    sessionContext=struct(
        attributes=struct(mfaAuthenticated=STRING, creationDate=STRING),
        sessionIssuer=_SESSION_ISSUER,
        ec2RoleDelivery=STRING,
        sourceIdentity=STRING,
        webIdFederationData=struct(federatedProvider=STRING, attributes=Map(STRING, STRING)),
    ),
)

RESOURCE = struct(ARN=STRING, accountId=STRING, type=STRING)

CLOUDTRAIL_COLUMNS: tuple[Column, ...] = (
    Column("eventversion", STRING, "eventVersion", "Version of the log event format."),
    Column("useridentity", USER_IDENTITY, "userIdentity", "Who made the request."),
    Column("eventtime", STRING, "eventTime", "When the request was completed, ISO 8601 UTC."),
    Column("eventsource", STRING, "eventSource", "Service the request was made to."),
    Column("eventname", STRING, "eventName", "The requested action (API name)."),
    Column("awsregion", STRING, "awsRegion", "Region the request was made to."),
    Column("sourceipaddress", STRING, "sourceIPAddress", "IP address or service name of the caller."),
    Column("useragent", STRING, "userAgent", "Agent through which the request was made."),
    Column("errorcode", STRING, "errorCode", "AWS error code, when the request failed."),
    Column("errormessage", STRING, "errorMessage", "Error description, when the request failed."),
    Column(
        "requestparameters", STRING, "requestParameters", "Request parameters (JSON text).", json_text=True
    ),
    Column("responseelements", STRING, "responseElements", "Response elements (JSON text).", json_text=True),
    Column(
        "additionaleventdata",
        STRING,
        "additionalEventData",
        "Additional event data (JSON text).",
        json_text=True,
    ),
    Column("requestid", STRING, "requestID", "Identifier of the request, set by the service."),
    Column("eventid", STRING, "eventID", "GUID of the event; unique per event.", unique=True),
    Column("resources", Array(RESOURCE), "resources", "Resources accessed in the event."),
    Column("eventtype", STRING, "eventType", "AwsApiCall, AwsServiceEvent, AwsConsoleSignIn, ..."),
    Column(
        "managementevent",
        STRING,
        "managementEvent",
        "'true' for a management event, 'false' for a data or network activity event.",
    ),
    Column("apiversion", STRING, "apiVersion", "API version of the call."),
    Column("readonly", STRING, "readOnly", "'true' for a read-only operation."),
    Column("recipientaccountid", STRING, "recipientAccountId", "Account that received the event."),
    Column(
        "serviceeventdetails",
        STRING,
        "serviceEventDetails",
        "Details of a service event (JSON text).",
        json_text=True,
    ),
    Column("sharedeventid", STRING, "sharedEventID", "GUID shared by the copies of a cross-account event."),
    Column("vpcendpointid", STRING, "vpcEndpointId", "VPC endpoint the request went through."),
    Column("vpcendpointaccountid", STRING, "vpcEndpointAccountId", "Account owning the VPC endpoint."),
    Column("eventcategory", STRING, "eventCategory", "Management, Data, Insight or NetworkActivity."),
    Column(
        "addendum",
        struct(reason=STRING, updatedFields=STRING, originalRequestID=STRING, originalEventID=STRING),
        "addendum",
        "Why a late-delivered event was updated.",
    ),
    Column(
        "sessioncredentialfromconsole", STRING, "sessionCredentialFromConsole", "'true' for console sessions."
    ),
    Column(
        "edgedevicedetails", STRING, "edgeDeviceDetails", "Edge device details (JSON text).", json_text=True
    ),
    Column(
        "tlsdetails",
        struct(tlsVersion=STRING, cipherSuite=STRING, clientProvidedHostHeader=STRING),
        "tlsDetails",
        "TLS version and cipher of the request.",
    ),
)

# Partition columns: the same three for every trail layout (single account, several accounts,
# organization trail), so the block does not depend on the layout. ``dt`` is CloudTrail's
# S3 date path, 'yyyy/MM/dd'.
CLOUDTRAIL_PARTITIONS: tuple[Column, ...] = (
    Column("account", STRING, "", "Account id from the S3 key (partition)."),
    Column("region", STRING, "", "Region from the S3 key (partition)."),
    Column("dt", STRING, "", "Delivery day from the S3 key, yyyy/MM/dd (partition)."),
)

CLOUDTRAIL = TableSchema(
    name="cloudtrail_logs",
    columns=CLOUDTRAIL_COLUMNS,
    partition_columns=CLOUDTRAIL_PARTITIONS,
    doc="AWS CloudTrail management and data events, as delivered to S3.",
)

# IP geolocation table (GeoIP2 CSV format turned into integer ranges). IPv4 networks are
# expanded into /16 buckets so Athena can join with an equality on ``bucket`` and a range test
# on ``ip_start``/``ip_end``. IPv6 rows are kept (ip_version 6) with their network text.
GEOIP = TableSchema(
    name="geoip_blocks",
    columns=(
        Column("network", STRING, "network", "Network in CIDR notation."),
        Column("ip_version", INT, "ip_version", "4 or 6."),
        Column("bucket", BIGINT, "bucket", "ip_start / 65536 for IPv4 rows; one row per /16 bucket."),
        Column("ip_start", BIGINT, "ip_start", "First address of the range, as an integer (IPv4)."),
        Column("ip_end", BIGINT, "ip_end", "Last address of the range, as an integer (IPv4)."),
        Column("country_iso_code", STRING, "country_iso_code", "ISO 3166-1 alpha-2 country code."),
        Column("country_name", STRING, "country_name", "Country name (English)."),
        Column("subdivision_1_name", STRING, "subdivision_1_name", "Region / state name."),
        Column("city_name", STRING, "city_name", "City name."),
        Column("latitude", DOUBLE, "latitude", "Latitude of the network's location."),
        Column("longitude", DOUBLE, "longitude", "Longitude of the network's location."),
    ),
    doc="IP geolocation ranges built by `looker-ops geoip build`.",
)

TABLES: dict[str, TableSchema] = {CLOUDTRAIL.name: CLOUDTRAIL, GEOIP.name: GEOIP}


def table_for(name: str) -> TableSchema | None:
    """The known schema for a table reference such as ``cloudtrail_logs`` or ``db.cloudtrail_logs``.

    Manifest constants may rename the tables; callers resolve constants first, then pass the
    final name. Matching is on the last dotted part, case-insensitively, and also accepts a
    name that ends with one of the known table names (``acme_cloudtrail_logs``).
    """
    last = name.strip().strip('"`').split(".")[-1].strip('"`').lower()
    if last in TABLES:
        return TABLES[last]
    for tname, schema in TABLES.items():
        if last.endswith(tname):
            return schema
    return None
