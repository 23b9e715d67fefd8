"""Snapshot every finding of `looker-ops check` on some projects, and compare two snapshots.

For a change meant to make `check` faster without changing what it finds: take a snapshot with
the old code and one with the new, then compare. A snapshot holds, per project, every finding
(code, severity, file, line, where, message) in report order, before and after exemptions, the
notes and whether the SQL checks ran.

    python benchmarks/check_findings.py snapshot OUT.json [--fixtures] [--project PATH[,dialect=D][,workers=N][,sql=yes]] ...
    python benchmarks/check_findings.py compare OLD.json NEW.json

``--fixtures`` adds the bundled block (with its dashboards, without and with --sql, and under
bigquery), the realistic test project (bigquery and athena) and both twins of every scenario of
tests/check_scenarios (with its scenario.json). Projects named by ``--project`` are checked
with an empty cache, in 2 processes unless ``workers=1``. For the old code, run the snapshot with
``PYTHONPATH=<a checkout of the old commit>`` (e.g. made with ``git worktree add``) from outside
the repository. ``compare`` prints the first difference of each project and exits 1 on any.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def _fixtures() -> Iterator[tuple[str, dict[str, Any]]]:
    block = {"root": REPO / "lookml_project", "dashboard_dirs": [REPO / "dashboards"]}
    yield "block", {**block, "sql": False}
    yield "block --sql", {**block, "sql": True}
    yield "block bigquery", {**block, "sql": False, "dialect": "bigquery"}
    realistic = REPO / "tests" / "check" / "realistic_project"
    yield "realistic bigquery", {"root": realistic, "dialect": "bigquery"}
    yield "realistic athena", {"root": realistic, "sql": False}
    scenarios = REPO / "tests" / "check_scenarios"
    for d in sorted(p for p in scenarios.iterdir() if p.is_dir() and not p.name.startswith("_")):
        opts = json.loads((d / "scenario.json").read_text()) if (d / "scenario.json").exists() else {}
        for kind in ("bad", "good"):
            data = opts.get("good_data" if kind == "good" and "good_data" in opts else "data")
            yield (
                f"scenario {d.name}/{kind}",
                {
                    "root": d / kind,
                    "sql": bool(opts.get("sql", False)),
                    "data_dir": scenarios / "_data" / data if data else None,
                    "dialect": opts.get("dialect", "athena"),
                },
            )


def _project(spec: str) -> tuple[str, dict[str, Any]]:
    path, *opts = spec.split(",")
    kw: dict[str, Any] = {"root": Path(path), "sql": False, "workers": None}
    for o in opts:
        key, _, value = o.partition("=")
        if key == "dialect":
            kw["dialect"] = value
        elif key == "workers":
            kw["workers"] = int(value)
        elif key == "sql":
            kw["sql"] = value == "yes"
        else:
            raise SystemExit(f"{spec}: unknown option {key!r} (dialect=, workers=, sql=)")
    return spec, kw


def snapshot(out: Path, fixtures: bool, projects: list[str]) -> None:
    from looker_ops.check.run import run_check

    cases = [*(_fixtures() if fixtures else []), *map(_project, projects)]
    data: dict[str, Any] = {}
    for name, kw in cases:
        kw.setdefault("workers", 1)
        t = time.perf_counter()
        r = run_check(cache_dir=None, **kw)

        def rows(findings: list[Any]) -> list[list[Any]]:
            return [[f.code, f.severity.value, f.file, f.line, f.where, f.message] for f in findings]

        data[name] = {
            "findings": rows(r.findings),
            "all": rows(r.all_findings),
            "notes": r.notes,
            "sql": r.sql,
        }
        print(f"{name}: {len(r.findings)} findings, {time.perf_counter() - t:.1f} s", file=sys.stderr)
    out.write_text(json.dumps(data, indent=0) + "\n")


def compare(old_path: Path, new_path: Path) -> int:
    old, new = (json.loads(p.read_text()) for p in (old_path, new_path))
    bad = 0
    for name in sorted(old.keys() | new.keys()):
        if name not in old or name not in new:
            print(f"{name}: only in {'new' if name not in old else 'old'}")
            bad += 1
            continue
        for part in ("findings", "all", "notes", "sql"):
            a, b = old[name][part], new[name][part]
            if a == b:
                continue
            bad += 1
            print(f"{name}: {part} differ")
            if isinstance(a, list):
                i = next(
                    (i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b))
                )
                print(
                    f"  at {i}: old {a[i] if i < len(a) else '-'}\n         new {b[i] if i < len(b) else '-'}"
                )
    total = sum(len(v["all"]) for v in old.values())
    print("identical" if not bad else f"{bad} difference(s)", f"({len(old)} projects, {total} findings)")
    return 1 if bad else 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("snapshot")
    s.add_argument("out", type=Path)
    s.add_argument("--fixtures", action="store_true")
    s.add_argument("--project", action="append", default=[], dest="projects")
    c = sub.add_parser("compare")
    c.add_argument("old", type=Path)
    c.add_argument("new", type=Path)
    args = ap.parse_args()
    if args.cmd == "snapshot":
        snapshot(args.out, args.fixtures, args.projects)
    else:
        raise SystemExit(compare(args.old, args.new))


if __name__ == "__main__":
    main()
