"""The Looker alert resource: desired, read, plan and apply against the ``alerts:`` of schedules.yaml
(the ``alerts`` verbs over it are in :mod:`looker_ops.alerts`).

Identity and ownership. An alert's custom title is ``[looker-ops] <name>``
(:data:`looker_ops.config.schedules.MARKER`). Only alerts whose title starts with the marker are
compared, updated or deleted; anyone else's alert is never touched. ``--prune`` deletes marked
alerts whose name is no longer in the file; two marked alerts with one name (a create retried
after a lost answer) are always reduced to the oldest.

Elements. An alert points at a dashboard element by id, and a re-import of the dashboard (the
deploy's dashboards step) gives every element a new id; Looker does not keep the alerts on the
old ones. So each run finds the tile on Looker afresh (the dashboard by slug, the element by
title) and checks that its query is the file's (model, explore, and the watched field among its
fields): an alert still on an old element is re-pointed in place, one Looker dropped is created
again, and a marked alert left on an element that no longer exists is deleted even without
``--prune`` (it can never fire). :func:`verify` re-reads after apply: every wanted alert once,
each on a live element whose query has its field.

Compared (normalised): element, field, comparison, threshold, cron, the applied dashboard
filters (as a set), destinations (as a set; action-hub form values without the secret ones),
public, disabled, description. Secret form values cannot be read back: they are sent on every
create and update.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from looker_sdk.sdk.api40 import models as m

from looker_ops.config.alert_model import Alert, AlertSet
from looker_ops.config.schedules import MARKER, canonical_cron
from looker_ops.errors import LookerOpsError
from looker_ops.looker.changes import CREATE, DELETE, SECRET, UPDATE, Change, FieldDiff, get, id_key
from looker_ops.looker.integrations import enabled_integration, offered

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

KIND = "alert"
COMPARED = [
    "dashboard_element_id",
    "field",
    "comparison_type",
    "threshold",
    "cron",
    "filters",
    "destinations",
    "is_public",
    "is_disabled",
    "description",
]


# --------------------------------------------------------------------------- targets


@dataclass(frozen=True)
class Tile:
    """Where an alert's tile is on Looker now (``element_id`` None: not found; ``problem`` says why)."""

    dashboard: str  # slug
    dashboard_id: str | None
    element_id: str | None
    problem: str = ""


def find_dashboard(client: LookerClient, slug: str) -> Any | None:
    for d in client.sdk.search_dashboards(slug=slug, fields="id,slug,deleted") or []:
        if get(d, "slug") == slug and not get(d, "deleted"):
            return d
    return None


def _elements(client: LookerClient, dashboard_id: str) -> list[Any]:
    d = client.sdk.dashboard(dashboard_id, fields="id,dashboard_elements")
    return list(get(d, "dashboard_elements") or [])


def resolve_tiles(
    client: LookerClient, spec: AlertSet, alerts: Sequence[Alert] | None = None
) -> dict[str, Tile]:
    """Alert name -> :class:`Tile`: each alert's element found by title on its dashboard, with
    its query compared with the file's tile (model, explore, and the field among its fields)."""
    wanted = list(alerts if alerts is not None else spec.alerts)
    out: dict[str, Tile] = {}
    by_slug: dict[str, tuple[str | None, list[Any]]] = {}
    for a in wanted:
        if a.dashboard not in by_slug:
            d = find_dashboard(client, a.dashboard)
            did = None if d is None else str(get(d, "id"))
            by_slug[a.dashboard] = (did, _elements(client, did) if did else [])
        did, elements = by_slug[a.dashboard]
        if did is None:
            out[a.name] = Tile(a.dashboard, None, None, f"dashboard {a.dashboard!r} is not on Looker")
            continue
        matches = [e for e in elements if str(get(e, "title") or "").casefold() == a.tile.casefold()]
        if not matches:
            out[a.name] = Tile(
                a.dashboard, did, None, f"dashboard {a.dashboard!r} on Looker has no tile {a.tile!r}"
            )
            continue
        problem = _query_problem(spec, a, get(matches[0], "query"))
        out[a.name] = Tile(a.dashboard, did, None if problem else str(get(matches[0], "id")), problem)
    return out


def _query_problem(spec: AlertSet, a: Alert, query: Any) -> str:
    """Why the element's query on Looker is not the file's tile ('' when it is)."""
    local = _local_element(spec, a)
    fields = [str(f) for f in get(query, "fields") or []]
    if query is None:
        return f"tile {a.tile!r} on Looker has no query"
    if a.field not in fields:
        return (
            f"tile {a.tile!r} on Looker does not query {a.field} (its fields: {', '.join(fields) or 'none'})"
        )
    if local is not None:
        want = (local.model or "", local.explore or "", sorted(local.fields))
        have = (str(get(query, "model") or ""), str(get(query, "view") or ""), sorted(fields))
        if want != have:
            return (
                f"tile {a.tile!r} on Looker queries {have[0]}/{have[1]} {', '.join(have[2])}, the file "
                f"{want[0]}/{want[1]} {', '.join(want[2])}"
            )
    return ""


