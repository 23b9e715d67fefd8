"""``looker-ops init``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import click

from looker_ops.commands.jsonout import masked
from looker_ops.commands.outpaths import writing
from looker_ops.config import init as answers_mod
from looker_ops.config.init import (
    InitAnswers,
    guess_git_remote,
    guess_region,
    refuse_existing,
    relative_to_target,
    write_files,
)
from looker_ops.config.values import (
    email_problem,
    git_url_problem,
    local_git_remote,
    placeholder_email,
    staging_dir_problem,
)
from looker_ops.errors import BadInput


@click.command("init")
@click.option(
    "--dir",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder to write looker-ops.yaml and schedules.yaml into.",
)
@click.option("--region", help="AWS region of Athena (guessed from AWS_REGION).")
@click.option("--s3-staging-dir", help="s3:// location for Athena query results.")
@click.option("--git-remote", help="Git remote Looker pulls the project from (guessed from origin).")
@click.option("--bucket", help="S3 bucket the CloudTrail trail writes to.")
@click.option(
    "--layout", type=click.Choice(["single", "multi", "organization"]), help="How the trail writes."
)
@click.option("--org-id", default="", help="Organization id (o-...), for an organization trail.")
@click.option(
    "--account-id", "account_ids", multiple=True, help="Account id whose logs the trail writes (repeatable)."
)
@click.option("--workgroup", default="primary", show_default=True, help="Athena workgroup Looker queries in.")
@click.option(
    "--trail-region",
    "trail_regions",
    multiple=True,
    help="Region the trail logs (repeatable; default: every commercial region).",
)
@click.option("--security-email", help="Address of the security team receiving scheduled PDFs.")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
def init_cmd(
    target: Path,
    region: str | None,
    s3_staging_dir: str | None,
    git_remote: str | None,
    bucket: str | None,
    layout: str | None,
    org_id: str,
    account_ids: tuple[str, ...],
    workgroup: str,
    trail_regions: tuple[str, ...],
    security_email: str | None,
    force: bool,
) -> None:
    """Write a commented looker-ops.yaml and schedules.yaml, asking only what cannot be guessed.

    Every answer is checked as it is typed, and every option as the question would check it,
    before anything is asked or written. Without a terminal, the answers are read from stdin,
    one line per question in the order they are asked (an empty line takes the default);
    with nothing piped, pass the options.
    """
    refuse_existing(target, force)  # before asking anything
    _check_options(
        region=region,
        s3_staging_dir=s3_staging_dir,
        git_remote=git_remote,
        bucket=bucket,
        org_id=org_id,
        account_id=account_ids,
        trail_region=trail_regions,
        security_email=security_email,
    )
    guessed = None if region else guess_region()
    if guessed and (problem := answers_mod.region_problem(guessed)):
        raise BadInput(
            f"init: the region guessed from AWS_REGION / AWS_DEFAULT_REGION: {problem}; pass --region"
        )
    if git_remote and local_git_remote(git_remote):
        click.echo(f"note: --git-remote {masked(git_remote)} is {answers_mod.LOCAL_REMOTE}", err=True)
    if not git_remote:
        git_remote = _guessed_remote(target)
    region, s3_staging_dir, git_remote, bucket, layout, org_id, account_ids, security_email = _ask_missing(
        region, s3_staging_dir, git_remote, bucket, layout, org_id, account_ids, security_email
    )
    answers = InitAnswers(
        region=region,
        s3_staging_dir=s3_staging_dir,
        git_remote_url=git_remote,
        bucket=bucket,
        layout=layout,
        org_id=org_id,
        account_ids=account_ids,
        security_email=security_email,
        workgroup=workgroup,
        regions=trail_regions,
        # The config's paths are relative to its own folder: point them at the block from there.
        lookml_dir=relative_to_target(target, Path("lookml_project")),
        dashboards_dir=relative_to_target(target, Path("dashboards")),
    )
    with writing("--dir", target):
        written = write_files(target, answers, force=force)
    for path in written:
        click.echo(f"wrote {path}")
    if placeholder_email(security_email):
        click.echo(
            f"warning: the security team's address {security_email} is at a domain kept for examples: "
            "nobody receives the scheduled PDFs and alerts sent there; pass --security-email (or edit "
            f"{target / 'schedules.yaml'}) before deploying",
            err=True,
        )
    click.echo(_next_hint(target, answers))


def _next_hint(target: Path, answers: InitAnswers) -> str:
    """What to do next: deploy, or first bring the folders the config names and are missing
    (``config check`` and ``deploy`` refuse a config whose folders are not there)."""
    missing = [
        f"{key} {path}"
        for key, path in (
            ("project.lookml_dir", answers.lookml_dir),
            ("dashboards.dir", answers.dashboards_dir),
        )
        if not (target / path).is_dir()
    ]
    if missing:
        return (
            f"next: the config names folders that do not exist yet ({', '.join(missing)}, relative to "
            f"{target / 'looker-ops.yaml'}): copy the block's lookml_project/ and dashboards/ there (or run "
            "init in a checkout of this repository, or edit those keys), then `looker-ops config check`"
        )
    return (
        "next: set LOOKERSDK_* and LOOKER_ATHENA_* variables, then `looker-ops config check`, "
        "`looker-ops athena setup` (the CloudTrail tables) and `looker-ops deploy --dry-run`"
    )


def _has_terminal() -> bool:
    """Whether a question can be answered: stdin is a terminal."""
    return sys.stdin.isatty()


def _check_options(**given: str | tuple[str, ...] | None) -> None:
    """BadInput naming each option whose value the matching question would refuse, with what is
    wrong (every one at once), before anything is asked or written."""
    checks: dict[str, Callable[[str], str | None]] = {
        "region": answers_mod.region_problem,
        "s3_staging_dir": staging_dir_problem,
        # A folder on this machine is allowed by option (said in a note): a test or a local Looker.
        "git_remote": lambda v: None if local_git_remote(v) else git_url_problem(v),
        "bucket": answers_mod.bucket_problem,
        "org_id": answers_mod.org_id_problem,
        "account_id": answers_mod.account_ids_problem,
        "trail_region": answers_mod.region_problem,
        "security_email": email_problem,
    }
    problems = []
    for name, value in given.items():
        values = value if isinstance(value, tuple) else () if value in (None, "") else (value,)
        for v in values:
            if (problem := checks[name](v.strip())) is not None:
                problems.append(f"--{name.replace('_', '-')}: {problem}")
    if len(problems) == 1:
        raise BadInput(f"init: {problems[0]}; nothing written")
    if problems:
        raise BadInput(f"init: {len(problems)} bad options; nothing written:\n  " + "\n  ".join(problems))


def _ask_missing(
    region: str | None,
    s3_staging_dir: str | None,
    git_remote: str | None,
    bucket: str | None,
    layout: str | None,
    org_id: str,
    account_ids: tuple[str, ...],
    security_email: str | None,
) -> tuple[str, str, str, str, str, str, tuple[str, ...], str]:
    """Every answer the options did not give, asked in order and checked as it is typed."""
    ask = _Asker(
        region=not (region or guess_region()),
        s3_staging_dir=not s3_staging_dir,
        git_remote=not git_remote,
        bucket=not bucket,
        layout=not layout,
        org_id=not org_id and layout in (None, "organization"),
        account_id=not account_ids,
        security_email=security_email is None,
    )
    ask.refuse_without_terminal()
    region = (
        region
        or guess_region()
        or ask("AWS region of Athena", "region", answers_mod.region_problem, "us-east-1")
    )
    s3_staging_dir = s3_staging_dir or ask(
        "S3 location for Athena query results (s3://...)", "s3_staging_dir", staging_dir_problem
    )
    git_remote = git_remote or ask(
        "Git remote Looker pulls the project from", "git_remote", answers_mod.git_remote_problem
    )
    bucket = bucket or ask("S3 bucket your CloudTrail trail writes to", "bucket", answers_mod.bucket_problem)
    layout = layout or ask(
        "Trail layout", "layout", None, "single", click.Choice(["single", "multi", "organization"])
    )
    if layout == "organization" and not org_id:
        org_id = ask("Organization id (o-...)", "org_id", answers_mod.org_id_problem)
    if not account_ids:
        many = "s, separated by commas" if layout != "single" else ""
        account_ids = answers_mod.split_ids(
            ask(
                f"AWS account id{many} whose logs the trail writes",
                "account_id",
                answers_mod.account_ids_problem,
            )
        )
    if security_email is None:
        security_email = ask(
            "Security team email for scheduled PDFs", "security_email", email_problem, "security@example.com"
        )
    return region, s3_staging_dir, git_remote, bucket, layout, org_id, account_ids, security_email


def _guessed_remote(target: Path) -> str | None:
    """The repository's ``origin``, unless it is a folder on this machine (then said, and asked)."""
    guess = guess_git_remote(target)
    if guess and local_git_remote(guess):
        click.echo(f"note: git origin {masked(guess)} is {answers_mod.LOCAL_REMOTE}", err=True)
        return None
    return guess


