"""The Athena connection: desired state from the config, plan against Looker's, apply, test.

What Looker's Amazon Athena connection expects (Looker docs, "Amazon Athena"):
dialect ``athena``; host ``athena.<region>.amazonaws.com``, port 443; database = the default
Athena database; username/password = the AWS access key id / secret access key; additional JDBC
parameters ``s3_staging_dir=<s3 url>`` (query results), plus ``Workgroup=`` and
``UseResultsetStreaming=1`` when configured. PDTs stay disabled (no temp database): the block
never writes to the data account.

The password is write-only in Looker, so it cannot be compared. It is sent when the connection is
created, when the access key id (username) changes, and when Looker has no password: an AWS key
rotation always yields a new access key id, so a rotation is detected without ever reading the
secret back. A secret corrected under the same key id (a typo fixed) cannot be seen that way: it is
sent with ``resend_password`` (``--resend-secrets``), and the deploy sends it once by itself when
the connection test fails on a run that had not sent it (:func:`resend_password`).
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from looker_sdk.sdk.api40 import models as m

from looker_ops.config.settings import ConnectionSettings
from looker_ops.errors import BadInput, RemoteError
from looker_ops.looker.changes import (
    CREATE,
    SECRET,
    UPDATE,
    Change,
    FieldDiff,
    create_or_found,
    diff_fields,
    get,
)

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

KIND = "connection"
# Fields compared between the config and Looker (the password is handled apart: write-only).
COMPARED = [
    "dialect_name",
    "host",
    "port",
    "database",
    "username",
    "jdbc_additional_params",
    "max_connections",
    "query_timezone",
]
_OK_TEST_STATUSES = {"success", "skipped", "info", "warning"}


class ConnectionTestFailed(RemoteError):
    """Looker ran the connection's tests and one failed (as opposed to the call itself failing)."""


def settings_problems(cs: ConnectionSettings, file: str = "looker-ops.yaml") -> list[str]:
    """Keys the connection step needs, each missing one a problem naming the key."""
    problems = []
    if not cs.s3_staging_dir:
        problems.append(f"{file}: connection.s3_staging_dir: required by Looker's Athena driver (s3://...)")
    for key in ("aws_access_key_id", "aws_secret_access_key"):
        secret = getattr(cs, key)
        if secret is None or not secret.reveal():
            problems.append(
                f"{file}: connection.{key}: required; set it to ${{ENV_VAR}} and export the variable"
            )
    return problems


def check_settings(cs: ConnectionSettings, file: str = "looker-ops.yaml") -> None:
    """Keys the connection step needs, checked before any call (BadInput naming the first key
    missing; :func:`settings_problems` lists them all)."""
    problems = settings_problems(cs, file)
    if problems:
        raise BadInput(problems[0])


def jdbc_params(cs: ConnectionSettings) -> str:
    parts = [f"s3_staging_dir={cs.s3_staging_dir}"]
    if cs.workgroup:
        parts.append(f"Workgroup={cs.workgroup}")
    if cs.result_streaming:
        parts.append("UseResultsetStreaming=1")
    return ";".join(parts)


def desired(cs: ConnectionSettings) -> dict[str, Any]:
    """The connection as Looker should hold it. ``password`` is the Secret (never printed)."""
    return {
        "name": cs.name,
        "dialect_name": "athena",
        "host": f"athena.{cs.region}.amazonaws.com",
        "port": "443",
        "database": cs.database,
        "username": cs.aws_access_key_id.reveal() if cs.aws_access_key_id else None,
        "password": cs.aws_secret_access_key,
        "jdbc_additional_params": jdbc_params(cs),
        "max_connections": cs.max_connections,
        "query_timezone": cs.query_timezone,
    }


def read(client: LookerClient, name: str) -> m.DBConnection | None:
    return client.get_or_none(client.sdk.connection, name)


