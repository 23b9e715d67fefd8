"""Git connection tests of a project (added for the deploy tests: the deploy key check).

GET /projects/{project_id}/git_connection_tests lists the tests; GET .../{test_id} runs one.
For an ssh remote, ``git_authentication`` fails until the project's deploy key is registered on
the git host: ``fake.options["registered_deploy_keys"]`` (a set of public keys) stands for the
host's deploy key settings. Other remotes (file://, https) pass when the fake knows them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
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


def _ssh_project(client: Any, fake: FakeLooker, tmp: str) -> str:
    """A dev-mode project on an ssh remote (a bare repository registered under that URL)."""
    from looker_sdk.sdk.api40 import models as m

    from tests.fake_looker.gitremote import GitRemote

    url = "git@github.com:acme/contract-block.git"
    fake.add_git_remote(url, GitRemote.create(Path(tmp) / "remote.git"))
    client.sdk.create_project(m.WriteProject(name="contract_block"))
    client.sdk.create_git_deploy_key("contract_block")
    client.sdk.update_project("contract_block", m.WriteProject(git_remote_url=url))
    return "contract_block"


def _scenario_all(client: Any, fake: FakeLooker) -> None:
    with tempfile.TemporaryDirectory() as tmp, client.workspace(dev=True):
        project = _ssh_project(client, fake, tmp)
        tests = client.sdk.all_git_connection_tests(project)
        assert [t.id for t in tests] == [tid for tid, _ in TESTS]
        assert all(t.description for t in tests)


def _scenario_run(client: Any, fake: FakeLooker) -> None:
    with tempfile.TemporaryDirectory() as tmp, client.workspace(dev=True):
        project = _ssh_project(client, fake, tmp)
        assert client.sdk.run_git_connection_test(project, "git_remote_reachable").status == "pass"
        denied = client.sdk.run_git_connection_test(project, "git_authentication")
        assert (denied.status, denied.message) == ("fail", "Permission denied (publickey)")
        fake.options["registered_deploy_keys"] = {state(fake, project)["deploy_key"]}
        assert client.sdk.run_git_connection_test(project, "git_authentication").status == "pass"


# Run by tests/test_fake_looker_contract.py (test_other_modules_scenarios) under the spec checks.
CONTRACT_SCENARIOS = {"all_git_connection_tests": _scenario_all, "run_git_connection_test": _scenario_run}
