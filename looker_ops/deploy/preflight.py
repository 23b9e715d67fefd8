"""What the selected deploy steps need from the config, checked before the first call to
Looker or git: a run (a ``--dry-run`` too) that would fail half-way on bad input fails here,
having written nothing.

Checked: the connection's settings; a git remote for the steps that use one; the LookML and
dashboards folders; the deploy branch's name by git's own rules (``git check-ref-format
--branch``); and the ``project.models`` list against the LookML (each is a ``*.model.lkml``
file) and the dashboards (every model a dashboard element or filter uses is in the list); and, for the
``schedules`` and ``alerts`` steps, the schedules file's schedules and alerts, by the validators of
``schedules validate`` and ``alerts validate`` (:func:`looker_ops.config.delivery_file.check_delivery_file`):
dashboards, tiles, fields, filters and their values, crons, time zones, recipients, secrets.
Every problem is reported at once, each with the file, the key's line and the key.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from looker_ops.config.settings import Config, load_config, local_folder_problem
from looker_ops.deploy.context import STEP_NAMES
from looker_ops.errors import BadInput, problems_of
from looker_ops.gitops import branch_name_problem
from looker_ops.looker import connection as conn_mod
from looker_ops.looker import dashboards as dash_mod
from looker_ops.lookml.dashboards import load_dashboards

# Steps that push to or read the git remote, or give Looker the branch to follow.
GIT_STEPS = frozenset({"project", "lookml", "validate", "production", "branch", "cleanup"})
MODEL_SUFFIX = ".model.lkml"


def read_config(path: Path, steps: tuple[str, ...]) -> tuple[Config, list[str]]:
    """The config the steps read, and the problems found reading it. A problem that leaves the
    config readable (an unset ``${VAR}`` of a secret the connection step sends) does not stop
    the preflight: the config is read again without that secret, so :func:`check_config`
    reports it with every other problem at once. Any other problem is raised at once."""
    secrets = "connection" in steps  # the Athena secret is needed only by the step that sends it
    try:
        return load_config(path, secrets=secrets), []
    except BadInput as exc:
        if not secrets:
            raise
        try:
            cfg = load_config(path, secrets=False)
        except BadInput:
            raise exc from None
        return cfg, [p["message"] for p in problems_of(exc.message)]


def check_config(
    cfg: Config, steps: tuple[str, ...] = STEP_NAMES, *, earlier: Sequence[str] = (), looker: bool = False
) -> None:
    """What the selected steps need from the config, checked before any remote call. Raises
    one BadInput listing every problem: ``earlier`` (found reading the config,
    :func:`read_config`) first, then this check's, a key already named once left out; with
    ``looker``, the Looker API settings too (LOOKERSDK_* / looker.ini, as the client reads them)."""
    file = str(cfg.path or "looker-ops.yaml")
    problems = list(earlier)
    keys = {p["key"] for text in problems for p in problems_of(text) if p["key"]}
    for text in config_problems(cfg, steps):
        key = next(iter(problems_of(text)), {}).get("key")
        if key is None or key not in keys:
            problems.append(text)
    if looker:
        from looker_ops.looker.settings import client_settings

        try:
            client_settings(cfg.looker, base_dir=cfg.base_dir)
        except BadInput as exc:
            problems.extend(p["message"] for p in problems_of(exc.message))
    if len(problems) == 1:
        raise BadInput(problems[0])
    if problems:
        raise BadInput(
            f"{file}: {len(problems)} problems:\n  " + "\n  ".join(p.replace("\n", "\n  ") for p in problems)
        )


def config_problems(cfg: Config, steps: tuple[str, ...] = STEP_NAMES) -> list[str]:
    """Every problem of the config for the selected steps (:func:`check_config` raises them)."""
    file = str(cfg.path or "looker-ops.yaml")
    problems: list[str] = []
    if "connection" in steps:
        problems.extend(conn_mod.settings_problems(cfg.connection, file))
    where = _Where(cfg, file)
    ps = cfg.project
    lookml_dir = cfg.resolve(ps.lookml_dir)
    dash_dir = cfg.resolve(cfg.dashboards.dir)
    if GIT_STEPS & set(steps):
        if not ps.git_remote_url:
            problems.append(f"{where('project.git_remote_url')}: required (the git repository Looker pulls)")
        problem = branch_name_problem(ps.deploy_branch)
        if problem:
            problems.append(f"{where('project.deploy_branch')}: {problem}")
    delivery = bool(cfg.schedules and {"schedules", "alerts"} & set(steps))
    if {"lookml", "models"} & set(steps) and (problem := local_folder_problem(lookml_dir)):
        problems.append(f"{where('project.lookml_dir')}: {problem}")
    if "dashboards" in steps and (problem := local_folder_problem(dash_dir)):
        problems.append(f"{where('dashboards.dir')}: {problem}")
    if "dashboards" in steps and not dash_mod.folder_path(cfg.dashboards.folder):
        problems.append(f"{where('dashboards.folder')}: a folder path under Shared is required")
    if "models" in steps and lookml_dir.is_dir():
        problems.extend(_model_problems(cfg, lookml_dir, where("project.models")))
    if delivery:
        # A folder the schedules file's check finds missing is named by its key, once.
        keyed = {f"{d}: ": k for d, k in ((lookml_dir, "project.lookml_dir"), (dash_dir, "dashboards.dir"))}
        for text in _delivery_problems(cfg, lookml_dir, steps):
            key = next((k for prefix, k in keyed.items() if text.startswith(prefix)), None)
            if key is not None:
                d = lookml_dir if key == "project.lookml_dir" else dash_dir
                text = f"{where(key)}: {local_folder_problem(d) or text}"
            if text not in problems:
                problems.append(text)
    return problems


def _delivery_problems(cfg: Config, lookml_dir: Path, steps: tuple[str, ...]) -> list[str]:
    """The schedules file checked as ``schedules validate`` and ``alerts validate`` check it (the
    parts the selected steps apply): each problem names the file, line and key."""
    from looker_ops.config.delivery_file import check_delivery_file

    assert cfg.schedules  # the caller checked
    return check_delivery_file(
        cfg.resolve(cfg.schedules),
        cfg.resolve(cfg.dashboards.dir),
        lookml_dir,
        schedules="schedules" in steps,
        alerts="alerts" in steps,
    ).problems


def lookml_models(lookml_dir: Path) -> list[str]:
    """The models a LookML project defines: its ``*.model.lkml`` files, by name."""
    return sorted(p.name.removesuffix(MODEL_SUFFIX) for p in lookml_dir.rglob(f"*{MODEL_SUFFIX}"))


def _model_problems(cfg: Config, lookml_dir: Path, where: str) -> list[str]:
    """``project.models`` against the LookML (each must exist) and the dashboards (each model
    they use must be listed, or its tiles would break once deployed)."""
    problems: list[str] = []
    defined = lookml_models(lookml_dir)
    models = cfg.project.models
    for name in models:
        if name not in defined:
            problems.append(
                f"{where}: {name!r}: no {name}{MODEL_SUFFIX} in {lookml_dir} "
                f"(models there: {', '.join(defined) or 'none'})"
            )
    dash_dir = cfg.resolve(cfg.dashboards.dir)
    if not dash_dir.is_dir():
        return problems
    dashboards, _, _ = load_dashboards(sorted(dash_dir.glob(f"*{dash_mod.SUFFIX}")), str)
    used: dict[str, str] = {}  # model -> first file:line using it
    for d in dashboards:
        uses = [(e.model, e.line) for e in d.elements] + [(f.model, f.line) for f in d.filters]
        for model, line in uses:
            if model and model not in used:
                used[model] = f"{d.file}:{line}"
    for name, first in sorted(used.items()):
        if name not in models:
            problems.append(
                f"{where}: model {name!r} is used by the dashboards ({first}) but not listed: "
                "add it, or Looker will not let its tiles use the connection"
            )
    return problems


class _Where:
    """``file:line: key`` for a key path of the config (the line when the key is in the file)."""

    def __init__(self, cfg: Config, file: str) -> None:
        self.file = file
        self.root: yaml.Node | None = None
        if cfg.path is not None and cfg.path.is_file():
            try:
                self.root = yaml.compose(cfg.path.read_text(encoding="utf-8"))
            except (yaml.YAMLError, OSError, UnicodeDecodeError):
                self.root = None  # the config was read already; without lines then

    def __call__(self, key: str) -> str:
        node = self.root
        for part in key.split("."):
            if not isinstance(node, yaml.MappingNode):
                return f"{self.file}: {key}"
            node = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
        if node is None:
            return f"{self.file}: {key}"
        return f"{self.file}:{node.start_mark.line + 1}: {key}"
