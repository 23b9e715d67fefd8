"""The ``alerts:`` list of ``schedules.yaml`` -> typed alert specs, checked offline before any call.

An alert watches one numeric field of one tile of one of the block's dashboards and notifies its
destinations when a condition holds, on a cron. Its ``name`` is its identity: the alert on Looker
carries the custom title ``[looker-ops] <name>`` (:data:`MARKER`, shared with schedules), which is
also how ``--prune`` recognises the alerts this tool made.

Everything Looker would refuse is found here, each problem named by file, line, alert and key:
unknown keys, an unknown dashboard, tile or field (the field must be one of the tile's fields and
numeric), a threshold that is not a number, a comparison Looker does not allow for that tile (the
``changes/increases/decreases by`` forms need a time series: a date or time dimension in the
tile), a cron under 15 minutes apart, an unknown dashboard filter (or one the tile does not
listen to, where it would change nothing), a bad e-mail address, destinations of mixed types.

Alerts share the file's ``defaults:`` for ``recipients`` and ``timezone``. Looker's Alert has no
time zone of its own; ``timezone`` is the zone ``alerts evaluate`` reads the cron in (set it to
the zone your instance runs alerts in). Action-hub form values may be written as ``${ENV_VAR}``;
``secret_parameters`` must be.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from looker_ops.config.alert_model import (
    ALERT_KEYS,
    DESTINATION_KEYS,
    MIN_INTERVAL_MINUTES,
    TIME_SERIES_ONLY,
    Alert,
    AlertDestination,
    AlertSet,
    AppliedFilter,
    Condition,
    parse_condition,
)
from looker_ops.config.alert_tiles import (
    filter_problem,
    find_tile,
    numeric,
    resolve_field,
    tile_title,
    time_series,
)
from looker_ops.config.cron import CronError, min_interval_minutes, normalize_cron, validate_cron
from looker_ops.config.delivery import (
    DeliveryReader,
    filter_entries,
    integration_form,
    recipients,
    unique_name,
)
from looker_ops.config.reader import Stop, compose, kind, read_file
from looker_ops.config.schedule_model import DEFAULT_TIMEZONE, MARKER
from looker_ops.config.values import timezone_problem, valid_email
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.lookml.model import Dashboard, DashboardElement, Field, Project

__all__ = ["load_alert_project", "load_alerts", "parse_alerts"]


def load_alerts(
    path: Path,
    dashboards_dir: Path,
    project_dir: Path,
    env: Mapping[str, str] | None = None,
    *,
    require_secrets: bool = True,
    project: Project | None = None,
) -> AlertSet:
    """Read and check the ``alerts:`` of a schedules file against the LookML project and its
    dashboards. Raises :class:`BadInput` listing every problem. A file without ``alerts:`` has
    none."""
    text = read_file(path, "schedules file not found", "schedules file")
    if project is None:
        project = load_alert_project(project_dir, dashboards_dir)
    return parse_alerts(
        text, str(path), project, os.environ if env is None else env, require_secrets=require_secrets
    )


def load_alert_project(project_dir: Path, dashboards_dir: Path) -> Project:
    """The LookML project with the block's dashboards (fields, their kinds and the tiles)."""
    from looker_ops.lookml.loader import load_project

    if not project_dir.is_dir():
        raise BadInput(
            f"{project_dir}: LookML project folder not found (alerts check their fields against it; "
            "pass --project or set project.lookml_dir in looker-ops.yaml)"
        )
    if not dashboards_dir.is_dir():
        raise BadInput(f"{dashboards_dir}: dashboards folder not found")
    return load_project(project_dir, dashboard_dirs=[dashboards_dir], cache_dir=None)


def parse_alerts(
    text: str, file: str, project: Project, env: Mapping[str, str], *, require_secrets: bool = True
) -> AlertSet:
    root = compose(text, file)
    r = DeliveryReader(file, env, "alert", require_secrets=require_secrets)
    if not isinstance(root, yaml.MappingNode):
        return AlertSet([], file, project, declared=False)
    top = {str(k.value): (k, v) for k, v in root.value}
    if "alerts" not in top:
        return AlertSet([], file, project, declared=False)
    defaults: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    dnode = top.get("defaults", (None, None))[1]
    if isinstance(dnode, yaml.MappingNode):
        # Alerts take the recipients and the time zone of the shared defaults (the rest is the
        # schedules'); the schedules reader checks the defaults block itself.
        defaults = {
            str(k.value): (k, v) for k, v in dnode.value if str(k.value) in ("recipients", "timezone")
        }
    lnode = top["alerts"][1]
    alerts: list[Alert] = []
    if isinstance(lnode, yaml.ScalarNode) and lnode.tag == "tag:yaml.org,2002:null":
        return AlertSet([], file, project)
    if not isinstance(lnode, yaml.SequenceNode):
        r.error(lnode, "alerts", f"expected a list of alerts, got {kind(lnode)}")
    else:
        dashboards = {d.preferred_slug: d for d in project.dashboards if d.preferred_slug}
        seen: dict[str, int] = {}
        for i, anode in enumerate(lnode.value):
            a = _AlertParts(r, anode, i, defaults, dashboards, project).read()
            if unique_name(r, anode, seen) and a is not None:
                alerts.append(a)
    errors = r.messages
    if errors:
        head = f"{file}: {len(errors)} problem(s) in the alerts:"
        raise BadInput("\n".join([head, *(f"  {e}" for e in errors)]) if len(errors) > 1 else errors[0])
    return AlertSet(alerts, file, project)


