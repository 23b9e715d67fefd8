"""A bare git repository on disk: the Looker project's git remote in tests.

Written with git plumbing (no work tree), read with ``git show`` / ``ls-tree``:

    remote = GitRemote.create(tmp_path / "block.git")
    sha = remote.commit({"block.model.lkml": "...", "views/a.view.lkml": "..."}, branch="main")
    remote.files("main")  -> {"block.model.lkml": "...", ...}
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
from collections.abc import Mapping
from pathlib import Path

_ENV = {
    "GIT_AUTHOR_NAME": "fake-looker",
    "GIT_AUTHOR_EMAIL": "fake-looker@example.com",
    "GIT_COMMITTER_NAME": "fake-looker",
    "GIT_COMMITTER_EMAIL": "fake-looker@example.com",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_TERMINAL_PROMPT": "0",
}


class GitError(Exception):
    pass


class GitRemote:
    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    @classmethod
    def create(cls, path: Path, initial_branch: str = "main") -> GitRemote:
        path.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["git", "init", "--bare", "--quiet", f"--initial-branch={initial_branch}", str(path)],
            check=True,
            capture_output=True,
            env={**os.environ, **_ENV},
        )
        return cls(path)

    @property
    def url(self) -> str:
        return f"file://{self.path}"

    def git(self, *args: str, input: bytes | None = None) -> str:
        proc = subprocess.run(
            ["git", f"--git-dir={self.path}", *args],
            input=input,
            capture_output=True,
            env={**os.environ, **_ENV, "HOME": str(self.path)},
        )
        if proc.returncode != 0:
            raise GitError(proc.stderr.decode("utf-8", "replace").strip())
        return proc.stdout.decode("utf-8", "replace")

    # --- writing -------------------------------------------------------------------------
    def commit(
        self,
        files: Mapping[str, str | None],
        *,
        branch: str = "main",
        message: str = "commit",
        replace: bool = False,
        base: str | None = "main",
    ) -> str:
        """Commit ``files`` on ``branch`` (created if new). None deletes a file.

        With ``replace=True`` the tree is exactly ``files``; otherwise they are applied on top
        of the branch's current tree (a new branch starts from ``base``).
        """
        parent = self.rev_parse(branch)
        if parent is None and base is not None and base != branch:
            parent = self.rev_parse(base)
        current = {} if (replace or parent is None) else self.files(parent)
        for name, text in files.items():
            if text is None:
                current.pop(name, None)
            else:
                current[name] = text
        tree = self._write_tree(current)
        args = ["commit-tree", tree, "-m", message]
        if parent:
            args += ["-p", parent]
        sha = self.git(*args).strip()
        self.git("update-ref", f"refs/heads/{branch}", sha)
        return sha

    def _write_tree(self, files: dict[str, str]) -> str:
        # Build nested trees bottom-up with mktree.
        dirs: dict[str, dict[str, tuple[str, str]]] = {"": {}}
        for name in sorted(files):
            blob = self.git("hash-object", "-w", "--stdin", input=files[name].encode("utf-8")).strip()
            parts = name.split("/")
            for i in range(1, len(parts)):
                dirs.setdefault("/".join(parts[:i]), {})
            parent = "/".join(parts[:-1])
            dirs[parent][parts[-1]] = ("blob", blob)
        shas: dict[str, str] = {}
        for d in sorted(dirs, key=lambda d: (-(d.count("/") + (1 if d else 0)), d)):
            entries = dict(dirs[d])
            for sub, sha in shas.items():
                if sub and "/".join(sub.split("/")[:-1]) == d:
                    entries[sub.split("/")[-1]] = ("tree", sha)
            lines = "".join(
                f"{'040000' if kind == 'tree' else '100644'} {kind} {sha}\t{name}\n"
                for name, (kind, sha) in sorted(entries.items())
            )
            shas[d] = self.git("mktree", input=lines.encode("utf-8")).strip()
        return shas[""]

    def tag(self, name: str, ref: str) -> None:
        self.git("update-ref", f"refs/tags/{name}", self.rev_parse(ref) or ref)

    def delete_branch(self, name: str) -> None:
        self.git("update-ref", "-d", f"refs/heads/{name}")

    # --- reading -------------------------------------------------------------------------
    def rev_parse(self, ref: str) -> str | None:
        try:
            return self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").strip() or None
        except GitError:
            return None

    def branches(self) -> list[str]:
        out = self.git("for-each-ref", "--format=%(refname:short)", "refs/heads")
        return [b for b in out.split("\n") if b]

    def files(self, ref: str) -> dict[str, str]:
        """Every file at ``ref`` (path -> text)."""
        sha = self.rev_parse(ref)
        if sha is None:
            raise GitError(f"unknown ref {ref!r}")
        # One `git archive` instead of one `git show` per file.
        proc = subprocess.run(
            ["git", f"--git-dir={self.path}", "archive", "--format=tar", sha],
            capture_output=True,
            env={**os.environ, **_ENV, "HOME": str(self.path)},
        )
        if proc.returncode != 0:
            raise GitError(proc.stderr.decode("utf-8", "replace").strip())
        out: dict[str, str] = {}
        with tarfile.open(fileobj=io.BytesIO(proc.stdout)) as tar:
            for member in tar.getmembers():
                if member.isfile():
                    fh = tar.extractfile(member)
                    if fh is not None:
                        out[member.name] = fh.read().decode("utf-8", "replace")
        return out
