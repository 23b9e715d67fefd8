"""The fake Looker: every endpoint against the official spec and looker-sdk's models, proof
that the contract check can fail, and the Looker behaviours the rest of the suite relies on."""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from typing import Any

import pytest
import requests
from looker_sdk.sdk.api40 import models as m

from looker_ops.looker import LookerApiError, LookerClient
from tests.fake_looker import contract
from tests.fake_looker.contract import ContractViolation
from tests.fake_looker.core import FakeLooker, Reply, Request, load_resource_modules
from tests.fake_looker.fixtures import fake_looker, git_remote, looker_client, looker_sleeps, make_client
from tests.fake_looker.gitremote import GitRemote

_ = (fake_looker, git_remote, looker_client, looker_sleeps)

SPEC_FILE = contract.load_spec_file()
SDK_SPEC = contract.load_sdk_spec()
needs_spec_file = pytest.mark.skipif(SPEC_FILE is None, reason=contract.SPEC_MISSING_REASON)
# The contract tests run against looker-sdk's description of the API in any clone, and also
# against the official spec file where it is present.
SOURCES = [
    pytest.param(contract.SOURCE_SDK, id="sdk"),
    pytest.param(contract.SOURCE_SPEC, id="spec", marks=needs_spec_file),
]


def spec_for(source: str) -> contract.Spec:
    spec = SDK_SPEC if source == contract.SOURCE_SDK else SPEC_FILE
    assert spec is not None
    return spec


