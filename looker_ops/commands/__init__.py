"""Command groups of the CLI, one module each, imported only when their command runs.

``REGISTRY`` maps each command name to the module and attribute that define it, and to its
one-line help, so ``looker-ops --help`` lists every command without importing any of them
(the Looker commands import looker-sdk, which alone takes most of a second).
tests/test_cli.py checks that the names and help lines here match the commands themselves.
Add a command by adding one entry (keep them sorted by name); where its work, its click
function and its test go: docs/extending.md.
"""

from __future__ import annotations

import importlib
from typing import NamedTuple

import click

ARGS = "looker_ops.args"
"""The key of the whole command line's arguments in the click context's ``meta`` (kept by the
CLI for :func:`looker_ops.commands.jsonout.write_usage_failure`)."""


class Entry(NamedTuple):
    """Where a command is defined: ``module.attribute`` (a command, or a list of commands)."""

    module: str
    attribute: str
    short_help: str


REGISTRY: dict[str, Entry] = {
    "alerts": Entry(
        "looker_ops.commands.alerts",
        "alerts",
        "Alerts on the block's dashboard tiles, from the `alerts:` of schedules.yaml.",
    ),
    "athena": Entry(
        "looker_ops.commands.athena", "athena", "Amazon Athena: the CloudTrail table's DDL and its set-up."
    ),
    "check": Entry(
        "looker_ops.commands.check",
        "check",
        "Check a LookML project offline: syntax, references, Athena rules, and SQL on the embedded engine.",
    ),
    "config": Entry("looker_ops.commands.config", "config", "looker-ops.yaml: list its keys, check a file."),
    "connection": Entry(
        "looker_ops.commands.connection", "connection_group", "The Athena connection in Looker."
    ),
    "dashboards": Entry(
        "looker_ops.commands.dashboards", "dashboards_group", "The block's dashboards in Looker."
    ),
    "deploy": Entry(
        "looker_ops.commands.deploy",
        "deploy_cmd",
        "Install or update the CloudTrail block on a Looker instance.",
    ),
    "geoip": Entry(
        "looker_ops.commands.geoip",
        "geoip",
        "IP geolocation table (MaxMind GeoLite2/GeoIP2 City CSV) for the block's source-IP map.",
    ),
    "init": Entry(
        "looker_ops.commands.init",
        "init_cmd",
        "Write a commented looker-ops.yaml and schedules.yaml, asking only what cannot be guessed.",
    ),
    "looker": Entry(
        "looker_ops.commands.looker",
        "looker",
        "Check the Looker API credentials (LOOKERSDK_* variables or a looker.ini).",
    ),
    "lookml": Entry(
        "looker_ops.commands.lookml",
        "lookml_group",
        "The LookML: push it to the project's git remote; deploy it to production.",
    ),
    "models": Entry(
        "looker_ops.commands.models", "models_group", "LookML model configuration (allowed connections)."
    ),
    "preview": Entry(
        "looker_ops.commands.preview",
        "preview",
        "Run DASHBOARD's tiles (a slug or a file under dashboards/) on the embedded engine.",
    ),
    "project": Entry("looker_ops.commands.project", "project_group", "The block's LookML project in Looker."),
    "sample-data": Entry(
        "looker_ops.commands.sample_data",
        "sample_data",
        "Write CloudTrail-format sample logs (gzip JSON, CloudTrail's S3 key layout).",
    ),
    "schedules": Entry(
        "looker_ops.commands.schedules",
        "schedules",
        "Scheduled PDF (PNG, CSV) deliveries of the block's dashboards, from schedules.yaml.",
    ),
    "validate": Entry(
        "looker_ops.commands.validate",
        "validate_group",
        "Looker-side validation: LookML on a dev branch, content validation.",
    ),
}


def load_command(name: str) -> click.Command | None:
    """Import the module that defines command ``name`` and return the command (None if unknown)."""
    entry = REGISTRY.get(name)
    if entry is None:
        return None
    found = getattr(importlib.import_module(entry.module), entry.attribute)
    if isinstance(found, click.Command):
        return found
    return next((c for c in found if c.name == name), None)


def all_commands() -> list[click.Command]:
    """Every command, imported (for tests and tools that walk the whole CLI)."""
    cmds = [load_command(name) for name in sorted(REGISTRY)]
    return [c for c in cmds if c is not None]
