"""LookML model configuration: each model of the block exists, belongs to the project and may use
exactly the Athena connection."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from looker_sdk.sdk.api40 import models as m

from looker_ops.looker.changes import CREATE, UPDATE, Change, FieldDiff, create_or_found, diff_fields

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

KIND = "model"
COMPARED = ["project_name", "allowed_db_connection_names", "unlimited_db_connections"]


def desired(models: list[str], project: str, connection: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "project_name": project,
            "allowed_db_connection_names": [connection],
            "unlimited_db_connections": False,
        }
        for name in models
    ]


def read(client: LookerClient, names: list[str]) -> dict[str, m.LookmlModel]:
    out: dict[str, m.LookmlModel] = {}
    for name in names:
        found = client.get_or_none(client.sdk.lookml_model, name)
        if found is not None:
            out[name] = found
    return out


def plan(want: list[dict[str, Any]], current: dict[str, Any]) -> list[Change]:
    """Pure: one create or update per model whose configuration differs."""
    changes: list[Change] = []
    for w in want:
        have = current.get(w["name"])
        if have is None:
            diffs = [FieldDiff(k, None, w[k]) for k in COMPARED]
            changes.append(Change(KIND, CREATE, w["name"], diffs, payload=w))
            continue
        diffs = diff_fields(w, have, COMPARED)
        if diffs:
            changes.append(Change(KIND, UPDATE, w["name"], diffs, payload=w))
    return changes


def apply(client: LookerClient, changes: list[Change]) -> None:
    for ch in changes:
        w = ch.payload
        body = m.WriteLookmlModel(
            name=w["name"],
            project_name=w["project_name"],
            allowed_db_connection_names=list(w["allowed_db_connection_names"]),
            unlimited_db_connections=w["unlimited_db_connections"],
        )
        if ch.action == CREATE:
            now, found = create_or_found(
                client,
                "create_lookml_model",
                partial(client.sdk.create_lookml_model, body),
                partial(client.get_or_none, client.sdk.lookml_model, ch.name),
            )
            # Found after a timeout it may predate this run: make it match (idempotent update).
            if found and diff_fields(w, now, COMPARED):
                client.sdk.update_lookml_model(ch.name, body)
        else:
            client.sdk.update_lookml_model(ch.name, body)
