"""Load a LookML project from disk into typed objects, merged the way Looker merges them.

Public API (other modules build on these names)::

    load_project(root, *, dashboard_dirs=(), cache_dir=..., workers=None) -> Project
    Project.root, .constants {name: value}, .files [rel paths], .problems [Finding],
           .models {name: Model}, .views {name: View}, .explores {(model, name): Explore},
           .dashboards [Dashboard], .exemptions [Exemption], .duplicates, .datagroups,
           .tests [(model, raw test)], .raw_views / .raw_explores (unmerged, with _file/_line)
    Project.explore(model, name) -> Explore | None ; Project.view(name) -> View | None
    View: name, file, line, sql_table_name (constants resolved) | None, derived_table dict | None,
          fields {name: Field} (timeframes expanded), groups {name: Field}, extends, props,
          primary_key() -> Field | None
    Field: view, name, kind (dimension|dimension_group|measure|filter|parameter), type,
           sql (constants resolved) | None, file, line, props, group, timeframe
    Explore: model, name, view_name, joins [Join], always_filter {field: expr},
             conditionally_filter, sql_always_where, access_filter, fields, file, line, props
    Join: name, view_name, relationship (default many_to_one), type, sql_on, sql_where,
          foreign_key, file, line, props
    Model: name, file, connection, includes, explores, included_files

How it merges (as Looker does): files are parsed in parallel with a content-hash cache
(:mod:`looker_ops.lookml.parsecache`). Includes are resolved per model (globs, ``**``, the
``.view``/``.explore``/``.dashboard`` short forms, paths relative to the including file unless
they start with ``/``), recursively through included files. A refinement (``view: +name``)
is applied to its base in include order, parameter by parameter (fields and joins merged by
name, ``${EXTENDED}`` replaced by the previous value); then ``extends`` is applied: the bases'
final definitions in order, then the object itself on top. ``@{CONSTANT}`` references are
replaced with the manifest's values (``export``/``override`` ignored). Views are project-wide;
refinements of views apply in the order models include them, then by file path.

Parts: :mod:`~looker_ops.lookml.includes` (include patterns), :mod:`~looker_ops.lookml.merge`
(refinements, extends), :mod:`~looker_ops.lookml.build` (typed objects, timeframes).
"""

from __future__ import annotations

import pickle
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from looker_ops.findings import Finding, Severity
from looker_ops.lookml.broken import BrokenFiles
from looker_ops.lookml.build import Builder, datagroups_of, expand_group_names
from looker_ops.lookml.cache import default_cache_dir
from looker_ops.lookml.collector import gc_paused
from looker_ops.lookml.dependencies import Dependencies
from looker_ops.lookml.field_types import DEFAULT_TIMEFRAMES, DURATION_INTERVALS, TIMEFRAMES
from looker_ops.lookml.files import DEFAULT_CACHE, discover, input_files, relative
from looker_ops.lookml.ignores import IgnoreComment
from looker_ops.lookml.includes import INCLUDE_NOTHING, MISSING_DEPENDENCY, IncludeResolver
from looker_ops.lookml.merge import (
    BAD_EXTENDS,
    META,
    NAMED_LISTS,
    ORPHAN_REFINEMENT,
    Assembler,
    measure_filters,
    str_list,
    tag_file,
)
from looker_ops.lookml.model import Dashboard, Exemption, Explore, Field, Join, Model, Project, View
from looker_ops.lookml.parsecache import ParsedFile, parse_files

__all__ = [
    "BAD_EXTENDS",
    "DEFAULT_CACHE",
    "DEFAULT_TIMEFRAMES",
    "DURATION_INTERVALS",
    "INCLUDE_NOTHING",
    "MISSING_DEPENDENCY",
    "ORPHAN_REFINEMENT",
    "TIMEFRAMES",
    "Dashboard",
    "Explore",
    "Field",
    "Join",
    "Model",
    "Project",
    "View",
    "expand_group_names",
    "input_files",
    "load_project",
    "measure_filters",
]

