"""Running a command with ``--json -`` or ``--json PATH`` (README "Command options"), for the
tests of each command's JSON result."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result

from looker_ops.cli import main


def json_on_stdout(
    args: Sequence[str], code: int, env: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], Result]:
    """``args --json -``: the exit code is ``code``, stdout is the JSON alone (it parses whole),
    no traceback anywhere; the JSON and the result (its text is on stderr)."""
    res = CliRunner().invoke(main, [*args, "--json", "-"], env=env)
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    assert res.exception is None or isinstance(res.exception, SystemExit)  # no exception escaped
    doc = json.loads(res.stdout)
    assert isinstance(doc, dict)
    assert doc["status"] == ("ok" if code == 0 else "failed") and doc["exit_code"] == code
    return doc, res


def json_in_file(
    args: Sequence[str], target: Path, code: int, env: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], Result]:
    """``args --json TARGET``: the exit code is ``code`` and TARGET holds the JSON; the JSON and
    the result (its text is on stdout)."""
    res = CliRunner().invoke(main, [*args, "--json", str(target)], env=env)
    assert res.exit_code == code, res.output
    assert "Traceback" not in res.output
    doc = json.loads(target.read_text(encoding="utf-8"))
    assert doc["status"] == ("ok" if code == 0 else "failed") and doc["exit_code"] == code
    return doc, res
