"""What a ``schedules.yaml`` describes: schedules, their destinations, the dashboards they send.

A schedule is a scheduled delivery of one of the block's dashboards. Its ``name`` is its identity:
the plan on Looker is named ``[looker-ops] <name>`` (:data:`MARKER`), which is also how
``--prune`` recognises the plans this tool owns (it never touches a plan without the marker).
The file is read into these by :mod:`looker_ops.config.schedules`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit

from looker_ops.config.reader import Secret
from looker_ops.errors import BadInput
from looker_ops.lookml.filters import DASHBOARD_FILTER_KINDS

MARKER = "[looker-ops] "
"""Prefix of the name of every plan this tool creates: how it recognises its own plans."""

FORMATS = ("wysiwyg_pdf", "assembled_pdf", "wysiwyg_png", "csv_zip")
PDF_FORMATS = ("wysiwyg_pdf", "assembled_pdf")
IMAGE_FORMATS = (*PDF_FORMATS, "wysiwyg_png")
PAPER_SIZES = ("letter", "legal", "tabloid", "a0", "a1", "a2", "a3", "a4", "a5")
DEFAULT_TIMEZONE = "UTC"

# The keys of the file, with what each means (unknown keys are refused with these listed).
TOP_KEYS = {
    "defaults": "values every schedule takes unless it sets them itself",
    "schedules": "the list of schedules",
    "alerts": "the list of alerts on dashboard tiles (read by looker_ops.config.alerts)",
}
SCHEDULE_KEYS = {
    "name": "identity of the schedule (the Looker plan is named '[looker-ops] <name>')",
    "dashboard": "the dashboard's preferred_slug in dashboards/",
    "cron": "five-field crontab expression, e.g. '0 7 * * 1' (Mondays 07:00)",
    "timezone": f"IANA time zone of the cron expression (default {DEFAULT_TIMEZONE})",
    "filters": "dashboard filter values by filter name or title, e.g. Date: 7 days",
    "format": f"one of {', '.join(FORMATS)} (default wysiwyg_pdf)",
    "pdf": "paper_size, landscape, expand_tables, page_breaks",
    "require_results": "send only if the dashboard returns results (default false)",
    "run_as": "owner (default: the API user), recipient, or a Looker user id",
    "enabled": "false keeps the plan on Looker but does not run it (default true)",
    "include_links": "include links back to Looker (default true)",
    "message": "text included in the e-mails",
    "recipients": "e-mail addresses",
    "destinations": "other destinations: email, webhook or (action hub) integration",
}
PDF_KEYS = {
    "paper_size": f"one of {', '.join(PAPER_SIZES)}; omit to fit the page to the dashboard",
    "landscape": "landscape orientation (default false)",
    "expand_tables": "expand table visualisations to show all rows (default false)",
    "page_breaks": "page breaks between dashboard tabs (default false)",
}
DESTINATION_KEYS = {
    "email": "an e-mail address",
    "webhook": "an https URL (better as ${ENV_VAR}: such URLs often carry a token)",
    "integration": "action-hub integration id, e.g. 1::slack_app",
    "parameters": "the integration's form values, e.g. channel: C0123456789",
    "secret_parameters": "secret values, each written as ${ENV_VAR}",
    "format": "this destination's format (default: the schedule's)",
}


# --------------------------------------------------------------------------- dashboards


@dataclass(frozen=True)
class DashboardFilterInfo:
    name: str
    title: str | None = None
    # The grammar of a typed filter (``type: date_filter``...: ``date``...), else None (a field
    # filter's grammar is its field's, which only the LookML project knows).
    kind: str | None = None


@dataclass(frozen=True)
class DashboardInfo:
    """What schedules need to know of one ``*.dashboard.lookml``."""

    slug: str
    name: str
    title: str
    filters: tuple[DashboardFilterInfo, ...]
    file: str
    line: int

    def find_filter(self, key: str) -> DashboardFilterInfo | None:
        """A filter by its name, else by its title (titles compared without case)."""
        for f in self.filters:
            if f.name == key:
                return f
        for f in self.filters:
            if f.title is not None and f.title.casefold() == key.casefold():
                return f
        return None


def unreadable_dashboard_files(dashboards_dir: Path) -> str:
    """A note naming the dashboard files of the folder that could not be read (empty when all
    could), read as ``check`` reads them: an unknown slug may be a dashboard in one of them.
    Read only on that error path."""
    from looker_ops.lookml.dashboards import load_dashboards, unreadable_dashboards

    paths = sorted(dashboards_dir.glob("*.dashboard.lookml")) if dashboards_dir.is_dir() else []
    return unreadable_dashboards(load_dashboards(paths, str)[1])


def dashboard_index(dashboards_dir: Path) -> dict[str, DashboardInfo]:
    """``preferred_slug`` -> :class:`DashboardInfo` for every ``*.dashboard.lookml`` in the folder.

    Parsed by the block's dashboard parser (:mod:`looker_ops.lookml.dashboards`); its findings
    (unreadable YAML, unknown keys) are the checker's to report: a dashboard it cannot read is
    simply not there for the schedules. Dashboards without a ``preferred_slug`` cannot be
    scheduled (the deploy imports dashboards by that slug).
    """
    from looker_ops.lookml.dashboards import parse_dashboard_text

    out: dict[str, DashboardInfo] = {}
    if not dashboards_dir.is_dir():
        return out
    for path in sorted(dashboards_dir.glob("*.dashboard.lookml")):
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError):
            continue  # the checker reports an unreadable dashboard file
        dashboards, _ = parse_dashboard_text(text, str(path))
        for d in dashboards:
            if not d.preferred_slug:
                continue
            out[d.preferred_slug] = DashboardInfo(
                slug=d.preferred_slug,
                name=d.name,
                title=d.title or "",
                filters=tuple(
                    DashboardFilterInfo(f.name, f.title, DASHBOARD_FILTER_KINDS.get(f.type or ""))
                    for f in d.filters
                    if f.name
                ),
                file=str(path),
                line=d.line,
            )
    return out


# --------------------------------------------------------------------------- specs


@dataclass(frozen=True)
class Destination:
    """One place a schedule delivers to.

    ``kind`` is ``email`` (``address`` an e-mail address), ``webhook`` (Looker's built-in
    webhook destination, ``address`` an https URL) or ``integration`` (an action-hub
    integration such as Slack: ``integration_id`` like ``1::slack_app``, ``parameters`` the
    integration's form values, ``secret_parameters`` values read from the environment).
    """

    kind: str
    format: str
    address: str | None = None
    integration_id: str | None = None
    parameters: tuple[tuple[str, str], ...] = ()
    secret_parameters: tuple[tuple[str, Secret], ...] = ()
    line: int = 0
    key: str = ""

    @property
    def looker_type(self) -> str:
        """The ``type`` of the ScheduledPlanDestination."""
        if self.kind == "integration":
            return f"looker-integration://{self.integration_id}"
        return self.kind

    @property
    def label(self) -> str:
        """Safe to print: webhook URLs (which often carry a token) are cut to their host."""
        if self.kind == "email":
            return f"email {self.address}"
        if self.kind == "webhook":
            return f"webhook {url_host(self.address or '')}"
        params = ", ".join(f"{k}={v}" for k, v in self.parameters)
        return f"integration {self.integration_id}" + (f" ({params})" if params else "")


def url_host(url: str) -> str:
    """``scheme://host/…``: how a URL that may carry a token is printed."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}/…" if parts.scheme else "<url>"


@dataclass(frozen=True)
class PdfOptions:
    paper_size: str | None = None  # None: fit the page to the dashboard
    landscape: bool = False
    expand_tables: bool = False  # Looker's long_tables
    page_breaks: bool = False  # Looker's pdf_page_breaks (between tabs)


@dataclass(frozen=True)
class Schedule:
    name: str
    dashboard: str  # preferred_slug
    cron: str
    timezone: str
    destinations: tuple[Destination, ...]
    filters: tuple[tuple[str, str], ...] = ()  # (dashboard filter name, value)
    format: str = "wysiwyg_pdf"
    pdf: PdfOptions = PdfOptions()
    require_results: bool = False
    run_as: str = "owner"  # owner | recipient | a Looker user id
    enabled: bool = True
    include_links: bool = True
    message: str | None = None
    file: str = ""
    line: int = 0

    @property
    def plan_name(self) -> str:
        return MARKER + self.name

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.file else self.name

    def filters_string(self, names: Mapping[str, str] | None = None) -> str:
        """The plan's ``filters_string``: ``?Name=value&...`` with ``+`` for blanks.

        ``names`` maps a filter name of the LookML file to the name the dashboard on Looker
        uses, when they differ.
        """
        if not self.filters:
            return ""
        pairs = [((names or {}).get(k, k), v) for k, v in self.filters]
        return "?" + urlencode(pairs, quote_via=quote_plus)

    @property
    def user_id(self) -> str | None:
        return self.run_as if self.run_as not in ("owner", "recipient") else None


def parse_filters_string(text: str | None) -> list[tuple[str, str]]:
    """``?A=1&B+C=x`` -> sorted pairs, so two strings compare by meaning, not by encoding."""
    if not text:
        return []
    return sorted(parse_qsl(text.lstrip("?"), keep_blank_values=True))


@dataclass
class ScheduleSet:
    """A checked ``schedules.yaml``: the schedules plus the dashboards they point at."""

    schedules: list[Schedule]
    dashboards: dict[str, DashboardInfo] = field(default_factory=dict)
    file: str = ""

    def get(self, name: str) -> Schedule:
        for s in self.schedules:
            if s.name == name:
                return s
        known = ", ".join(repr(s.name) for s in self.schedules) or "none"
        raise BadInput(f"{self.file}: no schedule named {name!r} (schedules: {known})")

    def secrets(self) -> list[str]:
        """Every secret value, for redaction."""
        out: list[str] = []
        for s in self.schedules:
            for d in s.destinations:
                out.extend(v.reveal() for _, v in d.secret_parameters if v.reveal())
                if d.kind == "webhook" and d.address:
                    out.append(d.address)
        return out
