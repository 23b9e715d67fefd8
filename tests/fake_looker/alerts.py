"""Alerts on dashboard elements (and GET /dashboard_elements/{id}, which they check): create, get, search, update (PUT), patch, delete, enqueue,
follow and unfollow.

Stored alerts live in ``fake.table("alerts")`` as Looker returns them. Validation answers 422
like Looker: a required field missing, a comparison type outside the enum, a cron under 15
minutes apart (Looker's minimum), an element that does not exist or whose query lacks the
field, destinations of mixed types, an e-mail address or integration that is not one.
``enqueue_alert`` records a run in ``fake.table("alert_runs")``.

When a dashboard is re-imported over its ``preferred_slug`` (import_dashboard_from_lookml) its
elements get new ids and, as the spec says, "alerts will not be maintained": by default the
alerts on the old elements are deleted (``fake.options["alerts_on_reimport"] = "delete"``);
``"keep"`` leaves them pointing at the elements that no longer exist (the worst case).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from typing import Any

from tests.fake_looker.auth import user_public
from tests.fake_looker.core import (
    FakeLooker,
    Reply,
    Request,
    invalid,
    not_found,
    route,
    select_fields,
    timestamp,
)

COMPARISONS = {
    "EQUAL_TO",
    "GREATER_THAN",
    "GREATER_THAN_OR_EQUAL_TO",
    "LESS_THAN",
    "LESS_THAN_OR_EQUAL_TO",
    "INCREASES_BY",
    "DECREASES_BY",
    "CHANGES_BY",
}
WRITABLE = {
    "applied_dashboard_filters",
    "comparison_type",
    "cron",
    "custom_url_base",
    "custom_url_params",
    "custom_url_label",
    "show_custom_url",
    "custom_title",
    "dashboard_element_id",
    "description",
    "destinations",
    "field",
    "is_disabled",
    "disabled_reason",
    "is_public",
    "investigative_content_type",
    "investigative_content_id",
    "lookml_dashboard_id",
    "lookml_link_id",
    "owner_id",
    "threshold",
    "enhancements",
}
PATCHABLE = {"owner_id", "is_disabled", "disabled_reason", "is_public", "threshold", "enhancements"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


# --- cron: the fake's own reading, independent of looker_ops ---------------------------------------


def _values(part: str, low: int, high: int) -> set[int] | None:
    out: set[int] = set()
    for item in part.split(","):
        base, _, step = item.partition("/")
        if step and not step.isdigit():
            return None
        if base == "*":
            a, b = low, high
        elif re.fullmatch(r"\d+-\d+", base):
            a, b = (int(x) for x in base.split("-"))
        elif base.isdigit():
            a = int(base)
            b = high if step else a
        else:
            return None
        if not (low <= a <= b <= high):
            return None
        out.update(range(a, b + 1, int(step) if step else 1))
    return out


def cron_problem(cron: Any) -> str | None:
    """Why Looker would refuse this alert cron (None when it takes it): five fields, and at
    least 15 minutes between two runs within a day (and across midnight on consecutive days)."""
    if not isinstance(cron, str) or len(cron.split()) != 5:
        return f"{cron!r} is not a valid crontab"
    minute, hour, *_ = cron.split()
    minutes, hours = _values(minute, 0, 59), _values(hour, 0, 23)
    if minutes is None or hours is None:
        return f"{cron!r} is not a valid crontab"
    times = sorted(h * 60 + m for h in hours for m in minutes)
    gaps = [b - a for a, b in itertools.pairwise(times)]
    if cron.split()[2] == "*" and cron.split()[4] == "*":
        gaps.append(times[0] + 1440 - times[-1])
    if gaps and min(gaps) < 15:
        return "Alert frequency must be at least 15 minutes"
    return None


# --- elements ---------------------------------------------------------------------------------------


def find_element(fake: FakeLooker, element_id: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """(dashboard, element) holding this element id, or None."""
    for d in fake.table("dashboards").values():
        for e in d.get("_elements") or []:
            if str(e.get("id")) == str(element_id):
                return d, e
    return None


def on_elements_replaced(fake: FakeLooker, old_ids: Iterable[str]) -> None:
    """Called by the dashboards module when a re-import replaced a dashboard's elements."""
    gone = {str(i) for i in old_ids}
    if fake.options.get("alerts_on_reimport", "delete") != "delete":
        return
    table = fake.table("alerts")
    for aid in [a for a, rec in table.items() if str(rec.get("dashboard_element_id")) in gone]:
        del table[aid]


