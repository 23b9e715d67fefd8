"""`looker-ops init` writes a config that the deploy's own loader accepts, asks only what it cannot guess."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.config.athena import DEFAULT_REGIONS
from looker_ops.config.settings import load_config

ENV = {"LOOKER_ATHENA_ACCESS_KEY_ID": "AKIA", "LOOKER_ATHENA_SECRET_ACCESS_KEY": "s"}


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Answers typed at a terminal: the runner's input stands for what the user types (init
    asks nothing when stdin is not a terminal)."""
    monkeypatch.setattr("looker_ops.commands.init._has_terminal", lambda: True)


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
        "o-abc1234567",
        "--account-id",
        "111111111111",
        "--security-email",
        "sec@acme.test",
    ]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    cfg = load_config(tmp_path / "looker-ops.yaml", env=ENV)
    assert cfg.connection.region == "eu-west-1"
    assert cfg.athena.layout == "organization" and cfg.athena.org_id == "o-abc1234567"
    assert cfg.athena.account_ids == ("111111111111",)
    assert "sec@acme.test" in (tmp_path / "schedules.yaml").read_text()


@pytest.mark.usefixtures("terminal")
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
        "acme-b",
        "--layout",
        "single",
        "--security-email",
        "a@b.co",
    ]
    result = CliRunner().invoke(main, base)
    assert result.exit_code == 2
    assert "already exists" in result.output
    assert (tmp_path / "looker-ops.yaml").read_text() == "# mine\n"
    bad = CliRunner().invoke(main, [*base, "--force", "--account-id", "12"])
    assert bad.exit_code == 2
    assert "--account-id: '12' is not a 12-digit AWS account id" in bad.output
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
            "acme-b",
            "--layout",
            "single",
            "--security-email",
            "a@b.co",
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


@pytest.mark.usefixtures("terminal")
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


@pytest.mark.usefixtures("terminal")
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
        "pass --s3-staging-dir, --bucket, --layout, --org-id (with --layout organization), --account-id, "
        "--security-email" in result.output
    )
    assert not (tmp_path / "looker-ops.yaml").exists()


FLAGS = [
    "--region",
    "eu-west-1",
    "--s3-staging-dir",
    "s3://acme-results/q/",
    "--git-remote",
    "git@github.com:acme/ct.git",
    "--bucket",
    "acme-trail",
    "--layout",
    "single",
    "--account-id",
    "111111111111",
    "--security-email",
    "sec@acme.test",
]


def _with(flag: str, value: str) -> list[str]:
    args = list(FLAGS)
    args[args.index(flag) + 1] = value
    return args


def test_a_bad_option_is_refused_by_its_name_before_anything_is_written(tmp_path: Path) -> None:
    for flag, value, complaint in (
        ("--security-email", "notanemail", "--security-email: 'notanemail' is not a valid e-mail address"),
        ("--region", "Frankfurt", "--region: 'Frankfurt' is not an AWS region name"),
        ("--s3-staging-dir", "results/", "--s3-staging-dir: 'results/' is not an s3://bucket/prefix/ URL"),
    ):
        result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path), *_with(flag, value)], input="")
        assert result.exit_code == 2, result.output
        assert complaint in result.output and "nothing written" in result.output
        assert "looker-ops.yaml:" not in result.output  # not the lines of a file never written
        assert list(tmp_path.iterdir()) == []
    both = [*_with("--security-email", "x@"), "--trail-region", "mars-1"]
    result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path), *both])
    assert result.exit_code == 2
    assert "2 bad options" in result.output and "--trail-region: 'mars-1'" in result.output
    assert list(tmp_path.iterdir()) == []


