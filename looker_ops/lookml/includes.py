"""Include patterns resolved as Looker resolves them.

Globs (``*``, ``**``, ``?``), the ``.lkml``/``.lookml`` suffix left off, paths relative to the
including file unless they start with ``/``; a pattern starting with ``//`` reads another
project (a dependency).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path

from looker_ops.lookml.merge import LoaderProblems, str_list
from looker_ops.lookml.parsecache import ParsedFile

INCLUDE_NOTHING = "LKM002"
MISSING_DEPENDENCY = "LKM007"


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


_CONSTANT = re.compile(r"@\{(\w+)\}")


def with_constants(text: str, constants: Mapping[str, str]) -> str:
    """``text`` with the manifest constants it names substituted (an unknown one is left as it
    is: the loader reports it where constants are resolved)."""
    if "@{" not in text:
        return text
    return _CONSTANT.sub(lambda m: constants.get(m.group(1), m.group(0)), text)


def split_dependency(rel: str) -> tuple[str, str]:
    """("//name/", rest) for a file of a dependency (``//name/views/x.view.lkml``), else ("", rel)."""
    if rel.startswith("//"):
        name, _, rest = rel[2:].partition("/")
        return f"//{name}/", rest
    return "", rel


def resolve_include(
    pattern: str,
    from_file: str,
    files: Sequence[str],
    dependencies: Collection[str] = (),
    root_names: Collection[str] = (),
) -> list[str] | None:
    """Files (relative, posix) an include pattern matches; None for an include of a dependency
    that is not here (``//name/...`` with ``name`` not in ``dependencies``). ``root_names``: the
    names of the project being checked (its ``project_name``): a dependency that imports it back
    (``//name/...``) reads its files.

    A dependency's files are named ``//name/path``: its own includes (``/views/*``) resolve in it.
    Dashboards match as LookML files do (``*.dashboard`` matches ``x.dashboard.lookml``)."""
    pat = pattern.strip()
    prefix, local = split_dependency(from_file)
    if pat.startswith("//"):
        dep, _, rest = pat[2:].partition("/")
        if dep in root_names and dep not in dependencies:
            prefix, full = "", rest
        elif dep not in dependencies:
            return None
        else:
            prefix, full = f"//{dep}/", rest
    elif pat.startswith("/"):
        full = pat[1:]
    else:
        base = local.rsplit("/", 1)[0] if "/" in local else ""
        full = f"{base}/{pat}" if base else pat
    rx = _glob_regex(prefix + _normalize(full))
    return [f for f in files if rx.match(f)]


class IncludeResolver(LoaderProblems):
    """The files each model includes, recursively (a part of the loader)."""

    # The loader's state that this part reads and fills (set by the loader's __init__).
    root: Path
    parsed: dict[str, ParsedFile]
    _reported_set: set[tuple[str, str]]

    dependencies: dict[str, Path]
    constants: dict[str, str]  # manifest.lkml's constants (an include may name one: //@{NAME}/...)
    # Dependencies named by an include (//name/...) but not here: name -> (file, line) of the first.
    missing_dependencies: dict[str, tuple[str, int]]
    files_using_missing: set[str]  # model files that include a dependency that is not here
    root_names: set[str]  # the checked project's own names (project_name): //name/ reads its files

    def constants_for(self, file: str) -> Mapping[str, str]:
        """The constants a file's ``@{NAME}`` reads (the loader gives a dependency's file its
        own manifest's)."""
        return self.constants

    def resolve_includes(self, start: str, files: list[str]) -> tuple[list[str], list[str]]:
        """The LookML files and the dashboard files ``start`` includes, directly or through
        included files, in include order."""
        out: list[str] = []
        dashboards: list[str] = []
        seen = {start}
        queue = [start]
        while queue:
            cur = queue.pop(0)
            pf = self.parsed.get(cur)
            if pf is None or pf.doc is None:
                continue
            lines = pf.doc.get("_lines", {})
            for pat in str_list(pf.doc.get("includes")):
                pat = with_constants(pat, self.constants_for(cur))
                matched = resolve_include(pat, cur, files, self.dependencies, self.root_names)
                if matched is None:
                    dep = pat.strip()[2:].partition("/")[0]
                    line = self._include_line(cur, pat, int(lines.get("include", 1)))
                    self.missing_dependencies.setdefault(dep, (cur, line))
                    self.files_using_missing.add(start)
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
                    # a model file of the project is not included; a dependency's is (its
                    # explores join the including model, as in Looker's blocks)
                    if f in seen or (f.endswith(".model.lkml") and not f.startswith("//")):
                        continue
                    seen.add(f)
                    if f.endswith(".dashboard.lookml"):
                        dashboards.append(f)
                    else:
                        out.append(f)
                        queue.append(f)
        return out, dashboards

    def _reported(self, f: str, pat: str) -> bool:
        return (f, pat) in self._reported_set

    def _include_line(self, rel: str, pat: str, default: int) -> int:
        prefix, local = split_dependency(rel)
        base = self.dependencies.get(prefix[2:-1], self.root) if prefix else self.root
        try:
            text = (base / local).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return default
        for i, ln in enumerate(text.splitlines(), 1):
            if "include" in ln and pat in ln:
                return i
        return default
