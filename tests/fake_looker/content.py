"""Content validation (GET /content_validation): dashboards whose models, explores or fields no
longer exist in the deployed (production) LookML.

A dashboard element's query (model, explore, fields, filters, sorts) and each dashboard filter
(model, explore, field) are checked against the LookML of the project the model configuration
points at: its production ref, or in the dev workspace (``workspace: dev`` session, as in Looker)
the commit of the branch the API user has checked out. Scheduled plans pointing at missing
dashboards are not modelled.
"""

from __future__ import annotations

import time
from typing import Any

from tests.fake_looker import lookml_source
from tests.fake_looker.core import FakeLooker, Request, route
from tests.fake_looker.projects import deployed_lookml, dev_branch_sha


def _model_project(fake: FakeLooker, model: str) -> str | None:
    m = fake.table("lookml_models").get(model)
    return m.get("project_name") if m else None


def _lookml(fake: FakeLooker, project: str, dev: bool) -> lookml_source.Deployed | None:
    """The LookML the caller's workspace sees: production's, or the dev branch checked out."""
    if not dev:
        return deployed_lookml(fake, project)
    p = fake.table("projects").get(project)
    remote = fake.git_remote_for(p.get("git_remote_url")) if p else None
    sha = dev_branch_sha(fake, p) if p is not None and remote is not None else None
    return lookml_source.load_ref(remote, sha) if remote is not None and sha else None


def _check(
    fake: FakeLooker, model: str | None, explore: str | None, fields: list[str], dev: bool = False
) -> list[dict[str, Any]]:
    if not model or not explore:
        return []
    project = _model_project(fake, model)
    dep = _lookml(fake, project, dev) if project else None
    if dep is None or model not in dep.project.models:
        return [
            {
                "message": f'Unknown model "{model}"',
                "field_name": None,
                "model_name": model,
                "explore_name": explore,
                "removable": False,
            }
        ]
    if dep.explore(model, explore) is None:
        return [
            {
                "message": f'Unknown explore "{explore}"',
                "field_name": None,
                "model_name": model,
                "explore_name": explore,
                "removable": False,
            }
        ]
    return [
        {
            "message": f'Unknown field "{f}"',
            "field_name": f,
            "model_name": model,
            "explore_name": explore,
            "removable": True,
        }
        for f in fields
        if not dep.field_exists(model, explore, f)
    ]


def _query_fields(q: dict[str, Any]) -> list[str]:
    fields: list[str] = list(q.get("fields") or [])
    fields += list((q.get("filters") or {}).keys())
    fields += [s.split(" ")[0] for s in q.get("sorts") or []]
    fields += list(q.get("pivots") or [])
    seen: list[str] = []
    for f in fields:
        if "." in f and f not in seen:
            seen.append(f)
    return seen


@route("GET", "/content_validation", "content_validation")
def content_validation(fake: FakeLooker, req: Request) -> Any:
    from tests.fake_looker.folders import public as folder_public

    started = time.perf_counter()
    project_names = {p for p in (req.query.get("project_names") or "").split(",") if p}
    space_ids = {s for s in (req.query.get("space_ids") or "").split(",") if s}
    out: list[dict[str, Any]] = []
    n_elements = n_filters = 0
    explores: set[tuple[str, str]] = set()
    for d in fake.table("dashboards").values():
        if d.get("deleted"):
            continue
        if space_ids and d.get("folder_id") not in space_ids:
            continue
        folder = fake.table("folders").get(d.get("folder_id") or "")
        dash = {
            "id": d["id"],
            "title": d["title"],
            "description": d.get("description"),
            "folder": {"id": folder["id"], "name": folder_public(fake, folder)["name"]} if folder else None,
            "url": f"/dashboards/{d['id']}",
        }
        for el in d.get("_elements", []):
            q = el.get("query")
            if not q:
                continue
            if project_names and _model_project(fake, q["model"]) not in project_names:
                continue
            n_elements += 1
            explores.add((q["model"], q["view"]))
            errors = _check(fake, q["model"], q["view"], _query_fields(q), req.dev)
            if errors:
                out.append(
                    {
                        "id": f"{d['id']}-{el['id']}",
                        "dashboard": dash,
                        "dashboard_element": {
                            "id": el["id"],
                            "dashboard_id": d["id"],
                            "title": el.get("title"),
                            "type": el.get("type"),
                            "query_id": q["id"],
                            "title_hidden": el.get("title_hidden", False),
                        },
                        "errors": errors,
                    }
                )
        for flt in d.get("_filters", []):
            if not flt.get("model"):
                continue
            if project_names and _model_project(fake, flt["model"]) not in project_names:
                continue
            n_filters += 1
            errors = _check(
                fake,
                flt["model"],
                flt.get("explore"),
                [flt["dimension"]] if flt.get("dimension") else [],
                req.dev,
            )
            if errors:
                out.append(
                    {
                        "id": f"{d['id']}-f{flt['id']}",
                        "dashboard": dash,
                        "dashboard_filter": {
                            "id": flt["id"],
                            "dashboard_id": d["id"],
                            "name": flt["name"],
                            "title": flt["title"],
                            "type": flt["type"],
                            "default_value": flt.get("default_value"),
                            "model": flt["model"],
                            "explore": flt.get("explore"),
                            "dimension": flt.get("dimension"),
                        },
                        "errors": errors,
                    }
                )
    return {
        "content_with_errors": out,
        "computation_time": round(time.perf_counter() - started, 4),
        "total_looks_validated": 0,
        "total_dashboard_elements_validated": n_elements,
        "total_dashboard_filters_validated": n_filters,
        "total_scheduled_plans_validated": len(fake.table("scheduled_plans")),
        "total_alerts_validated": 0,
        "total_explores_validated": len(explores),
    }
