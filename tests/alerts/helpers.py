"""Shared pieces of the alerts tests: the real block (LookML project and dashboards), loaded once,
alert files written to tmp_path, and the block's dashboards imported into the fake Looker."""

from __future__ import annotations

import functools
from pathlib import Path

from looker_sdk.sdk.api40 import models as m

from looker_ops.config.alert_model import AlertSet
from looker_ops.config.alerts import load_alert_project, parse_alerts
from looker_ops.looker.client import LookerClient
from looker_ops.lookml.model import Project

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "lookml_project"
DASHBOARDS = ROOT / "dashboards"
CIS = "cloudtrail_cis_aws_foundations"
SG = "cloudtrail_security_group_changes"

ROOT_ALERT = """\
defaults:
  timezone: Europe/London
  recipients: [soc@example.com]
schedules: []
alerts:
  - name: Root account used
    dashboard: cloudtrail_cis_aws_foundations
    tile: 4.3 Root account usage
    condition: "> 0"
    cron: "15 * * * *"
    filters:
      Date: 1 hour ago
"""


@functools.cache
def block_project() -> Project:
    """The bundled block, parsed once for the whole test session (it is only read)."""
    return load_alert_project(PROJECT, DASHBOARDS)


def parse(text: str, env: dict[str, str] | None = None, *, file: str = "schedules.yaml") -> AlertSet:
    return parse_alerts(text, file, block_project(), env or {})


def write(tmp_path: Path, text: str = ROOT_ALERT) -> Path:
    p = tmp_path / "schedules.yaml"
    p.write_text(text)
    return p


def import_block(client: LookerClient) -> dict[str, str]:
    """Import the block's dashboards into the fake, as the deploy's dashboards step does; slug -> id."""
    out = {}
    for path in sorted(DASHBOARDS.glob("*.dashboard.lookml")):
        d = client.sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(lookml=path.read_text()))
        out[str(d.slug)] = str(d.id)
    return out