# Codes of the loader's own findings.
SYNTAX = "LKM001"
UNKNOWN_CONSTANT = "LKM003"
NO_MODEL = "LKM006"
NOT_UTF8 = "LKM008"
_CONST_RE = re.compile(r"@\{([A-Za-z_][A-Za-z0-9_]*)\}")
# what the .lkml files build: models, the .lkml files kept, views, raw views, explores, raw
# explores, datagroups (Loader.build_lookml)
_Built = tuple[
    dict[str, Model],
    list[str],
    dict[str, View],
    list[dict[str, Any]],
    dict[tuple[str, str], Explore],
    list[dict[str, Any]],
    dict[str, dict[str, Any]],
]


def _kept(obj: object) -> bool:
    """``obj`` is a container in which no text holds ``@{``: the bytes of its pickle hold each
    string's UTF-8 as is (written in C, faster than walking it; a false no only costs the walk)."""
    if not isinstance(obj, (dict, list, tuple)):
        return False
    try:
        return b"@{" not in pickle.dumps(obj, 5)
    except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
        return False


class Loader(Dependencies, IncludeResolver, BrokenFiles, Assembler, Builder):
    """Loads one project: discovery, parse, manifest, models and includes, views, explores."""

    def __init__(
        self,
        root: Path,
        dashboard_dirs: Sequence[Path],
        cache_dir: Path | None,
        workers: int | None,
        dependencies: Mapping[str, Path] | None = None,
        meanwhile: Callable[[], object] | None = None,
        digests: dict[Path, tuple[bytes, int]] | None = None,
    ):
        self.root = root
        self._resolved_root: str | None = None
        self.meanwhile = meanwhile
        self.digests = digests
        self.init_dependencies(root, dict(dependencies or {}))
        self.missing_dependencies: dict[str, tuple[str, int]] = {}
        self.files_using_missing: set[str] = set()
        self.model_files: dict[str, str] = {}
        self.dependency_missing = False
        self.paths: dict[str, Path] = {}  # rel -> path of the files of dependencies
        self.dashboard_dirs = dashboard_dirs
        self.cache_dir = cache_dir
        self.workers = workers
        self.problems: list[Finding] = []
        self.parsed: dict[str, ParsedFile] = {}
        self.constants: dict[str, str] = {}
        self.const_lines: dict[str, int] = {}
        self.duplicates: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self._reported_set: set[tuple[str, str]] = set()
        self.unparsed: dict[str, set[str]] = {}  # file that does not parse -> names its text defines

    # ---- discovery + parse
    def discover(self) -> tuple[list[str], list[Path]]:
        lkml, dash, paths = discover(self.root, self.dashboard_dirs, self.dependencies)
        self.paths.update(paths)
        return lkml, dash

    def rel(self, p: Path) -> str:
        """A path relative to the project root (``../dashboards/x.dashboard.lookml`` outside it)."""
        if self._resolved_root is None:
            self._resolved_root = str(self.root.resolve())
        return relative(self.root, p, self._resolved_root)

    def load(self) -> Project:
        lkml_files, dash_paths = self.discover()
        dash_rels = [self.rel(p) for p in dash_paths]
        n_lkml = len(lkml_files)
        built: list[_Built] = []
        # the model is built from the .lkml files while the workers still read the dashboards
        parsed_all = parse_files(
            [self.paths.get(f, self.root / f) for f in lkml_files] + list(dash_paths),
            cache_dir=self.cache_dir,
            workers=self.workers,
            rels=lkml_files + dash_rels,
            meanwhile=self.meanwhile,
            digests=self.digests,
            first=n_lkml,
            between=lambda parsed: built.append(self.build_lookml(lkml_files, dash_rels, parsed)),
        )
        models, lkml_files, views, raw_views, explores, raw_explores, datagroups = built[0]
        for rel, pf in zip(dash_rels, parsed_all[n_lkml:], strict=True):
            if pf.encoding is not None:
                self.problems.append(Finding(NOT_UTF8, Severity.WARNING, pf.encoding[1], rel, pf.encoding[0]))
        dashboards, dash_ignores = self.read_dashboards(dash_rels, parsed_all[n_lkml:])
        for m in models.values():
            for d in dashboards:
                if d.file in m.dashboards:
                    d.models.append(m.name)
        self.dashboard_extends(dashboards)
        project = Project(
            root=self.root,
            constants=dict(self.all_constants),
            files=lkml_files + dash_rels,
            problems=self.problems,
            models=models,
            views=views,
            explores=explores,
            dashboards=dashboards,
            duplicates=self.duplicates,
            datagroups=datagroups,
            manifest=self.manifest,
            raw_views=raw_views,
            raw_explores=raw_explores,
            tests=self.collect_tests(models),
            missing_dependencies=dict(self.missing_dependencies),
            dependency_models={m for m, mf in self.model_files.items() if mf in self.files_using_missing},
            unparsed={rel: frozenset(names) for rel, names in self.unparsed.items()},
        )
        project.exemptions = self.exemptions(dash_ignores, dashboards)
        return project

    def build_lookml(self, lkml_files: list[str], dash_rels: list[str], parsed: list[ParsedFile]) -> _Built:
        """The models, views, explores and datagroups of the parsed .lkml files (``parsed``, in
        the order of ``lkml_files``), with the .lkml files that stay (a dependency's files no
        model uses are dropped); ``dash_rels`` only name the dashboards models may include."""
        self.parsed = dict(zip(lkml_files, parsed, strict=True))
        for rel, pf in self.parsed.items():
            if pf.encoding is not None:
                self.problems.append(Finding(NOT_UTF8, Severity.WARNING, pf.encoding[1], rel, pf.encoding[0]))
        for rel, pf in list(self.parsed.items()):
            if pf.doc is not None and pf.error is None:
                self.swallowed(rel, pf)
                pf = self.parsed[rel]
            if pf.error is not None:
                if rel not in self.unparsed:
                    self.not_parsed(rel, pf.error)
            elif pf.doc is not None:
                for key in ("views", "explores"):
                    for b in pf.doc.get(key, []) or []:
                        if isinstance(b, dict):
                            tag_file(b, rel)
        self.read_manifest()
        self.resolve_file_constants()
        models = self.build_models(lkml_files + [r for r in dash_rels if not r.startswith("../")])
        self.declared_dependencies()
        kept = self.drop_unused_dependency_files(models, lkml_files)
        self.dependency_missing = bool(self.missing_dependencies)
        order = self.file_order(models, kept)
        views, raw_views = self.build_views(order, models)
        explores, raw_explores = self.build_explores(models)
        return models, kept, views, raw_views, explores, raw_explores, datagroups_of(models, self.parsed)

    def read_dashboards(
        self, dash_rels: list[str], parsed: list[ParsedFile]
    ) -> tuple[list[Dashboard], dict[str, list[IgnoreComment]]]:
        """The parsed dashboards (YAML errors and duplicates recorded) and their ignore comments."""
        from looker_ops.lookml.dashboards import YAML_ERROR

        dashboards: list[Dashboard] = []
        dash_ignores: dict[str, list[IgnoreComment]] = {}
        for rel, pf in zip(dash_rels, parsed, strict=True):
            if pf.error is not None:
                self.problem(YAML_ERROR, pf.error[1], rel, pf.error[0])
                continue
            doc = pf.doc or {}
            dashboards.extend(doc.get("dashboards", []))
            self.problems.extend(doc.get("problems", []))
            if pf.ignores:
                dash_ignores[rel] = pf.ignores
        seen_dash: dict[str, tuple[str, int]] = {}
        for d in dashboards:
            if d.name in seen_dash:
                self.duplicates.setdefault(("dashboard", d.name), [seen_dash[d.name]]).append(
                    (d.file, d.line)
                )
            else:
                seen_dash[d.name] = (d.file, d.line)
        return dashboards, dash_ignores

    def dashboard_extends(self, dashboards: list[Dashboard]) -> None:
        """Apply dashboard ``extends``; a dashboard extending one that is not defined is a
        problem unless a dependency that is not here may define it."""
        from looker_ops.lookml.dashboards import apply_extends

        using = {m for m, mf in self.model_files.items() if mf in self.files_using_missing}
        for d, name, why in apply_extends(dashboards):
            if why == "is not defined" and using.intersection(d.models):
                continue
            line = (
                int((d.props.get("_lines") or {}).get("extends", d.line))
                if isinstance(d.props, dict)
                else d.line
            )
            self.problem(
                BAD_EXTENDS,
                f"dashboard {d.name} extends {name}, which {why}",
                d.file,
                line,
                f"dashboard:{d.name}",
            )

    def resolve_file_constants(self) -> None:
        """Replace @{CONSTANTS} in each file's views and explores before anything is merged, so a
        refinement or extends carries the resolved text; files without "@{" are skipped."""
        for rel, pf in self.parsed.items():
            if pf.doc is None or not pf.doc.get("_has_constants") or rel == "manifest.lkml":
                continue
            for key, kind in (("views", "view"), ("explores", "explore")):
                items = pf.doc.get(key)
                if isinstance(items, list):
                    pf.doc[key] = [
                        self.resolve_constants(b, rel, int(b.get("_line", 0)), f"{kind}:{b.get('_name')}")
                        if isinstance(b, dict)
                        else b
                        for b in items
                    ]

    # ---- manifest + constants
    def read_manifest(self) -> None:
        """manifest.lkml's constants, then the dependencies' manifests (BadInput for a given
        dependency the project does not import)."""
        self.manifest = {}
        pf = self.parsed.get("manifest.lkml")
        if pf is not None and pf.doc is not None:
            self.manifest = pf.doc
            for c in pf.doc.get("constants", []) or []:
                if isinstance(c, dict) and c.get("_name"):
                    self.constants[str(c["_name"])] = str(c.get("value", ""))
                    self.const_lines[str(c["_name"])] = int(c.get("_line", 0))
        self.read_dependency_manifests()
        self.check_given_dependencies()

    def resolve_constants(self, obj: Any, file: str, line: int, where: str) -> Any:
        if isinstance(obj, str):
            if "@{" not in obj:
                return obj

            consts = self.constants_for(file)

            def sub(m: re.Match[str]) -> str:
                name = m.group(1)
                if name in consts:
                    return consts[name]
                self.problem(
                    UNKNOWN_CONSTANT,
                    f"constant @{{{name}}} is not defined in manifest.lkml",
                    file,
                    line,
                    where,
                )
                return m.group(0)

            return _CONST_RE.sub(sub, obj)
        res = self.resolve_constants  # a container with no "@{" below is kept as it is
        if isinstance(obj, dict):
            f = obj.get("_file", file)
            ln = obj.get("_line", line)
            return {k: v if k in META or _kept(v) else res(v, f, ln, where) for k, v in obj.items()}
        if isinstance(obj, list):
            return [v if _kept(v) else res(v, file, line, where) for v in obj]
        if isinstance(obj, tuple):
            return tuple(v if _kept(v) else res(v, file, line, where) for v in obj)
        return obj

    # ---- models + includes
    def build_models(self, files: list[str]) -> dict[str, Model]:
        models: dict[str, Model] = {}
        for rel in files:
            if not rel.endswith(".model.lkml") or rel.startswith("//"):
                continue  # a dependency's model file is not a model here (a model may include it)
            name = rel.rsplit("/", 1)[-1][: -len(".model.lkml")]
            pf = self.parsed[rel]
            doc = pf.doc or {}
            includes = str_list(doc.get("includes"))
            included, dashboards = self.resolve_includes(rel, files)
            explores = [
                str(e.get("_name"))
                for e in doc.get("explores", []) or []
                if isinstance(e, dict) and e.get("_name")
            ]
            conn = doc.get("connection")
            if isinstance(conn, str):
                conn = self.resolve_constants(
                    conn, rel, int(doc.get("_lines", {}).get("connection", 1)), name
                )
            if name in models:
                self.duplicates.setdefault(("model", name), [(models[name].file, 1)]).append((rel, 1))
                continue
            models[name] = Model(name, rel, conn, includes, explores, doc, included, dashboards)
            self.model_files[name] = rel
        return models

    def file_order(self, models: dict[str, Model], files: list[str]) -> list[str]:
        order: list[str] = []
        seen: set[str] = set()
        for name in sorted(models):
            m = models[name]
            for f in [m.file, *m.included_files]:
                if f not in seen:
                    seen.add(f)
                    order.append(f)
        for f in files:
            if f not in seen:
                seen.add(f)
                order.append(f)
        return order

    # ---- views and explores: named blocks, refinements, extends
    def _named_blocks(self, rels: Iterable[str], key: str, kind: str) -> list[dict[str, Any]]:
        """The named ``key`` blocks ("views", "explores") of these files; a nameless one is a problem."""
        out: list[dict[str, Any]] = []
        for rel in rels:
            pf = self.parsed.get(rel)
            if pf is None or pf.doc is None:
                continue
            for b in pf.doc.get(key, []) or []:
                if not isinstance(b, dict):
                    continue
                if not b.get("_name"):
                    self.problem(SYNTAX, f"{kind} without a name", rel, int(b.get("_line", 0)))
                    continue
                b.setdefault("_file", rel)
                out.append(b)
        return out

    def build_views(
        self, order: list[str], models: dict[str, Model]
    ) -> tuple[dict[str, View], list[dict[str, Any]]]:
        """The project's views, and each model's own definition of a name that several files
        define (views belong to the models that include them: two models may each include their
        own view ``preview``; "defined more than once" means twice in one model's includes)."""
        raw = self._named_blocks(order, "views", "view")
        self.unincluded = frozenset(order) - {f for m in models.values() for f in (m.file, *m.included_files)}
        base_files: dict[str, set[str]] = {}
        for b in raw:
            if not str(b["_name"]).startswith("+"):
                base_files.setdefault(str(b["_name"]), set()).add(str(b["_file"]))
        contested = {n for n, files in base_files.items() if len(files) > 1}
        shared_blocks = [b for b in raw if str(b["_name"]).lstrip("+") not in contested]
        final, bases, defs = self._assemble("view", shared_blocks, "", "a view that is not defined")
        views = {name: self._make_view(name, d, bases[name], defs[name]) for name, d in final.items()}
        if not contested:
            return views, raw
        in_a_model: set[str] = set()
        for mname in sorted(models):
            m = models[mname]
            files = {m.file, *m.included_files}
            in_a_model |= files
            blocks = [b for b in raw if str(b["_name"]).lstrip("+") in contested and b["_file"] in files]
            mfinal, mbases, mdefs = self._assemble("view", blocks, "", "a view that is not defined", final)
            for name, d in mfinal.items():
                m.views[name] = self._make_view(name, d, mbases[name], mdefs[name], mname)
                views.setdefault(name, m.views[name])
        for name in sorted(contested - set(views)):  # defined only in files no model includes
            first = next(b for b in raw if b["_name"] == name)
            views[name] = self._make_view(name, first, first, [(first["_file"], first["_line"])])
        for places in self.duplicates.values():  # one entry per place, however many models saw it
            places[:] = list(dict.fromkeys(places))
        return views, raw

    # ---- explores
    def build_explores(
        self, models: dict[str, Model]
    ) -> tuple[dict[tuple[str, str], Explore], list[dict[str, Any]]]:
        out: dict[tuple[str, str], Explore] = {}
        raw_all: list[dict[str, Any]] = []
        raw_seen: set[int] = set()
        for mname in sorted(models):
            m = models[mname]
            blocks = self._named_blocks([m.file, *m.included_files], "explores", "explore")
            for b in blocks:
                if id(b) not in raw_seen:
                    raw_seen.add(id(b))
                    raw_all.append(b)
            final, bases, defs = self._assemble(
                "explore", blocks, f"{mname}.", f"an explore that model {mname} does not define"
            )
            for name, d in final.items():
                out[(mname, name)] = self._make_explore(mname, name, d, bases[name], defs[name])
            m.explores = sorted({*(e for e in m.explores if not e.startswith("+")), *final})
        # Explores in files no model includes.
        for rel, pf in self.parsed.items():
            if pf.doc is None:
                continue
            for b in pf.doc.get("explores", []) or []:
                if (
                    isinstance(b, dict)
                    and id(b) not in raw_seen
                    and not rel.endswith(".model.lkml")
                    and rel not in self.dep_unused
                ):
                    raw_seen.add(id(b))
                    raw_all.append(b)
        return out, raw_all

    # ---- data tests
    def collect_tests(self, models: dict[str, Model]) -> list[tuple[str, dict[str, Any]]]:
        out: list[tuple[str, dict[str, Any]]] = []
        for mname in sorted(models):
            m = models[mname]
            for rel in [m.file, *m.included_files]:
                pf = self.parsed.get(rel)
                if pf is None or pf.doc is None:
                    continue
                for t in pf.doc.get("tests", []) or []:
                    if isinstance(t, dict):
                        t.setdefault("_file", rel)
                        out.append((mname, t))
        return out

    # ---- exemptions
    def exemptions(
        self, dash_ignores: dict[str, list[IgnoreComment]], dashboards: list[Dashboard]
    ) -> list[Exemption]:
        out: list[Exemption] = []
        for rel, pf in self.parsed.items():
            if not pf.ignores:
                continue
            spans: list[tuple[int, int]] = []
            if pf.doc is not None:
                for key in ("views", "explores"):
                    for b in pf.doc.get(key, []) or []:
                        if not isinstance(b, dict):
                            continue
                        spans.append((b["_line"], b["_end"]))
                        for lk in NAMED_LISTS:
                            for c in b.get(lk, []) or []:
                                if isinstance(c, dict) and "_line" in c:
                                    spans.append((int(c["_line"]), int(c.get("_end") or c["_line"])))
            out.extend(_to_exemptions(rel, pf.ignores, spans))
        by_file: dict[str, list[tuple[int, int]]] = {}
        for d in dashboards:
            by_file.setdefault(d.file, []).append((d.line, d.end_line))
            for e in d.elements:
                by_file[d.file].append((e.line, e.end_line))
            for fl in d.filters:
                by_file[d.file].append((fl.line, fl.line))
        for rel, igs in dash_ignores.items():
            out.extend(_to_exemptions(rel, igs, by_file.get(rel, [])))
        return out


