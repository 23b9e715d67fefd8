"""Error kinds and the exit codes they map to.

0 success, 1 findings or failed validation, 2 bad input (usage, config, files),
3 a remote service failed (Looker or Athena unreachable, refused, or erroring).
"""

from __future__ import annotations

import re
from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_REMOTE = 3


class LookerOpsError(Exception):
    """Base class: an error with a message meant for a person and an exit code."""

    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class BadInput(LookerOpsError):
    """Bad usage, config or files. The message names the file, line or key."""

    exit_code = EXIT_BAD_INPUT


class RemoteError(LookerOpsError):
    """A remote service (Looker, Athena, git remote) failed."""

    exit_code = EXIT_REMOTE


class ValidationFailed(LookerOpsError):
    """Validation found problems (LookML errors, content errors, failed data tests)."""

    exit_code = EXIT_FINDINGS


# The ``kind`` of an error in the JSON outputs, by exit code (README "Exit codes"); 130 is an
# interrupted deploy (Ctrl-C, SIGTERM), anything else a bug.
KINDS = {EXIT_FINDINGS: "failed", EXIT_BAD_INPUT: "bad_input", EXIT_REMOTE: "remote", 130: "interrupted"}

# One problem line of an error message: ``file[:line]: [schedule|alert 'NAME': ][key: ]text``,
# where the file is a path (it holds a dot or a slash, and is no option such as ``--s3``).
_PROBLEM = re.compile(
    r"^\s*(?P<file>(?=[^\s:]*[./])[^\s:-][^\s:]*):(?:(?P<line>\d+):)?\s+"
    r"(?:(?:schedule|alert) '(?P<item>[^']*)':\s+)?"
    r"(?:(?P<key>[A-Za-z_][\w.\[\]-]*):\s+)?(?P<text>.*)$"
)


# A problem of an environment variable: ``LOOKERSDK_TIMEOUT: text`` (its key is the variable).
_ENV_PROBLEM = re.compile(r"^\s*(?P<key>[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+):\s+(?P<text>.*)$")


def problems_of(message: str) -> list[dict[str, Any]]:
    """The problems an error message names, one per line of a multi-problem message (its
    headings left out: a line ending in ``:`` above more indented lines, such as
    ``file: N problems:``, also nested): ``file``, ``line``, ``item`` (the schedule or alert),
    ``key`` where the message names them (else None; the variable of a line that starts with an
    environment variable's name, ``LOOKERSDK_TIMEOUT: ...``), and the ``message`` line itself."""
    lines = [ln for ln in message.splitlines() if ln.strip()]
    out: list[dict[str, Any]] = []
    for i, ln in enumerate(lines):
        if i + 1 < len(lines) and ln.rstrip().endswith(":") and _indent(lines[i + 1]) > _indent(ln):
            continue  # a heading
        m = _PROBLEM.match(ln)
        if m is None and (env := _ENV_PROBLEM.match(ln)) is not None:
            out.append({"file": None, "line": None, "item": None, "key": env["key"], "message": ln.strip()})
            continue
        out.append(
            {
                "file": m["file"] if m else None,
                "line": int(m["line"]) if m and m["line"] else None,
                "item": m["item"] if m else None,
                "key": m["key"] if m else None,
                "message": ln.strip(),
            }
        )
    return out


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def error_json(message: str, exit_code: int) -> dict[str, Any]:
    """The ``error`` object of every JSON output (README "Exit codes"): ``kind`` (``bad_input``,
    ``remote``, ``failed``, ``interrupted``, else ``internal``), the whole ``message``, and the
    ``file``, ``line`` and ``key`` of its first problem (None where the message names none)."""
    first = next(iter(problems_of(message)), {})
    return {
        "kind": KINDS.get(exit_code, "internal"),
        "message": message,
        "file": first.get("file"),
        "line": first.get("line"),
        "key": first.get("key"),
    }
