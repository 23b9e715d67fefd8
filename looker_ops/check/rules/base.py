"""The rule registry and what a rule family works with: :class:`Rule` and :func:`rule` (a rule
registers itself in :data:`RULES` when its module is imported), :class:`CheckOptions`,
:class:`CheckContext` (the project, this shard's objects, and ``report``) and :data:`Family`.

Rule modules import these from here; the package (:mod:`looker_ops.check.rules`) imports the
rule modules, so the two never import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from looker_ops.findings import Finding, Severity
from looker_ops.lookml.model import Dashboard, Explore, Project, View

T = TypeVar("T")


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: str
    family: str
    doc: str = ""
    bad: str = ""
    good: str = ""


RULES: dict[str, Rule] = {}


def rule(
    code: str, severity: Severity, title: str, family: str, doc: str = "", bad: str = "", good: str = ""
) -> Rule:
    r = Rule(code, severity, title, family, doc, bad, good)
    RULES[code] = r
    return r


@dataclass
class CheckOptions:
    sql: bool = False  # run SQL on the embedded engine
    data_dir: Path | None = None  # CloudTrail files for the engine (None: the bundled sample)
    batch_size: int = 200
    cache_dir: Path | None = None  # for rules' result caches (None: no cache)
    athena: Any = None  # AthenaSettings: run the SQL checks on Athena instead of the embedded engine
    dialect: str = "athena"  # sqlglot dialect of the project's SQL (--dialect, check.dialect)
    connections: dict[str, str] = field(default_factory=dict)  # connection name -> dialect
    dialect_given: bool = False  # the user chose the dialect (no "looks like another dialect" note)

    def dialect_of(self, connection: str | None) -> str:
        """The SQL dialect of a model's connection (the default dialect when it is not mapped)."""
        return self.connections.get(connection or "", self.dialect)


MISFITS_KEPT = 5_000  # enough for the hint's sample, bounded for a project of broken SQL


@dataclass
class CheckContext:
    project: Project
    options: CheckOptions = field(default_factory=CheckOptions)
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # information for the summary (not findings)
    shard: tuple[int, int] = (0, 1)  # (k, n): this process checks the k-th of n shares of the objects
    # References left unchecked because they may name something of a dependency that is not here.
    unchecked: int = 0
    # References left unchecked because they may name a view or explore of a file that does not
    # parse: file -> count.
    unchecked_unparsed: dict[str, int] = field(default_factory=dict)
    # SQL texts (as parsed) the Athena rules could not read, up to MISFITS_KEPT: the hint that
    # the project's SQL may be of another dialect (check.dialects.dialect_hint).
    misfits: set[str] = field(default_factory=set)
    # References of a view's own fields to fields it would get from a view it extends that is
    # defined nowhere (LKM005): view name -> count.
    unchecked_extends: dict[str, int] = field(default_factory=dict)

    def _mine(self, i: int) -> bool:
        return i % self.shard[1] == self.shard[0]

    @property
    def first_shard(self) -> bool:
        return self.shard[0] == 0

    def views(self) -> list[View]:
        return [v for i, v in enumerate(self.project.all_views()) if self._mine(i)]

    def dialects(self) -> set[str]:
        """The SQL dialects of the project's models (the default one when it has no model)."""
        conns = [m.connection for m in self.project.models.values()]
        return {self.options.dialect_of(c) for c in conns} or {self.options.dialect}

    def may_be_in_dependency(self, name: str | None, models: Iterable[str] | None = None) -> bool:
        """``name`` (a view or explore) is defined nowhere here, or only in part, and a dependency
        that may define it is not here (included by one of ``models``, by any model when None),
        or a file that does not parse defines it (by its text): a reference to it is counted as
        unchecked (per dependency, or per file that does not parse)."""
        place = self._unchecked_place(name, models)
        if place is None:
            return False
        if place:
            self.unchecked_unparsed[place] = self.unchecked_unparsed.get(place, 0) + 1
        else:
            self.unchecked += 1
        return True

    def could_be_in_dependency(self, name: str | None, models: Iterable[str] | None = None) -> bool:
        """:meth:`may_be_in_dependency` without counting a reference (a question, not a use)."""
        return self._unchecked_place(name, models) is not None

    def _unchecked_place(self, name: str | None, models: Iterable[str] | None) -> str | None:
        """Where a reference to ``name`` would be counted: the file that does not parse and
        defines it, ``""`` for a dependency that is not here, None when it is checked."""
        p = self.project
        if name and p.unparsed:
            broken = p.unparsed_file_for(name, models)
            if broken is not None:
                return broken
        if not p.dependency_models or not name:
            return None
        if models is not None and not p.dependency_models.intersection(models):
            return None
        v = p.views.get(name)
        if (
            p.may_come_from_dependency(name)
            or (v is not None and v.partial)
            or any(e.partial for e in p.explores_named(name))
        ):
            return ""
        return None

    def explores(self) -> list[Explore]:
        return [e for i, e in enumerate(self.project.explores.values()) if self._mine(i)]

    def dashboards(self) -> list[Dashboard]:
        return [d for i, d in enumerate(self.project.dashboards) if self._mine(i)]

    def mine(self, items: list[T]) -> list[T]:
        return [x for i, x in enumerate(items) if self._mine(i)]

    def report(
        self,
        r: Rule,
        message: str,
        file: str | None = None,
        line: int | None = None,
        where: str | None = None,
        severity: Severity | None = None,
    ) -> None:
        self.findings.append(Finding(r.code, severity or r.severity, message, file, line, where))


Family = Callable[[CheckContext], None]
# Families that hold for Athena only (they are skipped when no model's dialect is athena).
ATHENA_FAMILIES = frozenset(["persistence", "fanout", "primary_keys", "athena_sql", "partitions", "engine"])