class _Asker:
    """Asks one question at a time, checking the answer as it is typed. Without a terminal, the
    answers are the lines piped on stdin, one per question in the order the questions come (as
    click's prompts read them); with nothing piped, it names the options to pass instead, for
    every question still open."""

    def __init__(self, **needed: bool) -> None:
        self.open = [name for name, need in needed.items() if need]
        self.piped: list[str] | None = None  # the lines of stdin when it is not a terminal

    def refuse_without_terminal(self) -> None:
        """Without a terminal and with a question open, read the answers piped on stdin; none
        there is BadInput naming the options to pass (before any question is printed)."""
        if not self.open or _has_terminal():
            return
        lines = sys.stdin.read().splitlines()
        if not any(line.strip() for line in lines):
            raise BadInput(
                f"init: no terminal to ask on and no answers on stdin: pass {self._flags()} "
                "(see `looker-ops init --help`)"
            )
        self.piped = lines

    def _flags(self) -> str:
        """The options that answer the open questions; ``--org-id`` only for an organization
        trail (said so while the layout is still open)."""
        flags = []
        for n in self.open:
            flag = "--" + n.replace("_", "-")
            if n == "org_id" and "layout" in self.open:
                flag += " (with --layout organization)"
            flags.append(flag)
        return ", ".join(flags)

    def __call__(
        self,
        text: str,
        name: str,
        check: Callable[[str], str | None] | None,
        default: str | None = None,
        choice: click.Choice | None = None,
    ) -> str:
        if self.piped is not None:
            answer = self._piped(text, name, check, default, choice)
        else:
            answer = self._typed(text, check, default, choice)
        if name in self.open:
            self.open.remove(name)
        return answer

    def _typed(
        self,
        text: str,
        check: Callable[[str], str | None] | None,
        default: str | None,
        choice: click.Choice | None,
    ) -> str:
        """The answer typed at the terminal, asked again until it passes ``check``."""

        def proc(value: str) -> str:
            value = value.strip()
            problem = check(value) if check is not None else None
            if problem is not None:
                raise click.BadParameter(problem)
            return value

        try:
            answer = click.prompt(text, default=default, type=choice, value_proc=None if choice else proc)
        except click.Abort:
            raise BadInput(
                f"init: no answer to {text!r}: pass {self._flags()} (see `looker-ops init --help`)"
            ) from None
        return str(answer)

    def _piped(
        self,
        text: str,
        name: str,
        check: Callable[[str], str | None] | None,
        default: str | None,
        choice: click.Choice | None,
    ) -> str:
        """The next line piped on stdin (an empty line takes the default), said on stderr with
        its question. Nothing to ask again: a refused or missing answer is BadInput naming the
        question and the option that answers it, before anything is written."""
        assert self.piped is not None
        flag = "--" + name.replace("_", "-")
        if not self.piped:
            raise BadInput(
                f"init: stdin ended before {text!r} was answered: pass {self._flags()} or pipe one "
                "answer per question; nothing written"
            )
        value = self.piped.pop(0).strip() or (default or "")
        if not value:
            problem: str | None = "empty, and there is no default"
        elif choice is not None:
            problem = (
                None if value in choice.choices else f"{value!r} is not one of {', '.join(choice.choices)}"
            )
        else:
            problem = check(value) if check is not None else None
        if problem is not None:
            raise BadInput(
                f"init: the answer to {text!r} on stdin: {problem} (or pass {flag}); nothing written"
            )
        click.echo(f"{text}: {masked(value)}", err=True)  # a git remote may hold a token
        return value
