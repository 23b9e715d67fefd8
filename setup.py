"""Build hook: the wheel carries the CloudTrail block (lookml_project/, dashboards/ and the example
deploy/ files) as package data under looker_ops/data/block/, so an installed looker-ops checks and
previews it, and `init` writes its schedules and alerts, without a clone. Everything else is
configured in pyproject.toml."""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
BLOCK = ("lookml_project", "dashboards", "deploy")


class BuildPyWithBlock(build_py):
    """build_py, then a copy of the block's folders into the built package."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the block from the checkout itself
        for name in BLOCK:
            src = ROOT / name
            if not src.is_dir():
                continue
            dst = Path(self.build_lib) / "looker_ops" / "data" / "block" / name
            shutil.rmtree(dst, ignore_errors=True)
            shutil.copytree(src, dst, ignore=shutil.ignore_patterns("__pycache__", ".looker-ops-cache"))


setup(cmdclass={"build_py": BuildPyWithBlock})
