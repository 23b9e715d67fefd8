"""A malformed LOOKERSDK_BASE_URL is bad input found when the settings are read (exit 2 naming
the variable, no call, no retry), and the JSON error of an environment variable's problem has
that variable as its ``key``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.looker.settings import base_url_problem, load_settings

CREDS = {"LOOKERSDK_CLIENT_ID": "id", "LOOKERSDK_CLIENT_SECRET": "clientsecretvalue"}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://host:notaport", "port"),
        ("https://host:70000", "port"),
        ("https://user:pw@", "user info"),
        ("https://:19999", "no host name"),
        ("ftp://host", "not an http(s) URL"),
    ],
)
def test_a_malformed_base_url_is_bad_input_naming_the_variable_without_any_call(
    url: str, expected: str
) -> None:
    res = CliRunner().invoke(main, ["looker", "whoami", "--json"], env={"LOOKERSDK_BASE_URL": url, **CREDS})
    assert res.exit_code == 2, res.output
    assert "retrying" not in res.stderr and "network error" not in res.stderr
    assert res.stderr.startswith("error: LOOKERSDK_BASE_URL: ") and expected in res.stderr
    doc = json.loads(res.stdout)
    assert doc["error"]["kind"] == "bad_input"
    assert doc["error"]["key"] == "LOOKERSDK_BASE_URL"
    assert doc["problems"][0]["key"] == "LOOKERSDK_BASE_URL"


@pytest.mark.parametrize(
    "url",
    [
        "https://mycompany.looker.com:19999",
        "http://127.0.0.1:8080/",
        "https://[::1]:443",
        "https://h/api/4.0",
    ],
)
def test_well_formed_base_urls_are_accepted(url: str) -> None:
    expected = url.removesuffix("/api/4.0").rstrip("/")
    assert base_url_problem(expected) is None
    assert load_settings(env={"LOOKERSDK_BASE_URL": url, **CREDS}).base_url == expected


def test_the_json_key_of_a_bad_timeout_variable_is_the_variable() -> None:
    env = {"LOOKERSDK_BASE_URL": "https://mycompany.looker.com", "LOOKERSDK_TIMEOUT": "soon", **CREDS}
    res = CliRunner().invoke(main, ["looker", "ping", "--json"], env=env)
    assert res.exit_code == 2, res.output
    doc = json.loads(res.stdout)
    assert doc["error"]["key"] == "LOOKERSDK_TIMEOUT" and "LOOKERSDK_TIMEOUT" in res.stderr
