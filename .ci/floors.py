"""The floors of pyproject.toml's dependencies, as pip constraints (``name==floor``, one a line).

``--verify`` checks instead that the installed version of each dependency is its floor.
Every dependency must have a plain ``>=`` floor: one without is an error (exit 2).
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FLOOR = re.compile(r"([A-Za-z0-9][A-Za-z0-9_.-]*)\s*>=\s*([0-9][0-9A-Za-z.]*)")


def floors(pyproject: Path = ROOT / "pyproject.toml") -> dict[str, str]:
    """{distribution: floor version} for every entry of [project] dependencies."""
    deps = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["dependencies"]
    out = {}
    for dep in deps:
        m = FLOOR.fullmatch(dep.strip())
        if m is None:
            raise SystemExit(f"pyproject.toml: dependency {dep!r} has no plain '>=' floor")
        out[m.group(1)] = m.group(2)
    return out


def _release(version: str) -> tuple[int, ...]:
    parts = [int(p) for p in re.findall(r"\d+", version.split("+")[0])[:4]]
    while parts and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def main(argv: list[str]) -> int:
    wanted = floors()
    if "--verify" not in argv:
        print("\n".join(f"{name}=={version}" for name, version in wanted.items()))
        return 0
    wrong = []
    for name, version in wanted.items():
        installed = metadata.version(name)
        if _release(installed) != _release(version):
            wrong.append(f"{name}: installed {installed}, floor {version}")
    print("\n".join(wrong) or f"all {len(wanted)} dependencies at their floors")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
