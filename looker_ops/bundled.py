"""Where the CloudTrail block bundled with looker-ops lives.

An installed wheel carries it as package data (``looker_ops/data/block/lookml_project``,
``.../dashboards`` and ``.../deploy``, copied there by setup.py when the wheel is built); a
checkout (or an editable install) has it at the repository's root, next to the package.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


def block_dirs() -> tuple[Path, Path]:
    """(lookml_project, dashboards) of the bundled block: the package's copy, else the checkout's."""
    for root in (PACKAGE / "data" / "block", PACKAGE.parent):
        project = root / "lookml_project"
        if project.is_dir():
            return project, root / "dashboards"
    return PACKAGE.parent / "lookml_project", PACKAGE.parent / "dashboards"


def block_schedules() -> Path:
    """The block's shipped schedules and alerts (``deploy/schedules.yaml``): the package's copy,
    else the checkout's."""
    for root in (PACKAGE / "data" / "block", PACKAGE.parent):
        path = root / "deploy" / "schedules.yaml"
        if path.is_file():
            return path
    return PACKAGE.parent / "deploy" / "schedules.yaml"
