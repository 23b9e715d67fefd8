"""``looker-ops preview``: the block's dashboards on your own CloudTrail logs, before any Looker."""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from looker_ops import clock
from looker_ops.commands.jsonout import FORMAT, OUTPUT, json_written
from looker_ops.commands.options import load_warning, log_files_found
from looker_ops.errors import BadInput, ValidationFailed

if TYPE_CHECKING:  # the engine (duckdb) is imported when the command runs, not for --help
    from looker_ops.engines.local import LoadProblem, LocalEngine

_MAX_PROBLEM_LINES = 20


@click.command("preview")
@click.argument("dashboards", nargs=-1)
@click.option("--all", "every", is_flag=True, help="Preview every dashboard.")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Folder of CloudTrail log files (S3 layout or flat, gzip or not). Default: the bundled sample.",
)
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a dashboard filter (by name or title), e.g. --filter 'date=14 days'. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "csv", "html"]),
    default="table",
    show_default=True,
    callback=FORMAT,
)
@click.option(
    "-o",
    "--output",
    "out",
    type=click.Path(path_type=Path),
    callback=OUTPUT,
    help="Write the output to this file instead of stdout.",
)
@click.option(
    "--out", "out_old", type=click.Path(path_type=Path), hidden=True, callback=OUTPUT
)  # the earlier spelling
@click.option(
    "--now",
    "now_text",
    metavar="TIME",
    help="The 'now' of relative dates (ISO 8601, UTC). Default: the end of the bundled sample's last "
    "day with the bundled sample, else the current time.",
)
@click.option(
    "--project",
    "project_dir",
    type=click.Path(path_type=Path),
    help="LookML project folder (default: ./lookml_project, else the bundled block).",
)
@click.option(
    "--dashboards",
    "dashboards_dir",
    type=click.Path(path_type=Path),
    help="Folder of .dashboard.lookml files (default: the project's sibling dashboards/).",
)
@click.option("--dashboards-dir", "dashboards_dir_old", type=click.Path(path_type=Path), hidden=True)
@click.option(
    "--geoip",
    "geoip_dir",
    type=click.Path(path_type=Path),
    help="Folder with the geo-IP table as *.parquet (geoip build) or *.csv (sample-data); default: DATA/geoip when it exists.",
)
@click.option(
    "--verbose",
    "-v",
    is_flag=True,
    help="Text output: every row, the partition predicate and the SQL of each tile.",
)
def preview(
    dashboards: tuple[str, ...],
    every: bool,
    data_dir: Path | None,
    filters: tuple[str, ...],
    fmt: str,
    out: Path | None,
    out_old: Path | None,
    now_text: str | None,
    project_dir: Path | None,
    dashboards_dir: Path | None,
    dashboards_dir_old: Path | None,
    geoip_dir: Path | None,
    verbose: bool,
) -> None:
    """Run DASHBOARD's tiles (a slug or a file under dashboards/) on the embedded engine.

    Exit 0 when every query tile ran, 1 when one could not be compiled or run (the others
    still run and are shown), 2 for bad usage (also a --filter value its filter cannot read,
    and a --data folder without CloudTrail log files). Log files the engine could not read
    are skipped and listed (stderr and the output).
    """
    from looker_ops.preview.run import (
        find_dashboards,
        load_preview_project,
        parse_filter_options,
        parse_now,
        preview_dashboard,
        render,
        sample_now,
    )

    # -o/--output and --dashboards as on `check`; --out and --dashboards-dir still work (hidden)
    out = out or out_old
    dashboards_dir = dashboards_dir or dashboards_dir_old
    _check_usage(dashboards, every, data_dir, geoip_dir)
    _check_output(out)
    overrides = parse_filter_options(filters)
    project = load_preview_project(_project_dir(project_dir), dashboards_dir)
    chosen = find_dashboards(project, dashboards, every=every)
    if overrides and every:
        names = {n.lower() for d in chosen for f in d.filters for n in (f.name, f.title or "")}
        unknown = [k for k in overrides if k.lower() not in names]
        if unknown:
            raise BadInput(f"--filter {unknown[0]}: no dashboard has such a filter")
    with _engine(data_dir, geoip_dir) as engine:
        if now_text:
            now = parse_now(now_text)
        elif data_dir is None:
            now = sample_now(engine)
        else:
            now = clock.now()
        label = str(data_dir) if data_dir is not None else "bundled sample"
        previews = [
            preview_dashboard(
                project, d, engine, now=now, overrides=overrides, strict_filters=not every, data_label=label
            )
            for d in chosen
        ]
        opened, found = engine.files_opened, log_files_found(engine)
    to_terminal = out is None and sys.stdout.isatty()
    text = render(
        previews,
        fmt,
        many=every,
        # a file keeps the whole table; stdout is fitted to the terminal (COLUMNS, else 120)
        width=None if out is not None else shutil.get_terminal_size((120, 24)).columns,
        verbose=verbose,
        color=to_terminal and "NO_COLOR" not in os.environ,
    )
    _warn(engine.problems, [n for p in previews for n in p.notes], opened, found)
    _write(text, out)
    failed = [
        (p.dashboard, t.title) for p in previews for t in p.tiles if t.error is not None and not t.is_text
    ]
    if failed:
        raise ValidationFailed(
            f"{len(failed)} tile(s) could not run: " + "; ".join(f"{d}/{t}" for d, t in failed[:5])
        )


