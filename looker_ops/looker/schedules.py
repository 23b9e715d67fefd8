"""Scheduled plans on Looker, as a resource like its siblings: :func:`desired` (one schedule
of ``schedules.yaml`` as Looker should hold it), :func:`read` (the plans Looker holds),
:func:`plan` (pure: desired vs current -> [Change]) and :func:`apply` (carry the changes out).
The verbs built on it (``schedules apply / run / list``) are in :mod:`looker_ops.schedules`.

Identity and ownership. A schedule's plan is named ``[looker-ops] <name>``
(:data:`looker_ops.config.schedules.MARKER`). Only plans whose name starts with the marker are
compared, updated or deleted; any other plan, on the same dashboards or elsewhere, is never
touched. ``--prune`` deletes marked plans whose name is no longer in the file; two marked
plans with the same name (a create retried after a lost answer) are always reduced to the
oldest one.

What is compared (desired vs current, normalised): dashboard, crontab, timezone, the filters
(parsed, so ``+``/``%20`` and order do not matter), the delivery conditions, run-as and owner,
enabled, links, the PDF options and the destinations as a set (type, address, format,
parameters, message). Server-side fields (ids, timestamps, ``title``, ``user``, ``can``,
``looker_recipient``, next/last run) are ignored, so a second apply makes no write.

Secret parameters are write-only on Looker: they cannot be compared. They are sent on every
create and update (an update replaces all destinations, so they must be), and
``resend_secrets=True`` (``--resend-secrets``) forces an update of every plan that has some,
after a secret was rotated.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from looker_sdk.sdk.api40 import models as m

from looker_ops.config.schedules import (
    IMAGE_FORMATS,
    MARKER,
    DashboardInfo,
    Destination,
    Schedule,
    canonical_cron,
    normalize_cron,
    parse_filters_string,
    url_host,
)
from looker_ops.errors import BadInput
from looker_ops.looker.changes import CREATE, DELETE, SECRET, UPDATE, Change, FieldDiff, get, id_key
from looker_ops.looker.integrations import enabled_integration, offered

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

KIND = "schedule"
RUN_ONCE_PREFIX = "[looker-ops run-once] "
"""Name of the one-off plans ``schedules run`` creates: not the marker, so never pruned."""

COMPARED = [
    "dashboard_id",
    "crontab",
    "timezone",
    "filters",
    "require_results",
    "require_no_results",
    "require_change",
    "run_as_recipient",
    "user_id",
    "enabled",
    "include_links",
    "pdf_paper_size",
    "pdf_landscape",
    "long_tables",
    "pdf_page_breaks",
    "destinations",
]
_BOOLS = {
    "require_results",
    "require_no_results",
    "require_change",
    "run_as_recipient",
    "enabled",
    "include_links",
    "pdf_landscape",
    "long_tables",
    "pdf_page_breaks",
}


# --------------------------------------------------------------------------- desired state


@dataclass(frozen=True)
class Target:
    """A dashboard on Looker a schedule points at (or None when it is not there yet)."""

    slug: str
    id: str | None
    filter_names: Mapping[str, str] = field(default_factory=dict)  # LookML name -> Looker name
    problems: tuple[str, ...] = ()


@dataclass
class Desired:
    """One schedule as Looker should hold it: ``fields`` compared, ``schedule`` for the body."""

    schedule: Schedule
    fields: dict[str, Any]
    filters_string: str = ""  # as sent: the file's order (``fields["filters"]`` is sorted)

    @property
    def name(self) -> str:
        return self.schedule.plan_name


def _dest_fields(d: Destination, message: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": d.looker_type,
        "format": d.format,
        "address": (d.address or "").lower() if d.kind == "email" else d.address,
        "parameters": dict(d.parameters) if d.kind == "integration" else None,
        "message": message if d.kind == "email" else None,
    }
    if d.format not in IMAGE_FORMATS:
        out["apply_formatting"] = False
        out["apply_vis"] = False
    return out


def desired(schedule: Schedule, target: Target, owner_id: str | None = None) -> Desired:
    """The compared fields of ``schedule`` on ``target``. ``owner_id``: the API user's id (for
    ``run_as: owner``; None leaves the owner uncompared)."""
    s = schedule
    fs = s.filters_string(target.filter_names)
    fields: dict[str, Any] = {
        "name": s.plan_name,
        "dashboard_id": target.id,
        "crontab": normalize_cron(s.cron),
        "timezone": s.timezone,
        "filters": parse_filters_string(fs),
        "require_results": s.require_results,
        "require_no_results": False,
        "require_change": False,
        "run_as_recipient": s.run_as == "recipient",
        "user_id": s.user_id or owner_id,
        "enabled": s.enabled,
        "include_links": s.include_links,
        "pdf_paper_size": s.pdf.paper_size,
        "pdf_landscape": s.pdf.landscape,
        "long_tables": s.pdf.expand_tables,
        "pdf_page_breaks": s.pdf.page_breaks,
        "destinations": [_dest_fields(d, s.message) for d in s.destinations],
    }
    return Desired(s, fields, fs)


def write_body(d: Desired, *, name: str | None = None) -> m.WriteScheduledPlan:
    """The create/update body: every compared field plus all destinations with their secrets."""
    s = d.schedule
    f = d.fields
    dests = []
    for dest, df in zip(s.destinations, f["destinations"], strict=True):
        secret = (
            json.dumps({k: v.reveal() for k, v in dest.secret_parameters}, sort_keys=True)
            if dest.secret_parameters
            else None
        )
        dests.append(
            m.ScheduledPlanDestination(
                type=df["type"],
                format=df["format"],
                address=dest.address if dest.kind != "integration" else None,
                parameters=json.dumps(df["parameters"], sort_keys=True)
                if df["parameters"] is not None
                else None,
                secret_parameters=secret,
                message=df["message"],
                apply_formatting=df.get("apply_formatting"),
                apply_vis=df.get("apply_vis"),
            )
        )
    return m.WriteScheduledPlan(
        name=name or f["name"],
        dashboard_id=f["dashboard_id"],
        crontab=f["crontab"],
        timezone=f["timezone"],
        filters_string=d.filters_string,
        require_results=f["require_results"],
        require_no_results=f["require_no_results"],
        require_change=f["require_change"],
        run_as_recipient=f["run_as_recipient"],
        user_id=f["user_id"],  # None on create for owner/recipient: Looker makes the API user the owner
        enabled=f["enabled"],
        include_links=f["include_links"],
        pdf_paper_size=f["pdf_paper_size"],
        pdf_landscape=f["pdf_landscape"],
        long_tables=f["long_tables"],
        pdf_page_breaks=f["pdf_page_breaks"],
        scheduled_plan_destination=dests,
    )


# --------------------------------------------------------------------------- current state


def plain_value(value: Any) -> Any:
    """A value read from Looker as plain data: an SDK enum as its value, "" as None."""
    value = getattr(value, "value", value)  # SDK enums
    return None if value in (None, "") else value


def _params(text: Any) -> dict[str, Any] | None:
    if text in (None, ""):
        return None
    if isinstance(text, dict):
        return dict(text)
    try:
        value = json.loads(str(text))
    except ValueError:
        return {"(unreadable)": str(text)}
    return value if isinstance(value, dict) else {"(value)": value}


def current_fields(plan: Any) -> dict[str, Any]:
    """A plan read from Looker (SDK model or dict), in the shape of :func:`desired`'s fields."""
    dests = []
    for d in get(plan, "scheduled_plan_destination") or []:
        typ = plain_value(get(d, "type")) or ""
        fmt = plain_value(get(d, "format"))
        out: dict[str, Any] = {
            "type": typ,
            "format": fmt,
            "address": (plain_value(get(d, "address")) or "").lower()
            if typ == "email"
            else plain_value(get(d, "address")),
            "parameters": _params(get(d, "parameters")) if typ.startswith("looker-integration") else None,
            "message": plain_value(get(d, "message")) if typ == "email" else None,
        }
        if fmt not in IMAGE_FORMATS:
            out["apply_formatting"] = bool(get(d, "apply_formatting"))
            out["apply_vis"] = bool(get(d, "apply_vis"))
        dests.append(out)
    fields: dict[str, Any] = {
        "name": get(plan, "name"),
        "dashboard_id": None if get(plan, "dashboard_id") is None else str(get(plan, "dashboard_id")),
        "crontab": normalize_cron(get(plan, "crontab") or ""),
        "timezone": plain_value(get(plan, "timezone")),
        "filters": parse_filters_string(get(plan, "filters_string") or get(plan, "dashboard_filters")),
        "user_id": None if get(plan, "user_id") is None else str(get(plan, "user_id")),
        "pdf_paper_size": plain_value(get(plan, "pdf_paper_size")),
        "destinations": dests,
    }
    for b in _BOOLS:
        fields[b] = bool(get(plan, b))
    return fields


