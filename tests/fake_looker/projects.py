"""Projects: create (dev mode only), update git settings, git branches, deploy keys, deploy to
production (dev branch or a ref), LookML validation, LookML data tests.

State: ``fake.table("projects")[id]`` is the Project as Looker returns it;
``fake.table("project_state")[id]`` keeps what Looker keeps internally:
``production_ref`` (the deployed commit, None before the first deploy), ``dev_branch`` (the
API user's checked-out branch), ``deploy_key``, ``validation`` (cached results).

A project exists only in the dev workspace until its first deploy (as in Looker): in the
production workspace it answers 404 until then.

Options: ``fake.options["lookml_test_failures"] = {"test_name": "message"}`` makes a LookML
test fail; by default a test passes when its explore and fields exist in the LookML.
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

from tests.fake_looker import lookml_source
from tests.fake_looker.core import (
    DOC,
    ApiError,
    FakeLooker,
    Reply,
    Request,
    conflict,
    invalid,
    not_found,
    route,
)
from tests.fake_looker.gitremote import GitError, GitRemote

PROJECT_WRITABLE = {
    "name",
    "git_remote_url",
    "git_username",
    "git_password",
    "git_production_branch_name",
    "use_git_cookie_auth",
    "git_username_user_attribute",
    "git_password_user_attribute",
    "git_service_name",
    "git_application_server_http_port",
    "git_application_server_http_scheme",
    "deploy_secret",
    "unset_deploy_secret",
    "pull_request_mode",
    "validation_required",
    "git_release_mgmt_enabled",
    "allow_warnings",
    "dependency_status",
}
HIDDEN = {"git_password", "deploy_secret", "unset_deploy_secret"}
PULL_REQUEST_MODES = {"off", "links", "recommended", "required"}


# --- helpers ---------------------------------------------------------------------------------


def state(fake: FakeLooker, project_id: str) -> dict[str, Any]:
    return fake.table("project_state")[project_id]


def get_project(fake: FakeLooker, req: Request, project_id: str | None = None) -> dict[str, Any]:
    """The project as the caller's workspace sees it (404 in production before the first deploy)."""
    pid = project_id if project_id is not None else req.params["project_id"]
    p = fake.table("projects").get(pid)
    if p is None:
        raise not_found()
    if not req.dev and state(fake, pid)["production_ref"] is None:
        raise not_found()
    return p


def public(fake: FakeLooker, p: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in p.items() if k not in HIDDEN}
    out["uses_git"] = bool(p.get("git_remote_url"))
    out["has_production_counterpart"] = state(fake, p["id"])["production_ref"] is not None
    return out


def remote_of(fake: FakeLooker, p: dict[str, Any]) -> GitRemote:
    remote = fake.git_remote_for(p.get("git_remote_url"))
    if remote is None:
        raise ApiError(
            422,
            "Git is not configured for this project"
            if not p.get("git_remote_url")
            else f"Unable to connect to the git remote {p.get('git_remote_url')}",
        )
    return remote


def prod_branch(p: dict[str, Any]) -> str:
    return p.get("git_production_branch_name") or "main"


def dev_branch_sha(fake: FakeLooker, p: dict[str, Any]) -> str | None:
    """The commit the API user's dev workspace has checked out."""
    st = state(fake, p["id"])
    remote = remote_of(fake, p)
    name = st["dev_branch"]
    return remote.rev_parse(name) or st["local_refs"].get(name) or remote.rev_parse(prod_branch(p))


def workspace_sha(fake: FakeLooker, req: Request, p: dict[str, Any]) -> str | None:
    if req.dev:
        return dev_branch_sha(fake, p)
    return state(fake, p["id"])["production_ref"]


def deployed_lookml(fake: FakeLooker, project_name: str) -> lookml_source.Deployed | None:
    """The production LookML of a project (for content validation and model explores)."""
    p = fake.table("projects").get(project_name)
    if p is None:
        return None
    sha = state(fake, p["id"])["production_ref"]
    remote = fake.git_remote_for(p.get("git_remote_url"))
    if sha is None or remote is None:
        return None
    return lookml_source.load_ref(remote, sha)


# --- projects ------------------------------------------------------------------------------


@route("GET", "/projects", "all_projects")
def all_projects(fake: FakeLooker, req: Request) -> Any:
    out = []
    for p in fake.table("projects").values():
        if req.dev or state(fake, p["id"])["production_ref"] is not None:
            out.append(public(fake, p))
    return out