def _check_usage(
    dashboards: tuple[str, ...], every: bool, data_dir: Path | None, geoip_dir: Path | None
) -> None:
    if not dashboards and not every:
        raise BadInput("name a dashboard (slug or file under dashboards/) or use --all")
    if dashboards and every:
        raise BadInput("give dashboard names or --all, not both")
    if data_dir is not None and not data_dir.is_dir():
        raise BadInput(f"--data {data_dir}: not a directory")
    if geoip_dir is not None and not geoip_dir.is_dir():
        raise BadInput(f"--geoip {geoip_dir}: not a directory")


def _engine(data_dir: Path | None, geoip_dir: Path | None) -> LocalEngine:
    """The embedded engine over ``--data`` (else the bundled sample), with the geo-IP table
    from ``--geoip`` or DATA/geoip."""
    from looker_ops.engines.local import LocalEngine

    if data_dir is not None and geoip_dir is None and (data_dir / "geoip").is_dir():
        geoip_dir = data_dir / "geoip"  # where `looker-ops sample-data` and `geoip build` put it
    if data_dir is None and geoip_dir is None:
        return LocalEngine(None)
    return LocalEngine(data_dir, geoip_dir=geoip_dir)


def _warn(problems: Sequence[LoadProblem], notes: Sequence[str], opened: int, found: int) -> None:
    """Load problems and notes on stderr, whatever the format or --output: they change every
    number shown. The problems are counted by kind (files not read, records skipped, records
    loaded with a note), with the log files opened of those found."""
    if problems:
        click.echo(load_warning(problems, opened, found, "the tiles") + ":", err=True)
        for problem in problems[:_MAX_PROBLEM_LINES]:
            click.echo(f"  {problem.file}: {problem.message}", err=True)
        if len(problems) > _MAX_PROBLEM_LINES:
            click.echo(f"  ... and {len(problems) - _MAX_PROBLEM_LINES} more (see the output)", err=True)
    for note in dict.fromkeys(notes):
        click.echo(f"note: {note}", err=True)


def _check_output(out: Path | None) -> None:
    """BadInput before any query when --output's folder does not exist: like check's --output
    and every --json, preview creates no folder (a misspelt path is not created)."""
    if out is not None and not out.parent.is_dir():
        raise BadInput(f"--output {out}: cannot write: no such folder {out.parent}")


def _write(text: str, out: Path | None) -> None:
    """The output on stdout, or in ``out`` (then said on stderr)."""
    if out is None:
        sys.stdout.write(text)
        json_written("-")
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"--output {out}: cannot write: {exc.strerror or exc}") from None
    json_written(str(out))
    click.echo(f"wrote {out}", err=True)


def _project_dir(given: Path | None) -> Path:
    """``--project``, else ./lookml_project, else the block bundled with looker-ops (said on
    stderr, as check says it)."""
    if given is not None:
        return given
    here = Path.cwd() / "lookml_project"
    if here.is_dir():
        return here
    from looker_ops.bundled import block_dirs

    bundled = block_dirs()[0]
    click.echo(
        f"no ./lookml_project here: previewing the block bundled with looker-ops ({bundled})", err=True
    )
    return bundled
