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
9. schedules    the schedules file (:func:`looker_ops.schedules.apply.apply_schedules`)
10. alerts      the schedules file's `alerts:` (:mod:`looker_ops.deploy.alerts_step`): every managed
                alert back on its tile after a re-import, none left on a deleted element

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

Where the pieces are: :mod:`~looker_ops.deploy.context` (step names, options, the state steps
hand on, shared reads), :mod:`~looker_ops.deploy.setup_steps` (steps 1-4),
:mod:`~looker_ops.deploy.release_steps` (steps 5-9), :mod:`~looker_ops.deploy.branch_steps`
(`validate branch` / `cleanup`), :mod:`~looker_ops.deploy.preflight` (the config checked before
any call) and :mod:`~looker_ops.deploy.report` (the report and its renderings). A new step is
a ``step_<name>`` method on one of the step classes plus its entry in ``STEPS``; see
docs/extending.md.
"""

from __future__ import annotations

import time

from looker_ops import clock
from looker_ops.deploy.branch_steps import BranchSteps
from looker_ops.deploy.context import EXTRA_STEPS, GIT_ONLY_STEPS, STEP_NAMES, STEPS, Options
from looker_ops.deploy.preflight import check_config
from looker_ops.deploy.release_steps import ReleaseSteps
from looker_ops.deploy.report import FAILED, PENDING, SKIPPED, Report, StepRecord
from looker_ops.deploy.setup_steps import SetupSteps
from looker_ops.errors import BadInput, LookerOpsError

__all__ = ["EXTRA_STEPS", "GIT_ONLY_STEPS", "STEPS", "STEP_NAMES", "Deployer", "Options", "check_config"]


class Deployer(SetupSteps, ReleaseSteps, BranchSteps):
    """Runs the selected steps against one Looker client; see the module doc."""

    def run(self) -> Report:
        """Run the selected steps in order, recording each in the report; the report.

        Whatever stops a step (bad input, a remote failure, Ctrl-C) marks it failed and the
        steps after it skipped before it propagates, so the report says where the run stopped.
        """
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
                self._run_step(rec)
                self.echo(
                    f"      {rec.status}"
                    + (f": {rec.message}" if rec.message else "")
                    + f" ({rec.duration_s:.1f} s)"
                )
        except BaseException as exc:
            self._record_failure(exc)
            raise
        finally:
            self.report.duration_s = time.monotonic() - t0
            self.report.calls = self.calls()
        self.echo(
            f"done in {self.report.duration_s:.1f} s; Looker calls: {self.report.calls.get('reads', 0)} reads, "
            f"{self.report.calls.get('writes', 0)} writes"
        )
        return self.report

    def _run_step(self, rec: StepRecord) -> None:
        """One step: its method, its time and its Looker calls recorded; failed if it raises."""
        before = self.calls()
        s0 = time.monotonic()
        try:
            getattr(self, f"step_{rec.name}")(rec)
        except BaseException as exc:  # the report must say where it stopped, whatever stopped it
            rec.status = FAILED
            rec.message = rec.message or (exc.message if isinstance(exc, LookerOpsError) else repr(exc))
            raise
        finally:
            rec.duration_s = time.monotonic() - s0
            after = self.calls()
            rec.calls = {k: after[k] - before.get(k, 0) for k in after}

    def _record_failure(self, exc: BaseException) -> None:
        """The run failed: its exit code and error in the report, the steps not run skipped."""
        self.report.status = "failed"
        if isinstance(exc, LookerOpsError):
            self.report.exit_code, self.report.error = exc.exit_code, exc.message
        else:  # interrupted (Ctrl-C, SIGTERM) or a bug: still a report of what was done
            self.report.exit_code = 130 if isinstance(exc, KeyboardInterrupt) else 1
            self.report.error = repr(exc)
        for rec in self.report.steps:
            if rec.status == PENDING:
                rec.status = SKIPPED
                rec.message = "not run: an earlier step failed"
