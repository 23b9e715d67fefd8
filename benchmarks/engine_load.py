"""Time and memory of the embedded engine loading generated CloudTrail logs.

    .venv/bin/python benchmarks/engine_load.py [--days 90] [--seed 7]

Generates ``--days`` days of sample logs into a temporary folder, then, in a fresh child
process (so the figure is the engine's own), loads them with ``LocalEngine`` and runs one
pruned and one unpruned query. Prints records, files, load seconds, query milliseconds and
the child's peak resident memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
from looker_ops.engines.local import LocalEngine
imported = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
engine = LocalEngine(Path(sys.argv[1]))
load = time.perf_counter() - t0
t1 = time.perf_counter()
full = engine.query("SELECT eventname, count(*) FROM cloudtrail_logs GROUP BY 1")
t2 = time.perf_counter()
last = max(f.dt for f in engine.files())
pruned = engine.query(f"SELECT count(*) FROM cloudtrail_logs WHERE dt = '{last}'")
t3 = time.perf_counter()
print(json.dumps({
    "records": engine.query("SELECT count(*) FROM cloudtrail_logs").rows[0][0],
    "files": len({f.path for f in engine.files()}),
    "problems": len(engine.problems),
    "load_s": round(load, 3),
    "query_full_ms": round((t2 - t1) * 1000, 1), "files_full": full.files_scanned,
    "query_pruned_ms": round((t3 - t2) * 1000, 1), "files_pruned": pruned.files_scanned,
    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "rss_after_import_mb": round(imported / 1024, 1),
}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from looker_ops.sample_data.generate import generate

    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        summary = generate(Path(tmp), days=args.days, seed=args.seed)
        gen = time.perf_counter() - t0
        size = sum(p.stat().st_size for p in Path(tmp).rglob("*.json.gz"))
        out = subprocess.run([sys.executable, "-c", CHILD, tmp], check=True, capture_output=True, text=True)
        result = json.loads(out.stdout)
    result.update(days=args.days, generate_s=round(gen, 3), gzip_mb=round(size / 1e6, 2))
    assert result["records"] == summary.records and result["problems"] == 0
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
