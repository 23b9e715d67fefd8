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
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from looker_ops.findings import Finding, Severity
from looker_ops.lookml.model import (
    Dashboard,
    Exemption,
    Explore,
    Field,
    Join,
    Model,
    Project,
    View,
)
from looker_ops.lookml.parsecache import IgnoreComment, ParsedFile, default_cache_dir, parse_files

__all__ = [
    "DEFAULT_TIMEFRAMES",
    "DURATION_INTERVALS",
    "TIMEFRAMES",
    "Dashboard",
    "Explore",
    "Field",
    "Join",
    "Model",
    "Project",
    "View",
    "expand_group_names",
    "load_project",
]

# Codes of the loader's own findings.
SYNTAX = "LKM001"
INCLUDE_NOTHING = "LKM002"
UNKNOWN_CONSTANT = "LKM003"
ORPHAN_REFINEMENT = "LKM004"
BAD_EXTENDS = "LKM005"
NO_MODEL = "LKM006"
REMOTE_INCLUDE = "LKM007"

TIMEFRAMES = (
    "raw",
    "time",
    "time_of_day",
    "date",
    "week",
    "month",
    "quarter",
    "year",
    "hour",
    "hour2",
    "hour3",
    "hour4",
    "hour6",
    "hour8",
    "hour12",
    "minute",
    "minute2",
    "minute3",
    "minute4",
    "minute5",
    "minute6",
    "minute10",
    "minute12",
    "minute15",
    "minute20",
    "minute30",
    "second",
    "millisecond",
    "millisecond2",
    "millisecond4",
    "millisecond8",
    "millisecond10",
    "millisecond20",
    "millisecond25",
    "millisecond40",
    "millisecond50",
    "millisecond100",
    "millisecond125",
    "millisecond200",
    "millisecond250",
    "millisecond500",
    "microsecond",
    "hour_of_day",
    "day_of_week",
    "day_of_week_index",
    "day_of_month",
    "day_of_year",
    "week_of_year",
    "month_name",
    "month_num",
    "quarter_of_year",
    "fiscal_month_num",
    "fiscal_quarter",
    "fiscal_quarter_of_year",
    "fiscal_year",
)
DEFAULT_TIMEFRAMES = ("raw", "time", "date", "week", "month", "quarter", "year")
DURATION_INTERVALS = ("day", "hour", "minute", "month", "quarter", "second", "week", "year")

_FIELD_LISTS = {
    "dimensions": "dimension",
    "dimension_groups": "dimension_group",
    "measures": "measure",
    "filters": "filter",
    "parameters": "parameter",
}
_NAMED_LISTS = frozenset([*_FIELD_LISTS, "sets", "joins", "aggregate_tables", "access_filters", "queries"])
_META = frozenset(["_type", "_name", "_line", "_end", "_file", "_lines", "_origin"])
_CONST_RE = re.compile(r"@\{([A-Za-z_][A-Za-z0-9_]*)\}")


# --------------------------------------------------------------------------- helpers


def expand_group_names(group: dict[str, Any]) -> list[tuple[str, str]]:
    """(field name, timeframe or interval) for each field a dimension_group creates."""
    name = str(group.get("_name"))
    gtype = str(group.get("type", "time")).lower()
    if gtype == "duration":
        intervals = group.get("intervals") or list(DURATION_INTERVALS)
        return [(f"{iv}s_{name}", iv) for iv in _str_list(intervals)]
    tfs = group.get("timeframes") or list(DEFAULT_TIMEFRAMES)
    return [(f"{name}_{tf}", tf) for tf in _str_list(tfs)]


def _str_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        out: list[str] = []
        for x in v:
            if isinstance(x, list):
                out.extend(str(y) for y in x)
            else:
                out.append(str(x))
        return out
    return [str(v)]


def _pairs_to_dict(v: Any) -> dict[str, str]:
    """``filters: [a: "x", b: "y"]`` (possibly repeated) -> {"a": "x", "b": "y"}."""
    out: dict[str, str] = {}
    if v is None:
        return out
    items = v if isinstance(v, list) else [v]
    for it in items:
        if isinstance(it, tuple) and len(it) == 2:
            out[str(it[0])] = str(it[1])
        elif isinstance(it, list):
            out.update(_pairs_to_dict(it))
        elif isinstance(it, dict) and "field" in it:  # old style filters: { field: x value: y }
            out[str(it["field"])] = str(it.get("value", ""))
    return out


