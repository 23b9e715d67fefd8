"""``geoip upload``: the data files ``geoip build`` wrote -> S3, then the geo-IP table over them.

The table's format follows the files (``*.parquet`` or ``*.tsv.gz``, see
:func:`looker_ops.athena.geoip.data_files`); the table is created through the Athena runner's
``setup``. ``--print`` lists what would be uploaded and the DDL, and makes no AWS call.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_ops.athena.geoip import data_files
from looker_ops.config.athena import AthenaSettings
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.athena.runner import AthenaRunner, SetupReport

CONTENT_TYPES: dict[str, str] = {"parquet": "application/octet-stream", "tsv": "text/tab-separated-values"}


@dataclass
class PlannedUpload:
    path: Path
    url: str
    size: int
    content_type: str


@dataclass
class UploadReport:
    uploaded: list[str] = field(default_factory=list)  # s3:// URLs
    other_objects: list[str] = field(default_factory=list)  # keys under the prefix not from this build
    setup: SetupReport | None = None
    planned: list[PlannedUpload] = field(default_factory=list)  # --print: what would be uploaded
    printed: bool = False

    def render(self) -> str:
        lines: list[str] = []
        if self.printed:
            lines.append("-- --print: nothing uploaded or created, no AWS call")
            lines.extend(
                f"-- would upload {p.path} ({p.size} bytes, {p.content_type}) to {p.url}"
                for p in self.planned
            )
            if self.planned:
                folder = self.planned[0].url.rsplit("/", 1)[0] + "/"
                lines.append(f"-- Athena reads every object under {folder}: keep only these files there")
        lines.extend(f"uploaded {u}" for u in self.uploaded)
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
    print_only: bool = False,
) -> UploadReport:
    """Put the built data files under ``s3_url`` and create the geo-IP table there.

    The table's format follows the files (``*.parquet`` or ``*.tsv.gz``). ``print_only``
    lists what would be uploaded and the DDL, and makes no AWS call.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    from looker_ops.athena.runner import AthenaError, AthenaRunner, client_error_parts, setup

    bucket, prefix = parse_s3_url(s3_url)
    fmt, files = data_files(data_dir)
    settings = dataclasses.replace(settings, geoip_location=f"s3://{bucket}/{prefix}", geoip_format=fmt)
    settings.validate_geoip()
    content_type = CONTENT_TYPES[fmt]
    report = UploadReport()
    if print_only:
        report.printed = True
        report.planned = [
            PlannedUpload(f, f"s3://{bucket}/{prefix}{f.name}", f.stat().st_size, content_type) for f in files
        ]
        if create_table:
            report.setup = setup(settings, print_only=True, tables=("geoip",))
        return report
    runner = runner or AthenaRunner(settings)
    s3: Any = runner.s3_client
    names = {prefix + f.name for f in files}
    try:
        for f in files:
            with open(f, "rb") as body:
                s3.put_object(Bucket=bucket, Key=prefix + f.name, Body=body, ContentType=content_type)
            report.uploaded.append(f"s3://{bucket}/{prefix}{f.name}")
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
        report.other_objects = [
            f"s3://{bucket}/{o['Key']}" for o in listed.get("Contents", []) if o["Key"] not in names
        ]
    except (ClientError, BotoCoreError) as exc:
        op, code, msg = client_error_parts(exc)
        raise AthenaError(f"S3 {op} s3://{bucket}/{prefix}", msg, code=code, query=False) from exc
    if create_table:
        report.setup = setup(settings, replace=replace_table, runner=runner, tables=("geoip",))
    return report
