"""Time and size of ``looker-ops geoip build`` on a synthetic GeoLite2-City-sized input.

    .venv/bin/python benchmarks/geoip_build.py [--ipv4 3500000] [--ipv6 1500000] [--seed 7]
        [--formats parquet,tsv] [--keep DIR]

Writes a blocks pair and a locations file in the GeoIP2-CSV format (default size: about the
GeoLite2 City download, 3.5 M IPv4 and 1.5 M IPv6 networks, 120,000 locations), then builds
each format in a fresh child process and prints rows, files, bytes, seconds and the child's
peak resident memory (ru_maxrss, DuckDB included).

The input is pessimistic for compression: every network gets a random location, while in the
real file neighbouring networks mostly share a city, so real Parquet files come out smaller.
Prefix lengths follow a City-like mix (mostly /24 and longer, a few thousand shorter than /16).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from looker_ops.athena.geoip import build
t0 = time.perf_counter()
report = build([Path(sys.argv[1]), Path(sys.argv[2])], Path(sys.argv[3]), Path(sys.argv[4]), fmt=sys.argv[5])
seconds = time.perf_counter() - t0
print(json.dumps({
    "format": sys.argv[5],
    "networks": report.networks_v4 + report.networks_v6,
    "rows": report.rows_written,
    "files": [p.name for p in report.data_files],
    "bytes": report.data_bytes,
    "local_csv_bytes": report.local_file.stat().st_size if report.local_file else 0,
    "bad_rows": len(report.bad_rows),
    "seconds": round(seconds, 1),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
}))
"""

# (prefix length, weight): a City-like mix; shorter than /16 is rare.
PREFIXES = [
    (10, 2),
    (12, 5),
    (13, 10),
    (14, 30),
    (15, 60),
    (16, 400),
    (17, 300),
    (18, 500),
    (19, 800),
    (20, 1500),
    (21, 2000),
    (22, 4000),
    (23, 5000),
    (24, 45000),
    (25, 4000),
    (26, 5000),
    (27, 6000),
    (28, 6000),
    (29, 7000),
    (30, 3000),
    (31, 1000),
    (32, 8000),
]

BLOCKS_HEADER = (
    "network,geoname_id,registered_country_geoname_id,represented_country_geoname_id,"
    "is_anonymous_proxy,is_satellite_provider,postal_code,latitude,longitude,accuracy_radius\n"
)
LOCATIONS_HEADER = (
    "geoname_id,locale_code,continent_code,continent_name,country_iso_code,country_name,"
    "subdivision_1_iso_code,subdivision_1_name,subdivision_2_iso_code,subdivision_2_name,"
    "city_name,metro_code,time_zone,is_in_european_union\n"
)


def _word(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(n)).capitalize()


def write_inputs(root: Path, n4: int, n6: int, seed: int) -> tuple[Path, Path, Path]:
    rng = random.Random(seed)
    countries = [(f"{chr(65 + i // 26)}{chr(65 + i % 26)}", _word(rng, 8)) for i in range(250)]
    locations = root / "GeoLite2-City-Locations-en.csv"
    ids: list[int] = []
    with locations.open("w", encoding="utf-8") as fh:
        fh.write(LOCATIONS_HEADER)
        for i in range(120_000):
            gid = 1_000_000 + i
            iso, country = countries[i % len(countries)]
            city = "" if i % 10 == 0 else _word(rng, 9)
            fh.write(f'{gid},en,EU,Europe,{iso},"{country}",X,{_word(rng, 7)},,,"{city}",,Etc/UTC,0\n')
            ids.append(gid)
    lengths, weights = zip(*PREFIXES, strict=True)
    plens = sorted(rng.choices(lengths, weights, k=n4))  # largest blocks first: no alignment gaps
    if sum(1 << (32 - p) for p in plens) > 2**32:
        raise SystemExit("the sampled networks do not fit in the IPv4 space; lower --ipv4")
    v4 = root / "GeoLite2-City-Blocks-IPv4.csv"
    with v4.open("w", encoding="utf-8") as fh:
        fh.write(BLOCKS_HEADER)
        addr = 0
        for plen in plens:
            gid = rng.choice(ids)
            lat, lon = rng.uniform(-60, 70), rng.uniform(-180, 180)
            fh.write(f"{ipaddress.IPv4Address(addr)}/{plen},{gid},{gid},,0,0,,{lat:.4f},{lon:.4f},100\n")
            addr += 1 << (32 - plen)
    v6 = root / "GeoLite2-City-Blocks-IPv6.csv"
    with v6.open("w", encoding="utf-8") as fh:
        fh.write(BLOCKS_HEADER)
        for i in range(n6):
            gid = rng.choice(ids)
            fh.write(f"2a{i >> 16:02x}:{i & 0xFFFF:x}::/48,{gid},{gid},,0,0,,1.0,2.0,100\n")
    return v4, v6, locations


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ipv4", type=int, default=3_500_000)
    parser.add_argument("--ipv6", type=int, default=1_500_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--formats", default="parquet,tsv")
    parser.add_argument("--keep", type=Path, default=None, help="write into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        root = args.keep or Path(tmp_name)
        root.mkdir(parents=True, exist_ok=True)
        t0 = time.perf_counter()
        v4, v6, locs = write_inputs(root, args.ipv4, args.ipv6, args.seed)
        sizes = {p.name: p.stat().st_size for p in (v4, v6, locs)}
        print(json.dumps({"inputs": sizes, "generate_s": round(time.perf_counter() - t0, 1)}))
        for fmt in args.formats.split(","):
            out = root / f"out-{fmt}"
            run = subprocess.run(
                [sys.executable, "-c", CHILD, str(v4), str(v6), str(locs), str(out), fmt],
                capture_output=True,
                text=True,
                check=True,
            )
            print(run.stdout.strip())


if __name__ == "__main__":
    main()
