"""``schedules.yaml`` -> typed schedule specs, checked offline before any Looker call.

Everything is checked before the first call: unknown keys, the crontab syntax (and that it ever
fires), the timezone name, e-mail syntax, that the dashboard slug is a ``preferred_slug`` in
``dashboards/``, that each filter is a real filter of that dashboard and that a typed filter's
value reads with the grammar ``preview`` uses (:func:`looker_ops.lookml.filters.parse_filter`),
and that the environment variables holding secret parameters are set. All problems are reported
together, each naming the file and line, the schedule and the key; the exception is
:class:`BadInput` (exit code 2).

The file is read by the typed-YAML reader every looker-ops file uses
(:mod:`looker_ops.config.reader`): ``${ENV_VAR}`` and ``${ENV_VAR:-default}`` are replaced in
every string value; secret parameters of action-hub destinations must be written as
``${ENV_VAR}``. What the file describes (:class:`Schedule`, :class:`Destination`...) is in
:mod:`looker_ops.config.schedule_model`; the crontab rules in :mod:`looker_ops.config.cron`.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import yaml

from looker_ops.config.cron import CronError, canonical_cron, normalize_cron, validate_cron
from looker_ops.config.delivery import (
    DeliveryReader,
    filter_entries,
    integration_form,
    recipients,
    unique_name,
)
from looker_ops.config.reader import Stop, compose, kind, read_file, suggest
from looker_ops.config.schedule_model import (
    DEFAULT_TIMEZONE,
    DESTINATION_KEYS,
    FORMATS,
    IMAGE_FORMATS,
    MARKER,
    PAPER_SIZES,
    PDF_FORMATS,
    PDF_KEYS,
    SCHEDULE_KEYS,
    TOP_KEYS,
    DashboardFilterInfo,
    DashboardInfo,
    Destination,
    PdfOptions,
    Schedule,
    ScheduleSet,
    dashboard_index,
    parse_filters_string,
    unreadable_dashboard_files,
    url_host,
)
from looker_ops.config.values import timezone_problem, valid_email, valid_timezone
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.lookml.model import Project

__all__ = [
    "DEFAULT_TIMEZONE",
    "FORMATS",
    "IMAGE_FORMATS",
    "MARKER",
    "PAPER_SIZES",
    "PDF_FORMATS",
    "CronError",
    "DashboardFilterInfo",
    "DashboardInfo",
    "Destination",
    "PdfOptions",
    "Schedule",
    "ScheduleSet",
    "canonical_cron",
    "dashboard_index",
    "load_schedules",
    "normalize_cron",
    "parse_filters_string",
    "parse_schedules",
    "url_host",
    "valid_email",
    "valid_timezone",
    "validate_cron",
]


def load_schedules(
    path: Path,
    dashboards_dir: Path,
    env: Mapping[str, str] | None = None,
    dashboards: Mapping[str, DashboardInfo] | None = None,
    *,
    require_secrets: bool = True,
    project: Project | None = None,
) -> ScheduleSet:
    """Read and check a schedules file. Raises :class:`BadInput` listing every problem.

    With the LookML ``project`` (its dashboards loaded), a ``field_filter``'s value is read
    with its field's grammar too (as ``preview --filter`` and ``alerts validate`` read it).

    ``require_secrets=False`` (``validate --no-secrets``, for pull-request CI without the
    secrets) accepts unset variables in ``secret_parameters``; the result is then for checking
    only, not for applying."""
    text = read_file(path, "schedules file not found", "schedules file")
    if dashboards is None and not dashboards_dir.is_dir():
        raise BadInput(
            f"{dashboards_dir}: dashboards folder not found (the *.dashboard.lookml files the "
            "schedules point at)"
        )
    index = dict(dashboards) if dashboards is not None else dashboard_index(dashboards_dir)
    return parse_schedules(
        text,
        str(path),
        index,
        os.environ if env is None else env,
        dashboards_dir,
        require_secrets=require_secrets,
        project=project,
    )


_UNQUOTED_STAR = re.compile(r"(^|[:\[,{-])\s*\*")


def parse_schedules(
    text: str,
    file: str,
    dashboards: Mapping[str, DashboardInfo],
    env: Mapping[str, str],
    dashboards_dir: Path | None = None,
    *,
    require_secrets: bool = True,
    project: Project | None = None,
) -> ScheduleSet:
    """The schedules of ``text`` (the file ``file``), checked against ``dashboards`` (and, when
    given, the LookML ``project``: the grammar of a field filter's field)."""
    lines = text.splitlines()

    def hint(line: int | None) -> str:
        bad_line = lines[line] if line is not None and line < len(lines) else ""
        if "\t" in bad_line[: len(bad_line) - len(bad_line.lstrip())]:
            return " (indent with spaces: YAML does not allow tabs there)"
        if "${" in bad_line:
            return ' (inside [ ] or { } write "${VAR}" in quotes)'
        if _UNQUOTED_STAR.search(bad_line):  # a value starting with * reads as a YAML alias
            return ' (quote cron expressions: cron: "*/15 * * * *")'
        return ""

    root = compose(text, file, hint)
    if root is None:
        raise BadInput(f"{file}: empty: expected a `schedules:` list (write `schedules: []` for none)")
    r = DeliveryReader(file, env, "schedule", require_secrets=require_secrets)
    try:
        top = r.mapping(root, "", TOP_KEYS)
    except Stop:
        top = {}
    else:
        if "schedules" not in top and "alerts" not in top:
            r.error(root, "schedules", "missing: the list of schedules (write `schedules: []` for none)")
    defaults = _defaults(r, top)
    schedules: list[Schedule] = []
    seen: dict[str, int] = {}
    lnode = top["schedules"][1] if "schedules" in top else None
    if lnode is not None and not isinstance(lnode, yaml.SequenceNode):
        r.error(lnode, "schedules", f"expected a list of schedules, got {kind(lnode)}")
    elif lnode is not None:
        for i, snode in enumerate(lnode.value):
            s = _ScheduleParts(r, snode, i, defaults, dashboards, dashboards_dir, project).read()
            if unique_name(r, snode, seen) and s is not None:
                schedules.append(s)
    r.raise_problems("problem(s) in the schedules file")
    return ScheduleSet(schedules, dict(dashboards), file)


def _defaults(
    r: DeliveryReader, top: Mapping[str, tuple[yaml.Node, yaml.Node]]
) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    defaults: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    if "defaults" in top:
        with contextlib.suppress(Stop):
            defaults = r.mapping(top["defaults"][1], "defaults", SCHEDULE_KEYS)
        for k in ("name", "dashboard"):
            if k in defaults:
                r.error(defaults[k][0], f"defaults.{k}", "cannot be a default: each schedule sets its own")
                del defaults[k]
    return defaults


@dataclass
class _ScheduleParts:
    """Reads one schedule, part by part (name, dashboard, timing, filters, format,
    destinations), recording every problem; :meth:`read` gives the schedule or None."""

    r: DeliveryReader
    node: yaml.Node
    index: int
    defaults: Mapping[str, tuple[yaml.Node, yaml.Node]]
    dashboards: Mapping[str, DashboardInfo]
    dashboards_dir: Path | None
    project: Project | None
    own: dict[str, tuple[yaml.Node, yaml.Node]] = field(default_factory=dict)
    values: dict[str, tuple[yaml.Node, yaml.Node]] = field(default_factory=dict)

    def get(self, key: str) -> yaml.Node | None:
        return self.values[key][1] if key in self.values else None

    def opt(self, key: str, fn: Any, default: Any) -> Any:
        n = self.get(key)
        if n is None:
            return default
        try:
            return fn(n, key)
        except Stop:
            return default

    def read(self) -> Schedule | None:
        r = self.r
        before = len(r.problems)
        r.start(self.node, f"schedules[{self.index}]")
        try:
            self.own = r.mapping(self.node, "", SCHEDULE_KEYS)
        except Stop:
            r.finish()
            return None
        name = self._name(before)
        if name:
            r.item = name
        self._merge_defaults()
        dash, slug = self._dashboard()
        cron, timezone = self._timing()
        filters = self._filters(dash)
        fmt, pdf = self._format()
        run_as = self.opt("run_as", r.text, "owner").strip()
        if run_as not in ("owner", "recipient") and not run_as.isdigit():
            r.error(
                self.get("run_as"),
                "run_as",
                f"{run_as!r}: expected owner, recipient, or a Looker user id (digits)",
            )
        dests = self._destinations(fmt, run_as, before)
        schedule = Schedule(
            name=name,
            dashboard=slug,
            cron=cron,
            timezone=timezone,
            destinations=tuple(dests),
            filters=tuple(filters),
            format=fmt,
            pdf=pdf,
            require_results=self.opt("require_results", r.boolean, False),
            run_as=run_as,
            enabled=self.opt("enabled", r.boolean, True),
            include_links=self.opt("include_links", r.boolean, True),
            message=self.opt("message", r.text, None),
            file=r.file,
            line=self.node.start_mark.line + 1,
        )
        r.finish()
        return None if len(r.problems) > before else schedule

    def _name(self, before: int) -> str:
        r, own = self.r, self.own
        name = ""
        if "name" not in own:
            r.error(self.node, "name", "missing: every schedule needs a name (its identity on Looker)")
            return name
        with contextlib.suppress(Stop):
            name = r.text(own["name"][1], "name").strip()
        if not name and len(r.problems) == before:
            r.error(own["name"][1], "name", "must not be empty")
        if name.startswith(MARKER.strip()):
            r.error(own["name"][1], "name", f"do not write the {MARKER.strip()!r} marker: it is added")
        return name

    def _merge_defaults(self) -> None:
        """The schedule's keys over the defaults; pdf options merge key by key."""
        defaults, own = self.defaults, self.own
        self.values = {**defaults, **own}
        self.r.from_defaults = set(defaults) - set(own)
        if "pdf" in defaults and "pdf" in own:
            dnode, onode = defaults["pdf"][1], own["pdf"][1]
            if isinstance(dnode, yaml.MappingNode) and isinstance(onode, yaml.MappingNode):
                mine = {str(k.value) for k, _ in onode.value}
                merged = [(k, v) for k, v in dnode.value if str(k.value) not in mine] + list(onode.value)
                self.values["pdf"] = (
                    own["pdf"][0],
                    yaml.MappingNode(onode.tag, merged, onode.start_mark, onode.end_mark),
                )

    def _dashboard(self) -> tuple[DashboardInfo | None, str]:
        r = self.r
        dnode = self.get("dashboard")
        if dnode is None:
            r.error(self.node, "dashboard", "missing: the preferred_slug of one of the block's dashboards")
            return None, ""
        slug = ""
        with contextlib.suppress(Stop):
            slug = r.text(dnode, "dashboard").strip()
        dash = self.dashboards.get(slug) if slug else None
        if slug and dash is None:
            r.error(dnode, "dashboard", _unknown_dashboard(slug, self.dashboards, self.dashboards_dir))
        return dash, slug

    def _timing(self) -> tuple[str, str]:
        r = self.r
        cron = ""
        cnode = self.get("cron")
        if cnode is None:
            r.error(self.node, "cron", "missing: a crontab expression such as '0 7 * * 1'")
        else:
            try:
                cron = r.text(cnode, "cron")
                validate_cron(cron)
            except Stop:
                pass
            except CronError as exc:
                r.error(cnode, "cron", str(exc))
            cron = normalize_cron(cron)
        timezone = self.opt("timezone", r.text, DEFAULT_TIMEZONE).strip()
        if "timezone" in self.values and (problem := timezone_problem(timezone)) is not None:
            r.error(self.get("timezone"), "timezone", problem)
        return cron, timezone

    def _filters(self, dash: DashboardInfo | None) -> list[tuple[str, str]]:
        r = self.r
        filters: list[tuple[str, str]] = []
        for knode, vnode, key, value in filter_entries(r, self.get("filters")):
            if dash is None:
                continue
            found = dash.find_filter(key)
            if found is None:
                have = ", ".join(
                    f"{f.name}" + (f" ({f.title})" if f.title and f.title != f.name else "")
                    for f in dash.filters
                )
                r.error(
                    knode,
                    f"filters.{key}",
                    f"not a filter of dashboard {dash.slug!r} (its filters: {have or 'none'})",
                )
                continue
            if any(n == found.name for n, _ in filters):
                r.error(knode, f"filters.{key}", f"filter {found.name!r} given twice")
                continue
            if (problem := self._filter_value_problem(dash, found, value)) is not None:
                r.error(vnode, f"filters.{key}", problem)
                continue
            filters.append((found.name, value))
        return filters

    def _filter_value_problem(self, dash: DashboardInfo, f: DashboardFilterInfo, value: str) -> str | None:
        """Why ``value`` does not read for the filter: with the LookML project, by the function
        ``preview --filter`` and ``alerts validate`` use (a field filter by its field's grammar);
        without it, a typed filter by its type's grammar only."""
        if self.project is not None:
            from looker_ops.config.alert_tiles import dashboard_filter_problem

            lookml = next((d for d in self.project.dashboards if d.preferred_slug == dash.slug), None)
            df = next((x for x in lookml.filters if x.name == f.name), None) if lookml is not None else None
            if df is not None:
                return dashboard_filter_problem(self.project, df, value)
        return _filter_value_problem(f, value)

    def _format(self) -> tuple[str, PdfOptions]:
        r = self.r
        fmt = self.opt("format", r.text, "wysiwyg_pdf").strip()
        if fmt not in FORMATS:
            r.error(self.get("format"), "format", f"{fmt!r}: expected one of {', '.join(FORMATS)}")
        pnode = self.get("pdf")
        if pnode is None:
            return fmt, PdfOptions()
        try:
            p = r.mapping(pnode, "pdf", PDF_KEYS)
        except Stop:
            p = {}
        paper: str | None = None
        if "paper_size" in p:
            try:
                paper = r.text(p["paper_size"][1], "pdf.paper_size").strip().lower()
            except Stop:
                paper = None
            if paper is not None and paper not in PAPER_SIZES:
                r.error(
                    p["paper_size"][1],
                    "pdf.paper_size",
                    f"{paper!r}: expected one of {', '.join(PAPER_SIZES)}",
                )

        def pbool(k: str) -> bool:
            if k not in p:
                return False
            try:
                return r.boolean(p[k][1], f"pdf.{k}")
            except Stop:
                return False

        pdf = PdfOptions(paper, pbool("landscape"), pbool("expand_tables"), pbool("page_breaks"))
        if fmt in FORMATS and fmt not in PDF_FORMATS:
            pdf = self._pdf_for_format(fmt, pdf, p)
        return fmt, pdf

    def _pdf_for_format(
        self, fmt: str, pdf: PdfOptions, p: Mapping[str, tuple[yaml.Node, yaml.Node]]
    ) -> PdfOptions:
        """Options that do not apply to a format that is not PDF: an error when the schedule sets
        them, quietly dropped when they come from ``defaults:`` (meant for the PDF schedules)."""
        inapplicable = ["paper_size", "landscape", "page_breaks"]
        if fmt not in IMAGE_FORMATS:
            inapplicable.append("expand_tables")
        own_pdf = self.own["pdf"][1] if "pdf" in self.own else None
        own_keys = (
            {str(k.value) for k, _ in own_pdf.value} if isinstance(own_pdf, yaml.MappingNode) else set()
        )
        for k in inapplicable:
            if k in p and k in own_keys:
                self.r.error(
                    p[k][0], f"pdf.{k}", f"applies to PDF formats only, and this schedule's format is {fmt}"
                )
        return PdfOptions(expand_tables=pdf.expand_tables and "expand_tables" not in inapplicable)

    def _destinations(self, fmt: str, run_as: str, before: int) -> list[Destination]:
        r = self.r
        dests: list[Destination] = []
        for addr, line, k in recipients(r, self.get("recipients")):
            dests.append(Destination("email", fmt, address=addr, line=line, key=k))
        dlist = self.get("destinations")
        if dlist is not None and not isinstance(dlist, yaml.SequenceNode):
            r.error(dlist, "destinations", f"expected a list, got {kind(dlist)}")
        elif dlist is not None:
            for i, dnode in enumerate(dlist.value):
                d = _destination(r, dnode, f"destinations[{i}]", fmt)
                if d is not None:
                    dests.append(d)
        seen: set[tuple[str, str]] = set()
        for d in dests:
            if d.kind != "email" or d.address is None:
                continue
            if not valid_email(d.address):
                r.error(d.line, d.key, f"{d.address!r} is not a valid e-mail address")
            ident = ("email", d.address.lower())
            if ident in seen:
                r.error(d.line, d.key, f"{d.address} is listed twice")
            seen.add(ident)
        if not dests and len(r.problems) == before:
            r.error(self.node, "recipients", "no destination: give recipients (e-mail) or destinations")
        others = [d.label for d in dests if d.kind != "email"]
        if run_as == "recipient" and others:
            r.error(
                self.get("run_as"),
                "run_as",
                f"'recipient' works with e-mail recipients only; this schedule also sends to {others[0]}",
            )
        return dests


def _filter_value_problem(f: DashboardFilterInfo, value: str) -> str | None:
    """Why ``value`` is not a valid value of a typed dashboard filter (read with the filter
    grammar ``preview`` uses), or None. A field filter's grammar is its field's: not known here."""
    if f.kind is None or value == "":
        return None
    from looker_ops.lookml.filters import parse_filter

    try:
        parse_filter(value, f.kind, name=f.name)
    except BadInput as exc:
        return exc.message.split(": ", 1)[1] if exc.message.startswith("filter ") else exc.message
    except (OverflowError, ValueError):
        return f"{value!r}: a date or number out of range"
    return None


def _destination(r: DeliveryReader, node: yaml.Node, key: str, schedule_format: str) -> Destination | None:
    try:
        d = r.mapping(node, key, DESTINATION_KEYS)
    except Stop:
        return None
    kinds = [k for k in ("email", "webhook", "integration") if k in d]
    line = node.start_mark.line + 1
    if len(kinds) != 1:
        what = "none" if not kinds else " and ".join(kinds)
        r.error(node, key, f"give exactly one of email, webhook or integration (found {what})")
        return None
    dkind = kinds[0]
    fmt = schedule_format
    if "format" in d:
        try:
            fmt = r.text(d["format"][1], f"{key}.format").strip()
        except Stop:
            return None
        if fmt not in FORMATS:
            r.error(d["format"][1], f"{key}.format", f"{fmt!r}: expected one of {', '.join(FORMATS)}")
            return None
    for extra in ("parameters", "secret_parameters"):
        if extra in d and dkind != "integration":
            r.error(d[extra][0], f"{key}.{extra}", "only an integration destination takes parameters")
            return None
    try:
        value = r.text(d[dkind][1], f"{key}.{dkind}").strip()
    except Stop:
        return None
    if dkind == "email":
        return Destination("email", fmt, address=value, line=line, key=f"{key}.email")
    if dkind == "webhook":
        if not value.startswith("https://") or not urlsplit(value).hostname:
            shown = url_host(value) if "://" in value else repr(value)
            r.error(d[dkind][1], f"{key}.webhook", f"{shown}: a webhook address must be an https:// URL")
            return None
        return Destination("webhook", fmt, address=value, line=line, key=f"{key}.webhook")
    form = integration_form(r, d, key, value, " (see `looker-ops schedules integrations`)")
    if form is None:
        return None
    return Destination(
        "integration",
        fmt,
        integration_id=value,
        parameters=form[0],
        secret_parameters=form[1],
        line=line,
        key=f"{key}.integration",
    )


def _unknown_dashboard(
    slug: str, dashboards: Mapping[str, DashboardInfo], dashboards_dir: Path | None
) -> str:
    folder = str(dashboards_dir) if dashboards_dir is not None else "dashboards/"
    by_name = [d for d in dashboards.values() if slug in (d.name, d.title)]
    if by_name:
        return f"{slug!r} is a dashboard's name or title; use its preferred_slug {by_name[0].slug!r}"
    close = suggest(slug, dashboards)
    if close:
        msg = f"no dashboard with preferred_slug {slug!r} in {folder} ({close.strip()})"
    else:
        known = ", ".join(sorted(dashboards)) or "none found"
        msg = f"no dashboard with preferred_slug {slug!r} in {folder} (slugs: {known})"
    # the dashboard may be in a file that could not be read: say so rather than only "no dashboard"
    unreadable = unreadable_dashboard_files(dashboards_dir) if dashboards_dir is not None else ""
    return f"{msg}; {unreadable}" if unreadable else msg
