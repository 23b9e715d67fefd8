"""Scheduled plans: create, update, delete, get, all, search, for a dashboard, run once (a new
plan or an existing one by id).

Stored plans live in ``fake.table("scheduled_plans")`` (as Looker returns them, without the
write-only ``secret_parameters``, which are kept apart in ``fake.table("plan_secrets")``).
Deliveries made by run_once land in ``fake.table("deliveries")`` (never among the plans).
"""

from __future__ import annotations

import re
from typing import Any

from tests.fake_looker.auth import user_public
from tests.fake_looker.core import FakeLooker, Reply, Request, invalid, not_found, route, timestamp

PLAN_FIELDS = {
    "name",
    "user_id",
    "run_as_recipient",
    "enabled",
    "look_id",
    "dashboard_id",
    "lookml_dashboard_id",
    "filters_string",
    "dashboard_filters",
    "require_results",
    "require_no_results",
    "require_change",
    "send_all_results",
    "crontab",
    "datagroup",
    "timezone",
    "run_once",
    "include_links",
    "include_dashboard_summary",
    "custom_url_base",
    "custom_url_params",
    "custom_url_label",
    "show_custom_url",
    "pdf_paper_size",
    "pdf_landscape",
    "embed",
    "color_theme",
    "long_tables",
    "pdf_page_breaks",
    "tab_ids",
    "inline_table_width",
    "query_id",
}
DEST_FIELDS = {"format", "apply_formatting", "apply_vis", "address", "type", "parameters", "message"}
DEST_TYPES = {"email", "webhook", "s3", "sftp"}
FORMATS = {
    "json",
    "json_detail",
    "json_detail_lite_stream",
    "inline_json",
    "json_label",
    "json_bi",
    "txt",
    "csv",
    "inline_table",
    "html",
    "wysiwyg_pdf",
    "assembled_pdf",
    "wysiwyg_png",
    "csv_zip",
    "xlsx",
}
PAPER_SIZES = {"letter", "legal", "tabloid", "a0", "a1", "a2", "a3", "a4", "a5"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CRON = re.compile(r"^\S+(\s+\S+){4}$")


def _validate(fake: FakeLooker, plan: dict[str, Any], *, run_once: bool) -> None:
    errors: list[tuple[str, str, str]] = []
    if not plan.get("name") and not run_once:
        errors.append(("name", "missing_field", "This field is required."))
    targets = [k for k in ("look_id", "dashboard_id", "lookml_dashboard_id", "query_id") if plan.get(k)]
    if not targets:
        errors.append(
            (
                "dashboard_id",
                "missing_field",
                "One of look_id, dashboard_id, lookml_dashboard_id or query_id is required.",
            )
        )
    did = plan.get("dashboard_id")
    if did and did not in fake.table("dashboards"):
        errors.append(("dashboard_id", "invalid", f"Dashboard {did} does not exist"))
    if not run_once and not plan.get("crontab") and not plan.get("datagroup"):
        errors.append(("crontab", "missing_field", "crontab or datagroup is required."))
    if plan.get("crontab") and not CRON.match(plan["crontab"].strip()):
        errors.append(("crontab", "invalid", f"{plan['crontab']!r} is not a valid crontab"))
    if plan.get("pdf_paper_size") and plan["pdf_paper_size"] not in PAPER_SIZES:
        errors.append(("pdf_paper_size", "invalid", f"must be one of {sorted(PAPER_SIZES)}"))
    dests = plan.get("scheduled_plan_destination") or []
    if not dests:
        errors.append(
            ("scheduled_plan_destination", "missing_field", "At least one destination is required.")
        )
    integrations = fake.table("integrations")
    for i, d in enumerate(dests):
        where = f"scheduled_plan_destination[{i}]"
        typ = d.get("type") or ""
        if typ.startswith("looker-integration://"):
            iid = typ[len("looker-integration://") :]
            if iid not in integrations:
                errors.append((f"{where}.type", "invalid", f"Unknown integration {iid!r}"))
        elif typ not in DEST_TYPES:
            errors.append((f"{where}.type", "invalid", f"Unknown destination type {typ!r}"))
        if d.get("format") not in FORMATS:
            errors.append((f"{where}.format", "invalid", f"Unknown format {d.get('format')!r}"))
        if typ == "email" and not EMAIL.match(d.get("address") or ""):
            errors.append((f"{where}.address", "invalid", f"{d.get('address')!r} is not an email address"))
        if typ in ("webhook", "s3", "sftp") and not d.get("address"):
            errors.append((f"{where}.address", "missing_field", "This field is required."))
    if errors:
        raise invalid(*errors)


def _store(fake: FakeLooker, req: Request, body: dict[str, Any], plan: dict[str, Any]) -> None:
    plan.update({k: v for k, v in body.items() if k in PLAN_FIELDS})
    if "scheduled_plan_destination" in body:
        secrets = fake.table("plan_secrets").setdefault(plan["id"], {})
        old = {(d.get("type"), d.get("address")): d for d in plan.get("scheduled_plan_destination") or []}
        dests = []
        for d in body["scheduled_plan_destination"] or []:
            prev = old.get((d.get("type"), d.get("address")))
            did = prev["id"] if prev else fake.new_id()
            dest = {k: d.get(k) for k in DEST_FIELDS if d.get(k) is not None}
            dest.setdefault("apply_formatting", False)
            dest.setdefault("apply_vis", False)
            dest.update(
                {
                    "id": did,
                    "scheduled_plan_id": plan["id"],
                    "looker_recipient": (d.get("address") or "").endswith("@example.com"),
                }
            )
            if d.get("secret_parameters") is not None:
                secrets[did] = d["secret_parameters"]
            dests.append(dest)
        plan["scheduled_plan_destination"] = dests
    plan["updated_at"] = timestamp()


def public(fake: FakeLooker, p: dict[str, Any]) -> dict[str, Any]:
    # Looker leaves unset fields out rather than sending nulls the spec does not allow.
    out = {k: v for k, v in p.items() if v is not None}
    out["scheduled_plan_destination"] = [
        {k: v for k, v in d.items() if v is not None} for d in p.get("scheduled_plan_destination") or []
    ]
    d = fake.table("dashboards").get(p.get("dashboard_id") or "")
    out["title"] = d["title"] if d else None
    out["user"] = user_public(fake, p.get("user_id") or "1")
    out["can"] = {}
    return out


def _get(fake: FakeLooker, plan_id: str) -> dict[str, Any]:
    p = fake.table("scheduled_plans").get(plan_id)
    if p is None:
        raise not_found()
    return p


def _new_plan(fake: FakeLooker, req: Request) -> dict[str, Any]:
    return {
        "id": fake.new_id(),
        "user_id": req.token.user_id if req.token else "1",
        "enabled": True,
        "run_as_recipient": False,
        "run_once": False,
        "timezone": None,
        "created_at": timestamp(),
        "updated_at": timestamp(),
        "next_run_at": None,
        "last_run_at": None,
        "scheduled_plan_destination": [],
    }


@route("POST", "/scheduled_plans", "create_scheduled_plan")
def create_scheduled_plan(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    _validate(fake, body, run_once=False)
    plan = _new_plan(fake, req)
    _store(fake, req, body, plan)
    fake.table("scheduled_plans")[plan["id"]] = plan
    return public(fake, plan)


@route("GET", "/scheduled_plans/{scheduled_plan_id}", "scheduled_plan")
def scheduled_plan(fake: FakeLooker, req: Request) -> Any:
    return public(fake, _get(fake, req.params["scheduled_plan_id"]))


@route("PATCH", "/scheduled_plans/{scheduled_plan_id}", "update_scheduled_plan")
def update_scheduled_plan(fake: FakeLooker, req: Request) -> Any:
    plan = _get(fake, req.params["scheduled_plan_id"])
    body = req.json()
    merged = {**plan, **{k: v for k, v in body.items() if k in PLAN_FIELDS}}
    if "scheduled_plan_destination" in body:
        merged["scheduled_plan_destination"] = body["scheduled_plan_destination"]
    _validate(fake, merged, run_once=False)
    _store(fake, req, body, plan)
    return public(fake, plan)


@route("DELETE", "/scheduled_plans/{scheduled_plan_id}", "delete_scheduled_plan")
def delete_scheduled_plan(fake: FakeLooker, req: Request) -> Any:
    _get(fake, req.params["scheduled_plan_id"])
    fake.table("scheduled_plans").pop(req.params["scheduled_plan_id"])
    fake.table("plan_secrets").pop(req.params["scheduled_plan_id"], None)
    return Reply(204)


def _visible(req: Request, p: dict[str, Any]) -> bool:
    if req.query.get("all_users") == "true":
        return True
    uid = req.query.get("user_id") or (req.token.user_id if req.token else None)
    return p.get("user_id") == uid


@route("GET", "/scheduled_plans", "all_scheduled_plans")
def all_scheduled_plans(fake: FakeLooker, req: Request) -> Any:
    return [public(fake, p) for p in fake.table("scheduled_plans").values() if _visible(req, p)]


@route("GET", "/scheduled_plans/search", "search_scheduled_plans")
def search_scheduled_plans(fake: FakeLooker, req: Request) -> Any:
    from tests.fake_looker.folders import _matches

    q = req.query
    out = []
    for p in fake.table("scheduled_plans").values():
        if not _visible(req, p):
            continue
        if "name" in q and not _matches(p.get("name"), q["name"]):
            continue
        if "dashboard_id" in q and p.get("dashboard_id") != q["dashboard_id"]:
            continue
        if "look_id" in q and p.get("look_id") != q["look_id"]:
            continue
        if "destination_type" in q and not any(
            d.get("type") == q["destination_type"] for d in p["scheduled_plan_destination"]
        ):
            continue
        if "recipient" in q and not any(
            _matches(d.get("address"), q["recipient"]) for d in p["scheduled_plan_destination"]
        ):
            continue
        out.append(public(fake, p))
    return out


@route("GET", "/scheduled_plans/dashboard/{dashboard_id}", "scheduled_plans_for_dashboard")
def scheduled_plans_for_dashboard(fake: FakeLooker, req: Request) -> Any:
    did = req.params["dashboard_id"]
    if did not in fake.table("dashboards"):
        raise not_found()
    return [
        public(fake, p)
        for p in fake.table("scheduled_plans").values()
        if p.get("dashboard_id") == did and _visible(req, p)
    ]


def _deliver(fake: FakeLooker, plan: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    did = fake.new_id()
    delivery: dict[str, Any] = {
        "id": did,
        "plan": plan,
        "secret_parameters": secrets,
        "at": timestamp(),
    }
    fake.table("deliveries")[did] = delivery
    return delivery


@route("POST", "/scheduled_plans/run_once", "scheduled_plan_run_once")
def scheduled_plan_run_once(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    _validate(fake, body, run_once=True)
    plan = _new_plan(fake, req)
    plan["run_once"] = True
    secrets: dict[str, str] = {}
    _store(fake, req, body, plan)
    secrets.update(fake.table("plan_secrets").pop(plan["id"], {}))
    _deliver(fake, plan, secrets)
    return public(fake, plan)


@route("POST", "/scheduled_plans/{scheduled_plan_id}/run_once", "scheduled_plan_run_once_by_id")
def scheduled_plan_run_once_by_id(fake: FakeLooker, req: Request) -> Any:
    stored = _get(fake, req.params["scheduled_plan_id"])
    body = req.body if isinstance(req.body, dict) else {}
    plan = {**stored, "scheduled_plan_destination": list(stored["scheduled_plan_destination"])}
    plan.update({k: v for k, v in body.items() if k in PLAN_FIELDS})
    if body.get("scheduled_plan_destination"):
        plan["scheduled_plan_destination"] = [
            {k: d.get(k) for k in DEST_FIELDS if d.get(k) is not None}
            for d in body["scheduled_plan_destination"]
        ]
    _validate(fake, plan, run_once=True)
    plan["id"] = fake.new_id()
    plan["run_once"] = True
    _deliver(fake, plan, dict(fake.table("plan_secrets").get(stored["id"], {})))
    return public(fake, plan)
