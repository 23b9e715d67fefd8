"""No error message shows a secret, on stderr as in the JSON (README: secrets never printed):
the credentials of a URL, a token, or the value of a secret environment variable are masked by
the one masking every message goes through (``looker_ops.commands.jsonout.masked``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.looker.redact import MASK, mask_message, secret_env_values
from tests.config.test_config_check import ENV, GOOD, write

PASSWORD = "s3cr3tXYZ"
TOKEN = "ghp_SECRETTOKEN1234567890"


def _no_secret(text: str, *secrets: str) -> None:
    for secret in secrets:
        assert secret not in text, text


def test_whoami_bad_base_url_masks_its_credentials_on_stderr_and_in_the_json() -> None:
    env = {
        "LOOKERSDK_BASE_URL": f"ftp://admin:{PASSWORD}@host",
        "LOOKERSDK_CLIENT_ID": "id",
        "LOOKERSDK_CLIENT_SECRET": "clientsecretvalue",
    }
    res = CliRunner().invoke(main, ["looker", "whoami", "--json"], env=env)
    assert res.exit_code == 2, res.output
    _no_secret(res.stderr, PASSWORD)
    _no_secret(res.stdout, PASSWORD)
    assert f"admin:{MASK}@host" in res.stderr
    assert json.loads(res.stdout)["error"]["message"] in res.stderr  # one message, one masking


def test_config_check_masks_the_token_of_a_bad_git_remote_on_stderr(tmp_path: Path) -> None:
    bad = GOOD.replace(
        "git@github.com:acme/looker-cloudtrail.git", f"'https://bot:{TOKEN}@github.com/o/r.git x'"
    )
    assert bad != GOOD
    cfg = write(tmp_path, bad)
    res = CliRunner().invoke(main, ["config", "check", "-c", str(cfg)], env=ENV)
    assert res.exit_code == 2, res.output
    assert "project.git_remote_url" in res.stderr
    _no_secret(res.output, TOKEN)


def test_init_masks_the_token_of_a_git_remote_in_its_messages(tmp_path: Path) -> None:
    args = ["init", "--dir", str(tmp_path), "--region", "eu-west-1", "--s3-staging-dir", "s3://acme-r/q/"]
    args += ["--git-remote", f"https://bot:{TOKEN}@github.com/o/r.git x", "--bucket", "B"]
    res = CliRunner().invoke(main, args, input="")
    assert res.exit_code == 2, res.output
    assert "--git-remote" in res.stderr
    _no_secret(res.output, TOKEN)


def test_init_echoes_a_piped_git_remote_answer_masked(tmp_path: Path) -> None:
    answers = "\n".join(
        ["eu-west-1", "s3://acme-r/q/", f"https://bot:{TOKEN}@github.com/o/r.git", "trail-b", "single"]
    )
    res = CliRunner().invoke(
        main,
        ["init", "--dir", str(tmp_path), "--account-id", "123456789012", "--security-email", "sec@corp.io"],
        input=answers + "\n",
        env={"AWS_REGION": None, "AWS_DEFAULT_REGION": None},
    )
    assert "git" in res.stderr.lower(), res.output
    _no_secret(res.stderr, TOKEN)


def test_the_value_of_a_secret_environment_variable_is_masked_wherever_it_appears() -> None:
    environ = {
        "LOOKERSDK_CLIENT_SECRET": "abcdef123",
        "AWS_SESSION_TOKEN": "tok-999-xyz",
        "HOME": "/root",
        "SKIP_TOKEN_CHECK": "true",  # a flag, not a secret: "true" stays readable
    }
    assert sorted(secret_env_values(environ)) == ["abcdef123", "tok-999-xyz"]
    text = mask_message("login with abcdef123 and tok-999-xyz from /root: true", environ)
    assert text == f"login with {MASK} and {MASK} from /root: true"


def test_an_error_echoing_a_secret_env_value_is_masked_on_stderr(tmp_path: Path) -> None:
    # LOOKERSDK_TIMEOUT is no secret, but a value pasted there by mistake may be one set elsewhere
    env = {
        "LOOKERSDK_BASE_URL": "https://example.looker.com",
        "LOOKERSDK_CLIENT_ID": "id",
        "LOOKERSDK_CLIENT_SECRET": "pastedsecret42",
        "LOOKERSDK_TIMEOUT": "pastedsecret42",
    }
    res = CliRunner().invoke(main, ["looker", "whoami", "--json"], env=env)
    assert res.exit_code == 2, res.output
    assert "LOOKERSDK_TIMEOUT" in res.stderr
    _no_secret(res.output, "pastedsecret42")


def test_deploy_progress_lines_are_masked(capsys: pytest.CaptureFixture[str]) -> None:
    from looker_ops.commands.steps import progress

    progress(f"      pushed to https://bot:{TOKEN}@github.com/o/r.git")
    err = capsys.readouterr().err
    assert TOKEN not in err and f"https://{MASK}@github.com/o/r.git" in err


def test_a_usage_error_echoing_a_value_masks_its_credentials() -> None:
    res = CliRunner().invoke(main, ["check", "--format", f"https://bot:{TOKEN}@github.com/o/r.git"])
    assert res.exit_code == 2
    assert "--format" in res.stderr
    _no_secret(res.output, TOKEN)
