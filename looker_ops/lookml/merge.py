"""Merging LookML blocks the way Looker does: refinements onto their base, then ``extends``.

A refinement (``view: +name``) is applied to its base in include order, parameter by parameter
(fields and joins merged by name, ``${EXTENDED}`` replaced by the previous value); then
``extends`` is applied: the bases' final definitions in order, then the object itself on top.
:class:`Assembler` does this for a list of raw blocks and records duplicates and problems.
"""

from __future__ import annotations

from typing import Any

from looker_ops.findings import Finding, Severity

ORPHAN_REFINEMENT = "LKM004"
BAD_EXTENDS = "LKM005"

FIELD_LISTS = {
    "dimensions": "dimension",
    "dimension_groups": "dimension_group",
    "measures": "measure",
    "filters": "filter",
    "parameters": "parameter",
}
NAMED_LISTS = frozenset([*FIELD_LISTS, "sets", "joins", "aggregate_tables", "access_filters", "queries"])
META = frozenset(["_type", "_name", "_line", "_end", "_file", "_lines", "_origin", "_partial"])


def str_list(v: Any) -> list[str]:
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


def pairs_to_dict(v: Any) -> dict[str, str]:
    """``filters: [a: "x", b: "y"]`` (possibly repeated) -> {"a": "x", "b": "y"}."""
    out: dict[str, str] = {}
    if v is None:
        return out
    items = v if isinstance(v, list) else [v]
    for it in items:
        if isinstance(it, tuple) and len(it) == 2:
            out[str(it[0])] = str(it[1])
        elif isinstance(it, list):
            out.update(pairs_to_dict(it))
        elif isinstance(it, dict) and "field" in it:  # old style filters: { field: x value: y }
            out[str(it["field"])] = str(it.get("value", ""))
    return out


def measure_filters(props: dict[str, Any]) -> dict[str, str]:
    """The ``filters`` of a measure (new list style and old block style) as {field: expression}."""
    out = pairs_to_dict(props.get("filters__all"))
    out.update(pairs_to_dict(props.get("filters")))
    return out


def _origins(d: dict[str, Any]) -> dict[str, tuple[str, int]]:
    """Where each parameter of ``d`` was last set: (file, line of the block that sets it)."""
    o = d.get("_origin")
    if isinstance(o, dict):
        return o
    if "_file" not in d:
        return {}
    here = (str(d["_file"]), int(d.get("_line", 0)))
    return {k: here for k in d if k not in META}


