"""The embedded engine at real volumes: load rate against the floor, a 7-day preview, memory.

    .venv/bin/python benchmarks/engine_scale.py [--records 1000000] [--days 30] [--data DIR] [--json]

Writes ``--records`` records over ``--days`` days, 3 accounts and 4 regions, one file per
account, region and hour in CloudTrail's S3 layout (:mod:`engine_data`; or uses ``--data``),
then measures, in this one run and each in a fresh process:

1. the floor: reading, gunzipping and parsing every file with orjson (and with the standard
   library's json, for reference), in one process and in one process per core;
2. ``LocalEngine.load_all()``: every record loaded, its wall time and the ratio to the floor;
   peak RSS of the engine's process and of its worker processes;
3. ``looker-ops preview --all`` with the dashboards' default 7-day window: wall time, files
   opened (of all files), peak RSS.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

FLOOR = r"""
import json, multiprocessing, os, sys, time, zlib
import orjson
from looker_ops.engines.layout import discover

def parse(path, loads):
    with open(path, "rb") as fh:
        return len(loads(zlib.decompress(fh.read(), 47))["Records"])

def orjson_share(paths):
    return sum(parse(p, orjson.loads) for p in paths)

if __name__ == "__main__":
    paths = [str(p) for p in discover(__import__("pathlib").Path(sys.argv[1]))]
    out = {}
    t, c = time.perf_counter(), time.process_time(); n = sum(parse(p, orjson.loads) for p in paths)
    out["orjson_1_process_s"] = time.perf_counter() - t
    out["orjson_1_process_cpu_s"] = time.process_time() - c
    t = time.perf_counter(); sum(parse(p, json.loads) for p in paths)
    out["json_1_process_s"] = time.perf_counter() - t
    cores = os.cpu_count() or 1
    t = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(cores) as pool:
        assert sum(pool.map(orjson_share, [paths[i::cores] for i in range(cores)])) == n
    out["orjson_all_cores_s"] = time.perf_counter() - t
    out["records"] = n
    print(json.dumps(out))
"""

LOAD = r"""
import json, resource, sys, time
from pathlib import Path
from looker_ops.engines.local import LocalEngine
t = time.perf_counter()
engine = LocalEngine(Path(sys.argv[1]), progress=False)
engine.load_all()
load = time.perf_counter() - t
records = engine.query("SELECT count(*) FROM cloudtrail_logs").rows[0][0]
files_opened, problems = engine.files_opened, len(engine.problems)
engine.close()  # the worker processes are reaped here: their figures count from now on
me, workers = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({
    "load_s": load, "records": records, "files_opened": files_opened, "problems": problems,
    "peak_rss_mb": me.ru_maxrss / 1024, "workers_peak_rss_mb": workers.ru_maxrss / 1024,
    "cpu_s": me.ru_utime + me.ru_stime, "workers_cpu_s": workers.ru_utime + workers.ru_stime,
}))
"""

PREVIEW = r"""
import json, resource, sys, time
from pathlib import Path
from looker_ops.engines import local

opened = {}
Engine = local.LocalEngine
class Counting(Engine):
    def close(self):
        opened["files"] = self.files_opened
        opened["all"] = len({f.path for f in self.files()})
        super().close()
local.LocalEngine = Counting
from looker_ops.cli import main
t = time.perf_counter()
try:
    main(["preview", "--all", "--data", sys.argv[1], "--now", sys.argv[2], "--format", "json",
          "--out", sys.argv[3], "--project", sys.argv[4]])
except SystemExit as exc:
    code = exc.code
wall = time.perf_counter() - t
print(json.dumps({"preview_s": wall, "exit": code, "files_opened": opened.get("files"),
    "files_total": opened.get("all"),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "workers_peak_rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def _child(code: str, *args: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code, *args], check=True, capture_output=True, text=True)
    result: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def measure(data: Path, now: str) -> dict[str, object]:
    floor = _child(FLOOR, str(data))
    load = _child(LOAD, str(data))
    with tempfile.TemporaryDirectory() as tmp:
        preview = _child(PREVIEW, str(data), now, str(Path(tmp) / "out.json"), str(ROOT / "lookml_project"))
    gz = sum(p.stat().st_size for p in data.rglob("*.json.gz"))
    records = int(str(load["records"]))
    load_s = float(str(load["load_s"]))
    return {
        "records": records,
        "files": load["files_opened"],
        "gzip_mb": round(gz / 1e6, 1),
        "floor": {k: round(float(str(v)), 2) for k, v in floor.items() if k.endswith("_s")},
        "load": {
            "seconds": round(load_s, 2),
            "records_per_s": round(records / load_s),
            "x_floor_1_process": round(load_s / float(str(floor["orjson_1_process_s"])), 2),
            "x_floor_all_cores": round(load_s / float(str(floor["orjson_all_cores_s"])), 2),
            "peak_rss_mb": round(float(str(load["peak_rss_mb"]))),
            "workers_peak_rss_mb": round(float(str(load["workers_peak_rss_mb"]))),
            "problems": load["problems"],
            # CPU seconds: less sensitive than wall time to other work on the machine
            "cpu_s_engine": round(float(str(load["cpu_s"])), 2),
            "cpu_s_workers": round(float(str(load["workers_cpu_s"])), 2),
            "cpu_x_floor_cpu": round(
                (float(str(load["cpu_s"])) + float(str(load["workers_cpu_s"])))
                / float(str(floor["orjson_1_process_cpu_s"])),
                2,
            ),
        },
        "preview_all_7_days": {
            "seconds": round(float(str(preview["preview_s"])), 2),
            "exit": preview["exit"],
            "files_opened": preview["files_opened"],
            "files_total": preview["files_total"],
            "peak_rss_mb": round(float(str(preview["peak_rss_mb"]))),
            "workers_peak_rss_mb": round(float(str(preview["workers_peak_rss_mb"]))),
        },
        "cores": os.cpu_count(),
        "load_average_1min_at_end": round(os.getloadavg()[0], 2),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--data", type=Path, help="use these logs (engine_data.py's layout) instead of writing")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(HERE))
    from engine_data import END, write_logs

    now = f"{END:%Y-%m-%d}T23:59:59Z"
    if args.data is not None:
        result = measure(args.data, now)
    else:
        with tempfile.TemporaryDirectory(prefix="engine-scale-") as tmp:
            t = time.perf_counter()
            write_logs(Path(tmp), records=args.records, days=args.days)
            print(f"generated in {time.perf_counter() - t:.1f} s", file=sys.stderr)
            result = measure(Path(tmp), now)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