def _norm(key: str, value: Any) -> Any:
    if key == "destinations":
        return sorted(
            json.dumps({k: v for k, v in d.items() if v is not None}, sort_keys=True) for d in value
        )
    if key in _BOOLS:
        return bool(value)
    if key == "filters":
        return sorted(tuple(p) for p in value)
    if key == "pdf_paper_size" and value:
        return str(value).lower()
    if key == "crontab" and value:
        return canonical_cron(str(value))
    return None if value in (None, "") else value


def _show(key: str, value: Any) -> Any:
    """A value for the printed plan: never a secret, webhook URLs cut to their host."""
    if key == "destinations":
        return [dest_label(d) for d in value]
    if key == "filters":
        return "&".join(f"{k}={v}" for k, v in value) or None
    return value


def dest_label(d: Mapping[str, Any]) -> str:
    """A destination as printed: its kind and where it goes (a webhook by its host), its format."""
    typ = str(d.get("type") or "")
    if typ == "email":
        what = f"email {d.get('address')}"
    elif typ == "webhook":
        what = f"webhook {url_host(str(d.get('address') or ''))}"
    elif typ.startswith("looker-integration://"):
        params = d.get("parameters") or {}
        shown = ", ".join(f"{k}={v}" for k, v in sorted(params.items()))
        what = f"integration {typ.removeprefix('looker-integration://')}" + (f" ({shown})" if shown else "")
    else:
        what = f"{typ or '?'} destination"
    return f"{what} [{d.get('format')}]"


