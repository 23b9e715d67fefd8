"""What the ``alerts:`` of a ``schedules.yaml`` describe: alerts, their conditions and destinations.

An alert watches one numeric field of one tile of one of the block's dashboards and notifies its
destinations when a condition holds, on a cron. Its ``name`` is its identity: the alert on Looker
carries the custom title ``[looker-ops] <name>`` (:data:`MARKER`, shared with schedules), which is
also how ``--prune`` recognises the alerts this tool made. The file is read into these by
:mod:`looker_ops.config.alerts`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from looker_ops.config.reader import Secret
from looker_ops.config.schedule_model import DEFAULT_TIMEZONE, MARKER
from looker_ops.errors import BadInput

if TYPE_CHECKING:
    from looker_ops.lookml.model import Project

__all__ = [
    "ALERT_KEYS",
    "COMPARISONS",
    "DESTINATION_KEYS",
    "MIN_INTERVAL_MINUTES",
    "TIME_SERIES_ONLY",
    "Alert",
    "AlertDestination",
    "AlertSet",
    "AppliedFilter",
    "Condition",
    "parse_condition",
]

MIN_INTERVAL_MINUTES = 15
"""Looker refuses an alert whose cron runs more often than every 15 minutes (422)."""

COMPARISONS = {
    ">": "GREATER_THAN",
    ">=": "GREATER_THAN_OR_EQUAL_TO",
    "<": "LESS_THAN",
    "<=": "LESS_THAN_OR_EQUAL_TO",
    "=": "EQUAL_TO",
    "==": "EQUAL_TO",
    "increases by": "INCREASES_BY",
    "decreases by": "DECREASES_BY",
    "changes by": "CHANGES_BY",
}
TIME_SERIES_ONLY = ("INCREASES_BY", "DECREASES_BY", "CHANGES_BY")
ALERT_KEYS = {
    "name": "identity of the alert (its title on Looker is '[looker-ops] <name>')",
    "dashboard": "the dashboard's preferred_slug in dashboards/",
    "tile": "the tile's title (or its element name)",
    "field": "the tile's field to watch, view.field (default: the tile's only measure)",
    "condition": "'> 0', '>= 5', '< 1', '= 0', 'increases by 10', 'decreases by 3', 'changes by 2'",
    "cron": "five-field crontab expression, at least 15 minutes apart, e.g. '15 * * * *'",
    "timezone": f"IANA zone `alerts evaluate` reads the cron in (default: defaults.timezone, else {DEFAULT_TIMEZONE})",
    "filters": "dashboard filter values by filter name or title, e.g. Date: 1 hour ago",
    "recipients": "e-mail addresses (default: defaults.recipients)",
    "destinations": "email or (action hub) integration destinations, all of one type",
    "public": "other users may see and follow the alert (default false)",
    "enabled": "false keeps the alert on Looker but disabled (default true)",
    "description": "text shown with the alert",
}
DESTINATION_KEYS = {
    "email": "an e-mail address",
    "integration": "action-hub integration id, e.g. 1::slack_app",
    "parameters": "the integration's form values, e.g. channel: C0123456789",
    "secret_parameters": "secret form values, each written as ${ENV_VAR}",
}
_CONDITION_RE = re.compile(
    r"^\s*(?P<op>>=|<=|==|=|>|<|increases\s+by|decreases\s+by|changes\s+by)\s*(?P<value>\S.*?)?\s*$",
    re.IGNORECASE,
)


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Condition:
    comparison: str  # Looker's comparison_type
    threshold: float
    text: str  # as written

    def holds(self, value: float | None, previous: float | None = None) -> bool:
        """Whether Looker's comparison is met by ``value`` (``previous``: the row before, for the
        time-series comparisons)."""
        if value is None:
            return False
        c, t = self.comparison, self.threshold
        if c == "GREATER_THAN":
            return value > t
        if c == "GREATER_THAN_OR_EQUAL_TO":
            return value >= t
        if c == "LESS_THAN":
            return value < t
        if c == "LESS_THAN_OR_EQUAL_TO":
            return value <= t
        if c == "EQUAL_TO":
            return value == t
        if previous is None:
            return False
        if c == "INCREASES_BY":
            return value - previous >= t
        if c == "DECREASES_BY":
            return previous - value >= t
        return abs(value - previous) >= t  # CHANGES_BY


@dataclass(frozen=True)
class AlertDestination:
    """``email`` (``address``) or ``integration`` (an action-hub integration and its form)."""

    kind: str
    address: str | None = None
    integration_id: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    secret_parameters: tuple[tuple[str, Secret], ...] = ()
    line: int = 0
    key: str = ""

    @property
    def label(self) -> str:
        if self.kind == "email":
            return f"email {self.address}"
        shown = ", ".join(f"{k}={v}" for k, v in self.parameters)
        return f"integration {self.integration_id}" + (f" ({shown})" if shown else "")


@dataclass(frozen=True)
class AppliedFilter:
    name: str  # the dashboard filter's name in the LookML file
    title: str  # its title (what Looker's AlertAppliedDashboardFilter.filter_title holds)
    field: str  # the field it filters (AlertAppliedDashboardFilter.field_name)
    value: str


@dataclass(frozen=True)
class Alert:
    name: str
    dashboard: str  # preferred_slug
    tile: str  # the tile's title as written in the dashboard (or its element name)
    element: str  # the element's name in the dashboard LookML
    field: str  # view.field
    field_title: str
    condition: Condition
    cron: str
    timezone: str
    destinations: tuple[AlertDestination, ...]
    filters: tuple[AppliedFilter, ...] = ()
    public: bool = False
    enabled: bool = True
    description: str | None = None
    time_series: bool = False
    file: str = ""
    line: int = 0

    @property
    def title(self) -> str:
        """The alert's custom title on Looker: its identity and ownership marker."""
        return MARKER + self.name

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.name


