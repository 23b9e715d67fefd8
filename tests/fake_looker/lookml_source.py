"""What LookML is deployed: the ONE place the fake depends on looker_ops' LookML loader.

The fake reads a project's files at a ref from its git remote (a bare repository), writes them
to a temporary directory and loads them with :func:`looker_ops.lookml.loader.load_project`.
LookML data tests (``test:`` blocks) are read here with lkml, since the loader does not model
them. Results are cached per commit.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import lkml

from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Explore, Project
from tests.fake_looker.gitremote import GitRemote


@dataclass(frozen=True)
class LookmlTestDef:
    name: str
    model: str
    explore: str
    file: str
    line: int
    fields: tuple[str, ...]
    assertions: tuple[str, ...]


@dataclass
class Deployed:
    sha: str
    files: dict[str, str]
    project: Project
    tests: list[LookmlTestDef] = field(default_factory=list)

    def explore(self, model: str, name: str) -> Explore | None:
        return self.project.explore(model, name)

    def field_exists(self, model: str, explore: str, field_ref: str) -> bool:
        """Is ``view.field`` (explore alias + field) selectable in model/explore?"""
        ex = self.project.explore(model, explore)
        if ex is None or "." not in field_ref:
            return False
        alias, name = field_ref.split(".", 1)
        view_name = ex.aliases().get(alias)
        if view_name is None:
            return False
        view = self.project.view(view_name)
        return view is not None and (name in view.fields or name in view.groups)

    def model_names(self) -> list[str]:
        return sorted(self.project.models)


_CACHE: dict[tuple[str, str], Deployed] = {}


def load_ref(remote: GitRemote, ref: str) -> Deployed:
    """The LookML project at ``ref`` of ``remote`` (cached by commit)."""
    sha = remote.rev_parse(ref)
    if sha is None:
        raise KeyError(ref)
    key = (str(remote.path), sha)
    if key in _CACHE:
        return _CACHE[key]
    files = remote.files(sha)
    with tempfile.TemporaryDirectory(prefix="fake-looker-") as tmp:
        root = Path(tmp)
        for name, text in files.items():
            p = root / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_text(text, encoding="utf-8")
        project = load_project(root, cache_dir=None, workers=1)
    dep = Deployed(sha, files, project, _tests(files))
    _CACHE[key] = dep
    return dep


def _line_of(text: str, pattern: str) -> int:
    m = re.search(pattern, text)
    return text.count("\n", 0, m.start()) + 1 if m else 1


def _many(obj: dict[str, Any], key: str) -> list[Any]:
    """lkml gives a repeated key as a plural list, a single one as itself."""
    out: list[Any] = []
    for k in (key, key + "s"):
        v = obj.get(k)
        if isinstance(v, list):
            out += v
        elif v is not None:
            out.append(v)
    return out


def _tests(files: dict[str, str]) -> list[LookmlTestDef]:
    out: list[LookmlTestDef] = []
    for name, text in sorted(files.items()):
        if not name.endswith(".lkml"):
            continue
        try:
            tree: dict[str, Any] = lkml.load(text)
        except Exception:
            continue  # the loader reports syntax errors
        model = Path(name).name.split(".")[0] if name.endswith(".model.lkml") else ""
        for t in tree.get("tests", []) or []:
            eq = t.get("explore_source") or {}
            fields = tuple(
                str(c["field"]) for c in _many(eq, "column") if isinstance(c, dict) and c.get("field")
            )
            asserts = tuple(a.get("expression", "") for a in _many(t, "assertion") if isinstance(a, dict))
            out.append(
                LookmlTestDef(
                    name=t.get("name", ""),
                    model=model,
                    explore=eq.get("name", ""),
                    file=name,
                    line=_line_of(text, rf"test:\s*{re.escape(t.get('name', ''))}\b"),
                    fields=fields,
                    assertions=asserts,
                )
            )
    return out