def diff(want: Desired, have: Any, *, compare_owner: bool = True) -> list[FieldDiff]:
    cur = have if isinstance(have, dict) and "destinations" in have else current_fields(have)
    out: list[FieldDiff] = []
    for key in COMPARED:
        w, h = want.fields.get(key), cur.get(key)
        if key == "user_id" and (w is None or not compare_owner):
            continue
        if key == "dashboard_id" and w is None:  # dashboard not on Looker yet (dry run of deploy)
            continue
        if key == "destinations":
            out.extend(_destination_diffs(h or [], w or []))
        elif _norm(key, w) != _norm(key, h):
            out.append(FieldDiff(key, _show(key, h), _show(key, w)))
    return out


def _destination_diffs(
    have: Sequence[Mapping[str, Any]], want: Sequence[Mapping[str, Any]]
) -> list[FieldDiff]:
    """One ``destination`` diff per destination removed (before) or added (after), as labels."""

    def keyed(ds: Sequence[Mapping[str, Any]]) -> dict[str, list[Mapping[str, Any]]]:
        out: dict[str, list[Mapping[str, Any]]] = {}
        for d in ds:
            out.setdefault(_norm("destinations", [d])[0], []).append(d)
        return out

    h, w = keyed(have), keyed(want)
    removed: list[FieldDiff] = []
    added: list[FieldDiff] = []
    for k in sorted(set(h) | set(w)):
        extra = len(h.get(k, [])) - len(w.get(k, []))
        label = dest_label((h.get(k) or w.get(k) or [{}])[0])
        for _ in range(abs(extra)):
            if extra > 0:
                removed.append(FieldDiff("destination", label, None))
            else:
                added.append(FieldDiff("destination", None, label))
    return removed + added


def plan_id(ch: Change) -> str | None:
    """The Looker id of the plan a change updates or deletes (None for a create)."""
    p = ch.payload
    if isinstance(p, PlannedChange):
        return p.plan_id
    return None


@dataclass
class PlannedChange:
    """What apply needs for one change (kept out of printing: it holds the secrets)."""

    desired: Desired | None
    plan_id: str | None


def is_managed(plan: Any) -> bool:
    name = get(plan, "name") or ""
    return str(name).startswith(MARKER) and not get(plan, "run_once")