@dataclass
class _AlertParts:
    """Reads one alert, key by key (name, dashboard and tile, field, condition, cron and time
    zone, filters, destinations), recording every problem; :meth:`read` gives the alert or None.
    Each part reads what the parts before it found (the tile needs the dashboard, the field the
    tile)."""

    r: DeliveryReader
    node: yaml.Node
    index: int
    defaults: Mapping[str, tuple[yaml.Node, yaml.Node]]
    dashboards: Mapping[str, Dashboard]
    project: Project
    own: dict[str, tuple[yaml.Node, yaml.Node]] = field(default_factory=dict)
    values: dict[str, tuple[yaml.Node, yaml.Node]] = field(default_factory=dict)
    before: int = 0  # the reader's problems before this alert
    slug: str = ""
    dash: Dashboard | None = None
    tile: str = ""
    element: DashboardElement | None = None

    def get(self, key: str) -> yaml.Node | None:
        return self.values[key][1] if key in self.values else None

    def text(self, key: str, default: str | None = None) -> str | None:
        """The key's text, stripped; ``default`` when it is not given, None after a problem."""
        n = self.get(key)
        if n is None:
            return default
        try:
            return self.r.text(n, key).strip()
        except Stop:
            return None

    def flag(self, key: str, default: bool) -> bool:
        n = self.get(key)
        if n is None:
            return default
        try:
            return self.r.boolean(n, key)
        except Stop:
            return default

    def read(self) -> Alert | None:
        r = self.r
        self.before = len(r.problems)
        r.start(self.node, f"alerts[{self.index}]")
        try:
            self.own = r.mapping(self.node, "", ALERT_KEYS)
        except Stop:
            r.finish()
            return None
        self.values = {**self.defaults, **self.own}
        r.from_defaults = set(self.defaults) - set(self.own)
        name = self._name()
        self._dashboard()
        self._tile()
        fref, fobj = self._field()
        condition, is_time_series = self._condition()
        cron = self._cron()
        timezone = self._timezone()
        filters = self._filters()
        public = self.flag("public", False)
        enabled = self.flag("enabled", True)
        description = self.text("description")
        dests = self._destinations()
        r.finish()
        element = self.element
        if len(r.problems) > self.before or element is None or fobj is None or condition is None or not cron:
            return None
        label = str(fobj.props.get("label") or fobj.name.replace("_", " ").title())
        return Alert(
            name=name,
            dashboard=self.slug,
            tile=tile_title(element),
            element=element.name,
            field=fref,
            field_title=label,
            condition=condition,
            cron=cron,
            timezone=timezone,
            destinations=tuple(dests),
            filters=tuple(filters),
            public=public,
            enabled=enabled,
            description=description,
            time_series=is_time_series,
            file=r.file,
            line=self.node.start_mark.line + 1,
        )

    def _name(self) -> str:
        r, own = self.r, self.own
        name = self.text("name") or ""
        if "name" not in own:
            r.error(self.node, "name", "missing: every alert needs a name (its identity on Looker)")
        elif not name and len(r.problems) == self.before:
            r.error(own["name"][1], "name", "must not be empty")
        elif name.startswith(MARKER.strip()):
            r.error(own["name"][1], "name", f"do not write the {MARKER.strip()!r} marker: it is added")
        return name

    def _dashboard(self) -> None:
        r, dashboards = self.r, self.dashboards
        slug = self.slug = self.text("dashboard") or ""
        if self.get("dashboard") is None:
            r.error(self.node, "dashboard", "missing: the preferred_slug of one of the block's dashboards")
        elif slug:
            self.dash = dashboards.get(slug)
            if self.dash is None:
                by_name = [d for d in dashboards.values() if slug in (d.name, d.title)]
                close = difflib.get_close_matches(slug, list(dashboards), n=1)
                if by_name:
                    msg = f"{slug!r} is a dashboard's name or title; use its preferred_slug {by_name[0].preferred_slug!r}"
                elif close:
                    msg = f"no dashboard with preferred_slug {slug!r} (did you mean {close[0]!r}?)"
                else:
                    msg = f"no dashboard with preferred_slug {slug!r} (slugs: {', '.join(sorted(dashboards)) or 'none'})"
                from looker_ops.lookml.dashboards import unreadable_dashboards

                unreadable = (
                    unreadable_dashboards(self.project.problems, self.project.root) if not by_name else ""
                )
                r.error(self.get("dashboard"), "dashboard", f"{msg}; {unreadable}" if unreadable else msg)

    def _tile(self) -> None:
        r = self.r
        tile = self.tile = self.text("tile") or ""
        if self.get("tile") is None:
            r.error(self.node, "tile", "missing: the title of the tile to watch")
        elif tile and self.dash is not None:
            element, why = find_tile(self.dash, tile)
            if element is None:
                r.error(self.get("tile"), "tile", why)
            elif (element.type or "") in ("text", "button") or not element.fields:
                r.error(
                    self.get("tile"),
                    "tile",
                    f"{tile!r} is a {element.type or 'visualization-only'} tile: it has no query to watch",
                )
                element = None
            self.element = element

    def _field(self) -> tuple[str, Field | None]:
        """The watched field (``view.field``) and its definition; the tile's only measure when
        the alert names none."""
        r, element, project = self.r, self.element, self.project
        fref = self.text("field") or ""
        if element is None:
            return fref, None
        fnode = self.get("field")
        if fnode is None:
            measures = [
                f
                for f in element.fields
                if (x := resolve_field(project, element, f)) is not None and x.is_measure
            ]
            if len(measures) == 1:
                fref = measures[0]
            else:
                r.error(
                    self.node,
                    "field",
                    f"missing: tile {self.tile!r} has {len(measures)} measures ({', '.join(measures) or 'none'}); say which to watch",
                )
        elif fref and fref not in element.fields:
            r.error(
                fnode,
                "field",
                f"{fref!r} is not in the tile's query (its fields: {', '.join(element.fields)})",
            )
            fref = ""
        if not fref:
            return fref, None
        fobj = resolve_field(project, element, fref)
        if fobj is None:
            r.error(fnode or self.node, "field", f"{fref!r}: no such field in explore {element.explore!r}")
        elif not numeric(fobj):
            r.error(
                fnode or self.node,
                "field",
                f"{fref!r} is a {fobj.type} {fobj.kind}: Looker alerts watch a numeric measure or number dimension",
            )
            fobj = None
        return fref, fobj

    def _condition(self) -> tuple[Condition | None, bool]:
        """The condition, and whether the tile is a time series (which some comparisons need)."""
        r, element = self.r, self.element
        condition: Condition | None = None
        cnode = self.get("condition")
        if cnode is None:
            r.error(self.node, "condition", "missing: e.g. '> 0' (any event) or 'increases by 10'")
        else:
            ctext = self.text("condition")
            if isinstance(cnode, yaml.ScalarNode) and cnode.tag == "tag:yaml.org,2002:int":
                r.error(cnode, "condition", f"{ctext!r}: write a comparison and a number, e.g. '> {ctext}'")
            elif ctext is not None:
                try:
                    condition = parse_condition(ctext)
                except ValueError as exc:
                    r.error(cnode, "condition", str(exc))
        is_time_series = element is not None and time_series(self.project, element)
        if (
            condition is not None
            and condition.comparison in TIME_SERIES_ONLY
            and element is not None
            and not is_time_series
        ):
            r.error(
                cnode,
                "condition",
                f"{condition.text!r}: Looker offers changes/increases/decreases by only on time series, and tile "
                f"{self.tile!r} has no date or time dimension; use >, >=, <, <= or =",
            )
        return condition, is_time_series

    def _cron(self) -> str:
        r = self.r
        cron = ""
        cr = self.get("cron")
        if cr is None:
            r.error(self.node, "cron", "missing: e.g. '15 * * * *' (every hour at :15)")
            return cron
        raw = self.text("cron")
        if raw is None:
            return cron
        try:
            validate_cron(raw)
            cron = normalize_cron(raw)
        except CronError as exc:
            r.error(cr, "cron", str(exc))
        if cron:
            gap = min_interval_minutes(cron)
            if gap < MIN_INTERVAL_MINUTES:
                r.error(
                    cr,
                    "cron",
                    f"{cron!r} runs {gap} minute(s) apart; Looker requires alerts at least "
                    f"{MIN_INTERVAL_MINUTES} minutes apart (e.g. '*/15 * * * *')",
                )
                cron = ""
        return cron

    def _timezone(self) -> str:
        timezone = self.text("timezone", DEFAULT_TIMEZONE) or DEFAULT_TIMEZONE
        tz_problem = timezone_problem(timezone) if self.get("timezone") is not None else None
        if tz_problem:
            self.r.error(self.get("timezone"), "timezone", tz_problem)
        return timezone

    def _filters(self) -> list[AppliedFilter]:
        r = self.r
        filters: list[AppliedFilter] = []
        for knode, vnode, key, value in filter_entries(r, self.get("filters")):
            if self.dash is not None:
                applied = self._filter(knode, vnode, key, value, filters)
                if applied is not None:
                    filters.append(applied)
        return filters

    def _filter(
        self, knode: yaml.Node, vnode: yaml.Node, key: str, value: str, taken: list[AppliedFilter]
    ) -> AppliedFilter | None:
        """One ``filters:`` entry checked against the dashboard, the tile and the field's grammar."""
        r, dash, element = self.r, self.dash, self.element
        assert dash is not None
        match = [f for f in dash.filters if f.name == key] or [
            f for f in dash.filters if (f.title or "").casefold() == key.casefold()
        ]
        if not match:
            have = ", ".join(
                f.name + (f" ({f.title})" if f.title and f.title != f.name else "") for f in dash.filters
            )
            r.error(
                knode,
                f"filters.{key}",
                f"not a filter of dashboard {self.slug!r} (its filters: {have or 'none'})",
            )
            return None
        df = match[0]
        if any(f.name == df.name for f in taken):
            r.error(knode, f"filters.{key}", f"filter {df.name!r} given twice")
            return None
        if element is not None and df.name not in element.listen:
            r.error(
                knode,
                f"filters.{key}",
                f"tile {self.tile!r} does not listen to filter {df.name!r}: it would not change what the alert sees",
            )
            return None
        target = df.field or (element.listen.get(df.name) if element is not None else None) or df.name
        if value and element is not None and df.name in element.listen:
            problem = filter_problem(self.project, element, element.listen[df.name], value)
            if problem:
                r.error(vnode, f"filters.{key}", problem)
                return None
        return AppliedFilter(df.name, df.title or df.name, target, value)

    def _destinations(self) -> list[AlertDestination]:
        r = self.r
        dests: list[AlertDestination] = []
        for addr, line, k in recipients(r, self.get("recipients")):
            dests.append(AlertDestination("email", address=addr, line=line, key=k))
        dlist = self.get("destinations")
        if dlist is not None:
            if not isinstance(dlist, yaml.SequenceNode):
                r.error(dlist, "destinations", f"expected a list, got {kind(dlist)}")
            else:
                for i, dn in enumerate(dlist.value):
                    d = _destination(r, dn, f"destinations[{i}]")
                    if d is not None:
                        dests.append(d)
        seen: set[str] = set()
        for d in dests:
            if d.kind == "email":
                assert d.address is not None
                if not valid_email(d.address):
                    r.error(d.line, d.key, f"{d.address!r} is not a valid e-mail address")
                elif d.address.lower() in seen:
                    r.error(d.line, d.key, f"{d.address} is listed twice")
                seen.add((d.address or "").lower())
        if len({d.kind for d in dests}) > 1:
            r.error(
                self.node,
                "destinations",
                "Looker sends an alert to destinations of one type: e-mail addresses or one action-hub integration, not both "
                "(split it into two alerts)",
            )
        if not dests and len(r.problems) == self.before:
            r.error(self.node, "recipients", "no destination: give recipients (e-mail) or destinations")
        return dests


