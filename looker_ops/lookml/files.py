"""Which files a LookML project is made of (no parsing): the light part of the loader, used by
``check``'s result cache to tell an unchanged project without importing the parser.

``discover(root, dashboard_dirs, dependencies)`` -> (.lkml paths relative to the root, with
``//name/...`` for a dependency's; dashboard files; where each dependency file is), and
``input_files`` (every file a load reads, with its name relative to the root).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

__all__ = ["DEFAULT_CACHE", "discover", "input_files", "relative"]

# The default of ``cache_dir``: the user's cache folder (``None`` means no cache).
DEFAULT_CACHE = object()
_SKIP = frozenset({".git", ".looker-ops-cache", "node_modules", ".venv", "__pycache__"})


def _walk(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in _SKIP and not d.startswith(".")]
        for fn in filenames:
            if fn.endswith((".lkml", ".lookml")):
                yield Path(dirpath) / fn


def discover(
    root: Path, dashboard_dirs: Sequence[Path], dependencies: Mapping[str, Path]
) -> tuple[list[str], list[Path], dict[str, Path]]:
    """(the .lkml files, relative to ``root``, a dependency's as ``//name/path``; the dashboard
    files, the project's then those under ``dashboard_dirs``; the path of each dependency file)."""
    lkml: list[str] = []
    dash: list[Path] = []
    paths: dict[str, Path] = {}
    for p in sorted(_walk(root)):
        rel = p.relative_to(root).as_posix()
        if rel.endswith(".dashboard.lookml"):
            dash.append(p)
        elif rel.endswith(".lkml"):
            lkml.append(rel)
    for name, dep_root in sorted(dependencies.items()):
        for p in sorted(_walk(dep_root)):
            rel = f"//{name}/" + p.relative_to(dep_root).as_posix()
            if rel.endswith(".lkml") and not rel.endswith("/manifest.lkml"):
                lkml.append(rel)
                paths[rel] = p
    seen = {d.resolve() for d in dash} if dashboard_dirs else set()
    for d in dashboard_dirs:
        if not d.is_dir():
            continue
        for p in sorted(d.rglob("*.dashboard.lookml")):
            if p.resolve() not in seen:
                seen.add(p.resolve())
                dash.append(p)
    return lkml, dash, paths


def relative(root: Path, p: Path, resolved_root: str | None = None) -> str:
    """A path relative to the project root (``../dashboards/x.dashboard.lookml`` outside it)."""
    return Path(os.path.relpath(p.resolve(), resolved_root or root.resolve())).as_posix()


def input_files(
    root: Path, dashboard_dirs: Sequence[Path] = (), dependencies: Mapping[str, Path] | None = None
) -> list[tuple[str, Path]]:
    """Every file a load of ``root`` reads: (path relative to root, path), .lkml then dashboards."""
    lkml_files, dash, paths = discover(root, list(dashboard_dirs), dict(dependencies or {}))
    top = str(root.resolve())
    # a dependency's manifest is read too (its constants are what its files' @{NAME} read)
    manifests = [
        (f"//{name}/manifest.lkml", Path(dep) / "manifest.lkml")
        for name, dep in sorted((dependencies or {}).items())
        if (Path(dep) / "manifest.lkml").is_file()
    ]
    return (
        [(r, paths.get(r, root / r)) for r in lkml_files]
        + manifests
        + [(relative(root, p, top), p) for p in dash]
    )
