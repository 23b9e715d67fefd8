"""``looker-ops deploy``: install or update the block on a Looker instance, step by step.

Steps, in order (each planned, printed, applied and verified; ``--dry-run`` stops after the plan):

1. connection   the Athena connection; tested (Looker's message on failure)
2. project      created in the dev workspace if missing; git remote; deploy key for ssh remotes
3. lookml       a commit holding exactly the LookML folder (manifest constants from the config),
                pushed to the deploy branch; unchanged content makes no commit
4. models       lookml model configuration: project and allowed connection
5. validate     the pushed commit checked out on a dev branch: LookML validation + data tests;
                errors stop here, production untouched
6. production   deploy that commit to production; the previous ref is recorded
7. dashboards   import each dashboards/*.dashboard.lookml into the folder (by preferred_slug,
                in place, 4 at a time); unchanged ones skipped; --prune deletes removed ones
8. content      content validation compared with the errors before the deploy; new errors on the
                block's content fail and (unless --no-rollback) production goes back to the previous
                ref and the dashboards to their previous LookML
9. schedules    the schedules file, through looker_ops.looker.schedules (when that module exists)

Steps 5 and 6 are skipped when production already serves the commit; step 8 when neither
production nor any dashboard changed, so a second run on an unchanged instance only reads.

After content validation passes (or its failure is accepted with --no-rollback), the state is
recorded on the git remote as ``refs/looker-ops/validated/<branch>``: an annotated tag on the
commit listing each dashboard's digest (:func:`looker_ops.gitops.mark_validated`). A run that finds
production ahead of that marker (an earlier run stopped between steps 6 and 8) validates content
again and rolls back to the marker; one that finds a dashboard already as in its file but with a
digest other than the marker's (an import that reached Looker in a run never validated) validates
content again, strictly. An unchanged connection is re-tested while the marker is not the branch
head; a failed test on a run that did not send the password sends it once and tests again.
Steps hand their results to later ones through :class:`DeployState`; a step run on its own
(``looker-ops dashboards import``...) reads what it needs instead.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_sdk.sdk.api40 import models as m

from looker_ops import clock, gitops
from looker_ops.config.settings import Config
from looker_ops.errors import EXIT_OK, BadInput, LookerOpsError, RemoteError, ValidationFailed
from looker_ops.looker import connection as conn_mod
from looker_ops.looker import content as content_mod
from looker_ops.looker import dashboards as dash_mod
from looker_ops.looker import models as models_mod
from looker_ops.looker import project as project_mod
from looker_ops.looker.changes import SECRET, Change, FieldDiff

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

REPORT_SCHEMA = "looker-ops/deploy-report/v1"
STEPS: tuple[tuple[str, str], ...] = (
    ("connection", "Athena connection"),
    ("project", "LookML project"),
    ("lookml", "LookML to git"),
    ("models", "model configuration"),
    ("validate", "validate before production"),
    ("production", "deploy to production"),
    ("dashboards", "dashboards"),
    ("content", "content validation"),
    ("schedules", "scheduled deliveries"),
)
STEP_NAMES = tuple(name for name, _ in STEPS)
# Steps that are not part of `deploy`: pull-request validation on a branch of its own.
EXTRA_STEPS: tuple[tuple[str, str], ...] = (
    ("branch", "validate a branch on Looker"),
    ("cleanup", "delete a validation branch"),
)

# Step statuses in the report.
PLANNED = "planned"  # dry run: changes computed, nothing written
APPLIED = "applied"  # changes written and verified
UNCHANGED = "unchanged"  # nothing to do
SKIPPED = "skipped"  # not needed or not selected (message says why)
FAILED = "failed"


@dataclass
class Options:
    dry_run: bool = False
    prune: bool | None = None  # None: the config's dashboards.prune
    rollback: bool | None = None  # None: the config's validation.rollback
    force_dashboards: bool = False
    resend_secrets: bool = False  # send the connection's password even when it looks unchanged
    steps: tuple[str, ...] = STEP_NAMES  # which steps to run (step commands select one)
    branch: str | None = None  # the branch of the `branch` / `cleanup` steps


@dataclass
class StepRecord:
    name: str
    title: str
    status: str = "pending"
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

    def as_dict(self) -> dict[str, Any]:
        return {
            "schema": REPORT_SCHEMA,
            "command": self.command,
            "dry_run": self.dry_run,
            "status": self.status,
            "exit_code": self.exit_code,
            "error": self.error,
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


@dataclass
class DeployState:
    """What steps hand to later ones."""

    project_exists: bool | None = None
    sha: str | None = None  # the commit to deploy (None in a dry run that would make a new one)
    sha_is_new: bool = False
    previous_production: str | None = None
    production_read: bool = False
    production_moved: bool = False
    folder_id: str | None = None
    folder_read: bool = False
    folder: dash_mod.FolderLookup | None = None
    dashboards_applied: dash_mod.Applied | None = None
    dashboards_changed: bool = False
    block_dashboard_ids: set[str] = field(default_factory=set)
    content_before: list[content_mod.ContentError] | None = None
    validated: str | None = None  # the remote's marker: last commit whose content validated
    validated_read: bool = False
    marker: gitops.Marker | None = None  # the marker itself: that commit + the dashboards' digests
    recovering: bool = False  # production was moved by an interrupted run, never validated
    # Dashboards Looker already holds as in the files, put there by a run whose content
    # validation never passed (interrupted, or a later import failed): validated strictly.
    unvalidated_dashboards: list[str] = field(default_factory=list)


def check_config(cfg: Config, steps: tuple[str, ...] = STEP_NAMES) -> None:
    """What the selected steps need from the config, checked before any remote call."""
    file = str(cfg.path or "looker-ops.yaml")
    if "connection" in steps:
        conn_mod.check_settings(cfg.connection, file)
    if {"project", "lookml", "validate", "production", "branch", "cleanup"} & set(
        steps
    ) and not cfg.project.git_remote_url:
        raise BadInput(f"{file}: project.git_remote_url: required (the git repository Looker pulls)")
    if "lookml" in steps and not cfg.resolve(cfg.project.lookml_dir).is_dir():
        raise BadInput(f"{file}: project.lookml_dir: {cfg.resolve(cfg.project.lookml_dir)} is not a folder")
    if "dashboards" in steps:
        if not cfg.resolve(cfg.dashboards.dir).is_dir():
            raise BadInput(f"{file}: dashboards.dir: {cfg.resolve(cfg.dashboards.dir)} is not a folder")
        if not dash_mod.folder_path(cfg.dashboards.folder):
            raise BadInput(f"{file}: dashboards.folder: a folder path under Shared is required")


class Deployer:
    """Runs the selected steps against one Looker client; see the module doc."""

    def __init__(
        self,
        cfg: Config,
        client: LookerClient,
        options: Options | None = None,
        *,
        echo: Callable[[str], None] | None = None,
        git_env: Mapping[str, str] | None = None,
        command: str = "deploy",
    ) -> None:
        self.cfg = cfg
        self.client = client
        self.opts = options or Options()
        self.echo = echo or (lambda line: None)
        self.git_env = git_env
        self.state = DeployState()
        self.report = Report(command=command, dry_run=self.opts.dry_run)
        self.prune = cfg.dashboards.prune if self.opts.prune is None else self.opts.prune
        self.rollback = cfg.validation.rollback if self.opts.rollback is None else self.opts.rollback
        self._local_dashboards: list[dash_mod.LocalDashboard] | None = None

    # ------------------------------------------------------------------ running
    def run(self) -> Report:
        every = STEPS + EXTRA_STEPS
        unknown = [s for s in self.opts.steps if s not in dict(every)]
        if unknown:
            raise BadInput(f"unknown step(s): {', '.join(unknown)} (steps: {', '.join(dict(every))})")
        check_config(self.cfg, self.opts.steps)
        self.report.started_at = clock.now().isoformat(timespec="seconds")
        t0 = time.monotonic()
        selected = [(n, t) for n, t in every if n in self.opts.steps]
        self.report.steps = [StepRecord(n, t) for n, t in selected]
        mode = " (dry run: nothing will be written)" if self.opts.dry_run else ""
        self.echo(f"looker-ops {self.report.command}: {len(selected)} step(s){mode}")
        try:
            for i, rec in enumerate(self.report.steps, 1):
                self.echo(f"[{i}/{len(selected)}] {rec.title} ...")
                before = self._calls()
                s0 = time.monotonic()
                try:
                    getattr(self, f"step_{rec.name}")(rec)
                except BaseException as exc:  # the report must say where it stopped, whatever stopped it
                    rec.status = FAILED
                    rec.message = rec.message or (
                        exc.message if isinstance(exc, LookerOpsError) else repr(exc)
                    )
                    raise
                finally:
                    rec.duration_s = time.monotonic() - s0
                    after = self._calls()
                    rec.calls = {k: after[k] - before.get(k, 0) for k in after}
                self.echo(
                    f"      {rec.status}"
                    + (f": {rec.message}" if rec.message else "")
                    + f" ({rec.duration_s:.1f} s)"
                )
        except BaseException as exc:
            self.report.status = "failed"
            if isinstance(exc, LookerOpsError):
                self.report.exit_code, self.report.error = exc.exit_code, exc.message
            else:  # interrupted (Ctrl-C, SIGTERM) or a bug: still a report of what was done
                self.report.exit_code = 130 if isinstance(exc, KeyboardInterrupt) else 1
                self.report.error = repr(exc)
            for rec in self.report.steps:
                if rec.status == "pending":
                    rec.status = SKIPPED
                    rec.message = "not run: an earlier step failed"
            raise
        finally:
            self.report.duration_s = time.monotonic() - t0
            self.report.calls = self._calls()
        self.echo(
            f"done in {self.report.duration_s:.1f} s; Looker calls: {self.report.calls.get('reads', 0)} reads, "
            f"{self.report.calls.get('writes', 0)} writes"
        )
        return self.report

    def _calls(self) -> dict[str, int]:
        counter = getattr(self.client, "counter", None)
        if counter is None:
            return {}
        return {"reads": counter.reads, "writes": counter.writes, "retries": counter.retries}

    def _show(self, rec: StepRecord, changes: list[Change]) -> bool:
        """Record and print the plan. True when the step should go on to apply."""
        rec.changes = changes
        for ch in changes:
            self.echo(f"      {ch.line()}")
        if not changes:
            rec.status = UNCHANGED
            return False
        if self.opts.dry_run:
            rec.status = PLANNED
            return False
        return True

    # ------------------------------------------------------------------ shared reads
    def local_dashboards(self) -> list[dash_mod.LocalDashboard]:
        if self._local_dashboards is None:
            self._local_dashboards = dash_mod.load_local(self.cfg.resolve(self.cfg.dashboards.dir))
        return self._local_dashboards

    def project_exists(self) -> bool:
        if self.state.project_exists is None:
            self.state.project_exists = project_mod.find(self.client, self.cfg.project.name) is not None
        return self.state.project_exists

    def _read_remote(self) -> str | None:
        """Read the deploy branch head and the validated marker from the remote; the head."""
        head, marker = gitops.remote_state(self._push_url(), self.cfg.project.deploy_branch, env=self.git_env)
        self.state.marker = marker
        self.state.validated = marker.commit if marker else None
        self.state.validated_read = True
        return head

    def target_sha(self) -> str | None:
        """The commit to deploy: from the lookml step, else the deploy branch head."""
        if self.state.sha is None and not self.state.sha_is_new:
            self.state.sha = self._read_remote()
            if self.state.sha is None:
                raise BadInput(
                    f"branch {self.cfg.project.deploy_branch} does not exist on the project's remote: "
                    "push the LookML first (looker-ops lookml push)"
                )
        return self.state.sha

    def _push_url(self) -> str:
        return self.cfg.project.git_push_url or self.cfg.project.git_remote_url

    def validated_marker(self) -> str | None:
        if not self.state.validated_read:
            self._read_remote()
        return self.state.validated

    def dashboard_digests(self) -> dict[str, str]:
        """slug -> sha256 of each dashboard file's LookML: what the dashboards step imports."""
        return {d.slug: hashlib.sha256(d.lookml.encode("utf-8")).hexdigest() for d in self.local_dashboards()}

    def production_ref(self) -> str | None:
        if not self.state.production_read:
            exists = (
                self.state.project_exists if self.state.project_exists is not None else self.project_exists()
            )
            if exists:
                self.state.previous_production = project_mod.production_ref(
                    self.client, self.cfg.project.name
                )
            self.state.production_read = True
        return self.state.previous_production

    def folder_id(self) -> str | None:
        if not self.state.folder_read:
            self.state.folder = dash_mod.find_folder(self.client, self.cfg.dashboards.folder)
            self.state.folder_id = self.state.folder.id
            self.state.folder_read = True
        return self.state.folder_id

    def content_baseline(self) -> None:
        """Errors on the block's content before the first change that can break it."""
        if self.state.content_before is not None or not self.cfg.validation.content or self.opts.dry_run:
            return
        if "content" not in self.opts.steps:
            return
        fid = self.folder_id()
        if fid is None and not self.state.block_dashboard_ids:
            self.state.content_before = []  # no block content yet: nothing can have errors
            return
        self.echo("      content validation before the change (baseline) ...")
        self.state.content_before = content_mod.read_errors(self.client, fid, self.state.block_dashboard_ids)

    # ------------------------------------------------------------------ steps
    def step_connection(self, rec: StepRecord) -> None:
        cs = self.cfg.connection
        for secret in (cs.aws_access_key_id, cs.aws_secret_access_key):
            if secret is not None:
                self.client.redactor.add(secret.reveal())
        want = conn_mod.desired(cs)
        current = conn_mod.read(self.client, cs.name)
        sent = False
        if self._show(rec, conn_mod.plan(want, current, resend_password=self.opts.resend_secrets)):
            conn_mod.apply(self.client, rec.changes)
            sent = conn_mod.sends_password(rec.changes)
            left = conn_mod.plan(want, conn_mod.read(self.client, cs.name))
            if [c for c in left if any(d.field != "password" for d in c.diffs)]:
                raise LookerOpsError(f"connection {cs.name}: still differs after apply: {left[0].line()}")
            rec.status = APPLIED
        elif self.opts.dry_run or not self._connection_unconfirmed():
            return
        if not cs.test:
            return
        try:
            rec.details["tests"] = conn_mod.test(self.client, cs.name)
        except conn_mod.ConnectionTestFailed as first:
            if sent:
                raise
            # The password is write-only: Looker may still hold an older (wrong) secret under the
            # same key id. Send the config's once, and test again before giving up.
            self.echo(f"      {first.message}")
            self.echo("      connection test failed: sending the secret access key again, then testing again")
            conn_mod.resend_password(self.client, want)
            rec.changes.append(
                Change(
                    conn_mod.KIND, "update", cs.name, [FieldDiff("password", SECRET, SECRET)], note="re-sent"
                )
            )
            rec.status = APPLIED
            rec.details["password_resent"] = True
            rec.details["tests"] = conn_mod.test(self.client, cs.name)
        rec.message = "tested: " + ", ".join(rec.details["tests"]) if rec.details["tests"] else "tested"
        if rec.details.get("password_resent"):
            rec.message += " (after sending the secret access key again)"

    def _connection_unconfirmed(self) -> bool:
        """An unchanged connection is tested again unless the last deploy is known good (the
        validated marker is the deploy branch's head): a run that stopped on a failed test does
        not pass on the next run just because the connection is now unchanged."""
        if self.opts.steps == ("connection",):
            return True  # `connection apply` asked for it
        try:
            head = self._read_remote()
        except LookerOpsError:
            # The git remote belongs to the later steps, which read it again and report there
            # what is wrong with it; here it only means "not known good": test the connection.
            return True
        return head is None or self.state.validated != head

    def step_project(self, rec: StepRecord) -> None:
        ps = self.cfg.project
        want = project_mod.desired(ps)
        # Production first (one read when nothing changes); a project never deployed exists only
        # in the dev workspace, where it is created and edited: then the step stays there.
        current = self.client.get_or_none(self.client.sdk.project, ps.name)
        if current is not None and not project_mod.plan(want, current):
            self.state.project_exists = True
            self._show(rec, [])
            self._check_git(rec, current)
            return
        with self.client.workspace(dev=True):
            current = current or self.client.get_or_none(self.client.sdk.project, ps.name)
            self.state.project_exists = current is not None
            if self._show(rec, project_mod.plan(want, current)):
                current = self._apply_project(rec, want)
        if current is not None:
            self._check_git(rec, current)

    def _apply_project(self, rec: StepRecord, want: dict[str, Any]) -> Any:
        """Apply the project's changes (in the dev workspace) and verify; the project after."""
        ps = self.cfg.project
        new_key = project_mod.apply(self.client, rec.changes, ssh=project_mod.is_ssh_url(ps.git_remote_url))
        self.state.project_exists = True
        now = self.client.get_or_none(self.client.sdk.project, ps.name)
        left = project_mod.plan(want, now)
        if left:
            raise LookerOpsError(f"project {ps.name}: still differs after apply: {left[0].line()}")
        rec.status = APPLIED
        created = any(c.action == "create" for c in rec.changes)
        rec.message = (
            f"created in the dev workspace, git remote set, production follows {ps.deploy_branch}"
            if created
            else f"git remote and production branch ({ps.deploy_branch}) updated"
        )
        if new_key:
            rec.details["deploy_key"] = new_key
            raise RemoteError(
                project_mod.deploy_key_message(
                    ps.name,
                    gitops.redact_url(ps.git_remote_url),
                    new_key,
                    "Looker made a deploy key for its git remote",
                )
            )
        return now

    def _check_git(self, rec: StepRecord, project: Any) -> None:
        """Until the first production deploy, check that Looker can use an ssh remote."""
        ps = self.cfg.project
        if self.opts.dry_run or not project_mod.is_ssh_url(ps.git_remote_url):
            return
        if getattr(project, "has_production_counterpart", False):
            return
        remote = gitops.redact_url(ps.git_remote_url)
        rec.details["git_connection"] = project_mod.check_git_connection(self.client, ps.name, remote)

    def step_lookml(self, rec: StepRecord) -> None:
        ps = self.cfg.project
        url = ps.git_push_url or ps.git_remote_url
        source = os.environ.get("GITHUB_SHA", "")
        message = "Deploy LookML (looker-ops)" + (f"\n\nSource commit: {source}" if source else "")
        result = gitops.build_and_push(
            self.cfg.resolve(ps.lookml_dir),
            url,
            ps.deploy_branch,
            self.cfg.manifest_constants(),
            dry_run=self.opts.dry_run,
            message=message,
            env=self.git_env,
        )
        rec.details.update(
            {"branch": ps.deploy_branch, "remote": gitops.redact_url(url), "previous": result.previous}
        )
        self.state.sha = result.sha
        self.state.sha_is_new = result.changed
        self.state.validated, self.state.validated_read = result.validated, True
        self.state.marker = result.marker
        changes: list[Change] = []
        if result.changed:
            diffs = [FieldDiff("head", result.previous, result.sha or "(new commit)")]
            note = (
                f"{len(result.files)} file(s): "
                + ", ".join(result.files[:8])
                + (" ..." if len(result.files) > 8 else "")
            )
            changes.append(Change("branch", "push", ps.deploy_branch, diffs, note=note))
            rec.details["files"] = result.files
        if not self._show(rec, changes):
            rec.details["sha"] = result.sha
            if not changes:
                rec.message = f"{ps.deploy_branch} already holds this content ({(result.sha or '')[:12]})"
            return
        rec.details["sha"] = result.sha
        rec.message = f"pushed {(result.sha or '')[:12]} to {ps.deploy_branch}"
        rec.status = APPLIED

    def step_models(self, rec: StepRecord) -> None:
        ps = self.cfg.project
        want = models_mod.desired(ps.models, ps.name, self.cfg.connection.name)
        current = models_mod.read(self.client, ps.models)
        if not self._show(rec, models_mod.plan(want, current)):
            return
        models_mod.apply(self.client, rec.changes)
        left = models_mod.plan(want, models_mod.read(self.client, ps.models))
        if left:
            raise LookerOpsError(f"model {left[0].name}: still differs after apply: {left[0].line()}")
        rec.status = APPLIED
        rec.message = (
            f"{', '.join(c.name for c in rec.changes)}: may use connection {self.cfg.connection.name}"
        )

    def _deploy_needed(self, rec: StepRecord) -> str | None:
        """The sha to validate/deploy, or None (with the step marked) when production has it."""
        sha = self.target_sha()
        prod = self.production_ref()
        rec.details.update({"ref": sha, "production_ref": prod})
        if sha is not None and prod == sha and self.opts.steps != ("validate",):
            rec.status = SKIPPED
            rec.message = f"production already serves {sha[:12]}"
            if rec.name == "production" and self._content_checked() and self.validated_marker() != sha:
                # An earlier run moved production and stopped before content validation ended:
                # validate now (strictly: no baseline) and roll back to the last validated ref.
                target = self.state.validated
                self.state.recovering = True
                self.state.production_moved = True
                self.state.previous_production = target
                self.state.content_before = []
                rec.details["recovering_from"] = target
                rec.message += (
                    "; its content was never validated (interrupted run?): content validation runs, "
                    f"rollback target {(target or 'none')[:12]}"
                )
            return None
        return sha

    def _content_checked(self) -> bool:
        return (
            self.cfg.validation.content and "content" in self.opts.steps and self.opts.steps != ("content",)
        )

    def step_validate(self, rec: StepRecord) -> None:
        sha = self._deploy_needed(rec)
        if rec.status == SKIPPED:
            return
        what = sha[:12] if sha else "the new commit"
        tests = " + data tests" if self.cfg.project.data_tests else ""
        if self.opts.dry_run:
            rec.status = PLANNED
            rec.message = f"would check {what} out on dev branch {project_mod.VALIDATE_BRANCH} and validate (LookML{tests})"
            return
        assert sha is not None
        outcome = project_mod.validate_ref(
            self.client, self.cfg.project.name, sha, data_tests=self.cfg.project.data_tests
        )
        rec.details.update(
            {"warnings": outcome.warnings, "data_tests": outcome.tests, "branch": project_mod.VALIDATE_BRANCH}
        )
        rec.status = APPLIED
        rec.message = (
            f"{what} valid ({len(outcome.warnings)} warning(s), {len(outcome.tests)} data test(s) passed)"
        )

    def step_production(self, rec: StepRecord) -> None:
        sha = self._deploy_needed(rec)
        if rec.status == SKIPPED:
            return
        prev = self.state.previous_production
        rec.details["previous_ref"] = prev
        change = Change(
            "production", "deploy", self.cfg.project.name, [FieldDiff("ref", prev, sha or "(new commit)")]
        )
        if not self._show(rec, [change]):
            return
        assert sha is not None
        self.content_baseline()
        project_mod.deploy_ref(self.client, self.cfg.project.name, sha)
        self.state.production_moved = True
        rec.status = APPLIED
        rec.message = (
            f"production moved from {prev[:12]} to {sha[:12]} (the previous commit is kept for a rollback)"
            if prev
            else f"first production deploy: production now serves {sha[:12]}"
        )

    def step_dashboards(self, rec: StepRecord) -> None:
        local = self.local_dashboards()
        fid = self.folder_id()
        current, in_folder = dash_mod.read_current(self.client, local, fid)
        self.state.block_dashboard_ids.update(c.id for c in current.values())
        changes = dash_mod.plan(
            local, current, fid, prune=self.prune, force=self.opts.force_dashboards, in_folder=in_folder
        )
        if fid is None:
            changes.insert(0, Change("folder", "create", self.cfg.dashboards.folder, note="under Shared"))
        kept = dash_mod.orphans(local, in_folder)
        if kept and not self.prune:
            rec.details["not_pruned"] = [k.slug or k.id for k in kept]
            self.echo(
                f"      {len(kept)} dashboard(s) in the folder are not in {self.cfg.dashboards.dir}/ (kept; --prune deletes them)"
            )
        rec.details["dashboards"] = len(local)
        if self._content_checked():
            self._find_unvalidated_dashboards(rec, changes)
        if not self._show(rec, changes):
            rec.message = f"{len(local)} dashboard(s) up to date" if rec.status == UNCHANGED else rec.message
            return
        self.content_baseline()
        fid = fid or dash_mod.ensure_folder(self.client, self.cfg.dashboards.folder, self.state.folder)
        self.state.folder_id = fid
        dash_changes = [c for c in changes if c.kind == dash_mod.KIND]
        done = dash_mod.Applied({}, {}, {})
        self.state.dashboards_applied = done
        self.state.dashboards_changed = True
        dash_mod.apply(self.client, dash_changes, fid, done=done)
        self.state.block_dashboard_ids.update(done.created.values())
        # Verify: every block dashboard is now in the folder (hard) with its file's LookML (soft:
        # the comparison is a reading of Looker's export; a miss costs a re-import next run).
        now, _ = dash_mod.read_current(self.client, local, fid)
        left = [c for c in dash_mod.plan(local, now, fid) if c.action != "delete"]
        misplaced = [c for c in left if c.action == "create" or any(d.field == "folder_id" for d in c.diffs)]
        if misplaced:
            raise LookerOpsError(
                f"dashboard {misplaced[0].name}: not in place after import: {misplaced[0].line()}"
            )
        if left:
            rec.details["export_differs"] = [c.name for c in left]
            self.echo(
                f"      warning: Looker's LookML of {', '.join(c.name for c in left)} still differs from the "
                "file after import (the next run imports it again)"
            )
        rec.status = APPLIED
        rec.message = (
            f"{len(done.created)} created, {len(done.updated)} updated, {len(done.deleted)} deleted, "
            f"{len(local) - len(done.created) - len(done.updated)} unchanged"
        )

    def _find_unvalidated_dashboards(self, rec: StepRecord, changes: list[Change]) -> None:
        """Dashboards Looker already holds as in the files (so not imported again) whose LookML is
        not the one the validated marker records: an earlier run imported them and never passed
        content validation (killed, or a later import failed). Content validation then runs, and
        strictly: their errors were already there before this run, a baseline would hide them."""
        digests = self.dashboard_digests()
        touched = {c.name for c in changes if c.kind == dash_mod.KIND}
        in_place = [slug for slug in digests if slug not in touched]
        self.validated_marker()
        marker = self.state.marker
        if not in_place or (marker is not None and marker.matches(marker.commit, digests)):
            return  # every dashboard is as validated (no git fetch needed to know it)
        recorded = (
            gitops.marker_dashboards(self._push_url(), self.cfg.project.deploy_branch, env=self.git_env)
            if marker is not None
            else None
        )
        suspects = [s for s in in_place if recorded is None or recorded.get(s) != digests[s]]
        if not suspects:
            return
        self.state.unvalidated_dashboards = suspects
        self.state.content_before = []  # strict: every error on the block's content counts
        rec.details["unvalidated"] = suspects
        self.echo(
            f"      {len(suspects)} dashboard(s) imported by an earlier run whose content validation never "
            f"passed: {', '.join(suspects)} (content validation runs, strictly)"
        )

    def step_content(self, rec: StepRecord) -> None:
        if not self.cfg.validation.content:
            rec.status = SKIPPED
            rec.message = "validation.content is false"
            return
        standalone = self.opts.steps == ("content",)
        unvalidated = bool(self.state.unvalidated_dashboards)
        if not standalone and not (
            self.state.production_moved or self.state.dashboards_changed or unvalidated
        ):
            rec.status = SKIPPED if not self.opts.dry_run else PLANNED
            if self.opts.dry_run and (self._step_planned("production") or self._step_planned("dashboards")):
                rec.message = "would compare content validation errors before and after the deploy"
            else:
                rec.status = SKIPPED
                rec.message = "nothing deployed, nothing to check"
            return
        if self.opts.dry_run:
            rec.status = PLANNED
            rec.message = "would run content validation on the block's folder" + (
                " (strictly: dashboards never validated)" if unvalidated else ""
            )
            return
        fid = self.folder_id()
        after = content_mod.read_errors(self.client, fid, self.state.block_dashboard_ids)
        before = self.state.content_before or []
        new = content_mod.new_errors(before, after)
        rec.details.update(
            {
                "errors_before": len(before),
                "errors_after": len(after),
                "new_errors": [e.as_dict() for e in new],
                "strict": self.state.recovering or unvalidated,
            }
        )
        if not new:
            rec.status = APPLIED
            rec.message = f"no new errors on the block's content ({len(after)} in total)"
            self._mark_validated(rec)
            return
        listing = "\n  ".join(e.line() for e in new[:50])
        undo = ""
        if standalone:
            undo = ""
        elif self.rollback:
            rec.details["rollback"] = self._rollback()
            undo = "; rolled back: " + "; ".join(rec.details["rollback"])
        else:
            # The operator keeps this deploy: record it as the accepted state, so that the next
            # run (even with nothing changed) neither validates it again nor rolls it back.
            self._mark_validated(rec)
            rec.details["accepted"] = True
            undo = (
                "; not rolled back (--no-rollback): recorded as the accepted state, the next run "
                "will not roll it back"
            )
        rec.message = f"{len(new)} new content error(s){undo}"
        raise ValidationFailed(
            f"content validation: {len(new)} new error(s) on the block's content{undo}:\n  {listing}"
        )

    def _mark_validated(self, rec: StepRecord) -> None:
        """Record on the git remote that production's commit with the dashboards as in the files
        passed content validation (or was accepted with --no-rollback)."""
        sha = self.state.sha
        if sha is None or self.opts.steps == ("content",) or "dashboards" not in self.opts.steps:
            return
        digests = self.dashboard_digests()
        self.validated_marker()
        if self.state.marker is not None and self.state.marker.matches(sha, digests):
            return
        gitops.mark_validated(
            self._push_url(), self.cfg.project.deploy_branch, sha, env=self.git_env, dashboards=digests
        )
        self.state.validated = sha
        self.state.marker = gitops.Marker(gitops.marker_object_id(sha, digests, len(sha)), sha)
        rec.details["validated_marker"] = sha

    def _step_planned(self, name: str) -> bool:
        return any(s.name == name and s.status == PLANNED for s in self.report.steps)

    def _rollback(self) -> list[str]:
        lines: list[str] = []
        prev = self.state.previous_production
        if self.state.production_moved:
            if prev:
                project_mod.deploy_ref(self.client, self.cfg.project.name, prev)
                lines.append(f"production back to {prev[:12]}")
            else:
                lines.append("production had no previous ref (first deploy): left as is")
        if self.state.dashboards_applied is not None and self.state.folder_id is not None:
            lines.extend(dash_mod.restore(self.client, self.state.dashboards_applied, self.state.folder_id))
        for slug in self.state.unvalidated_dashboards:
            lines.append(
                f"dashboard {slug}: imported by an earlier run, its previous LookML is not known here: "
                "left as is (fix or revert its file and run again)"
            )
        for line in lines:
            self.echo(f"      rollback: {line}")
        return lines

    # ------------------------------------------------------------------ pull-request validation
    def _pr_branch(self, *, cleanup: bool = False) -> str:
        """The --branch of `validate branch` / `validate cleanup`: never the deploy branch; the
        deploy's own validation branch only for cleanup (the next deploy makes it again)."""
        branch = self.opts.branch or ""
        ps = self.cfg.project
        if not branch or branch == ps.deploy_branch:
            raise BadInput(
                f"--branch: a branch of its own is required, not {branch or 'an empty name'} "
                f"({ps.deploy_branch} is the deploy branch that production follows)"
            )
        if branch == project_mod.VALIDATE_BRANCH and not cleanup:
            raise BadInput(
                f"--branch: {branch} is the branch `looker-ops deploy` validates on; pick another name "
                "(e.g. looker-ops-pr-42)"
            )
        return branch

    def step_branch(self, rec: StepRecord) -> None:
        """Push the LookML to ``branch`` (started from the deploy branch) and validate it on Looker
        in the dev workspace: LookML validation and data tests. Production is never touched."""
        branch = self._pr_branch()
        ps = self.cfg.project
        if not self.project_exists():
            raise BadInput(f"project {ps.name} does not exist on Looker yet: run `looker-ops deploy` first")
        result = gitops.build_and_push(
            self.cfg.resolve(ps.lookml_dir),
            self._push_url(),
            branch,
            self.cfg.manifest_constants(),
            message="Validate LookML (looker-ops)",
            env=self.git_env,
            base=ps.deploy_branch,
        )
        assert result.sha is not None
        rec.details.update({"branch": branch, "sha": result.sha, "files": result.files})
        outcome = project_mod.validate_ref(
            self.client, ps.name, result.sha, data_tests=ps.data_tests, branch=branch
        )
        rec.details.update({"warnings": outcome.warnings, "data_tests": outcome.tests})
        content = self._branch_content(rec, branch) if self.cfg.validation.content else ""
        rec.status = APPLIED
        rec.message = (
            f"{branch} at {result.sha[:12]} valid ({len(outcome.warnings)} warning(s), "
            f"{len(outcome.tests)} data test(s) passed{content})"
        )

    def _branch_content(self, rec: StepRecord, branch: str) -> str:
        """Content validation against the branch: the block's content validated in the dev
        workspace (which has the branch checked out) compared with production. New errors fail
        (exit 1) listing dashboard, tile or filter, and field. Returns a note for the message."""
        fid = self.folder_id()
        if fid is None:
            rec.details["content"] = "no block folder on Looker yet: nothing to validate"
            return ", no block content to validate yet"
        production = content_mod.read_errors(self.client, fid, set())
        with self.client.workspace(dev=True):  # the branch validate_ref checked out
            on_branch = content_mod.read_errors(self.client, fid, set())
        new = content_mod.new_errors(production, on_branch)
        rec.details.update(
            {
                "errors_in_production": len(production),
                "errors_on_branch": len(on_branch),
                "new_errors": [e.as_dict() for e in new],
            }
        )
        if new:
            listing = "\n  ".join(e.line() for e in new[:50])
            more = f"\n  ... and {len(new) - 50} more" if len(new) > 50 else ""
            rec.message = f"{len(new)} new content error(s) on {branch}"
            raise ValidationFailed(
                f"content validation of {branch}: {len(new)} error(s) on the block's content that "
                f"production does not have:\n  {listing}{more}"
            )
        return f", no new content errors ({len(on_branch)} in total)"

    def step_cleanup(self, rec: StepRecord) -> None:
        """Delete the validation branch in Looker's dev workspace and on the remote (idempotent)."""
        branch = self._pr_branch(cleanup=True)
        ps = self.cfg.project
        done: list[str] = []
        if self.project_exists():
            with self.client.workspace(dev=True):
                current = self.client.get_or_none(self.client.sdk.git_branch, ps.name)
                if current is not None and current.name == branch:  # move off it first
                    self.client.sdk.update_git_branch(ps.name, m.WriteGitBranch(name=ps.deploy_branch))
                if self.client.get_or_none(self.client.sdk.find_git_branch, ps.name, branch) is not None:
                    self.client.sdk.delete_git_branch(ps.name, branch)
                    done.append("Looker dev workspace")
        if gitops.delete_branch(self._push_url(), branch, env=self.git_env):
            done.append("git remote")
        rec.status = APPLIED if done else UNCHANGED
        rec.message = f"{branch} deleted from " + " and ".join(done) if done else f"{branch} was already gone"

    def step_schedules(self, rec: StepRecord) -> None:
        run_schedules_hook(self, rec)


def run_schedules_hook(deployer: Deployer, rec: StepRecord) -> None:
    """The schedules step: ``apply_schedules`` (owned by the schedules module), called with this run's client, dry-run and prune settings, its changes put in the report."""
    cfg = deployer.cfg
    if not cfg.schedules:
        rec.status = SKIPPED
        rec.message = "no schedules file in the config"
        return
    from looker_ops.looker.schedules import apply_schedules

    result = apply_schedules(
        deployer.client,
        cfg,
        dashboards_dir=cfg.resolve(cfg.dashboards.dir),
        dry_run=deployer.opts.dry_run,
        prune=deployer.prune,
    )
    deployer._show(rec, list(result.changes))
    for line in (f"warning: {w}" for w in result.warnings):
        deployer.echo(f"      {line}")
    rec.details["schedules"] = result.as_dict()
    if rec.status == "pending":
        rec.status = APPLIED
    rec.message = f"{len(result.changes)} change(s), {len(result.unchanged)} unchanged"
