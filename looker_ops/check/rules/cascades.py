"""One finding for a view that does not exist, not one per reference through it.

An explore whose base view does not exist cannot be used at all, and a join whose view does
not exist has no fields: ``REF003`` reports each once, and says how many references through it
were left unchecked (as ``LKM007`` does for a dependency that is not here). Those references,
in dashboards (element fields, filters, sorts, pivots, listens; dashboard filters), data tests
and the explore's own field lists and SQL, are not reported one by one.
"""

from __future__ import annotations

from dataclasses import replace

from looker_ops.check.rules.base import CheckContext
from looker_ops.check.rules.common import broken_aliases, through_broken
from looker_ops.check.rules.dashboard_refs import refs_through
from looker_ops.check.rules.data_tests import test_field_refs, tests_of
from looker_ops.findings import Finding, Severity
from looker_ops.lookml.liquid import SqlProblem
from looker_ops.lookml.model import Explore, Project, View
from looker_ops.lookml.sql import references


def refs_elsewhere(project: Project, e: Explore, alias: str) -> int:
    """How many references the checked dashboards and the data tests make through ``alias``
    of explore ``e`` (``EVERY_ALIAS``: through the explore)."""
    only = frozenset([alias])
    refs = refs_through(project, e)
    refs += [ref for t in tests_of(project, e.model, e.name) for _what, ref, _line in test_field_refs(t)]
    return sum(1 for ref in refs if through_broken(only, ref))


def own_refs(e: Explore) -> int:
    """How many references the explore's own field lists (``always_filter``,
    ``conditionally_filter``, ``access_filter``, ``fields``) and SQL (its joins' ``sql_on`` /
    ``sql_where``, ``sql_always_where``) make: all left unchecked when its base view does not
    exist (``${TABLE}`` is not a reference)."""
    lists = [*e.always_filter, *e.conditionally_filter, *e.conditionally_filter_unless]
    lists += [a["field"] for a in e.access_filter]
    lists += [f for f in e.fields or [] if not f.lstrip("-").endswith("ALL_FIELDS*")]
    texts = [e.sql_always_where or ""] + [t or "" for j in e.joins for t in (j.sql_on, j.sql_where)]
    return len(lists) + sum(1 for t in texts for ref in references(t) if ref != "TABLE")


def unchecked_note(n: int) -> str:
    """The end of a REF003 message: the references it left unchecked (none: nothing)."""
    return f"; {n} reference(s) through it were not checked" if n else ""


class Skipped:
    """The references through an explore's aliases whose view does not exist, found while
    checking the explore's own field lists and SQL: counted per alias, not reported."""

    def __init__(self, ctx: CheckContext, project: Project, e: Explore) -> None:
        self.broken = broken_aliases(ctx, project, e)
        self.counts: dict[str, int] = {}
        # view name -> the first broken alias of it (a compiler problem names the view)
        self._by_view: dict[str, str] = {}
        for alias, vname in e.aliases().items():
            if through_broken(self.broken, f"{alias}.x"):
                self._by_view.setdefault(vname, alias)

    def ref(self, ref: str) -> bool:
        """``alias.field`` is through a broken alias (counted)."""
        if not through_broken(self.broken, ref):
            return False
        alias = ref.partition(".")[0]
        self.counts[alias] = self.counts.get(alias, 0) + 1
        return True

    def problems(self, probs: list[SqlProblem]) -> list[SqlProblem]:
        """The compiler's problems but those about a field of a view that does not exist
        through a broken alias (counted)."""
        out = []
        for pr in probs:
            alias = self._by_view.get(pr.missing or "") if pr.kind == "unresolved" else None
            if alias is None:
                out.append(pr)
            else:
                self.counts[alias] = self.counts.get(alias, 0) + 1
        return out


def incomplete_views(project: Project) -> frozenset[str]:
    """The views that extend a view defined nowhere (the loader's LKM005 error): the fields
    they would get from it are unknown. Memoised per project."""
    memo: frozenset[str] | None = project.__dict__.get("_incomplete_views")
    if memo is None:
        memo = frozenset(
            (f.where or "")[len("view:") :]
            for f in project.problems
            if f.code == "LKM005"
            and f.severity is Severity.ERROR
            and (f.where or "").startswith("view:")
            and f.message.endswith("which is not defined")
        )
        project.__dict__["_incomplete_views"] = memo
    return memo


def skip_unknown_own(ctx: CheckContext, view: View, probs: list[SqlProblem]) -> list[SqlProblem]:
    """``probs`` but, in a view that extends a view defined nowhere, those about a field of
    its own that does not exist (``${id}``, which the missing view may define): counted for
    its LKM005 finding (see :func:`extends_note`)."""
    if not probs or view.name not in incomplete_views(ctx.project):
        return probs
    kept = [
        p for p in probs if not (p.kind == "unresolved" and p.view == view.name and p.missing == view.name)
    ]
    if len(kept) < len(probs):
        ctx.unchecked_extends[view.name] = ctx.unchecked_extends.get(view.name, 0) + len(probs) - len(kept)
    return kept


def extends_notes(findings: list[Finding], counts: dict[str, int]) -> list[Finding]:
    """``findings`` with the first LKM005 "extends X, which is not defined" of each view in
    ``counts`` saying how many references of its own fields were left unchecked."""
    out: list[Finding] = []
    todo = dict(counts)
    for f in findings:
        name = (f.where or "")[len("view:") :] if (f.where or "").startswith("view:") else ""
        if f.code == "LKM005" and name in todo and f.message.endswith("which is not defined"):
            n = todo.pop(name)
            f = replace(
                f,
                message=f"{f.message}; {n} reference(s) of its fields to fields it may define were not checked",
            )
        out.append(f)
    return out