@pytest.fixture(params=SOURCES)
def contract_fake(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fake Looker checking its contract against one source: looker-sdk, or the spec file."""
    spec = spec_for(request.param)
    monkeypatch.setattr(contract, "load_spec", lambda: spec)
    with FakeLooker() as fake:
        assert fake.spec is spec
        yield fake


# The modules this file covers endpoint by endpoint. Modules added by other parts of the
# project can declare CONTRACT_SCENARIOS = {operation_id: fn(client, fake)} to be covered here.
OWN_MODULES = {
    "auth",
    "connections",
    "projects",
    "lookml_models",
    "folders",
    "dashboards",
    "content",
    "scheduled_plans",
}

MODEL = """connection: "athena"
include: "/views/*.view.lkml"

explore: events {
  join: regions {
    sql_on: ${events.region} = ${regions.name} ;;
    relationship: many_to_one
  }
}

test: events_have_rows {
  explore_source: events {
    column: count { field: events.count }
  }
  assertion: has_rows {
    expression: ${events.count} > 0 ;;
  }
}
"""
EVENTS = """view: events {
  sql_table_name: ct.events ;;
  dimension: id {
    primary_key: yes
    type: string
    sql: ${TABLE}.id ;;
  }
  dimension: region {
    type: string
    sql: ${TABLE}.region ;;
  }
  dimension_group: event {
    type: time
    timeframes: [raw, date]
    sql: ${TABLE}.t ;;
  }
  measure: count {
    type: count
  }
}
"""
REGIONS = """view: regions {
  sql_table_name: ct.regions ;;
  dimension: name {
    type: string
    sql: ${TABLE}.name ;;
  }
}
"""
FILES = {"block.model.lkml": MODEL, "views/events.view.lkml": EVENTS, "views/regions.view.lkml": REGIONS}

DASHBOARD = """- dashboard: overview
  title: Events overview
  preferred_slug: ct-overview
  elements:
  - name: by_date
    title: Events by date
    model: block
    explore: events
    type: looker_line
    fields: [events.event_date, events.count]
    sorts: [events.event_date desc]
    limit: 500
  - name: note
    type: text
    title_text: About
    body_text: CloudTrail events
  filters:
  - name: Region
    title: Region
    type: field_filter
    model: block
    explore: events
    field: events.region
"""


def install(client: LookerClient, fake: FakeLooker, remote: GitRemote, files: dict[str, str] = FILES) -> str:
    """Connection, project on the remote, model config, first deploy. Returns the deployed sha."""
    sha = remote.commit(files, message="block")
    client.sdk.create_connection(
        m.WriteDBConnection(
            name="athena",
            dialect_name="athena",
            host="athena.eu-west-1.amazonaws.com",
            port="443",
            database="ct",
            username="AKIAEXAMPLE",
            password="aws-secret-example",
            jdbc_additional_params="s3_staging_dir=s3://results/",
        )
    )
    with client.workspace(dev=True):
        client.sdk.create_project(m.WriteProject(name="block"))
        client.sdk.update_project(
            "block",
            m.WriteProject(
                git_remote_url=remote.url, git_production_branch_name="main", git_release_mgmt_enabled=True
            ),
        )
    client.sdk.deploy_ref_to_production("block", branch="main")
    client.sdk.create_lookml_model(
        m.WriteLookmlModel(name="block", project_name="block", allowed_db_connection_names=["athena"])
    )
    return sha


# --------------------------------------------------------------------------- the tour


def tour(client: LookerClient, fake: FakeLooker, remote: GitRemote) -> None:
    """Every endpoint of the fake's own modules, through the real SDK, answering 2xx."""
    sdk = client.sdk
    sdk.versions()
    sdk.me()
    sdk.session()
    install(client, fake, remote)
    # connections
    sdk.all_connections()
    sdk.connection("athena")
    sdk.update_connection("athena", m.WriteDBConnection(max_connections=5))
    assert [r.status for r in sdk.test_connection("athena", tests=m.DelimSequence(["connect", "query"]))] == [
        "success",
        "success",
    ]
    sdk.create_connection(m.WriteDBConnection(name="tmp", dialect_name="postgres", host="h"))
    sdk.delete_connection("tmp")
    # projects, git, deploy
    sdk.all_projects()
    sdk.project("block")
    with client.workspace(dev=True):
        sdk.create_git_deploy_key("block")
        assert sdk.git_deploy_key("block").startswith("ssh-rsa ")
        sdk.git_branch("block")
        sdk.all_git_branches("block")
        sdk.create_git_branch("block", m.WriteGitBranch(name="feature", ref="main"))
        remote.commit(
            {"views/regions.view.lkml": REGIONS.replace("name {", "name {\n    primary_key: yes")},
            branch="feature",
        )
        sdk.update_git_branch("block", m.WriteGitBranch(name="feature"))
        sdk.find_git_branch("block", "feature")
        assert not sdk.validate_project("block").errors
        sdk.project_validation_results("block")
        sdk.all_lookml_tests("block")
        assert all(r.success for r in sdk.run_lookml_test("block"))
        remote.commit({}, branch="main", message="touch")
        sdk.update_git_branch("block", m.WriteGitBranch(name="main"))
        sdk.delete_git_branch("block", "feature")
        sdk.create_git_branch("block", m.WriteGitBranch(name="release"))
        sdk.deploy_to_production("block")
    sdk.deploy_ref_to_production("block", ref=remote.rev_parse("main"))
    # models
    sdk.all_lookml_models()
    assert [e.name for e in sdk.lookml_model("block").explores or []] == ["events"]
    sdk.update_lookml_model("block", m.WriteLookmlModel(unlimited_db_connections=True))
    sdk.create_lookml_model(
        m.WriteLookmlModel(name="tmp", project_name="block", unlimited_db_connections=True)
    )
    sdk.delete_lookml_model("tmp")
    # folders
    f = sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    sdk.search_folders(name="security")
    sdk.all_folders()
    sdk.folder(f.id)
    sdk.folder_children("1")
    sdk.folder_children_search("1", name="Sec%")
    sdk.update_folder(f.id, m.UpdateFolder(name="Security team"))
    tmp = sdk.create_folder(m.CreateFolder(name="tmp", parent_id=f.id))
    sdk.delete_folder(tmp.id)
    # dashboards
    d = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(folder_id=f.id, lookml=DASHBOARD))
    sdk.folder_dashboards(f.id)
    sdk.search_dashboards(slug="ct-overview")
    sdk.all_dashboards()
    sdk.dashboard(d.id)
    sdk.dashboard_lookml(d.id)
    sdk.update_dashboard(d.id, m.WriteDashboard(description="CloudTrail"))
    other = sdk.create_dashboard(m.WriteDashboard(title="Scratch", folder_id=f.id))
    sdk.delete_dashboard(other.id)
    # content validation
    sdk.content_validation()
    # scheduled plans
    dest = [m.ScheduledPlanDestination(type="email", address="soc@example.com", format="wysiwyg_pdf")]
    plan = sdk.create_scheduled_plan(
        m.WriteScheduledPlan(
            name="Weekly", dashboard_id=d.id, crontab="0 7 * * 1", scheduled_plan_destination=dest
        )
    )
    sdk.scheduled_plan(plan.id)
    sdk.update_scheduled_plan(plan.id, m.WriteScheduledPlan(crontab="0 8 * * 1"))
    sdk.all_scheduled_plans()
    sdk.search_scheduled_plans(dashboard_id=d.id)
    sdk.scheduled_plans_for_dashboard(d.id)
    sdk.scheduled_plan_run_once(
        m.WriteScheduledPlan(name="Now", dashboard_id=d.id, scheduled_plan_destination=dest)
    )
    sdk.scheduled_plan_run_once_by_id(plan.id)
    sdk.delete_scheduled_plan(plan.id)
    # session and logout
    sdk.update_session(m.WriteApiSession(workspace_id="production"))
    client.close()


