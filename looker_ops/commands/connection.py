"""``looker-ops connection apply | test``: the Athena connection in Looker (deploy step 1)."""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.commands.steps import common_options, dry_run_option, make_client, resend_option, run_steps
from looker_ops.config.settings import load_config


@click.group("connection")
def connection_group() -> None:
    """The Athena connection in Looker."""


@connection_group.command("apply")
@common_options
@dry_run_option
@resend_option
def connection_apply(config_path: Path, json_path: Path | None, dry_run: bool, resend_secrets: bool) -> None:
    """Create or update the Athena connection, then test it."""
    run_steps(
        config_path,
        ("connection",),
        json_path=json_path,
        command="connection apply",
        dry_run=dry_run,
        resend_secrets=resend_secrets,
    )


@connection_group.command("test")
@common_options
def connection_test(config_path: Path, json_path: Path | None) -> None:
    """Run Looker's tests of the connection (exit 3 with Looker's message on a failure)."""
    from looker_ops.looker import connection as conn_mod

    cfg = load_config(config_path, secrets=False)  # Looker tests what it holds: nothing is sent
    client = make_client(cfg)
    try:
        for line in conn_mod.test(client, cfg.connection.name):
            click.echo(line)
    finally:
        client.close()
