"""``looker-ops sample-data``: write deterministic CloudTrail sample logs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

import click

from looker_ops import clock
from looker_ops.commands.jsonout import JsonResult, json_option
from looker_ops.commands.outpaths import writing
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.sample_data.generate import SampleSummary


@click.command("sample-data")
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write AWSLogs/... (and geoip/geoip_blocks.csv) into.",
)
@click.option("--days", default=14, show_default=True, type=click.IntRange(1, 3660), help="Number of days.")
@click.option("--seed", default=7, show_default=True, type=int, help="Random seed: same seed, same bytes.")
@click.option(
    "--end",
    "end",
    default=None,
    help="Last day, YYYY-MM-DD. Default: yesterday (UTC), so today's preview shows the data.",
)
@click.option(
    "--shape",
    "shapes",
    multiple=True,
    metavar="NAME",
    help="Also write records shaped as real logs sometimes are, on the last day: "
    "empty-error-code, redacted-event-time, no-event-time, space-in-event-time, no-event-id, "
    "duplicate-event-id, prefix-zero, data-event-without-category, ec2-error-codes, or 'all'. "
    "Repeatable.",
)
@json_option("what was written (records, files, days, folder)")
def sample_data(
    out_dir: Path, days: int, seed: int, end: str | None, shapes: tuple[str, ...], json_path: str | None
) -> None:
    """Write CloudTrail-format sample logs (gzip JSON, CloudTrail's S3 key layout)."""
    with JsonResult(json_path, "sample-data", out=str(out_dir), seed=seed) as out:
        with writing("--out", out_dir):
            summary = _write(out_dir, days, seed, end, shapes)
        out.doc.update(
            records=summary.records,
            files=summary.files,
            first_day=str(summary.first_day),
            last_day=str(summary.last_day),
            shapes=summary_shapes(shapes),
        )
        out.echo(
            f"wrote {summary.records} records in {summary.files} files, "
            f"{summary.first_day} to {summary.last_day}, under {out_dir}"
        )


def summary_shapes(shapes: tuple[str, ...]) -> list[str]:
    """The real-log shapes asked for, ``all`` spelt out."""
    from looker_ops.sample_data.generate import REAL_LOG_SHAPES

    return list(REAL_LOG_SHAPES) if "all" in shapes else list(dict.fromkeys(shapes))


def _write(out_dir: Path, days: int, seed: int, end: str | None, shapes: tuple[str, ...]) -> SampleSummary:
    """Check the options, then write the logs; the generator's summary."""
    from looker_ops.sample_data.generate import REAL_LOG_SHAPES, generate

    chosen = list(REAL_LOG_SHAPES) if "all" in shapes else list(dict.fromkeys(shapes))
    unknown = [s for s in chosen if s not in REAL_LOG_SHAPES]
    if unknown:
        raise BadInput(f"--shape {unknown[0]}: choose from {', '.join(REAL_LOG_SHAPES)} or all")

    if end is None:
        end_day = clock.yesterday()
    else:
        try:
            end_day = dt.date.fromisoformat(end)
        except ValueError:
            raise BadInput(f"--end {end!r}: expected a date YYYY-MM-DD") from None
    # The days written must be dates the preview's filters can reach (four-digit years).
    first_day = end_day - dt.timedelta(days=days - 1) if end_day.year >= 1000 else end_day
    if first_day.year < 1000 or end_day.year > 9998:
        raise BadInput(
            f"--end {end_day.isoformat()} with --days {days}: the days must fall in the years 1000 to 9998"
        )
    if out_dir.exists() and not out_dir.is_dir():
        raise BadInput(f"--out {out_dir}: not a directory")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        raise BadInput(f"--out {out_dir}: directory is not empty (files from another run would mix in)")
    return generate(out_dir, days=days, seed=seed, end=end_day, shapes=chosen)