def _module(route_handler: Callable[..., Any]) -> str:
    return route_handler.__module__.rsplit(".", 1)[-1]


def test_tour_covers_every_endpoint_under_contract_checks(
    contract_fake: FakeLooker, looker_sleeps: Any, git_remote: GitRemote
) -> None:
    tour(make_client(contract_fake, sleep=looker_sleeps), contract_fake, git_remote)
    assert contract_fake.spec is not None
    answered = {c.operation_id for c in contract_fake.calls if c.status is not None and c.status < 300}
    own = {r.operation_id for r in contract_fake.routes if _module(r.handler) in OWN_MODULES}
    assert own - answered == set(), "endpoints the tour does not reach"
    assert contract_fake.violations == []
    assert len(own) >= 60  # guards against a module silently not being discovered


ROUTES = load_resource_modules()


@pytest.mark.parametrize("source", SOURCES)
@pytest.mark.parametrize("rt", ROUTES, ids=[f"{r.method} {r.template}" for r in ROUTES])
def test_every_route_is_in_the_spec(rt: Any, source: str) -> None:
    spec = spec_for(source)
    op = spec.match(rt.method, rt.template.replace("{", "").replace("}", ""))
    exact = [o for o in spec.operations if o.method == rt.method and o.template == rt.template]
    assert exact, f"{rt.method} {rt.template} is not a path of the Looker API 4.0 ({source})"
    assert exact[0].operation_id == rt.operation_id
    assert op is not None


OTHER = [r for r in ROUTES if _module(r.handler) not in OWN_MODULES]


@pytest.mark.parametrize("rt", OTHER, ids=[r.operation_id for r in OTHER])
def test_other_modules_scenarios(rt: Any, contract_fake: FakeLooker, looker_sleeps: Any) -> None:
    fake_looker = contract_fake
    looker_client = make_client(contract_fake, sleep=looker_sleeps)
    mod = importlib.import_module(rt.handler.__module__)
    scenarios = getattr(mod, "CONTRACT_SCENARIOS", {})
    # Every endpoint the fake implements is contract-checked: a module without a scenario fails.
    assert rt.operation_id in scenarios, (
        f"{mod.__name__} declares no CONTRACT_SCENARIOS[{rt.operation_id!r}]: add one so the contract "
        "checks cover this endpoint"
    )
    scenarios[rt.operation_id](looker_client, fake_looker)
    assert any(c.operation_id == rt.operation_id and (c.status or 500) < 300 for c in fake_looker.calls)


# --------------------------------------------------------------------------- SDK models, everywhere


SAMPLE_BODIES: dict[str, Any] = {
    "versions": None,  # filled from the fake below
    "me": None,
    "session": None,
    "all_folders": None,
    "search_dashboards": None,
}


def test_responses_deserialize_into_sdk_models(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    """Runs with or without the spec: each answer is read by looker-sdk's own model classes."""
    looker_client.sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(folder_id="1", lookml=DASHBOARD))
    checked = 0
    for op in ("versions", "me", "session", "all_folders", "search_dashboards", "all_connections"):
        token = next(iter(fake_looker.tokens), None) or fake_looker.issue_token("1").value
        rt = next(r for r in fake_looker.routes if r.operation_id == op)
        req = Request("GET", rt.template, {}, {}, None, b"", fake_looker.tokens[token], op)
        body = rt.handler(fake_looker, req)
        structure = contract.model_for_operation(op)
        assert structure is not None, op
        assert contract.check_sdk_model(body, structure, op) == []
        checked += 1
    assert checked == 6
    d = looker_client.sdk.search_dashboards(slug="ct-overview")[0]
    assert isinstance(d, m.Dashboard) and isinstance(d.dashboard_elements[0], m.DashboardElement)
    assert d.dashboard_elements[0].query.fields == ["events.event_date", "events.count"]


def test_sdk_model_check_can_fail() -> None:
    problems = contract.check_sdk_model({"access_token": "x", "expires_in": "soon"}, m.AccessToken, "login")
    assert problems and "does not deserialize" in problems[0]
    assert contract.check_sdk_model([1, 2], contract.model_for_operation("all_folders"), "f") != []


# --------------------------------------------------------------------------- the contract check can fail