@route("GET", "/dashboard_elements/{dashboard_element_id}", "dashboard_element")
def dashboard_element(fake: FakeLooker, req: Request) -> Any:
    """One element (alerts check that the element they point at still exists)."""
    from tests.fake_looker.dashboards import _strip

    found = find_element(fake, req.params["dashboard_element_id"])
    if found is None:
        raise not_found()
    out = _strip(found[1])
    return select_fields(out, req.query["fields"]) if req.query.get("fields") else out


# --- validation -------------------------------------------------------------------------------------


def _validate(fake: FakeLooker, a: dict[str, Any]) -> None:
    errors: list[tuple[str, str, str]] = []
    for key in ("comparison_type", "cron", "destinations", "field", "owner_id", "threshold"):
        if a.get(key) in (None, "", []):
            errors.append((key, "missing_field", "This field is required."))
    if a.get("comparison_type") and a["comparison_type"] not in COMPARISONS:
        errors.append(("comparison_type", "invalid", f"must be one of {sorted(COMPARISONS)}"))
    if a.get("threshold") is not None and not isinstance(a["threshold"], int | float):
        errors.append(("threshold", "invalid", "must be a number"))
    if a.get("cron"):
        problem = cron_problem(a["cron"])
        if problem:
            errors.append(("cron", "invalid", problem))
    fld = a.get("field")
    if fld is not None and (not isinstance(fld, dict) or not fld.get("name") or not fld.get("title")):
        errors.append(("field", "invalid", "field needs a name and a title"))
    eid = a.get("dashboard_element_id")
    if eid:
        found = find_element(fake, str(eid))
        if found is None:
            errors.append(("dashboard_element_id", "invalid", f"Dashboard element {eid} does not exist"))
        elif isinstance(fld, dict) and fld.get("name"):
            query = found[1].get("query") or {}
            if fld["name"] not in (query.get("fields") or []):
                errors.append(("field", "invalid", f"{fld['name']} is not a field of the element's query"))
    dests = a.get("destinations") or []
    types = {d.get("destination_type") for d in dests if isinstance(d, dict)}
    if len(types) > 1:
        errors.append(("destinations", "invalid", "All destinations must be of the same type"))
    for i, d in enumerate(dests):
        where = f"destinations[{i}]"
        typ = d.get("destination_type")
        if typ == "EMAIL":
            if not EMAIL.match(d.get("email_address") or ""):
                errors.append((f"{where}.email_address", "invalid", "is not an email address"))
        elif typ == "ACTION_HUB":
            if d.get("action_hub_integration_id") not in fake.table("integrations"):
                errors.append((f"{where}.action_hub_integration_id", "invalid", "Unknown integration"))
        else:
            errors.append((f"{where}.destination_type", "invalid", "must be EMAIL or ACTION_HUB"))
    if errors:
        raise invalid(*errors)


def public(fake: FakeLooker, a: dict[str, Any], req: Request) -> dict[str, Any]:
    out = {k: v for k, v in a.items() if v is not None and not k.startswith("_")}
    found = find_element(fake, str(a.get("dashboard_element_id") or ""))
    if found is not None:
        out["investigative_content_type"] = "dashboard"
        out["investigative_content_id"] = found[0]["id"]
        out["investigative_content_title"] = found[0].get("title")
    owner = user_public(fake, str(a.get("owner_id") or "1"))
    out["owner_display_name"] = owner.get("display_name") or ""
    me = req.token.user_id if req.token else None
    out["followed"] = me in a.get("_followers", set())
    out["followable"] = True
    return out


def _get(fake: FakeLooker, alert_id: str) -> dict[str, Any]:
    a = fake.table("alerts").get(alert_id)
    if a is None:
        raise not_found()
    return a


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in body.items() if k in WRITABLE}
    out.pop("time_series_condition_state", None)
    return out


