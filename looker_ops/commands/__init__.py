"""Command groups of the CLI, one module each. Add a command by adding it to COMMANDS."""

from __future__ import annotations

import click


def all_commands() -> list[click.Command]:
    cmds: list[click.Command] = []
    # Each import is local so one command's import cost is not paid by the others.
    # --- registered commands (one line each; keep sorted by name) ---
    from looker_ops.commands.athena import athena
    from looker_ops.commands.geoip import geoip

    cmds.extend([athena, geoip])
    from looker_ops.commands.check import check

    cmds.append(check)
    from looker_ops.commands.config import config

    cmds.append(config)
    from looker_ops.commands.deploy import COMMANDS as deploy_commands

    cmds.extend(deploy_commands)
    from looker_ops.commands.init import init_cmd

    cmds.append(init_cmd)
    from looker_ops.commands.looker import looker

    cmds.append(looker)
    from looker_ops.commands.preview import preview

    cmds.append(preview)
    from looker_ops.commands.sample_data import sample_data

    cmds.append(sample_data)
    from looker_ops.commands.schedules import schedules

    cmds.append(schedules)
    return cmds
