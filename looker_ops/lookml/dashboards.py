"""``.dashboard.lookml`` files (YAML) -> :class:`Dashboard` objects, with line numbers.

The YAML is composed into nodes (PyYAML's SafeLoader), so every dashboard, element and filter
keeps the line it starts on. Keys that a LookML dashboard does not have, and values of the
wrong shape (``fields`` not a list, ``listen`` not a mapping...), are findings (``DSH002``)
naming the file and line; a file that is not valid YAML is one ``DSH001`` finding.
Visualization settings of an element (``show_view_names``, ``series_colors``...) are free-form,
so unknown element keys are accepted, except a near miss of a structural element key
(``lisen``, ``listen_to``, ``widht``: :func:`near_miss`), which is reported with the key it
probably meant. Unknown dashboard and filter keys say which known key they are close to.

Known keys follow Looker's reference pages for LookML dashboards (dashboard parameters, and
the element pages' basic, query and text parameters).
"""

from __future__ import annotations

import difflib
import functools
import operator
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import yaml

from looker_ops.findings import Finding, Severity
from looker_ops.lookml import dashboard_lines, dashboard_yaml
from looker_ops.lookml.dashboard_keys import (
    DASHBOARD_KEYS,
    ELEMENT_KEYS,
    ELEMENT_TYPES,
    FILTER_KEYS,
    IDENTITY_KEYS,
    VIS_SETTINGS_NEAR_STRUCTURAL,
)
from looker_ops.lookml.dashboard_yaml import YMap, YSeq
from looker_ops.lookml.ignores import IgnoreComment, scan_ignores
from looker_ops.lookml.model import Dashboard, DashboardElement, DashboardFilter
from looker_ops.yamlutil import error_line, error_problem

YAML_ERROR = "DSH001"
BAD_KEY = "DSH002"


