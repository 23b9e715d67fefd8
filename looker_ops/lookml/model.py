"""The typed objects of a loaded LookML project: Project, Model, View, Field, Explore, Join.

They are produced by :func:`looker_ops.lookml.loader.load_project` after includes, constants,
refinements and ``extends`` have been resolved. ``props`` always holds the raw (merged) LookML
parameters as plain Python values, in the shape of ``lkml.load`` (plural keys collapsed into
lists: ``dimensions``, ``joins``, ``filters__all``...), plus a few bookkeeping keys that start
with an underscore (``_line``, ``_end``, ``_lines``: line of each parameter).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from looker_ops.findings import Finding

FIELD_KINDS = ("dimension", "dimension_group", "measure", "filter", "parameter")


@dataclass
class Field:
    """One field of a view. A dimension group yields one Field per timeframe (or interval)."""

    view: str
    name: str
    kind: str  # dimension | dimension_group | measure | filter | parameter
    type: str
    sql: str | None
    file: str
    line: int
    props: dict[str, Any]
    end_line: int = 0
    group: str | None = None  # for a timeframe field: the dimension_group name
    timeframe: str | None = None  # for a timeframe field: raw, date, week, ... or an interval

    @property
    def ref(self) -> str:
        return f"{self.view}.{self.name}"

    @property
    def is_measure(self) -> bool:
        return self.kind == "measure"

    @property
    def is_dimension(self) -> bool:
        return self.kind in ("dimension", "dimension_group")

    @property
    def is_primary_key(self) -> bool:
        return str(self.props.get("primary_key", "no")).lower() == "yes"

    @property
    def hidden(self) -> bool:
        return str(self.props.get("hidden", "no")).lower() == "yes"

    def line_of(self, key: str) -> int:
        """Line of one parameter of the field (``sql``, ``type``...), else the field's line."""
        lines = self.props.get("_lines") or {}
        return int(lines.get(key, self.line))

    def origin(self, *keys: str) -> tuple[str, int]:
        """(file, line) of the block that last set any of ``keys`` (a refinement in another file
        may add ``primary_key: yes`` to a field defined elsewhere), else the field's own place."""
        found: tuple[str, int] | None = None
        for k, place in (self.props.get("_origin") or {}).items():
            if k in keys:
                found = (str(place[0]), int(place[1]))
        return found if found is not None else (self.file, self.line)


@dataclass
class View:
    name: str
    file: str
    line: int
    sql_table_name: str | None
    derived_table: dict[str, Any] | None
    fields: dict[str, Field]
    extends: list[str]
    props: dict[str, Any]
    end_line: int = 0
    # Every place the view is defined or refined: (file, line), base definition first.
    definitions: list[tuple[str, int]] = field(default_factory=list)
    # Dimension groups by name (the timeframe fields are in ``fields``).
    groups: dict[str, Field] = field(default_factory=dict)
    # The model this definition belongs to when another model includes another view of the
    # same name (None: the one definition the whole project shares).
    model: str | None = None

    @property
    def partial(self) -> bool:
        """Part of the view may be defined in a dependency that is not here (a refinement or an
        ``extends`` of a view defined nowhere in the project)."""
        return bool(self.props.get("_partial"))

    @property
    def extension_required(self) -> bool:
        return str(self.props.get("extension", "")).lower() == "required"

    def primary_key(self) -> Field | None:
        for f in self.fields.values():
            if f.is_primary_key:
                return f
        return None

    def primary_keys(self) -> list[Field]:
        return [f for f in self.fields.values() if f.is_primary_key]

    def field(self, name: str) -> Field | None:
        return self.fields.get(name)

    def line_of(self, key: str) -> int:
        lines = self.props.get("_lines") or {}
        return int(lines.get(key, self.line))


@dataclass
class Join:
    name: str
    view_name: str
    relationship: str
    type: str
    sql_on: str | None
    sql_where: str | None
    foreign_key: str | None
    file: str
    line: int
    props: dict[str, Any]
    end_line: int = 0

    @property
    def required_joins(self) -> list[str]:
        return _as_list(self.props.get("required_joins"))

    @property
    def fields(self) -> list[str] | None:
        v = self.props.get("fields")
        return None if v is None else _as_list(v)