@pytest.mark.parametrize(
    ("call", "fragment"),
    [
        (lambda sdk: sdk.create_folder(m.CreateFolder(name=123, parent_id="1")), "expected string, got int"),  # type: ignore[arg-type]
        (lambda sdk: sdk.create_folder({"name": "x"}), "required field 'parent_id' missing"),
        (
            lambda sdk: sdk.create_folder({"name": "x", "parent_id": "1", "colour": "red"}),
            "colour: no such field",
        ),
        (lambda sdk: sdk.update_dashboard("1", {"id": "7"}), "read-only field sent in a request"),
        (
            lambda sdk: sdk.get("/user", structure=None, query_params={"bogus": "1"}),
            "query parameter 'bogus'",
        ),
        (
            lambda sdk: sdk.get("/no_such_thing", structure=None),
            "no such endpoint in the Looker API 4.0 spec",
        ),
        (lambda sdk: sdk.all_looks(), "fake_looker does not implement GET /looks"),
        (lambda sdk: sdk.update_session({"workspace_id": 5}), "expected string, got int"),
    ],
)
def test_wrong_requests_are_caught(
    contract_fake: FakeLooker, looker_sleeps: Any, call: Any, fragment: str
) -> None:
    fake_looker = contract_fake
    looker_client = make_client(contract_fake, sleep=looker_sleeps)
    looker_client.sdk.me()
    with pytest.raises(ContractViolation) as exc:
        call(looker_client.sdk)
    assert fragment in str(exc.value)
    assert fake_looker.violations


# Nullability of optional fields and documented status codes: only the spec file says.
@pytest.mark.parametrize(
    ("op", "body", "fragment", "sources"),
    [
        ("me", {"id": 5}, "me 200 response.id: expected string, got int", "both"),
        ("me", {"id": "1", "favourite_colour": "red"}, "favourite_colour: no such field", "both"),
        ("all_folders", {"id": "1"}, "expected array", "both"),
        ("versions", {"supported_versions": "4.0"}, "supported_versions: expected array", "both"),
        (
            "session",
            {"workspace_id": None, "can": None},
            "can: null where the spec does not allow null",
            contract.SOURCE_SPEC,
        ),
        ("folder", {"id": "1", "name": None, "parent_id": "1"}, "name: null where the spec", "both"),
        ("delete_folder", Reply(204, {"oops": 1}), "204 with a body", "both"),
        ("me", Reply(201, {"id": "1"}), "status 201 is not a documented answer", contract.SOURCE_SPEC),
    ],
)
def test_wrong_responses_are_caught(
    contract_fake: FakeLooker, looker_sleeps: Any, op: str, body: Any, fragment: str, sources: str
) -> None:
    fake_looker = contract_fake
    assert fake_looker.spec is not None
    if sources not in ("both", fake_looker.spec.source):
        pytest.skip(f"only the {sources} source carries this check")
    looker_client = make_client(contract_fake, sleep=looker_sleeps)
    fake_looker.override(op, lambda fake, req: body)
    call = {
        "me": lambda: looker_client.sdk.me(),
        "all_folders": lambda: looker_client.sdk.all_folders(),
        "versions": lambda: looker_client.sdk.versions(),
        "session": lambda: looker_client.sdk.session(),
        "delete_folder": lambda: looker_client.sdk.delete_folder("1"),
        "folder": lambda: looker_client.sdk.folder("1"),
    }[op]
    with pytest.raises(ContractViolation) as exc:
        call()
    assert fragment in str(exc.value)


def test_without_the_spec_file_the_contract_is_checked_against_looker_sdk(
    monkeypatch: pytest.MonkeyPatch, looker_sleeps: Any
) -> None:
    monkeypatch.setenv("LOOKER_OAS_SPEC", "/nonexistent/Looker.4.0.oas.json")
    contract.load_spec_file.cache_clear()
    try:
        assert contract.load_spec_file() is None
        fake = FakeLooker()
        assert fake.spec is not None and fake.spec.source == contract.SOURCE_SDK
        with fake:
            client = make_client(fake, sleep=looker_sleeps)
            assert client.sdk.me().id == "1"
            with pytest.raises(ContractViolation, match="query parameter 'bogus' is not in the spec"):
                client.sdk.get("/user", structure=None, query_params={"bogus": "1"})
            with pytest.raises(ContractViolation, match="read-only field sent in a request"):
                client.sdk.update_dashboard("1", {"id": "7"})
            fake.override("versions", lambda f, r: {"current_version": [1, 2]})
            with pytest.raises(ContractViolation, match="current_version: expected object"):
                client.sdk.versions()
    finally:
        monkeypatch.delenv("LOOKER_OAS_SPEC")
        contract.load_spec_file.cache_clear()


