"""The report of a deploy (or of a step command): every step's status, changes and timing.

:class:`Report` is what ``--json`` writes (schema ``looker-ops/deploy-report/v1``), what the
GitHub job summary shows (:meth:`Report.markdown`) and what the summary on stdout is made of
(:func:`summary_lines`). The pipeline (:mod:`looker_ops.deploy.pipeline`) fills it in as the
steps run; this module only holds and renders it.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from looker_ops.errors import EXIT_OK, error_json, problems_of
from looker_ops.looker import content as content_mod
from looker_ops.looker.changes import Change
from looker_ops.looker.redact import mask_message

# v2: ``ok``, ``error`` as the object every command's JSON gives (kind, message, file, line,
# key; it was the message alone in v1) and ``problems``.
REPORT_SCHEMA = "looker-ops/deploy-report/v2"

# Step statuses in the report.
PENDING = "pending"  # not run yet
PLANNED = "planned"  # dry run: changes computed, nothing written
APPLIED = "applied"  # changes written and verified
UNCHANGED = "unchanged"  # nothing to do
SKIPPED = "skipped"  # not needed or not selected (message says why)
FAILED = "failed"


@dataclass
class StepRecord:
    name: str
    title: str
    status: str = PENDING
    changes: list[Change] = field(default_factory=list)
    message: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    calls: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "status": self.status,
            "duration_s": round(self.duration_s, 3),
            "changes": [c.as_dict() for c in self.changes],
            "message": self.message,
            "details": self.details,
            "looker_calls": self.calls,
        }


@dataclass
class Report:
    command: str
    dry_run: bool
    steps: list[StepRecord] = field(default_factory=list)
    status: str = "ok"
    exit_code: int = EXIT_OK
    error: str | None = None
    started_at: str = ""
    duration_s: float = 0.0
    calls: dict[str, int] = field(default_factory=dict)

    def step(self, name: str) -> StepRecord:
        return next(s for s in self.steps if s.name == name)

    def failed_step(self) -> str | None:
        """The name of the step that failed (None: none failed, or the run stopped before any)."""
        return next((rec.name for rec in self.steps if rec.status == FAILED), None)

    def problems(self) -> list[dict[str, Any]]:
        """Each problem the error names (one per line of a multi-problem error, such as every
        problem of the config and the schedules file, or each new content error): the ``step``
        that failed (None before any step), and its ``file``, ``line``, ``item`` and ``key``
        where the message names them, with the ``message`` line; secrets masked."""
        if not self.error:
            return []
        step = self.failed_step()
        return [{"step": step, **p} for p in problems_of(mask_message(self.error))]

    def as_dict(self) -> dict[str, Any]:
        """The JSON report (``--json``): the envelope every command's JSON starts with (``ok``,
        ``status``, ``exit_code``, ``error``, ``problems``), the run and each step."""
        return {
            "schema": REPORT_SCHEMA,
            "ok": self.status == "ok",
            "command": self.command,
            "dry_run": self.dry_run,
            "status": self.status,
            "exit_code": self.exit_code,
            "error": error_json(mask_message(self.error), self.exit_code) if self.error else None,
            "problems": self.problems(),
            "started_at": self.started_at,
            "duration_s": round(self.duration_s, 3),
            "looker_calls": self.calls,
            "steps": [s.as_dict() for s in self.steps],
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=False) + "\n", encoding="utf-8")

    def markdown(self) -> str:
        """The report as Markdown for a GitHub job summary ($GITHUB_STEP_SUMMARY): every step with
        its status, time and changes, then new content errors, the rollback and the error."""
        mode = " (dry run)" if self.dry_run else ""
        outcome = "succeeded" if self.status == "ok" else f"failed (exit code {self.exit_code})"
        lines = [f"### looker-ops {self.command}{mode}: {outcome}", ""]
        if self.steps:
            lines += ["| step | status | time | changes | result |", "|---|---|---:|---|---|"]
            for rec in self.steps:
                lines.append(
                    f"| {rec.title} | {rec.status} | {rec.duration_s:.1f} s | {_changes_cell(rec.changes)} "
                    f"| {_md_cell(rec.message)} |"
                )
            lines.append("")
        for rec in self.steps:
            new = rec.details.get("new_errors") or []
            if new:
                lines.append(f"**New content errors** ({len(new)}, on the block's content):")
                lines += [f"- {_md_text(content_mod.ContentError(**e).line())}" for e in new[:50]]
                if len(new) > 50:
                    lines.append(f"- ... and {len(new) - 50} more (see the JSON report)")
                lines.append("")
            undo = rec.details.get("rollback") or []
            if undo:
                lines.append("**Rollback:**")
                lines += [f"- {_md_text(u)}" for u in undo]
                lines.append("")
        if self.error:
            fence = "~~~~"  # a fence the text cannot close early
            lines += ["**Error:**", "", fence + "text", self.error.replace(fence, "~ ~ ~ ~"), fence, ""]
        if self.calls:
            lines.append(
                f"Looker API calls: {self.calls.get('reads', 0)} reads, {self.calls.get('writes', 0)} "
                f"writes, {self.calls.get('retries', 0)} retries; {self.duration_s:.1f} s in total."
            )
            lines.append("")
        return "\n".join(lines)


def _md_text(text: str) -> str:
    """One line of Markdown: whitespace folded, table pipes escaped."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _md_cell(text: str) -> str:
    """A table cell: the first line only (the full text is in the error block and the JSON report)."""
    stripped = str(text).strip()
    return _md_text(stripped.splitlines()[0]) if stripped else ""


def _changes_cell(changes: list[Change]) -> str:
    if not changes:
        return "none"
    counts: dict[str, int] = {}
    for ch in changes:
        counts[ch.action] = counts.get(ch.action, 0) + 1
    return ", ".join(f"{n} {action}" for action, n in counts.items())


def summary_lines(report: Report, redact: Callable[[str], str], *, with_error: bool = True) -> list[str]:
    """The summary printed on stdout, success or failure: each step's status and changes, then
    for a failure the step that failed and what was rolled back (the error itself goes to
    stderr). ``redact`` masks secrets in the error's first line. ``with_error=False`` (the
    summary goes to stderr, where the CLI prints the error): the failure's line without the
    error, so stderr says it once."""
    out: list[str] = []
    for rec in report.steps:
        out.append(f"{rec.name:<11} {rec.status:<9} {rec.message}".rstrip())
        if rec.status in (PLANNED, APPLIED):
            out.extend(f"    {ch.line()}" for ch in rec.changes)
        out.extend(f"    rolled back: {undo}" for undo in rec.details.get("rollback") or [])
    if report.status == "ok":
        return out
    failed = report.failed_step()
    where = f"at step {failed}" if failed is not None else "before any step ran"
    first_line = redact(report.error.splitlines()[0]) if report.error and with_error else ""
    out.append(
        f"deploy failed {where} (exit code {report.exit_code})" + (f": {first_line}" if first_line else "")
    )
    problems = report.problems()
    if len(problems) > 1 and with_error:  # the first line is a heading: each problem under it
        out.extend(f"    {redact(p['message'])}" for p in problems)
    return out


def append_job_summary(report: Report, target: str, redact: Callable[[str], str]) -> str | None:
    """Append the report as Markdown (secrets masked by ``redact``) to the GitHub job summary
    file ``target``. Returns a warning when the file cannot be written (a deploy does not fail
    for its summary), else None."""
    try:
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(redact(report.markdown()) + "\n")
    except OSError as exc:
        return f"warning: cannot write the job summary (GITHUB_STEP_SUMMARY): {exc.strerror}"
    return None
