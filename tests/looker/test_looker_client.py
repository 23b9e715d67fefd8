"""The Looker client: settings, the retry policy, error messages, redaction, whoami (CLI)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from looker_sdk import error as sdk_error
from looker_sdk.sdk.api40 import models as m

from looker_ops.cli import main
from looker_ops.config.settings import LookerSettings
from looker_ops.errors import EXIT_BAD_INPUT, EXIT_REMOTE, BadInput, RemoteError
from looker_ops.looker import LookerApiError, LookerClient, client_settings, load_settings
from looker_ops.looker.redact import Redactor
from tests.fake_looker.core import ApiError, FakeLooker, Request
from tests.fake_looker.fixtures import (
    SleepRecorder,
    fake_looker,
    looker_client,
    looker_env,
    looker_sleeps,
    make_client,
)

_ = (fake_looker, looker_client, looker_env, looker_sleeps)

FULL_ENV = {
    "LOOKERSDK_BASE_URL": "https://looker.test:19999",
    "LOOKERSDK_CLIENT_ID": "abc",
    "LOOKERSDK_CLIENT_SECRET": "shhh-secret-value",
}


def folder_names(fake: FakeLooker, name: str) -> list[str]:
    return [fid for fid, f in fake.table("folders").items() if f["name"] == name]


# --------------------------------------------------------------------------- settings


def test_one_settings_object_carries_the_yaml_keys_to_the_client(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """client_settings: the SDK's sources alone, or with looker-ops.yaml's `looker:` keys (ini
    relative to the config's folder, section, timeouts, max_retries) applied; the client's retry
    policy follows max_retries."""
    monkeypatch.chdir(tmp_path)
    plain = client_settings(env=FULL_ENV)
    assert (plain.max_retries, LookerClient(plain).policy.max_attempts) == (
        None,
        6,
    )  # the policy's default: the first call and 5 retries
    (tmp_path / "conf").mkdir()
    (tmp_path / "conf" / "my.ini").write_text(
        "[Looker]\nbase_url=https://a.example.com\n[Other]\nbase_url=https://b.example.com\n"
        "client_id=id\nclient_secret=s3cret\n"
    )
    looker = LookerSettings(ini="my.ini", section="Other", timeout=7, long_timeout=99, max_retries=0)
    s = client_settings(looker, base_dir=tmp_path / "conf", env={})
    assert (s.base_url, s.timeout, s.long_timeout, s.max_retries) == ("https://b.example.com", 7, 99, 0)
    assert LookerClient(s).policy.max_attempts == 1
    with pytest.raises(
        BadInput, match=r"my\.ini: no section \[Gone\] \(looker\.section in looker-ops\.yaml\)"
    ):
        client_settings(LookerSettings(ini="my.ini", section="Gone"), base_dir=tmp_path / "conf", env={})
    with pytest.raises(BadInput, match=r"no section \[Gone\] \(--section\)"):
        client_settings(looker, base_dir=tmp_path / "conf", section="Gone", env={})


def test_settings_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings(env={**FULL_ENV, "LOOKERSDK_VERIFY_SSL": "false", "LOOKERSDK_TIMEOUT": "45"})
    assert (s.base_url, s.client_id, s.verify_ssl, s.timeout) == (
        "https://looker.test:19999",
        "abc",
        False,
        45,
    )
    assert s.long_timeout >= 900
    assert "shhh-secret-value" not in repr(s)


@pytest.mark.parametrize("missing", ["base_url", "client_id", "client_secret"])
def test_each_missing_setting_is_named(missing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env = {k: v for k, v in FULL_ENV.items() if k != f"LOOKERSDK_{missing.upper()}"}
    with pytest.raises(BadInput) as exc:
        load_settings(env=env)
    assert f"missing {missing} (set LOOKERSDK_{missing.upper()}" in exc.value.message
    others = {"base_url", "client_id", "client_secret"} - {missing}
    assert not any(f"missing {o}" in exc.value.message or f"; {o} (" in exc.value.message for o in others)
    assert exc.value.exit_code == EXIT_BAD_INPUT


def test_all_missing_settings_named_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput) as exc:
        load_settings(env={})
    for key in ("base_url", "client_id", "client_secret"):
        assert f"LOOKERSDK_{key.upper()}" in exc.value.message


def _ini(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "looker.ini"
    p.write_text(text, encoding="utf-8")
    return p


def test_looker_ini_section_and_env_override(tmp_path: Path) -> None:
    ini = _ini(
        tmp_path,
        "[Looker]\nbase_url=https://a.example.com:19999\nclient_id=a\nclient_secret=aaaa%secret\n\n"
        '[Staging]\nbase_url="https://b.example.com"\nclient_id=b\nclient_secret=bbbb\nverify_ssl=False\n',
    )
    a = load_settings(ini, env={})
    assert (a.base_url, a.client_id, a.client_secret) == ("https://a.example.com:19999", "a", "aaaa%secret")
    b = load_settings(ini, "Staging", env={"LOOKERSDK_CLIENT_ID": "from-env"})
    assert (b.base_url, b.client_id, b.verify_ssl) == ("https://b.example.com", "from-env", False)
    assert "LOOKERSDK_CLIENT_ID" in b.source and "[Staging]" in b.source


def test_bad_section_names_the_file_and_the_sections(tmp_path: Path) -> None:
    ini = _ini(tmp_path, "[Looker]\nbase_url=https://a.example.com\n[Dev]\nclient_id=x\n")
    with pytest.raises(BadInput) as exc:
        load_settings(ini, "Prod", env={})
    assert str(ini) in exc.value.message and "[Prod]" in exc.value.message
    assert "[Looker], [Dev]" in exc.value.message


def test_missing_key_in_ini_names_the_section(tmp_path: Path) -> None:
    ini = _ini(tmp_path, "[Looker]\nbase_url=https://a.example.com\nclient_id=x\n")
    with pytest.raises(BadInput) as exc:
        load_settings(ini, env={})
    assert "missing client_secret" in exc.value.message and f"{ini} [Looker]" in exc.value.message


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("no section header\n", "not a valid looker.ini"),
        ("[Looker]\nbase_url=https://a\n[Looker]\n", "not a valid looker.ini"),
        ("", "no sections"),
    ],
)
def test_broken_ini(tmp_path: Path, text: str, fragment: str) -> None:
    with pytest.raises(BadInput) as exc:
        load_settings(_ini(tmp_path, text), env={})
    assert fragment in exc.value.message


@pytest.mark.parametrize(
    ("extra", "fragment"),
    [
        ({"LOOKERSDK_VERIFY_SSL": "maybe"}, "LOOKERSDK_VERIFY_SSL: verify_ssl 'maybe' is not true/false"),
        ({"LOOKERSDK_TIMEOUT": "soon"}, "LOOKERSDK_TIMEOUT: timeout 'soon' is not a positive number"),
        ({"LOOKERSDK_TIMEOUT": "0"}, "LOOKERSDK_TIMEOUT: timeout '0'"),
        ({"LOOKERSDK_BASE_URL": "looker.example.com"}, "is not an http(s) URL"),
    ],
)
def test_bad_values_are_named(
    extra: dict[str, str], fragment: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput) as exc:
        load_settings(env={**FULL_ENV, **extra})
    assert fragment in exc.value.message


def test_missing_ini_file_and_lonely_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BadInput, match="file not found"):
        load_settings(tmp_path / "nope.ini", env=FULL_ENV)
    with pytest.raises(BadInput, match=r"--section Prod given but no looker\.ini"):
        load_settings(None, "Prod", env=FULL_ENV)


def test_base_url_with_api_suffix_is_normalised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    s = load_settings(env={**FULL_ENV, "LOOKERSDK_BASE_URL": "https://x.example.com:19999/api/4.0/"})
    assert s.base_url == "https://x.example.com:19999"


# --------------------------------------------------------------------------- retry policy


def test_429_retry_after_is_honoured(
    fake_looker: FakeLooker, looker_client: LookerClient, looker_sleeps: SleepRecorder
) -> None:
    fake_looker.fail("me", 429, retry_after=7)
    assert looker_client.sdk.me().id == "1"
    assert looker_sleeps.calls == [7.0]
    assert [c.status for c in fake_looker.calls_to("me")] == [429, 200]
    assert looker_client.counter.retries == 1


def test_503_then_success_backs_off_exponentially(
    fake_looker: FakeLooker, looker_client: LookerClient, looker_sleeps: SleepRecorder
) -> None:
    fake_looker.fail("versions", 503, times=3)
    assert looker_client.sdk.versions().looker_release_version == fake_looker.release
    assert [c.status for c in fake_looker.calls_to("versions")] == [503, 503, 503, 200]
    d1, d2, d3 = looker_sleeps.calls
    policy = looker_client.policy
    # exponential with up to 25 % jitter: 0.5-0.625, 1-1.25, 2-2.5
    assert policy.base_delay <= d1 <= policy.base_delay * 1.25
    assert 2 * policy.base_delay <= d2 <= 2.5 * policy.base_delay
    assert 4 * policy.base_delay <= d3 <= 5 * policy.base_delay


def test_retries_exhausted_is_a_remote_error(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    fake_looker.fail("me", 503, times=100)
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.me()
    e = exc.value
    assert e.exit_code == EXIT_REMOTE and isinstance(e, RemoteError)
    assert e.status == 503 and e.attempts == looker_client.policy.max_attempts
    assert len(fake_looker.calls_to("me")) == looker_client.policy.max_attempts
    assert "Looker me failed: GET /api/4.0/user -> status 503: Service Unavailable" in e.message
    assert "after 6 attempts" in e.message


def test_login_is_retried_too(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    fake_looker.fail("login", 502, times=2)
    assert looker_client.sdk.me().display_name == "API User"
    assert [c.status for c in fake_looker.calls_to("login")] == [502, 502, 200]


def test_read_timeouts_are_retried(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    fake_looker.fail("me", "timeout")
    assert looker_client.sdk.me().id == "1"
    assert len(fake_looker.calls_to("me")) == 2


def test_a_create_is_not_blindly_retried(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    fake_looker.fail("create_folder", 503)
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    assert exc.value.maybe_applied and exc.value.status == 503
    assert len(fake_looker.calls_to("create_folder")) == 1


def test_a_429_on_a_create_is_retried(
    fake_looker: FakeLooker, looker_client: LookerClient, looker_sleeps: SleepRecorder
) -> None:
    fake_looker.fail("create_folder", 429, retry_after=3)
    looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    assert len(folder_names(fake_looker, "Security")) == 1 and looker_sleeps.calls == [3.0]


def _find_folder(client: LookerClient, name: str) -> Any:
    found = client.sdk.search_folders(name=name, parent_id="1")
    return found[0] if found else None


def test_create_that_timed_out_after_succeeding_is_reread_not_repeated(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    fake_looker.fail("create_folder", "timeout")  # Looker made it, the answer never came
    folder = looker_client.create_or_get(
        create=lambda: looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1")),
        find=lambda: _find_folder(looker_client, "Security"),
        operation="create Security folder",
    )
    assert folder.name == "Security"
    assert len(folder_names(fake_looker, "Security")) == 1
    assert len(fake_looker.calls_to("create_folder")) == 1
    assert len(fake_looker.calls_to("search_folders")) == 1


def test_create_that_never_reached_looker_is_tried_again(
    fake_looker: FakeLooker, looker_client: LookerClient, looker_sleeps: SleepRecorder
) -> None:
    fake_looker.fail("create_folder", 503)  # refused before doing anything
    folder = looker_client.create_or_get(
        create=lambda: looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1")),
        find=lambda: _find_folder(looker_client, "Security"),
    )
    assert folder.id in fake_looker.table("folders")
    assert len(folder_names(fake_looker, "Security")) == 1
    assert [c.status for c in fake_looker.calls_to("create_folder")] == [503, 200]
    assert len(looker_sleeps.calls) == 1


def test_create_or_get_on_conflict_returns_the_existing_object(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    first = looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    again = looker_client.create_or_get(
        create=lambda: looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1")),
        find=lambda: _find_folder(looker_client, "Security"),
    )
    assert again.id == first.id and len(folder_names(fake_looker, "Security")) == 1


def test_create_or_get_does_not_hide_other_errors(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    finds: list[int] = []
    with pytest.raises(LookerApiError) as exc:
        looker_client.create_or_get(
            create=lambda: looker_client.sdk.create_folder(m.CreateFolder(name="", parent_id="1")),
            find=lambda: finds.append(1),
        )
    assert exc.value.status == 422 and finds == []


def test_reads_inside_a_write_step_are_still_retried(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    fake_looker.fail("search_folders", "timeout")
    fake_looker.fail("create_folder", 503)

    def step() -> Any:
        assert looker_client.sdk.search_folders(name="Security") == []
        return looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))

    with pytest.raises(LookerApiError) as exc:
        looker_client.call("make the folder", step, write=True)
    assert [c.status for c in fake_looker.calls_to("search_folders")] == [None, 200]
    assert [c.status for c in fake_looker.calls_to("create_folder")] == [503]
    assert exc.value.operation == "create_folder" and exc.value.maybe_applied


def test_expired_token_logs_in_again(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    looker_client.sdk.me()
    fake_looker.expire_tokens()
    assert looker_client.sdk.me().id == "1"
    assert [c.status for c in fake_looker.calls_to("me")] == [200, 401, 200]
    assert len(fake_looker.calls_to("login")) == 2


def test_long_operations_get_the_long_timeout(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    seen: list[tuple[str, float]] = []
    real = looker_client.transport.session.request

    def spy(method: str, url: str, **kw: Any) -> requests.Response:
        seen.append((url.rsplit("/api/4.0", 1)[-1], kw["timeout"]))
        return real(method, url, **kw)

    looker_client.transport.session.request = spy  # type: ignore[method-assign]
    looker_client.sdk.me()
    looker_client.sdk.content_validation()
    looker_client.call("long thing", looker_client.sdk.session, long=True)
    assert seen[0] == ("/login", 30.0)
    assert ("/user", 30.0) in seen
    assert ("/content_validation", 300.0) in seen
    assert seen[-1] == ("/session", 300.0)


# --------------------------------------------------------------------------- error messages


def test_404_message(looker_client: LookerClient) -> None:
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.connection("nope")
    msg = exc.value.message
    assert msg.startswith("Looker connection failed: GET /api/4.0/connections/nope -> status 404: Not found")
    assert "(see https://" in msg and exc.value.status == 404


def test_get_or_none(looker_client: LookerClient) -> None:
    assert looker_client.get_or_none(looker_client.sdk.connection, "nope") is None
    assert looker_client.get_or_none(looker_client.sdk.folder, "1").name == "Shared"


def test_409_message(looker_client: LookerClient) -> None:
    looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    assert exc.value.status == 409
    assert (
        "Looker create_folder failed: POST /api/4.0/folders -> status 409: A folder named 'Security'"
        in exc.value.message
    )


def test_422_message_lists_lookers_errors(looker_client: LookerClient) -> None:
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_connection(m.WriteDBConnection(host="athena.eu-west-1.amazonaws.com"))
    e = exc.value
    assert e.status == 422 and [d.field for d in e.errors] == ["name", "dialect_name"]
    assert "status 422: Validation Failed [name/missing_field: This field is required.; " in e.message
    assert "dialect_name/missing_field" in e.message


def test_bad_credentials_say_which_settings_to_check(
    fake_looker: FakeLooker, looker_sleeps: SleepRecorder
) -> None:
    fake_looker.credentials = {"someone-else": ("x" * 20, "1")}
    client = make_client(fake_looker, sleep=looker_sleeps)
    with pytest.raises(LookerApiError) as exc:
        client.sdk.me()
    msg = exc.value.message
    assert "Looker login failed: POST /api/4.0/login -> status 404" in msg
    assert "LOOKERSDK_CLIENT_ID" in msg and "LOOKERSDK_CLIENT_SECRET" in msg
    assert fake_looker.client_secret not in msg


def test_401_that_persists_after_login_again(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    fake_looker.token_ttl = -60  # every token is born expired
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.me()
    assert exc.value.status == 401
    assert "Requires authentication." in exc.value.message
    assert "expired or revoked" in exc.value.message
    assert [c.status for c in fake_looker.calls_to("me")] == [401, 401]


def test_403_names_the_missing_permission(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    with looker_client.workspace(dev=True):
        looker_client.sdk.create_project(m.WriteProject(name="block"))
    fake_looker.options["no_deploy_permission"] = True
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.deploy_ref_to_production("block", branch="main")
    assert exc.value.status == 403
    assert (
        "Looker deploy_ref_to_production failed: POST /api/4.0/projects/block/deploy_ref_to_production"
        in exc.value.message
    )
    assert "needs the 'deploy' permission" in exc.value.message


def test_403_on_an_operation_without_a_specific_hint(
    fake_looker: FakeLooker, looker_client: LookerClient
) -> None:
    def forbidden(fake: FakeLooker, req: Request) -> Any:
        raise ApiError(403, "Forbidden")

    fake_looker.override("all_folders", forbidden)
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.all_folders()
    assert "lacks a permission for all_folders: check the user's roles" in exc.value.message


def test_network_failure_is_a_remote_error(looker_sleeps: SleepRecorder) -> None:
    fake = FakeLooker(base_url="https://other.test:19999")  # not started: nothing answers
    client = make_client(fake, sleep=looker_sleeps)
    # responses active, other.test unknown -> ConnectionError
    with FakeLooker(), pytest.raises(LookerApiError) as exc:
        client.sdk.versions()
    assert exc.value.status is None and "network error" in exc.value.message
    assert exc.value.operation == "login" and exc.value.exit_code == EXIT_REMOTE
    assert len(looker_sleeps.calls) == client.policy.max_attempts - 1


def test_sdk_errors_become_remote_errors(looker_client: LookerClient) -> None:
    def boom() -> None:
        raise sdk_error.SDKError("the SDK failed with client_secret=hunter2hunter2")

    with pytest.raises(RemoteError) as exc:
        looker_client.call("some_op", boom)
    assert exc.value.message.startswith("Looker some_op failed:")
    assert "hunter2hunter2" not in exc.value.message


# --------------------------------------------------------------------------- redaction


def test_secrets_never_appear_even_on_failure(
    fake_looker: FakeLooker,
    looker_client: LookerClient,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    looker_client.sdk.me()
    token = next(iter(fake_looker.tokens))

    def leaky(fake: FakeLooker, req: Request) -> Any:
        raise ApiError(500, f"internal error: client_secret {fake.client_secret} token {token}")

    fake_looker.override("me", leaky)
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.me()
    text = str(exc.value) + repr(exc.value.args) + caplog.text + "".join(capsys.readouterr())
    assert fake_looker.client_secret not in text
    assert token not in text
    assert "internal error: client_secret *** token ***" in str(exc.value)


def test_redactor_patterns() -> None:
    r = Redactor(["registered-secret-1"])
    out = r.redact(
        'x registered-secret-1 client_secret=abc&x=1 {"access_token": "tok123", "name": "n"} '
        "Authorization: Bearer eyJabc.def aws_secret_access_key=AKIAXYZ"
    )
    assert "registered-secret-1" not in out and "abc&" not in out and "tok123" not in out
    assert "eyJabc" not in out and "AKIAXYZ" not in out
    assert '"name": "n"' in out and "x=1" in out


def test_cli_failure_does_not_print_the_secret(
    looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", "wrong-secret-value-123")
    monkeypatch.setattr("time.sleep", lambda s: None)
    result = CliRunner().invoke(main, ["looker", "whoami"])
    assert result.exit_code == EXIT_REMOTE
    assert "wrong-secret-value-123" not in result.output
    assert "Looker login failed" in result.output


# --------------------------------------------------------------------------- counter, workspace


def test_counter_separates_reads_and_writes(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    looker_client.whoami()
    with looker_client.workspace(dev=True):
        looker_client.sdk.all_projects()
    assert looker_client.counter.writes == 0 and looker_client.counter.reads >= 3
    looker_client.sdk.create_folder(m.CreateFolder(name="Security", parent_id="1"))
    assert looker_client.counter.writes == 1
    assert [r.operation for r in looker_client.counter.write_records()] == ["create_folder"]
    assert [c.operation_id for c in fake_looker.writes()] == ["create_folder"]


def test_workspace_switches_and_restores(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    with pytest.raises(LookerApiError) as exc:
        looker_client.sdk.create_project(m.WriteProject(name="block"))
    assert exc.value.status == 422 and "dev" in exc.value.message
    with looker_client.workspace(dev=True):
        assert looker_client.current_workspace() == "dev"
        looker_client.sdk.create_project(m.WriteProject(name="block"))
    assert looker_client.current_workspace() == "production"
    assert "block" in fake_looker.table("projects")


# --------------------------------------------------------------------------- whoami / ping


def test_whoami_cli(looker_env: FakeLooker) -> None:
    result = CliRunner().invoke(main, ["looker", "whoami"])
    assert result.exit_code == 0, result.output
    assert "Looker https://looker.test:19999" in result.output
    assert "API User (id 1, api-user@example.com)" in result.output
    assert f"release:       {looker_env.release}" in result.output
    assert "4.0 (current)" in result.output
    assert looker_env.client_secret not in result.output
    assert looker_env.writes() == []


def test_whoami_json_and_ping(looker_env: FakeLooker) -> None:
    import json

    result = CliRunner().invoke(main, ["looker", "whoami", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert data["looker_release"] == looker_env.release and data["api_versions"] == ["4.0"]
    ping = CliRunner().invoke(main, ["looker", "ping"])
    assert ping.exit_code == 0 and ping.output.startswith("ok: https://looker.test:19999 Looker 26.12.3")


def test_whoami_json_to_a_file_as_every_command_takes_it(looker_env: FakeLooker, tmp_path: Path) -> None:
    """`--json PATH` writes the file (and the text still prints); bare `--json` and `--json -`
    print the JSON alone, as before."""
    import json

    target = tmp_path / "me.json"
    result = CliRunner().invoke(main, ["looker", "whoami", "--json", str(target)])
    assert result.exit_code == 0, result.output
    assert json.loads(target.read_text())["looker_release"] == looker_env.release
    assert "API User (id 1, api-user@example.com)" in result.output
    dash = CliRunner().invoke(main, ["looker", "whoami", "--json", "-"])
    assert json.loads(dash.stdout)["api_versions"] == ["4.0"]


def test_whoami_unreachable(looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOKERSDK_BASE_URL", "https://unreachable.test:19999")
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    result = CliRunner().invoke(main, ["looker", "whoami"])
    assert result.exit_code == EXIT_REMOTE
    assert "error: Looker login failed: POST /api/4.0/login -> network error" in result.output
    assert "Traceback" not in result.output and len(slept) == 5


def test_whoami_config_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for k in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET"):
        monkeypatch.delenv(f"LOOKERSDK_{k}", raising=False)
    ini = _ini(tmp_path, "[Looker]\nbase_url=https://a.example.com\n")
    result = CliRunner().invoke(main, ["looker", "--looker-ini", str(ini), "--section", "Prod", "whoami"])
    assert result.exit_code == EXIT_BAD_INPUT
    assert "no section [Prod]" in result.output and "Traceback" not in result.output
    result = CliRunner().invoke(main, ["looker", "--looker-ini", str(ini), "whoami"])
    assert result.exit_code == EXIT_BAD_INPUT and "missing client_id" in result.output
