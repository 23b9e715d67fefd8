"""looker-ops.yaml parsing: types, env interpolation, secrets, and errors naming file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.config.settings import Config, Secret, describe, load_config
from looker_ops.errors import EXIT_BAD_INPUT, BadInput

ROOT = Path(__file__).resolve().parents[2]

GOOD = """\
connection:
  name: athena_ct
  region: eu-west-1
  database: security
  s3_staging_dir: s3://results/looker/
  aws_access_key_id: ${AWS_ACCESS_KEY_ID}
  aws_secret_access_key: ${AWS_SECRET_ACCESS_KEY}
project:
  name: ct
  git_remote_url: git@github.com:acme/ct.git
  models: [cloudtrail]
dashboards:
  folder: Security/CloudTrail
  prune: yes
athena:
  layout: organization
  org_id: o-abc123
  regions: [eu-west-1, us-east-1]
constants:
  CLOUDTRAIL_TABLE: ${TABLE_NAME:-org_trail}
"""

ENV = {"AWS_ACCESS_KEY_ID": "AKIAEXAMPLE", "AWS_SECRET_ACCESS_KEY": "s3cr3t/value"}


def write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "looker-ops.yaml"
    p.write_text(text)
    return p


def test_good_config_is_typed(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, GOOD), env=ENV)
    assert cfg.connection.name == "athena_ct"
    assert cfg.dashboards.prune is True
    assert cfg.athena.regions == ("eu-west-1", "us-east-1")
    assert cfg.constants == {"CLOUDTRAIL_TABLE": "org_trail"}
    assert cfg.manifest_constants()["ATHENA_SCHEMA"] == "security"
    assert cfg.manifest_constants()["CLOUDTRAIL_TABLE"] == "org_trail"
    secret = cfg.connection.aws_secret_access_key
    assert isinstance(secret, Secret)
    assert secret.reveal() == "s3cr3t/value"
    assert "s3cr3t" not in repr(cfg) and "s3cr3t" not in str(secret)
    assert secret.source == "env:AWS_SECRET_ACCESS_KEY"
    assert cfg.secrets() == ["AKIAEXAMPLE", "s3cr3t/value"]


def test_empty_file_gives_defaults(tmp_path: Path) -> None:
    cfg = load_config(write(tmp_path, ""), env={})
    assert cfg.project.name == Config().project.name
    assert cfg.resolve("dashboards") == tmp_path / "dashboards"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("connection:\n  regoin: eu-west-1\n", ":2: connection.regoin: unknown key"),
        ("project:\n  models: cloudtrail\n", ":2: project.models: expected a list"),
        ("looker:\n  timeout: soon\n", ":2: looker.timeout: expected a whole number"),
        ("dashboards:\n  prune: maybe\n", ":2: dashboards.prune: expected true or false"),
        (
            "connection:\n  aws_secret_access_key: ${NOPE_NOT_SET}\n",
            "environment variable NOPE_NOT_SET is not set",
        ),
        ("connection:\n  aws_secret_access_key: literal-secret\n", "secrets must come from the environment"),
        ("connection:\n  region: Europe\n", "connection.region: 'Europe' is not an AWS region name"),
        ("athena:\n  account_ids: ['123']\n", "athena.account_ids[0]: '123' is not a 12-digit account id"),
        ("athena:\n  layout: organization\n", "athena.org_id: the organization layout needs"),
        ("connection: [1, 2]\n", ":1: connection: expected a mapping"),
        ("project:\n  name:\n", ":2: project.name: a value is required"),
        ("a: [\n", "not valid YAML"),
        ("project:\n  name: a\n  name: b\n", ":3: project.name: key given twice"),
    ],
)
def test_bad_config_names_file_line_and_key(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as err:
        load_config(path, env={})
    assert str(path) in str(err.value)
    assert expected in str(err.value)
    assert err.value.exit_code == EXIT_BAD_INPUT
    assert "literal-secret" not in str(err.value)


def test_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match=r"looker-ops.yaml: config file not found"):
        load_config(tmp_path / "looker-ops.yaml", env={})


def test_describe_lists_every_key_with_a_doc() -> None:
    keys = {k: doc for k, doc, _ in describe()}
    assert "connection.aws_secret_access_key" in keys
    assert "path" not in keys
    assert all(doc for doc in keys.values())


def test_example_config_is_valid() -> None:
    example = ROOT / "deploy" / "looker-ops.yaml"
    env = {
        "LOOKER_ATHENA_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "LOOKER_ATHENA_SECRET_ACCESS_KEY": "secret",
        "LOOKER_OPS_GIT_REMOTE": "git@github.com:acme/x.git",
    }
    cfg = load_config(example, env=env)
    assert cfg.athena.layout == "organization"
    assert cfg.project.git_remote_url == "git@github.com:acme/x.git"
    # Paths are relative to the config file: the example points at the repository's block.
    assert cfg.resolve(cfg.project.lookml_dir).resolve() == ROOT / "lookml_project"
    assert cfg.resolve(cfg.dashboards.dir).resolve() == ROOT / "dashboards"
    assert cfg.schedules and cfg.resolve(cfg.schedules).is_file()


def test_config_keys_and_check_commands(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from looker_ops.cli import main

    keys = CliRunner().invoke(main, ["config", "keys"])
    assert keys.exit_code == 0
    listed = {line.split()[0] for line in keys.output.splitlines()}
    assert listed == {k for k, _, _ in describe()}
    env = {
        "LOOKER_ATHENA_ACCESS_KEY_ID": "AKIAEXAMPLE",
        "LOOKER_ATHENA_SECRET_ACCESS_KEY": "very-secret",
        "LOOKER_OPS_GIT_REMOTE": "git@github.com:acme/x.git",
    }
    ok = CliRunner(env=env).invoke(main, ["config", "check", "-c", str(ROOT / "deploy" / "looker-ops.yaml")])
    assert ok.exit_code == 0, ok.output
    assert "ok" in ok.output and "very-secret" not in ok.output
    moved = tmp_path / "looker-ops.yaml"
    moved.write_text((ROOT / "deploy" / "looker-ops.yaml").read_text())  # its ../ paths lead nowhere here
    bad = CliRunner(env=env).invoke(main, ["config", "check", "-c", str(moved)])
    assert bad.exit_code == 2
    assert "project.lookml_dir" in bad.output and "does not exist" in bad.output


def test_every_problem_of_the_file_is_reported_at_once(tmp_path: Path) -> None:
    """An unset ${VAR} early in the file does not hide an unknown key or a bad value later."""
    text = (
        "connection:\n"
        "  aws_access_key_id: ${NOPE_KEY_ID}\n"
        "  region: Europe\n"
        "project:\n"
        "  modles: [cloudtrail]\n"
        "  data_tests: maybe\n"
        "athena:\n"
        "  account_ids: ['123', '123456789012', 'x']\n"
        "looker:\n"
        "  timeout: 10000000000\n"
    )
    path = write(tmp_path, text)
    with pytest.raises(BadInput) as err:
        load_config(path, env={})
    msg = str(err.value)
    assert msg.startswith(f"{path}: 7 problems:")
    for expected in (
        ":2: connection.aws_access_key_id: environment variable NOPE_KEY_ID is not set",
        ":3: connection.region: 'Europe' is not an AWS region name",
        ":5: project.modles: unknown key",
        ":6: project.data_tests: expected true or false",
        ":8: athena.account_ids[0]: '123' is not a 12-digit account id",
        ":8: athena.account_ids[2]: 'x' is not a 12-digit account id",
        ":10: looker.timeout: 10000000000 s is more than a week",
    ):
        assert f"{path}{expected}" in msg, expected


def test_unclosed_env_reference_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, "project:\n  git_remote_url: ${GIT_URL\n")
    with pytest.raises(BadInput, match=r":2: project.git_remote_url: unclosed \$\{"):
        load_config(path, env={"GIT_URL": "x"})


def test_a_command_reads_only_the_sections_it_uses(tmp_path: Path) -> None:
    """`athena ddl` needs neither the Looker connection's secrets nor the git remote's variable."""
    from looker_ops.cli import main

    cfg = ROOT / "deploy" / "looker-ops.yaml"
    loaded = load_config(cfg, env={}, uses=("athena", "connection"), secrets=False)
    assert loaded.connection.region == "eu-west-1"
    with pytest.raises(BadInput, match="LOOKER_ATHENA_ACCESS_KEY_ID"):
        load_config(cfg, env={}, uses=("athena", "connection"))
    env = {
        k: ""
        for k in ("LOOKER_ATHENA_ACCESS_KEY_ID", "LOOKER_ATHENA_SECRET_ACCESS_KEY", "LOOKER_OPS_GIT_REMOTE")
    }
    result = CliRunner().invoke(main, ["athena", "ddl", "--config", str(cfg)], env=env)
    assert result.exit_code == 0, result.output
    assert "CREATE EXTERNAL TABLE" in result.stdout