def test_sdk_document_reads_methods_and_models() -> None:
    ops = {o["operation_id"]: o for o in contract.sdk_operations()}
    assert len(ops) > 400
    create = ops["create_folder"]
    assert (create["method"], create["template"], create["body"], create["body_required"]) == (
        "post",
        "/folders",
        m.CreateFolder,
        True,
    )
    assert ops["folder_children_search"]["template"] == "/folders/{folder_id}/children/search"
    assert {"name", "sorts"} <= set(ops["folder_children_search"]["query"])
    assert ops["login"]["form"] == ["client_id", "client_secret"]
    schemas = SDK_SPEC.schemas
    assert schemas["CreateFolder"]["required"] == ["name", "parent_id"]
    assert schemas["WriteDashboard"]["properties"]["id"]["readOnly"] is True
    assert "readOnly" not in schemas["WriteDashboard"]["properties"]["title"]
    assert "invalid_api_enum_value" not in schemas["DestinationType"]["enum"]
    assert SDK_SPEC.match("DELETE", "/folders/12") is not None
    assert SDK_SPEC.response_schema(SDK_SPEC.by_id["all_folders"], 200)[1] == {
        "type": "array",
        "items": {"$ref": "#/components/schemas/FolderBase"},
    }


@needs_spec_file
def test_sdk_document_agrees_with_the_spec_file_on_the_fakes_routes() -> None:
    assert SPEC_FILE is not None
    for rt in ROUTES:
        sdk_op = SDK_SPEC.by_id[rt.operation_id]
        spec_op = SPEC_FILE.by_id[rt.operation_id]
        assert (sdk_op.method, sdk_op.template) == (spec_op.method, spec_op.template)
        if rt.operation_id == "login":
            continue  # the spec lists the credentials as query parameters; looker-sdk posts a form
        sdk_q = {p["name"] for p in sdk_op.spec["parameters"] if p["in"] == "query"}
        spec_q = {p["name"] for p in spec_op.spec.get("parameters", []) if p.get("in") == "query"}
        # The installed looker-sdk may be newer than the spec file: it may know more parameters.
        assert spec_q <= sdk_q, rt.operation_id
        sdk_body, sdk_type, _ = SDK_SPEC.request_schema(sdk_op)
        spec_body, spec_type, _ = SPEC_FILE.request_schema(spec_op)
        assert (sdk_body is None) == (spec_body is None) and sdk_type == spec_type, rt.operation_id
        if sdk_body and "$ref" in sdk_body and spec_body and "$ref" in spec_body:
            # looker-sdk types a body Foo as WriteFoo (Foo without its read-only fields).
            sdk_name = sdk_body["$ref"].rsplit("/", 1)[-1].removeprefix("Write")
            assert sdk_name == spec_body["$ref"].rsplit("/", 1)[-1].removeprefix("Write"), rt.operation_id


def test_validator_unit() -> None:
    spec = contract.Spec(
        {
            "paths": {"/things/{id}": {"get": {"operationId": "thing", "responses": {}}}},
            "components": {
                "schemas": {
                    "Thing": {
                        "properties": {
                            "id": {"type": "string", "readOnly": True},
                            "n": {"type": "integer", "nullable": True},
                            "tags": {"type": "array", "items": {"type": "string"}},
                            "meta": {"type": "object", "additionalProperties": {"type": "number"}},
                            "secret": {"type": "string", "writeOnly": True},
                        },
                        "required": ["id", "tags"],
                    }
                }
            },
        }
    )
    ref = {"$ref": "#/components/schemas/Thing"}
    assert spec.match("GET", "/things/12") is not None and spec.match("POST", "/things/12") is None
    assert spec.check({"tags": ["a"], "n": None, "meta": {"x": 1.5}}, ref, "b", direction="request") == []
    problems = spec.check(
        {"id": "1", "tags": [1], "n": True, "meta": {"x": "1"}}, ref, "b", direction="request"
    )
    assert len(problems) == 4
    assert spec.check({"id": "1", "tags": [], "secret": "s"}, ref, "r", direction="response") == [
        "r (Thing).secret: write-only field returned in a response"
    ]
    assert spec.check({"tags": []}, ref, "r", direction="response") == [
        "r (Thing): required field 'id' missing"
    ]


# --------------------------------------------------------------------------- behaves like Looker


