"""LookML model configurations: create, update, get, all, delete.

A model's ``explores`` come from the deployed LookML of its project (empty before a deploy).
"""

from __future__ import annotations

from typing import Any

from tests.fake_looker.core import FakeLooker, Reply, Request, conflict, invalid, not_found, route

WRITABLE = {"allowed_db_connection_names", "name", "project_name", "unlimited_db_connections"}


def _public(fake: FakeLooker, m: dict[str, Any]) -> dict[str, Any]:
    from tests.fake_looker.projects import deployed_lookml

    explores = []
    dep = deployed_lookml(fake, m.get("project_name") or "")
    if dep is not None:
        for (model, name), ex in sorted(dep.project.explores.items()):
            if model == m["name"] and not ex.extension_required:
                explores.append(
                    {
                        "name": name,
                        "description": ex.props.get("description"),
                        "label": ex.props.get("label") or name.replace("_", " ").title(),
                        "hidden": str(ex.props.get("hidden", "no")) == "yes",
                        "group_label": ex.props.get("group_label"),
                    }
                )
    return {
        "can": {},
        "name": m["name"],
        "project_name": m.get("project_name"),
        "allowed_db_connection_names": list(m.get("allowed_db_connection_names") or []),
        "unlimited_db_connections": bool(m.get("unlimited_db_connections")),
        "label": m["name"].replace("_", " ").title(),
        "has_content": bool(explores),
        "explores": explores,
    }


def _validate(fake: FakeLooker, body: dict[str, Any], creating: bool) -> None:
    errors = []
    if creating and not body.get("name"):
        errors.append(("name", "missing_field", "This field is required."))
    if creating and not body.get("project_name"):
        errors.append(("project_name", "missing_field", "This field is required."))
    conns = fake.table("connections")
    for c in body.get("allowed_db_connection_names") or []:
        if c not in conns:
            errors.append(("allowed_db_connection_names", "invalid", f"Unknown connection {c!r}"))
    if creating and not body.get("unlimited_db_connections") and not body.get("allowed_db_connection_names"):
        errors.append(
            (
                "allowed_db_connection_names",
                "missing_field",
                "Either allowed_db_connection_names or unlimited_db_connections is required.",
            )
        )
    if errors:
        raise invalid(*errors)


@route("GET", "/lookml_models", "all_lookml_models")
def all_lookml_models(fake: FakeLooker, req: Request) -> Any:
    return [_public(fake, m) for m in fake.table("lookml_models").values()]


@route("POST", "/lookml_models", "create_lookml_model")
def create_lookml_model(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    _validate(fake, body, creating=True)
    models = fake.table("lookml_models")
    if body["name"] in models:
        raise conflict(f"A model configuration named {body['name']!r} already exists")
    m = {k: v for k, v in body.items() if k in WRITABLE}
    models[m["name"]] = m
    return _public(fake, m)


@route("GET", "/lookml_models/{lookml_model_name}", "lookml_model")
def lookml_model(fake: FakeLooker, req: Request) -> Any:
    m = fake.table("lookml_models").get(req.params["lookml_model_name"])
    if m is None:
        raise not_found()
    return _public(fake, m)


@route("PATCH", "/lookml_models/{lookml_model_name}", "update_lookml_model")
def update_lookml_model(fake: FakeLooker, req: Request) -> Any:
    m = fake.table("lookml_models").get(req.params["lookml_model_name"])
    if m is None:
        raise not_found()
    body = req.json()
    if "name" in body and body["name"] != m["name"]:
        raise invalid(("name", "invalid", "a model configuration cannot be renamed"))
    _validate(fake, body, creating=False)
    m.update({k: v for k, v in body.items() if k in WRITABLE})
    return _public(fake, m)


@route("DELETE", "/lookml_models/{lookml_model_name}", "delete_lookml_model")
def delete_lookml_model(fake: FakeLooker, req: Request) -> Any:
    if fake.table("lookml_models").pop(req.params["lookml_model_name"], None) is None:
        raise not_found()
    return Reply(204)