@route("POST", "/alerts", "create_alert")
def create_alert(fake: FakeLooker, req: Request) -> Any:
    body = _fields(req.json())
    _validate(fake, body)
    aid = fake.new_id()
    a: dict[str, Any] = {
        "id": aid,
        "is_disabled": False,
        "is_public": False,
        "show_custom_url": False,
        "_followers": set(),
        "_created_at": timestamp(),
    }
    a.update(body)
    fake.table("alerts")[aid] = a
    return public(fake, a, req)


@route("GET", "/alerts/search", "search_alerts")
def search_alerts(fake: FakeLooker, req: Request) -> Any:
    q = req.query
    me = req.token.user_id if req.token else None
    out = []
    for a in fake.table("alerts").values():
        if q.get("all_owners") != "true" and str(a.get("owner_id")) != str(me):
            continue
        if "disabled" in q and bool(a.get("is_disabled")) != (q["disabled"] == "true"):
            continue
        out.append(public(fake, a, req))
    if q.get("group_by") == "dashboard":
        out.sort(key=lambda x: str(x.get("investigative_content_id") or ""))
    offset = int(q.get("offset") or 0)
    limit = int(q.get("limit") or 0)
    out = out[offset:]
    out = out[:limit] if limit else out
    return [select_fields(a, q["fields"]) for a in out] if q.get("fields") else out


@route("GET", "/alerts/{alert_id}", "get_alert")
def get_alert(fake: FakeLooker, req: Request) -> Any:
    return public(fake, _get(fake, req.params["alert_id"]), req)


@route("PUT", "/alerts/{alert_id}", "update_alert")
def update_alert(fake: FakeLooker, req: Request) -> Any:
    a = _get(fake, req.params["alert_id"])
    body = _fields(req.json())
    _validate(fake, body)
    for k in WRITABLE:  # a PUT replaces: what the body leaves out is unset
        if k not in ("is_disabled", "is_public"):
            a.pop(k, None)
    a.update({"is_disabled": False, "is_public": False})
    a.update(body)
    return public(fake, a, req)


@route("PATCH", "/alerts/{alert_id}", "update_alert_field")
def update_alert_field(fake: FakeLooker, req: Request) -> Any:
    a = _get(fake, req.params["alert_id"])
    body = req.json()
    a.update({k: v for k, v in body.items() if k in PATCHABLE and v is not None})
    return public(fake, a, req)


@route("DELETE", "/alerts/{alert_id}", "delete_alert")
def delete_alert(fake: FakeLooker, req: Request) -> Any:
    _get(fake, req.params["alert_id"])
    del fake.table("alerts")[req.params["alert_id"]]
    return Reply(204)


@route("POST", "/alerts/{alert_id}/enqueue", "enqueue_alert")
def enqueue_alert(fake: FakeLooker, req: Request) -> Any:
    a = _get(fake, req.params["alert_id"])
    rid = fake.new_id()
    fake.table("alert_runs")[rid] = {
        "alert_id": a["id"],
        "force": req.query.get("force") == "true",
        "destinations": list(a.get("destinations") or []),
        "at": timestamp(),
    }
    return Reply(204)


@route("POST", "/alerts/{alert_id}/follow", "follow_alert")
def follow_alert(fake: FakeLooker, req: Request) -> Any:
    a = _get(fake, req.params["alert_id"])
    a.setdefault("_followers", set()).add(req.token.user_id if req.token else "1")
    return Reply(204)


@route("DELETE", "/alerts/{alert_id}/follow", "unfollow_alert")
def unfollow_alert(fake: FakeLooker, req: Request) -> Any:
    a = _get(fake, req.params["alert_id"])
    a.setdefault("_followers", set()).discard(req.token.user_id if req.token else "1")
    return Reply(204)


# --- contract scenarios -----------------------------------------------------------------------------


