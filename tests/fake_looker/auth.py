"""Login, logout, session workspace, /versions and /user (me)."""

from __future__ import annotations

from typing import Any

from tests.fake_looker.core import ApiError, FakeLooker, Reply, Request, invalid, on_setup, route


@on_setup
def _seed(fake: FakeLooker) -> None:
    fake.table("users")["1"] = {
        "id": "1",
        "first_name": "API",
        "last_name": "User",
        "display_name": "API User",
        "email": "api-user@example.com",
        "is_disabled": False,
        "personal_folder_id": "100",
        "home_folder_id": "1",
        "role_ids": ["2"],
        "group_ids": [],
        "locale": "en",
    }


@route("POST", "/login", "login", auth=False, mutates=False)
def login(fake: FakeLooker, req: Request) -> Any:
    body = req.body if isinstance(req.body, dict) else {}
    creds = {**req.query, **body}
    client_id = creds.get("client_id", "")
    secret = creds.get("client_secret", "")
    known = fake.credentials.get(client_id)
    if known is None or known[0] != secret:
        # Looker answers 404 Not found to bad API credentials (it does not say which half is wrong).
        raise ApiError(404, "Not found")
    token = fake.issue_token(known[1])
    return {
        "access_token": token.value,
        "token_type": "Bearer",
        "expires_in": fake.token_ttl,
        "refresh_token": None,
    }


@route("DELETE", "/logout", "logout", mutates=False)
def logout(fake: FakeLooker, req: Request) -> Any:
    if req.token is not None:
        fake.tokens.pop(req.token.value, None)
    return Reply(204)


def _session(req: Request) -> dict[str, Any]:
    return {"can": {}, "workspace_id": req.workspace, "sudo_user_id": None}


@route("GET", "/session", "session")
def session(fake: FakeLooker, req: Request) -> Any:
    return _session(req)


@route("PATCH", "/session", "update_session", mutates=False)
def update_session(fake: FakeLooker, req: Request) -> Any:
    ws = req.json().get("workspace_id")
    if ws not in ("dev", "production"):
        raise invalid(("workspace_id", "invalid", f"workspace_id must be 'dev' or 'production', not {ws!r}"))
    if ws == "dev" and fake.options.get("no_develop_permission"):
        raise ApiError(403, "You do not have permission to enter development mode")
    assert req.token is not None
    req.token.workspace_id = ws
    return _session(req)


@route("GET", "/versions", "versions", auth=False)
def versions(fake: FakeLooker, req: Request) -> Any:
    base = fake.base_url
    v4 = {
        "version": "4.0",
        "full_version": f"{fake.release.rsplit('.', 1)[0]}.0",
        "status": "current",
        "swagger_url": f"{base}/api/4.0/swagger.json",
    }
    return {
        "looker_release_version": fake.release,
        "current_version": v4,
        "supported_versions": [v4],
        "api_server_url": base,
        "web_server_url": base.rsplit(":", 1)[0] if base.count(":") > 1 else base,
    }


def user_public(fake: FakeLooker, user_id: str) -> dict[str, Any]:
    u = fake.table("users").get(user_id) or {}
    return {
        "can": {},
        "id": user_id,
        "first_name": u.get("first_name") or "",
        "last_name": u.get("last_name") or "",
        "display_name": u.get("display_name"),
        "avatar_url": "",
        "url": f"{fake.base_url}/api/4.0/users/{user_id}",
    }


@route("GET", "/user", "me")
def me(fake: FakeLooker, req: Request) -> Any:
    assert req.token is not None
    return dict(fake.table("users")[req.token.user_id])