def test_without_a_terminal_the_answers_are_read_from_stdin(tmp_path: Path) -> None:
    """Piped answers, one line per question in the order they are asked (as click's prompts
    read them), checked as typed ones are; the questions and answers on stderr, not stdout."""
    args = [a for a in FLAGS if a not in ("--security-email", "sec@acme.test")]
    result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path), *args], input="sec@acme.test\n")
    assert result.exit_code == 0, result.output
    assert "Security team email" not in result.stdout  # no prompt on stdout
    assert "Security team email for scheduled PDFs: sec@acme.test" in result.stderr
    assert "sec@acme.test" in (tmp_path / "schedules.yaml").read_text()

    every = tmp_path / "every"
    answers = "s3://acme-results/q/\ngit@github.com:acme/ct.git\nacme-trail\n\n111111111111\n\n"
    result = CliRunner(env={"AWS_REGION": "eu-west-1"}).invoke(
        main, ["init", "--dir", str(every)], input=answers
    )
    assert result.exit_code == 0, result.output
    cfg = load_config(every / "looker-ops.yaml", env=ENV)
    assert cfg.athena.bucket == "acme-trail" and cfg.athena.layout == "single"  # empty line: default
    assert cfg.project.git_remote_url == "git@github.com:acme/ct.git"
    assert "security@example.com" in (every / "schedules.yaml").read_text()


def test_a_bad_or_missing_piped_answer_names_its_question_and_flag(tmp_path: Path) -> None:
    env = {"AWS_REGION": "eu-west-1"}
    for answers, complaint in (
        ("results/\n", "the answer to 'S3 location for Athena query results (s3://...)' on stdin: "),
        ("s3://acme-results/q/\ngit@github.com:acme/ct.git\nacme-trail\nsideways\n", "(or pass --layout)"),
        ("s3://acme-results/q/\ngit@github.com:acme/ct.git\n", "stdin ended before 'S3 bucket"),
    ):
        result = CliRunner(env=env).invoke(main, ["init", "--dir", str(tmp_path)], input=answers)
        assert result.exit_code == 2, result.output
        assert complaint in result.stderr and "nothing written" in result.stderr
        assert list(tmp_path.iterdir()) == []
    result = CliRunner(env=env).invoke(main, ["init", "--dir", str(tmp_path)], input="\n")  # nothing
    assert result.exit_code == 2 and "no answers on stdin: pass --s3-staging-dir" in result.stderr


def test_the_next_hint_names_the_missing_project_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # no block here: init's paths lead nowhere
    empty = tmp_path / "empty"
    result = CliRunner().invoke(main, ["init", "--dir", "empty", *FLAGS])
    assert result.exit_code == 0, result.output
    assert "deploy --dry-run" not in result.output
    assert (
        "project.lookml_dir ../lookml_project" in result.output
        and "dashboards.dir ../dashboards" in result.output
    )
    assert "`looker-ops config check`" in result.output
    check = CliRunner(env=ENV).invoke(main, ["config", "check", "-c", str(empty / "looker-ops.yaml")])
    assert check.exit_code == 2 and "project.lookml_dir" in check.output  # what the hint warned of

    (tmp_path / "lookml_project").mkdir()  # the block's folders, as in a checkout
    (tmp_path / "dashboards").mkdir()
    result = CliRunner().invoke(main, ["init", *FLAGS])
    assert result.exit_code == 0, result.output
    assert (  # in a checkout: the check, the tables, then the deploy, in that order
        "next: set LOOKERSDK_* and LOOKER_ATHENA_* variables, then `looker-ops config check`, "
        "`looker-ops athena setup` (the CloudTrail tables) and `looker-ops deploy --dry-run`" in result.output
    )


def test_a_bad_region_in_the_environment_is_named_not_written(tmp_path: Path) -> None:
    args = [a for a in FLAGS if a not in ("--region", "eu-west-1")]
    result = CliRunner(env={"AWS_REGION": "Frankfurt"}).invoke(main, ["init", "--dir", str(tmp_path), *args])
    assert result.exit_code == 2
    assert (
        "guessed from AWS_REGION / AWS_DEFAULT_REGION: 'Frankfurt' is not an AWS region name" in result.output
    )
    assert "pass --region" in result.output and list(tmp_path.iterdir()) == []


