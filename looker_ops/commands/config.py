"""``looker-ops config``: the keys of looker-ops.yaml, and checking a file offline."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.jsonout import JsonResult, json_option
from looker_ops.commands.options import config_option
from looker_ops.config.settings import describe, load_config


@click.group("config")
def config() -> None:
    """looker-ops.yaml: list its keys, check a file."""


@config.command("keys")
def keys_cmd() -> None:
    """Every key of looker-ops.yaml with its default and meaning."""
    rows = [
        (key, repr(default) if default not in (None, "") else "-", doc) for key, doc, default in describe()
    ]
    width = max(len(k) for k, _, _ in rows)
    dwidth = min(30, max(len(d) for _, d, _ in rows))
    for key, default, doc in rows:
        click.echo(f"{key:<{width}}  {default:<{dwidth}}  {doc}")


@config.command("check")
@config_option(
    "looker-ops.yaml to check.", "path", default=Path("looker-ops.yaml"), show_default=True, envvar=None
)
@json_option("the result (ok, or each problem with its file, line and key)")
def check_cmd(path: Path, json_path: str | None) -> None:
    """Check a looker-ops.yaml offline as deploy and the athena commands will read it: keys,
    types, values, ${ENV_VAR}s set, paths present, the trail's settings. Exit 2 if not."""
    with JsonResult(json_path, "config check", file=str(path)) as out:
        cfg = load_config(path, complete=True)
        out.doc.update(
            connection={"name": cfg.connection.name, "region": cfg.connection.region},
            project=cfg.project.name,
            dashboards_folder=f"Shared/{cfg.dashboards.folder}",
        )
        out.echo(
            f"{path}: ok (connection {cfg.connection.name} in {cfg.connection.region}, project "
            f"{cfg.project.name}, dashboards into Shared/{cfg.dashboards.folder})"
        )