def _local_element(spec: AlertSet, a: Alert) -> Any | None:
    if spec.project is None:
        return None
    for d in spec.project.dashboards:
        if d.preferred_slug == a.dashboard:
            for e in d.elements:
                if e.name == a.element:
                    return e
    return None


# --------------------------------------------------------------------------- desired / current


@dataclass
class Desired:
    alert: Alert
    fields: dict[str, Any]
    owner_id: str | None = None

    @property
    def title(self) -> str:
        return self.alert.title


def _dest_fields(a: Alert) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for d in a.destinations:
        if d.kind == "email":
            out.append({"type": "EMAIL", "address": (d.address or "").lower()})
        else:
            out.append(
                {"type": "ACTION_HUB", "integration": d.integration_id, "parameters": dict(d.parameters)}
            )
    return out


def desired(a: Alert, element_id: str | None, owner_id: str | None = None) -> Desired:
    fields: dict[str, Any] = {
        "dashboard_element_id": element_id,
        "field": a.field,
        "comparison_type": a.condition.comparison,
        "threshold": float(a.condition.threshold),
        "cron": a.cron,
        "filters": [{"field": f.field, "value": f.value} for f in a.filters],
        "destinations": _dest_fields(a),
        "is_public": a.public,
        "is_disabled": not a.enabled,
        "description": a.description,
    }
    return Desired(a, fields, owner_id)


def write_body(d: Desired) -> m.WriteAlert:
    """The create/update body (PUT replaces the alert): every field, secrets included."""
    a = d.alert
    dests = []
    for dest in a.destinations:
        if dest.kind == "email":
            dests.append(
                m.AlertDestination(destination_type=m.DestinationType.EMAIL, email_address=dest.address)
            )
        else:
            form = dict(dest.parameters) | {k: v.reveal() for k, v in dest.secret_parameters}
            dests.append(
                m.AlertDestination(
                    destination_type=m.DestinationType.ACTION_HUB,
                    action_hub_integration_id=dest.integration_id,
                    action_hub_form_params_json=json.dumps(form, sort_keys=True),
                )
            )
    return m.WriteAlert(
        custom_title=a.title,
        dashboard_element_id=d.fields["dashboard_element_id"],
        field=m.AlertField(title=a.field_title, name=a.field),
        comparison_type=m.ComparisonType(a.condition.comparison),
        threshold=float(a.condition.threshold),
        cron=a.cron,
        applied_dashboard_filters=[
            m.AlertAppliedDashboardFilter(filter_title=f.title, field_name=f.field, filter_value=f.value)
            for f in a.filters
        ],
        destinations=dests,
        owner_id=d.owner_id or "",
        is_public=a.public,
        is_disabled=not a.enabled,
        description=a.description,
    )


def _text(value: Any) -> Any:
    value = getattr(value, "value", value)
    return None if value in (None, "") else value


def current_fields(alert: Any, secret_keys: Mapping[str, set[str]] | None = None) -> dict[str, Any]:
    """An alert read from Looker (SDK model or dict) in the shape of :func:`desired`'s fields.
    ``secret_keys``: per integration id, form keys that are secret (left out: never compared)."""
    dests: list[dict[str, Any]] = []
    for d in get(alert, "destinations") or []:
        typ = str(_text(get(d, "destination_type")) or "")
        if typ == "EMAIL":
            dests.append({"type": "EMAIL", "address": str(get(d, "email_address") or "").lower()})
        else:
            iid = _text(get(d, "action_hub_integration_id"))
            try:
                params = json.loads(get(d, "action_hub_form_params_json") or "{}")
            except ValueError:
                params = {"(unreadable)": str(get(d, "action_hub_form_params_json"))}
            hidden = (secret_keys or {}).get(str(iid), set())
            params = {k: v for k, v in params.items() if k not in hidden} if isinstance(params, dict) else {}
            dests.append({"type": typ, "integration": iid, "parameters": params})
    fld = get(alert, "field")
    return {
        "title": get(alert, "custom_title"),
        "dashboard_element_id": None
        if get(alert, "dashboard_element_id") is None
        else str(get(alert, "dashboard_element_id")),
        "field": get(fld, "name"),
        "comparison_type": _text(get(alert, "comparison_type")),
        "threshold": None if get(alert, "threshold") is None else float(get(alert, "threshold")),
        "cron": get(alert, "cron") or "",
        "filters": [
            {"field": get(f, "field_name"), "value": get(f, "filter_value")}
            for f in get(alert, "applied_dashboard_filters") or []
        ],
        "destinations": dests,
        "is_public": bool(get(alert, "is_public")),
        "is_disabled": bool(get(alert, "is_disabled")),
        "description": _text(get(alert, "description")),
    }


