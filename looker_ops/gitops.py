"""LookML to git: build a commit holding exactly the LookML folder and push it to the deploy branch.

Plain ``git`` subprocesses, no library. The commit is built in a throw-away bare repository:

1. fetch the deploy branch of the push remote (if it exists);
2. stage a copy of ``lookml_project/`` with the manifest constants set from the config, write its
   tree with a private index (``GIT_INDEX_FILE``), so the commit holds exactly those files at the
   repository root;
3. if that tree equals the branch head's tree, nothing is committed or pushed (the head is the
   ref to deploy); else commit on top of the head and push without force (a concurrent push makes
   the push fail rather than be overwritten).

Credentials never reach a command line: the remote URL is written into the temporary repository's
config file by Python (not via ``git remote add``), so even a URL with a user/token in it is not
visible in the process list. Authentication is git's own: ``GIT_SSH_COMMAND`` / ssh-agent for ssh
URLs (or the private key as text in ``LOOKER_OPS_GIT_SSH_KEY``, written to a 0600 file only for
the run), a credential helper or ``GIT_ASKPASS`` for https. ``GIT_TERMINAL_PROMPT=0`` makes a missing
credential an error instead of a hang. Messages show URLs with any user info replaced by ``***``.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from looker_ops.errors import BadInput, RemoteError

MANIFEST = "manifest.lkml"
_IDENT = "looker-ops"
_EMAIL = "looker-ops@users.noreply.local"


def redact_url(url: str) -> str:
    """``https://user:token@host/x`` -> ``https://***@host/x``; other URLs unchanged."""
    return re.sub(r"^([a-z][a-z0-9+.-]*://)[^/@]+@", r"\1***@", url, flags=re.I)


@dataclass
class PushResult:
    """What the LookML step did (or, in a dry run, would do)."""

    sha: str | None  # the commit to deploy: the new commit, or the unchanged head
    previous: str | None  # the branch head before, None when the branch did not exist
    changed: bool  # content differs from the branch head
    pushed: bool  # a new commit was pushed (False in a dry run)
    files: list[str] = field(default_factory=list)  # changed paths, "A path" / "M path" / "D path"
    validated: str | None = None  # the commit of the last deploy that passed content validation
    marker: Marker | None = None  # the validated marker itself (commit + dashboards digests)


# --------------------------------------------------------------------------- manifest constants


def set_manifest_constants(text: str, values: Mapping[str, str], file: str = MANIFEST) -> str:
    """Set ``value:`` of each ``constant: NAME { ... }`` in manifest text; the rest is kept as is.

    A constant in ``values`` that the manifest does not declare is a BadInput naming it.
    """
    out = text
    for name, value in values.items():
        if '"' in value or "\n" in value:
            raise BadInput(f"constants.{name}: value may not contain quotes or line breaks")
        block = re.compile(r"(\bconstant:\s*" + re.escape(name) + r"\s*\{)(.*?)(\})", re.S)
        m = block.search(out)
        if m is None:
            raise BadInput(f"{file}: constant {name} is not declared (it is set from the config)")
        body = m.group(2)
        new_body, n = re.subn(r'(\bvalue:\s*)"(?:[^"\\]|\\.)*"', _setter(value), body)
        if n == 0:
            raise BadInput(f"{file}: constant {name} has no value: to set")
        out = out[: m.start(2)] + new_body + out[m.end(2) :]
    return out


# --------------------------------------------------------------------------- git plumbing


def _setter(value: str) -> Callable[[re.Match[str]], str]:
    return lambda mm: f'{mm.group(1)}"{value}"'


class _Git:
    def __init__(self, git_dir: Path, env: Mapping[str, str] | None = None) -> None:
        self.git_dir = git_dir
        base = dict(os.environ if env is None else env)
        base.update(
            {
                "GIT_TERMINAL_PROMPT": "0",
                "GIT_DIR": str(git_dir),
                "GIT_CONFIG_NOSYSTEM": "1",
                "LC_ALL": "C",
            }
        )
        for key, value in (
            ("GIT_AUTHOR_NAME", _IDENT),
            ("GIT_AUTHOR_EMAIL", _EMAIL),
            ("GIT_COMMITTER_NAME", _IDENT),
            ("GIT_COMMITTER_EMAIL", _EMAIL),
        ):
            base.setdefault(key, value)
        self.env = base

    def run(
        self,
        *args: str,
        input: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        what: str = "",
        remote: bool = False,
    ) -> str:
        full_env = dict(self.env)
        if env:
            full_env.update(env)
        try:
            proc = subprocess.run(
                ["git", *args],
                input=input,
                capture_output=True,
                text=True,
                env=full_env,
                cwd=cwd,
                check=False,
                timeout=600,
            )
        except FileNotFoundError:
            raise BadInput("git is not installed (needed to push the LookML project)") from None
        except subprocess.TimeoutExpired:
            raise RemoteError(f"git {args[0]}: timed out after 600 s") from None
        if proc.returncode != 0:
            msg = " ".join(redact_url(w) for w in (proc.stderr.strip() or proc.stdout.strip()).split(" "))
            kind = RemoteError if remote else BadInput
            raise kind(f"git {what or args[0]} failed: {msg}")
        return proc.stdout.strip()


