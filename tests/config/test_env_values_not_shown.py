"""A value that came from an environment variable (``${VAR}`` in looker-ops.yaml) is never
echoed in a message: the key, the variable and what was expected are, the value is not
(README: secrets never appear)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.settings import load_config
from looker_ops.errors import BadInput
from tests.config.test_config_check import ENV, GOOD, write

SECRET = "supersecretvalue123"
LONG_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" * 2  # shortened in some messages


def _with(key_line: str, new: str) -> str:
    assert key_line in GOOD
    return GOOD.replace(key_line, new)


CASES = [
    (
        "  max_connections: 20",
        "  max_connections: ${LOOKER_ATHENA_SECRET_ACCESS_KEY}",
        "connection.max_connections",
        "expected a whole number",
    ),
    (
        "  region: eu-west-1",
        "  region: ${LOOKER_ATHENA_SECRET_ACCESS_KEY}",
        "connection.region",
        "is not an AWS region name",
    ),
    (
        "  s3_staging_dir: s3://acme-athena-results/looker/",
        "  s3_staging_dir: ${LOOKER_ATHENA_SECRET_ACCESS_KEY}",
        "connection.s3_staging_dir",
        "s3://",
    ),
]


@pytest.mark.parametrize("secret", [SECRET, LONG_SECRET])
@pytest.mark.parametrize(("old", "new", "key", "expected"), CASES)
def test_a_bad_value_from_the_environment_is_named_not_shown(
    tmp_path: Path, old: str, new: str, key: str, expected: str, secret: str
) -> None:
    path = write(tmp_path, _with(old, new))
    env = {**ENV, "LOOKER_ATHENA_SECRET_ACCESS_KEY": secret}
    with pytest.raises(BadInput) as err:
        load_config(path, env=env)
    msg = str(err.value)
    assert f"{key}: " in msg and expected in msg
    assert "${LOOKER_ATHENA_SECRET_ACCESS_KEY} (not shown)" in msg
    assert secret[:6] not in msg

    res = CliRunner().invoke(main, ["config", "check", "-c", str(path)], env=env)
    assert res.exit_code == 2
    assert key in res.output and secret[:6] not in res.output
    res = CliRunner().invoke(main, ["config", "check", "-c", str(path), "--json", "-"], env=env)
    assert res.exit_code == 2
    doc = json.loads(res.stdout)
    assert [p["key"] for p in doc["problems"]] == [key]
    assert secret[:6] not in res.output and secret[:6] not in json.dumps(doc)


def test_the_message_reads_whole(tmp_path: Path) -> None:
    path = write(tmp_path, _with(*CASES[0][:2]))
    with pytest.raises(BadInput) as err:
        load_config(path, env={**ENV, "LOOKER_ATHENA_SECRET_ACCESS_KEY": SECRET})
    assert str(err.value).endswith(
        "connection.max_connections: expected a whole number; "
        "the value comes from ${LOOKER_ATHENA_SECRET_ACCESS_KEY} (not shown)"
    )


def test_a_value_written_in_the_file_is_still_shown(tmp_path: Path) -> None:
    path = write(tmp_path, _with("  region: eu-west-1", "  region: Frankfurt"))
    with pytest.raises(BadInput) as err:
        load_config(path, env=ENV)
    assert "connection.region: 'Frankfurt' is not an AWS region name" in str(err.value)
    assert "not shown" not in str(err.value)