def _osa_distance(a: str, b: str, cap: int | None = None) -> int:
    """Edit distance counting a swap of two neighbouring letters as one edit; with ``cap``,
    ``cap`` as soon as it is sure to be at least that (two rows of the table at ``cap`` or more:
    no later cell can be smaller)."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    low = cap is not None and min(prev) >= cap
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if cap is not None:
            if min(cur) >= cap and low:
                return cap
            low = min(cur) >= cap
        prev2, prev = prev, cur
    return prev[len(b)]


@functools.lru_cache(maxsize=4096)
def _letters(name: str) -> Counter[str]:
    return Counter(name)


def _letter_gap(letters: Counter[str], name: str) -> int:
    """A lower bound of the edit distance between the word counted in ``letters`` and
    ``name``: the larger of the letters one has more of than the other (an insertion, deletion
    or substitution changes each side by at most one, a swap by none)."""
    other = _letters(name)
    return max((letters - other).total(), (other - letters).total())


@functools.lru_cache(maxsize=8192)
def near_miss(key: str, known: frozenset[str]) -> str | None:
    """The known key ``key`` is probably a typo of: a close difflib match (ratio >= 0.8), or an
    edit distance of 1 (2 for keys longer than 4 letters). None when nothing is that close.

    Memoised: a project's dashboards repeat the same few hundred visualization keys thousands
    of times, and each distinct key is compared with the known ones once."""
    k = key.lower()
    names = sorted(known)
    best = difflib.get_close_matches(k, names, n=1, cutoff=0.8)
    if best:
        return best[0]
    # distances of 3 or more all mean "not close": each is computed only until that is sure,
    # and not at all for a name 3 or more letters apart (no edit changes that count by more
    # than one: see _letter_gap)
    letters = Counter(k)
    scored = sorted(
        (3 if _letter_gap(letters, n) >= 3 else _osa_distance(k, n, cap=3), n)
        for n in names
        if abs(len(n) - len(k)) <= 2
    )
    for dist, n in scored:
        if dist <= (2 if len(n) > 4 else 1):
            return n
        break
    return None


def _hint(key: str, known: frozenset[str]) -> str:
    guess = near_miss(key, known)
    return f" (did you mean {guess}?)" if guess else ""


_LIST_KEYS = ("fields", "sorts", "pivots", "hidden_fields", "dynamic_fields")
_MAP_KEYS = ("filters", "listen")


def _map_items(node: YMap) -> list[tuple[str, Any, int]]:
    """(key as text, value, line of the key) of each key of a mapping, in order."""
    return [(str(k), v, line) for (k, v, _), line in zip(node.items, node.lines, strict=True)]


def _s(v: Any) -> str | None:
    if v is None:
        return None
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


# element key -> the structural key it is a near miss of (None: a structural key or a
# visualization setting); dashboards repeat the same few hundred keys thousands of times
_ELEMENT_GUESS: dict[str, str | None] = {}
# the keys of _ELEMENT_GUESS that are near misses (an element without any is passed at once)
_GUESSED: set[str] = set()
_KEY = operator.itemgetter(0)
_VALUE = operator.itemgetter(1)


def _element_guess(key: str) -> str | None:
    if key in ELEMENT_KEYS or key in VIS_SETTINGS_NEAR_STRUCTURAL:
        return None
    return near_miss(key, ELEMENT_KEYS)


def _given_twice(key: str, first: int, again: int, file: str, where: str) -> Finding:
    """A key given twice in one mapping: YAML readers keep the later value, silently."""
    return Finding(
        BAD_KEY,
        Severity.WARNING if key in IDENTITY_KEYS else Severity.INFO,
        f"key `{key}` given twice (lines {first} and {again}): the later value is used",
        file,
        again,
        where,
    )


def _parse_element(
    node: Any, line: int, file: str, problems: list[Finding], dname: str
) -> DashboardElement | None:
    if not isinstance(node, YMap):
        problems.append(
            Finding(BAD_KEY, Severity.ERROR, "a dashboard element must be a mapping", file, line, dname)
        )
        return None
    keys = list(map(str, map(_KEY, node.items)))
    props: dict[str, Any] = dict(zip(keys, map(_VALUE, node.items), strict=True))
    lines: dict[str, int] = dict(zip(keys, node.lines, strict=True))
    if len(lines) != len(keys):  # a key given twice: the later value is used, as YAML readers do
        seen: dict[str, int] = {}
        for key, kline in zip(keys, node.lines, strict=True):
            if key in seen:
                problems.append(_given_twice(key, seen[key], kline, file, f"dashboard:{dname}/element"))
            seen[key] = kline
    props["_lines"] = lines
    name = _s(props.get("name")) or ""
    where = f"dashboard:{dname}/element:{name or '?'}"
    if not name:
        problems.append(
            Finding(BAD_KEY, Severity.ERROR, "dashboard element has no `name`", file, line, where)
        )
    _element_key_guesses(props, lines, name, file, problems, where)
    _element_shapes(props, lines, name, line, file, problems, where)
    end_line, end_column = node.end
    return make_element(props, line, end_line + (1 if end_column else 0))


def _element_key_guesses(
    props: dict[str, Any], lines: dict[str, int], name: str, file: str, problems: list[Finding], where: str
) -> None:
    """An element key that is a near miss of a known one (memoised per distinct key)."""
    if not lines.keys() <= _ELEMENT_GUESS.keys():
        if len(_ELEMENT_GUESS) > 50_000:
            _ELEMENT_GUESS.clear()
            _GUESSED.clear()
        for key in lines.keys() - _ELEMENT_GUESS.keys():
            guess = _ELEMENT_GUESS[key] = _element_guess(key)
            if guess is not None:
                _GUESSED.add(key)
    if not _GUESSED or _GUESSED.isdisjoint(lines):
        return
    for key, kline in lines.items():
        guess = _ELEMENT_GUESS[key]
        if guess is not None and guess not in props:
            problems.append(
                Finding(
                    BAD_KEY,
                    Severity.ERROR,
                    f"unknown element key `{key}` in element {name or '?'} (did you mean {guess}?)",
                    file,
                    kline,
                    where,
                )
            )


def _element_shapes(
    props: dict[str, Any],
    lines: dict[str, int],
    name: str,
    line: int,
    file: str,
    problems: list[Finding],
    where: str,
) -> None:
    """Values of the wrong shape (a list, a mapping, a number expected), repaired in ``props``
    so the rules can read them, and a type that is not a built-in visualization."""
    for k in _LIST_KEYS:
        if k in props and props[k] is not None and not isinstance(props[k], list):
            problems.append(
                Finding(
                    BAD_KEY, Severity.ERROR, f"`{k}` of element {name} must be a list", file, lines[k], where
                )
            )
            props[k] = [props[k]] if k != "dynamic_fields" else []
    for k in _MAP_KEYS:
        if k == "listen" and isinstance(props.get(k), list) and all(isinstance(x, dict) for x in props[k]):
            continue  # a merged-query element listens with one mapping per query
        if k in props and props[k] is not None and not isinstance(props[k], dict):
            problems.append(
                Finding(
                    BAD_KEY,
                    Severity.ERROR,
                    f"`{k}` of element {name} must be a mapping",
                    file,
                    lines[k],
                    where,
                )
            )
            props[k] = {}
    etype = _s(props.get("type"))
    if etype is not None and etype not in ELEMENT_TYPES and not etype.startswith(("looker_", "marketplace_")):
        problems.append(
            Finding(
                BAD_KEY,
                Severity.INFO,  # a custom visualization's id (Admin > Visualizations, manifest)
                f"element type `{etype}` is not a built-in visualization (a custom visualization's id?)",
                file,
                lines.get("type", line),
                where,
            )
        )
    limit_v = props.get("limit")
    if limit_v is not None:
        try:
            int(limit_v)
        except (TypeError, ValueError):
            problems.append(
                Finding(
                    BAD_KEY,
                    Severity.ERROR,
                    f"`limit` must be a number, not {limit_v!r}",
                    file,
                    lines["limit"],
                    where,
                )
            )


def _listen(v: Any) -> dict[str, str]:
    """``listen``: a mapping (filter -> field), or for merged queries one mapping per query."""
    out: dict[str, str] = {}
    for m in v if isinstance(v, list) else [v]:
        if isinstance(m, dict):
            out.update({str(k): str(x) for k, x in m.items()})
    return out


def make_element(
    props: dict[str, Any], line: int, end_line: int, file: str | None = None
) -> DashboardElement:
    """A dashboard element from its (parsed or merged) keys."""
    try:
        limit = int(props["limit"]) if props.get("limit") is not None else None
    except (TypeError, ValueError):
        limit = None
    return DashboardElement(
        name=_s(props.get("name")) or "",
        title=_s(props.get("title")),
        type=_s(props.get("type")),
        model=_s(props.get("model")),
        explore=_s(props.get("explore")),
        fields=[str(x) for x in props.get("fields") or []],
        filters={str(k): _s(v) or "" for k, v in (props.get("filters") or {}).items()},
        sorts=[str(x) for x in props.get("sorts") or []],
        pivots=[str(x) for x in props.get("pivots") or []],
        listen=_listen(props.get("listen")),
        limit=limit,
        dynamic_fields=[x for x in props.get("dynamic_fields") or [] if isinstance(x, dict)],
        line=line,
        end_line=end_line,
        props=props,
        file=file,
    )


def _parse_filter(
    node: Any, line: int, file: str, problems: list[Finding], dname: str
) -> DashboardFilter | None:
    if not isinstance(node, YMap):
        problems.append(
            Finding(BAD_KEY, Severity.ERROR, "a dashboard filter must be a mapping", file, line, dname)
        )
        return None
    props: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for key, value, kline in _map_items(node):
        if key in seen:
            problems.append(_given_twice(key, seen[key], kline, file, f"dashboard:{dname}/filter"))
        seen[key] = kline
        props[key] = value
        if key not in FILTER_KEYS:
            problems.append(
                Finding(
                    BAD_KEY,
                    Severity.ERROR,
                    f"unknown dashboard filter key `{key}`{_hint(key, FILTER_KEYS)}",
                    file,
                    kline,
                    f"dashboard:{dname}/filter:{props.get('name', '?')}",
                )
            )
    name = _s(props.get("name")) or ""
    if not name:
        problems.append(Finding(BAD_KEY, Severity.ERROR, "dashboard filter has no `name`", file, line, dname))
    props["_lines"] = seen  # the line of each key, for findings about it
    return DashboardFilter(
        name=name,
        title=_s(props.get("title")),
        type=_s(props.get("type")),
        model=_s(props.get("model")),
        explore=_s(props.get("explore")),
        field=_s(props.get("field")),
        default_value=_s(props.get("default_value")),
        line=line,
        props=props,
    )


def parse_dashboard_text(text: str, file: str) -> tuple[list[Dashboard], list[Finding]]:
    """The dashboards of one file's text, and the problems found reading them."""
    problems: list[Finding] = []
    try:
        root = dashboard_lines.read(text)
    except yaml.YAMLError as exc:
        line = error_line(exc)
        msg = f"invalid YAML: {error_problem(exc)}"
        return [], [Finding(YAML_ERROR, Severity.ERROR, msg, file, 1 if line is None else line + 1)]
    if root is None:
        return [], [Finding(YAML_ERROR, Severity.ERROR, "empty dashboard file", file, 1)]
    out: list[Dashboard] = []
    for dnode, dline in zip(root.items, root.lines, strict=True):
        if not isinstance(dnode, YMap):
            problems.append(
                Finding(YAML_ERROR, Severity.ERROR, "a dashboard must be a YAML mapping", file, dline)
            )
            continue
        out.append(_parse_dashboard(dnode, dline, file, problems))
    return out, problems


