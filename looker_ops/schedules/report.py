"""What the schedules verbs return and how it is printed: :class:`Report` (``schedules apply``
and the deploy's schedules step; its base :class:`DeliveryReport` is the alerts' report too), :class:`RunResult` (``schedules run``), :class:`PlanRow`
(``schedules list``), each with its text lines. Secrets are never part of any of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from looker_ops.looker.changes import Change
from looker_ops.looker.schedules import KIND, plan_id


@dataclass
class DeliveryReport:
    """What applying a file's deliveries (schedules or alerts) planned and did: printable and
    JSON-able, secrets never included. A subclass names its resource (:attr:`NOUN`,
    :attr:`KIND`, what an item on Looker is called: :attr:`ITEMS`)."""

    NOUN: ClassVar[str] = "schedules"  # the summary line's head and what --prune speaks of
    KIND: ClassVar[str] = KIND
    ITEMS: ClassVar[str] = "plan"  # "<n> plan(s) not managed by looker-ops"

    changes: list[Change] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    ignored: int = 0  # items on Looker without the marker (never touched)
    dry_run: bool = False
    prune: bool = False
    writes: int = 0
    warnings: list[str] = field(default_factory=list)
    file: str = ""

    @property
    def changed(self) -> bool:
        return bool(self.changes)

    def lines(self) -> list[str]:
        out = [ch.line() for ch in self.changes]
        out.extend(f"= {self.KIND} {name} (unchanged)" for name in self.unchanged)
        out.extend(f"warning: {w}" for w in self.warnings)
        verb = "would make" if self.dry_run else "made"
        n = len(self.changes)
        out.append(
            f"{self.NOUN}: {n} change(s), {len(self.unchanged)} unchanged, {self.ignored} {self.ITEMS}(s) not "
            f"managed by looker-ops left alone; {verb} {self.writes if not self.dry_run else n} write(s)"
            + ("" if self.prune else f" (without --prune: {self.ITEMS}s removed from the file are kept)")
        )
        return out

    def change_dict(self, ch: Change) -> dict[str, Any]:
        return ch.as_dict()

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "dry_run": self.dry_run,
            "prune": self.prune,
            "writes": self.writes,
            "changes": [self.change_dict(ch) for ch in self.changes],
            "unchanged": list(self.unchanged),
            f"ignored_{self.ITEMS}s": self.ignored,
            "warnings": list(self.warnings),
        }


@dataclass
class Report(DeliveryReport):
    """What ``schedules apply`` planned and did (each change with its plan's id)."""

    def change_dict(self, ch: Change) -> dict[str, Any]:
        return ch.as_dict() | {"plan_id": plan_id(ch)}


@dataclass
class RunResult:
    """One ``schedules run``: which plan ran (by id, or the file's version with run_once)."""

    name: str
    plan_id: str | None
    used: str  # run_once_by_id | run_once
    destinations: list[str]
    note: str = ""

    def lines(self) -> list[str]:
        how = f"plan {self.plan_id} run once" if self.used == "run_once_by_id" else "run once"
        out = [f"sent: {self.name} ({how}) -> {', '.join(self.destinations)}"]
        if self.note:
            out.append(f"note: {self.note}")
        return out


@dataclass
class PlanRow:
    """One plan on a block dashboard, for ``schedules list``."""

    id: str
    name: str
    managed: bool
    in_file: str  # yes | differs | no | - (not managed)
    dashboard: str
    crontab: str
    timezone: str
    enabled: bool
    destinations: list[str]
    owner: str
    last_run_at: str | None
    last_run_status: str | None
    next_run_at: str | None

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))

    def lines(self) -> list[str]:
        owner = "looker-ops" if self.managed else f"not managed (owner {self.owner or '?'})"
        state = "" if self.enabled else " DISABLED"
        last = self.last_run_at or "never"
        if self.last_run_status:
            last += f" ({self.last_run_status})"
        zone = self.timezone or "(instance time zone)"
        out = [
            f"{self.id:>6} {self.name}{state}",
            f"       {self.dashboard} at '{self.crontab}' {zone}; {owner}; in file: {self.in_file}",
            f"       last run: {last}; next: {self.next_run_at or '-'}",
        ]
        out.extend(f"       -> {d}" for d in self.destinations)
        return out


def list_lines(rows: Sequence[PlanRow], missing: Sequence[str], dashboards: int) -> list[str]:
    """The text of ``schedules list``: each plan, the block dashboards not on Looker, a total
    (``dashboards``: how many block dashboards there are)."""
    out = [line for r in rows for line in r.lines()]
    out.extend(f"warning: dashboard {slug} is not on Looker (run `looker-ops deploy`)" for slug in missing)
    out.append(f"{len(rows)} plan(s) on {dashboards - len(missing)} dashboard(s)")
    return out


def integration_lines(rows: Sequence[dict[str, Any]]) -> list[str]:
    """The text of ``schedules integrations``: one line per integration Looker offers."""
    out = []
    for r in rows:
        state = "enabled" if r["enabled"] else "disabled"
        dash = "dashboards" if r["dashboards"] else "no dashboards"
        formats = ", ".join(r["formats"]) or "all formats"
        out.append(f"{r['id']}: {r['label']} ({state}; {dash}; {formats})")
    if not rows:
        out.append("no integrations (an admin enables them under Admin > Actions)")
    return out
