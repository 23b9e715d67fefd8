"""The package's layers, read from its imports: imports point down only, and no cycle.

Layers, lowest first (a package may import its own layer's ground and anything below it):

- ground: ``errors``, ``findings``, ``yamlutil``, ``textfile``, ``gitops``, ``clock``, ``bundled``
  (import only ground);
- ``lookml``: the offline model of a LookML project;
- ``config`` (every file the user writes) and ``engines`` (the embedded engine);
- ``looker``: the Looker client and one module per Looker resource;
- the verbs: ``check``, ``preview``, ``athena``, ``sample_data``, ``deploy``, ``schedules`` and
  ``alerts`` (a verb may use another verb, e.g. deploy runs the schedules step, but the verbs'
  graph has no cycle);
- ``commands`` (thin click modules), then ``cli``.

A new top-level package must be given its layer here, so that its place is a decision.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

PKG = Path(__file__).resolve().parents[1] / "looker_ops"

GROUND = {"errors", "findings", "yamlutil", "textfile", "gitops", "clock", "bundled"}
RANK = {
    **dict.fromkeys(GROUND, 0),
    "lookml": 1,
    "config": 2,
    "engines": 2,
    "looker": 3,
    **dict.fromkeys(["check", "preview", "athena", "sample_data", "deploy", "schedules", "alerts"], 4),
    "commands": 5,
    "cli": 6,
}
VERB = 4


def package_imports() -> dict[str, set[str]]:
    """Top-level package -> the top-level looker_ops packages it imports (at any depth, lazy
    imports inside functions included)."""
    edges: dict[str, set[str]] = defaultdict(set)
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).parts
        source = rel[0].removesuffix(".py")
        if source in ("__init__", "__main__"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            for name in names:
                parts = name.split(".")
                if (
                    parts[0] == "looker_ops"
                    and len(parts) > 1
                    and parts[1] != source
                    and ((PKG / parts[1]).is_dir() or (PKG / f"{parts[1]}.py").is_file())
                ):
                    edges[source].add(parts[1])
    return edges


def upward(edges: dict[str, set[str]]) -> list[str]:
    """The imports that point up a layer, or sideways between two shared layers (only the ground
    modules and the verbs may import their own layer)."""
    return sorted(
        f"{src} -> {dst}"
        for src, dsts in edges.items()
        for dst in dsts
        if RANK[dst] > RANK[src] or (RANK[dst] == RANK[src] and RANK[src] not in (0, VERB))
    )


def test_every_package_has_a_layer() -> None:
    packages = {p.stem for p in PKG.glob("*.py")} | {p.parent.name for p in PKG.glob("*/__init__.py")}
    assert packages - {"__init__", "__main__"} - set(RANK) == set(), "give the new package its layer in RANK"


def test_imports_point_down() -> None:
    assert upward(package_imports()) == []


def test_no_cycle_between_packages() -> None:
    """Verbs may use verbs and ground modules ground modules: never in a circle."""
    edges = package_imports()
    done: set[str] = set()

    def visit(node: str, path: tuple[str, ...]) -> None:
        assert node not in path, "import cycle: " + " -> ".join((*path, node))
        if node in done:
            return
        for nxt in edges.get(node, ()):
            visit(nxt, (*path, node))
        done.add(node)

    for verb in edges:
        visit(verb, ())


def test_the_layer_check_can_fail() -> None:
    """An upward import (lookml -> deploy) and a sideways one (config -> engines) are caught."""
    edges = package_imports()
    edges["lookml"] = {*edges.get("lookml", set()), "deploy"}
    edges["config"] = {*edges.get("config", set()), "engines"}
    assert upward(edges) == ["config -> engines", "lookml -> deploy"]
