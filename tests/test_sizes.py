"""Sizes a reader can hold in mind: no module of looker_ops over :data:`MAX_MODULE_LINES` lines
and no function over :data:`MAX_FUNCTION_LINES`, unless its docstring gives the reason in a
paragraph that starts with ``Long:`` (say why one piece reads better than several).

A function's length runs from its ``def`` line to its last line (decorators not counted).
"""

from __future__ import annotations

import ast
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "looker_ops"

MAX_MODULE_LINES = 600
MAX_FUNCTION_LINES = 80
MARKER = "Long:"

# Functions over the limit that another change is rewriting (the dashboard reader is being
# rewritten for speed); each entry names its owner. Remove an entry when its function is
# split or given a reason.
PENDING: dict[str, str] = {}


def oversized(files: dict[str, str]) -> list[str]:
    """What is over the limits in ``files`` (path -> source): ``path: N lines`` for a module,
    ``path::function: N lines`` for a function without a ``Long:`` reason in its docstring."""
    out: list[str] = []
    for path, text in sorted(files.items()):
        lines = len(text.splitlines())
        if lines > MAX_MODULE_LINES:
            out.append(f"{path}: {lines} lines")
        for node in ast.walk(ast.parse(text)):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            length = (node.end_lineno or node.lineno) - node.lineno + 1
            if length > MAX_FUNCTION_LINES and MARKER not in (ast.get_docstring(node) or ""):
                out.append(f"{path}::{node.name}: {length} lines")
    return out


def package_files() -> dict[str, str]:
    return {p.relative_to(PKG).as_posix(): p.read_text(encoding="utf-8") for p in PKG.rglob("*.py")}


def test_no_module_or_function_over_the_limits() -> None:
    found = [o for o in oversized(package_files()) if o.split(": ")[0] not in PENDING]
    assert found == [], "split these, or give a function a 'Long:' reason in its docstring"


def test_the_size_check_can_fail() -> None:
    """A long module, a long function and a long method are found; a long function with a
    ``Long:`` reason and one just at the limit are not."""
    body = "\n".join(f"    x{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1))
    long_fn = f"def long_one():\n{body}\n    return 0\n"
    at_limit = (
        "def at_limit():\n" + "\n".join(f"    y{i} = {i}" for i in range(MAX_FUNCTION_LINES - 1)) + "\n"
    )
    reasoned = f'def reasoned():\n    """Does a lot.\n\n    {MARKER} one piece on purpose."""\n{body}\n'
    method = (
        "class C:\n    def method(self):\n"
        + "\n".join(f"        z{i} = {i}" for i in range(MAX_FUNCTION_LINES))
        + "\n"
    )
    files = {
        "short.py": "x = 1\n",
        "fns.py": long_fn + at_limit + reasoned + method,
        "big.py": "\n".join(f"v{i} = {i}" for i in range(MAX_MODULE_LINES + 1)) + "\n",
    }
    assert oversized(files) == [
        f"big.py: {MAX_MODULE_LINES + 1} lines",
        f"fns.py::long_one: {MAX_FUNCTION_LINES + 1} lines",
        f"fns.py::method: {MAX_FUNCTION_LINES + 1} lines",
    ]