def test_login_checks_credentials_and_tokens_expire(fake_looker: FakeLooker) -> None:
    url = f"{fake_looker.base_url}/api/4.0"
    bad = requests.post(f"{url}/login", data={"client_id": fake_looker.client_id, "client_secret": "nope"})
    assert bad.status_code == 404 and bad.json()["message"] == "Not found"
    ok = requests.post(
        f"{url}/login", data={"client_id": fake_looker.client_id, "client_secret": fake_looker.client_secret}
    )
    token = ok.json()["access_token"]
    assert requests.get(f"{url}/user", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert requests.get(f"{url}/user").status_code == 401
    fake_looker.advance(fake_looker.token_ttl + 1)
    expired = requests.get(f"{url}/user", headers={"Authorization": f"Bearer {token}"})
    assert expired.status_code == 401 and expired.json()["message"] == "Requires authentication."
    assert requests.get(f"{url}/versions").status_code == 200  # no login needed
    login_call = fake_looker.calls_to("login")[-1]
    assert login_call.body["client_secret"] == "***"


def test_session_workspace_is_per_token(fake_looker: FakeLooker, looker_sleeps: Any) -> None:
    a = make_client(fake_looker, sleep=looker_sleeps)
    b = make_client(fake_looker, sleep=looker_sleeps)
    a.sdk.update_session(m.WriteApiSession(workspace_id="dev"))
    assert (a.current_workspace(), b.current_workspace()) == ("dev", "production")
    with pytest.raises(LookerApiError) as exc:
        a.sdk.update_session(m.WriteApiSession(workspace_id="staging"))
    assert exc.value.status == 422


def test_projects_are_dev_only_until_deployed(
    fake_looker: FakeLooker, looker_client: LookerClient, git_remote: GitRemote
) -> None:
    sdk = looker_client.sdk
    with pytest.raises(LookerApiError, match="dev mode"):
        sdk.create_project(m.WriteProject(name="block"))
    with looker_client.workspace(dev=True):
        sdk.create_project(m.WriteProject(name="block"))
        with pytest.raises(LookerApiError) as dup:
            sdk.create_project(m.WriteProject(name="block"))
        assert dup.value.status == 409
        with pytest.raises(LookerApiError) as bad_url:
            sdk.update_project("block", m.WriteProject(git_remote_url="git@github.com:nope/nope.git"))
        assert bad_url.value.status == 422 and bad_url.value.errors[0].field == "git_remote_url"
        git_remote.commit(FILES)
        p = sdk.update_project("block", m.WriteProject(git_remote_url=git_remote.url))
        assert p.uses_git and not p.has_production_counterpart
    assert looker_client.get_or_none(sdk.project, "block") is None  # not in production yet
    with pytest.raises(LookerApiError) as both:
        sdk.deploy_ref_to_production("block", branch="main", ref="abc")
    assert both.value.status == 400
    with pytest.raises(LookerApiError, match="not found in the remote"):
        sdk.deploy_ref_to_production("block", branch="nope")
    sdk.deploy_ref_to_production("block", branch="main")
    assert sdk.project("block").has_production_counterpart
    assert fake_looker.table("project_state")["block"]["production_ref"] == git_remote.rev_parse("main")


def test_validation_reports_errors_and_warnings_with_files_and_lines(
    fake_looker: FakeLooker, looker_client: LookerClient, git_remote: GitRemote
) -> None:
    install(looker_client, fake_looker, git_remote)
    broken = MODEL.replace("${regions.name}", "${regions.nme}")
    git_remote.commit({"block.model.lkml": broken}, branch="dev-api-user-1")
    with looker_client.workspace(dev=True):
        result = looker_client.sdk.validate_project("block")
    by_sev = {(e.severity, e.message) for e in result.errors or []}
    assert ("error", 'Unknown field "regions.nme" in explore "events"') in by_sev
    warning = next(e for e in result.errors or [] if e.severity == "warning")
    assert (
        "no primary key" in (warning.message or "") and warning.file_path == "block/views/regions.view.lkml"
    )
    error = next(e for e in result.errors or [] if e.severity == "error")
    assert error.file_path == "block/block.model.lkml" and error.line_number == 4
    # production still validates the deployed ref: no error there
    prod = looker_client.sdk.validate_project("block")
    assert all(e.severity == "warning" for e in prod.errors or [])
    cached = looker_client.sdk.project_validation_results("block")
    assert cached.stale is False


def test_syntax_error_and_unknown_connection(
    fake_looker: FakeLooker, looker_client: LookerClient, git_remote: GitRemote
) -> None:
    install(looker_client, fake_looker, git_remote)
    git_remote.commit(
        {
            "block.model.lkml": MODEL.replace('"athena"', '"nope"'),
            "views/regions.view.lkml": "view: regions {",
        },
        branch="dev-api-user-1",
    )
    with looker_client.workspace(dev=True):
        errors = looker_client.sdk.validate_project("block").errors or []
    messages = " | ".join(e.message or "" for e in errors)
    assert 'Unknown or inaccessible connection "nope"' in messages
    assert any(e.file_path == "block/views/regions.view.lkml" and e.severity == "error" for e in errors)


def test_lookml_tests_list_run_and_fail(
    fake_looker: FakeLooker, looker_client: LookerClient, git_remote: GitRemote
) -> None:
    install(looker_client, fake_looker, git_remote)
    (t,) = looker_client.sdk.all_lookml_tests("block")
    assert (t.name, t.model_name, t.explore_name, t.file, t.line) == (
        "events_have_rows",
        "block",
        "events",
        "block/block.model.lkml",
        11,
    )
    (ok,) = looker_client.sdk.run_lookml_test("block")
    assert ok.success and ok.assertions_count == 1 and ok.assertions_failed == 0
    fake_looker.options["lookml_test_failures"] = {"events_have_rows": "Assertion has_rows failed: 0 rows"}
    (bad,) = looker_client.sdk.run_lookml_test("block", test="events_have_rows")
    assert not bad.success and bad.assertions_failed == 1
    assert (bad.errors or [])[0].message == "Assertion has_rows failed: 0 rows"
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.run_lookml_test("block", test="nope")
    assert exc.value.status == 404


def test_import_overwrites_the_dashboard_holding_the_preferred_slug(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    sdk = looker_client.sdk
    a = sdk.create_folder(m.CreateFolder(name="A", parent_id="1"))
    b = sdk.create_folder(m.CreateFolder(name="B", parent_id="1"))
    first = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(folder_id=a.id, lookml=DASHBOARD))
    assert (first.slug, first.folder_id, first.title) == ("ct-overview", a.id, "Events overview")
    changed = DASHBOARD.replace("Events overview", "Events (v2)")
    second = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(lookml=changed))
    assert (second.id, second.title, second.folder_id) == (
        first.id,
        "Events (v2)",
        a.id,
    )  # stays where it was
    third = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(folder_id=b.id, lookml=changed))
    assert (third.id, third.folder_id) == (first.id, b.id)  # moved to the folder given
    assert len(fake_looker.table("dashboards")) == 1
    no_slug = DASHBOARD.replace("  preferred_slug: ct-overview\n", "")
    new = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(lookml=no_slug))
    assert new.id != first.id and new.folder_id == "100"  # the caller's personal folder
    lookml = sdk.dashboard_lookml(first.id).lookml or ""
    assert "preferred_slug: ct-overview" in lookml and "Events (v2)" in lookml
    with pytest.raises(LookerApiError) as exc:
        sdk.create_dashboard(m.WriteDashboard(title="Other", folder_id=a.id, slug="ct-overview"))
    assert exc.value.status == 409
    with pytest.raises(LookerApiError) as bad:
        sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(lookml="- dashboard: x\n  title: [unclosed"))
    assert bad.value.status == 422 and "line" in (bad.value.errors[0].message or "")