@dataclass
class Explore:
    model: str
    name: str
    view_name: str
    joins: list[Join]
    always_filter: dict[str, str]
    conditionally_filter: dict[str, str]
    conditionally_filter_unless: list[str]
    sql_always_where: str | None
    access_filter: list[dict[str, str]]
    fields: list[str] | None
    file: str
    line: int
    props: dict[str, Any]
    end_line: int = 0
    definitions: list[tuple[str, int]] = field(default_factory=list)

    @property
    def extension_required(self) -> bool:
        return str(self.props.get("extension", "")).lower() == "required"

    @property
    def partial(self) -> bool:
        """Part of the explore may be defined in a dependency that is not here."""
        return bool(self.props.get("_partial"))

    def join(self, name: str) -> Join | None:
        for j in self.joins:
            if j.name == name:
                return j
        return None

    def aliases(self) -> dict[str, str]:
        """Alias (explore or join name) -> view name, base view first."""
        out = {self.name: self.view_name}
        for j in self.joins:
            out[j.name] = j.view_name
        return out

    def line_of(self, key: str) -> int:
        lines = self.props.get("_lines") or {}
        return int(lines.get(key, self.line))


@dataclass
class Model:
    name: str
    file: str
    connection: str | None
    includes: list[str]
    explores: list[str]
    props: dict[str, Any]
    # Files the model includes, directly or through included files, in include order.
    included_files: list[str] = field(default_factory=list)
    # Dashboard files the model includes (their elements' explores resolve in this model).
    dashboards: list[str] = field(default_factory=list)
    # Views of this model that differ from the project's of the same name (another model
    # includes another definition): name -> View.
    views: dict[str, View] = field(default_factory=dict)


@dataclass
class DashboardFilter:
    name: str
    title: str | None
    type: str | None
    model: str | None
    explore: str | None
    field: str | None
    default_value: str | None
    line: int
    props: dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclass
class DashboardElement:
    name: str
    title: str | None
    type: str | None
    model: str | None
    explore: str | None
    fields: list[str]
    filters: dict[str, str]
    sorts: list[str]
    pivots: list[str]
    listen: dict[str, str]
    limit: int | None
    dynamic_fields: list[dict[str, Any]]
    line: int
    end_line: int = 0
    props: dict[str, Any] = field(default_factory=dict)
    # The file it is written in when not its dashboard's (inherited from an extended dashboard).
    file: str | None = None


@dataclass
class Dashboard:
    name: str
    title: str | None
    file: str
    line: int
    preferred_slug: str | None
    filters: list[DashboardFilter]
    elements: list[DashboardElement]
    props: dict[str, Any] = field(default_factory=dict)
    end_line: int = 0
    # The models that include this dashboard's file (an element without ``model:`` uses them).
    models: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Exemption:
    """An inline ``# looker-ops: ignore CODE reason`` comment, scoped to one object's lines."""

    file: str
    line: int  # the comment's line
    codes: tuple[str, ...]
    reason: str
    start: int  # first line of the object it covers
    end: int  # last line of the object it covers

    def covers(self, f: Finding) -> bool:
        return (
            f.file == self.file
            and f.line is not None
            and self.start <= f.line <= self.end
            and (f.code in self.codes or "ALL" in self.codes)
        )