def _to_exemptions(rel: str, ignores: list[IgnoreComment], spans: list[tuple[int, int]]) -> list[Exemption]:
    out = []
    for ig in ignores:
        inner = [(s, e) for s, e in spans if s <= ig.target <= e]
        if inner:
            s, e = min(inner, key=lambda t: t[1] - t[0])
        else:
            s, e = ig.target, ig.target
        out.append(Exemption(rel, ig.line, ig.codes, ig.reason, min(s, ig.line), e))
    return out


def load_project(
    root: Path,
    *,
    dashboard_dirs: Sequence[Path] = (),
    cache_dir: Path | object | None = DEFAULT_CACHE,
    workers: int | None = None,
    dependencies: Mapping[str, Path] | None = None,
    meanwhile: Callable[[], object] | None = None,
    digests: dict[Path, tuple[bytes, int]] | None = None,
) -> Project:
    """Load the LookML project at ``root`` (and dashboards under ``dashboard_dirs``).

    ``dependencies``: local checkouts of the projects it imports (name -> folder); their files
    are read as ``//name/path`` and resolved as Looker resolves them.
    ``cache_dir``: where parsed files are cached (default: $LOOKER_OPS_CACHE_DIR, else
    $XDG_CACHE_HOME/looker-ops/parse, else ~/.cache/looker-ops/parse); ``None`` disables it.
    ``workers``: parse processes (default: the number of CPUs).
    ``meanwhile``: called once while the worker processes parse (work of the caller's that
    would otherwise wait for the parse, such as imports the next step needs).
    ``digests``: the content hash and size of files the caller has just read (not read again);
    the hashes of the files the load reads are added to it.
    Raises nothing for bad LookML: every problem is a Finding in ``Project.problems``.
    """
    root = Path(root)
    cdir: Path | None = default_cache_dir(root) if cache_dir is DEFAULT_CACHE else cache_dir  # type: ignore[assignment]
    loader = Loader(root, list(dashboard_dirs), cdir, workers, dependencies, meanwhile, digests)
    # No garbage collection while loading: the parse builds millions of objects that all live
    # on (about 15 % of a load); the parse workers forked meanwhile inherit the pause.
    with gc_paused():
        project = loader.load()
    seen: set[tuple[str, str | None, int | None, str]] = set()
    unique: list[Finding] = []
    for f in project.problems:
        key = (f.code, f.file, f.line, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    project.problems = unique
    if not project.models and any(f.endswith(".lkml") for f in project.files):
        project.problems.append(
            Finding(
                NO_MODEL, Severity.WARNING, "the project has no .model.lkml file: no explore can be checked"
            )
        )
    return project
