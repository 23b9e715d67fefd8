"""One planned change to one Looker (or git) resource: what plan() returns and apply() consumes.

A Change is printable (``line()``) and serialisable (``as_dict()``) without ever showing a
secret: a secret field's value is recorded as :data:`SECRET` in ``diffs``; the real value only
travels in ``payload``, which is never printed, compared or written to a report.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

SECRET = "(secret)"

CREATE = "create"
UPDATE = "update"
DELETE = "delete"


@dataclass
class FieldDiff:
    field: str
    before: Any
    after: Any

    def as_dict(self) -> dict[str, Any]:
        return {"field": self.field, "before": self.before, "after": self.after}


@dataclass
class Change:
    kind: str  # connection | project | model | branch | production | folder | dashboard | ...
    action: str  # create | update | delete | or a verb: push, deploy, checkout
    name: str  # identity: connection name, project id, model name, dashboard slug...
    diffs: list[FieldDiff] = field(default_factory=list)
    note: str = ""
    payload: Any = field(default=None, repr=False, compare=False)

    @property
    def symbol(self) -> str:
        return {CREATE: "+", UPDATE: "~", DELETE: "-"}.get(self.action, ">")

    def line(self) -> str:
        head = f"{self.symbol} {self.kind} {self.name} ({self.action})"
        parts = [f"{d.field}: {_show(d.before)} -> {_show(d.after)}" for d in self.diffs]
        if self.action == CREATE:
            parts = [f"{d.field}={_show(d.after)}" for d in self.diffs]
        if self.note:
            parts.append(self.note)
        return head + (": " + "; ".join(parts) if parts else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "action": self.action,
            "name": self.name,
            "diffs": [d.as_dict() for d in self.diffs],
            "note": self.note,
        }


def _show(value: Any) -> str:
    if value is None:
        return "(none)"
    if value == SECRET:
        return SECRET
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 80 else text[:77] + "...'"


def id_key(value: Any) -> tuple[int, str]:
    """Sort key for Looker ids: numeric ids in number order (the oldest first), any other after them."""
    text = str(value or "")
    return (int(text), "") if text.isdigit() else (1 << 62, text)


def get(obj: Any, key: str) -> Any:
    """A field of an SDK model or of a plain dict (plan() accepts both), None when absent."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    return getattr(obj, key, None)


def diff_fields(desired: dict[str, Any], current: Any, keys: list[str] | None = None) -> list[FieldDiff]:
    """Fields whose desired value differs from the current one (None and '' are equal)."""
    out: list[FieldDiff] = []
    for key in keys if keys is not None else list(desired):
        want = desired.get(key)
        have = get(current, key)
        if _norm(want) != _norm(have):
            out.append(FieldDiff(key, have, want))
    return out


def _norm(value: Any) -> Any:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, list | tuple):
        return sorted(str(v) for v in value)
    return value


def create_or_found(
    client: Any, operation: str, create: Callable[[], T], find: Callable[[], T | None]
) -> tuple[T, bool]:
    """``client.create_or_get`` that also says whether the object was found rather than made
    (after a timeout or a 409): then it may predate this run and the caller re-applies fields."""
    found: list[T] = []

    def finder() -> T | None:
        obj = find()
        if obj is not None:
            found.append(obj)
        return obj

    obj = client.create_or_get(create=create, find=finder, operation=operation)
    return obj, bool(found)
