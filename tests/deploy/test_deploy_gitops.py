"""LookML to git: a commit holding exactly the LookML folder, constants set, pushed to a bare repo."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from looker_ops import gitops
from looker_ops.errors import EXIT_BAD_INPUT, EXIT_REMOTE, BadInput, RemoteError

MANIFEST = """project_name: "cloudtrail_block"

constant: CONNECTION_NAME {
  value: "athena_cloudtrail"
  export: override_optional
}

constant: CLOUDTRAIL_TABLE {
  value: "cloudtrail_logs"
  export: override_optional
}
"""


def git(repo: Path, *args: str) -> str:
    out = subprocess.run(["git", "--git-dir", str(repo), *args], capture_output=True, text=True, check=True)
    return out.stdout.strip()


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    repo = tmp_path / "remote.git"
    subprocess.run(["git", "init", "--quiet", "--bare", str(repo)], check=True)
    return repo


@pytest.fixture
def lookml(tmp_path: Path) -> Path:
    src = tmp_path / "lookml_project"
    (src / "views").mkdir(parents=True)
    (src / "manifest.lkml").write_text(MANIFEST)
    (src / "cloudtrail.model.lkml").write_text('connection: "@{CONNECTION_NAME}"\n')
    (src / "views" / "events.view.lkml").write_text("view: events {}\n")
    return src


CONSTANTS = {"CONNECTION_NAME": "athena_prod", "CLOUDTRAIL_TABLE": "org_trail"}


def test_first_push_holds_exactly_the_folder_with_constants_set(remote: Path, lookml: Path) -> None:
    r = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert r.pushed and r.changed and r.previous is None
    assert git(remote, "rev-parse", "refs/heads/main") == r.sha
    files = git(remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert sorted(files) == ["cloudtrail.model.lkml", "manifest.lkml", "views/events.view.lkml"]
    manifest = git(remote, "show", "main:manifest.lkml")
    assert 'value: "athena_prod"' in manifest and 'value: "org_trail"' in manifest
    assert "export: override_optional" in manifest  # the rest of the manifest is kept
    # the working copy is not modified
    assert 'value: "athena_cloudtrail"' in (lookml / "manifest.lkml").read_text()


def test_unchanged_content_makes_no_new_commit(remote: Path, lookml: Path) -> None:
    first = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    again = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert again.sha == first.sha and not again.changed and not again.pushed
    assert git(remote, "rev-list", "--count", "main") == "1"


def test_a_change_makes_one_commit_on_top_and_removed_files_go(remote: Path, lookml: Path) -> None:
    first = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    (lookml / "views" / "events.view.lkml").unlink()
    (lookml / "views" / "users.view.lkml").write_text("view: users {}\n")
    second = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert second.pushed and second.previous == first.sha
    assert git(remote, "rev-parse", "main^") == first.sha
    assert sorted(second.files) == ["A views/users.view.lkml", "D views/events.view.lkml"]
    files = git(remote, "ls-tree", "-r", "--name-only", "main").splitlines()
    assert "views/events.view.lkml" not in files and "views/users.view.lkml" in files


def test_files_added_on_the_remote_by_hand_are_removed(remote: Path, lookml: Path, tmp_path: Path) -> None:
    gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "--quiet", "-b", "main", str(remote), str(clone)], check=True)
    (clone / "README.md").write_text("hand edit\n")
    env = ["-c", "user.name=t", "-c", "user.email=t@t"]
    subprocess.run(["git", "-C", str(clone), "add", "README.md"], check=True)
    subprocess.run(["git", "-C", str(clone), *env, "commit", "-qm", "hand"], check=True)
    subprocess.run(["git", "-C", str(clone), "push", "-q", "origin", "HEAD:main"], check=True)
    r = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert r.pushed and r.files == ["D README.md"]
    assert "README.md" not in git(remote, "ls-tree", "--name-only", "main").splitlines()


def test_dry_run_pushes_nothing(remote: Path, lookml: Path) -> None:
    r = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS, dry_run=True)
    assert r.changed and not r.pushed and r.sha is None
    assert "A manifest.lkml" in r.files
    assert git(remote, "for-each-ref") == ""


def test_remote_head(remote: Path, lookml: Path) -> None:
    assert gitops.remote_head(str(remote), "main") is None
    r = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert gitops.remote_head(str(remote), "main") == r.sha


def test_credentials_in_the_url_never_reach_a_command_line(
    remote: Path, lookml: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[list[str]] = []
    real = subprocess.run

    def spy(cmd: list[str], *a: Any, **kw: Any) -> Any:
        seen.append(list(cmd))
        return real(cmd, *a, **kw)

    monkeypatch.setattr(gitops.subprocess, "run", spy)
    url = f"file://user:hunter2token@localhost{remote}"
    r = gitops.build_and_push(lookml, url, "main", CONSTANTS)
    assert r.pushed and git(remote, "rev-parse", "main") == r.sha
    bad = f"file://user:hunter2token@localhost{remote}-missing"
    with pytest.raises(RemoteError) as exc:
        gitops.build_and_push(lookml, bad, "main", CONSTANTS)
    assert exc.value.exit_code == EXIT_REMOTE
    assert "hunter2token" not in str(exc.value) and "***@" in str(exc.value)
    assert len(seen) > 5 and all("hunter2token" not in " ".join(cmd) for cmd in seen)


def test_redact_url() -> None:
    assert gitops.redact_url("https://bot:tok@github.com/a/b.git") == "https://***@github.com/a/b.git"
    assert gitops.redact_url("git@github.com:a/b.git") == "git@github.com:a/b.git"


def test_unknown_constant_is_bad_input_naming_it(remote: Path, lookml: Path) -> None:
    with pytest.raises(BadInput) as exc:
        gitops.build_and_push(lookml, str(remote), "main", {"GEOIP_TABLE": "geo"})
    assert exc.value.exit_code == EXIT_BAD_INPUT
    assert "GEOIP_TABLE" in str(exc.value) and "manifest.lkml" in str(exc.value)


def test_unreachable_remote_is_a_remote_error(lookml: Path, tmp_path: Path) -> None:
    with pytest.raises(RemoteError) as exc:
        gitops.build_and_push(lookml, str(tmp_path / "nope.git"), "main", CONSTANTS)
    assert "nope.git" in str(exc.value) and exc.value.exit_code == EXIT_REMOTE


def test_set_manifest_constants_keeps_everything_else() -> None:
    out = gitops.set_manifest_constants(MANIFEST, {"CLOUDTRAIL_TABLE": "t2"})
    assert out == MANIFEST.replace('value: "cloudtrail_logs"', 'value: "t2"')
    with pytest.raises(BadInput):
        gitops.set_manifest_constants(MANIFEST, {"CONNECTION_NAME": 'a"b'})


def test_validated_marker(remote: Path, lookml: Path) -> None:
    first = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert first.validated is None and gitops.remote_refs(str(remote), "main") == (first.sha, None)
    assert first.sha is not None
    gitops.mark_validated(str(remote), "main", first.sha)
    (lookml / "views" / "users.view.lkml").write_text("view: users {}\n")
    second = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert second.validated == first.sha
    # marking an older commit (a rollback target that is no longer the head) works too
    assert second.sha is not None
    gitops.mark_validated(str(remote), "main", second.sha)
    gitops.mark_validated(str(remote), "main", first.sha)
    assert git(remote, "rev-parse", "refs/looker-ops/validated/main^{commit}") == first.sha
    assert git(remote, "rev-parse", "main") == second.sha  # the branch is not touched


def test_the_marker_is_a_tag_carrying_the_dashboards_digests(remote: Path, lookml: Path) -> None:
    first = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert first.sha is not None
    digests = {"ct-b": "b" * 64, "ct-a": "a" * 64}
    gitops.mark_validated(str(remote), "main", first.sha, dashboards=digests)
    assert git(remote, "cat-file", "-t", "refs/looker-ops/validated/main") == "tag"
    assert gitops.marker_dashboards(str(remote), "main") == digests
    head, marker = gitops.remote_state(str(remote), "main")
    assert head == first.sha and marker is not None and marker.commit == first.sha
    # its id is computed without fetching it: same commit and digests match, anything else not
    assert marker.id == git(remote, "rev-parse", "refs/looker-ops/validated/main")
    assert marker.matches(first.sha, dict(reversed(list(digests.items()))))
    assert not marker.matches(first.sha, {**digests, "ct-a": "c" * 64})
    assert not marker.matches(first.sha, {"ct-a": "a" * 64})
    (lookml / "views" / "users.view.lkml").write_text("view: users {}\n")
    second = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert second.validated == first.sha and second.marker == marker
    assert not marker.matches(second.sha, digests)


def test_a_marker_on_a_bare_commit_has_no_digests(remote: Path, lookml: Path) -> None:
    assert gitops.marker_dashboards(str(remote), "main") is None  # no marker at all
    first = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    assert first.sha is not None
    git(remote, "update-ref", "refs/looker-ops/validated/main", first.sha)  # older looker-ops
    head, marker = gitops.remote_state(str(remote), "main")
    assert head == first.sha and marker == gitops.Marker(first.sha, first.sha)
    assert gitops.marker_dashboards(str(remote), "main") is None
    assert not marker.matches(first.sha, {})


def test_a_new_branch_starts_from_the_base_branch(remote: Path, lookml: Path) -> None:
    main = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS)
    (lookml / "views" / "users.view.lkml").write_text("view: users {}\n")
    pr = gitops.build_and_push(lookml, str(remote), "pr-1", CONSTANTS, base="main")
    assert pr.pushed and pr.previous == main.sha and pr.files == ["A views/users.view.lkml"]
    assert git(remote, "rev-parse", "pr-1^") == main.sha
    assert git(remote, "rev-parse", "main") == main.sha  # the base is not touched
    assert gitops.delete_branch(str(remote), "pr-1") is True
    assert gitops.delete_branch(str(remote), "pr-1") is False  # idempotent
    assert gitops.remote_head(str(remote), "pr-1") is None


def test_ssh_key_from_the_environment_goes_to_a_private_file_not_a_command_line(
    remote: Path, lookml: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAAtestkeymaterial\n-----END OPENSSH PRIVATE KEY-----"
    seen: list[tuple[list[str], str, int]] = []
    real = subprocess.run

    def spy(cmd: list[str], *a: Any, **kw: Any) -> Any:
        ssh = kw["env"].get("GIT_SSH_COMMAND", "")
        path = Path(ssh.split("-i ", 1)[1].split(" ", 1)[0]) if "-i " in ssh else None
        mode = path.stat().st_mode & 0o777 if path and path.exists() else -1
        if path is not None:
            assert path.read_text().strip() == key
        seen.append((list(cmd), ssh, mode))
        assert gitops.SSH_KEY_ENV not in kw["env"]
        return real(cmd, *a, **kw)

    monkeypatch.setattr(gitops.subprocess, "run", spy)
    env = {**os.environ, gitops.SSH_KEY_ENV: key}
    r = gitops.build_and_push(lookml, str(remote), "main", CONSTANTS, env=env)
    assert r.pushed
    assert all("testkeymaterial" not in " ".join(cmd) + ssh for cmd, ssh, _ in seen)
    assert {mode for _, _, mode in seen} == {0o600}
    assert all("StrictHostKeyChecking=accept-new" in ssh for _, ssh, _ in seen)
