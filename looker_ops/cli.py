"""The ``looker-ops`` command line: thin. Parse, call, render, exit code.

Each command group lives in ``looker_ops/commands/<name>.py`` and is listed in
``looker_ops.commands.REGISTRY``; a command's module is imported only when that command runs,
so ``looker-ops --help`` and ``looker-ops check`` never pay for looker-sdk. The work itself is
done by the library modules, so commands share the same code as ``deploy``.
"""

from __future__ import annotations

import platform
import sys
import traceback
from typing import Any

import click

from looker_ops import __version__
from looker_ops.commands import ARGS, REGISTRY, load_command
from looker_ops.errors import LookerOpsError

# An exception looker-ops did not expect (a bug): sysexits' EX_SOFTWARE, distinct from 0-3.
EXIT_INTERNAL = 70
# Where to report a bug when the installed package names no "Issues" project URL (pyproject's
# [project.urls]): the README's section, which says where and what to include.
ISSUES = 'the issue tracker of the repository looker-ops comes from (README, "Reporting problems")'


def report_address() -> str:
    """Where to report a bug: the installed distribution's ``Issues`` project URL, else ISSUES."""
    from importlib import metadata

    try:
        urls = metadata.metadata("looker-ops").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    for line in urls:
        label, _, url = line.partition(",")
        if label.strip().lower() == "issues" and url.strip():
            return url.strip()
    return ISSUES


def internal_error_line(exc: BaseException) -> str:
    """The one line printed for an unexpected exception: what, the versions, where to report."""
    what = f"{type(exc).__name__}: {exc}".strip().rstrip(":")
    what = " ".join(what.split())
    if len(what) > 300:
        what = what[:297] + "..."
    return (
        f"internal error (a bug in looker-ops {__version__}, Python {platform.python_version()}): {what}. "
        f"Please report it to {report_address()} with the command you ran; "
        "`looker-ops --debug ...` prints the traceback."
    )


class _Group(click.Group):
    """Loads each command when it is used, and turns errors into one line and an exit code.

    A LookerOpsError prints ``error: <message>`` on stderr, the JSON error envelope where the
    command's JSON goes (:mod:`looker_ops.commands.jsonout`), and exits with its own code
    (1, 2 or 3); a usage error click finds in a command's arguments gets the envelope too. Any
    other exception is a bug: one ``internal error`` line and exit code 70, the traceback only
    with ``--debug`` (or LOOKER_OPS_DEBUG=1).
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(REGISTRY) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        cmd = self.commands.get(cmd_name)
        if cmd is None:
            cmd = load_command(cmd_name)
            if cmd is not None:
                self.commands[cmd_name] = cmd
        return cmd

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the registry's help lines, without importing the commands."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in REGISTRY:
                text = click.Command(name, help=REGISTRY[name].short_help).get_short_help_str(limit)
            else:
                text = self.commands[name].get_short_help_str(limit)
            rows.append((name, text))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def shell_complete(self, ctx: click.Context, incomplete: str) -> list[Any]:
        """Completes command names from the registry (no import), then the group's options."""
        from click.shell_completion import CompletionItem

        items: list[Any] = [
            CompletionItem(name, help=REGISTRY[name].short_help if name in REGISTRY else None)
            for name in self.list_commands(ctx)
            if name.startswith(incomplete)
        ]
        items.extend(click.Command.shell_complete(self, ctx, incomplete))
        return items

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """The group's options; the whole command line is kept in the context (a usage error
        in a command's arguments is then reported in JSON when they ask for it)."""
        ctx.meta[ARGS] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except LookerOpsError as exc:
            from looker_ops.commands.jsonout import masked, write_failure

            click.echo(f"error: {masked(exc.message)}", err=True)  # secrets masked as in the JSON
            write_failure(exc)  # the JSON error envelope, where the command's JSON goes
            sys.exit(exc.exit_code)
        except click.exceptions.UsageError as exc:
            from looker_ops.commands.jsonout import masked, write_usage_failure

            exc.__dict__["message"] = masked(exc.message)  # a value typed with a token in it is masked too
            write_usage_failure(exc)  # click prints its message on stderr, exit code 2
            raise
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as exc:
            from looker_ops.commands.jsonout import masked

            if ctx.params.get("debug"):
                click.echo(masked(traceback.format_exc()).rstrip("\n"), err=True)

            click.echo(masked(internal_error_line(exc)), err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="looker-ops")
@click.option(
    "--debug",
    is_flag=True,
    envvar="LOOKER_OPS_DEBUG",
    help="On an internal error (exit code 70), print the traceback too.",
)
def main(debug: bool) -> None:
    """Ship the AWS CloudTrail on Athena Looker block as code."""