@dataclass
class AlertSet:
    alerts: list[Alert]
    file: str = ""
    project: Project | None = field(default=None, repr=False)
    declared: bool = True  # False: the file has no `alerts:` key (nothing is managed)

    def get(self, name: str) -> Alert:
        for a in self.alerts:
            if a.name == name:
                return a
        known = ", ".join(repr(a.name) for a in self.alerts) or "none"
        raise BadInput(f"{self.file}: no alert named {name!r} (alerts: {known})")

    def secrets(self) -> list[str]:
        return [
            v.reveal()
            for a in self.alerts
            for d in a.destinations
            for _, v in d.secret_parameters
            if v.reveal()
        ]


# --------------------------------------------------------------------------- conditions


def parse_condition(text: str) -> Condition:
    """``> 0`` / ``>= 5`` / ``increases by 10`` -> :class:`Condition`; ValueError says why not."""
    m = _CONDITION_RE.match(text or "")
    if not m:
        raise ValueError(
            f"{text!r}: expected a comparison and a number: > 0, >= 5, < 1, <= 2, = 0, increases by 10, "
            "decreases by 3, changes by 2"
        )
    op = " ".join(m.group("op").lower().split())
    value = (m.group("value") or "").strip()
    if not value:
        raise ValueError(f"{text!r}: the threshold is missing after {op!r}")
    if value.endswith("%"):
        raise ValueError(
            f"{text!r}: Looker's alerts take an absolute threshold (the API has no percentage form); "
            f"write the amount, e.g. '{op} 10'"
        )
    try:
        threshold = float(value.replace("_", ""))
    except ValueError:
        raise ValueError(f"{text!r}: threshold {value!r} is not a number") from None
    if threshold != threshold or threshold in (float("inf"), float("-inf")):
        raise ValueError(f"{text!r}: threshold {value!r} is not a finite number")
    comparison = COMPARISONS[op]
    if comparison in TIME_SERIES_ONLY and threshold < 0:
        raise ValueError(f"{text!r}: the amount of a change is positive ({op} {abs(threshold):g})")
    return Condition(comparison, threshold, " ".join(text.split()))
