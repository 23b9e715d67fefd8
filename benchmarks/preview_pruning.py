"""Partition pruning of `looker-ops preview`: files read and wall time per dashboard.

    .venv/bin/python benchmarks/preview_pruning.py [--days 90] [--window "7 days"] [--seed 7] [--json]

Generates ``--days`` days of sample CloudTrail logs (ending 2026-11-20) into a temporary
folder, loads them once into the embedded engine, then previews every dashboard of the block
with its date filter set to ``--window`` and ``now`` pinned to 2026-11-20T12:00:00Z.

For each dashboard it prints the tiles run, the files each tile read (min/max over tiles), the
files of the window's own days, the files the block's partition predicate admits (the window
plus its one-day margin before the first day; the day after the window has no data here), the
total number of files, and the wall time of compiling and running every tile. The goal: every
tile reads only the files of its window's days (plus the block's margin), never the whole
bucket. Exit status 1 when a tile read more files than the predicate admits.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
END = dt.date(2026, 11, 20)
NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--window", default="7 days", help="value of the dashboards' date filter")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()

    from looker_ops.engines.local import LocalEngine
    from looker_ops.lookml.filters import parse_filter
    from looker_ops.lookml.loader import load_project
    from looker_ops.preview.run import preview_dashboard
    from looker_ops.sample_data.generate import generate

    window = parse_filter(args.window, "date", name="date", now=NOW).window
    assert window is not None and window.start is not None and window.end is not None, "use a closed window"
    with tempfile.TemporaryDirectory(prefix="preview-bench-") as tmp:
        data = Path(tmp)
        t0 = time.perf_counter()
        summary = generate(data, days=args.days, seed=args.seed, end=END)
        gen_s = time.perf_counter() - t0
        files = sorted(data.rglob("*.json.gz"))
        by_day: dict[str, int] = {}
        for f in files:
            day = "/".join(f.parent.parts[-3:])
            by_day[day] = by_day.get(day, 0) + 1
        win_days = {d.strftime("%Y/%m/%d") for d in window.days() or []}
        first_margin = (window.start - dt.timedelta(days=1)).strftime("%Y/%m/%d")
        last_margin = window.end.strftime("%Y/%m/%d")
        in_window = sum(n for d, n in by_day.items() if d in win_days)
        admitted = sum(n for d, n in by_day.items() if first_margin <= d <= last_margin)

        project = load_project(ROOT / "lookml_project", dashboard_dirs=[ROOT / "dashboards"], cache_dir=None)
        t0 = time.perf_counter()
        engine = LocalEngine(data, geoip_dir=data / "geoip")
        load_s = time.perf_counter() - t0
        report: dict[str, object] = {
            "days": args.days,
            "records": summary.records,
            "files_total": len(files),
            "window": args.window,
            "window_files": in_window,
            "predicate_files": admitted,
            "generate_s": round(gen_s, 2),
            "engine_load_s": round(load_s, 2),
            "dashboards": [],
        }
        ok = True
        with engine:
            for d in sorted(project.dashboards, key=lambda x: x.name):
                date_filter = next(
                    (f.name for f in d.filters if f.field and f.field.endswith("event_date")), None
                )
                overrides = {date_filter: args.window} if date_filter else {}
                t0 = time.perf_counter()
                p = preview_dashboard(project, d, engine, now=NOW, overrides=overrides)
                wall = time.perf_counter() - t0
                ran = [t for t in p.tiles if t.error is None and not t.is_text]
                scanned = [t.files_scanned or 0 for t in ran]
                failed = [t.title for t in p.tiles if t.error is not None and t.type != "text"]
                over = [t.title for t in ran if (t.files_scanned or 0) > admitted]
                ok = ok and not over and not failed
                report["dashboards"].append(  # type: ignore[attr-defined]
                    {
                        "dashboard": d.name,
                        "tiles_run": len(ran),
                        "tiles_failed": failed,
                        "files_scanned_min": min(scanned, default=0),
                        "files_scanned_max": max(scanned, default=0),
                        "tiles_over_budget": over,
                        "wall_s": round(wall, 2),
                        "ms_per_tile": round(1000 * wall / max(1, len(ran)), 1),
                    }
                )
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(
            f"{report['days']} days, {report['records']} records in {report['files_total']} files "
            f"(generated in {report['generate_s']} s, engine load {report['engine_load_s']} s)"
        )
        print(
            f"window {args.window!r} at {NOW:%Y-%m-%dT%H:%M:%SZ}: {in_window} files on the window's days, "
            f"{admitted} admitted by the partition predicate (one-day margin before)"
        )
        print(f"{'dashboard':40} {'tiles':>5} {'files min-max':>14} {'wall s':>7} {'ms/tile':>8}")
        for r in report["dashboards"]:  # type: ignore[attr-defined]
            span = f"{r['files_scanned_min']}-{r['files_scanned_max']}"
            print(
                f"{r['dashboard']:40} {r['tiles_run']:>5} {span:>14} {r['wall_s']:>7} {r['ms_per_tile']:>8}"
            )
            if r["tiles_failed"] or r["tiles_over_budget"]:
                print(f"  failed: {r['tiles_failed']}  over budget: {r['tiles_over_budget']}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
