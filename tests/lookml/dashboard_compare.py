"""The dashboard readers compared: :func:`canon` gives a comparable form of what they read,
:func:`comparing_read` is ``dashboard_lines.read`` that also holds the line reader's result to
PyYAML's (the suite reads every dashboard through it: tests/conftest.py)."""

from __future__ import annotations

from typing import Any

from looker_ops.lookml import dashboard_lines as dl
from looker_ops.lookml import dashboard_yaml as dy


def canon(v: Any) -> Any:
    """A comparable form that keeps types (True is not 1, 1.0 is not 1)."""
    if isinstance(v, dy.YMap):
        return (
            "map",
            v.line,
            v.end,
            [(canon(k), canon(x), line, raw) for (k, x, raw), line in zip(v.items, v.lines, strict=True)],
        )
    if isinstance(v, dy.YSeq):
        return ("seq", [canon(x) for x in v.items], v.lines)
    if isinstance(v, dict):
        return ("dict", [(canon(k), canon(x)) for k, x in v.items()])
    if isinstance(v, list):
        return ("list", [canon(x) for x in v])
    return (type(v).__name__, repr(v))


_COMPARED: set[str] = set()


def comparing_read(text: str) -> dy.YSeq | None:
    """``dashboard_lines.read``, and when the line reader reads ``text`` (each distinct text
    once per process), an assertion that PyYAML reads it the same."""
    got = dl.fast_read(text)
    if isinstance(got, dy.Decline):
        return dy.node_read(text)
    if text not in _COMPARED:
        try:
            node = dy.node_read(text)
        except Exception as exc:
            raise AssertionError(f"the line reader read text PyYAML refuses ({exc}):\n{text}") from exc
        assert canon(got) == canon(node), f"the dashboard readers differ on:\n{text}"
        _COMPARED.add(text)
    return got