def _norm(key: str, value: Any) -> Any:
    if key in ("filters", "destinations"):
        return sorted(json.dumps(v, sort_keys=True) for v in value or [])
    if key == "cron":
        return canonical_cron(str(value or ""))
    if key in ("is_public", "is_disabled"):
        return bool(value)
    if key == "threshold":
        return None if value is None else float(value)
    return None if value in (None, "") else value


def _show(key: str, value: Any) -> Any:
    if key == "filters":
        return ", ".join(f"{v['field']}={v['value']}" for v in value or []) or None
    if key == "destinations":
        return ", ".join(dest_label(d) for d in value or []) or None
    return value


def dest_label(d: Mapping[str, Any]) -> str:
    if d.get("type") == "EMAIL":
        return f"email {d.get('address')}"
    params = ", ".join(f"{k}={v}" for k, v in sorted((d.get("parameters") or {}).items()))
    return f"integration {d.get('integration')}" + (f" ({params})" if params else "")


def file_secret_keys(alerts: Iterable[Alert]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for a in alerts:
        for d in a.destinations:
            if d.integration_id:
                out.setdefault(d.integration_id, set()).update(k for k, _ in d.secret_parameters)
    return out


def diff(want: Desired, have: Any, secret_keys: Mapping[str, set[str]] | None = None) -> list[FieldDiff]:
    cur = current_fields(have, secret_keys)
    out = []
    for key in COMPARED:
        w, h = want.fields.get(key), cur.get(key)
        if key == "dashboard_element_id" and w is None:
            continue  # tile not on Looker yet (dry run of deploy before the dashboards step)
        if _norm(key, w) != _norm(key, h):
            out.append(FieldDiff(key, _show(key, h), _show(key, w)))
    return out


# --------------------------------------------------------------------------- plan


@dataclass
class PlannedChange:
    """What apply needs for one change (never printed: the body may hold secrets)."""

    desired: Desired | None
    alert_id: str | None


def is_managed(alert: Any) -> bool:
    return str(get(alert, "custom_title") or "").startswith(MARKER)


def plan(
    want: Sequence[Desired],
    current: Iterable[Any],
    *,
    prune: bool = False,
    live_elements: set[str] | None = None,
    secret_keys: Mapping[str, set[str]] | None = None,
) -> list[Change]:
    """Pure: the changes that make ``current`` (alerts read from Looker) match ``want``.

    Unmarked alerts are ignored. A marked alert not wanted is deleted with ``prune``, and also
    without it when ``live_elements`` (ids of every element of the block's dashboards) shows its
    element is gone. Duplicates of a wanted alert are always deleted (the oldest is kept)."""
    mine: dict[str, list[Any]] = {}
    for a in current:
        if is_managed(a):
            mine.setdefault(str(get(a, "custom_title")), []).append(a)
    for alerts in mine.values():
        alerts.sort(key=lambda a: id_key(get(a, "id")))
    has_secrets = {w.title: any(d.secret_parameters for d in w.alert.destinations) for w in want}
    changes: list[Change] = []
    for w in want:
        found = mine.pop(w.title, [])
        label = w.alert.name
        if not found:
            diffs = [FieldDiff("tile", None, f"{w.alert.dashboard} / {w.alert.tile}")]
            diffs.extend(
                FieldDiff(k, None, _show(k, w.fields[k]))
                for k in COMPARED
                if w.fields.get(k) not in (None, "", [], False)
            )
            if has_secrets[w.title]:
                diffs.append(FieldDiff("secret_parameters", None, SECRET))
            note = (
                ""
                if w.fields["dashboard_element_id"]
                else "tile not on Looker yet: the dashboard is imported first"
            )
            changes.append(Change(KIND, CREATE, label, diffs, note=note, payload=PlannedChange(w, None)))
            continue
        keep, *dupes = found
        diffs = diff(w, keep, secret_keys)
        aid = str(get(keep, "id"))
        if diffs:
            note = f"alert {aid}"
            old = current_fields(keep)["dashboard_element_id"]
            if (
                any(d.field == "dashboard_element_id" for d in diffs)
                and live_elements is not None
                and old not in live_elements
            ):
                note += f": its element {old} no longer exists (dashboard re-imported): re-pointed"
            if has_secrets[w.title]:
                diffs.append(FieldDiff("secret_parameters", SECRET, SECRET))
            changes.append(Change(KIND, UPDATE, label, diffs, note=note, payload=PlannedChange(w, aid)))
        for d in dupes:
            did = str(get(d, "id"))
            changes.append(
                Change(
                    KIND,
                    DELETE,
                    label,
                    note=f"alert {did}: duplicate of alert {aid}",
                    payload=PlannedChange(None, did),
                )
            )
    for title, alerts in sorted(mine.items()):
        label = title.removeprefix(MARKER)
        for a in alerts:
            aid = str(get(a, "id"))
            eid = current_fields(a)["dashboard_element_id"]
            dead = live_elements is not None and eid not in live_elements
            if prune or dead:
                why = "no longer in the file" if not dead else f"its element {eid} no longer exists"
                changes.append(
                    Change(KIND, DELETE, label, note=f"alert {aid}: {why}", payload=PlannedChange(None, aid))
                )
    return changes


# --------------------------------------------------------------------------- Looker reads


def read_current(client: LookerClient) -> list[Any]:
    """Every alert of every owner (the API user is an admin)."""
    return list(client.sdk.search_alerts(all_owners=True) or [])


def live_elements(
    client: LookerClient, dashboard_ids: Iterable[str], current: Iterable[Any] = ()
) -> set[str]:
    """Ids of the elements that exist: every element of these dashboards, and each element a
    marked alert in ``current`` points at, looked up one by one (404: gone)."""
    out: set[str] = set()
    for did in sorted(set(dashboard_ids)):
        out.update(str(get(e, "id")) for e in _elements(client, did))
    for a in current:
        eid = get(a, "dashboard_element_id")
        if (
            is_managed(a)
            and eid
            and str(eid) not in out
            and client.get_or_none(client.sdk.dashboard_element, str(eid), fields="id") is not None
        ):
            out.add(str(eid))
    return out


def owner_id(client: LookerClient) -> str:
    return str(get(client.sdk.me(fields="id"), "id"))


def check_integrations(client: LookerClient, alerts: Sequence[Alert]) -> None:
    wanted = [(a, d) for a in alerts for d in a.destinations if d.kind == "integration"]
    if not wanted:
        return
    known = offered(client)
    for a, d in wanted:
        enabled_integration(known, d.integration_id, f"{a.file}:{d.line}: alert {a.name!r}: {d.key}")


# --------------------------------------------------------------------------- apply


def apply(client: LookerClient, changes: Sequence[Change]) -> None:
    """Carry out planned changes: creates (exactly once), in-place updates, deletes."""
    for ch in changes:
        pc: PlannedChange = ch.payload
        if ch.action == DELETE:
            assert pc.alert_id is not None
            client.get_or_none(client.sdk.delete_alert, pc.alert_id)
        elif ch.action == UPDATE:
            assert pc.desired is not None and pc.alert_id is not None
            client.sdk.update_alert(pc.alert_id, write_body(pc.desired))
        elif ch.action == CREATE:
            assert pc.desired is not None
            _create(client, pc.desired)


def _create(client: LookerClient, want: Desired) -> None:
    body = write_body(want)
    found: list[Any] = []

    def find() -> Any | None:
        for a in read_current(client):
            if get(a, "custom_title") == want.title:
                found.append(a)
                return a
        return None

    client.create_or_get(create=lambda: client.sdk.create_alert(body), find=find, operation="create_alert")
    if found and diff(want, found[0]):
        # Made although its answer was lost (or by someone meanwhile) and not as wanted: make it so.
        client.sdk.update_alert(str(get(found[0], "id")), body)


def verify(client: LookerClient, spec: AlertSet) -> None:
    """After apply: every wanted alert exists exactly once, on a live element whose query on
    Looker holds its field. Raises LookerOpsError naming the first alert that is not."""
    tiles = resolve_tiles(client, spec)
    current = [a for a in read_current(client) if is_managed(a)]
    for a in spec.alerts:
        mine = [x for x in current if get(x, "custom_title") == a.title]
        if len(mine) != 1:
            raise LookerOpsError(
                f"alert {a.name!r}: {len(mine)} alert(s) titled {a.title!r} on Looker after apply"
            )
        eid = current_fields(mine[0])["dashboard_element_id"]
        if eid != tiles[a.name].element_id:
            raise LookerOpsError(
                f"alert {a.name!r}: on element {eid}, but tile {a.tile!r} is element {tiles[a.name].element_id}"
            )


__all__ = [
    "COMPARED",
    "KIND",
    "Desired",
    "PlannedChange",
    "Tile",
    "apply",
    "check_integrations",
    "current_fields",
    "desired",
    "dest_label",
    "diff",
    "file_secret_keys",
    "find_dashboard",
    "is_managed",
    "live_elements",
    "owner_id",
    "plan",
    "read_current",
    "resolve_tiles",
    "verify",
    "write_body",
]