@dataclass
class Project:
    root: Path
    constants: dict[str, str]
    files: list[str]  # every .lkml and dashboard file, relative to root (posix)
    problems: list[Finding]
    models: dict[str, Model]
    views: dict[str, View]
    explores: dict[tuple[str, str], Explore]
    dashboards: list[Dashboard]
    exemptions: list[Exemption] = field(default_factory=list)
    # Each name defined more than once (kind, name) -> [(file, line), ...]; filled by the loader.
    duplicates: dict[tuple[str, str], list[tuple[str, int]]] = field(default_factory=dict)
    # Raw datagroups by name (from models), manifest raw dict.
    datagroups: dict[str, dict[str, Any]] = field(default_factory=dict)
    manifest: dict[str, Any] = field(default_factory=dict)
    # Raw top-level objects by file (view/explore dicts before merging), for rules that need them.
    raw_views: list[dict[str, Any]] = field(default_factory=list)
    raw_explores: list[dict[str, Any]] = field(default_factory=list)
    # LookML data tests (``test:`` blocks) of each model: (model name, raw test dict with _file).
    tests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    # Dependencies the project imports that are not here: name -> (file, line) that names it.
    missing_dependencies: dict[str, tuple[str, int]] = field(default_factory=dict)
    # Models that include files of a dependency that is not here (only they can see its names).
    dependency_models: set[str] = field(default_factory=set)
    # Files that do not parse (LKM001) -> the views and explores their text defines: a
    # reference that may resolve to one of them is left unchecked.
    unparsed: dict[str, frozenset[str]] = field(default_factory=dict)

    def explore(self, model: str, name: str) -> Explore | None:
        return self.explores.get((model, name))

    def view(self, name: str) -> View | None:
        return self.views.get(name)

    def view_for(self, model: str | None, name: str) -> View | None:
        """The view ``name`` as model ``model`` sees it (its own definition when two models
        include different views of that name), else the project's."""
        m = self.models.get(model) if model else None
        if m is not None and name in m.views:
            return m.views[name]
        return self.views.get(name)

    def all_views(self) -> list[View]:
        """Every view definition: the project's, then each model's own of a shared name."""
        out = list(self.views.values())
        seen = {id(v) for v in out}
        for m in self.models.values():
            for v in m.views.values():
                if id(v) not in seen:
                    seen.add(id(v))
                    out.append(v)
        return out

    def join_aliases(self, model: str | None) -> dict[str, str]:
        """Join and explore names (aliases) -> view name, over the explores of ``model`` (all
        models when None): a view used through ``join: x { from: y }`` may say ``${x.field}``."""
        memo: dict[str | None, dict[str, str]] = self.__dict__.setdefault("_join_aliases", {})
        if model not in memo:
            out: dict[str, str] = {}
            for (mname, _), e in self.explores.items():
                if model is None or mname == model:
                    for alias, vname in e.aliases().items():
                        out.setdefault(alias, vname)
            memo[model] = out
        return memo[model]

    def may_come_from_dependency(self, name: str) -> bool:
        """A view or explore ``name`` defined nowhere in the project may be defined in a
        dependency that is not here."""
        return bool(self.dependency_models) and name not in self.views and not self.explores_named(name)

    def unparsed_file_for(self, name: str, models: Iterable[str] | None = None) -> str | None:
        """The file that does not parse and whose text defines view or explore ``name``
        (included by one of ``models`` when given), or the model file of one of ``models`` that
        does not parse (its includes are unknown: any name may resolve through it), or None."""
        for file, names in self.unparsed.items():
            if models is None:
                if name in names:
                    return file
            elif (name in names or file.endswith(".model.lkml")) and set(models) & set(
                self.models_of_file(file)
            ):
                return file
        return None

    def models_of_file(self, file: str) -> list[str]:
        """The models that include ``file`` (or are written in it)."""
        memo: dict[str, list[str]] | None = self.__dict__.get("_models_of_file")
        if memo is None:
            memo = {}
            for m in self.models.values():
                for f in dict.fromkeys([m.file, *m.included_files]):
                    memo.setdefault(f, []).append(m.name)
            self.__dict__["_models_of_file"] = memo
        return memo.get(file, [])

    def get_field(self, view: str, name: str) -> Field | None:
        v = self.views.get(view)
        return v.fields.get(name) if v else None

    def explores_named(self, name: str) -> list[Explore]:
        return [e for (_, n), e in self.explores.items() if n == name]


def _as_list(v: Any) -> list[str]:
    if v is None:
        return []
    if isinstance(v, list):
        return [str(x) for x in v]
    return [str(v)]
