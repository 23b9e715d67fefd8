"""Git connection tests of a project (added for the deploy tests: the deploy key check).

GET /projects/{project_id}/git_connection_tests lists the tests; GET .../{test_id} runs one.
For an ssh remote, ``git_authentication`` fails until the project's deploy key is registered on
the git host: ``fake.options["registered_deploy_keys"]`` (a set of public keys) stands for the
host's deploy key settings. Other remotes (file://, https) pass when the fake knows them.
"""

from __future__ import annotations

from typing import Any

from tests.fake_looker.core import FakeLooker, Request, not_found, route
from tests.fake_looker.projects import get_project, state

TESTS = (
    ("git_remote_reachable", "Can the git remote be reached"),
    ("git_authentication", "Does the git host accept the project's credentials (deploy key)"),
)


@route("GET", "/projects/{project_id}/git_connection_tests", "all_git_connection_tests")
def all_git_connection_tests(fake: FakeLooker, req: Request) -> Any:
    get_project(fake, req)
    return [{"can": {}, "id": tid, "description": desc} for tid, desc in TESTS]


@route("GET", "/projects/{project_id}/git_connection_tests/{test_id}", "run_git_connection_test")
def run_git_connection_test(fake: FakeLooker, req: Request) -> Any:
    p = get_project(fake, req)
    tid = req.params["test_id"]
    if tid not in dict(TESTS):
        raise not_found()
    url = p.get("git_remote_url") or ""
    ok, message = True, "ok"
    if fake.git_remote_for(url) is None:
        ok, message = False, f"Unable to reach {url or '(no remote configured)'}"
    elif tid == "git_authentication" and url.startswith(("git@", "ssh://")):
        key = state(fake, p["id"])["deploy_key"]
        registered: set[str] = fake.options.get("registered_deploy_keys", set())
        if key is None or key not in registered:
            ok, message = False, "Permission denied (publickey)"
    return {"can": {}, "id": tid, "message": message, "status": "pass" if ok else "fail"}