def test_content_validation_finds_dashboards_broken_by_a_deploy(
    fake_looker: FakeLooker, looker_client: LookerClient, git_remote: GitRemote
) -> None:
    install(looker_client, fake_looker, git_remote)
    sdk = looker_client.sdk
    d = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(folder_id="1", lookml=DASHBOARD))
    clean = sdk.content_validation()
    assert clean.content_with_errors == [] and clean.total_dashboard_elements_validated == 1
    assert clean.total_dashboard_filters_validated == 1
    git_remote.commit({"views/events.view.lkml": EVENTS.replace("measure: count", "measure: total")})
    sdk.deploy_ref_to_production("block", branch="main")
    after = sdk.content_validation()
    (err,) = after.content_with_errors or []
    assert err.dashboard is not None and err.dashboard.id == d.id and err.dashboard_element is not None
    assert [(e.field_name, e.message) for e in err.errors or []] == [
        ("events.count", 'Unknown field "events.count"')
    ]
    assert sdk.content_validation(project_names=m.DelimSequence(["other"])).content_with_errors == []


def test_git_branch_reset_and_deploy_to_production(
    fake_looker: FakeLooker, looker_client: LookerClient, git_remote: GitRemote
) -> None:
    first = install(looker_client, fake_looker, git_remote)
    second = git_remote.commit({"README.md": "x"}, branch="main")
    with looker_client.workspace(dev=True):
        sdk = looker_client.sdk
        sdk.create_git_branch("block", m.WriteGitBranch(name="dev-x", ref=first))
        assert sdk.git_branch("block").ref == first
        br = sdk.update_git_branch("block", m.WriteGitBranch(name="dev-x", ref=second))
        assert br.ref == second and git_remote.rev_parse("dev-x") == second
        with pytest.raises(LookerApiError):
            sdk.delete_git_branch("block", "dev-x")  # checked out
        later = git_remote.commit({"CHANGELOG": "y"}, branch="dev-x")
        sdk.deploy_to_production("block")
    assert git_remote.rev_parse("main") == later
    assert fake_looker.table("project_state")["block"]["production_ref"] == later


