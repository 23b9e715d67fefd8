"""What several command groups share: the schedules file found by default.

The conventions every command follows (README "Command options"):

- ``-c, --config PATH``: the looker-ops.yaml the command reads;
- ``--json PATH``: also write the result as JSON to PATH; ``-`` writes it on stdout (and the text
  goes to stderr, so stdout holds the JSON alone);
- ``--format``: what is printed on stdout (text, json, ...).
"""

from __future__ import annotations

from pathlib import Path

import click

from looker_ops.errors import BadInput

# Where the schedules file (schedules.yaml, which also holds `alerts:`) is looked for when there
# is neither --file nor a looker-ops.yaml, relative to the current folder: where `looker-ops init`
# writes it, then the repository's own deploy/ folder. A config file without `schedules:` means
# none: then --file is needed.
SCHEDULES_DEFAULTS = (Path("schedules.yaml"), Path("deploy") / "schedules.yaml")


def default_schedules_file() -> Path | None:
    """The first of :data:`SCHEDULES_DEFAULTS` that exists (said on stderr), else None."""
    for path in SCHEDULES_DEFAULTS:
        if path.is_file():
            click.echo(f"schedules file: {path} (found by default; --file to choose another)", err=True)
            return path
    return None


def no_schedules_file() -> BadInput:
    """The error for no schedules file anywhere: what was looked for and how to name one."""
    first, second = (f"./{p}" for p in SCHEDULES_DEFAULTS)
    return BadInput(
        f"no schedules file: neither {first} nor {second} exists here; pass --file PATH, "
        "or set `schedules:` in looker-ops.yaml (--config)"
    )