SSH_KEY_ENV = "LOOKER_OPS_GIT_SSH_KEY"


@contextmanager
def _temp_repo(push_url: str, env: Mapping[str, str] | None) -> Iterator[_Git]:
    tmp = Path(tempfile.mkdtemp(prefix="looker-ops-git-"))
    try:
        git_dir = tmp / "repo.git"
        git = _Git(git_dir, env)
        key = git.env.pop(SSH_KEY_ENV, "")
        if key.strip() and "GIT_SSH_COMMAND" not in git.env:
            # A deploy key given as text (a CI secret): a private file only ssh reads; its path
            # (not the key) goes into GIT_SSH_COMMAND.
            key_file = tmp / "deploy_key"
            fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(key.strip() + "\n")
            git.env["GIT_SSH_COMMAND"] = (
                f"ssh -i {key_file} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o BatchMode=yes"
            )
        git.run("init", "--quiet", "--bare", str(git_dir))
        # The URL goes into the config file, never onto a command line.
        with open(git_dir / "config", "a", encoding="utf-8") as fh:
            escaped = push_url.replace("\\", "\\\\").replace('"', '\\"')
            fh.write(f'[remote "deploy"]\n\turl = "{escaped}"\n')
        yield git
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def branch_name_problem(name: str) -> str | None:
    """Why ``name`` is not a branch name git accepts (``git check-ref-format --branch``), or
    None. Offline: run outside any repository. A name git would expand (``@{-1}``) is refused
    too: it is not a name of its own."""
    if not name:
        return "a branch name is required"
    try:
        done = subprocess.run(
            ["git", "check-ref-format", "--branch", name],
            capture_output=True,
            text=True,
            check=False,
            timeout=30,
            cwd=Path("/"),  # outside any repository: nothing to expand `@{-1}` against
        )
    except (OSError, ValueError, subprocess.TimeoutExpired) as exc:
        raise BadInput(f"git is needed to check branch names and to push the LookML: {exc}") from None
    if done.returncode != 0 or done.stdout.strip() != name:
        return f"{name!r} is not a valid git branch name (see `git check-ref-format --help`)"
    return None


def validated_ref(branch: str) -> str:
    """The ref recording the last state whose deploy passed content validation."""
    return f"refs/looker-ops/validated/{branch}"


@dataclass(frozen=True)
class Marker:
    """The validated marker as the remote advertises it: the object the ref points at (an
    annotated tag carrying the dashboards' digests, or a bare commit for a marker written by an
    older looker-ops) and the LookML commit it stands for."""

    id: str
    commit: str

    def matches(self, commit: str | None, dashboards: Mapping[str, str]) -> bool:
        """Whether this marker records exactly ``commit`` with exactly these dashboard digests."""
        return commit is not None and self.id == marker_object_id(commit, dashboards, len(self.id))


_TAG_NAME = "looker-ops-validated"
_DIGEST_LINE = "dashboard "


def marker_text(commit: str, dashboards: Mapping[str, str]) -> str:
    """The marker's annotated tag object: deterministic (fixed tagger and date), so its id can be
    computed without fetching it. One line per dashboard: ``dashboard <slug> <sha256>``."""
    lines = [f"{_DIGEST_LINE}{slug} {digest}" for slug, digest in sorted(dashboards.items())]
    return (
        f"object {commit}\ntype commit\ntag {_TAG_NAME}\ntagger {_IDENT} <{_EMAIL}> 0 +0000\n\n"
        "State validated by looker-ops deploy: the LookML commit above with these dashboards\n"
        + "".join(line + "\n" for line in lines)
    )


