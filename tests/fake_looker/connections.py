"""Database connections: create, update, get, all, delete, test (connect/query results)."""

from __future__ import annotations

from typing import Any

from tests.fake_looker.core import FakeLooker, Reply, Request, conflict, invalid, not_found, route

WRITABLE = {
    "name",
    "host",
    "port",
    "username",
    "password",
    "certificate",
    "file_type",
    "database",
    "db_timezone",
    "query_timezone",
    "schema",
    "max_connections",
    "max_queries",
    "max_queries_per_user",
    "max_billing_gigabytes",
    "ssl",
    "verify_ssl",
    "tmp_db_name",
    "tmp_db_host",
    "jdbc_additional_params",
    "pool_timeout",
    "dialect_name",
    "user_db_credentials",
    "maintenance_cron",
    "sql_runner_precache_tables",
    "sql_writing_with_info_schema",
    "after_connect_statements",
    "pdt_concurrency",
    "disable_context_comment",
    "always_retry_failed_builds",
    "cost_estimate_enabled",
    "pdt_api_control_enabled",
    "connection_pooling",
    "uses_tns",
    "named_driver_version_requested",
    "uses_key_pair_auth",
    "query_holding_disabled",
    "custom_local_port",
    "tunnel_id",
}
DIALECTS = {
    "athena",
    "bigquery_standard_sql",
    "snowflake",
    "redshift",
    "postgres",
    "mysql",
    "presto",
    "trino",
}


def _public(c: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in c.items() if k != "password"}
    out["has_password"] = bool(c.get("password"))
    return out


def _validate(body: dict[str, Any], creating: bool) -> None:
    errors = []
    if creating and not body.get("name"):
        errors.append(("name", "missing_field", "This field is required."))
    if creating and not body.get("dialect_name"):
        errors.append(("dialect_name", "missing_field", "This field is required."))
    d = body.get("dialect_name")
    if d is not None and d not in DIALECTS:
        errors.append(("dialect_name", "invalid", f"Unknown dialect {d!r}"))
    if body.get("max_connections") is not None and body["max_connections"] < 1:
        errors.append(("max_connections", "invalid", "must be at least 1"))
    if errors:
        raise invalid(*errors)


@route("GET", "/connections", "all_connections")
def all_connections(fake: FakeLooker, req: Request) -> Any:
    return [_public(c) for c in fake.table("connections").values()]


@route("POST", "/connections", "create_connection")
def create_connection(fake: FakeLooker, req: Request) -> Any:
    body = req.json()
    _validate(body, creating=True)
    conns = fake.table("connections")
    if body["name"] in conns:
        raise conflict(f"A connection named {body['name']!r} already exists")
    c = {k: v for k, v in body.items() if k in WRITABLE}
    c.update(
        {
            "created_at": "2026-01-01T00:00:00.000+00:00",
            "user_id": req.token.user_id if req.token else None,
            "example": False,
            "pdts_enabled": bool(body.get("tmp_db_name")),
            "managed": False,
            "can": {},
        }
    )
    conns[c["name"]] = c
    return _public(c)


@route("GET", "/connections/{connection_name}", "connection")
def get_connection(fake: FakeLooker, req: Request) -> Any:
    c = fake.table("connections").get(req.params["connection_name"])
    if c is None:
        raise not_found()
    return _public(c)


@route("PATCH", "/connections/{connection_name}", "update_connection")
def update_connection(fake: FakeLooker, req: Request) -> Any:
    conns = fake.table("connections")
    c = conns.get(req.params["connection_name"])
    if c is None:
        raise not_found()
    body = req.json()
    _validate(body, creating=False)
    new_name = body.get("name")
    if new_name and new_name != c["name"]:
        if new_name in conns:
            raise conflict(f"A connection named {new_name!r} already exists")
        conns.pop(c["name"])
        conns[new_name] = c
    c.update({k: v for k, v in body.items() if k in WRITABLE})
    return _public(c)


@route("DELETE", "/connections/{connection_name}", "delete_connection")
def delete_connection(fake: FakeLooker, req: Request) -> Any:
    if fake.table("connections").pop(req.params["connection_name"], None) is None:
        raise not_found()
    return Reply(204)


@route("PUT", "/connections/{connection_name}/test", "test_connection", mutates=False)
def test_connection(fake: FakeLooker, req: Request) -> Any:
    """Results per test. A test fails when fake.options["connection_test_failures"][test] is set,
    when the password is missing (connect), when it is not the secret registered for the
    username in fake.options["aws_secrets"] ({access key id: secret access key}, as AWS knows
    them; connect), or on Athena without s3_staging_dir (query)."""
    c = fake.table("connections").get(req.params["connection_name"])
    if c is None:
        raise not_found()
    wanted = [t for t in (req.query.get("tests") or "connect,query").split(",") if t]
    forced: dict[str, str] = fake.options.get("connection_test_failures", {})
    cs = f"jdbc:{c.get('dialect_name')}://{c.get('host')}:{c.get('port') or ''}/{c.get('database') or ''}"
    results = []
    for t in wanted:
        msg = forced.get(t)
        if msg is None and t == "connect" and not c.get("password"):
            msg = "Cannot connect: authentication failed (no password)"
        known: dict[str, str] = fake.options.get("aws_secrets", {})
        if (
            msg is None
            and t == "connect"
            and c.get("username") in known
            and known[c["username"]] != c.get("password")
        ):
            msg = "Cannot connect: The security token included in the request is invalid"
        if (
            msg is None
            and t == "query"
            and c.get("dialect_name") == "athena"
            and "s3_staging_dir" not in (c.get("jdbc_additional_params") or "")
        ):
            msg = "Query failed: s3_staging_dir is not set in the additional JDBC parameters"
        status = "error" if msg else "success"
        results.append(
            {
                "name": t,
                "status": status,
                "message": msg or f"{t.capitalize()} OK",
                "connection_string": cs,
                "can": {},
            }
        )
    return results
