"""``looker-ops sample-data``: write deterministic CloudTrail sample logs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from looker_ops import clock
from looker_ops.errors import BadInput


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
    "duplicate-event-id, prefix-zero, data-event-without-category, or 'all'. Repeatable.",
)
def sample_data(out_dir: Path, days: int, seed: int, end: str | None, shapes: tuple[str, ...]) -> None:
    """Write CloudTrail-format sample logs (gzip JSON, CloudTrail's S3 key layout)."""
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
    summary = generate(out_dir, days=days, seed=seed, end=end_day, shapes=chosen)
    click.echo(
        f"wrote {summary.records} records in {summary.files} files, "
        f"{summary.first_day} to {summary.last_day}, under {out_dir}"
    )
