"""`looker-ops init` writes a config that the deploy's own loader accepts, asks only what it cannot guess."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.athena import DEFAULT_REGIONS
from looker_ops.config.settings import load_config

ENV = {"LOOKER_ATHENA_ACCESS_KEY_ID": "AKIA", "LOOKER_ATHENA_SECRET_ACCESS_KEY": "s"}


def test_init_with_flags_writes_valid_files(tmp_path: Path) -> None:
    args = [
        "init",
        "--dir",
        str(tmp_path),
        "--region",
        "eu-west-1",
        "--s3-staging-dir",
        "s3://acme-results/q/",
        "--git-remote",
        "git@github.com:acme/ct.git",
        "--bucket",
        "trail",
        "--layout",
        "organization",
        "--org-id",
        "o-abc",
        "--account-id",
        "111111111111",
        "--security-email",
        "sec@acme.test",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "looker-ops.yaml", env=ENV)
    assert cfg.connection.region == "eu-west-1"
    assert cfg.athena.layout == "organization" and cfg.athena.org_id == "o-abc"
    assert cfg.athena.account_ids == ("111111111111",)
    assert "sec@acme.test" in (tmp_path / "schedules.yaml").read_text()


def test_init_asks_what_it_cannot_guess(tmp_path: Path) -> None:
    answers = "s3://acme-results/q/\ngit@github.com:acme/ct.git\ntrail\nsingle\nsec@acme.test\n"
    result = CliRunner(env={"AWS_REGION": "ap-southeast-2"}).invoke(
        main, ["init", "--dir", str(tmp_path)], input=answers
    )
    assert result.exit_code == 0, result.output
    assert "AWS region" not in result.output  # guessed from AWS_REGION
    assert "S3 location for Athena query results" in result.output
    assert load_config(tmp_path / "looker-ops.yaml", env=ENV).connection.region == "ap-southeast-2"


def test_init_refuses_to_overwrite_and_rejects_bad_answers(tmp_path: Path) -> None:
    (tmp_path / "looker-ops.yaml").write_text("# mine\n")
    base = [
        "init",
        "--dir",
        str(tmp_path),
        "--region",
        "eu-west-1",
        "--s3-staging-dir",
        "s3://acme-results/",
        "--git-remote",
        "git@github.com:acme/ct.git",
        "--bucket",
        "b",
        "--layout",
        "single",
        "--security-email",
        "a@b.c",
    ]
    result = CliRunner().invoke(main, base)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (tmp_path / "looker-ops.yaml").read_text() == "# mine\n"
    bad = CliRunner().invoke(main, [*base, "--force", "--account-id", "12"])
    assert bad.exit_code == 2
    assert "athena.account_ids[0]" in bad.output
    assert (tmp_path / "looker-ops.yaml").read_text() == "# mine\n"


def test_init_in_a_subfolder_points_at_the_block_and_defaults_to_every_region(
    tmp_path: Path, monkeypatch: object
) -> None:
    import os

    (tmp_path / "lookml_project").mkdir()
    (tmp_path / "dashboards").mkdir()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        args = [
            "init",
            "--dir",
            "deploy",
            "--region",
            "eu-west-1",
            "--s3-staging-dir",
            "s3://acme-results/q/",
            "--git-remote",
            "git@github.com:acme/ct.git",
            "--bucket",
            "b",
            "--layout",
            "single",
            "--security-email",
            "a@b.c",
            "--workgroup",
            "analysts",
        ]
        result = CliRunner().invoke(main, args)
    finally:
        os.chdir(cwd)
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "deploy" / "looker-ops.yaml", env=ENV)
    assert cfg.resolve(cfg.project.lookml_dir).resolve() == (tmp_path / "lookml_project").resolve()
    assert cfg.resolve(cfg.dashboards.dir).resolve() == (tmp_path / "dashboards").resolve()
    assert cfg.connection.workgroup == "analysts"
    assert cfg.athena.regions == DEFAULT_REGIONS  # the table projects every commercial region
