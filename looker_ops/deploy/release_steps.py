"""Deploy steps 5-9: validate the pushed commit, move production to it, import the dashboards,
compare content validation before and after (rolling back new errors), and the schedules.

After content validation passes (or its failure is accepted with --no-rollback), the state is
recorded on the git remote as ``refs/looker-ops/validated/<branch>`` (see the pipeline's doc).
"""

from __future__ import annotations

from looker_ops import gitops
from looker_ops.deploy.context import StepBase
from looker_ops.deploy.report import APPLIED, PENDING, PLANNED, SKIPPED, UNCHANGED, StepRecord
from looker_ops.errors import LookerOpsError, ValidationFailed
from looker_ops.looker import content as content_mod
from looker_ops.looker import dashboards as dash_mod
from looker_ops.looker import project as project_mod
from looker_ops.looker.changes import Change, FieldDiff


class ReleaseSteps(StepBase):
    """The steps that put a pushed commit and the dashboards into production, safely."""

    def _deploy_needed(self, rec: StepRecord) -> str | None:
        """The sha to validate/deploy, or None (with the step marked) when production has it."""
        sha = self.target_sha()
        prod = self.production_ref()
        rec.details.update({"ref": sha, "production_ref": prod})
        if sha is not None and prod == sha and self.opts.steps != ("validate",):
            rec.status = SKIPPED
            rec.message = f"production already serves {sha[:12]}"
            if rec.name == "production" and self.content_checked() and self.validated_marker() != sha:
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
        if not self.show(rec, [change]):
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
        if self.content_checked():
            self._find_unvalidated_dashboards(rec, changes)
        if not self.show(rec, changes):
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
            gitops.marker_dashboards(self.push_url(), self.cfg.project.deploy_branch, env=self.git_env)
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
            if self.opts.dry_run and (self.step_planned("production") or self.step_planned("dashboards")):
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
            self.push_url(), self.cfg.project.deploy_branch, sha, env=self.git_env, dashboards=digests
        )
        self.state.validated = sha
        self.state.marker = gitops.Marker(gitops.marker_object_id(sha, digests, len(sha)), sha)
        rec.details["validated_marker"] = sha

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

    def step_schedules(self, rec: StepRecord) -> None:
        """The schedules file applied with this run's client, dry-run and prune settings."""
        if not self.cfg.schedules:
            rec.status = SKIPPED
            rec.message = "no schedules file in the config"
            return
        from looker_ops.schedules.apply import apply_schedules

        result = apply_schedules(
            self.client,
            self.cfg,
            dashboards_dir=self.cfg.resolve(self.cfg.dashboards.dir),
            dry_run=self.opts.dry_run,
            prune=self.prune,
        )
        self.show(rec, list(result.changes))
        for line in (f"warning: {w}" for w in result.warnings):
            self.echo(f"      {line}")
        rec.details["schedules"] = result.as_dict()
        if rec.status == PENDING:
            rec.status = APPLIED
        rec.message = f"{len(result.changes)} change(s), {len(result.unchanged)} unchanged"

    def step_alerts(self, rec: StepRecord) -> None:
        """The schedules file's alerts, after the dashboards (re-imports give tiles new ids)."""
        from looker_ops.deploy.alerts_step import run_alerts_step

        run_alerts_step(self, rec)
