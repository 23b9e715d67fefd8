"""`config check` means "deploy and the athena commands will accept it": every value they would
refuse is refused offline, at its file:line and key, exit 2 (issue 17, items 9 and 10)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.settings import load_config
from looker_ops.errors import BadInput

ENV = {"LOOKER_ATHENA_ACCESS_KEY_ID": "AKIAEXAMPLE", "LOOKER_ATHENA_SECRET_ACCESS_KEY": "very-secret"}

GOOD = """\
looker:
  timeout: 120
connection:
  name: athena_cloudtrail
  region: eu-west-1
  database: cloudtrail
  s3_staging_dir: s3://acme-athena-results/looker/
  aws_access_key_id: ${LOOKER_ATHENA_ACCESS_KEY_ID}
  aws_secret_access_key: ${LOOKER_ATHENA_SECRET_ACCESS_KEY}
  max_connections: 20
  query_timezone: UTC
project:
  name: cloudtrail_block
  git_remote_url: git@github.com:acme/looker-cloudtrail.git
  deploy_branch: main
dashboards:
  folder: Security/CloudTrail
athena:
  layout: single
  bucket: acme-cloudtrail
  account_ids: ["111111111111"]
  first_date: 2025-01-01
"""


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "lookml_project").mkdir(exist_ok=True)
    (tmp_path / "dashboards").mkdir(exist_ok=True)
    path = tmp_path / "looker-ops.yaml"
    path.write_text(text)
    return path


def check(path: Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["config", "check", "-c", str(path)], env=ENV)
    return result.exit_code, result.output


def test_the_good_file_passes(tmp_path: Path) -> None:
    code, out = check(write(tmp_path, GOOD))
    assert code == 0, out
    assert "ok" in out and "very-secret" not in out


# (old line, new line, key, expected words); the line number is that of the new line.
CASES = [
    (
        "  s3_staging_dir: s3://acme-athena-results/looker/",
        '  s3_staging_dir: ""',
        "connection.s3_staging_dir",
        "required",
    ),
    ("  folder: Security/CloudTrail", '  folder: "/"', "dashboards.folder", "not a folder path"),
    ("  timeout: 120", "  timeout: 120\n  ini: no-such-looker.ini", "looker.ini", "file not found"),
    ("  first_date: 2025-01-01", "  first_date: 2025/13/45", "athena.first_date", "is not a date"),
    (
        "  database: cloudtrail",
        '  database: "x y"',
        "connection.database",
        "not a valid Athena database name",
    ),
    ('  account_ids: ["111111111111"]', "", "athena.account_ids", "at least one AWS account id is required"),
    ("  max_connections: 20", "  max_connections: 0", "connection.max_connections", "1 or more"),
    (
        "  query_timezone: UTC",
        "  query_timezone: Mars/Olympus",
        "connection.query_timezone",
        "not a known time zone",
    ),
    ("  name: cloudtrail_block", '  name: "Bad Name!"', "project.name", "not a valid Looker project name"),
    (
        "  git_remote_url: git@github.com:acme/looker-cloudtrail.git",
        "  git_remote_url: not a url at all",
        "project.git_remote_url",
        "is not a git URL",
    ),
    (
        "  git_remote_url: git@github.com:acme/looker-cloudtrail.git",
        "  git_remote_url: ${GIT_URL",
        "project.git_remote_url",
        "unclosed ${",
    ),
    (
        "  deploy_branch: main",
        '  deploy_branch: "bad..branch~^:"',
        "project.deploy_branch",
        "check-ref-format",
    ),
    (
        "  layout: single",
        "  layout: sideways",
        "athena.layout",
        "expected one of single, multi, organization",
    ),
    ("  bucket: acme-cloudtrail", "  bucket: Not_A_Bucket", "athena.bucket", "not a valid S3 bucket name"),
]


@pytest.mark.parametrize(
    ("old", "new", "key", "words"), CASES, ids=[c[2] + ":" + c[1].strip() for c in CASES]
)
def test_config_check_refuses_at_file_line_and_key(
    tmp_path: Path, old: str, new: str, key: str, words: str
) -> None:
    assert old in GOOD
    text = GOOD.replace(old, new)
    path = write(tmp_path, text)
    lines = text.splitlines()
    if new:
        line = next(i for i, t in enumerate(lines, 1) if t == new.splitlines()[-1])
    else:  # a missing key is reported at its section
        line = lines.index(key.split(".")[0] + ":") + 1
    code, out = check(path)
    assert code == 2, out
    assert f"{path}:{line}: {key}: " in out, out
    assert words in out, out
    assert "very-secret" not in out


def test_value_errors_carry_their_line_in_every_command(tmp_path: Path) -> None:
    """A bad value is refused by the loader every command uses, not only by `config check`."""
    path = write(tmp_path, GOOD.replace("  max_connections: 20", "  max_connections: 0"))
    with pytest.raises(BadInput, match=r"looker-ops.yaml:10: connection.max_connections: must be 1 or more"):
        load_config(path, env=ENV)


def test_every_check_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = (
        GOOD.replace("  max_connections: 20", "  max_connections: 0")
        .replace("  query_timezone: UTC", "  query_timezone: Nowhere")
        .replace('  account_ids: ["111111111111"]\n', "")
        .replace("  deploy_branch: main", "  deploy_branch: a..b")
    )
    code, out = check(write(tmp_path, text))
    assert code == 2
    assert "4 problems" in out
    reported = [line.strip().split(": ")[1] for line in out.splitlines()[1:] if line.strip()]
    assert reported == [
        "connection.max_connections",
        "connection.query_timezone",
        "project.deploy_branch",
        "athena.account_ids",
    ]


def test_athena_commands_accept_what_config_check_accepts(tmp_path: Path) -> None:
    """The settings `config check` passed are the ones `athena ddl` renders."""
    path = write(tmp_path, GOOD)
    assert check(path)[0] == 0
    result = CliRunner().invoke(main, ["athena", "ddl", "--config", str(path)], env=ENV)
    assert result.exit_code == 0, result.output
    assert "s3://acme-cloudtrail/AWSLogs/" in result.stdout
    assert "'projection.dt.range'='2025/01/01,NOW'" in result.stdout


def test_unknown_keys_get_a_suggestion(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("  deploy_branch: main", "  deploy_brnach: main"))
    with pytest.raises(BadInput) as err:
        load_config(path, env=ENV)
    assert f"{path}:15: project.deploy_brnach: unknown key (did you mean 'deploy_branch'?" in str(err.value)


@pytest.mark.parametrize("value", ["0", "-5", "soon", "10000000000"])
def test_sdk_timeout_outside_a_week_is_refused(value: str) -> None:
    """LOOKERSDK_TIMEOUT (or looker.ini's timeout) is bounded like looker.timeout: no OverflowError later."""
    from looker_ops.looker.settings import load_settings

    env = {
        "LOOKERSDK_BASE_URL": "https://looker.example.com",
        "LOOKERSDK_CLIENT_ID": "id",
        "LOOKERSDK_CLIENT_SECRET": "secret",
        "LOOKERSDK_TIMEOUT": value,
    }
    with pytest.raises(BadInput, match=r"LOOKERSDK_TIMEOUT: timeout .* is not a positive number of seconds"):
        load_settings(env=env)


@pytest.mark.parametrize(
    ("old", "new", "key", "var"),
    [
        (
            "  git_remote_url: git@github.com:acme/looker-cloudtrail.git",
            "  git_remote_url: ${UX_UNSET_GIT_REMOTE}",
            "project.git_remote_url",
            "UX_UNSET_GIT_REMOTE",
        ),
        (
            "  s3_staging_dir: s3://acme-athena-results/looker/",
            "  s3_staging_dir: ${UX_UNSET_STAGING}",
            "connection.s3_staging_dir",
            "UX_UNSET_STAGING",
        ),
    ],
    ids=["git_remote_url", "s3_staging_dir"],
)
def test_an_unset_variable_is_one_problem_of_its_key(
    tmp_path: Path, old: str, new: str, key: str, var: str
) -> None:
    """A required value given as an unset ${VAR} is named once (the variable), not a second
    time as "required"."""
    assert old in GOOD
    code, out = check(write(tmp_path, GOOD.replace(old, new)))
    assert code == 2, out
    lines = [line for line in out.splitlines() if f" {key}: " in line]
    assert len(lines) == 1, out
    assert f"environment variable {var} is not set" in lines[0]
    assert "required" not in out