def marker_object_id(commit: str, dashboards: Mapping[str, str], hex_len: int = 40) -> str:
    """The git object id of :func:`marker_text` (sha1, or sha256 for a sha256 repository)."""
    data = marker_text(commit, dashboards).encode("utf-8")
    algo = hashlib.sha256 if hex_len == 64 else hashlib.sha1
    return algo(b"tag %d\0" % len(data) + data).hexdigest()


def parse_marker(text: str) -> dict[str, str]:
    """The dashboard digests of a marker tag's text."""
    out: dict[str, str] = {}
    body = text.split("\n\n", 1)[1] if "\n\n" in text else ""
    for line in body.splitlines():
        if line.startswith(_DIGEST_LINE):
            parts = line[len(_DIGEST_LINE) :].split()
            if len(parts) == 2:
                out[parts[0]] = parts[1]
    return out


def _ls_remote(git: _Git, refs: list[str], url_for_msg: str) -> dict[str, str]:
    """{ref: object} for those of ``refs`` the remote has (ask for ``ref^{}`` to get the commit an
    annotated tag at ``ref`` points to)."""
    out = git.run("ls-remote", "deploy", *refs, what=f"ls-remote {url_for_msg}", remote=True)
    found: dict[str, str] = {}
    for line in out.splitlines():
        sha, _, ref = line.partition("\t")
        if ref in refs:
            found[ref] = sha
    return found


def _remote_state(git: _Git, branch: str, url_for_msg: str) -> tuple[str | None, Marker | None]:
    """(the branch head, the validated marker) on the remote; None for a missing one."""
    ref = validated_ref(branch)
    found = _ls_remote(git, [f"refs/heads/{branch}", ref, ref + "^{}"], url_for_msg)
    marker = None
    if ref in found:
        marker = Marker(found[ref], found.get(ref + "^{}", found[ref]))
    return found.get(f"refs/heads/{branch}"), marker


def _fetch_head(git: _Git, branch: str, url_for_msg: str) -> str:
    """Fetch the head of ``branch`` (shallow: only its tree is needed); returns that tree."""
    local = f"refs/remotes/deploy/{branch}"
    _shallow_fetch(git, f"+refs/heads/{branch}:{local}", url_for_msg)
    return git.run("rev-parse", f"{local}^{{tree}}")


def _shallow_fetch(git: _Git, refspec: str, url_for_msg: str) -> None:
    """Fetch ``refspec`` from the ``deploy`` remote: one commit deep, no tags."""
    git.run(
        "fetch",
        "--quiet",
        "--no-tags",
        "--depth=1",
        "deploy",
        refspec,
        what=f"fetch {url_for_msg}",
        remote=True,
    )


def _stage(lookml_dir: Path, constants: Mapping[str, str], dest: Path) -> None:
    if not lookml_dir.is_dir():
        raise BadInput(f"{lookml_dir}: LookML folder not found (project.lookml_dir)")
    shutil.copytree(lookml_dir, dest, ignore=shutil.ignore_patterns(".git", "__pycache__", ".DS_Store"))
    manifest = dest / MANIFEST
    if constants:
        if not manifest.is_file():
            raise BadInput(
                f"{lookml_dir / MANIFEST}: not found (the manifest constants are set from the config)"
            )
        text = manifest.read_text(encoding="utf-8")
        manifest.write_text(
            set_manifest_constants(text, constants, str(lookml_dir / MANIFEST)), encoding="utf-8"
        )


