"""Errors raised by the Looker layer: one type, one message format, exit code 3.

Every message names the operation (the SDK method), the HTTP method and path, the status,
Looker's own message and documentation link, the ``errors`` list of a 422, and for 401/403 a
hint about which credential or permission is likely wrong. Every message is redacted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from looker_ops.errors import RemoteError
from looker_ops.looker.redact import REDACTOR, Redactor

# 403 hints: which permission the API user most likely lacks, by operation.
_PERMISSION_HINTS: dict[str, str] = {
    "deploy_to_production": "needs the 'deploy' permission (Developer role) on the project's model set",
    "deploy_ref_to_production": "needs the 'deploy' permission (Developer role) on the project's model set",
    "async_deploy_ref_to_production": "needs the 'deploy' permission (Developer role)",
    "create_project": "needs the 'develop' permission (Developer role)",
    "update_project": "needs the 'develop' permission on the project's models",
    "validate_project": "needs the 'develop' permission on the project's models",
    "project_validation_results": "needs the 'develop' permission on the project's models",
    "create_git_branch": "needs the 'develop' permission on the project's models",
    "update_git_branch": "needs the 'develop' permission on the project's models",
    "delete_git_branch": "needs the 'develop' permission on the project's models",
    "create_git_deploy_key": "needs the 'develop' permission on the project's models",
    "git_deploy_key": "needs the 'develop' permission on the project's models",
    "run_lookml_test": "needs the 'develop' permission on the project's models",
    "all_lookml_tests": "needs the 'develop' permission on the project's models",
    "update_session": "switching to the dev workspace needs the 'develop' permission",
    "create_connection": "managing connections needs the Admin role",
    "update_connection": "managing connections needs the Admin role",
    "delete_connection": "managing connections needs the Admin role",
    "test_connection": "testing connections needs the Admin role",
    "create_lookml_model": "needs the 'manage_models' permission (or Admin)",
    "update_lookml_model": "needs the 'manage_models' permission (or Admin)",
    "delete_lookml_model": "needs the 'manage_models' permission (or Admin)",
    "content_validation": "the content validator needs the 'develop' permission",
    "import_dashboard_from_lookml": "needs 'save_content' and 'manage access, edit' on the target folder",
    "create_dashboard": "needs 'save_content' and 'manage access, edit' on the target folder",
    "update_dashboard": "needs 'save_content' and edit access to the dashboard's folder",
    "delete_dashboard": "needs 'save_content' and edit access to the dashboard's folder",
    "create_folder": "needs 'manage access, edit' on the parent folder",
    "create_scheduled_plan": "needs 'schedule_look_emails' / 'schedule_external_look_emails' "
    "(plus 'send_to_s3' or 'send_outgoing_webhook' for those destinations)",
    "update_scheduled_plan": "needs the scheduling permissions, and to own the plan or be an admin",
    "scheduled_plan_run_once": "needs the scheduling permissions for the plan's destinations",
}


def hint_for(status: int | None, operation: str, path: str) -> str | None:
    """A person-readable guess at what is wrong for 401/403 answers."""
    if status == 401:
        if path.rstrip("/").endswith("/login") or operation == "login":
            return (
                "Looker refused the API credentials: check LOOKERSDK_CLIENT_ID and "
                "LOOKERSDK_CLIENT_SECRET (an API key pair of an active user on this instance) and "
                "that LOOKERSDK_BASE_URL is this instance's API address"
            )
        return (
            "the access token was refused (expired or revoked) even after logging in again: "
            "check that the API key pair is still active and the user is not disabled"
        )
    if status == 403:
        perm = _PERMISSION_HINTS.get(operation)
        if perm:
            return f"the API user lacks a permission: {operation} {perm}"
        return f"the API user lacks a permission for {operation}: check the user's roles and model sets"
    if status == 404 and is_login_path(path):
        return (
            "Looker answers 404 to an unknown API key pair: check the client id and secret "
            "(LOOKERSDK_CLIENT_ID and LOOKERSDK_CLIENT_SECRET, or client_id and client_secret in "
            "looker.ini) and that LOOKERSDK_BASE_URL is this instance's API address"
        )
    return None


_LOGIN_PATH = re.compile(r"/api/[^/]+/login(/[^/]+)?/?$")


def is_login_path(path: str) -> bool:
    """/api/<version>/login (and /login/<user_id>)."""
    return bool(_LOGIN_PATH.search(path))


@dataclass(frozen=True)
class ErrorDetail:
    field: str | None
    code: str | None
    message: str | None
    documentation_url: str | None = None

    def render(self) -> str:
        parts = [p for p in (self.field, self.code) if p]
        head = "/".join(parts)
        return f"{head}: {self.message}" if head else str(self.message or "")


class LookerApiError(RemoteError):
    """A Looker API call failed. ``status`` is None when no HTTP answer arrived (network)."""

    def __init__(
        self,
        *,
        operation: str,
        method: str,
        path: str,
        status: int | None,
        looker_message: str | None = None,
        documentation_url: str | None = None,
        errors: Sequence[ErrorDetail] = (),
        reason: str | None = None,
        attempts: int = 1,
        maybe_applied: bool = False,
        redactor: Redactor | None = None,
    ) -> None:
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.looker_message = looker_message
        self.documentation_url = documentation_url
        self.errors = tuple(errors)
        self.reason = reason
        self.attempts = attempts
        # True when the request may have been applied on Looker (timeout, 5xx on a write):
        # a create must be re-read before it is tried again.
        self.maybe_applied = maybe_applied
        self.hint = hint_for(status, operation, path)
        red = redactor or REDACTOR
        super().__init__(red.redact(self._render()))

    def _render(self) -> str:
        what = f"status {self.status}" if self.status is not None else (self.reason or "no answer")
        msg = f"Looker {self.operation} failed: {self.method} {self.path} -> {what}"
        if self.looker_message:
            msg += f": {self.looker_message}"
        elif self.status is not None and self.reason:
            msg += f": {self.reason}"
        if self.errors:
            msg += " [" + "; ".join(e.render() for e in self.errors) + "]"
        if self.attempts > 1:
            msg += f" (after {self.attempts} attempts)"
        if self.documentation_url:
            msg += f" (see {self.documentation_url})"
        if self.hint:
            msg += f". Hint: {self.hint}"
        return msg

    @property
    def is_not_found(self) -> bool:
        """A 404 for the object asked for. Looker's 404 on /login (an unknown API key pair) is a
        refused login, not a missing object."""
        return self.status == 404 and not is_login_path(self.path)

    @property
    def is_conflict(self) -> bool:
        return self.status == 409


def parse_error_body(body: bytes | str | None) -> tuple[str | None, str | None, list[ErrorDetail]]:
    """Looker's error JSON -> (message, documentation_url, errors). Tolerates non-JSON bodies."""
    if body is None:
        return None, None, []
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data: Any = json.loads(text)
    except ValueError:
        snippet = text.strip()
        if len(snippet) > 300:
            snippet = snippet[:300] + "..."
        return (snippet or None), None, []
    if not isinstance(data, dict):
        return str(data)[:300], None, []
    errors = []
    for e in data.get("errors") or []:
        if isinstance(e, dict):
            errors.append(
                ErrorDetail(
                    field=e.get("field"),
                    code=e.get("code"),
                    message=e.get("message"),
                    documentation_url=e.get("documentation_url"),
                )
            )
    msg = data.get("message")
    doc = data.get("documentation_url")
    return (str(msg) if msg is not None else None), (str(doc) if doc else None), errors