def _parse_dashboard(dnode: YMap, dline: int, file: str, problems: list[Finding]) -> Dashboard:
    """One dashboard of a file: its keys, elements and filters (problems appended)."""
    props: dict[str, Any] = {}
    elements: list[DashboardElement] = []
    filters: list[DashboardFilter] = []
    name = ""
    seen: dict[str, int] = {}
    for (k, value, raw), kline in zip(dnode.items, dnode.lines, strict=True):
        key = str(k)
        if key in seen:
            problems.append(_given_twice(key, seen[key], kline, file, f"dashboard:{name}"))
        seen[key] = kline
        if key == "dashboard":
            name = str(value)
        if key not in DASHBOARD_KEYS:
            problems.append(
                Finding(
                    BAD_KEY,
                    Severity.ERROR,
                    f"unknown dashboard key `{key}`{_hint(key, DASHBOARD_KEYS)}",
                    file,
                    kline,
                    f"dashboard:{name}",
                )
            )
        if key not in ("elements", "filters"):
            props[key] = dashboard_yaml.to_py(value)
        elif not isinstance(value, YSeq):
            if raw not in ("", "null", "~"):
                problems.append(
                    Finding(
                        BAD_KEY, Severity.ERROR, f"`{key}` must be a list", file, kline, f"dashboard:{name}"
                    )
                )
        else:
            for child, cline in zip(value.items, value.lines, strict=True):
                if key == "elements":
                    e = _parse_element(child, cline, file, problems, name)
                    if e is not None:
                        elements.append(e)
                else:
                    fl = _parse_filter(child, cline, file, problems, name)
                    if fl is not None:
                        filters.append(fl)
    if not name:
        problems.append(Finding(BAD_KEY, Severity.ERROR, "dashboard has no `dashboard:` name", file, dline))
        name = Path(file).name.split(".")[0]
    props["_lines"] = seen  # the line of each key, for findings about it (`extends:`)
    return Dashboard(
        name=name,
        title=_s(props.get("title")),
        file=file,
        line=dline,
        preferred_slug=_s(props.get("preferred_slug")),
        filters=filters,
        elements=elements,
        props=props,
        end_line=dnode.end[0] + 1,
    )


