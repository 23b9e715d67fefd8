"""The package's layers, read from its imports: imports point down only, and no cycle (between
packages, nor between modules).

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


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement in ``tree`` (inside functions too), except the bodies of
    ``if TYPE_CHECKING:`` (those never run)."""
    out: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            todo.extend(node.orelse)
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        todo.extend(ast.iter_child_nodes(node))
    return out


def module_imports() -> dict[str, set[str]]:
    """Module -> the looker_ops modules it imports (dotted names; a package is its
    ``__init__``). ``from pkg import name`` is an import of ``pkg.name`` when that is a module,
    else of ``pkg``; relative imports are resolved against the importing module."""
    modules: dict[str, Path] = {}
    for path in PKG.rglob("*.py"):
        parts = ("looker_ops", *path.relative_to(PKG).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        modules[".".join(parts)] = path
    edges: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")
                    anchor = anchor[: len(anchor) - (node.level - 1)]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
            for target in targets:
                while target and target not in modules:  # `import a.b.c` of a name inside a module
                    target = target.rpartition(".")[0]
                if target and target != name:
                    edges[name].add(target)
    return edges


def module_cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles among modules, each once (as the strongly connected groups of more than
    one module, every group sorted)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(edges):
        if v not in index:
            connect(v)
    return sorted(groups)


def test_no_import_cycle_between_modules() -> None:
    """No two modules of looker_ops import each other, directly or round a longer circle (lazy
    imports inside functions count: they only hide a cycle; ``if TYPE_CHECKING:`` ones do not)."""
    assert module_cycles(module_imports()) == []


def test_the_module_cycle_check_can_fail() -> None:
    """A lazy import from the lowest ground module back up to a verb closes a circle, and it is found."""
    edges = module_imports()
    assert "looker_ops.errors" in edges["looker_ops.alerts.run"]
    edges["looker_ops.errors"] = {*edges.get("looker_ops.errors", set()), "looker_ops.alerts.run"}
    cycles = module_cycles(edges)
    assert any({"looker_ops.alerts.run", "looker_ops.errors"} <= set(group) for group in cycles), cycles
    assert "looker_ops.lookml.parsecache" in edges["looker_ops.lookml.loader"]
    assert "looker_ops.check.rules.base" in edges["looker_ops.check.rules.fanout"]