def _destination(r: DeliveryReader, node: yaml.Node, key: str) -> AlertDestination | None:
    try:
        d = r.mapping(node, key, DESTINATION_KEYS)
    except Stop:
        return None
    kinds = [k for k in ("email", "integration") if k in d]
    line = node.start_mark.line + 1
    if len(kinds) != 1:
        what = "none" if not kinds else " and ".join(kinds)
        extra = (
            " (alerts cannot go to webhooks: Looker offers e-mail and action-hub destinations)"
            if "webhook" in {str(k.value) for k, _ in getattr(node, "value", [])}
            else ""
        )
        r.error(node, key, f"give exactly one of email or integration (found {what}){extra}")
        return None
    kind = kinds[0]
    if kind == "email":
        for extra_key in ("parameters", "secret_parameters"):
            if extra_key in d:
                r.error(
                    d[extra_key][0], f"{key}.{extra_key}", "only an integration destination takes parameters"
                )
                return None
    try:
        value = r.text(d[kind][1], f"{key}.{kind}").strip()
    except Stop:
        return None
    if kind == "email":
        return AlertDestination("email", address=value, line=line, key=f"{key}.email")
    form = integration_form(r, d, key, value)
    if form is None:
        return None
    return AlertDestination(
        "integration",
        integration_id=value,
        parameters=form[0],
        secret_parameters=form[1],
        line=line,
        key=f"{key}.integration",
    )
