"""The dependencies of a LookML project (``--dependency NAME=PATH``), resolved as Looker resolves
them (a part of the loader):

- the names a project imports (manifest ``local_dependency``/``remote_dependency``,
  ``include: "//NAME/..."``, constants substituted); a given name none imports is bad input;
- the checked project's own names (its ``project_name``, a ``--dependency`` that is its own
  folder): a dependency that imports it back reads its files;
- each dependency's manifest constants, which its own files read (with the project's
  ``override_constant``);
- the dependency files no model includes, which are not part of the project.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from looker_ops.errors import BadInput
from looker_ops.lookml.broken import file_text
from looker_ops.lookml.includes import with_constants
from looker_ops.lookml.merge import str_list
from looker_ops.lookml.model import Model
from looker_ops.lookml.parsecache import ParsedFile


class Dependencies:
    """The loader's part about dependencies (state set by :meth:`init_dependencies`)."""

    root: Path
    paths: dict[str, Path]
    parsed: dict[str, ParsedFile]
    manifest: dict[str, Any]
    constants: dict[str, str]
    missing_dependencies: dict[str, tuple[str, int]]

    def init_dependencies(self, root: Path, given: dict[str, Path]) -> None:
        """Record the given dependencies; one that is the checked project's own folder only
        names it (its files are read once, as the project's)."""
        top = root.resolve()
        self.root_names = {n for n, p in given.items() if Path(p).resolve() == top}
        self.dependencies = {n: p for n, p in given.items() if n not in self.root_names}
        self.dep_unused: set[str] = set()  # files of dependencies that no model includes
        self.dep_constants: dict[str, dict[str, str]] = {}  # dependency -> what its files' @{} read
        self.all_constants: dict[str, str] = {}  # what the project's own files' @{} read
        self.dep_manifests: dict[str, dict[str, Any]] = {}

    def drop_unused_dependency_files(self, models: dict[str, Model], files: list[str]) -> list[str]:
        """``files`` without the dependency files no model includes (in Looker they are not
        part of the project); they are kept in ``dep_unused``."""
        included = {f for m in models.values() for f in m.included_files}
        self.dep_unused = {f for f in files if f.startswith("//") and f not in included}
        return [f for f in files if f not in self.dep_unused]

    # ---- dependencies: their manifests' constants, the names the project imports
    def constants_for(self, file: str) -> Mapping[str, str]:
        """The constants ``@{NAME}`` reads in ``file``: in a dependency's file, its own manifest's
        (with this project's ``override_constant``), as Looker resolves them; in the project's own
        files, its manifest's, then (never an error) a dependency's."""
        if file and file.startswith("//"):
            found = self.dep_constants.get(file[2:].partition("/")[0])
            if found is not None:
                return found
        return self.all_constants or self.constants

    def _dependency_entries(self, doc: Any, consts: Mapping[str, str]) -> list[tuple[str, Any]]:
        """(project name, entry) of a manifest's local_dependency and remote_dependency blocks."""
        out: list[tuple[str, Any]] = []
        if not isinstance(doc, dict):
            return out
        for key, name_keys in (
            ("local_dependencies", ("project",)),
            ("remote_dependencies", ("_name", "name")),
        ):
            for dep in doc.get(key, []) or []:
                if isinstance(dep, dict):
                    name = next((str(dep[k]) for k in name_keys if dep.get(k)), "")
                    if name:
                        out.append((with_constants(name, consts), dep))
        return out

    def read_dependency_manifests(self) -> None:
        """Each dependency's manifest.lkml: its constants (what its own files read) and the
        projects it imports; this project's ``project_name``.

        As Looker documents it, a dependency's files read the constants of its own manifest;
        the project that imports it may give a constant another value (``override_constant``
        in its ``local_dependency``/``remote_dependency``) only when the dependency exports
        it (``export: override_required`` or ``override_optional``). Along a chain (this
        project imports A, A imports B), B's constants take A's overrides, A's take this
        project's; when this project also imports B, its own override wins. An override's
        value reads the importer's constants (``value: "@{SCHEMA}"``)."""
        name = self.manifest.get("project_name") if isinstance(self.manifest, dict) else None
        if isinstance(name, str) and name and name not in self.dependencies:
            self.root_names.add(name)
        self.dep_manifests = {dep: _read_manifest(path) for dep, path in sorted(self.dependencies.items())}
        own = {dep: _manifest_constants(doc) for dep, doc in self.dep_manifests.items()}
        overrides: dict[str, dict[str, str]] = {}
        entries = self._dependency_entries(self.manifest, self.constants)
        _add_overrides(overrides, entries, self.constants)
        done: set[str] = set()
        level = sorted(n for n, _ in entries)
        while level:  # breadth first: a nearer importer's override is kept over a farther one's
            nxt: list[str] = []
            for dep in level:
                if dep in done or dep not in self.dependencies:
                    continue
                done.add(dep)
                values, exported = own[dep]
                allowed = {
                    k: v for k, v in overrides.get(dep, {}).items() if k not in values or k in exported
                }
                self.dep_constants[dep] = consts = {**self.constants, **values, **allowed}
                entries = self._dependency_entries(self.dep_manifests[dep], consts)
                _add_overrides(overrides, entries, consts)
                nxt += sorted(n for n, _ in entries if n not in done)
            level = nxt
        for dep in self.dependencies:  # imported only by `//` includes: no override
            if dep not in done:
                self.dep_constants[dep] = {**self.constants, **own[dep][0]}
        all_consts: dict[str, str] = {}
        for dep in sorted(own):
            all_consts.update(own[dep][0])
        self.all_constants = {**all_consts, **self.constants}

    def imported_names(self) -> set[str]:
        """The projects this project and its dependencies import: their manifests'
        local_dependency/remote_dependency and their ``include: "//name/..."``."""
        names = {n for n, _ in self._dependency_entries(self.manifest, self.constants)}
        for dep, doc in self.dep_manifests.items():
            names |= {n for n, _ in self._dependency_entries(doc, self.dep_constants[dep])}
        for rel, pf in self.parsed.items():
            consts = self.constants_for(rel)
            if pf.doc is not None:
                pats = str_list(pf.doc.get("includes"))
            else:  # a file that does not parse: its include lines, read from the text
                text = file_text(self.paths.get(rel, self.root / rel))
                pats = re.findall(r'^\s*include\s*:\s*"([^"]*)"', text, re.M)
            for pat in pats:
                pat = with_constants(pat.strip(), consts)
                if pat.startswith("//"):
                    names.add(pat[2:].partition("/")[0])
        return names

    def check_given_dependencies(self) -> None:
        """BadInput for a ``--dependency NAME`` that neither the project nor its dependencies
        import (a misspelt name would otherwise be read and never used)."""
        unknown = sorted(set(self.dependencies) - self.imported_names())
        if not unknown:
            return
        imports = sorted(self.imported_names() - self.root_names)
        said = ", ".join(imports) if imports else "no other project"
        names = ", ".join(unknown)
        raise BadInput(
            f"--dependency {names}: the project does not import {names} (it imports {said}; "
            'the name is the one in local_dependency, remote_dependency or include: "//NAME/...")'
        )

    def declared_dependencies(self) -> None:
        """Dependencies manifest.lkml declares (local_dependency, remote_dependency) that are not
        here join those named by ``//`` includes."""
        doc = self.manifest
        lines = doc.get("_lines", {}) if isinstance(doc, dict) else {}
        for key, name_key in (("local_dependencies", "project"), ("remote_dependencies", "_name")):
            for dep in doc.get(key, []) or [] if isinstance(doc, dict) else []:
                name = str(dep.get(name_key) or "") if isinstance(dep, dict) else ""
                name = with_constants(name, self.constants)  # project: "@{CONFIG_PROJECT_NAME}"
                if name and name not in self.dependencies and name not in self.root_names:
                    line = int(dep.get("_line") or lines.get(key[:-3] + "y", 1))
                    self.missing_dependencies.setdefault(name, ("manifest.lkml", line))


