"""Benchmark reading dashboard files as `looker-ops check` reads them (``parse_bytes``).

Generates the dashboard-heavy project of ``check_large.py`` (``--views 200``: 300 dashboards of 8 tiles, ~90 visualization
settings per tile, 7.9 MB, 267,000 lines of YAML), then, in ``--runs`` fresh processes (the
reader's memo tables start empty, as in each parse worker of a cold check), times
``parse_bytes(data, rel)`` of every dashboard once (cold) and again in the same process (warm),
in CPU seconds of that process. Prints the minimum and median of the runs. ``--code DIR`` times
another checkout's looker_ops (e.g. an older commit in a ``git worktree``), for a before/after
on the same files.

    python benchmarks/dashboard_read.py [--dashboards 300] [--runs 5] [--out DIR] [--code DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from check_large import generate

_CHILD = r"""
import json, sys, time
from pathlib import Path
root = Path(sys.argv[1])
files = sorted(root.rglob("*.dashboard.lookml"))
datas = [(p.read_bytes(), str(p.relative_to(root))) for p in files]
from looker_ops.lookml.parsecache import parse_bytes
import looker_ops.lookml.dashboards  # imported before the clock starts
out = {}
for name in ("cold", "warm"):
    t = time.process_time()
    parsed = [parse_bytes(d, r) for d, r in datas]
    out[name] = time.process_time() - t
out["files"] = len(files)
out["bytes"] = sum(len(d) for d, _ in datas)
out["lines"] = sum(d.count(b"\n") for d, _ in datas)
out["dashboards"] = sum(len(p.doc["dashboards"]) for p in parsed)
print(json.dumps(out))
"""


def measure(root: Path, code: Path | None) -> dict[str, float]:
    env = dict(os.environ)
    if code is not None:
        env["PYTHONPATH"] = str(code.resolve())
    proc = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root)],
        capture_output=True,
        text=True,
        env=env,
        cwd=root.parent,  # not the repository: its looker_ops would shadow --code's
        check=False,
    )
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    result: dict[str, float] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dashboards", type=int, default=300)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", type=Path, help="where to generate the project (default: a temp dir, removed)")
    ap.add_argument("--code", type=Path, help="time the looker_ops of this checkout (before/after)")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="looker-ops-dash-"))
    root = args.out or tmp / "project"
    try:
        if not (root / "dashboards").is_dir():
            generate(root, 200, args.dashboards)  # the dashboard-heavy project's dashboards
        runs = [measure(root, args.code) for _ in range(args.runs)]
        first = runs[0]
        print(
            f"{first['files']:.0f} files, {first['dashboards']:.0f} dashboards, "
            f"{first['bytes'] / 1e6:.1f} MB, {first['lines']:.0f} lines; {args.runs} processes"
        )
        for name in ("cold", "warm"):
            xs = [r[name] for r in runs]
            print(f"parse_bytes, {name:<5} CPU s: min {min(xs):.3f}  median {statistics.median(xs):.3f}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
