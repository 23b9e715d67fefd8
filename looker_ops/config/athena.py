"""Athena settings: the one shape of where the CloudTrail logs are and where Athena runs.

:class:`AthenaSettings` is read from looker-ops.yaml's ``athena:`` section (its fields with a
``doc`` are the keys of that section; :func:`looker_ops.config.settings.load_config` fills the
rest from ``connection:``) and from the ``athena`` commands' options. The DDL
(:mod:`looker_ops.athena.ddl`), the Athena runner and the SQL checks on Athena all take it.

Every check of a setting lives here (:meth:`AthenaSettings.trail_problems`), so ``config
check``, ``athena ddl`` and ``athena setup`` refuse the same values with the same words.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from looker_ops import clock
from looker_ops.config.reader import read_day
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import GEOIP

__all__ = [
    "DEFAULT_REGIONS",
    "GEOIP_FORMATS",
    "LAYOUTS",
    "SERDES",
    "AthenaSettings",
    "GeoipFormat",
    "Layout",
    "Serde",
    "cli_name",
    "parse_date",
    "split_list",
    "valid_account_id",
    "valid_athena_name",
    "valid_bucket",
    "valid_org_id",
    "valid_region",
]

Layout = Literal["single", "multi", "organization"]
Serde = Literal["json", "cloudtrail"]
GeoipFormat = Literal["parquet", "tsv"]
LAYOUTS: tuple[str, ...] = ("single", "multi", "organization")
SERDES: tuple[str, ...] = ("json", "cloudtrail")
GEOIP_FORMATS: tuple[str, ...] = ("parquet", "tsv")
# The first day of logs when looker-ops.yaml's athena: section names none.
FILE_FIRST_DATE = dt.date(2024, 1, 1)

# The commercial partition's regions (the "aws" partition of botocore 1.44's endpoints, December
# 2026: 34, the latest Malaysia, Thailand, Mexico, Taipei and New Zealand); the projection enum is
# this unless settings narrow it. A region that has no logs costs one empty S3 listing per query,
# never an error. A region launched later: list every region in `athena.regions` (docs/athena.md).
DEFAULT_REGIONS: tuple[str, ...] = (
    "af-south-1",
    "ap-east-1",
    "ap-east-2",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-south-2",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "ap-southeast-5",
    "ap-southeast-6",
    "ap-southeast-7",
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
    "mx-central-1",
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


def _doc(text: str) -> dict[str, Any]:
    return {"doc": text, "secret": False}


_INTERNAL = {"internal": True}


def valid_region(name: str) -> bool:
    """An AWS region name such as ``eu-west-1`` or ``us-gov-west-1``."""
    return bool(_REGION_RE.match(name))


def valid_bucket(name: str) -> bool:
    """An S3 bucket name: 3 to 63 lowercase letters, digits, dots and dashes."""
    return bool(_BUCKET_RE.match(name)) and ".." not in name


def valid_account_id(text: str) -> bool:
    return bool(_ACCOUNT_RE.match(text))


def valid_org_id(text: str) -> bool:
    """An AWS Organizations id: ``o-`` and 10 to 32 lowercase letters or digits."""
    return bool(_ORG_RE.match(text))


def valid_athena_name(name: str) -> bool:
    """A database or table name Athena accepts unquoted: lowercase letters, digits, ``_``."""
    return bool(_NAME_RE.match(name))


_CLI_NAMES = {"account_ids": "--account-id", "regions": "--regions", "region": "--aws-region"}


@dataclass(frozen=True)
class AthenaSettings:
    """Where the CloudTrail logs are, how the trail writes them, and where Athena runs.

    ``key_prefix`` is the key name used in error messages (``athena.`` when the settings come
    from ``looker-ops.yaml``, ``--`` for CLI options).
    """

    layout: Layout = field(default="single", metadata=_doc("single | multi | organization"))
    bucket: str | None = field(default=None, metadata=_doc("S3 bucket the trail writes to"))
    prefix: str = field(default="", metadata=_doc("key prefix before AWSLogs/ (optional)"))
    account_ids: tuple[str, ...] = field(default=(), metadata=_doc("12-digit account ids"))
    org_id: str | None = field(default=None, metadata=_doc("organization id (o-...), organization layout"))
    regions: tuple[str, ...] = field(
        default=DEFAULT_REGIONS,
        metadata={**_doc("regions the trail covers (empty: every commercial region)"), "shown_default": []},
    )
    first_date: dt.date | None = field(
        default=None, metadata={**_doc("first day of logs, YYYY-MM-DD"), "shown_default": FILE_FIRST_DATE}
    )
    table: str = field(default="cloudtrail_logs", metadata=_doc("CloudTrail table name"))
    geoip_table: str = field(default=GEOIP.name, metadata=_doc("geo-IP table name"))
    # Not keys of the athena: section: filled from connection: or from the command's options.
    database: str = field(default="cloudtrail", metadata=_INTERNAL)
    geoip_location: str | None = field(default=None, metadata=_INTERNAL)
    # The geo-IP files' format: Parquet (``geoip build``'s default) or gzip tab-separated text.
    geoip_format: GeoipFormat = field(default="parquet", metadata=_INTERNAL)
    serde: Serde = field(default="json", metadata=_INTERNAL)
    # Where and as whom queries run (the Athena runner, not the DDL).
    region: str | None = field(default=None, metadata=_INTERNAL)
    workgroup: str | None = field(default=None, metadata=_INTERNAL)
    output_location: str | None = field(default=None, metadata=_INTERNAL)
    profile: str | None = field(default=None, metadata=_INTERNAL)
    role_arn: str | None = field(default=None, metadata=_INTERNAL)
    key_prefix: str = field(default="--", compare=False, metadata=_INTERNAL)
    # Where a setting came from when it differs from the prefix (a CLI option over a config key).
    key_names: Mapping[str, str] = field(default_factory=dict, compare=False, metadata=_INTERNAL)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], *, where: str = "athena") -> AthenaSettings:
        """Settings from a mapping (the ``athena:`` section of looker-ops.yaml).

        Unknown keys and wrong types are BadInput naming ``<where>.<key>``.
        """
        known = {f.name for f in dataclasses.fields(cls)} - {"key_prefix", "key_names"}
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

    def name_problems(self) -> Iterator[tuple[str, str]]:
        """(setting, what is wrong) for each name that is not a valid Athena name."""
        for name in ("database", "table", "geoip_table"):
            value = getattr(self, name)
            if not valid_athena_name(value or ""):
                yield (
                    name,
                    f"{value!r} is not a valid Athena name (lowercase letters, digits and underscores)",
                )

    def trail_problems(self) -> Iterator[tuple[str, str]]:
        """(setting, what is wrong) for every setting the CloudTrail DDL needs that is missing
        or wrong, in the order of the settings."""
        yield from self.name_problems()
        if not self.bucket:
            yield "bucket", "the S3 bucket holding the CloudTrail logs is required"
        elif not valid_bucket(self.bucket):
            yield "bucket", f"{self.bucket!r} is not a valid S3 bucket name"
        if not _PREFIX_RE.match(self.prefix):
            yield "prefix", f"{self.prefix!r} has characters that cannot appear in the DDL"
        if self.layout not in LAYOUTS:
            yield "layout", f"{self.layout!r} is not one of {', '.join(LAYOUTS)}"
        if self.serde not in SERDES:
            yield "serde", f"{self.serde!r} is not one of {', '.join(SERDES)}"
        yield from self._account_problems()
        if not self.regions:
            yield "regions", "at least one region is required"
        for reg in self.regions:
            if not valid_region(reg):
                yield "regions", f"{reg!r} is not an AWS region name"
                break
        yield from self._first_date_problems()

    def _account_problems(self) -> Iterator[tuple[str, str]]:
        if not self.account_ids:
            yield "account_ids", f"at least one AWS account id is required for the {self.layout} layout"
        elif self.layout == "single" and len(self.account_ids) != 1:
            yield (
                "account_ids",
                f"the single layout takes exactly one account id, got {len(self.account_ids)} "
                "(use --layout multi)",
            )
        for acc in self.account_ids:
            if not _ACCOUNT_RE.match(acc):
                yield "account_ids", f"{acc!r} is not a 12-digit AWS account id"
                break
        if len(set(self.account_ids)) != len(self.account_ids):
            yield "account_ids", "an account id is listed twice"
        if self.layout == "organization":
            if not self.org_id:
                yield "org_id", "the organization layout needs the organization id"
            elif not _ORG_RE.match(self.org_id):
                yield "org_id", f"{self.org_id!r} is not an AWS Organizations id (o-xxxxxxxxxx)"

    def _first_date_problems(self) -> Iterator[tuple[str, str]]:
        if self.first_date is None:
            yield "first_date", "the first day of logs (YYYY-MM-DD) is required"
        elif self.first_date > clock.today():
            yield "first_date", f"{self.first_date.isoformat()} is in the future"
        elif self.first_date.year < 2013:
            yield "first_date", f"{self.first_date.isoformat()} is before CloudTrail existed"

    def geoip_problems(self) -> Iterator[tuple[str, str]]:
        """(setting, what is wrong) for the geo-IP table's settings."""
        yield from self.name_problems()
        if not self.geoip_location:
            yield "geoip_location", "the s3:// folder of the geo-IP files is required"
        elif not _S3_URL_RE.match(self.geoip_location):
            yield "geoip_location", f"{self.geoip_location!r} is not an s3://bucket/prefix URL"
        if self.geoip_format not in GEOIP_FORMATS:
            yield "geoip_format", f"{self.geoip_format!r} is not one of {', '.join(GEOIP_FORMATS)}"

    def _raise_first(self, problems: Iterator[tuple[str, str]]) -> None:
        for name, message in problems:
            raise BadInput(f"{self.key(name)}: {message}")

    def validate_names(self) -> None:
        self._raise_first(self.name_problems())

    def validate_trail(self) -> None:
        """Check every setting the CloudTrail DDL needs; BadInput names the first bad key."""
        self._raise_first(self.trail_problems())

    def validate_geoip(self) -> None:
        self._raise_first(self.geoip_problems())

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


def parse_date(value: Any, key: str) -> dt.date:
    """A date from YYYY-MM-DD or YYYY/MM/DD (or a date object); BadInput names ``key``."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and (day := read_day(value)) is not None:
        return day
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


def valid_s3_url(url: str) -> bool:
    """``s3://bucket`` or ``s3://bucket/prefix/``."""
    return bool(_S3_URL_RE.match(url))
