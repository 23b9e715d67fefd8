"""The one handling of the paths a command writes to (``--out``, ``-o/--output``, ``--json PATH``,
``--dir``): a file or folder that cannot be created or written there is bad input (exit 2) whose
message names the option and the path, never an internal error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from looker_ops.errors import BadInput


def cannot_write(option: str, path: Path | str, exc: OSError) -> BadInput:
    """The error for ``exc`` raised while writing ``option``'s ``path``: the option, the path, the
    reason, and the file that failed when it is another one under the path."""
    reason = exc.strerror or str(exc)
    failed = exc.filename if isinstance(exc.filename, str) else None
    where = f" ({failed})" if failed and Path(failed) != Path(path) else ""
    return BadInput(f"{option} {path}: cannot write: {reason}{where}")


@contextmanager
def writing(option: str, path: Path | str) -> Iterator[None]:
    """Run the block that writes ``option``'s ``path``; an OSError in it becomes
    :func:`cannot_write`'s BadInput."""
    try:
        yield
    except OSError as exc:
        raise cannot_write(option, path, exc) from None
