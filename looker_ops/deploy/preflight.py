"""What the selected deploy steps need from the config, checked before the first call to
Looker or git: a run that would fail half-way on bad input fails here, having written nothing.
"""

from __future__ import annotations

from looker_ops.config.settings import Config
from looker_ops.deploy.context import STEP_NAMES
from looker_ops.errors import BadInput
from looker_ops.looker import connection as conn_mod
from looker_ops.looker import dashboards as dash_mod


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
