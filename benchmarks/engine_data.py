"""A fast generator of large CloudTrail log sets for the engine benchmarks.

The stories of :mod:`looker_ops.sample_data` give realistic records but write a few thousand a
day; at a million records they would take minutes. Here one day of stories (every account and
region asked for) gives the *templates*; each output file takes a run of templates and gives
each record its own eventID, requestID, eventTime (inside the file's hour), account and region.
Files follow CloudTrail's S3 layout, one file per account, region and hour:
``AWSLogs/<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_<region>_<stamp>_<id>.json.gz``.

    .venv/bin/python benchmarks/engine_data.py OUT [--records 1000000] [--days 30]

Deterministic for given arguments; writes with both cores.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import multiprocessing
import random
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ACCOUNTS = ("111122223333", "444455556666", "777788889999")
REGIONS = ("us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2")
END = dt.date(2026, 11, 20)
FILES_PER_DAY = 24  # per account and region: one an hour


@dataclass(frozen=True)
class Plan:
    out: Path
    records: int
    days: int
    seed: int

    @property
    def files(self) -> int:
        return self.days * len(ACCOUNTS) * len(REGIONS) * FILES_PER_DAY


def _templates(seed: int) -> list[dict[str, Any]]:
    from looker_ops.sample_data.generate import generate, iter_records

    with tempfile.TemporaryDirectory() as tmp:
        generate(Path(tmp), days=2, seed=seed, end=END, accounts=ACCOUNTS, regions=REGIONS)
        return [rec for _, rec in iter_records(Path(tmp))]


_TEMPLATES: list[dict[str, Any]] = []


def _init(seed: int) -> None:
    _TEMPLATES.extend(_templates(seed))


def _write(job: tuple[Plan, int]) -> int:
    plan, index = job
    per_day = len(ACCOUNTS) * len(REGIONS) * FILES_PER_DAY
    day = END - dt.timedelta(days=plan.days - 1 - index // per_day)
    rest = index % per_day
    account = ACCOUNTS[rest // (len(REGIONS) * FILES_PER_DAY)]
    region = REGIONS[(rest // FILES_PER_DAY) % len(REGIONS)]
    hour = rest % FILES_PER_DAY
    count = plan.records // plan.files + (1 if index < plan.records % plan.files else 0)
    rng = random.Random(f"{plan.seed}/{index}")
    start = rng.randrange(len(_TEMPLATES))
    base = dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)
    records = []
    for i in range(count):
        rec = dict(_TEMPLATES[(start + i) % len(_TEMPLATES)])
        when = base + dt.timedelta(seconds=rng.randrange(3600))
        rec["eventTime"] = when.strftime("%Y-%m-%dT%H:%M:%SZ")
        rec["eventID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        rec["requestID"] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        rec["awsRegion"] = region
        rec["recipientAccountId"] = account
        records.append(rec)
    records.sort(key=lambda r: r["eventTime"])
    folder = plan.out / "AWSLogs" / account / "CloudTrail" / region / f"{day:%Y/%m/%d}"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{account}_CloudTrail_{region}_{day:%Y%m%d}T{hour:02d}55Z_{index:016x}.json.gz"
    body = json.dumps({"Records": records}, separators=(",", ":")).encode()
    (folder / name).write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
    return count


def write_logs(out: Path, *, records: int = 1_000_000, days: int = 30, seed: int = 7) -> int:
    """Write ``records`` records over ``days`` days ending on :data:`END`; returns the count."""
    plan = Plan(out, records, days, seed)
    with multiprocessing.get_context("fork").Pool(2, initializer=_init, initargs=(seed,)) as pool:
        return sum(pool.imap_unordered(_write, [(plan, i) for i in range(plan.files)], chunksize=16))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    n = write_logs(args.out, records=args.records, days=args.days, seed=args.seed)
    print(f"wrote {n} records under {args.out}")


if __name__ == "__main__":
    main()