def load_dashboards(
    paths: Sequence[Path], rel: Callable[[Path], str]
) -> tuple[list[Dashboard], list[Finding], dict[str, list[IgnoreComment]]]:
    dashboards: list[Dashboard] = []
    problems: list[Finding] = []
    ignores: dict[str, list[IgnoreComment]] = {}
    for p in paths:
        r = rel(p)
        try:
            text = p.read_text(encoding="utf-8-sig", errors="replace")
        except OSError as exc:
            problems.append(
                Finding(YAML_ERROR, Severity.ERROR, f"cannot read file: {exc.strerror or exc}", r, None)
            )
            continue
        ds, ps = parse_dashboard_text(text, r)
        dashboards.extend(ds)
        problems.extend(ps)
        igs = scan_ignores(text)
        if igs:
            ignores[r] = igs
    return dashboards, problems, ignores


def _merged(base: list[Any], over: list[Any], file_of_base: str, file_of_over: str) -> list[Any]:
    """Elements (or filters) of an extended dashboard, overridden by name by the extending one's.
    An overridden element is in the extending dashboard's file: the lines of the keys it takes
    from the extended one are kept only when both dashboards are in one file (a finding about
    such a key then points at the element's first line)."""
    out: dict[str, Any] = {}
    for item in base:
        out[item.name] = item
    for item in over:
        old = out.get(item.name)
        if old is not None and isinstance(item, DashboardElement):
            props = {**old.props, **item.props}
            same_file = (old.file or file_of_base) == (item.file or file_of_over)
            inherited = old.props.get("_lines", {}) if same_file else {}
            props["_lines"] = {**inherited, **item.props.get("_lines", {})}
            out[item.name] = make_element(props, item.line, item.end_line, item.file)
        elif old is not None:
            out[item.name] = DashboardFilter(
                **{**old.__dict__, **{k: v for k, v in item.__dict__.items() if v is not None}}
            )
        else:
            out[item.name] = item
    for item in out.values():
        if isinstance(item, DashboardElement) and item.file is None and item in base:
            item.file = file_of_base
    return list(out.values())


