"""Error kinds and the exit codes they map to.

0 success, 1 findings or failed validation, 2 bad input (usage, config, files),
3 a remote service failed (Looker or Athena unreachable, refused, or erroring).
"""

from __future__ import annotations

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