def test_init_writes_the_blocks_shipped_schedules_and_alerts_for_the_asked_address(tmp_path: Path) -> None:
    """What the README says the block ships (the weekly CIS and daily security-group PDFs, the
    CIS 4.2/4.3/4.5/4.7 and world-open security group alerts) is what init writes: the schedules
    and alerts of deploy/schedules.yaml, every one sent to the address init asked for; the file
    is one `schedules validate` and `alerts validate` accept."""
    from looker_ops.config.alerts import load_alerts
    from looker_ops.config.schedules import load_schedules

    root = Path(__file__).resolve().parents[2]
    dashboards, project = root / "dashboards", root / "lookml_project"
    args = [
        "init", "--dir", str(tmp_path), "--region", "eu-west-1", "--s3-staging-dir", "s3://r/q/",
        "--git-remote", "git@github.com:acme/ct.git", "--bucket", "trail", "--layout", "single",
        "--account-id", "111111111111", "--security-email", "sec@acme.test",
    ]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    written = tmp_path / "schedules.yaml"
    shipped = root / "deploy" / "schedules.yaml"
    schedules = load_schedules(written, dashboards, env={}).schedules
    alerts = load_alerts(written, dashboards, project, env={}).alerts
    want_schedules = load_schedules(shipped, dashboards, env={}).schedules
    want_alerts = load_alerts(shipped, dashboards, project, env={}).alerts
    assert [(s.name, s.dashboard, s.cron) for s in schedules] == [
        (s.name, s.dashboard, s.cron) for s in want_schedules
    ]
    assert {"Weekly CIS monitoring", "Daily security group changes"} <= {s.name for s in schedules}
    assert [(a.name, a.tile, a.cron, a.condition) for a in alerts] == [
        (a.name, a.tile, a.cron, a.condition) for a in want_alerts
    ]
    assert {a.tile.split()[0] for a in alerts} >= {"4.2", "4.3", "4.5", "4.7", "Ingress"}
    addresses = {d.address for s in schedules for d in s.destinations}
    addresses |= {d.address for a in alerts for d in a.destinations}
    assert addresses == {"sec@acme.test"}  # none of the example's addresses is kept
    assert "example.com" not in "\n".join(
        line for line in written.read_text().splitlines() if not line.lstrip().startswith("#")
    )
    ok = CliRunner().invoke(
        main,
        [
            "alerts",
            "validate",
            "--file",
            str(written),
            "--project",
            str(project),
            "--dashboards",
            str(dashboards),
        ],
    )
    assert ok.exit_code == 0 and "6 alert(s) valid" in ok.output, ok.output


def test_the_config_init_writes_names_the_check_the_readme_names(tmp_path: Path) -> None:
    """init's looker-ops.yaml says how to check it as the README does (`looker-ops config check`)."""
    args = [
        "init", "--dir", str(tmp_path), "--region", "eu-west-1", "--s3-staging-dir", "s3://r/q/",
        "--git-remote", "git@github.com:acme/ct.git", "--bucket", "trail", "--layout", "single",
        "--account-id", "111111111111", "--security-email", "sec@acme.test",
    ]  # fmt: skip
    assert CliRunner().invoke(main, args).exit_code == 0
    first = (tmp_path / "looker-ops.yaml").read_text().splitlines()[0]
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    assert "`looker-ops config check`" in first and "`looker-ops config check`" in readme


@pytest.mark.parametrize("email", ["security@example.com", "soc@team.example.org", "sec@acme.test"])
def test_a_placeholder_security_address_is_warned_of(tmp_path: Path, email: str) -> None:
    args = [a for a in _with("--security-email", email)]
    result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path), *args])
    assert result.exit_code == 0, result.output
    assert f"warning: the security team's address {email} is at a domain kept for examples" in result.stderr
    assert "--security-email" in result.stderr


def test_a_real_security_address_gets_no_warning(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["init", "--dir", str(tmp_path), *_with("--security-email", "soc@acme.io")]
    )
    assert result.exit_code == 0, result.output
    assert "warning" not in result.stderr


def test_the_org_id_is_asked_for_only_with_the_organization_layout(tmp_path: Path) -> None:
    args = [a for a in FLAGS if a not in ("--layout", "single")]
    result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path), *args], input="")
    assert result.exit_code == 2
    assert "pass --layout, --org-id (with --layout organization) (see" in result.stderr
    flat = [a for a in FLAGS if a not in ("--account-id", "111111111111")]  # layout single given
    result = CliRunner().invoke(main, ["init", "--dir", str(tmp_path), *flat], input="")
    assert result.exit_code == 2 and "--org-id" not in result.stderr
