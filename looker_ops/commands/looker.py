"""``looker-ops looker whoami`` / ``ping``: prove the credentials, show the instance."""

from __future__ import annotations

from dataclasses import asdict

import click

from looker_ops.commands.jsonout import JsonResult, json_option, masked, write_json
from looker_ops.looker.client import Identity, LookerClient
from looker_ops.looker.settings import client_settings


def _identity(looker_ini: str | None, section: str | None) -> Identity:
    def progress(line: str) -> None:  # retries on stderr: an unreachable Looker never looks like a hang
        click.echo(masked(line), err=True)

    with LookerClient(client_settings(looker_ini=looker_ini, section=section), on_retry=progress) as client:
        return client.whoami()


@click.group("looker")
@click.option(
    "--looker-ini",
    type=click.Path(dir_okay=False),
    default=None,
    help="looker.ini file with the API settings (LOOKERSDK_* variables override it).",
)
@click.option(
    "--section", default=None, help="Section of looker.ini to use (default: [Looker] or the first)."
)
@click.pass_context
def looker(ctx: click.Context, looker_ini: str | None, section: str | None) -> None:
    """Check the Looker API credentials (LOOKERSDK_* variables or a looker.ini)."""
    ctx.obj = {"looker_ini": looker_ini, "section": section}


@looker.command("whoami")
@json_option("the identity")
@click.pass_context
def whoami(ctx: click.Context, json_path: str | None) -> None:
    """Log in and print the API user, the Looker release and the API versions."""
    ident = _identity(ctx.obj["looker_ini"], ctx.obj["section"])
    if json_path:
        write_json(json_path, asdict(ident))
        if json_path == "-":
            return
    for line in ident.lines():
        click.echo(line)


@looker.command("ping")
@json_option("the result (ok, the instance and its release; or the error)")
@click.pass_context
def ping(ctx: click.Context, json_path: str | None) -> None:
    """Log in and print one line: the instance answers, the credentials work, its release."""
    with JsonResult(json_path, "looker ping") as out:
        ident = _identity(ctx.obj["looker_ini"], ctx.obj["section"])
        out.doc.update(asdict(ident))
        out.echo(ident.ping_line())