def test_connection_tests_and_password_never_returned(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    c = looker_client.sdk.create_connection(
        m.WriteDBConnection(
            name="athena", dialect_name="athena", host="h", port="443", password="pw-secret-1"
        )
    )
    assert c.has_password and c.password is None
    (connect, query) = looker_client.sdk.test_connection("athena")
    assert (
        connect.status == "success" and query.status == "error" and "s3_staging_dir" in (query.message or "")
    )
    fake_looker.options["connection_test_failures"] = {"connect": "Access denied"}
    (connect,) = looker_client.sdk.test_connection("athena", tests=m.DelimSequence(["connect"]))
    assert (connect.status, connect.message) == ("error", "Access denied")
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_connection(m.WriteDBConnection(name="athena", dialect_name="athena"))
    assert exc.value.status == 409


def test_scheduled_plans_validate_and_hide_secrets(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    sdk = looker_client.sdk
    d = sdk.import_dashboard_from_lookml(m.WriteDashboardLookml(folder_id="1", lookml=DASHBOARD))
    with pytest.raises(LookerApiError) as exc:
        sdk.create_scheduled_plan(m.WriteScheduledPlan(name="x", dashboard_id=d.id))
    assert {e.field for e in exc.value.errors} == {"crontab", "scheduled_plan_destination"}
    hook = m.ScheduledPlanDestination(
        type="webhook",
        address="https://h.example.com",
        format="json",
        secret_parameters='{"token": "tok-secret"}',
    )
    p = sdk.create_scheduled_plan(
        m.WriteScheduledPlan(
            name="Hook", dashboard_id=d.id, crontab="0 6 * * *", scheduled_plan_destination=[hook]
        )
    )
    assert (p.scheduled_plan_destination or [])[0].secret_parameters is None
    assert "tok-secret" not in str(fake_looker.table("scheduled_plans"))
    sdk.scheduled_plan_run_once_by_id(p.id)
    (delivery,) = fake_looker.table("deliveries").values()
    assert list(delivery["secret_parameters"].values()) == ['{"token": "tok-secret"}']
    assert list(fake_looker.table("scheduled_plans")) == [p.id]


# --------------------------------------------------------------------------- faults, latency, call log


def test_timeout_fault_applies_the_change_timeout_before_does_not(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    fake_looker.fail("create_folder", "timeout")
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_folder(m.CreateFolder(name="X", parent_id="1"))
    assert exc.value.maybe_applied and "timed out" in exc.value.message
    assert [f["name"] for f in fake_looker.table("folders").values()].count("X") == 1
    fake_looker.fail("create_folder", "timeout_before")
    looker_client.sdk.create_folder(m.CreateFolder(name="Y", parent_id="1"))  # never sent: retried safely
    assert [f["name"] for f in fake_looker.table("folders").values()].count("Y") == 1


def test_nth_call_fault_and_call_log(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    fault = fake_looker.fail("folder", 500, nth=2)
    for _ in range(3):
        try:
            looker_client.sdk.folder("1")
        except LookerApiError as exc:
            assert exc.status == 500
    assert fault.fired == 1
    # 500 is not a retryable status: the second call fails at once, the third succeeds
    assert [c.status for c in fake_looker.calls_to("folder")] == [200, 500, 200]
    with pytest.raises(ValueError, match="no operation"):
        fake_looker.fail("not_an_operation", 500)
    with pytest.raises(ValueError, match="unknown fault kind"):
        fake_looker.fail("me", 418)


def test_latency_is_a_real_sleep_per_call(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    looker_client.sdk.me()
    fake_looker.latency = 0.02
    started = time.perf_counter()
    looker_client.sdk.me()
    looker_client.sdk.session()
    assert time.perf_counter() - started >= 0.04


def test_writes_log_ignores_reads_and_failures(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    looker_client.whoami()
    looker_client.sdk.update_session(m.WriteApiSession(workspace_id="dev"))
    with pytest.raises(LookerApiError):
        looker_client.sdk.create_folder(m.CreateFolder(name="", parent_id="1"))
    assert fake_looker.writes() == []
    looker_client.sdk.create_folder(m.CreateFolder(name="S", parent_id="1"))
    (w,) = fake_looker.writes()
    assert (w.method, w.path, w.operation_id, w.workspace) == ("POST", "/folders", "create_folder", "dev")
    fake_looker.reset_calls()
    assert fake_looker.calls == []