def _read_manifest(path: Path) -> dict[str, Any]:
    """A dependency's parsed manifest.lkml (empty when it has none or it does not parse: its
    files then read the importing project's constants)."""
    try:
        import lkml  # here: only a dependency's manifest needs it (the import costs ~20 ms)

        loaded = lkml.load((Path(path) / "manifest.lkml").read_text(encoding="utf-8-sig"))
    except (OSError, SyntaxError, KeyError, ValueError, UnicodeDecodeError):
        return {}
    return loaded if isinstance(loaded, dict) else {}


def _manifest_constants(doc: Mapping[str, Any]) -> tuple[dict[str, str], set[str]]:
    """A manifest's constants (name -> value) and the names of those an importing project may
    override (``export: override_required`` / ``override_optional``)."""
    values: dict[str, str] = {}
    exported: set[str] = set()
    for c in doc.get("constants", []) or []:
        if isinstance(c, dict) and c.get("name"):
            values[str(c["name"])] = str(c.get("value", ""))
            if str(c.get("export", "")).strip().lower() in ("override_required", "override_optional"):
                exported.add(str(c["name"]))
    return values, exported


def _add_overrides(
    overrides: dict[str, dict[str, str]], entries: list[tuple[str, Any]], consts: Mapping[str, str]
) -> None:
    """Add the ``override_constant`` values of one manifest's dependency entries (read with
    that manifest's constants ``consts``); an override already recorded (from a nearer
    importer) is kept."""
    for dep, entry in entries:
        for o in entry.get("override_constants", []) or []:
            if isinstance(o, dict) and (o.get("_name") or o.get("name")):
                key = str(o.get("_name") or o.get("name"))
                overrides.setdefault(dep, {}).setdefault(key, with_constants(str(o.get("value", "")), consts))
