"""What ``alerts apply`` (and the deploy's alerts step) planned and did: :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from looker_ops.looker import alerts as res
from looker_ops.looker.changes import Change


@dataclass
class Report:
    """What ``alerts apply`` planned and did: printable and JSON-able, secrets never included."""

    changes: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    ignored: int = 0
    dry_run: bool = False
    prune: bool = False
    writes: int = 0
    warnings: list[str] = field(default_factory=list)
    file: str = ""

    def lines(self) -> list[str]:
        out = [ch.line() for ch in self.changes]
        out.extend(f"= {res.KIND} {name} (unchanged)" for name in self.unchanged)
        out.extend(f"warning: {w}" for w in self.warnings)
        verb = "would make" if self.dry_run else "made"
        n = len(self.changes)
        out.append(
            f"alerts: {n} change(s), {len(self.unchanged)} unchanged, {self.ignored} alert(s) not managed by "
            f"looker-ops left alone; {verb} {n if self.dry_run else self.writes} write(s)"
            + ("" if self.prune else " (without --prune: alerts removed from the file are kept)")
        )
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "prune": self.prune,
            "writes": self.writes,
            "changes": [ch.as_dict() for ch in self.changes],
            "unchanged": list(self.unchanged),
            "ignored_alerts": self.ignored,
            "warnings": list(self.warnings),
        }
