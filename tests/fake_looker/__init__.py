"""A stateful, in-memory fake of the Looker API 4.0, served through ``responses``.

The real looker-sdk and the real ``looker_ops.looker`` client run against it unchanged.

Using it in a test
------------------
    from tests.fake_looker.fixtures import fake_looker, looker_client, looker_env, git_remote  # noqa: F401

    def test_x(fake_looker, looker_client):
        looker_client.sdk.create_connection(models40.WriteDBConnection(name="athena", ...))
        assert fake_looker.writes() ...                 # call log: fake_looker.calls

Fixtures (tests/fake_looker/fixtures.py): ``fake_looker`` (a FakeLooker at
https://looker.test:19999, started), ``looker_client`` (a LookerClient logged in against it,
retries never sleep: delays land in ``looker_sleeps.calls``), ``looker_env`` (LOOKERSDK_*
set for CliRunner tests), ``git_remote`` (an empty bare repo). ``make_client(fake)`` builds
more clients.

State: ``fake.table("connections" | "projects" | "dashboards" | "folders" | "lookml_models" |
"scheduled_plans" | ...)`` are plain dicts you can seed or inspect. ``fake.options`` holds
behaviour switches (e.g. ``connection_test_failures``, ``lookml_test_failures``,
``aws_secrets`` = {access key id: secret}: the connect test then needs the right password).

Faults: ``fake.fail("create_dashboard", 429, retry_after=2)``, ``fake.fail("me", 503, times=2)``,
``fake.fail("import_dashboard_from_lookml", "timeout")`` (change applied, then ReadTimeout),
``"timeout_before"`` (ConnectTimeout, nothing applied), ``nth=3`` to fail the 3rd call.
``fake.latency = 0.05`` waits per call outside the fake's lock, so concurrent calls overlap
(benchmarks). ``fake.expire_tokens()`` / ``fake.advance(s)``.

Call log: ``fake.calls`` (method, path, operation_id, status, is_write, workspace, query, body),
``fake.calls_to("deploy_ref_to_production")``, ``fake.writes()`` (state-changing calls that did
not fail), ``fake.reset_calls()``.

Git: ``remote = GitRemote.create(path); sha = remote.commit({"x.model.lkml": ...}, branch="main")``;
point a project at it with ``update_project(git_remote_url=remote.url)`` (or register any URL:
``fake.add_git_remote("git@github.com:org/block.git", remote)``). Validation, LookML tests and
content validation read the LookML at the deployed ref through looker_ops' own loader
(tests/fake_looker/lookml_source.py, the one place that depends on it).

Contract: every request and response is checked against ../shared/looker-api/Looker.4.0.oas.json
(or $LOOKER_OAS_SPEC) and responses against looker-sdk's models; a mismatch raises
``ContractViolation`` in the test at once. Without the spec file those checks are skipped with a
warning, the SDK-model check still runs.

Adding endpoints
----------------
Create ``tests/fake_looker/<resource>.py`` (it is discovered automatically) with handlers:

    from tests.fake_looker.core import FakeLooker, Reply, Request, route, not_found, invalid, conflict

    @route("GET", "/widgets/{widget_id}", "widget")        # path and operationId as in the spec
    def get_widget(fake: FakeLooker, req: Request):
        w = fake.table("widgets").get(req.params["widget_id"])
        if w is None:
            raise not_found()                                 # 404 like Looker
        return w                                             # 200 JSON; Reply(204) for no content

``req.body`` (parsed JSON), ``req.query``, ``req.dev`` / ``req.require_dev()`` (dev workspace),
``fake.new_id()``; ``@on_setup`` seeds initial state. Declare in the module
``CONTRACT_SCENARIOS = {"widget": lambda client, fake: client.sdk.widget("1")}`` and
tests/test_fake_looker_contract.py runs each under the contract checks. ``fake.override(op, fn)``
swaps a handler in one test. More in docs/looker-api.md.
"""

from tests.fake_looker.contract import ContractViolation
from tests.fake_looker.core import ApiError, FakeLooker, Reply, Request, on_setup, route
from tests.fake_looker.gitremote import GitRemote

__all__ = [
    "ApiError",
    "ContractViolation",
    "FakeLooker",
    "GitRemote",
    "Reply",
    "Request",
    "on_setup",
    "route",
]