def seed_element(fake: FakeLooker, fields: list[str] | None = None) -> str:
    """A dashboard with one query element; returns the element id."""
    did, eid = fake.new_id(), fake.new_id()
    fake.table("dashboards")[did] = {
        "id": did,
        "title": "Alerts scenario",
        "slug": f"alerts_{did}",
        "folder_id": "1",
        "deleted": False,
        "_elements": [
            {
                "id": eid,
                "dashboard_id": did,
                "title": "Events",
                "type": "vis",
                "query": {"id": fake.new_id(), "model": "m", "view": "e", "fields": fields or ["e.count"]},
            }
        ],
        "_filters": [],
    }
    return eid


def _body(eid: str, **over: Any) -> Any:
    from looker_sdk.sdk.api40 import models as m

    base: dict[str, Any] = {
        "comparison_type": m.ComparisonType.GREATER_THAN,
        "cron": "15 * * * *",
        "destinations": [
            m.AlertDestination(destination_type=m.DestinationType.EMAIL, email_address="a@example.com")
        ],
        "field": m.AlertField(title="Count", name="e.count"),
        "owner_id": "1",
        "threshold": 0.0,
        "dashboard_element_id": eid,
        "custom_title": "[looker-ops] scenario",
        "applied_dashboard_filters": [
            m.AlertAppliedDashboardFilter(filter_title="Date", field_name="e.date", filter_value="1 hour ago")
        ],
    }
    base.update(over)
    return m.WriteAlert(**base)


def _scenario_create(client: Any, fake: FakeLooker) -> None:
    a = client.sdk.create_alert(_body(seed_element(fake)))
    assert a.id and a.custom_title == "[looker-ops] scenario"


def _scenario_search(client: Any, fake: FakeLooker) -> None:
    client.sdk.create_alert(_body(seed_element(fake)))
    (a,) = client.sdk.search_alerts(all_owners=True)
    assert a.field.name == "e.count"


def _scenario_get(client: Any, fake: FakeLooker) -> None:
    made = client.sdk.create_alert(_body(seed_element(fake)))
    assert client.sdk.get_alert(made.id).cron == "15 * * * *"


def _scenario_update(client: Any, fake: FakeLooker) -> None:
    eid = seed_element(fake)
    made = client.sdk.create_alert(_body(eid))
    assert client.sdk.update_alert(made.id, _body(eid, threshold=5.0)).threshold == 5.0


def _scenario_patch(client: Any, fake: FakeLooker) -> None:
    from looker_sdk.sdk.api40 import models as m

    made = client.sdk.create_alert(_body(seed_element(fake)))
    assert client.sdk.update_alert_field(made.id, m.AlertPatch(is_disabled=True)).is_disabled is True


def _scenario_delete(client: Any, fake: FakeLooker) -> None:
    made = client.sdk.create_alert(_body(seed_element(fake)))
    client.sdk.delete_alert(made.id)
    assert made.id not in fake.table("alerts")


def _scenario_enqueue(client: Any, fake: FakeLooker) -> None:
    made = client.sdk.create_alert(_body(seed_element(fake)))
    client.sdk.enqueue_alert(made.id, force=True)
    (run,) = fake.table("alert_runs").values()
    assert run["alert_id"] == made.id and run["force"] is True


def _scenario_follow(client: Any, fake: FakeLooker) -> None:
    made = client.sdk.create_alert(_body(seed_element(fake)))
    client.sdk.follow_alert(made.id)
    assert client.sdk.get_alert(made.id).followed is True


def _scenario_unfollow(client: Any, fake: FakeLooker) -> None:
    made = client.sdk.create_alert(_body(seed_element(fake)))
    client.sdk.follow_alert(made.id)
    client.sdk.unfollow_alert(made.id)
    assert client.sdk.get_alert(made.id).followed is False


def _scenario_element(client: Any, fake: FakeLooker) -> None:
    eid = seed_element(fake)
    assert client.sdk.dashboard_element(eid).title == "Events"


CONTRACT_SCENARIOS = {
    "dashboard_element": _scenario_element,
    "create_alert": _scenario_create,
    "search_alerts": _scenario_search,
    "get_alert": _scenario_get,
    "update_alert": _scenario_update,
    "update_alert_field": _scenario_patch,
    "delete_alert": _scenario_delete,
    "enqueue_alert": _scenario_enqueue,
    "follow_alert": _scenario_follow,
    "unfollow_alert": _scenario_unfollow,
}
