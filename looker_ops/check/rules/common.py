"""Helpers shared by the rule families: compiled field SQL, table facts, exposed fields."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp
from sqlglot.errors import SqlglotError

from looker_ops.check.rules.base import CheckContext
from looker_ops.lookml.field_sql import plain_field_sql
from looker_ops.lookml.liquid import FieldMemo
from looker_ops.lookml.model import Explore, Field, Project, View
from looker_ops.lookml.schema import TableSchema, table_for
from looker_ops.lookml.sql import SqlCompiler, SqlProblem


@dataclass
class Compiled:
    sql: str
    problems: list[SqlProblem]


def field_memo(ctx: CheckContext) -> FieldMemo:
    """The SQL of every field compiled so far in this check (each field is compiled once)."""
    memo: FieldMemo = ctx.__dict__.setdefault("_field_memo", {})
    return memo


def compiled_field(ctx: CheckContext, view: View, f: Field, alias: str | None = None) -> Compiled:
    """The field's SELECT SQL (Liquid with no filter values), cached on the context."""
    cache: dict[tuple[str | None, str, str, str], Compiled] | None = ctx.__dict__.get("_field_sql")
    if cache is None:
        cache = ctx.__dict__["_field_sql"] = {}
    key = (view.model, view.name, f.name, alias or view.name)
    hit = cache.get(key)
    if hit is None:
        plain = (
            plain_field_sql(view, f, key[3])
            if view.fields.get(f.name) is f and ctx.project.view_for(view.model, view.name) is view
            else None
        )
        if plain is not None:
            hit = cache[key] = Compiled(plain, [])
        else:
            c = SqlCompiler(ctx.project, model=view.model, memo=field_memo(ctx))
            hit = cache[key] = Compiled(c.field_sql(view.name, f.name, key[3]), c.problems)
    return hit


def compiled_table(ctx: CheckContext, view: View) -> Compiled:
    cache: dict[tuple[str | None, str], Compiled] = ctx.__dict__.setdefault("_table_sql", {})
    hit = cache.get((view.model, view.name))
    if hit is None:
        c = SqlCompiler(ctx.project, model=view.model, memo=field_memo(ctx))
        sql = c.table_sql(view)
        hit = Compiled(sql, c.problems)
        cache[(view.model, view.name)] = hit
    return hit


def derived_sql(view: View) -> str | None:
    dt = view.derived_table or {}
    sql = dt.get("sql")
    return str(sql) if sql is not None else None


def parse_athena(sql: str) -> Any:
    """The first statement of ``sql`` parsed by sqlglot in the Athena dialect, or None."""
    try:
        trees = [t for t in sqlglot.parse(sql, read="athena") if t is not None]
    except (SqlglotError, RecursionError):  # nested too deeply: athena_sql says so (info)
        return None
    return trees[0] if trees else None


def tables_in(tree: exp.Expression) -> list[str]:
    cte_names = {c.alias_or_name for c in tree.find_all(exp.CTE)}
    out = []
    for t in tree.find_all(exp.Table):
        if t.name and t.name not in cte_names:
            out.append(".".join(p for p in (t.db, t.name) if p))
    return out


def view_schema(ctx: CheckContext, view: View) -> TableSchema | None:
    """The known schema of the table a view reads: its sql_table_name, or for a derived table
    the one known table its SQL reads from (None when unknown or ambiguous)."""
    cache: dict[str, TableSchema | None] = ctx.__dict__.setdefault("_schemas", {})
    if view.name in cache:
        return cache[view.name]
    schema: TableSchema | None = None
    if view.sql_table_name:
        schema = table_for(view.sql_table_name)
    elif derived_sql(view) is not None:
        t = compiled_table(ctx, view).sql.strip()
        tree = parse_athena(t[1:-1] if t.startswith("(") and t.endswith(")") else t)
        if tree is not None:
            found = {s.name: s for s in (table_for(t) for t in tables_in(tree)) if s is not None}
            if len(found) == 1:
                schema = next(iter(found.values()))
    cache[view.name] = schema
    return schema


def joined_views(project: Project) -> dict[str, list[tuple[Explore, str]]]:
    """view name -> [(explore, join name)] for every join of every explore."""
    out: dict[str, list[tuple[Explore, str]]] = {}
    for e in project.explores.values():
        for j in e.joins:
            out.setdefault(j.view_name, []).append((e, j.name))
    return out


def _expand(project: Project, view: View, alias: str, spec: list[str], explore_level: bool) -> set[str]:
    """Names (``alias.field``) a ``fields:`` list selects, with sets, ALL_FIELDS* and exclusions."""
    include: set[str] = set()
    exclude: set[str] = set()
    sets = {
        str(s.get("_name")): [str(x) for x in (s.get("fields") or [])]
        for s in view.props.get("sets", []) or []
        if isinstance(s, dict)
    }
    for raw in spec:
        item = raw.strip()
        neg = item.startswith("-")
        item = item[1:] if neg else item
        target = exclude if neg else include
        if item in ("ALL_FIELDS*", f"{alias}.ALL_FIELDS*"):
            target.update(f"{alias}.{n}" for n in view.fields)
            continue
        a, _, name = item.rpartition(".")
        if a and a != alias and explore_level:
            continue
        if name.endswith("*"):
            members = sets.get(name[:-1])
            if members is not None:
                for m in members:
                    target.update(_expand(project, view, alias, [m], explore_level))
            continue
        if "*" in name or "?" in name:
            target.update(f"{alias}.{n}" for n in view.fields if fnmatch.fnmatch(n, name))
            continue
        if name in view.groups:
            target.update(f"{alias}.{n}" for n, f in view.fields.items() if f.group == name)
        else:
            target.add(f"{alias}.{name}")
    return include - exclude


