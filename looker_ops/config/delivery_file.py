"""The whole schedules file checked offline: its ``schedules:`` and its ``alerts:``, with the
validators ``schedules validate`` and ``alerts validate`` use, every problem of both at once.

``schedules validate`` and the deploy's preflight (before the first call to Looker) read the
file through here, so a broken alert or schedule is refused before anything reaches Looker.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from looker_ops.config.reader import read_file
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.config.alert_model import AlertSet
    from looker_ops.config.schedule_model import ScheduleSet
    from looker_ops.lookml.model import Project


@dataclass
class DeliveryFile:
    """What was read: the schedules and the alerts (None when not asked for, or when the file
    has no ``alerts:``), and every problem found (each a message naming file, line and key)."""

    schedules: ScheduleSet | None = None
    alerts: AlertSet | None = None
    problems: list[str] = field(default_factory=list)

    def raise_problems(self) -> None:
        """One BadInput with every problem, when there is any."""
        if self.problems:
            raise BadInput("\n".join(self.problems))


def declares_alerts(text: str) -> bool:
    """Whether a schedules file's text has a top-level ``alerts:`` key (False when it does not
    read as YAML: the schedules reader reports that)."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return False
    return isinstance(root, yaml.MappingNode) and any(
        getattr(k, "value", None) == "alerts" for k, _ in root.value
    )


def check_delivery_file(
    path: Path,
    dashboards_dir: Path,
    project_dir: Path,
    *,
    schedules: bool = True,
    alerts: bool = True,
    require_secrets: bool = True,
    env: Mapping[str, str] | None = None,
) -> DeliveryFile:
    """Read and check the file's schedules (``schedules``) and alerts (``alerts``, when the file
    has ``alerts:``) against the dashboards and the LookML project; nothing is raised: the
    problems are in the result. The LookML project is loaded when its folder exists (a schedule's
    ``field_filter`` value is then read with its field's grammar); alerts need it."""
    from looker_ops.config.alerts import load_alert_project, load_alerts
    from looker_ops.config.schedules import load_schedules

    out = DeliveryFile()
    try:
        text = read_file(path, "schedules file not found", "schedules file")
    except BadInput as exc:
        out.problems.append(exc.message)
        return out
    env = os.environ if env is None else env
    with_alerts = alerts and declares_alerts(text)
    project: Project | None = None
    if with_alerts or (project_dir.is_dir() and dashboards_dir.is_dir()):
        try:
            project = load_alert_project(project_dir, dashboards_dir)
        except BadInput as exc:
            if with_alerts:
                out.problems.append(exc.message)
    if schedules:
        try:
            out.schedules = load_schedules(
                path, dashboards_dir, env, require_secrets=require_secrets, project=project
            )
        except BadInput as exc:
            out.problems.append(exc.message)
    if with_alerts and project is not None:
        try:
            out.alerts = load_alerts(
                path, dashboards_dir, project_dir, env, require_secrets=require_secrets, project=project
            )
        except BadInput as exc:
            out.problems.append(exc.message)
    return out