def merge_blocks(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """Apply ``over`` (a refinement or an extending object) on top of ``base``.

    ``_origin`` records, for each parameter, the file and block line that set it last (in the
    order they were set), so a finding about a parameter added by a refinement in another file
    points there (:meth:`looker_ops.lookml.model.Field.origin`)."""
    out = dict(base)
    origin = dict(_origins(base))
    over_origin = _origins(over)
    for k in over:
        if k not in META and k in over_origin:
            origin.pop(k, None)
            origin[k] = over_origin[k]
    if origin:
        out["_origin"] = origin
    for k, v in over.items():
        if k in META and k != "_lines":
            continue
        if k == "_lines":
            out["_lines"] = {**base.get("_lines", {}), **v}
            continue
        old = out.get(k)
        if k in NAMED_LISTS and isinstance(old, list) and isinstance(v, list):
            merged = list(old)
            index = {it.get("_name"): i for i, it in enumerate(merged) if isinstance(it, dict)}
            for it in v:
                nm = it.get("_name") if isinstance(it, dict) else None
                if nm is not None and nm in index and isinstance(merged[index[nm]], dict):
                    merged[index[nm]] = merge_blocks(merged[index[nm]], it)
                else:
                    index[nm] = len(merged)
                    merged.append(it)
            out[k] = merged
        elif k == "extends__all" and isinstance(old, list):
            out[k] = old + list(v)
        elif isinstance(v, dict) and isinstance(old, dict) and "_name" not in v:
            out[k] = merge_blocks(old, v)
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


def tag_file(block: dict[str, Any], rel: str) -> None:
    block["_file"] = rel
    for key in NAMED_LISTS:
        items = block.get(key)
        if isinstance(items, list):
            for it in items:
                if isinstance(it, dict):
                    it["_file"] = rel


class LoaderProblems:
    """The loader's findings, shared by its parts (:class:`Assembler` here, the include resolver)."""

    # The loader's state that its parts read and fill (set by the loader's __init__).
    problems: list[Finding]
    duplicates: dict[tuple[str, str], list[tuple[str, int]]]

    def problem(
        self,
        code: str,
        msg: str,
        file: str | None,
        line: int | None,
        where: str | None = None,
        severity: Severity = Severity.ERROR,
    ) -> None:
        """Record a finding (an error unless ``severity`` says otherwise)."""
        self.problems.append(Finding(code, severity, msg, file, line, where))


class Assembler(LoaderProblems):
    """Refinements and ``extends`` of one kind of object (the loader's base)."""

    # True when a dependency the project imports is not here: a name defined nowhere may be
    # defined there, so a refinement of it or an ``extends`` of it is not an error.
    dependency_missing: bool
    # Files no model includes (when the project has models): Looker checks what they define only
    # where a model includes them, so an ``extends`` they cannot resolve is not an error.
    unincluded: frozenset[str] = frozenset()

    def _assemble(
        self,
        kind: str,
        blocks: list[dict[str, Any]],
        scope: str,
        orphan: str,
        outside: dict[str, dict[str, Any]] | None = None,
    ) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]], dict[str, list[tuple[str, int]]]]:
        """Merge each ``kind`` object's refinements into its base definition, then apply extends.

        Returns the final objects, their base definitions and every place that defines each.
        A second base definition is recorded as a duplicate under ``scope`` + name; a refinement
        of nothing is a problem, saying it "refines ``orphan``" (unless a missing dependency may
        define it: then the refinements alone make the object, marked ``_partial``).
        ``outside``: objects assembled elsewhere that ``extends`` may name.
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
                cur = merge_blocks(cur, r)
                cur["_name"] = name
                defs[name].append((r["_file"], r["_line"]))
            merged[name] = cur
        for name, refs in refinements.items():
            if self.dependency_missing:
                cur = dict(refs[0])
                for r in refs[1:]:
                    cur = merge_blocks(cur, r)
                cur["_name"], cur["_partial"] = name, True
                bases[name], merged[name] = refs[0], cur
                defs[name] = [(r["_file"], r["_line"]) for r in refs]
                continue
            for r in refs:
                self.problem(
                    ORPHAN_REFINEMENT,
                    f"refinement +{name} refines {orphan}",
                    r["_file"],
                    r["_line"],
                    f"{kind}:+{name}",
                )
        return self._apply_extends(merged, kind, outside or {}), bases, defs

    def _refinement_duplicates(self, view: str, block: dict[str, Any]) -> None:
        """A field defined twice in one refinement block is a duplicate, as in a plain view
        (merging by name would otherwise fold the second into the first silently)."""
        for key in FIELD_LISTS:
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

    def _apply_extends(
        self, merged: dict[str, dict[str, Any]], kind: str, outside: dict[str, dict[str, Any]]
    ) -> dict[str, dict[str, Any]]:
        """Each object with its ``extends`` applied (bases in order, then the object on top)."""
        final: dict[str, dict[str, Any]] = {}

        def resolve(name: str, stack: tuple[str, ...]) -> dict[str, Any]:
            if name in final:
                return final[name]
            d = merged[name]
            exts = str_list(d.get("extends__all"))
            if not exts:
                final[name] = d
                return d
            acc: dict[str, Any] | None = None
            for e in exts:
                if e == name or e in stack:
                    why = f"leads back to {name} (a cycle)"
                elif e not in merged and e in outside:
                    base = dict(outside[e])
                    base.pop("extension", None)
                    acc = base if acc is None else merge_blocks(acc, base)
                    continue
                elif e not in merged:
                    if self.dependency_missing:
                        d["_partial"] = True  # the base may come from the missing dependency
                        continue
                    if d.get("extension") == "required" or d.get("_file") in self.unincluded:
                        # Looker uses an `extension: required` object only where another object
                        # extends it, so its base is looked up there (a block's config project
                        # extends the core project's objects, which only the importer has)
                        d["_partial"] = True
                        self.problem(
                            BAD_EXTENDS,
                            f"{kind} {name} extends {e}, which is not defined here: "
                            + (
                                "Looker resolves it only where it is extended (extension: required)"
                                if d.get("extension") == "required"
                                else "its file is not included by any model, and Looker resolves it "
                                "only where a model includes it"
                            ),
                            d.get("_file"),
                            d.get("_lines", {}).get("extends", d.get("_line")),
                            f"{kind}:{name}",
                            Severity.INFO,
                        )
                        continue
                    why = "is not defined"
                else:
                    base = dict(resolve(e, (*stack, name)))
                    base.pop("extension", None)
                    acc = base if acc is None else merge_blocks(acc, base)
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
            out = merge_blocks(acc, d)
            if d.get("_partial"):
                out["_partial"] = True
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
