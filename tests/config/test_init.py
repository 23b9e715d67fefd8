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
    answers = (
        "s3://acme-results/q/\ngit@github.com:acme/ct.git\nacme-trail\nsingle\n111111111111\nsec@acme.test\n"
    )
    result = CliRunner(env={"AWS_REGION": "ap-southeast-2"}).invoke(
        main, ["init", "--dir", str(tmp_path)], input=answers
    )
    assert result.exit_code == 0, result.output
    assert "AWS region" not in result.output  # guessed from AWS_REGION
    assert "S3 location for Athena query results" in result.output
    cfg = load_config(tmp_path / "looker-ops.yaml", env=ENV)
    assert cfg.connection.region == "ap-southeast-2"
    assert cfg.athena.account_ids == ("111111111111",)  # the single layout's account, asked


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
            "--account-id",
            "111111111111",
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


def test_an_existing_file_is_found_before_anything_is_asked(tmp_path: Path) -> None:
    (tmp_path / "schedules.yaml").write_text("# mine\n")
    result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path)], input="")
    assert result.exit_code == 2
    assert "schedules.yaml: already exists" in result.output
    assert "S3 location" not in result.output  # no question was asked
    assert (tmp_path / "schedules.yaml").read_text() == "# mine\n"


def test_each_answer_is_checked_as_it_is_typed(tmp_path: Path) -> None:
    typed = [
        "http://results/",  # not s3://
        "s3://acme-results/q/",
        str(tmp_path / "repo.git"),  # a folder on this machine: Looker cannot pull from it
        "not a url",
        "git@github.com:acme/ct.git",
        "Bad_Bucket",
        "acme-trail",
        "sideways",  # not a layout
        "organization",
        "o-abc",  # too short for an organization id
        "o-a1b2c3d4e5",
        "12, 111111111111",
        "111111111111, 222222222222",
        "not-an-address",
        "sec@acme.test",
    ]
    result = CliRunner(env={"AWS_REGION": "eu-west-1"}).invoke(
        main, ["init", "--dir", str(tmp_path)], input="\n".join(typed) + "\n"
    )
    assert result.exit_code == 0, result.output
    for complaint in (
        "'http://results/' is not an s3://bucket/prefix/ URL",
        "is a folder on this machine, which a Looker instance cannot pull from",
        "'not a url' is not a git URL",
        "'Bad_Bucket' is not an S3 bucket name",
        "'sideways' is not one of",
        "'o-abc' is not an AWS Organizations id",
        "'12' is not a 12-digit AWS account id",
        "'not-an-address' is not a valid e-mail address",
    ):
        assert complaint in result.output, complaint
    cfg = load_config(tmp_path / "looker-ops.yaml", env=ENV)
    assert cfg.project.git_remote_url == "git@github.com:acme/ct.git"
    assert cfg.athena.bucket == "acme-trail" and cfg.athena.org_id == "o-a1b2c3d4e5"
    assert cfg.athena.account_ids == ("111111111111", "222222222222")


def test_a_local_path_origin_is_not_taken_silently(tmp_path: Path) -> None:
    import subprocess

    repo = tmp_path / "work"
    repo.mkdir()
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(
        ["git", "-C", str(repo), "remote", "add", "origin", str(tmp_path / "bare.git")], check=True
    )
    typed = (
        "s3://acme-results/q/\ngit@github.com:acme/ct.git\nacme-trail\nsingle\n111111111111\nsec@acme.test\n"
    )
    result = CliRunner(env={"AWS_REGION": "eu-west-1"}).invoke(
        main, ["init", "--dir", str(repo)], input=typed
    )
    assert result.exit_code == 0, result.output
    assert f"git origin {tmp_path / 'bare.git'} is a folder on this machine" in result.output
    assert "Git remote Looker pulls the project from" in result.output  # so it was asked
    cfg = load_config(repo / "looker-ops.yaml", env=ENV)
    assert cfg.project.git_remote_url == "git@github.com:acme/ct.git"


def test_without_a_terminal_the_flags_to_pass_are_named(tmp_path: Path) -> None:
    result = CliRunner(env={"AWS_REGION": "eu-west-1"}).invoke(
        main, ["init", "--dir", str(tmp_path), "--git-remote", "git@github.com:acme/ct.git"], input=""
    )
    assert result.exit_code == 2
    assert "Aborted!" not in result.output
    assert (
        "pass --s3-staging-dir, --bucket, --layout, --org-id, --account-id, --security-email" in result.output
    )
    assert not (tmp_path / "looker-ops.yaml").exists()
