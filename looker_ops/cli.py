"""The ``looker-ops`` command line: thin. Parse, call, render, exit code.

Each command group lives in ``looker_ops/commands/<name>.py`` and is registered here; the
work itself is done by the library modules, so commands share the same code as ``deploy``.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any, TypeVar

import click

from looker_ops import __version__
from looker_ops.errors import LookerOpsError

F = TypeVar("F", bound=Callable[..., Any])


class _Group(click.Group):
    """Turns LookerOpsError into a one-line message and its exit code, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LookerOpsError as exc:
            click.echo(f"error: {exc.message}", err=True)
            sys.exit(exc.exit_code)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="looker-ops")
def main() -> None:
    """Ship the AWS CloudTrail on Athena Looker block as code."""


def _register() -> None:
    from looker_ops.commands import all_commands

    for cmd in all_commands():
        main.add_command(cmd)


_register()
