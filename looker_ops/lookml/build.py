"""Typed objects (:class:`View`, :class:`Field`, :class:`Explore`, :class:`Join`) from merged blocks.

A dimension group becomes one field per timeframe (or interval, for a duration); a field
defined twice in one view is recorded as a duplicate.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from looker_ops.lookml.field_types import DEFAULT_TIMEFRAMES, DURATION_INTERVALS
from looker_ops.lookml.merge import FIELD_LISTS, pairs_to_dict, str_list
from looker_ops.lookml.model import Explore, Field, Join, Model, View
from looker_ops.lookml.parsecache import ParsedFile


def expand_group_names(group: dict[str, Any]) -> list[tuple[str, str]]:
    """(field name, timeframe or interval) for each field a dimension_group creates."""
    name = str(group.get("_name"))
    gtype = str(group.get("type", "time")).lower()
    if gtype == "duration":
        intervals = group.get("intervals") or list(DURATION_INTERVALS)
        return [(f"{iv}s_{name}", iv) for iv in str_list(intervals)]
    tfs = group.get("timeframes") or list(DEFAULT_TIMEFRAMES)
    return [(f"{name}_{tf}", tf) for tf in str_list(tfs)]


class Builder:
    """Typed views and explores (a part of the loader)."""

    duplicates: dict[tuple[str, str], list[tuple[str, int]]]

    def _make_view(
        self,
        name: str,
        d: dict[str, Any],
        base: dict[str, Any],
        defs: list[tuple[str, int]],
        model: str | None = None,
    ) -> View:
        fields: dict[str, Field] = {}
        groups: dict[str, Field] = {}
        vfile = str(base.get("_file", ""))
        seen_lines: dict[str, tuple[str, int]] = {}
        for key, kind in FIELD_LISTS.items():
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
            extends=str_list(d.get("extends__all")),
            props=d,
            end_line=int(base.get("_end", 0)),
            definitions=defs,
            groups=groups,
            model=model,
        )

    def _add_field(self, fields: dict[str, Field], seen: dict[str, tuple[str, int]], f: Field) -> None:
        if f.name in fields:
            self.duplicates.setdefault(("field", f"{f.view}.{f.name}"), [seen[f.name]]).append(
                (f.file, f.line)
            )
            return
        fields[f.name] = f
        seen[f.name] = (f.file, f.line)

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
                    sql_on=opt_str(jd.get("sql_on")),
                    sql_where=opt_str(jd.get("sql_where")),
                    foreign_key=opt_str(jd.get("foreign_key")),
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
            always_filter=pairs_to_dict(af.get("filters__all")) if isinstance(af, dict) else {},
            conditionally_filter=pairs_to_dict(cf.get("filters__all")) if isinstance(cf, dict) else {},
            conditionally_filter_unless=str_list(cf.get("unless")) if isinstance(cf, dict) else [],
            sql_always_where=opt_str(d.get("sql_always_where")),
            access_filter=access,
            fields=str_list(fields) if fields is not None else None,
            file=efile,
            line=int(base.get("_line", 0)),
            props=d,
            end_line=int(base.get("_end", 0)),
            definitions=defs,
        )


def opt_str(v: Any) -> str | None:
    return None if v is None else str(v)


def datagroups_of(models: Mapping[str, Model], parsed: Mapping[str, ParsedFile]) -> dict[str, dict[str, Any]]:
    """The datagroups of the models, and of the files models include (datagroups.lkml), by name,
    each with the file that defines it (``_file``)."""
    datagroups: dict[str, dict[str, Any]] = {}
    for m in models.values():
        for dg in m.props.get("datagroups", []) or []:
            if isinstance(dg, dict) and dg.get("_name"):
                dg = dict(dg)
                dg["_file"] = m.file
                datagroups[str(dg["_name"])] = dg
    for rel, pf in parsed.items():
        for dg in (pf.doc or {}).get("datagroups", []) or []:
            if isinstance(dg, dict) and dg.get("_name") and str(dg["_name"]) not in datagroups:
                dg = dict(dg)
                dg["_file"] = rel
                datagroups[str(dg["_name"])] = dg
    return datagroups