def apply_extends(dashboards: list[Dashboard]) -> list[tuple[Dashboard, str, str]]:
    """Give each dashboard that ``extends`` others their elements and filters (an element or
    filter of the same name overrides the extended one's keys), in place, as Looker does.
    Returns (dashboard, name, why) for each extended dashboard that cannot be used."""
    by_name = {d.name: d for d in dashboards}
    done: set[str] = set()
    bad: list[tuple[Dashboard, str, str]] = []

    def resolve(d: Dashboard, stack: tuple[str, ...]) -> None:
        if d.name in done:
            return
        done.add(d.name)
        ext = d.props.get("extends")
        for name in ext if isinstance(ext, list) else [ext] if ext else []:
            base = by_name.get(str(name))
            if base is None or base.name in stack or base is d:
                bad.append((d, str(name), "is not defined" if base is None else "leads back to it (a cycle)"))
                continue
            resolve(base, (*stack, d.name))
            d.elements = _merged([_copy(e) for e in base.elements], d.elements, base.file, d.file)
            d.filters = _merged(list(base.filters), d.filters, base.file, d.file)

    for d in dashboards:
        resolve(d, ())
    return bad


def _copy(e: DashboardElement) -> DashboardElement:
    return make_element(dict(e.props), e.line, e.end_line, e.file)


def unreadable_dashboards(problems: Iterable[Finding], root: Path | None = None) -> str:
    """A note naming the dashboard files that could not be read (not YAML, not a mapping…),
    for a command that looks a dashboard up: the dashboard a user asks for may be in one of
    them, and "not found" alone would hide the reason. Empty when every file was read.
    ``root``: the folder the findings' paths are relative to (shown from the working folder)."""
    bad = set()
    for f in problems:
        if f.code != YAML_ERROR or not f.file:
            continue
        path = (root / f.file).resolve() if root is not None else Path(f.file)
        shown = path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path
        bad.add(f"{shown}:{f.line}: {f.message}" if f.line else f"{shown}: {f.message}")
    if not bad:
        return ""
    files = "dashboard file" if len(bad) == 1 else f"{len(bad)} dashboard files"
    return f"{files} could not be read: " + "; ".join(sorted(bad))
