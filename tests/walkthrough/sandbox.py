"""A new admin's working folder: a copy of the repository's block, a bare git repository standing
in for GitHub, the stateful fake Looker, and the environment a user (or CI) sets.

Used by tests/test_walkthrough.py and tests/test_readme_commands.py. Commands run in-process
through click's CliRunner with the sandbox as the current directory.

The ssh remote ``git@github.com:acme/looker-cloudtrail.git`` is real to everyone in the sandbox:
the fake Looker maps it to the bare repository (``fake.add_git_remote``), and git itself is told
through ``url.<bare>.insteadOf`` (environment ``GIT_CONFIG_*``) so looker-ops' pushes land there.
"""

from __future__ import annotations

import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from looker_ops.cli import main
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.gitremote import GitRemote

ROOT = Path(__file__).resolve().parents[2]
SSH_REMOTE = "git@github.com:acme/looker-cloudtrail.git"
AWS_KEY_ID = "AKIAWALKTHROUGH00001"
AWS_SECRET = "wJalrXUtnFEMI/WALKTHROUGH/Secret0001"
GIT_SSH_KEY = (
    "-----BEGIN OPENSSH PRIVATE KEY-----\nd2Fsa3Rocm91Z2gtb25seQ==\n-----END OPENSSH PRIVATE KEY-----"
)
SECRETS = (AWS_SECRET, GIT_SSH_KEY.splitlines()[1])


@dataclass
class Sandbox:
    root: Path
    fake: FakeLooker
    remote: GitRemote
    results: list[tuple[str, Result]] = field(default_factory=list)
    notes: dict[str, Any] = field(default_factory=dict)  # what a test keeps between steps

    @classmethod
    def create(cls, tmp_path: Path, fake: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> Sandbox:
        root = tmp_path / "repo"
        root.mkdir()
        for name in ("lookml_project", "dashboards", "deploy"):
            shutil.copytree(ROOT / name, root / name)
        remote = GitRemote.create(tmp_path / "looker-cloudtrail.git")
        fake.add_git_remote(SSH_REMOTE, remote)
        env = {
            "LOOKERSDK_BASE_URL": fake.base_url,
            "LOOKERSDK_CLIENT_ID": fake.client_id,
            "LOOKERSDK_CLIENT_SECRET": fake.client_secret,
            "LOOKER_ATHENA_ACCESS_KEY_ID": AWS_KEY_ID,
            "LOOKER_ATHENA_SECRET_ACCESS_KEY": AWS_SECRET,
            "LOOKER_OPS_GIT_REMOTE": SSH_REMOTE,
            "LOOKER_OPS_GIT_SSH_KEY": GIT_SSH_KEY,
            "LOOKER_OPS_CACHE_DIR": str(tmp_path / "cache"),
            "GIT_CONFIG_COUNT": "1",
            "GIT_CONFIG_KEY_0": f"url.{remote.path}.insteadOf",
            "GIT_CONFIG_VALUE_0": SSH_REMOTE,
        }
        for key in ("LOOKERSDK_VERIFY_SSL", "LOOKERSDK_TIMEOUT", "GITHUB_STEP_SUMMARY", "AWS_PROFILE"):
            monkeypatch.delenv(key, raising=False)
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.chdir(root)
        return cls(root, fake, remote)

    def run(self, command: str | list[str]) -> Result:
        """Run ``looker-ops ...`` (a shell-quoted line or an argv) in the sandbox."""
        argv = shlex.split(command) if isinstance(command, str) else list(command)
        assert argv and argv[0] == "looker-ops", argv
        result = CliRunner().invoke(main, argv[1:], catch_exceptions=True)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        text = result.output
        for secret in SECRETS:
            assert secret not in text, f"a secret was printed by {command!r}"
        self.results.append((" ".join(argv), result))
        return result

    def register_deploy_keys(self) -> list[str]:
        """What the admin does on GitHub: add Looker's deploy key(s) to the repository."""
        keys = {
            str(s["deploy_key"]) for s in self.fake.table("project_state").values() if s.get("deploy_key")
        }
        self.fake.options["registered_deploy_keys"] = keys
        return sorted(keys)

    # ---------------------------------------------------------------- state of the fake

    def live_dashboards(self) -> list[dict[str, Any]]:
        return [d for d in self.fake.table("dashboards").values() if not d.get("deleted")]

    def folder_path(self, folder_id: str) -> str:
        folders = self.fake.table("folders")
        names: list[str] = []
        cur: Any = folders.get(str(folder_id))
        while cur is not None:
            names.append(str(cur["name"]))
            parent = cur.get("parent_id")
            cur = folders.get(str(parent)) if parent is not None else None
        return "/".join(reversed(names))

    def production_ref(self, project: str = "cloudtrail_block") -> str | None:
        state = self.fake.table("project_state").get(project)
        return None if state is None else state.get("production_ref")

    def plans(self) -> dict[str, dict[str, Any]]:
        """Scheduled plans by name (run-once sends excluded)."""
        return {
            str(p["name"]): p for p in self.fake.table("scheduled_plans").values() if not p.get("run_once")
        }


def write_geolite_files(folder: Path) -> None:
    """Small, clean files in MaxMind's GeoLite2 City CSV format, named as MaxMind names them."""
    blocks_header = (
        "network,geoname_id,registered_country_geoname_id,represented_country_geoname_id,"
        "is_anonymous_proxy,is_satellite_provider,postal_code,latitude,longitude,accuracy_radius\n"
    )
    (folder / "GeoLite2-City-Blocks-IPv4.csv").write_text(
        blocks_header
        + "203.0.113.0/24,2925533,2921044,,0,0,60311,50.1109,8.6821,10\n"
        + "198.51.100.0/24,5809844,6252001,,0,0,98101,47.6062,-122.3321,20\n"
    )
    (folder / "GeoLite2-City-Blocks-IPv6.csv").write_text(
        blocks_header + "2001:db8::/32,2925533,2921044,,0,0,60311,50.1109,8.6821,100\n"
    )
    (folder / "GeoLite2-City-Locations-en.csv").write_text(
        "geoname_id,locale_code,continent_code,continent_name,country_iso_code,country_name,"
        "subdivision_1_iso_code,subdivision_1_name,subdivision_2_iso_code,subdivision_2_name,"
        "city_name,metro_code,time_zone,is_in_european_union\n"
        '5809844,en,NA,"North America",US,"United States",WA,Washington,,,Seattle,819,America/Los_Angeles,0\n'
        '2925533,en,EU,Europe,DE,Germany,HE,Hesse,,,"Frankfurt am Main",,Europe/Berlin,1\n'
    )
