"""Run a recursive function (a SQL parse) that may exceed Python's default recursion limit.

sqlglot's parser is recursive: about 50 nested parentheses in one expression exhaust Python's
default limit of 1,000 frames. :func:`call_deep` first calls the function as is (no cost on
ordinary input); on ``RecursionError`` it calls it again in a thread with a large stack and a
higher limit, and when that fails too raises :class:`TooDeep`, which callers turn into a
finding instead of a traceback.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

DEEP_STACK_BYTES = 512 * 1024 * 1024  # virtual size of the retry thread's stack
DEEP_RECURSION_LIMIT = 60_000
_lock = threading.Lock()
# What a check says about a text it could not parse for its depth (a finding of level info:
# the database may well accept it).
TOO_DEEP = "nested too deeply for the checker to parse: not checked"


class TooDeep(Exception):
    """The input is nested deeper than even the deep retry can follow."""


def call_deep(fn: Callable[[], T]) -> T:
    """``fn()``, retried once with a deep stack on ``RecursionError`` (see the module doc)."""
    try:
        return fn()
    except RecursionError:
        pass
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except RecursionError:
            box["deep"] = True
        except BaseException as exc:  # handed back to the caller's thread
            box["error"] = exc

    with _lock:  # the recursion limit and the stack size are process-wide settings
        old_limit = sys.getrecursionlimit()
        old_stack = threading.stack_size()
        try:
            threading.stack_size(DEEP_STACK_BYTES)
            sys.setrecursionlimit(DEEP_RECURSION_LIMIT)
            t = threading.Thread(target=run, name="looker-ops-deep")
            t.start()
            t.join()
        finally:
            sys.setrecursionlimit(old_limit)
            threading.stack_size(old_stack)
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    if "deep" in box:
        raise TooDeep("nested too deeply to parse")
    return box["value"]  # type: ignore[return-value]
