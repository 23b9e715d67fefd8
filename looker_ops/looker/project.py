"""The LookML project: create it (dev workspace), set its git remote, deploy key; validate a ref
on a dev branch; read and move production.

Looker only creates and edits projects in the dev workspace; the API session starts in
production, so every edit here is wrapped in ``client.workspace(dev=True)`` (which switches back).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from looker_sdk.sdk.api40 import models as m

from looker_ops.config.settings import ProjectSettings
from looker_ops.errors import RemoteError, ValidationFailed
from looker_ops.gitops import redact_url
from looker_ops.looker.changes import CREATE, UPDATE, Change, FieldDiff, create_or_found, diff_fields, get

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

KIND = "project"
# Every field deploy owns: compared with Looker (a switch-off in the UI is drift) and sent.
COMPARED = ["git_remote_url", "git_production_branch_name", "git_release_mgmt_enabled"]
# The dev branch the deploy checks the pushed commit out on before validating it. One fixed name,
# reset to each new commit, so reruns never pile up branches.
VALIDATE_BRANCH = "looker_ops_validate"
_BAD_SEVERITIES = {"fatal", "error"}


def is_ssh_url(url: str) -> bool:
    return url.startswith("ssh://") or bool(re.match(r"^[\w.-]+@[\w.-]+:", url))


def desired(ps: ProjectSettings) -> dict[str, Any]:
    return {
        "name": ps.name,
        "git_remote_url": ps.git_remote_url,
        "git_production_branch_name": ps.deploy_branch,
        # Advanced deploy mode: production moves only to the ref looker-ops validated and deployed
        # (deploy_ref_to_production), never to whatever the production branch holds.
        "git_release_mgmt_enabled": True,
    }


def find(client: LookerClient, name: str) -> m.Project | None:
    """The project, looked up in production, then in the dev workspace (a never-deployed project
    exists only there)."""
    found = client.get_or_none(client.sdk.project, name)
    if found is not None:
        return found
    with client.workspace(dev=True):
        return client.get_or_none(client.sdk.project, name)


def plan(want: dict[str, Any], current: Any) -> list[Change]:
    """Pure: create the project and/or point it at the git remote and deploy branch."""
    name = str(want["name"])
    if current is None:
        diffs = [FieldDiff(k, None, want[k]) for k in COMPARED if want.get(k) is not None]
        return [Change(KIND, CREATE, name, _shown(diffs), payload=want)]
    diffs = diff_fields(want, current, COMPARED)
    return [Change(KIND, UPDATE, name, _shown(diffs), payload=want)] if diffs else []


def _shown(diffs: list[FieldDiff]) -> list[FieldDiff]:
    """Remote URLs as printed: any user info (a token in an https URL) masked."""
    out = []
    for d in diffs:
        if d.field == "git_remote_url":
            d = FieldDiff(
                d.field,
                redact_url(d.before) if d.before else d.before,
                redact_url(d.after) if d.after else d.after,
            )
        out.append(d)
    return out


def apply(client: LookerClient, changes: list[Change], *, ssh: bool = False) -> str | None:
    """Create the project (dev workspace) and set its git settings.

    For an ssh remote Looker needs its deploy key before the URL is set: it is made here if
    missing. Returns that public key when this call created it (the user must register it).
    """
    new_key: str | None = None
    for ch in changes:
        want = ch.payload
        with client.workspace(dev=True):  # no switch when the caller is already there
            if ch.action == CREATE:
                client.create_or_get(
                    create=partial(client.sdk.create_project, m.WriteProject(name=ch.name)),
                    find=partial(client.get_or_none, client.sdk.project, ch.name),
                    operation="create_project",
                )
            if ssh and not client.get_or_none(client.sdk.git_deploy_key, ch.name):
                key, found = create_or_found(
                    client,
                    "create_git_deploy_key",
                    partial(client.sdk.create_git_deploy_key, ch.name),
                    partial(client.get_or_none, client.sdk.git_deploy_key, ch.name),
                )
                new_key = None if found else str(key).strip()
            body = m.WriteProject(**{k: want[k] for k in COMPARED if want.get(k) is not None})
            client.sdk.update_project(ch.name, body)
    return new_key


def deploy_key_message(project: str, remote: str, key: str, why: str) -> str:
    return (
        f"project {project}: {why}. Register this public key as a deploy key WITH WRITE ACCESS on "
        f"{remote} (GitHub: Settings > Deploy keys > Add deploy key, 'Allow write access'), then run "
        f"deploy again:\n{key.strip()}"
    )


def check_git_connection(client: LookerClient, project: str, remote: str) -> list[str]:
    """Run Looker's git connection tests for the project (dev workspace).

    Raises RemoteError showing the deploy key to register when a test fails; returns one line
    per test otherwise.
    """
    lines: list[str] = []
    failures: list[str] = []
    with client.workspace(dev=True):
        for t in client.sdk.all_git_connection_tests(project) or []:
            if not t.id:
                continue
            r = client.sdk.run_git_connection_test(project, t.id)
            line = f"{t.id}: {r.status}" + (f" ({r.message})" if r.message else "")
            lines.append(line)
            if (r.status or "").lower() != "pass":
                failures.append(line)
        key = client.get_or_none(client.sdk.git_deploy_key, project) if failures else None
    if failures:
        why = "Looker cannot use the git remote (" + "; ".join(failures) + ")"
        if key:
            raise RemoteError(deploy_key_message(project, remote, str(key), why))
        raise RemoteError(f"project {project}: {why}")
    return lines


# --------------------------------------------------------------------------- validation


@dataclass
class ValidationOutcome:
    errors: list[str]
    warnings: list[str]
    tests: list[str]

    @property
    def ok(self) -> bool:
        return not self.errors


def checkout(client: LookerClient, project: str, branch: str, ref: str) -> None:
    """In the dev workspace (caller's job): check ``branch`` out at ``ref`` (created if missing)."""
    existing = client.get_or_none(client.sdk.find_git_branch, project, branch)
    if existing is None:
        made = client.create_or_get(
            create=lambda: client.sdk.create_git_branch(project, m.WriteGitBranch(name=branch, ref=ref)),
            find=lambda: client.get_or_none(client.sdk.find_git_branch, project, branch),
            operation="create_git_branch",
        )
        if made.ref == ref:
            return  # created and checked out (as the API documents) at the ref
    client.sdk.update_git_branch(project, m.WriteGitBranch(name=branch, ref=ref))


def _error_line(e: Any) -> str:
    where = get(e, "file_path") or ""
    line = get(e, "line_number")
    loc = f"{where}:{line}" if where and line else where or (get(e, "model_id") or "project")
    return f"{loc}: {get(e, 'message') or get(e, 'sanitized_message') or '(no message)'}"


def validate_ref(
    client: LookerClient, project: str, ref: str, *, data_tests: bool, branch: str = VALIDATE_BRANCH
) -> ValidationOutcome:
    """Check ``ref`` out on a dev branch, run LookML validation and (optionally) the data tests.

    Production is not touched. Raises ValidationFailed (exit 1) listing file:line: message.
    """
    with client.workspace(dev=True):
        checkout(client, project, branch, ref)
        result = client.sdk.validate_project(project)
        errors: list[str] = []
        warnings: list[str] = []
        for e in result.errors or []:
            (errors if (e.severity or "error").lower() in _BAD_SEVERITIES else warnings).append(
                _error_line(e)
            )
        tests: list[str] = []
        if data_tests and not errors:
            for t in client.sdk.run_lookml_test(project) or []:
                name = f"{t.model_name}/{t.test_name}"
                if t.success:
                    tests.append(f"{name}: pass")
                    continue
                msgs = [_error_line(e) for e in (t.errors or [])] or ["failed"]
                tests.append(f"{name}: fail")
                errors.extend(f"data test {name}: {msg}" for msg in msgs)
    outcome = ValidationOutcome(errors, warnings, tests)
    if errors:
        raise ValidationFailed(
            f"LookML validation of {ref[:12]} failed ({len(errors)} error(s)); production untouched:\n  "
            + "\n  ".join(errors)
        )
    return outcome


# --------------------------------------------------------------------------- production


def production_ref(client: LookerClient, project: str) -> str | None:
    """The commit production serves (None if the project was never deployed)."""
    branch = client.get_or_none(client.sdk.git_branch, project)
    return branch.ref if branch is not None and branch.ref else None


def deploy_ref(client: LookerClient, project: str, ref: str) -> None:
    """Move production to ``ref`` and check that it moved."""
    client.sdk.deploy_ref_to_production(project, ref=ref)
    now = production_ref(client, project)
    if now != ref:
        raise RemoteError(
            f"project {project}: deploy_ref_to_production({ref[:12]}) returned, but production is at "
            f"{(now or 'nothing')[:12]}"
        )