def exposed_fields(project: Project, explore: Explore) -> dict[str, tuple[View, Field, str]]:
    """``alias.field`` -> (view, field, alias) for every field a user can pick in the explore
    (memoised for the project's own explores; do not modify the result)."""
    if project.explores.get((explore.model, explore.name)) is not explore:
        return _exposed_fields(project, explore)
    memo: dict[tuple[str, str], dict[str, tuple[View, Field, str]]] = project.__dict__.setdefault(
        "_exposed", {}
    )
    key = (explore.model, explore.name)
    if key not in memo:
        memo[key] = _exposed_fields(project, explore)
    return memo[key]


def _exposed_fields(project: Project, explore: Explore) -> dict[str, tuple[View, Field, str]]:
    out: dict[str, tuple[View, Field, str]] = {}
    pairs: list[tuple[str, str, list[str] | None]] = [(explore.name, explore.view_name, None)]
    pairs += [(j.name, j.view_name, j.fields) for j in explore.joins]
    for alias, vname, jfields in pairs:
        view = project.view_for(explore.model, vname)
        if view is None:
            continue
        allowed = set(_expand(project, view, alias, jfields, False)) if jfields is not None else None
        for name, f in view.fields.items():
            key = f"{alias}.{name}"
            if allowed is not None and key not in allowed:
                continue
            out[key] = (view, f, alias)
    if explore.fields is not None:
        keep: set[str] = set()
        drop: set[str] = set()
        for alias, vname, _ in pairs:
            view = project.view_for(explore.model, vname)
            if view is None:
                continue
            own = [
                s
                for s in explore.fields
                if s.lstrip("-").startswith(alias + ".") or s.lstrip("-") == "ALL_FIELDS*"
            ]
            pos = [s for s in own if not s.startswith("-")]
            neg = [s[1:] for s in own if s.startswith("-")]
            keep |= _expand(project, view, alias, pos, True)
            drop |= _expand(project, view, alias, neg, True)
        out = {k: v for k, v in out.items() if k in keep and k not in drop}
    return out


# A single ';' (not ';;') followed by what reads as LookML: a parameter (`label:`) or a `}`.
_LONE_SEMICOLON_RE = re.compile(r"(?<!;);(?!;)\s*(?=\}|[A-Za-z_]\w*\s*:(?!:))")


def lone_semicolon_hint(sql: object) -> str:
    """For SQL that does not parse: a hint when a single ``;`` in the LookML text ``sql`` is
    followed by LookML (a parameter or a closing brace), i.e. the ``sql:`` was meant to end there
    and ran on to the next ``;;``. Empty when there is no such ``;`` (one inside a string literal
    does not count) or no text."""
    if not isinstance(sql, str):
        return ""
    text = re.sub(r"'(?:[^']|'')*'", "''", sql)
    m = _LONE_SEMICOLON_RE.search(text)
    if m is None:
        return ""
    lines = [" ".join(line.split()) for line in text[m.end() :].splitlines()]
    lines = [line for line in lines if line]
    after = lines[0] if lines[0] not in ("}", "{") or len(lines) == 1 else f"{lines[0]} {lines[1]}"
    after = after if len(after) <= 50 else after[:47] + "..."
    return (
        " LookML ends sql with ';;' \u2014 a single ';' does not end it, so this sql runs on into "
        f"`{after}`: write ';;'."
    )


# The whole explore is unusable: its base view does not exist.
EVERY_ALIAS = "*"


def broken_aliases(ctx: CheckContext, project: Project, e: Explore) -> frozenset[str]:
    """The aliases of explore ``e`` whose view does not exist, as REF003 reports them:
    ``{EVERY_ALIAS}`` when its base view does not exist (no reference through the explore can
    be checked), else the names of its joins whose view does not exist. Empty for a template
    (``extension: required``, not checked itself) and for views a dependency that is not here
    or a file that does not parse may define (those references are counted there).
    Memoised per explore of the project."""
    memo: dict[tuple[str, str], frozenset[str]] = project.__dict__.setdefault("_broken_aliases", {})
    key = (e.model, e.name)
    own = project.explores.get(key) is e
    if own and key in memo:
        return memo[key]

    def missing(vname: str) -> bool:
        return project.view_for(e.model, vname) is None and not ctx.could_be_in_dependency(vname, [e.model])

    out: frozenset[str] = frozenset()
    if not e.extension_required:
        if missing(e.view_name):
            out = frozenset([EVERY_ALIAS])
        else:
            out = frozenset(j.name for j in e.joins if missing(j.view_name))
    if own:
        memo[key] = out
    return out


def through_broken(broken: frozenset[str], ref: str) -> bool:
    """``alias.field`` names a field through an alias whose view does not exist (see
    :func:`broken_aliases`): it is left unchecked, and counted in that view's REF003."""
    if not broken or "." not in ref:
        return False
    return EVERY_ALIAS in broken or ref.partition(".")[0] in broken
