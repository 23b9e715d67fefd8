"""Shared set-up of the deploy tests: a copy of the test block, a bare git remote, a config."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from looker_ops.config.settings import Config, load_config
from looker_ops.deploy.pipeline import Deployer, Options
from looker_ops.deploy.report import Report
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.gitremote import GitRemote

BLOCK = Path(__file__).resolve().parent / "block"
ENV = {
    "LOOKER_ATHENA_ACCESS_KEY_ID": "AKIATESTKEY0000001",
    "LOOKER_ATHENA_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/TEST/SecretAccessKey0001",
}

CONFIG = """\
connection:
  name: athena_ct
  region: eu-west-1
  database: cloudtrail
  workgroup: primary
  s3_staging_dir: s3://acme-athena-results/looker/
  aws_access_key_id: ${{LOOKER_ATHENA_ACCESS_KEY_ID}}
  aws_secret_access_key: ${{LOOKER_ATHENA_SECRET_ACCESS_KEY}}
project:
  name: cloudtrail_block
  git_remote_url: {remote}
{push}  deploy_branch: main
  models: [cloudtrail]
dashboards:
  folder: Security/CloudTrail
validation:
  content: true
  rollback: true
"""


@dataclass
class Block:
    root: Path
    config_path: Path
    remote: GitRemote
    lines: list[str] = field(default_factory=list)

    @property
    def lookml(self) -> Path:
        return self.root / "lookml_project"

    @property
    def dashboards(self) -> Path:
        return self.root / "dashboards"

    def config(self) -> Config:
        return load_config(self.config_path, env=ENV)

    def deployer(self, client: Any, **opts: Any) -> Deployer:
        return Deployer(self.config(), client, Options(**opts), echo=self.lines.append)

    def deploy(self, client: Any, **opts: Any) -> Report:
        return self.deployer(client, **opts).run()

    def edit(self, rel: str, old: str, new: str) -> None:
        p = self.root / rel
        text = p.read_text()
        assert old in text, f"{old!r} not in {rel}"
        p.write_text(text.replace(old, new))


def make_block(tmp_path: Path, *, remote_url: str | None = None, push_url: str | None = None) -> Block:
    root = tmp_path / "block"
    shutil.copytree(BLOCK, root)
    remote = GitRemote.create(tmp_path / "remote.git")
    push = f"  git_push_url: {push_url}\n" if push_url else ""
    cfg = root / "looker-ops.yaml"
    cfg.write_text(CONFIG.format(remote=remote_url or remote.url, push=push))
    return Block(root, cfg, remote)


def folder_ids(fake: FakeLooker, name: str) -> list[str]:
    return [f["id"] for f in fake.table("folders").values() if f["name"] == name]


def live_dashboards(fake: FakeLooker) -> list[dict[str, Any]]:
    return [d for d in fake.table("dashboards").values() if not d.get("deleted")]


def production_ref(fake: FakeLooker, project: str = "cloudtrail_block") -> str | None:
    st = fake.table("project_state").get(project)
    return None if st is None else st["production_ref"]


def end_state(fake: FakeLooker) -> dict[str, Any]:
    """What a converged install looks like, for comparing runs (ids left out)."""
    return {
        "connections": sorted(fake.table("connections")),
        "projects": sorted(fake.table("projects")),
        "models": {
            k: sorted(v.get("allowed_db_connection_names") or [])
            for k, v in fake.table("lookml_models").items()
        },
        "folders": sorted(
            (f["name"], f.get("parent_id") is not None) for f in fake.table("folders").values()
        ),
        "dashboards": sorted((d.get("slug"), d.get("title")) for d in live_dashboards(fake)),
        "production": production_ref(fake),
    }