def plan(
    want: Sequence[Desired],
    current: Iterable[Any],
    *,
    prune: bool = False,
    resend_secrets: bool = False,
    compare_owner: bool = True,
) -> list[Change]:
    """Pure: the changes that make ``current`` (plans read from Looker, SDK models or dicts)
    match ``want``. Plans without the marker are ignored; marked plans not wanted are deleted
    only with ``prune``; extra plans with a wanted name (duplicates) are always deleted."""
    mine: dict[str, list[Any]] = {}
    for p in current:
        if is_managed(p):
            mine.setdefault(str(get(p, "name")), []).append(p)
    for plans in mine.values():
        plans.sort(key=lambda p: id_key(get(p, "id")))
    changes: list[Change] = []
    for w in want:
        plans = mine.pop(w.name, [])
        label = w.schedule.name
        if not plans:
            where = w.schedule.dashboard + (
                f" (id {w.fields['dashboard_id']})" if w.fields["dashboard_id"] else ""
            )
            diffs = [FieldDiff("dashboard", None, where)]
            diffs.extend(
                FieldDiff(k, None, _show(k, w.fields[k]))
                for k in COMPARED
                if _has(w.fields.get(k)) and k not in ("destinations", "dashboard_id")
            )
            diffs.extend(_destination_diffs([], w.fields["destinations"]))
            if any(d.secret_parameters for d in w.schedule.destinations):
                diffs.append(FieldDiff("secret_parameters", None, SECRET))
            note = "" if w.fields["dashboard_id"] else "dashboard not on Looker yet: it is imported first"
            changes.append(Change(KIND, CREATE, label, diffs, note=note, payload=PlannedChange(w, None)))
            continue
        keep, *dupes = plans
        diffs = diff(w, keep, compare_owner=compare_owner)
        has_secrets = any(d.secret_parameters for d in w.schedule.destinations)
        if diffs and has_secrets:
            diffs.append(FieldDiff("secret_parameters", SECRET, SECRET))
        if not diffs and has_secrets and resend_secrets:
            diffs = [FieldDiff("secret_parameters", SECRET, SECRET)]
        pid = str(get(keep, "id"))
        if diffs:
            changes.append(
                Change(KIND, UPDATE, label, diffs, note=f"plan {pid}", payload=PlannedChange(w, pid))
            )
        for d in dupes:
            did = str(get(d, "id"))
            changes.append(
                Change(
                    KIND,
                    DELETE,
                    label,
                    note=f"plan {did}: duplicate of plan {pid}",
                    payload=PlannedChange(None, did),
                )
            )
    for name, plans in sorted(mine.items()):
        label = name.removeprefix(MARKER)
        if not prune:
            continue
        for p in plans:
            pid = str(get(p, "id"))
            changes.append(
                Change(
                    KIND,
                    DELETE,
                    label,
                    note=f"plan {pid}: no longer in the schedules file",
                    payload=PlannedChange(None, pid),
                )
            )
    return changes


def _has(value: Any) -> bool:
    return value not in (None, "", [], False)


# --------------------------------------------------------------------------- Looker reads


def find_dashboard(client: LookerClient, slug: str) -> Any | None:
    """The dashboard with this slug on the instance (not in the trash), or None."""
    found = client.sdk.search_dashboards(slug=slug, fields="id,slug,title,deleted,dashboard_filters")
    for d in found or []:
        if get(d, "slug") == slug and not get(d, "deleted"):
            return d
    return None


def resolve_target(
    client: LookerClient, info: DashboardInfo, schedules: Sequence[Schedule], *, strict: bool = True
) -> Target:
    """The Looker id of a block dashboard and the names its filters have there.

    A filter the schedules use that the dashboard on Looker lacks (it is older than the LookML
    file) raises BadInput when ``strict``; otherwise the LookML name is kept and
    ``Target.problems`` says why (a dry run of deploy, before the dashboards step).
    """
    d = find_dashboard(client, info.slug)
    if d is None:
        return Target(info.slug, None)
    names: dict[str, str] = {}
    problems: list[str] = []
    looker_filters = get(d, "dashboard_filters")
    if looker_filters is not None:
        used = {n for s in schedules for n, _ in s.filters}
        for f in info.filters:
            if f.name not in used:
                continue
            match = next((lf for lf in looker_filters if get(lf, "name") == f.name), None)
            if match is None and f.title:
                title = f.title.casefold()
                match = next(
                    (lf for lf in looker_filters if str(get(lf, "title") or "").casefold() == title), None
                )
            if match is not None:
                names[f.name] = str(get(match, "name"))
                continue
            who = next(s for s in schedules if any(n == f.name for n, _ in s.filters))
            problem = (
                f"{who.where}: schedule {who.name!r}: filters.{f.name}: the dashboard {info.slug!r} on "
                f"Looker has no filter {f.name!r}; it is older than {info.file}: run `looker-ops deploy` "
                "(or `looker-ops dashboards import`) first"
            )
            if strict:
                raise BadInput(problem)
            problems.append(problem)
    return Target(info.slug, str(get(d, "id")), names, tuple(problems))


