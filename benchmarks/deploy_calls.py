"""Benchmark `looker-ops deploy`: Looker API calls and wall time, first install and no-op redeploy.

Runs the real pipeline (looker_ops.deploy.pipeline.Deployer, the real LookerClient over looker-sdk)
against the fake Looker of the test suite and a bare git repository in a temporary folder, with
100 ms added to every API call by the fake itself (``fake.latency``: spent outside the fake's lock,
like a network round trip, so concurrent calls wait concurrently). Three runs of the block
(lookml_project/ + dashboards/ of this repository):

(with deploy/schedules.yaml as the schedules step when the block has it):

1. first install on an empty instance;
2. no-op redeploy (nothing changed): must make zero writes and no git push;
3. the first install again on a fresh instance with dashboards imported one at a time, to show
   what the bounded concurrency (4) of the dashboards step saves.

    python benchmarks/deploy_calls.py [--latency 0.1] [--block DIR] [--json out.json]

Prints one table per run (per step: status, calls, writes, seconds) and a summary.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from looker_ops.config.settings import load_config  # noqa: E402
from looker_ops.deploy.pipeline import Deployer, Options  # noqa: E402
from looker_ops.deploy.report import Report  # noqa: E402
from looker_ops.looker import dashboards as dash_mod  # noqa: E402
from tests.deploy.helpers import CONFIG, ENV  # noqa: E402
from tests.fake_looker.core import FakeLooker  # noqa: E402
from tests.fake_looker.fixtures import make_client  # noqa: E402
from tests.fake_looker.gitremote import GitRemote  # noqa: E402


def setup(tmp: Path, block: Path) -> tuple[Path, GitRemote]:
    root = tmp / "block"
    root.mkdir(parents=True)
    shutil.copytree(block / "lookml_project", root / "lookml_project")
    shutil.copytree(block / "dashboards", root / "dashboards")
    remote = GitRemote.create(tmp / "remote.git")
    text = CONFIG.format(remote=remote.url, push="")
    schedules = block / "deploy" / "schedules.yaml"
    if schedules.is_file():  # the block's schedules: the last step of the deploy
        shutil.copy(schedules, root / "schedules.yaml")
        text += "schedules: schedules.yaml\n"
    cfg = root / "looker-ops.yaml"
    cfg.write_text(text)
    return cfg, remote


def run(fake: FakeLooker, cfg_path: Path, latency: float, label: str) -> dict[str, Any]:
    client = make_client(fake)
    fake.latency = latency
    deployer = Deployer(load_config(cfg_path, env=ENV), client, Options(), echo=lambda _l: None)
    fake.reset_calls()
    t0 = time.perf_counter()
    report: Report = deployer.run()
    wall = time.perf_counter() - t0
    calls = [c for c in fake.calls if c.operation_id not in ("login", "logout")]
    out = {
        "run": label,
        "wall_s": round(wall, 2),
        "api_calls": len(calls),
        "writes": len(fake.writes()),
        "logins": len(fake.calls) - len(calls),
        "steps": [
            {
                "step": s.name,
                "status": s.status,
                "reads": s.calls.get("reads", 0),
                "writes": s.calls.get("writes", 0),
                "seconds": round(s.duration_s, 2),
            }
            for s in report.steps
        ],
    }
    client.close()
    return out


def show(result: dict[str, Any]) -> None:
    print(
        f"\n== {result['run']}: {result['api_calls']} API calls ({result['writes']} writes), {result['wall_s']} s"
    )
    print(f"   {'step':<11} {'status':<9} {'reads':>5} {'writes':>6} {'seconds':>8}")
    for s in result["steps"]:
        print(f"   {s['step']:<11} {s['status']:<9} {s['reads']:>5} {s['writes']:>6} {s['seconds']:>8.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--latency", type=float, default=0.1, help="seconds added to every API call")
    ap.add_argument("--block", type=Path, default=ROOT, help="folder holding lookml_project/ and dashboards/")
    ap.add_argument("--json", type=Path, help="write the results as JSON")
    args = ap.parse_args()
    n_dash = len(list((args.block / "dashboards").glob("*.dashboard.lookml")))
    print(f"block: {args.block} ({n_dash} dashboards); {args.latency * 1000:.0f} ms per API call")
    results = []
    with tempfile.TemporaryDirectory(prefix="looker-ops-bench-") as tmp:
        cfg, remote = setup(Path(tmp) / "a", args.block)
        with FakeLooker() as fake:
            results.append(run(fake, cfg, args.latency, "first install"))
            commits = remote.git("rev-list", "--all").split()
            results.append(run(fake, cfg, args.latency, "no-op redeploy"))
            assert results[-1]["writes"] == 0, "a no-op redeploy wrote to Looker"
            assert remote.git("rev-list", "--all").split() == commits, "a no-op redeploy pushed"
        cfg2, _ = setup(Path(tmp) / "b", args.block)
        saved = dash_mod.MAX_WORKERS
        dash_mod.MAX_WORKERS = 1
        try:
            with FakeLooker() as fake:
                results.append(run(fake, cfg2, args.latency, "first install, dashboards one at a time"))
        finally:
            dash_mod.MAX_WORKERS = saved
    for r in results:
        show(r)
    first, noop, serial = results
    dash = next(s for s in first["steps"] if s["step"] == "dashboards")["seconds"]
    dash1 = next(s for s in serial["steps"] if s["step"] == "dashboards")["seconds"]
    print(
        f"\nsummary: first install {first['api_calls']} calls / {first['wall_s']} s; no-op redeploy "
        f"{noop['api_calls']} calls, {noop['writes']} writes / {noop['wall_s']} s; dashboards step "
        f"{dash} s with 4 at a time vs {dash1} s one at a time"
    )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
