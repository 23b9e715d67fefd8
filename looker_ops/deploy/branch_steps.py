"""Pull-request validation on a branch of its own (``validate branch`` / ``validate cleanup``):
the LookML pushed to that branch and validated in the dev workspace; production never touched."""

from __future__ import annotations

from looker_sdk.sdk.api40 import models as m

from looker_ops import gitops
from looker_ops.deploy.context import StepBase
from looker_ops.deploy.report import APPLIED, UNCHANGED, StepRecord
from looker_ops.errors import BadInput, ValidationFailed
from looker_ops.gitops import branch_name_problem
from looker_ops.looker import content as content_mod
from looker_ops.looker import project as project_mod


class BranchSteps(StepBase):
    """The `branch` and `cleanup` steps (not part of `deploy`)."""

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
        problem = branch_name_problem(branch)
        if problem:
            raise BadInput(f"--branch: {problem}")
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
            self.push_url(),
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
        if gitops.delete_branch(self.push_url(), branch, env=self.git_env):
            done.append("git remote")
        rec.status = APPLIED if done else UNCHANGED
        rec.message = f"{branch} deleted from " + " and ".join(done) if done else f"{branch} was already gone"
