"""The garbage collector paused around work that builds objects which all live on (loading a
project, checking it): each collection would walk them again and free nothing."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """No automatic collection inside; the collector is left as it was found (also on error).
    Usable as a decorator. Processes forked inside inherit the pause."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
