"""Deploy steps 1-4: the Athena connection, the LookML project, the LookML pushed to git, the
model configuration. Each step plans, prints (``show``), applies and verifies."""

from __future__ import annotations

import os
from typing import Any

from looker_ops import gitops
from looker_ops.deploy.context import StepBase
from looker_ops.deploy.report import APPLIED, StepRecord
from looker_ops.errors import LookerOpsError, RemoteError
from looker_ops.looker import connection as conn_mod
from looker_ops.looker import models as models_mod
from looker_ops.looker import project as project_mod
from looker_ops.looker.changes import SECRET, Change, FieldDiff


class SetupSteps(StepBase):
    """The steps that set Looker up to serve the block's LookML."""

    def step_connection(self, rec: StepRecord) -> None:
        cs = self.cfg.connection
        for secret in (cs.aws_access_key_id, cs.aws_secret_access_key):
            if secret is not None:
                self.client.redactor.add(secret.reveal())
        want = conn_mod.desired(cs)
        current = conn_mod.read(self.client, cs.name)
        sent = False
        if self.show(rec, conn_mod.plan(want, current, resend_password=self.opts.resend_secrets)):
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
            head = self.read_remote()
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
            self.show(rec, [])
            self._check_git(rec, current)
            return
        with self.client.workspace(dev=True):
            current = current or self.client.get_or_none(self.client.sdk.project, ps.name)
            self.state.project_exists = current is not None
            if self.show(rec, project_mod.plan(want, current)):
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
        if not self.show(rec, changes):
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
        if not self.show(rec, models_mod.plan(want, current)):
            return
        models_mod.apply(self.client, rec.changes)
        left = models_mod.plan(want, models_mod.read(self.client, ps.models))
        if left:
            raise LookerOpsError(f"model {left[0].name}: still differs after apply: {left[0].line()}")
        rec.status = APPLIED
        rec.message = (
            f"{', '.join(c.name for c in rec.changes)}: may use connection {self.cfg.connection.name}"
        )