def build_and_push(
    lookml_dir: Path,
    push_url: str,
    branch: str,
    constants: Mapping[str, str],
    *,
    dry_run: bool = False,
    message: str = "Deploy LookML (looker-ops)",
    env: Mapping[str, str] | None = None,
    base: str | None = None,
) -> PushResult:
    """Commit exactly ``lookml_dir`` (constants set) on ``branch`` of ``push_url`` and push it.

    Unchanged content: no commit, no push; ``sha`` is the current head. ``dry_run``: the same
    comparison, nothing pushed (``sha`` is then the head, or None when a new commit would be made).
    ``base``: when ``branch`` does not exist yet, it starts from that branch's head (a pull
    request's validation branch starts from the deploy branch).
    """
    if not push_url:
        raise BadInput("project.git_remote_url: required to push the LookML project")
    shown = redact_url(push_url)
    with _temp_repo(push_url, env) as git:
        head, marker = _remote_state(git, branch, shown)
        validated = marker.commit if marker else None
        head_tree = _fetch_head(git, branch, shown) if head is not None else None
        if head is None and base is not None and base != branch:
            start = _ls_remote(git, [f"refs/heads/{base}"], shown).get(f"refs/heads/{base}")
            if start is not None:
                head_tree = _fetch_head(git, base, shown)
                head = start
        stage = git.git_dir.parent / "stage"
        _stage(lookml_dir, constants, stage)
        idx_env = {"GIT_INDEX_FILE": str(git.git_dir.parent / "index"), "GIT_WORK_TREE": str(stage)}
        git.run("add", "--all", "--force", ".", env=idx_env, cwd=stage)
        tree = git.run("write-tree", env=idx_env)
        files: list[str] = []
        if head is not None and head_tree is not None:
            if head_tree == tree:
                return PushResult(
                    sha=head, previous=head, changed=False, pushed=False, validated=validated, marker=marker
                )
            diff = git.run("diff-tree", "-r", "--name-status", "--no-renames", head_tree, tree)
            files = [" ".join(line.split("\t", 1)) for line in diff.splitlines() if line]
        else:
            listing = git.run("ls-tree", "-r", "--name-only", tree)
            files = [f"A {p}" for p in listing.splitlines() if p]
        if dry_run:
            return PushResult(
                sha=None,
                previous=head,
                changed=True,
                pushed=False,
                files=files,
                validated=validated,
                marker=marker,
            )
        parents = ["-p", head] if head else []
        sha = git.run("commit-tree", tree, *parents, "-m", message)
        git.run(
            "push",
            "--quiet",
            "deploy",
            f"{sha}:refs/heads/{branch}",
            what=f"push to {shown} {branch}",
            remote=True,
        )
        return PushResult(
            sha=sha, previous=head, changed=True, pushed=True, files=files, validated=validated, marker=marker
        )


def remote_state(
    push_url: str, branch: str, env: Mapping[str, str] | None = None
) -> tuple[str | None, Marker | None]:
    """(the commit at ``branch``, the validated marker) on the remote; None when missing."""
    with _temp_repo(push_url, env) as git:
        return _remote_state(git, branch, redact_url(push_url))


def remote_refs(
    push_url: str, branch: str, env: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """(the commit at ``branch``, the validated marker's commit) on the remote; None when missing."""
    head, marker = remote_state(push_url, branch, env)
    return head, marker.commit if marker else None


def remote_head(push_url: str, branch: str, env: Mapping[str, str] | None = None) -> str | None:
    """The commit at ``branch`` of the remote, None if the branch does not exist."""
    return remote_refs(push_url, branch, env)[0]


def delete_branch(push_url: str, branch: str, env: Mapping[str, str] | None = None) -> bool:
    """Delete ``branch`` on the remote; False when it was not there (nothing to do)."""
    shown = redact_url(push_url)
    with _temp_repo(push_url, env) as git:
        if f"refs/heads/{branch}" not in _ls_remote(git, [f"refs/heads/{branch}"], shown):
            return False
        git.run("push", "--quiet", "deploy", f":refs/heads/{branch}", what=f"push to {shown}", remote=True)
        return True


def mark_validated(
    push_url: str,
    branch: str,
    sha: str,
    env: Mapping[str, str] | None = None,
    dashboards: Mapping[str, str] | None = None,
) -> None:
    """Record on the remote that the deploy of ``sha`` with these dashboards (slug -> digest of
    the LookML imported) passed content validation, or was accepted with ``--no-rollback``.

    The marker is an annotated tag object on ``sha`` whose message lists the digests. A deploy
    interrupted between moving production (or importing a dashboard) and validating content leaves
    a state that differs from the marker; the next run sees that and validates again.
    """
    shown = redact_url(push_url)
    with _temp_repo(push_url, env) as git:
        _shallow_fetch(git, sha, shown)
        tag = git.run("mktag", input=marker_text(sha, dashboards or {}))
        git.run(
            "push",
            "--quiet",
            "--force",
            "deploy",
            f"{tag}:{validated_ref(branch)}",
            what=f"push to {shown}",
            remote=True,
        )


def marker_dashboards(
    push_url: str, branch: str, env: Mapping[str, str] | None = None
) -> dict[str, str] | None:
    """The dashboard digests the validated marker records; None when there is no marker or it is
    a bare commit (written by an older looker-ops: nothing known about the dashboards)."""
    shown = redact_url(push_url)
    ref = validated_ref(branch)
    with _temp_repo(push_url, env) as git:
        if ref not in _ls_remote(git, [ref], shown):
            return None
        _shallow_fetch(git, f"+{ref}:refs/marker", shown)
        if git.run("cat-file", "-t", "refs/marker") != "tag":
            return None
        return parse_marker(git.run("cat-file", "tag", "refs/marker"))
