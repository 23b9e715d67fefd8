"""``looker-ops geoip``: build the geo-IP table from MaxMind CSV files, and upload it."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from looker_ops.athena.geoip import ROWS_PER_FILE
from looker_ops.commands.athena import athena_config, run_options, settings_from_options, setup_json
from looker_ops.commands.jsonout import JsonResult, json_option
from looker_ops.commands.outpaths import writing
from looker_ops.config.athena import GeoipFormat

_MAX_LISTED = 50


@click.group("geoip")
def geoip() -> None:
    """IP geolocation table (MaxMind GeoLite2/GeoIP2 City CSV) for the block's source-IP map."""


@geoip.command("build")
@click.option(
    "--blocks",
    "blocks",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="Blocks CSV (GeoLite2-City-Blocks-IPv4.csv); repeat for the IPv6 file.",
)
@click.option(
    "--locations",
    required=True,
    type=click.Path(path_type=Path),
    help="Locations CSV (GeoLite2-City-Locations-en.csv).",
)
@click.option("--out", "out_dir", required=True, type=click.Path(path_type=Path), help="Output folder.")
@click.option("--location", default=None, help="s3:// folder the files will be uploaded to (for the DDL).")
@click.option("--database", default=None, help="Athena database for the DDL (default cloudtrail).")
@click.option("--geoip-table", default=None, help="Table name (default geoip_blocks).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["parquet", "tsv"]),
    default="parquet",
    show_default=True,
    help="Parquet (ZSTD, read directly by the embedded engine) or gzip tab-separated text.",
)
@click.option(
    "--rows-per-file",
    type=click.IntRange(min=1),
    default=ROWS_PER_FILE,
    show_default=True,
    help="Parquet: rows per file before the table is cut into several files.",
)
@click.option("--allow-bad-rows", is_flag=True, help="Exit 0 even when rows were skipped.")
@click.option(
    "--no-local-csv",
    is_flag=True,
    help="TSV format: skip geoip_blocks.csv (the embedded engine's copy; Parquet needs none).",
)
def build_cmd(
    blocks: tuple[Path, ...],
    locations: Path,
    out_dir: Path,
    location: str | None,
    database: str | None,
    geoip_table: str | None,
    fmt: GeoipFormat,
    rows_per_file: int,
    allow_bad_rows: bool,
    no_local_csv: bool,
) -> None:
    """Turn MaxMind City CSV files into the geo-IP table's data files and DDL."""
    from looker_ops.athena.geoip import build
    from looker_ops.errors import ValidationFailed

    settings = settings_from_options({"database": database, "geoip_table": geoip_table})
    with writing("--out", out_dir):  # every file is written under --out
        report = build(
            list(blocks),
            locations,
            out_dir,
            location=location,
            settings=settings,
            fmt=fmt,
            local_csv=not no_local_csv,
            rows_per_file=rows_per_file,
        )
    for bad in report.bad_rows[:_MAX_LISTED]:
        click.echo(f"bad row: {bad}", err=True)
    if len(report.bad_rows) > _MAX_LISTED:
        click.echo(f"... and {len(report.bad_rows) - _MAX_LISTED} more bad rows", err=True)
    click.echo(report.summary())
    if report.bad_rows and not allow_bad_rows:
        raise ValidationFailed(
            f"{len(report.bad_rows)} bad row(s) skipped (listed above); --allow-bad-rows to accept"
        )


@geoip.command("upload")
@click.option(
    "--dir", "data_dir", required=True, type=click.Path(path_type=Path), help="Folder written by geoip build."
)
@click.option(
    "--s3", "s3_url", required=True, help="s3://bucket/prefix/ folder for the table (only its files)."
)
@click.option("--database", default=None, envvar="LOOKER_OPS_ATHENA_DATABASE", help="Athena database.")
@click.option("--geoip-table", default=None, envvar="LOOKER_OPS_ATHENA_GEOIP_TABLE", help="Table name.")
@click.option("--no-table", is_flag=True, help="Upload the files only; do not create the table.")
@click.option("--replace", is_flag=True, help="Drop and re-create the table if its definition differs.")
@click.option(
    "--print", "print_only", is_flag=True, help="Show the files and the DDL; no AWS call, nothing uploaded."
)
@run_options
@athena_config
@json_option("the result (files uploaded or planned, other objects, the table's set-up)")
def upload_cmd(
    data_dir: Path,
    s3_url: str,
    no_table: bool,
    replace: bool,
    print_only: bool,
    json_path: str | None,
    **options: Any,
) -> None:
    """Put the built files (Parquet or gzip TSV) in S3 and create the geo-IP table on Athena."""
    from looker_ops.athena.geoip_upload import upload
    from looker_ops.errors import ValidationFailed

    with JsonResult(json_path, "geoip upload", s3=s3_url, print_only=print_only, uploaded=[]) as out:
        settings = settings_from_options(options)
        report = upload(
            data_dir,
            s3_url,
            settings,
            create_table=not no_table,
            replace_table=replace,
            print_only=print_only,
        )
        out.doc.update(
            uploaded=report.uploaded,
            planned=[dataclasses.asdict(p) for p in report.planned],
            other_objects=report.other_objects,
            table=setup_json(report.setup) if report.setup is not None else None,
        )
        out.echo(report.render())
        if report.setup is not None and report.setup.unresolved:
            raise ValidationFailed("the geo-IP table differs from the wanted definition; use --replace")
