"""What every deploy step shares: the steps' names, the options, the state steps hand to later
ones, and the reads several steps need (each made once per run).

:class:`StepBase` is the base of the step classes (:mod:`~looker_ops.deploy.setup_steps`,
:mod:`~looker_ops.deploy.release_steps`, :mod:`~looker_ops.deploy.branch_steps`), which
:class:`looker_ops.deploy.pipeline.Deployer` combines and runs in order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from looker_ops import gitops
from looker_ops.config.settings import Config
from looker_ops.deploy.report import PLANNED, UNCHANGED, Report, StepRecord
from looker_ops.errors import BadInput
from looker_ops.looker import content as content_mod
from looker_ops.looker import dashboards as dash_mod
from looker_ops.looker import project as project_mod
from looker_ops.looker.changes import Change

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

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
    ("alerts", "alerts on dashboard tiles"),
)
STEP_NAMES = tuple(name for name, _ in STEPS)
# Steps that are not part of `deploy`: pull-request validation on a branch of its own.
EXTRA_STEPS: tuple[tuple[str, str], ...] = (
    ("branch", "validate a branch on Looker"),
    ("cleanup", "delete a validation branch"),
)
# The steps that never call Looker (`lookml push` needs only git): no client is built for them.
GIT_ONLY_STEPS = frozenset({"lookml"})


@dataclass
class Options:
    """What the command line chose for this run."""

    dry_run: bool = False
    prune: bool | None = None  # None: the config's dashboards.prune
    rollback: bool | None = None  # None: the config's validation.rollback
    force_dashboards: bool = False
    resend_secrets: bool = False  # send the connection's password even when it looks unchanged
    steps: tuple[str, ...] = STEP_NAMES  # which steps to run (step commands select one)
    branch: str | None = None  # the branch of the `branch` / `cleanup` steps


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


class StepBase:
    """The run's config, client, options, state and report, and the reads steps share."""

    def __init__(
        self,
        cfg: Config,
        client: LookerClient | None,
        options: Options | None = None,
        *,
        echo: Callable[[str], None] | None = None,
        git_env: Mapping[str, str] | None = None,
        command: str = "deploy",
    ) -> None:
        self.cfg = cfg
        self.looker = client
        self.opts = options or Options()
        self.echo = echo or (lambda line: None)
        self.git_env = git_env
        self.state = DeployState()
        self.report = Report(command=command, dry_run=self.opts.dry_run)
        self.prune = cfg.dashboards.prune if self.opts.prune is None else self.opts.prune
        self.rollback = cfg.validation.rollback if self.opts.rollback is None else self.opts.rollback
        self._local_dashboards: list[dash_mod.LocalDashboard] | None = None

    @property
    def client(self) -> LookerClient:
        """The Looker client; a run of git-only steps (:data:`GIT_ONLY_STEPS`) has none."""
        if self.looker is None:
            raise RuntimeError(f"steps {', '.join(self.opts.steps)}: no Looker client was given")
        return self.looker

    def calls(self) -> dict[str, int]:
        """Looker calls made so far (reads, writes, retries); none without a client."""
        counter = getattr(self.looker, "counter", None)
        if counter is None:
            return {}
        return {"reads": counter.reads, "writes": counter.writes, "retries": counter.retries}

    def show(self, rec: StepRecord, changes: list[Change]) -> bool:
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

    def read_remote(self) -> str | None:
        """Read the deploy branch head and the validated marker from the remote; the head."""
        head, marker = gitops.remote_state(self.push_url(), self.cfg.project.deploy_branch, env=self.git_env)
        self.state.marker = marker
        self.state.validated = marker.commit if marker else None
        self.state.validated_read = True
        return head

    def target_sha(self) -> str | None:
        """The commit to deploy: from the lookml step, else the deploy branch head."""
        if self.state.sha is None and not self.state.sha_is_new:
            self.state.sha = self.read_remote()
            if self.state.sha is None:
                raise BadInput(
                    f"branch {self.cfg.project.deploy_branch} does not exist on the project's remote: "
                    "push the LookML first (looker-ops lookml push)"
                )
        return self.state.sha

    def push_url(self) -> str:
        return self.cfg.project.git_push_url or self.cfg.project.git_remote_url

    def validated_marker(self) -> str | None:
        if not self.state.validated_read:
            self.read_remote()
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

    def content_checked(self) -> bool:
        """Content validation runs after this deploy's changes (not the `validate content` command)."""
        return (
            self.cfg.validation.content and "content" in self.opts.steps and self.opts.steps != ("content",)
        )

    def step_planned(self, name: str) -> bool:
        """The step ``name`` has planned changes in this (dry) run."""
        return any(s.name == name and s.status == PLANNED for s in self.report.steps)
