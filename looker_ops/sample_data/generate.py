"""Deterministic CloudTrail sample generator: the stories, written as CloudTrail delivers them.

Writes gzip JSON documents ``{"Records": [...]}`` under
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<YYYYMMDDTHHMMZ>_<16 chars>.json.gz``,
with CloudTrail's own camelCase keys and shapes. The events come from a table of *stories*
(:data:`STORIES`; :mod:`~looker_ops.sample_data.stories` and :mod:`~looker_ops.sample_data.cis`)
over the world of :mod:`~looker_ops.sample_data.world`, so every story a dashboard tells has data.
On request (``shapes``, :data:`REAL_LOG_SHAPES`) the last day also holds records shaped as real
logs sometimes are (an empty errorCode, an eventTime that is not a timestamp, no eventID...), so
``preview`` and ``check --data`` show how they are counted and reported.

The output depends only on the arguments: the same seed gives the same bytes (the gzip
header carries no timestamp and no file name).
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import ipaddress
import json
import random
import string
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from looker_ops.lookml.schema import GEOIP
from looker_ops.sample_data.cis import (
    CIS_CONTROLS,
    story_cis_controls,
    story_federated_people,
    story_terraform_groups,
)
from looker_ops.sample_data.stories import (
    story_access_denied,
    story_background_reads,
    story_brute_force,
    story_console_logins,
    story_other_errors,
    story_root_usage,
    story_security_groups,
    story_service_events,
)
from looker_ops.sample_data.world import (
    CI,
    DEFAULT_ACCOUNTS,
    DEFAULT_END,
    DEFAULT_REGIONS,
    GLOBAL_REGION,
    SAMPLE_GEO_NETWORKS,
    SAMPLE_IP_COUNTRIES,
    DayContext,
    Record,
)

Story = Callable[[DayContext], None]

#: The stories, in generation order. Each adds the records of one account on one day.
STORIES: dict[str, Story] = {
    "background_reads": story_background_reads,
    "console_logins": story_console_logins,
    "brute_force": story_brute_force,
    "root_usage": story_root_usage,
    "security_groups": story_security_groups,
    "access_denied": story_access_denied,
    "other_errors": story_other_errors,
    "service_events": story_service_events,
    "cis_controls": story_cis_controls,
    "federated_people": story_federated_people,
    "terraform_groups": story_terraform_groups,
}


# --------------------------------------------------------------------------- real-log shapes


def _shape_empty_error_code(ctx: DayContext) -> None:
    """A successful call whose record carries ``"errorCode": ""`` (a success, not an error)."""
    rec = ctx.event(CI, "ec2.amazonaws.com", "DescribeVpcs", request={"vpcSet": {}, "filterSet": {}})
    rec["errorCode"] = ""


def _shape_redacted_event_time(ctx: DayContext) -> None:
    """A record whose eventTime is not a timestamp (a redacted capture)."""
    ctx.event(CI, "sts.amazonaws.com", "GetCallerIdentity")["eventTime"] = "redacted"


def _shape_no_event_time(ctx: DayContext) -> None:
    """A record without eventTime."""
    del ctx.event(CI, "sts.amazonaws.com", "GetCallerIdentity")["eventTime"]


def _shape_space_in_event_time(ctx: DayContext) -> None:
    """eventTime with a space instead of ``T`` (Athena's from_iso8601_timestamp rejects it)."""
    rec = ctx.event(CI, "sts.amazonaws.com", "GetCallerIdentity")
    rec["eventTime"] = rec["eventTime"].replace("T", " ")


def _shape_no_event_id(ctx: DayContext) -> None:
    """A failed call without eventID (still an event: counted, and listed)."""
    rec = ctx.event(
        CI,
        "ec2.amazonaws.com",
        "RunInstances",
        error=("Client.UnauthorizedOperation", "You are not authorized to perform this operation."),
    )
    del rec["eventID"]


def _shape_duplicate_event_id(ctx: DayContext) -> None:
    """Two different events sharing one eventID."""
    first = ctx.event(CI, "sts.amazonaws.com", "GetCallerIdentity")
    ctx.event(CI, "ec2.amazonaws.com", "DescribeRegions")["eventID"] = first["eventID"]


def _shape_prefix_zero(ctx: DayContext) -> None:
    """Ingress opened to ``208.236.235.254/0`` (a real capture) and to ``::/0``: the world."""
    ranges = {"ipRanges": {"items": [{"cidrIp": "208.236.235.254/0"}]}}
    ranges["ipv6Ranges"] = {"items": [{"cidrIpv6": "::/0"}]}
    permission = {"ipProtocol": "tcp", "fromPort": 3389, "toPort": 3389, **ranges}
    request = {"groupId": ctx.hexid("sg-"), "ipPermissions": {"items": [permission]}}
    ctx.event(CI, "ec2.amazonaws.com", "AuthorizeSecurityGroupIngress", request=request)


def _shape_data_event_without_category(ctx: DayContext) -> None:
    """An S3 data event of an older format: ``managementEvent: false`` and no eventCategory."""
    request = {"bucketName": f"app-data-{ctx.account}", "key": "reports/latest.csv"}
    rec = ctx.event(CI, "s3.amazonaws.com", "GetObject", request=request, category="Data", read_only=True)
    del rec["eventCategory"]


def _shape_ec2_error_codes(ctx: DayContext) -> None:
    """Failed EC2 calls with EC2's own error codes, which carry a ``Client.`` (the caller's
    fault) or ``Server.`` (EC2's) prefix, one of each family; and a plain ``InternalFailure``."""
    errors = (
        ("DescribeInstances", "Client.RequestLimitExceeded", "Request limit exceeded."),
        (
            "RunInstances",
            "Client.InvalidParameterValue",
            "Value (t9.nano) for parameter instanceType is invalid.",
        ),
        (
            "StopInstances",
            "Client.UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        ),
        (
            "DescribeRegions",
            "Client.AuthFailure",
            "AWS was not able to validate the provided access credentials",
        ),
        (
            "TerminateInstances",
            "Client.InvalidInstanceID.NotFound",
            "The instance ID 'i-0feedface' does not exist",
        ),
        ("StartInstances", "Server.InternalError", "An internal error has occurred"),
        ("DescribeVpcs", "Server.Unavailable", "The server is overloaded and can't handle the request."),
    )
    for name, code, message in errors:
        ctx.event(CI, "ec2.amazonaws.com", name, error=(code, message))
    ctx.event(CI, "sts.amazonaws.com", "GetCallerIdentity", error=("InternalFailure", "Internal failure"))


#: Records as real logs sometimes have them, by name (``sample-data --shape NAME``).
REAL_LOG_SHAPES: dict[str, Callable[[DayContext], None]] = {
    "empty-error-code": _shape_empty_error_code,
    "redacted-event-time": _shape_redacted_event_time,
    "no-event-time": _shape_no_event_time,
    "space-in-event-time": _shape_space_in_event_time,
    "no-event-id": _shape_no_event_id,
    "duplicate-event-id": _shape_duplicate_event_id,
    "prefix-zero": _shape_prefix_zero,
    "data-event-without-category": _shape_data_event_without_category,
    "ec2-error-codes": _shape_ec2_error_codes,
}


def _shape_records(day: dt.date, seed: int, account: str, shapes: Sequence[str]) -> list[Record]:
    """The records of the requested shapes, in the global region, at midday of ``day``."""
    records: list[Record] = []
    for name in shapes:
        rng = random.Random(f"{seed}/{day.isoformat()}/{account}/shape/{name}")
        ctx = DayContext(day, 0, account, 0, (GLOBAL_REGION,), rng)
        REAL_LOG_SHAPES[name](ctx)
        for rec in ctx.records:
            if isinstance(rec.get("eventTime"), str) and rec["eventTime"][:4].isdigit():
                rec["eventTime"] = rec["eventTime"][:11] + "12" + rec["eventTime"][13:]
        records.extend(ctx.records)
    return records


# --------------------------------------------------------------------------- writing


@dataclass(frozen=True)
class SampleSummary:
    out_dir: Path
    files: int
    records: int
    first_day: dt.date
    last_day: dt.date


FILE_WINDOW_HOURS = 6  # records of one account/region are delivered in one file per window


def _gzip_bytes(data: bytes) -> bytes:
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    return buf.getvalue()


def _day_records(
    day: dt.date, day_index: int, seed: int, accounts: Sequence[str], regions: tuple[str, ...]
) -> Iterator[tuple[str, Record]]:
    for account_index, account in enumerate(accounts):
        for story_name, story in STORIES.items():
            rng = random.Random(f"{seed}/{day.isoformat()}/{account}/{story_name}")
            ctx = DayContext(day, day_index, account, account_index, regions, rng)
            story(ctx)
            for rec in ctx.records:
                yield account, rec


def generate(
    out_dir: Path,
    *,
    days: int = 14,
    seed: int = 7,
    end: dt.date = DEFAULT_END,
    accounts: Sequence[str] = DEFAULT_ACCOUNTS,
    regions: Sequence[str] = DEFAULT_REGIONS,
    shapes: Sequence[str] = (),
) -> SampleSummary:
    """Write ``days`` days of CloudTrail logs ending on ``end`` (inclusive) under ``out_dir``.

    ``shapes``: names of :data:`REAL_LOG_SHAPES` whose records the last day also holds (first
    account, global region, in the file of the midday window). Also writes
    ``out_dir/geoip/geoip_blocks.csv`` (see :func:`write_sample_geoip`).
    """
    unknown = [s for s in shapes if s not in REAL_LOG_SHAPES]
    if unknown:
        raise ValueError(f"unknown shape(s) {', '.join(unknown)}: choose from {', '.join(REAL_LOG_SHAPES)}")
    if days < 1:
        raise ValueError("days must be at least 1")
    for acct in accounts:
        if not (len(acct) == 12 and acct.isdigit()):
            raise ValueError(f"account id must be 12 digits: {acct!r}")
    regions = tuple(regions)
    if GLOBAL_REGION not in regions:
        regions = (GLOBAL_REGION, *regions)
    first = end - dt.timedelta(days=days - 1)
    files = records = 0
    for day_index in range(days):
        day = first + dt.timedelta(days=day_index)
        groups: dict[tuple[str, str, int], list[Record]] = {}
        for account, rec in _day_records(day, day_index, seed, accounts, regions):
            hour = int(rec["eventTime"][11:13])
            groups.setdefault((account, rec["awsRegion"], hour // FILE_WINDOW_HOURS), []).append(rec)
        if shapes and day == end:
            key = (accounts[0], GLOBAL_REGION, 12 // FILE_WINDOW_HOURS)
            groups.setdefault(key, []).extend(_shape_records(day, seed, accounts[0], shapes))
        name_rng = random.Random(f"{seed}/{day.isoformat()}/files")
        for (account, region, window), recs in sorted(groups.items()):
            recs.sort(key=lambda r: (str(r.get("eventTime", "")), str(r.get("eventID", ""))))
            stamp = f"{day:%Y%m%d}T{window * FILE_WINDOW_HOURS + FILE_WINDOW_HOURS - 1:02d}{name_rng.randint(0, 59):02d}Z"
            suffix = "".join(name_rng.choice(string.ascii_letters + string.digits) for _ in range(16))
            folder = out_dir / "AWSLogs" / account / "CloudTrail" / region / f"{day:%Y/%m/%d}"
            folder.mkdir(parents=True, exist_ok=True)
            body = json.dumps({"Records": recs}, separators=(",", ":")).encode()
            (folder / f"{account}_CloudTrail_{region}_{stamp}_{suffix}.json.gz").write_bytes(
                _gzip_bytes(body)
            )
            files += 1
            records += len(recs)
    write_sample_geoip(out_dir / "geoip")
    return SampleSummary(out_dir=out_dir, files=files, records=records, first_day=first, last_day=end)


def sample_geoip_rows() -> list[dict[str, Any]]:
    """The sample networks as ``geoip_blocks`` rows (IPv4 expanded to /16 buckets)."""
    rows: list[dict[str, Any]] = []
    for net in SAMPLE_GEO_NETWORKS:
        network = ipaddress.ip_network(net.network)
        base = {
            "network": net.network,
            "ip_version": network.version,
            "country_iso_code": net.country_iso_code,
            "country_name": net.country_name,
            "subdivision_1_name": net.subdivision_1_name,
            "city_name": net.city_name,
            "latitude": net.latitude,
            "longitude": net.longitude,
        }
        if network.version == 4:
            start, end = int(network.network_address), int(network.broadcast_address)
            for bucket in range(start >> 16, (end >> 16) + 1):
                rows.append({**base, "bucket": bucket, "ip_start": start, "ip_end": end})
        else:
            rows.append({**base, "bucket": None, "ip_start": None, "ip_end": None})
    return rows


def write_sample_geoip(out_dir: Path) -> Path:
    """Write the sample networks as ``geoip_blocks.csv`` (header = the GEOIP column names)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    names = [c.name for c in GEOIP.columns]
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=names, lineterminator="\n")
    writer.writeheader()
    for row in sample_geoip_rows():
        writer.writerow({k: "" if row[k] is None else row[k] for k in names})
    path = out_dir / "geoip_blocks.csv"
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def iter_records(root: Path) -> Iterator[tuple[Path, Record]]:
    """Every record of every ``.json.gz`` file under ``root`` (sorted by path): for tests and tools."""
    for path in sorted(root.rglob("*.json.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for rec in json.load(fh)["Records"]:
                yield path, rec


__all__ = [
    "CIS_CONTROLS",
    "REAL_LOG_SHAPES",
    "SAMPLE_GEO_NETWORKS",
    "SAMPLE_IP_COUNTRIES",
    "STORIES",
    "SampleSummary",
    "generate",
    "iter_records",
    "sample_geoip_rows",
    "write_sample_geoip",
]
