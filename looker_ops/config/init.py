"""``looker-ops init``: write a commented ``looker-ops.yaml`` (and ``schedules.yaml``) for a new
installation, asking only for what cannot be guessed.

Guessed: names (connection, project, models, folder) and everything with a sensible default;
the AWS region from ``AWS_REGION`` / ``AWS_DEFAULT_REGION``; the git remote from the current
repository's ``origin`` (unless it is a folder on this machine, which Looker cannot reach).
Asked: what is left (region if not guessed, S3 results location, git remote if not guessed,
the trail's bucket, layout, account id(s) and organization id, the security team's address),
each answer checked as it is typed. An existing file is found before anything is asked and
never overwritten without ``--force``; the file is checked with the same loader ``deploy``
uses before it is written.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from looker_ops.config.athena import valid_account_id, valid_bucket, valid_org_id, valid_region
from looker_ops.config.settings import load_config
from looker_ops.config.values import git_url_problem, local_git_remote
from looker_ops.errors import BadInput

FILES = ("looker-ops.yaml", "schedules.yaml")


@dataclass
class InitAnswers:
    region: str
    s3_staging_dir: str
    git_remote_url: str
    bucket: str
    layout: str = "single"
    org_id: str = ""
    account_ids: tuple[str, ...] = ()
    security_email: str = ""
    connection_name: str = "athena_cloudtrail"
    database: str = "cloudtrail"
    folder: str = "Security/CloudTrail"
    workgroup: str = "primary"
    regions: tuple[str, ...] = ()  # empty: every commercial region (the table's projection)
    lookml_dir: str = "lookml_project"  # relative to the config file
    dashboards_dir: str = "dashboards"


def guess_region(env: dict[str, str] | None = None) -> str | None:
    env = dict(os.environ) if env is None else env
    return env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or None


def guess_git_remote(cwd: Path) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(cwd), "remote", "get-url", "origin"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    url = out.stdout.strip()
    return url if out.returncode == 0 and url else None


# --------------------------------------------------------------------------- answers
# Each answer typed at a prompt is checked at once by one of these: None when it is good, else
# what is wrong (the prompt shows it and asks again).


def region_problem(text: str) -> str | None:
    return None if valid_region(text) else f"{text!r} is not an AWS region name (e.g. eu-west-1)"


def bucket_problem(text: str) -> str | None:
    return (
        None
        if valid_bucket(text)
        else f"{text!r} is not an S3 bucket name (3-63 lowercase letters, digits, . -)"
    )


def org_id_problem(text: str) -> str | None:
    return (
        None
        if valid_org_id(text)
        else f"{text!r} is not an AWS Organizations id (o- and 10-32 letters/digits)"
    )


def account_ids_problem(text: str) -> str | None:
    """One or more 12-digit account ids, separated by commas or blanks."""
    ids = split_ids(text)
    bad = [i for i in ids if not valid_account_id(i)]
    if not ids or bad:
        return f"{(bad or [text])[0]!r} is not a 12-digit AWS account id"
    return None


def split_ids(text: str) -> tuple[str, ...]:
    return tuple(p for p in text.replace(",", " ").split() if p)


def git_remote_problem(text: str) -> str | None:
    """A remote Looker can pull from: a URL, not a folder on this machine."""
    if local_git_remote(text):
        return f"{text!r} is {LOCAL_REMOTE}"
    return git_url_problem(text)


LOCAL_REMOTE = (
    "a folder on this machine, which a Looker instance cannot pull from: give the URL of the "
    "repository Looker reaches (e.g. git@github.com:acme/looker-cloudtrail.git)"
)


def existing_files(target: Path) -> list[Path]:
    """The files ``init`` would write that already exist (checked before asking anything)."""
    return [target / name for name in FILES if (target / name).exists()]


def _yaml_list(items: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{i}"' for i in items) + "]"


def render_config(a: InitAnswers) -> str:
    org = (
        f"  org_id: {a.org_id}\n"
        if a.layout == "organization"
        else "  # org_id: o-xxxxxxxxxx     # organization layout only\n"
    )
    return f"""\
# looker-ops.yaml, written by `looker-ops init`. Check it with `looker-ops deploy --dry-run`.
# Secrets never go in this file: they are read from the environment variables named below.
# Looker credentials come from looker-sdk's own settings: LOOKERSDK_BASE_URL,
# LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET (or a looker.ini, see `looker:`).

looker:
  timeout: 120               # seconds per ordinary API call
  long_timeout: 1800         # LookML validation, data tests and content validation

connection:                  # the Athena connection looker-ops creates in Looker
  name: {a.connection_name}
  region: {a.region}
  database: {a.database}         # Athena database with the CloudTrail table
  workgroup: {a.workgroup}
  s3_staging_dir: {a.s3_staging_dir}
  aws_access_key_id: ${{LOOKER_ATHENA_ACCESS_KEY_ID}}
  aws_secret_access_key: ${{LOOKER_ATHENA_SECRET_ACCESS_KEY}}

project:
  name: cloudtrail_block
  git_remote_url: {a.git_remote_url}
  deploy_branch: main
  lookml_dir: {a.lookml_dir}     # paths are relative to this file
  models: [cloudtrail]

dashboards:
  dir: {a.dashboards_dir}
  folder: {a.folder}   # under Shared; created if missing

athena:                      # the table `looker-ops athena setup` creates
  layout: {a.layout}             # single | multi | organization
  bucket: {a.bucket}
{org}  account_ids: {_yaml_list(a.account_ids)}
  regions: {_yaml_list(a.regions)}{"" if a.regions else "   # empty: every commercial region (list yours to narrow the projection)"}
  first_date: 2025-01-01

schedules: schedules.yaml
"""


def render_schedules(a: InitAnswers) -> str:
    email = a.security_email or "security@example.com"
    return f"""\
# schedules.yaml, written by `looker-ops init`: scheduled PDF deliveries of the block's
# dashboards. `looker-ops schedules apply` makes Looker match this file; see docs/schedules.md.
schedules:
  - name: Weekly console login overview
    dashboard: cloudtrail_console_login_overview
    cron: "0 7 * * 1"
    timezone: UTC
    filters:
      Date: 7 days
    recipients: [{email}]
    format: wysiwyg_pdf
"""


def relative_to_target(target: Path, path: Path) -> str:
    """``path`` as the config file in ``target`` must name it (paths in it are relative to it)."""
    return Path(os.path.relpath(path.resolve(), target.resolve())).as_posix()


def write_files(target: Path, answers: InitAnswers, *, force: bool = False) -> list[Path]:
    """Write looker-ops.yaml and schedules.yaml into ``target``; return the paths written."""
    files = {
        target / "looker-ops.yaml": render_config(answers),
        target / "schedules.yaml": render_schedules(answers),
    }
    existing = existing_files(target)
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise BadInput(f"{names}: already exists; not overwritten (use --force to replace)")
    target.mkdir(parents=True, exist_ok=True)
    # Check the config with the real loader before anything is written.
    probe = target / ".looker-ops.yaml.check"
    probe.write_text(files[target / "looker-ops.yaml"])
    try:
        load_config(
            probe,
            env={"LOOKER_ATHENA_ACCESS_KEY_ID": "x", "LOOKER_ATHENA_SECRET_ACCESS_KEY": "x"},
        )
    except BadInput as exc:
        raise BadInput(str(exc).replace(str(probe), "looker-ops.yaml")) from None
    finally:
        probe.unlink(missing_ok=True)
    for path, text in files.items():
        path.write_text(text)
    return list(files)
