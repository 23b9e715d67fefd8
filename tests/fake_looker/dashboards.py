"""User-defined dashboards: import from dashboard LookML (POST /dashboards/lookml), create,
search, get, update, delete, and GET /dashboards/lookml/{id}.

As the spec documents for import_dashboard_from_lookml: when a dashboard holds the YAML's
``preferred_slug`` it is overwritten in place (same id; moved to ``folder_id`` when given),
otherwise a new dashboard is created (in ``folder_id``, else the caller's personal folder).
create_dashboard with a slug already taken answers 409, as does a title already used in the
folder. Stored dashboards keep their elements' model/explore/fields for content validation.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

import yaml

from tests.fake_looker.core import FakeLooker, Reply, Request, conflict, invalid, not_found, route, timestamp
from tests.fake_looker.folders import base as folder_base

UPDATABLE = {
    "title",
    "description",
    "hidden",
    "deleted",
    "folder_id",
    "slug",
    "preferred_viewer",
    "refresh_interval",
    "query_timezone",
    "show_filters_bar",
    "show_title",
    "background_color",
    "crossfilter_enabled",
    "filters_bar_collapsed",
    "filters_location_top",
    "load_configuration",
    "enable_viz_full_screen",
    "user_id",
}


def _slug() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(22))


def _limit(v: Any) -> str | None:
    return None if v is None else str(v)


def _elements(fake: FakeLooker, dash_id: str, spec: list[Any]) -> list[dict[str, Any]]:
    out = []
    for el in spec or []:
        if not isinstance(el, dict):
            continue
        eid = fake.new_id()
        is_text = el.get("type") in ("text", "button") or ("model" not in el and "explore" not in el)
        query = None
        if not is_text:
            qid = fake.new_id()
            query = {
                "can": {},
                "id": qid,
                "model": str(el.get("model") or ""),
                "view": str(el.get("explore") or ""),
                "fields": [str(f) for f in el.get("fields") or []],
                "pivots": [str(f) for f in el.get("pivots") or []] or None,
                "filters": {str(k): str(v) for k, v in (el.get("filters") or {}).items()} or None,
                "sorts": [str(s) for s in el.get("sorts") or []] or None,
                "limit": _limit(el.get("limit")),
                "dynamic_fields": yaml.safe_dump(el["dynamic_fields"]) if el.get("dynamic_fields") else None,
            }
        out.append(
            {
                "can": {},
                "id": eid,
                "dashboard_id": dash_id,
                "title": el.get("title"),
                "title_hidden": bool(el.get("title_hidden", False)),
                "title_text": el.get("title_text"),
                "subtitle_text": el.get("subtitle_text"),
                "body_text": el.get("body_text"),
                "note_text": el.get("note_text"),
                "type": "text" if is_text else "vis",
                "query_id": query["id"] if query else None,
                "query": query,
                "look_id": None,
                "_name": el.get("name"),
                "_listen": {str(k): str(v) for k, v in (el.get("listen") or {}).items()},
                "_vis_type": el.get("type"),
            }
        )
    return out


def _filters(fake: FakeLooker, dash_id: str, spec: list[Any]) -> list[dict[str, Any]]:
    out = []
    for i, f in enumerate(spec or []):
        if not isinstance(f, dict):
            continue
        out.append(
            {
                "can": {},
                "id": fake.new_id(),
                "dashboard_id": dash_id,
                "name": str(f.get("name") or f.get("title") or f"filter_{i}"),
                "title": str(f.get("title") or f.get("name") or ""),
                "type": str(f.get("type") or "field_filter"),
                "default_value": None if f.get("default_value") is None else str(f.get("default_value")),
                "model": f.get("model"),
                "explore": f.get("explore"),
                "dimension": f.get("field"),
                "row": i,
                "listens_to_filters": [str(x) for x in f.get("listens_to_filters") or []],
                "allow_multiple_values": bool(f.get("allow_multiple_values", True)),
                "required": bool(f.get("required", False)),
                "ui_config": f.get("ui_config") or {},
            }
        )
    return out


def _strip(obj: dict[str, Any]) -> dict[str, Any]:
    """Internal keys out; unset (None) values left out, as Looker omits them."""
    out = {k: v for k, v in obj.items() if not k.startswith("_") and v is not None}
    if isinstance(out.get("query"), dict):
        out["query"] = {k: v for k, v in out["query"].items() if v is not None}
    return out


def public(fake: FakeLooker, d: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in d.items() if not k.startswith("_")}
    out["folder"] = folder_base(fake, d.get("folder_id"))
    out["dashboard_elements"] = [_strip(e) for e in d.get("_elements", [])]
    out["dashboard_filters"] = [_strip(f) for f in d.get("_filters", [])]
    out["dashboard_layouts"] = []
    out["url"] = f"/dashboards/{d['id']}"
    out["edit_uri"] = None
    out["readonly"] = False
    out["view_count"] = 0
    out["favorite_count"] = 0
    out["content_metadata_id"] = d["id"]
    out["lookml_link_id"] = None
    out["can"] = {}
    return {k: v for k, v in out.items() if v is not None}


def parse_dashboard_lookml(text: Any) -> dict[str, Any]:
    """The one dashboard in a dashboard LookML document, or 422 naming the problem."""
    if not isinstance(text, str) or not text.strip():
        raise invalid(("lookml", "missing_field", "This field is required."))
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise invalid(
            ("lookml", "invalid", f"LookML YAML could not be parsed{where}: {getattr(exc, 'problem', exc)}")
        ) from None
    if isinstance(doc, list):
        if len(doc) != 1:
            raise invalid(("lookml", "invalid", f"expected exactly one dashboard, found {len(doc)}"))
        doc = doc[0]
    if not isinstance(doc, dict) or "dashboard" not in doc:
        raise invalid(("lookml", "invalid", "missing 'dashboard:' at the top of the LookML"))
    if not doc.get("title"):
        raise invalid(("lookml", "invalid", "the dashboard has no title"))
    return doc


def _apply_lookml(fake: FakeLooker, d: dict[str, Any], doc: dict[str, Any]) -> None:
    d["title"] = str(doc["title"])
    d["description"] = doc.get("description")
    d["preferred_viewer"] = doc.get("preferred_viewer", "dashboards-next")
    d["refresh_interval"] = doc.get("refresh")
    d["crossfilter_enabled"] = bool(doc.get("crossfilter_enabled", False))
    d["_elements"] = _elements(fake, d["id"], doc.get("elements") or [])
    d["_filters"] = _filters(fake, d["id"], doc.get("filters") or [])
    d["_lookml_doc"] = doc
    d["updated_at"] = timestamp()


def _by_slug(fake: FakeLooker, slug: str) -> dict[str, Any] | None:
    found = [d for d in fake.table("dashboards").values() if d.get("slug") == slug]
    found.sort(key=lambda d: bool(d.get("deleted")))
    return found[0] if found else None


def _require_folder(fake: FakeLooker, folder_id: str) -> None:
    if folder_id not in fake.table("folders"):
        raise not_found()


def _new(fake: FakeLooker, req: Request, folder_id: str, slug: str, title: str) -> dict[str, Any]:
    did = fake.new_id()
    d: dict[str, Any] = {
        "id": did,
        "title": title,
        "description": None,
        "slug": slug,
        "folder_id": folder_id,
        "hidden": False,
        "deleted": False,
        "deleted_at": None,
        "preferred_viewer": "dashboards-next",
        "user_id": req.token.user_id if req.token else None,
        "created_at": timestamp(),
        "updated_at": timestamp(),
        "_elements": [],
        "_filters": [],
    }
    fake.table("dashboards")[did] = d
    return d


@route("POST", "/dashboards/lookml", "import_dashboard_from_lookml")
def import_dashboard_from_lookml(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    doc = parse_dashboard_lookml(body.get("lookml"))
    folder_id = body.get("folder_id")
    if folder_id is not None:
        _require_folder(fake, str(folder_id))
    slug = doc.get("preferred_slug")
    existing = _by_slug(fake, str(slug)) if slug else None
    old_elements: list[str] = []
    if existing is not None:
        d = existing
        old_elements = [str(e["id"]) for e in d.get("_elements") or []]
        d["deleted"] = False
        d["deleted_at"] = None
        if folder_id is not None:
            d["folder_id"] = str(folder_id)
    else:
        d = _new(fake, req, str(folder_id or "100"), str(slug) if slug else _slug(), str(doc["title"]))
    _apply_lookml(fake, d, doc)
    if old_elements:  # new element ids; alerts on the old ones are not maintained
        from tests.fake_looker.alerts import on_elements_replaced

        on_elements_replaced(fake, old_elements)
    return public(fake, d)


@route("POST", "/dashboards", "create_dashboard")
def create_dashboard(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    errors = []
    if not body.get("title"):
        errors.append(("title", "missing_field", "This field is required."))
    if not body.get("folder_id"):
        errors.append(("folder_id", "missing_field", "This field is required."))
    if errors:
        raise invalid(*errors)
    _require_folder(fake, body["folder_id"])
    slug = body.get("slug")
    if slug and _by_slug(fake, slug) is not None:
        raise conflict(f"Slug {slug!r} is already taken by another dashboard")
    for other in fake.table("dashboards").values():
        if (
            other["folder_id"] == body["folder_id"]
            and other["title"] == body["title"]
            and not other.get("deleted")
        ):
            raise conflict(f"A dashboard titled {body['title']!r} already exists in this folder")
    d = _new(fake, req, body["folder_id"], slug or _slug(), body["title"])
    d.update({k: v for k, v in body.items() if k in UPDATABLE and k not in ("slug",)})
    return public(fake, d)


@route("GET", "/dashboards/search", "search_dashboards")
def search_dashboards(fake: FakeLooker, req: Request) -> Any:
    from tests.fake_looker.folders import _matches

    q = req.query
    want_deleted = q.get("deleted", "false").lower() == "true"
    out = []
    for d in fake.table("dashboards").values():
        if bool(d.get("deleted")) != want_deleted:
            continue
        if "id" in q and d["id"] != q["id"]:
            continue
        if "slug" in q and d.get("slug") != q["slug"]:
            continue
        if "title" in q and not _matches(d.get("title"), q["title"]):
            continue
        if "folder_id" in q and d.get("folder_id") != q["folder_id"]:
            continue
        out.append(public(fake, d))
    limit = int(q.get("limit") or q.get("per_page") or 0)
    offset = int(q.get("offset") or 0)
    out = out[offset:]
    return out[:limit] if limit else out


@route("GET", "/dashboards", "all_dashboards")
def all_dashboards(fake: FakeLooker, req: Request) -> Any:
    # Looker returns DashboardBase here (no elements).
    return [
        {
            "can": {},
            "id": d["id"],
            "title": d["title"],
            "description": d.get("description"),
            "folder": folder_base(fake, d.get("folder_id")),
            "hidden": d.get("hidden", False),
            "slug": d.get("slug"),
            "user_id": d.get("user_id"),
            "readonly": False,
            "preferred_viewer": d.get("preferred_viewer"),
            "content_metadata_id": d["id"],
        }
        for d in fake.table("dashboards").values()
        if not d.get("deleted")
    ]


def _get(fake: FakeLooker, dashboard_id: str) -> dict[str, Any]:
    d = fake.table("dashboards").get(dashboard_id)
    if d is None:
        raise not_found()
    return d


@route("GET", "/dashboards/{dashboard_id}", "dashboard")
def dashboard(fake: FakeLooker, req: Request) -> Any:
    return public(fake, _get(fake, req.params["dashboard_id"]))


@route("PATCH", "/dashboards/{dashboard_id}", "update_dashboard")
def update_dashboard(fake: FakeLooker, req: Request) -> Any:
    d = _get(fake, req.params["dashboard_id"])
    body = req.json()
    if "folder_id" in body and body["folder_id"] is not None:
        _require_folder(fake, body["folder_id"])
    slug = body.get("slug")
    if slug and slug != d.get("slug"):
        other = _by_slug(fake, slug)
        if other is not None and other["id"] != d["id"]:
            raise conflict(f"Slug {slug!r} is already taken by another dashboard")
    d.update({k: v for k, v in body.items() if k in UPDATABLE})
    if "deleted" in body:
        d["deleted_at"] = timestamp() if body["deleted"] else None
    d["updated_at"] = timestamp()
    return public(fake, d)


@route("DELETE", "/dashboards/{dashboard_id}", "delete_dashboard")
def delete_dashboard(fake: FakeLooker, req: Request) -> Any:
    _get(fake, req.params["dashboard_id"])
    fake.table("dashboards").pop(req.params["dashboard_id"])
    return Reply(204)


def to_lookml(d: dict[str, Any]) -> str:
    """The dashboard as dashboard LookML, with preferred_slug set to its slug (as Looker does)."""
    doc = dict(d.get("_lookml_doc") or {"dashboard": d["slug"], "title": d["title"], "elements": []})
    doc["title"] = d["title"]
    if d.get("description"):
        doc["description"] = d["description"]
    doc["preferred_slug"] = d["slug"]
    return "---\n" + yaml.safe_dump([doc], sort_keys=False)


@route("GET", "/dashboards/lookml/{dashboard_id}", "dashboard_lookml")
def dashboard_lookml(fake: FakeLooker, req: Request) -> Any:
    d = _get(fake, req.params["dashboard_id"])
    return {"dashboard_id": d["id"], "folder_id": d.get("folder_id"), "lookml": to_lookml(d)}