def measure_filters(props: dict[str, Any]) -> dict[str, str]:
    """The ``filters`` of a measure (new list style and old block style) as {field: expression}."""
    out = _pairs_to_dict(props.get("filters__all"))
    out.update(_pairs_to_dict(props.get("filters")))
    return out


def _origins(d: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Where each parameter of ``d`` was last set: (file, line of the block that sets it)."""
    o = d.get("_origin")
    if isinstance(o, dict):
        return o
    if "_file" not in d:
        return {}
    here = (str(d["_file"]), int(d.get("_line", 0)))
    return {k: here for k in d if k not in _META}


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Apply ``over`` (a refinement or an extending object) on top of ``base``.

    ``_origin`` records, for each parameter, the file and block line that set it last (in the
    order they were set), so a finding about a parameter added by a refinement in another file
    points there (:meth:`looker_ops.lookml.model.Field.origin`)."""
    out = dict(base)
    origin = dict(_origins(base))
    over_origin = _origins(over)
    for k in over:
        if k not in _META and k in over_origin:
            origin.pop(k, None)
            origin[k] = over_origin[k]
    if origin:
        out["_origin"] = origin
    for k, v in over.items():
        if k in _META and k != "_lines":
            continue
        if k == "_lines":
            out["_lines"] = {**base.get("_lines", {}), **v}
            continue
        old = out.get(k)
        if k in _NAMED_LISTS and isinstance(old, list) and isinstance(v, list):
            merged = list(old)
            index = {it.get("_name"): i for i, it in enumerate(merged) if isinstance(it, dict)}
            for it in v:
                nm = it.get("_name") if isinstance(it, dict) else None
                if nm is not None and nm in index and isinstance(merged[index[nm]], dict):
                    merged[index[nm]] = _merge(merged[index[nm]], it)
                else:
                    index[nm] = len(merged)
                    merged.append(it)
            out[k] = merged
        elif k == "extends__all" and isinstance(old, list):
            out[k] = old + list(v)
        elif isinstance(v, dict) and isinstance(old, dict) and "_name" not in v:
            out[k] = _merge(old, v)
        elif isinstance(v, str) and "${EXTENDED}" in v:
            out[k] = v.replace("${EXTENDED}", old if isinstance(old, str) else "")
        else:
            out[k] = v
    # The definition that last set the SQL is where SQL findings point.
    if any(key in over for key in ("sql", "sql_on", "sql_table_name", "derived_table")) or "_file" not in out:
        for key in ("_file", "_line"):
            if key in over:
                out[key] = over[key]
    return out


def _tag_file(block: dict[str, Any], rel: str) -> None:
    block["_file"] = rel
    for key in _NAMED_LISTS:
        items = block.get(key)
        if isinstance(items, list):
            for it in items:
                if isinstance(it, dict):
                    it["_file"] = rel


def _glob_regex(pattern: str) -> re.Pattern[str]:
    out = []
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        else:
            out.append(re.escape(c))
        i += 1
    rx = "".join(out)
    if not pattern.endswith((".lkml", ".lookml", "*")):
        rx += r"(?:\.lkml|\.lookml)?"
    return re.compile(rx + "$")


def _normalize(path: str) -> str:
    parts: list[str] = []
    for seg in path.split("/"):
        if seg in ("", "."):
            continue
        if seg == "..":
            if parts:
                parts.pop()
            continue
        parts.append(seg)
    return "/".join(parts)


def resolve_include(pattern: str, from_file: str, files: Sequence[str]) -> list[str] | None:
    """Files (relative, posix) an include pattern matches; None for a remote-project include."""
    pat = pattern.strip()
    if pat.startswith("//"):
        return None
    if pat.startswith("/"):
        full = pat[1:]
    else:
        base = from_file.rsplit("/", 1)[0] if "/" in from_file else ""
        full = f"{base}/{pat}" if base else pat
    full = _normalize(full)
    rx = _glob_regex(full)
    return [f for f in files if rx.match(f)]


# --------------------------------------------------------------------------- loader


class _Loader:
    def __init__(
        self, root: Path, dashboard_dirs: Sequence[Path], cache_dir: Path | None, workers: int | None
    ):
        self.root = root
        self.dashboard_dirs = dashboard_dirs
        self.cache_dir = cache_dir
        self.workers = workers
        self.problems: list[Finding] = []
        self.parsed: dict[str, ParsedFile] = {}
        self.constants: dict[str, str] = {}
        self.const_lines: dict[str, int] = {}
        self.duplicates: dict[tuple[str, str], list[tuple[str, int]]] = {}
        self._reported_set: set[tuple[str, str]] = set()

    def problem(
        self, code: str, msg: str, file: str | None, line: int | None, where: str | None = None
    ) -> None:
        self.problems.append(Finding(code, Severity.ERROR, msg, file, line, where))

    # ---- discovery + parse
    def discover(self) -> tuple[list[str], list[Path]]:
        lkml: list[str] = []
        dash: list[Path] = []
        skip = {".git", ".looker-ops-cache", "node_modules", ".venv", "__pycache__"}
        for p in sorted(_walk(self.root, skip)):
            rel = p.relative_to(self.root).as_posix()
            if rel.endswith(".dashboard.lookml"):
                dash.append(p)
            elif rel.endswith(".lkml"):
                lkml.append(rel)
        seen = {d.resolve() for d in dash}
        for d in self.dashboard_dirs:
            if not d.is_dir():
                continue
            for p in sorted(d.rglob("*.dashboard.lookml")):
                if p.resolve() not in seen:
                    seen.add(p.resolve())
                    dash.append(p)
        return lkml, dash

    def rel(self, p: Path) -> str:
        """A path relative to the project root (``../dashboards/x.dashboard.lookml`` outside it)."""
        import os

        return Path(os.path.relpath(p.resolve(), self.root.resolve())).as_posix()

    def load(self) -> Project:
        lkml_files, dash_paths = self.discover()
        dash_rels = [self.rel(p) for p in dash_paths]
        parsed_all = parse_files(
            [self.root / f for f in lkml_files] + list(dash_paths),
            cache_dir=self.cache_dir,
            workers=self.workers,
            rels=lkml_files + dash_rels,
        )
        parsed = parsed_all[: len(lkml_files)]
        self.parsed = dict(zip(lkml_files, parsed, strict=True))
        for rel, pf in self.parsed.items():
            if pf.error is not None:
                self.problem(SYNTAX, pf.error[1], rel, pf.error[0])
            elif pf.doc is not None:
                for key in ("views", "explores"):
                    for b in pf.doc.get(key, []) or []:
                        if isinstance(b, dict):
                            _tag_file(b, rel)
        self.read_manifest()
        # @{CONSTANTS} are replaced in each file's objects before anything is merged, so a
        # refinement or extends carries the resolved text; files without "@{" are skipped.
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
        models = self.build_models(lkml_files)
        order = self.file_order(models, lkml_files)
        views, raw_views = self.build_views(order)
        explores, raw_explores = self.build_explores(models)
        datagroups: dict[str, dict[str, Any]] = {}
        for m in models.values():
            for dg in m.props.get("datagroups", []) or []:
                if isinstance(dg, dict) and dg.get("_name"):
                    dg = dict(dg)
                    dg["_file"] = m.file
                    datagroups[str(dg["_name"])] = dg

        from looker_ops.lookml.dashboards import YAML_ERROR

        dashboards: list[Dashboard] = []
        dash_ignores: dict[str, list[IgnoreComment]] = {}
        for rel, pf in zip(dash_rels, parsed_all[len(lkml_files) :], strict=True):
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

        project = Project(
            root=self.root,
            constants=dict(self.constants),
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
        )
        project.exemptions = self.exemptions(dash_ignores, dashboards)
        return project

    # ---- manifest + constants
    def read_manifest(self) -> None:
        self.manifest = {}
        pf = self.parsed.get("manifest.lkml")
        if pf is None or pf.doc is None:
            return
        self.manifest = pf.doc
        for c in pf.doc.get("constants", []) or []:
            if isinstance(c, dict) and c.get("_name"):
                self.constants[str(c["_name"])] = str(c.get("value", ""))
                self.const_lines[str(c["_name"])] = int(c.get("_line", 0))

    def resolve_constants(self, obj: Any, file: str, line: int, where: str) -> Any:
        if isinstance(obj, str):
            if "@{" not in obj:
                return obj

            def sub(m: re.Match[str]) -> str:
                name = m.group(1)
                if name in self.constants:
                    return self.constants[name]
                self.problem(
                    UNKNOWN_CONSTANT,
                    f"constant @{{{name}}} is not defined in manifest.lkml",
                    file,
                    line,
                    where,
                )
                return m.group(0)

            return _CONST_RE.sub(sub, obj)
        if isinstance(obj, dict):
            f = obj.get("_file", file)
            ln = obj.get("_line", line)
            return {k: (v if k in _META else self.resolve_constants(v, f, ln, where)) for k, v in obj.items()}
        if isinstance(obj, list):
            return [self.resolve_constants(v, file, line, where) for v in obj]
        if isinstance(obj, tuple):
            return tuple(self.resolve_constants(v, file, line, where) for v in obj)
        return obj

    # ---- models + includes
    def build_models(self, files: list[str]) -> dict[str, Model]:
        models: dict[str, Model] = {}
        for rel in files:
            if not rel.endswith(".model.lkml"):
                continue
            name = rel.rsplit("/", 1)[-1][: -len(".model.lkml")]
            pf = self.parsed[rel]
            doc = pf.doc or {}
            includes = _str_list(doc.get("includes"))
            included = self.resolve_includes(rel, files)
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
            models[name] = Model(name, rel, conn, includes, explores, doc, included)
        return models

    def resolve_includes(self, start: str, files: list[str]) -> list[str]:
        out: list[str] = []
        seen = {start}
        queue = [start]
        while queue:
            cur = queue.pop(0)
            pf = self.parsed.get(cur)
            if pf is None or pf.doc is None:
                continue
            lines = pf.doc.get("_lines", {})
            for pat in _str_list(pf.doc.get("includes")):
                matched = resolve_include(pat, cur, files)
                if matched is None:
                    if not self._reported(cur, pat):
                        self._reported_set.add((cur, pat))
                        self.problems.append(
                            Finding(
                                REMOTE_INCLUDE,
                                Severity.INFO,
                                f'include "{pat}" reads another project, which is not checked: findings about '
                                "names it defines (extends, joins, fields) may not apply",
                                cur,
                                self._include_line(cur, pat, int(lines.get("include", 1))),
                            )
                        )
                    continue
                if not matched and not self._reported(cur, pat):
                    self.problem(
                        INCLUDE_NOTHING,
                        f'include "{pat}" matches no file',
                        cur,
                        self._include_line(cur, pat, int(lines.get("include", 1))),
                    )
                    self._reported_set.add((cur, pat))
                for f in matched:
                    if f not in seen and not f.endswith(".model.lkml"):
                        seen.add(f)
                        out.append(f)
                        queue.append(f)
        return out

    def _reported(self, f: str, pat: str) -> bool:
        return (f, pat) in self._reported_set

    def _include_line(self, rel: str, pat: str, default: int) -> int:
        try:
            text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return default
        for i, ln in enumerate(text.splitlines(), 1):
            if "include" in ln and pat in ln:
                return i
        return default

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

    def _assemble(
        self, kind: str, blocks: list[dict[str, Any]], scope: str, orphan: str
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, list[tuple[str, int]]]]:
        """Merge each ``kind`` object's refinements into its base definition, then apply extends.

        Returns the final objects, their base definitions and every place that defines each.
        A second base definition is recorded as a duplicate under ``scope`` + name; a refinement
        of nothing is a problem, saying it "refines ``orphan``".
        """
        bases: dict[str, dict[str, Any]] = {}
        refinements: dict[str, list[dict[str, Any]]] = {}
        for b in blocks:
            name = str(b["_name"])
            if name.startswith("+"):
                refinements.setdefault(name[1:], []).append(b)
                if kind == "view":
                    self._refinement_duplicates(name[1:], b)
            elif name in bases:
                self.duplicates.setdefault(
                    (kind, scope + name), [(bases[name]["_file"], bases[name]["_line"])]
                ).append((b["_file"], b["_line"]))
            else:
                bases[name] = b
        merged: dict[str, dict[str, Any]] = {}
        defs: dict[str, list[tuple[str, int]]] = {}
        for name, b in bases.items():
            cur = b
            defs[name] = [(b["_file"], b["_line"])]
            for r in refinements.pop(name, []):
                cur = _merge(cur, r)
                cur["_name"] = name
                defs[name].append((r["_file"], r["_line"]))
            merged[name] = cur
        for name, refs in refinements.items():
            for r in refs:
                self.problem(
                    ORPHAN_REFINEMENT,
                    f"refinement +{name} refines {orphan}",
                    r["_file"],
                    r["_line"],
                    f"{kind}:+{name}",
                )
        return self._apply_extends(merged, kind), bases, defs

    def _refinement_duplicates(self, view: str, block: dict[str, Any]) -> None:
        """A field defined twice in one refinement block is a duplicate, as in a plain view
        (merging by name would otherwise fold the second into the first silently)."""
        for key in _FIELD_LISTS:
            seen: dict[str, tuple[str, int]] = {}
            for fd in block.get(key, []) or []:
                if not isinstance(fd, dict) or not fd.get("_name"):
                    continue
                fname = str(fd["_name"])
                here = (str(fd.get("_file", block.get("_file", ""))), int(fd.get("_line", 0)))
                if fname in seen:
                    self.duplicates.setdefault(("field", f"{view}.{fname}"), [seen[fname]]).append(here)
                else:
                    seen[fname] = here

    def build_views(self, order: list[str]) -> tuple[dict[str, View], list[dict[str, Any]]]:
        raw = self._named_blocks(order, "views", "view")
        final, bases, defs = self._assemble("view", raw, "", "a view that is not defined")
        views = {name: self._make_view(name, d, bases[name], defs[name]) for name, d in final.items()}
        return views, raw

    def _apply_extends(self, merged: dict[str, dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
        final: dict[str, dict[str, Any]] = {}

        def resolve(name: str, stack: tuple[str, ...]) -> dict[str, Any]:
            if name in final:
                return final[name]
            d = merged[name]
            exts = _str_list(d.get("extends__all"))
            if not exts:
                final[name] = d
                return d
            acc: dict[str, Any] | None = None
            for e in exts:
                if e == name or e in stack:
                    why = f"leads back to {name} (a cycle)"
                elif e not in merged:
                    why = "is not defined"
                else:
                    base = dict(resolve(e, (*stack, name)))
                    base.pop("extension", None)
                    acc = base if acc is None else _merge(acc, base)
                    continue
                self.problem(
                    BAD_EXTENDS,
                    f"{kind} {name} extends {e}, which {why}",
                    d.get("_file"),
                    d.get("_lines", {}).get("extends", d.get("_line")),
                    f"{kind}:{name}",
                )
            if acc is None:
                final[name] = d
                return d
            out = _merge(acc, d)
            for k in ("_name", "_file", "_line", "_end"):
                if k in d:
                    out[k] = d[k]
            if "extension" not in d:
                out.pop("extension", None)
            final[name] = out
            return out

        for name in merged:
            resolve(name, ())
        return final

    def _make_view(
        self, name: str, d: dict[str, Any], base: dict[str, Any], defs: list[tuple[str, int]]
    ) -> View:
        fields: dict[str, Field] = {}
        groups: dict[str, Field] = {}
        vfile = str(base.get("_file", ""))
        seen_lines: dict[str, tuple[str, int]] = {}
        for key, kind in _FIELD_LISTS.items():
            for fd in d.get(key, []) or []:
                if not isinstance(fd, dict) or not fd.get("_name"):
                    continue
                fname = str(fd["_name"])
                ffile = str(fd.get("_file", vfile))
                fline = int(fd.get("_line", 0))
                ftype = str(fd.get("type", "time" if kind == "dimension_group" else "string")).lower()
                sql = fd.get("sql")
                sql = str(sql) if sql is not None else None
                if kind == "dimension_group":
                    g = Field(name, fname, kind, ftype, sql, ffile, fline, fd, int(fd.get("_end", fline)))
                    groups[fname] = g
                    for tf_name, tf in expand_group_names(fd):
                        self._add_field(
                            fields,
                            seen_lines,
                            Field(name, tf_name, kind, ftype, sql, ffile, fline, fd, g.end_line, fname, tf),
                        )
                else:
                    self._add_field(
                        fields,
                        seen_lines,
                        Field(name, fname, kind, ftype, sql, ffile, fline, fd, int(fd.get("_end", fline))),
                    )
        dt = d.get("derived_table")
        stn = d.get("sql_table_name")
        return View(
            name=name,
            file=vfile,
            line=int(base.get("_line", 0)),
            sql_table_name=str(stn).strip() if stn is not None else None,
            derived_table=dt if isinstance(dt, dict) else None,
            fields=fields,
            extends=_str_list(d.get("extends__all")),
            props=d,
            end_line=int(base.get("_end", 0)),
            definitions=defs,
            groups=groups,
        )

    def _add_field(self, fields: dict[str, Field], seen: dict[str, tuple[str, int]], f: Field) -> None:
        if f.name in fields:
            self.duplicates.setdefault(("field", f"{f.view}.{f.name}"), [seen[f.name]]).append(
                (f.file, f.line)
            )
            return
        fields[f.name] = f
        seen[f.name] = (f.file, f.line)

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
                if isinstance(b, dict) and id(b) not in raw_seen and not rel.endswith(".model.lkml"):
                    raw_seen.add(id(b))
                    raw_all.append(b)
        return out, raw_all

    def _make_explore(
        self, model: str, name: str, d: dict[str, Any], base: dict[str, Any], defs: list[tuple[str, int]]
    ) -> Explore:
        efile = str(base.get("_file", ""))
        joins: list[Join] = []
        for jd in d.get("joins", []) or []:
            if not isinstance(jd, dict) or not jd.get("_name"):
                continue
            jname = str(jd["_name"])
            joins.append(
                Join(
                    name=jname,
                    view_name=str(jd.get("from") or jd.get("view_name") or jname),
                    relationship=str(jd.get("relationship", "many_to_one")).lower(),
                    type=str(jd.get("type", "left_outer")).lower(),
                    sql_on=_opt_str(jd.get("sql_on")),
                    sql_where=_opt_str(jd.get("sql_where")),
                    foreign_key=_opt_str(jd.get("foreign_key")),
                    file=str(jd.get("_file", efile)),
                    line=int(jd.get("_line", 0)),
                    props=jd,
                    end_line=int(jd.get("_end") or jd.get("_line") or 0),
                )
            )
        af = d.get("always_filter")
        cf = d.get("conditionally_filter")
        access = []
        for a in d.get("access_filters", []) or []:
            if isinstance(a, dict):
                access.append(
                    {"field": str(a.get("field", "")), "user_attribute": str(a.get("user_attribute", ""))}
                )
        fields = d.get("fields")
        return Explore(
            model=model,
            name=name,
            view_name=str(d.get("from") or d.get("view_name") or name),
            joins=joins,
            always_filter=_pairs_to_dict(af.get("filters__all")) if isinstance(af, dict) else {},
            conditionally_filter=_pairs_to_dict(cf.get("filters__all")) if isinstance(cf, dict) else {},
            conditionally_filter_unless=_str_list(cf.get("unless")) if isinstance(cf, dict) else [],
            sql_always_where=_opt_str(d.get("sql_always_where")),
            access_filter=access,
            fields=_str_list(fields) if fields is not None else None,
            file=efile,
            line=int(base.get("_line", 0)),
            props=d,
            end_line=int(base.get("_end", 0)),
            definitions=defs,
        )

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
                        for lk in _NAMED_LISTS:
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


def _opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def _walk(root: Path, skip: set[str]) -> Iterable[Path]:
    import os

    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in skip and not d.startswith(".")]
        for fn in filenames:
            if fn.endswith((".lkml", ".lookml")):
                yield Path(dirpath) / fn


_UNSET = object()


def load_project(
    root: Path,
    *,
    dashboard_dirs: Sequence[Path] = (),
    cache_dir: Path | object | None = _UNSET,
    workers: int | None = None,
) -> Project:
    """Load the LookML project at ``root`` (and dashboards under ``dashboard_dirs``).

    ``cache_dir``: where parsed files are cached (default: $LOOKER_OPS_CACHE_DIR, else
    $XDG_CACHE_HOME/looker-ops/parse, else ~/.cache/looker-ops/parse); ``None`` disables it.
    ``workers``: parse processes (default: the number of CPUs).
    Raises nothing for bad LookML: every problem is a Finding in ``Project.problems``.
    """
    root = Path(root)
    cdir: Path | None = default_cache_dir(root) if cache_dir is _UNSET else cache_dir  # type: ignore[assignment]
    loader = _Loader(root, list(dashboard_dirs), cdir, workers)
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