def read(client: LookerClient) -> list[Any]:
    """Every scheduled plan of every user (needs see_schedules; the API user is an admin)."""
    return list(client.sdk.all_scheduled_plans(all_users=True) or [])


def owner_id(client: LookerClient) -> str | None:
    """The API user's id: the owner of plans made with ``run_as: owner``."""
    me = client.sdk.me(fields="id")
    return None if get(me, "id") is None else str(get(me, "id"))


def check_integrations(client: LookerClient, schedules: Sequence[Schedule]) -> None:
    """Action-hub destinations: the integration exists, is enabled and takes the format."""
    wanted = [(s, d) for s in schedules for d in s.destinations if d.kind == "integration"]
    if not wanted:
        return
    known = offered(client)
    for s, d in wanted:
        where = f"{s.file}:{d.line}: schedule {s.name!r}: {d.key}"
        integ = enabled_integration(known, d.integration_id, where)
        formats = [str(plain_value(f)) for f in get(integ, "supported_formats") or []]
        if formats and d.format not in formats:
            raise BadInput(
                f"{where}: integration {d.integration_id!r} does not take {d.format} (it takes {', '.join(formats)})"
            )
        kinds = [str(plain_value(k)) for k in get(integ, "supported_action_types") or []]
        if kinds and "dashboard" not in kinds:
            raise BadInput(f"{where}: integration {d.integration_id!r} cannot deliver dashboards")


def apply(client: LookerClient, changes: Sequence[Change]) -> None:
    """Carry out planned changes: creates (exactly once), in-place updates, deletes."""
    for ch in changes:
        pc: PlannedChange = ch.payload
        if ch.action == DELETE:
            assert pc.plan_id is not None
            # already gone (deleted by hand meanwhile) is what was wanted
            client.get_or_none(client.sdk.delete_scheduled_plan, pc.plan_id)
        elif ch.action == UPDATE:
            assert pc.desired is not None and pc.plan_id is not None
            client.sdk.update_scheduled_plan(pc.plan_id, write_body(pc.desired))
        elif ch.action == CREATE:
            assert pc.desired is not None
            _create(client, pc.desired)


def _create(client: LookerClient, want: Desired) -> None:
    body = write_body(want)
    found: list[Any] = []

    def find() -> Any | None:
        for p in read(client):
            if is_managed(p) and get(p, "name") == want.name:
                found.append(p)
                return p
        return None

    client.create_or_get(
        create=lambda: client.sdk.create_scheduled_plan(body),
        find=find,
        operation="create_scheduled_plan",
    )
    if found:
        # The create was applied although its answer was lost (or someone made it meanwhile):
        # make it match, secrets included (they cannot be compared).
        client.sdk.update_scheduled_plan(str(get(found[0], "id")), body)


def read_for_dashboard(client: LookerClient, dashboard_id: str) -> list[Any]:
    """Every plan (anyone's) on one dashboard, run-once plans included."""
    return list(client.sdk.scheduled_plans_for_dashboard(dashboard_id, all_users=True) or [])


def integrations(client: LookerClient) -> list[dict[str, Any]]:
    """The action-hub integrations Looker offers (for ``schedules integrations``)."""
    out = []
    for i in client.sdk.all_integrations() or []:
        out.append(
            {
                "id": get(i, "id"),
                "label": get(i, "label"),
                "enabled": bool(get(i, "enabled")),
                "formats": [str(plain_value(f)) for f in get(i, "supported_formats") or []],
                "dashboards": "dashboard"
                in [str(plain_value(k)) for k in get(i, "supported_action_types") or []],
            }
        )
    return out