@route("POST", "/projects", "create_project")
def create_project(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    body = req.json()
    name = body.get("name")
    if not name:
        raise invalid(("name", "missing_field", "This field is required."))
    if "git_remote_url" in body:
        raise invalid(
            ("git_remote_url", "invalid", "git_remote_url is not allowed on create; use update_project")
        )
    projects = fake.table("projects")
    if name in projects:
        raise conflict(f"Project {name!r} already exists")
    if body.get("pull_request_mode") not in (None, *PULL_REQUEST_MODES):
        raise invalid(("pull_request_mode", "invalid", f"must be one of {sorted(PULL_REQUEST_MODES)}"))
    p: dict[str, Any] = {
        "id": name,
        "name": name,
        "git_remote_url": None,
        "git_username": None,
        "git_production_branch_name": "main",
        "use_git_cookie_auth": False,
        "git_service_name": None,
        "pull_request_mode": "off",
        "validation_required": False,
        "git_release_mgmt_enabled": False,
        "allow_warnings": True,
        "is_example": False,
        "is_git_dev_locked": False,
        "dependency_status": None,
        "can": {},
    }
    p.update({k: v for k, v in body.items() if k in PROJECT_WRITABLE})
    projects[name] = p
    fake.table("project_state")[name] = {
        "production_ref": None,
        "dev_branch": f"dev-api-user-{req.token.user_id if req.token else '1'}",
        "local_refs": {},
        "deploy_key": None,
        "validation": None,
    }
    return public(fake, p)


@route("GET", "/projects/{project_id}", "project")
def project(fake: FakeLooker, req: Request) -> Any:
    return public(fake, get_project(fake, req))


@route("PATCH", "/projects/{project_id}", "update_project")
def update_project(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    p = get_project(fake, req)
    body = req.json()
    if "name" in body and body["name"] != p["name"]:
        raise invalid(("name", "invalid", "a project cannot be renamed"))
    if body.get("pull_request_mode") not in (None, *PULL_REQUEST_MODES):
        raise invalid(("pull_request_mode", "invalid", f"must be one of {sorted(PULL_REQUEST_MODES)}"))
    url = body.get("git_remote_url")
    if url and url != p.get("git_remote_url"):
        # Looker connects to the remote when the URL changes and refuses one it cannot reach.
        if fake.git_remote_for(url) is None:
            raise invalid(("git_remote_url", "invalid", f"Unable to connect to the remote repository {url}"))
        if url.startswith("git@") and state(fake, p["id"])["deploy_key"] is None:
            raise invalid(
                ("git_remote_url", "invalid", "Create a deploy key before setting an ssh git_remote_url")
            )
    p.update({k: v for k, v in body.items() if k in PROJECT_WRITABLE})
    return public(fake, p)


# --- git branches ----------------------------------------------------------------------------


def _branch(
    fake: FakeLooker, p: dict[str, Any], name: str, sha: str | None, *, personal: bool
) -> dict[str, Any]:
    remote = remote_of(fake, p)
    remote_sha = remote.rev_parse(name)
    return {
        "can": {},
        "name": name,
        "remote": "origin",
        "remote_name": name,
        "error": None,
        "message": None,
        "owner_name": "API User" if personal else None,
        "readonly": name == prod_branch(p),
        "personal": personal,
        "is_local": True,
        "is_remote": remote_sha is not None,
        "is_production": name == prod_branch(p),
        "ahead_count": 0,
        "behind_count": 0,
        "commit_at": int(time.time()),
        "ref": sha,
        "remote_ref": remote_sha,
    }


@route("GET", "/projects/{project_id}/git_branches", "all_git_branches")
def all_git_branches(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    remote = remote_of(fake, p)
    st = state(fake, p["id"])
    names = sorted(set(remote.branches()) | set(st["local_refs"]) | {st["dev_branch"]})
    return [
        _branch(fake, p, n, remote.rev_parse(n) or st["local_refs"].get(n), personal=n.startswith("dev-"))
        for n in names
    ]


@route("GET", "/projects/{project_id}/git_branch", "git_branch")
def git_branch(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    if req.dev:
        name = state(fake, p["id"])["dev_branch"]
        return _branch(fake, p, name, dev_branch_sha(fake, p), personal=name.startswith("dev-"))
    remote_of(fake, p)
    return _branch(fake, p, prod_branch(p), state(fake, p["id"])["production_ref"], personal=False)


def _resolve(remote: GitRemote, ref: str) -> str:
    sha = remote.rev_parse(ref)
    if sha is None:
        raise invalid(("ref", "invalid", f"Unknown ref {ref!r}"))
    return sha


@route("POST", "/projects/{project_id}/git_branch", "create_git_branch")
def create_git_branch(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    p = get_project(fake, req)
    body = req.json()
    name = body.get("name")
    if not name:
        raise invalid(("name", "missing_field", "This field is required."))
    remote = remote_of(fake, p)
    st = state(fake, p["id"])
    if remote.rev_parse(name) is not None or name in st["local_refs"]:
        raise conflict(f"Branch {name!r} already exists")
    start = _resolve(remote, body["ref"]) if body.get("ref") else dev_branch_sha(fake, p)
    if start is None:
        raise invalid(("ref", "invalid", "The repository has no commits to branch from"))
    remote.git("update-ref", f"refs/heads/{name}", start)  # Looker pushes the new branch
    st["dev_branch"] = name
    return _branch(fake, p, name, start, personal=False)


@route("PUT", "/projects/{project_id}/git_branch", "update_git_branch")
def update_git_branch(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    p = get_project(fake, req)
    body = req.json()
    name = body.get("name") or state(fake, p["id"])["dev_branch"]
    remote = remote_of(fake, p)
    st = state(fake, p["id"])
    exists = remote.rev_parse(name) is not None or name in st["local_refs"] or name == st["dev_branch"]
    if not exists:
        raise not_found()
    if name == prod_branch(p) and body.get("ref"):
        raise invalid(("name", "invalid", "The production branch cannot be reset"))
    st["dev_branch"] = name
    if body.get("ref"):
        sha = _resolve(remote, body["ref"])
        remote.git("update-ref", f"refs/heads/{name}", sha)  # reset --hard, force-pushed
        st["local_refs"][name] = sha
    return _branch(fake, p, name, dev_branch_sha(fake, p), personal=name.startswith("dev-"))


@route("GET", "/projects/{project_id}/git_branch/{branch_name}", "find_git_branch")
def find_git_branch(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    remote = remote_of(fake, p)
    name = req.params["branch_name"]
    sha = remote.rev_parse(name) or state(fake, p["id"])["local_refs"].get(name)
    if sha is None:
        raise not_found()
    return _branch(fake, p, name, sha, personal=name.startswith("dev-"))


@route("DELETE", "/projects/{project_id}/git_branch/{branch_name}", "delete_git_branch")
def delete_git_branch(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    p = get_project(fake, req)
    remote = remote_of(fake, p)
    st = state(fake, p["id"])
    name = req.params["branch_name"]
    if name == prod_branch(p):
        raise invalid(("branch_name", "invalid", "The production branch cannot be deleted"))
    if name == st["dev_branch"]:
        raise invalid(
            ("branch_name", "invalid", "The checked-out branch cannot be deleted; check out another first")
        )
    if remote.rev_parse(name) is None and name not in st["local_refs"]:
        raise not_found()
    st["local_refs"].pop(name, None)
    if remote.rev_parse(name) is not None:
        remote.delete_branch(name)
    return Reply(204)


# --- deploy keys ---------------------------------------------------------------------------


@route("GET", "/projects/{project_id}/git/deploy_key", "git_deploy_key")
def git_deploy_key(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    key = state(fake, p["id"])["deploy_key"]
    if key is None:
        raise not_found()
    return Reply(200, key, content_type="text/plain")


@route("POST", "/projects/{project_id}/git/deploy_key", "create_git_deploy_key")
def create_git_deploy_key(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    p = get_project(fake, req)
    st = state(fake, p["id"])
    if st["deploy_key"] is not None:
        raise conflict("A deploy key already exists for this project")
    digest = hashlib.sha256(f"{p['id']}-{fake.new_id()}".encode()).hexdigest()
    st["deploy_key"] = f"ssh-rsa AAAAB3NzaC1yc2E{digest} looker-{p['id']}"
    return Reply(200, st["deploy_key"], content_type="text/plain")


# --- deploy ------------------------------------------------------------------------------------


@route("POST", "/projects/{project_id}/deploy_to_production", "deploy_to_production")
def deploy_to_production(fake: FakeLooker, req: Request) -> Any:
    req.require_dev()
    p = get_project(fake, req)
    remote = remote_of(fake, p)
    st = state(fake, p["id"])
    if fake.options.get("no_deploy_permission"):
        raise ApiError(403, "You do not have permission to deploy this project")
    dev_sha = dev_branch_sha(fake, p)
    prod = prod_branch(p)
    prod_sha = remote.rev_parse(prod)
    if dev_sha is None:
        raise ApiError(400, "Nothing to deploy: the repository has no commits")
    if prod_sha is not None and prod_sha != dev_sha:
        try:
            remote.git("merge-base", "--is-ancestor", prod_sha, dev_sha)
        except GitError:
            raise ApiError(
                400,
                f"Deploy rejected: {prod} has commits that are not in {st['dev_branch']} (non-fast-forward)",
            ) from None
    remote.git("update-ref", f"refs/heads/{prod}", dev_sha)
    st["production_ref"] = dev_sha
    return Reply(204)


@route("POST", "/projects/{project_id}/deploy_ref_to_production", "deploy_ref_to_production")
def deploy_ref_to_production(fake: FakeLooker, req: Request) -> Any:
    p = fake.table("projects").get(req.params["project_id"])
    if p is None:
        raise not_found()
    if fake.options.get("no_deploy_permission"):
        raise ApiError(403, "You do not have permission to deploy this project")
    branch, ref = req.query.get("branch"), req.query.get("ref")
    if branch and ref:
        raise ApiError(400, "Can only specify either a branch or a ref")
    if ref and not p.get("git_release_mgmt_enabled"):
        # Deploying a commit or tag (not the production branch's head) is what advanced deploy
        # mode adds; without it Looker deploys only branches.
        raise ApiError(400, "Advanced deploy mode is not enabled for this project: cannot deploy a ref")
    remote = remote_of(fake, p)
    target = branch or ref or prod_branch(p)
    sha = remote.rev_parse(target)
    if sha is None:
        raise ApiError(
            400, f"Unable to deploy: {'branch' if branch else 'ref'} {target!r} not found in the remote"
        )
    state(fake, p["id"])["production_ref"] = sha
    return Reply(204)


# --- validation --------------------------------------------------------------------------------


def _error(
    severity: str,
    message: str,
    file: str | None,
    line: int | None,
    *,
    kind: str = "error",
    model: str | None = None,
    explore: str | None = None,
    field: str | None = None,
    code: str = "lookml",
) -> dict[str, Any]:
    return {
        "code": code,
        "severity": severity,
        "kind": kind,
        "message": message,
        "sanitized_message": message,
        "field_name": field,
        "file_path": f"{file}" if file else None,
        "line_number": line,
        "model_id": model,
        "explore": explore,
        "help_url": DOC,
        "params": {},
    }


def validate_lookml(fake: FakeLooker, dep: lookml_source.Deployed, project_name: str) -> list[dict[str, Any]]:
    """Looker-like validation: syntax, includes, unknown connections/views/fields, missing keys."""
    proj = dep.project
    out: list[dict[str, Any]] = []
    for f in proj.problems:
        sev = "warning" if f.severity.value in ("warning", "info") else "error"
        out.append(
            _error(sev, f.message, f"{project_name}/{f.file}" if f.file else None, f.line, code=f.code)
        )
    conns = fake.table("connections")
    for name, model in proj.models.items():
        if not model.connection:
            out.append(
                _error(
                    "error",
                    f'Model "{name}" has no connection',
                    f"{project_name}/{model.file}",
                    1,
                    model=name,
                )
            )
        elif model.connection not in conns:
            out.append(
                _error(
                    "error",
                    f'Unknown or inaccessible connection "{model.connection}"',
                    f"{project_name}/{model.file}",
                    1,
                    model=name,
                )
            )
    for (model_name, ex_name), ex in proj.explores.items():
        for alias, view_name in ex.aliases().items():
            view = proj.view(view_name)
            if view is None:
                out.append(
                    _error(
                        "error",
                        f'Unknown view "{view_name}" in explore "{ex_name}"',
                        f"{project_name}/{ex.file}",
                        ex.line,
                        model=model_name,
                        explore=ex_name,
                    )
                )
            elif alias != ex.name and view.primary_key() is None:
                out.append(
                    _error(
                        "warning",
                        f'View "{view_name}" joined in "{ex_name}" has no primary key: '
                        "symmetric aggregates cannot be computed",
                        f"{project_name}/{view.file}",
                        view.line,
                        model=model_name,
                        explore=ex_name,
                        kind="warning",
                    )
                )
        for ref in _field_refs(ex):
            if not dep.field_exists(model_name, ex_name, ref):
                out.append(
                    _error(
                        "error",
                        f'Unknown field "{ref}" in explore "{ex_name}"',
                        f"{project_name}/{ex.file}",
                        ex.line,
                        model=model_name,
                        explore=ex_name,
                        field=ref,
                    )
                )
    return out


def _field_refs(ex: Any) -> list[str]:
    import re

    refs: list[str] = []
    texts = [ex.sql_always_where or ""] + [j.sql_on or "" for j in ex.joins]
    for t in texts:
        refs += re.findall(r"\$\{([A-Za-z0-9_]+\.[A-Za-z0-9_]+)\}", t)
    return sorted(set(refs))


def _validation_result(fake: FakeLooker, req: Request, p: dict[str, Any]) -> dict[str, Any]:
    remote = remote_of(fake, p)
    sha = workspace_sha(fake, req, p)
    started = time.perf_counter()
    if sha is None:
        errors = [_error("error", "The project has no commits to validate", None, None)]
        digest = None
    else:
        dep = lookml_source.load_ref(remote, sha)
        errors = validate_lookml(fake, dep, p["name"])
        digest = sha
    return {
        "errors": errors,
        "project_digest": digest,
        "models_not_validated": [],
        "computation_time": round(time.perf_counter() - started, 4),
    }


@route("POST", "/projects/{project_id}/validate", "validate_project", mutates=False)
def validate_project(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    result = _validation_result(fake, req, p)
    state(fake, p["id"])["validation"] = result
    return result


@route("GET", "/projects/{project_id}/validate", "project_validation_results")
def project_validation_results(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    cached = state(fake, p["id"])["validation"]
    if cached is None:
        return Reply(204)
    stale = cached["project_digest"] != workspace_sha(fake, req, p)
    return {**cached, "stale": stale}


# --- LookML data tests ---------------------------------------------------------------------------


def _tests(
    fake: FakeLooker, req: Request, p: dict[str, Any]
) -> tuple[lookml_source.Deployed, list[lookml_source.LookmlTestDef]]:
    sha = workspace_sha(fake, req, p)
    if sha is None:
        raise ApiError(422, "The project has no commits")
    dep = lookml_source.load_ref(remote_of(fake, p), sha)
    tests = list(dep.tests)
    # A test in an included file belongs to every model including it.
    for t in list(tests):
        if not t.model:
            tests.remove(t)
            for mname, model in dep.project.models.items():
                if t.file in model.included_files:
                    tests.append(
                        lookml_source.LookmlTestDef(
                            t.name, mname, t.explore, t.file, t.line, t.fields, t.assertions
                        )
                    )
    return dep, tests


@route("GET", "/projects/{project_id}/lookml_tests", "all_lookml_tests")
def all_lookml_tests(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    _dep, tests = _tests(fake, req, p)
    file_id = req.query.get("file_id")
    return [
        {
            "can": {},
            "model_name": t.model,
            "name": t.name,
            "explore_name": t.explore,
            "query_url_params": "fields=" + ",".join(t.fields),
            "file": f"{p['name']}/{t.file}",
            "line": t.line,
        }
        for t in tests
        if not file_id or file_id in (t.file, f"{p['name']}/{t.file}")
    ]


@route("GET", "/projects/{project_id}/lookml_tests/run", "run_lookml_test")
def run_lookml_test(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    dep, tests = _tests(fake, req, p)
    q = req.query
    failures: dict[str, str] = fake.options.get("lookml_test_failures", {})
    out = []
    for t in tests:
        if q.get("test") and t.name != q["test"]:
            continue
        if q.get("model") and t.model != q["model"]:
            continue
        if q.get("file_id") and q["file_id"] not in (t.file, f"{p['name']}/{t.file}"):
            continue
        errors = []
        if dep.explore(t.model, t.explore) is None:
            errors.append(
                _error(
                    "error",
                    f'Unknown explore "{t.explore}"',
                    f"{p['name']}/{t.file}",
                    t.line,
                    model=t.model,
                    explore=t.explore,
                )
            )
        for f in t.fields:
            if not dep.field_exists(t.model, t.explore, f):
                errors.append(
                    _error(
                        "error",
                        f'Unknown field "{f}"',
                        f"{p['name']}/{t.file}",
                        t.line,
                        model=t.model,
                        explore=t.explore,
                        field=f,
                    )
                )
        failed = len(t.assertions) if errors else 0
        if not errors and t.name in failures:
            failed = max(1, len(t.assertions))
            errors.append(
                _error(
                    "error",
                    failures[t.name],
                    f"{p['name']}/{t.file}",
                    t.line,
                    model=t.model,
                    explore=t.explore,
                    code="lookml_test_failed",
                )
            )
        out.append(
            {
                "can": {},
                "model_name": t.model,
                "test_name": t.name,
                "assertions_count": len(t.assertions),
                "assertions_failed": failed,
                "errors": errors,
                "warnings": [],
                "success": not errors,
            }
        )
    if q.get("test") and not out:
        raise not_found()
    return out