def plan(want: dict[str, Any], current: Any, *, resend_password: bool = False) -> list[Change]:
    """Pure: the change that brings ``current`` (SDK model, dict or None) to ``want``.
    ``resend_password``: send the password even when nothing shows that it changed."""
    name = str(want["name"])
    if current is None:
        diffs = [FieldDiff(k, None, want[k]) for k in COMPARED if want.get(k) not in (None, "")]
        diffs.append(FieldDiff("password", None, SECRET))
        diffs.append(FieldDiff("pdts_enabled", None, False))
        return [Change(KIND, CREATE, name, _masked(diffs), payload=want)]
    diffs = diff_fields(want, current, COMPARED)
    username_changed = any(d.field == "username" for d in diffs)
    if resend_password or username_changed or not get(current, "has_password"):
        diffs.append(FieldDiff("password", SECRET if get(current, "has_password") else None, SECRET))
    if pdts_enabled(current):
        diffs.append(FieldDiff("pdts_enabled", True, False))
    if not diffs:
        return []
    return [Change(KIND, UPDATE, name, _masked(diffs), payload=want)]


def _masked(diffs: list[FieldDiff]) -> list[FieldDiff]:
    """The username is the AWS access key id, a secret value in the config: never shown."""
    return [
        FieldDiff(d.field, SECRET if d.before else None, SECRET) if d.field == "username" else d
        for d in diffs
    ]


def pdts_enabled(current: Any) -> bool:
    """PDTs are on when the connection has a temp database (``pdts_enabled`` is derived from it)."""
    tmp = get(current, "tmp_db_name")
    if tmp is not None:
        return bool(tmp)
    return bool(get(current, "pdts_enabled"))


def _body(want: dict[str, Any], fields: set[str] | None) -> m.WriteDBConnection:
    values: dict[str, Any] = {}
    for key in ["name", *COMPARED]:
        if fields is None or key in fields or key == "name":
            values[key] = want.get(key)
    if fields is None or "password" in fields:
        secret = want.get("password")
        values["password"] = secret.reveal() if secret is not None else None
    if fields is None or "pdts_enabled" in fields:
        values["tmp_db_name"] = ""
    if values.get("port") is not None:
        values["port"] = str(values["port"])
    if fields is not None:
        values.pop("name", None)
    return m.WriteDBConnection(**values)


def apply(client: LookerClient, changes: list[Change]) -> None:
    for ch in changes:
        want = ch.payload
        secret = want.get("password")
        if secret is not None:
            client.redactor.add(secret.reveal())
        if ch.action == CREATE:
            body = _body(want, None)
            _, found = create_or_found(
                client,
                "create_connection",
                partial(client.sdk.create_connection, body),
                partial(read, client, ch.name),
            )
            if found:
                # It existed after a timeout (or someone else made it): nothing proves this run's
                # create was applied, so send every field, password included.
                client.sdk.update_connection(ch.name, _body(want, {*COMPARED, "password", "pdts_enabled"}))
        elif ch.action == UPDATE:
            _update(client, ch.name, want, ch)


def _update(client: LookerClient, name: str, want: dict[str, Any], ch: Change) -> None:
    fields = {d.field for d in ch.diffs}
    client.sdk.update_connection(name, _body(want, fields))


def sends_password(changes: list[Change]) -> bool:
    """Whether applying ``changes`` sends the password."""
    return any(
        ch.action == CREATE or any(d.field == "password" for d in ch.diffs)
        for ch in changes
        if ch.kind == KIND
    )


def resend_password(client: LookerClient, want: dict[str, Any]) -> None:
    """Send only the password (write-only in Looker: the one field a plan cannot compare)."""
    secret = want.get("password")
    if secret is not None:
        client.redactor.add(secret.reveal())
    client.sdk.update_connection(str(want["name"]), _body(want, {"password"}))


def test(client: LookerClient, name: str) -> list[str]:
    """Run Looker's tests of the connection; raise RemoteError with Looker's message on a failure.

    Returns one line per test (name: status) for the report.
    """
    results = client.sdk.test_connection(name)
    lines: list[str] = []
    failed: list[str] = []
    for r in results or []:
        status = (r.status or "").lower()
        text = f"{r.name}: {status}" + (f" ({r.message})" if r.message else "")
        lines.append(text)
        if status not in _OK_TEST_STATUSES:
            failed.append(text)
    if failed:
        raise ConnectionTestFailed(
            client.redactor.redact(
                f"connection {name}: Looker's connection test failed: " + "; ".join(failed)
            )
        )
    return lines
