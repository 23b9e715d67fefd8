"""Folders: search, get, create, update, delete, children. Seeded: "1" Shared, "2" Users,
"100" the API user's personal folder."""

from __future__ import annotations

from typing import Any

from tests.fake_looker.core import FakeLooker, Reply, Request, conflict, invalid, not_found, on_setup, route


@on_setup
def _seed(fake: FakeLooker) -> None:
    t = fake.table("folders")
    t["1"] = {"id": "1", "name": "Shared", "parent_id": None, "is_shared_root": True}
    t["2"] = {"id": "2", "name": "Users", "parent_id": None, "is_users_root": True}
    t["100"] = {"id": "100", "name": "API User", "parent_id": "2", "is_personal": True, "creator_id": "1"}


def public(fake: FakeLooker, f: dict[str, Any]) -> dict[str, Any]:
    folders = fake.table("folders")
    children = [x for x in folders.values() if x.get("parent_id") == f["id"]]
    return {
        "can": {},
        "id": f["id"],
        "name": f["name"],
        "parent_id": f.get("parent_id"),
        "content_metadata_id": f["id"],
        "created_at": "2026-01-01T00:00:00.000+00:00",
        "creator_id": f.get("creator_id"),
        "child_count": len(children),
        "external_id": None,
        "is_embed": False,
        "is_embed_shared_root": False,
        "is_embed_users_root": False,
        "is_personal": bool(f.get("is_personal")),
        "is_personal_descendant": _under_personal(fake, f),
        "is_shared_root": bool(f.get("is_shared_root")),
        "is_users_root": bool(f.get("is_users_root")),
    }


def base(fake: FakeLooker, folder_id: str | None) -> dict[str, Any] | None:
    f = fake.table("folders").get(folder_id or "")
    return public(fake, f) if f else None


def _under_personal(fake: FakeLooker, f: dict[str, Any]) -> bool:
    folders = fake.table("folders")
    cur = folders.get(f.get("parent_id") or "")
    seen: set[str] = set()
    while cur is not None and cur["id"] not in seen:
        if cur.get("is_personal"):
            return True
        seen.add(cur["id"])
        cur = folders.get(cur.get("parent_id") or "")
    return False


def _matches(value: Any, pattern: str) -> bool:
    """Looker search semantics: case-insensitive, % and _ wildcards."""
    import re

    if value is None:
        return pattern.upper() == "NULL"
    rx = "".join(".*" if c == "%" else "." if c == "_" else re.escape(c) for c in pattern)
    return re.fullmatch(rx, str(value), flags=re.IGNORECASE) is not None


@route("GET", "/folders/search", "search_folders")
def search_folders(fake: FakeLooker, req: Request) -> Any:
    out = []
    for f in fake.table("folders").values():
        if "name" in req.query and not _matches(f["name"], req.query["name"]):
            continue
        if "id" in req.query and f["id"] != req.query["id"]:
            continue
        if "parent_id" in req.query and not _matches(f.get("parent_id"), req.query["parent_id"]):
            continue
        if req.query.get("is_shared_root") == "true" and not f.get("is_shared_root"):
            continue
        out.append(public(fake, f))
    return out


@route("GET", "/folders", "all_folders")
def all_folders(fake: FakeLooker, req: Request) -> Any:
    return [public(fake, f) for f in fake.table("folders").values()]


@route("GET", "/folders/{folder_id}", "folder")
def folder(fake: FakeLooker, req: Request) -> Any:
    f = fake.table("folders").get(req.params["folder_id"])
    if f is None:
        raise not_found()
    return public(fake, f)


@route("POST", "/folders", "create_folder")
def create_folder(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    errors = []
    if not body.get("name"):
        errors.append(("name", "missing_field", "This field is required."))
    if not body.get("parent_id"):
        errors.append(("parent_id", "missing_field", "This field is required."))
    if errors:
        raise invalid(*errors)
    folders = fake.table("folders")
    if body["parent_id"] not in folders:
        raise not_found()  # Looker answers 404 when the parent is missing or not editable
    for f in folders.values():
        if f.get("parent_id") == body["parent_id"] and f["name"] == body["name"]:
            raise conflict(f"A folder named {body['name']!r} already exists in this folder")
    fid = fake.new_id()
    folders[fid] = {
        "id": fid,
        "name": body["name"],
        "parent_id": body["parent_id"],
        "creator_id": req.token.user_id if req.token else None,
    }
    return public(fake, folders[fid])


@route("PATCH", "/folders/{folder_id}", "update_folder")
def update_folder(fake: FakeLooker, req: Request) -> Any:
    f = fake.table("folders").get(req.params["folder_id"])
    if f is None:
        raise not_found()
    body = req.json()
    if "parent_id" in body and body["parent_id"] not in fake.table("folders"):
        raise invalid(("parent_id", "invalid", "Unknown parent folder"))
    f.update({k: v for k, v in body.items() if k in ("name", "parent_id")})
    return public(fake, f)


@route("DELETE", "/folders/{folder_id}", "delete_folder")
def delete_folder(fake: FakeLooker, req: Request) -> Any:
    folders = fake.table("folders")
    f = folders.get(req.params["folder_id"])
    if f is None:
        raise not_found()
    if f.get("is_shared_root") or f.get("is_users_root") or f.get("is_personal"):
        raise invalid(("folder_id", "invalid", "This folder cannot be deleted"))
    folders.pop(f["id"])
    return Reply(204)


def _children(fake: FakeLooker, req: Request, name: str | None) -> list[Any]:
    """The folder's children (404 for an unknown folder), those whose name matches when given."""
    if req.params["folder_id"] not in fake.table("folders"):
        raise not_found()
    return [
        public(fake, f)
        for f in fake.table("folders").values()
        if f.get("parent_id") == req.params["folder_id"] and (name is None or _matches(f["name"], name))
    ]


@route("GET", "/folders/{folder_id}/children", "folder_children")
def folder_children(fake: FakeLooker, req: Request) -> Any:
    return _children(fake, req, None)


@route("GET", "/folders/{folder_id}/children/search", "folder_children_search")
def folder_children_search(fake: FakeLooker, req: Request) -> Any:
    return _children(fake, req, req.query.get("name"))


@route("GET", "/folders/{folder_id}/dashboards", "folder_dashboards")
def folder_dashboards(fake: FakeLooker, req: Request) -> Any:
    from tests.fake_looker.dashboards import public as dash_public

    if req.params["folder_id"] not in fake.table("folders"):
        raise not_found()
    return [
        dash_public(fake, d)
        for d in fake.table("dashboards").values()
        if d.get("folder_id") == req.params["folder_id"] and not d.get("deleted")
    ]
