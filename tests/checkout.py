"""A copy of the checkout's own files for tests that run a command "at the repository root".

Tests never run in the checkout itself (tests/conftest.py puts each one in an empty folder): a
user who followed the README has their own looker-ops.yaml and schedules.yaml there, which the
commands read by default. A test that needs the repository's layout copies the parts it reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BLOCK = ("lookml_project", "dashboards", "deploy")


def copy_checkout(dest: Path, names: tuple[str, ...] = BLOCK) -> Path:
    """Copy the checkout's top-level ``names`` (folders or files) into ``dest``; return ``dest``."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        else:
            shutil.copy2(src, dest / name)
    return dest
