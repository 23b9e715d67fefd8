"""``looker-ops init``: write a commented ``looker-ops.yaml`` (and ``schedules.yaml``) for a new
installation, asking only for what cannot be guessed.

Guessed: names (connection, project, models, folder) and everything with a sensible default;
the AWS region from ``AWS_REGION`` / ``AWS_DEFAULT_REGION``; the git remote from the current
repository's ``origin`` (unless it is a folder on this machine, which Looker cannot reach).
Asked: what is left (region if not guessed, S3 results location, git remote if not guessed,
the trail's bucket, layout, account id(s) and organization id, the security team's address),
each answer checked as it is typed. An existing file is found before anything is asked and
never overwritten without ``--force``; the file is checked with the same loader ``deploy``
uses before it is written. ``schedules.yaml`` is the block's shipped one (``deploy/schedules.yaml``:
its scheduled PDFs and alerts) sent to the security team's address, checked as
``schedules validate`` and ``alerts validate`` check it before it is written.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from looker_ops.bundled import block_schedules
from looker_ops.config.athena import valid_account_id, valid_bucket, valid_org_id, valid_region
from looker_ops.config.settings import load_config
from looker_ops.config.values import git_url_problem, local_git_remote
from looker_ops.errors import BadInput

FILES = ("looker-ops.yaml", "schedules.yaml")
DEFAULT_EMAIL = "security@example.com"  # the security team's address when none is given


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


def refuse_existing(target: Path, force: bool) -> None:
    """Without ``force``, BadInput naming the files of ``target`` that init would overwrite."""
    existing = existing_files(target)
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        verb = "already exists" if len(existing) == 1 else "already exist"
        raise BadInput(f"{names}: {verb}; not overwritten (use --force to replace)")


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
# looker-ops.yaml, written by `looker-ops init`. Check it with `looker-ops config check`.
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


_RECIPIENTS = re.compile(r"^(?P<indent> *)recipients:\s*(?P<flow>\[[^\]]*\])?\s*(#.*)?$")


def render_schedules(a: InitAnswers, shipped: str | None = None) -> str:
    """The block's shipped schedules and alerts (``deploy/schedules.yaml``, or ``shipped``) with
    every delivery going to the security team's address: the ``recipients`` of ``defaults:`` (which
    the alerts take too) become that one address, and a schedule's own ``recipients`` list (the
    example's other addresses) is left out, so the schedule takes the default."""
    email = a.security_email or DEFAULT_EMAIL
    text = block_schedules().read_text(encoding="utf-8") if shipped is None else shipped
    out = [
        f"# Written by `looker-ops init` from the block's deploy/schedules.yaml, for {email}.",
        "# Check it with `looker-ops schedules validate` and `looker-ops alerts validate`.",
    ]
    top = ""  # the top-level key the line is under
    list_indent: int | None = None  # dropping the block list of a `recipients:` key
    for line in text.splitlines():
        body = line.lstrip(" ")
        indent = len(line) - len(body)
        if list_indent is not None:
            if body.startswith("- ") and indent >= list_indent:
                continue
            list_indent = None
        if body and indent == 0 and not body.startswith("#"):
            top = body.split(":", 1)[0]
        m = _RECIPIENTS.match(line)
        if m is None:
            out.append(line)
            continue
        if m["flow"] is None:
            list_indent = len(m["indent"])
        if top == "defaults":
            out.append(f"{m['indent']}recipients:")
            out.append(f"{m['indent']}  - {email}")
    return "\n".join(out) + "\n"


def check_schedules(text: str, email: str) -> None:
    """Read ``text`` as `schedules validate` and `alerts validate` do, against the bundled block
    (the dashboards and fields its schedules and alerts name), and make sure every delivery goes
    to ``email``. Raises :class:`BadInput` naming schedules.yaml."""
    from looker_ops.bundled import block_dirs
    from looker_ops.config.alerts import load_alerts
    from looker_ops.config.schedules import load_schedules

    project, dashboards = block_dirs()
    with tempfile.TemporaryDirectory(prefix="looker-ops-init-") as tmp:
        probe = Path(tmp) / "schedules.yaml"
        probe.write_text(text, encoding="utf-8")
        try:
            schedules = load_schedules(probe, dashboards, env={}, require_secrets=False).schedules
            alerts = load_alerts(probe, dashboards, project, env={}, require_secrets=False).alerts
        except BadInput as exc:
            raise BadInput(str(exc).replace(str(probe), "schedules.yaml")) from None
    sent = {d.address for s in schedules for d in s.destinations}
    sent |= {d.address for al in alerts for d in al.destinations}
    if sent != {email}:
        others = ", ".join(sorted(str(x) for x in sent - {email})) or "nobody"
        raise BadInput(
            f"schedules.yaml: the block's schedules would be sent to {others}, not only to {email}"
        )


def relative_to_target(target: Path, path: Path) -> str:
    """``path`` as the config file in ``target`` must name it (paths in it are relative to it)."""
    return Path(os.path.relpath(path.resolve(), target.resolve())).as_posix()


def write_files(target: Path, answers: InitAnswers, *, force: bool = False) -> list[Path]:
    """Write looker-ops.yaml and schedules.yaml into ``target``; return the paths written."""
    files = {
        target / "looker-ops.yaml": render_config(answers),
        target / "schedules.yaml": render_schedules(answers),
    }
    refuse_existing(target, force)
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
    check_schedules(files[target / "schedules.yaml"], answers.security_email or DEFAULT_EMAIL)
    for path, text in files.items():
        path.write_text(text)
    return list(files)
