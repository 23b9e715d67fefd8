"""Amazon Athena through pyathena: run DDL, set up the block's tables, validate SQL.

Credentials and region come the AWS way (environment variables, a named profile, an assumed
role, instance/container roles): a boto3 ``Session`` is built from the settings and handed to
pyathena, and the Glue and S3 clients come from the same session. Nothing here prints or logs
a credential.

Every failure of the service is a :class:`AthenaError` (a ``RemoteError``, exit 3) whose
message carries the query execution id (or says the query never started) and Athena's own
message.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from looker_ops.athena.ddl import (
    TableDefinition,
    cloudtrail_definition,
    geoip_definition,
    render_create_database,
    render_drop_table,
    render_table,
)
from looker_ops.config.athena import AthenaSettings
from looker_ops.errors import BadInput, RemoteError

if TYPE_CHECKING:
    import boto3
    from pyathena.connection import Connection
    from pyathena.model import AthenaQueryExecution

TERMINAL_FAILURES = ("FAILED", "CANCELLED")

# pyathena logs each failed call with a traceback; the error reaches the user once, as an
# AthenaError, so keep those records out of the console unless logging is configured.
logging.getLogger("pyathena").addHandler(logging.NullHandler())

_HINTS: tuple[tuple[str, str], ...] = (
    ("no output location", "set --output-location, or a result location on the workgroup"),
    (
        "accessdenied",
        "the caller lacks an IAM permission (athena:*, glue:* on the catalog, s3: on data/results)",
    ),
    (
        "not authorized",
        "the caller lacks an IAM permission (athena:*, glue:* on the catalog, s3: on data/results)",
    ),
    ("bytes scanned limit", "the workgroup's per-query data limit stopped the query"),
    ("too many", "the account's or workgroup's query concurrency limit was reached; retry later"),
    ("workgroup is disabled", "enable the workgroup or choose another with --workgroup"),
    ("unable to locate credentials", "give AWS credentials: environment variables, --profile, or a role"),
)


class AthenaError(RemoteError):
    """Athena (or Glue/S3 for it) refused or failed: exit 3, with the query id for a query.

    ``what`` names the service and the call or statement (``Athena CREATE TABLE db.t``,
    ``Glue get_table``); ``query`` False for calls that are not query executions.
    """

    def __init__(
        self, what: str, message: str, *, query_id: str | None = None, code: str = "", query: bool = True
    ) -> None:
        self.query_id = query_id
        self.code = code
        self.athena_message = message
        qid = ""
        if query:
            qid = f" (query id {query_id})" if query_id else " (query id: none (the query did not start))"
        text = f"{what} failed{qid}: " + (f"{code}: " if code else "") + message
        hint = _hint(f"{code} {message}")
        super().__init__(text + (f" [hint: {hint}]" if hint else ""))


def _hint(text: str) -> str:
    low = text.lower()
    for needle, hint in _HINTS:
        if needle in low:
            return hint
    return ""


@dataclass(frozen=True)
class QueryOutcome:
    """One query execution: its id, final state, rows and the data it scanned."""

    sql: str
    query_id: str | None
    state: str
    rows: tuple[tuple[Any, ...], ...] = ()
    bytes_scanned: int = 0
    error: str = ""
    error_type: int | None = None

    @property
    def ok(self) -> bool:
        return self.state == "SUCCEEDED"


def client_error_parts(exc: BaseException) -> tuple[str, str, str]:
    """(operation, code, message) from a pyathena/botocore exception chain."""
    from botocore.exceptions import BotoCoreError, ClientError

    cur: BaseException | None = exc
    while cur is not None:
        if isinstance(cur, ClientError):
            err = cur.response.get("Error", {})
            return cur.operation_name, str(err.get("Code", "")), str(err.get("Message", "")) or str(cur)
        if isinstance(cur, BotoCoreError):
            return "request", type(cur).__name__, str(cur)
        cur = cur.__cause__ or cur.__context__
    return "request", type(exc).__name__, str(exc)


class AthenaRunner:
    """Runs statements on Athena with pyathena; one boto3 session for Athena, Glue and S3.

    ``session`` may be given (tests give one with fake keys and put a botocore Stubber on
    :attr:`athena_client`, :attr:`glue_client` and :attr:`s3_client`). ``retry_attempts`` is
    both pyathena's retry count for throttled calls and botocore's ``max_attempts``.
    """

    def __init__(
        self,
        settings: AthenaSettings,
        *,
        session: boto3.Session | None = None,
        poll_interval: float = 0.5,
        retry_attempts: int = 5,
    ) -> None:
        self.settings = settings
        self._session = session
        self.poll_interval = poll_interval
        self.retry_attempts = retry_attempts
        self._connection: Connection[Any] | None = None
        self._glue: Any = None
        self._s3: Any = None

    # ------------------------------------------------------------------ AWS plumbing

    def _config(self) -> Any:
        from botocore.config import Config

        return Config(retries={"mode": "standard", "max_attempts": max(1, self.retry_attempts)})

    def region(self) -> str:
        """The AWS region for every client; BadInput naming the setting when none is configured."""
        region = self.settings.region or self.session.region_name
        if not region:
            raise BadInput(
                f"{self.settings.key('region')}: no AWS region for Athena "
                "(set it, or AWS_REGION / the AWS config file)"
            )
        return str(region)

    @property
    def session(self) -> boto3.Session:
        if self._session is None:
            self._session = build_session(self.settings)
        return self._session

    @property
    def connection(self) -> Connection[Any]:
        if self._connection is None:
            import pyathena
            from pyathena.error import ProgrammingError
            from pyathena.util import RetryConfig

            s = self.settings
            if not s.workgroup and not s.output_location:
                raise BadInput(
                    f"{s.key('workgroup')} or {s.key('output_location')}: Athena needs a workgroup "
                    "with a result location, or an s3:// output location for query results"
                )
            try:
                self._connection = pyathena.connect(
                    session=self.session,
                    region_name=self.region(),
                    work_group=s.workgroup or "",
                    s3_staging_dir=s.output_location or "",
                    schema_name=s.database,
                    poll_interval=self.poll_interval,
                    retry_config=RetryConfig(attempt=max(1, self.retry_attempts)),
                    config=self._config(),
                    kill_on_interrupt=True,
                )
            except ProgrammingError as exc:  # pragma: no cover - guarded above
                raise BadInput(f"athena connection: {exc}") from exc

            except Exception as exc:
                _, code, msg = client_error_parts(exc)
                raise AthenaError("Athena connection", msg, code=code, query=False) from exc
        return self._connection

    @property
    def athena_client(self) -> Any:
        return self.connection.client

    @property
    def glue_client(self) -> Any:
        if self._glue is None:
            self._glue = self.session.client("glue", region_name=self.region(), config=self._config())
        return self._glue

    @property
    def s3_client(self) -> Any:
        if self._s3 is None:
            self._s3 = self.session.client("s3", region_name=self.region(), config=self._config())
        return self._s3

    # ------------------------------------------------------------------ queries

    def run(self, sql: str, *, fetch: bool = True) -> QueryOutcome:
        """Run one statement. A query that ends FAILED/CANCELLED is returned (``ok`` False);
        a refused API call (permissions, no output location, throttling) raises AthenaError."""
        from pyathena.error import Error

        polled: list[AthenaQueryExecution] = []
        cursor = self.connection.cursor(on_poll=polled.append)
        try:
            cursor.execute(sql)
        except Error as exc:
            last = polled[-1] if polled else None
            if last is not None and last.state in TERMINAL_FAILURES:
                return QueryOutcome(
                    sql=sql,
                    query_id=last.query_id or cursor.query_id,
                    state=str(last.state),
                    bytes_scanned=int(last.data_scanned_in_bytes or 0),
                    error=last.error_message or last.state_change_reason or str(exc),
                    error_type=last.error_type,
                )
            op, code, msg = client_error_parts(exc)
            raise AthenaError(f"Athena {op}", msg, query_id=cursor.query_id, code=code) from exc
        except Exception as exc:  # botocore errors pyathena did not wrap (credentials, endpoint)
            op, code, msg = client_error_parts(exc)
            raise AthenaError(f"Athena {op}", msg, query_id=cursor.query_id, code=code) from exc
        rows: tuple[tuple[Any, ...], ...] = ()
        if fetch:
            try:
                rows = tuple(tuple(r) for r in cursor.fetchall())
            except Error as exc:
                op, code, msg = client_error_parts(exc)
                raise AthenaError("Athena GetQueryResults", msg, query_id=cursor.query_id, code=code) from exc
        return QueryOutcome(
            sql=sql,
            query_id=cursor.query_id,
            state="SUCCEEDED",
            rows=rows,
            bytes_scanned=int(cursor.data_scanned_in_bytes or 0),
        )

    def execute(self, sql: str, *, what: str = "query") -> QueryOutcome:
        """Run one statement; a failed query raises AthenaError with its id and message."""
        outcome = self.run(sql)
        if not outcome.ok:
            raise AthenaError(f"Athena {what}", outcome.error, query_id=outcome.query_id)
        return outcome

    # ------------------------------------------------------------------ catalog

    def _glue_call(self, op: str, **kwargs: Any) -> dict[str, Any] | None:
        """A Glue read; None when the entity does not exist."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return dict(getattr(self.glue_client, op)(**kwargs))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "EntityNotFoundException":
                return None
            _, code, msg = client_error_parts(exc)
            raise AthenaError(f"Glue {op}", msg, code=code, query=False) from exc
        except BotoCoreError as exc:
            raise AthenaError(f"Glue {op}", str(exc), code=type(exc).__name__, query=False) from exc

    def database_exists(self, database: str) -> bool:
        return self._glue_call("get_database", Name=database) is not None

    def get_table(self, database: str, table: str) -> TableDefinition | None:
        found = self._glue_call("get_table", DatabaseName=database, Name=table)
        if found is None:
            return None
        return definition_from_glue(found["Table"], database)


def build_session(settings: AthenaSettings) -> boto3.Session:
    """A boto3 session: profile or default chain, then the role to assume if one is set."""
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        base = boto3.Session(profile_name=settings.profile, region_name=settings.region)
    except BotoCoreError as exc:
        raise BadInput(f"{settings.key('profile')}: {exc}") from exc
    try:
        credentials = base.get_credentials()
    except BotoCoreError as exc:  # a profile or credential source that cannot give them
        raise BadInput(f"AWS credentials: {exc}") from exc
    if credentials is None:  # missing input, as a missing variable is: exit 2, no call made
        raise BadInput(
            "no AWS credentials found: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, a profile "
            f"(AWS_PROFILE or {settings.key('profile')}), or run where a role provides them"
        )
    if not settings.role_arn:
        return base
    try:
        creds = base.client("sts").assume_role(RoleArn=settings.role_arn, RoleSessionName="looker-ops")[
            "Credentials"
        ]
    except (ClientError, BotoCoreError) as exc:
        _, code, msg = client_error_parts(exc)
        raise AthenaError(f"STS AssumeRole {settings.role_arn}", msg, code=code, query=False) from exc
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=settings.region or base.region_name,
    )


# --------------------------------------------------------------------------- comparison


def definition_from_glue(table: dict[str, Any], database: str) -> TableDefinition:
    sd = table.get("StorageDescriptor", {})
    serde = sd.get("SerdeInfo", {})
    return TableDefinition(
        database=database,
        name=str(table.get("Name", "")),
        columns=tuple((c["Name"], c.get("Type", "")) for c in sd.get("Columns", [])),
        partition_keys=tuple((c["Name"], c.get("Type", "")) for c in table.get("PartitionKeys", [])),
        location=str(sd.get("Location", "")),
        input_format=str(sd.get("InputFormat", "")),
        output_format=str(sd.get("OutputFormat", "")),
        serde=str(serde.get("SerializationLibrary", "")),
        serde_parameters=dict(serde.get("Parameters", {})),
        properties=dict(table.get("Parameters", {})),
    )


def _norm_type(t: str) -> str:
    return re.sub(r"[\s`]", "", t).lower()


def _compare_columns(
    kind: str, have: Sequence[tuple[str, str]], want: Sequence[tuple[str, str]]
) -> list[str]:
    diffs: list[str] = []
    have_map = {n.lower(): t for n, t in have}
    want_map = {n.lower(): t for n, t in want}
    for name, typ in want:
        if name not in have_map:
            diffs.append(f"{kind} {name}: missing (wanted {typ})")
        elif _norm_type(have_map[name]) != _norm_type(typ):
            diffs.append(f"{kind} {name}: type is {have_map[name]}, wanted {typ}")
    for name, _ in have:
        if name.lower() not in want_map:
            diffs.append(f"{kind} {name}: not in the wanted table")
    if not diffs and [n.lower() for n, _ in have] != [n for n, _ in want]:
        diffs.append(f"{kind}s: same names but in another order")
    return diffs


# Table properties that configure what Athena reads; others (EXTERNAL, transient_lastDdlTime,
# classification, ...) are the catalog's own bookkeeping and are not compared.
_OWNED_PROPERTY = re.compile(r"^(projection\.|storage\.location\.template$|skip\.header\.line\.count$)")


def compare_definitions(have: TableDefinition, want: TableDefinition) -> list[str]:
    """Differences that matter between the catalog's table and the wanted one (empty: same)."""
    diffs = _compare_columns("column", have.columns, want.columns)
    diffs += _compare_columns("partition key", have.partition_keys, want.partition_keys)
    for label, h, w in (
        ("location", have.location.rstrip("/"), want.location.rstrip("/")),
        ("input format", have.input_format, want.input_format),
        ("output format", have.output_format, want.output_format),
        ("serde", have.serde, want.serde),
    ):
        if h != w:
            diffs.append(f"{label}: is {h or '(none)'!s}, wanted {w}")
    for key, value in want.serde_parameters.items():
        if have.serde_parameters.get(key) != value:
            diffs.append(f"serde property {key}: is {have.serde_parameters.get(key)!r}, wanted {value!r}")
    for key, value in want.properties.items():
        if have.properties.get(key) != value:
            diffs.append(f"table property {key}: is {have.properties.get(key)!r}, wanted {value!r}")
    for key in sorted(have.properties):
        if _OWNED_PROPERTY.match(key) and key not in want.properties:
            diffs.append(f"table property {key}: set to {have.properties[key]!r}, not wanted")
    return diffs


# --------------------------------------------------------------------------- setup

Status = Literal["created", "unchanged", "different", "replaced", "printed"]


@dataclass
class SetupAction:
    object: str  # "database cloudtrail", "table cloudtrail.cloudtrail_logs"
    status: Status
    differences: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    query_ids: list[str] = field(default_factory=list)


@dataclass
class SetupReport:
    actions: list[SetupAction] = field(default_factory=list)

    @property
    def unresolved(self) -> list[SetupAction]:
        """Tables that differ from the wanted definition and were left alone."""
        return [a for a in self.actions if a.status == "different"]

    @property
    def statements_sent(self) -> list[str]:
        return [s for a in self.actions if a.status != "printed" for s in a.statements]

    def render(self) -> str:
        lines: list[str] = []
        for a in self.actions:
            if a.status == "printed":
                lines.append(a.statements[0] + ";\n")
                continue
            ids = f" (query {', '.join(a.query_ids)})" if a.query_ids else ""
            lines.append(f"{a.object}: {a.status}{ids}")
            lines.extend(f"  - {d}" for d in a.differences)
            if a.status == "different":
                lines.append(
                    "  run again with --replace to drop and re-create it (the data in S3 is untouched)"
                )
        return "\n".join(lines)


TableKind = Literal["cloudtrail", "geoip"]


def desired_definition(settings: AthenaSettings, kind: TableKind) -> TableDefinition:
    return cloudtrail_definition(settings) if kind == "cloudtrail" else geoip_definition(settings)


def setup(
    settings: AthenaSettings,
    *,
    replace: bool = False,
    print_only: bool = False,
    runner: AthenaRunner | None = None,
    tables: Sequence[TableKind] = ("cloudtrail",),
) -> SetupReport:
    """Create the database and tables if missing; leave an identical table alone.

    A table that differs is reported and only dropped and re-created with ``replace``
    (external tables: DROP removes the catalog entry, never the files). ``print_only``
    returns the DDL without any AWS call.
    """
    wanted = [desired_definition(settings, kind) for kind in tables]  # validates settings first
    report = SetupReport()
    if print_only:
        report.actions.append(
            SetupAction(
                f"database {settings.database}", "printed", statements=[render_create_database(settings)]
            )
        )
        for defn in wanted:
            report.actions.append(
                SetupAction(f"table {defn.database}.{defn.name}", "printed", statements=[render_table(defn)])
            )
        return report

    runner = runner or AthenaRunner(settings)
    db_action = SetupAction(f"database {settings.database}", "unchanged")
    if not runner.database_exists(settings.database):
        sql = render_create_database(settings)
        out = runner.execute(sql, what=f"CREATE DATABASE {settings.database}")
        db_action.status = "created"
        db_action.statements.append(sql)
        db_action.query_ids.append(str(out.query_id))
    report.actions.append(db_action)

    for defn in wanted:
        action = SetupAction(f"table {defn.database}.{defn.name}", "unchanged")
        report.actions.append(action)
        existing = runner.get_table(defn.database, defn.name)
        create_sql = render_table(defn)
        if existing is None:
            out = runner.execute(create_sql, what=f"CREATE TABLE {defn.database}.{defn.name}")
            action.status = "created"
            action.statements.append(create_sql)
            action.query_ids.append(str(out.query_id))
            continue
        action.differences = compare_definitions(existing, defn)
        if not action.differences:
            continue
        if not replace:
            action.status = "different"
            continue
        drop_sql = render_drop_table(defn.database, defn.name)
        out = runner.execute(drop_sql, what=f"DROP TABLE {defn.database}.{defn.name}")
        action.statements.append(drop_sql)
        action.query_ids.append(str(out.query_id))
        out = runner.execute(create_sql, what=f"CREATE TABLE {defn.database}.{defn.name}")
        action.statements.append(create_sql)
        action.query_ids.append(str(out.query_id))
        action.status = "replaced"
    return report


# --------------------------------------------------------------------------- validation

Guard = Literal["limit0", "explain"]


@dataclass(frozen=True)
class QueryCheck:
    """The result of validating one query on Athena."""

    index: int
    sql: str
    ok: bool
    query_id: str | None
    error: str = ""
    bytes_scanned: int = 0
    guarded_sql: str = ""


def guard_query(sql: str, guard: Guard = "limit0") -> str:
    """Wrap a query so Athena analyses it fully but reads no data.

    ``limit0``: ``SELECT * FROM (<q>) LIMIT 0``; the engine plans the whole query (names,
    types, functions) and then replaces the zero-row limit with an empty result, so no
    partition is read. ``explain``: ``EXPLAIN <q>``, the plan only.
    """
    body = sql.strip().rstrip(";").strip()
    if not body:
        raise BadInput("validate: an empty query was given")
    if guard == "explain":
        return f"EXPLAIN {body}"
    return f"SELECT * FROM (\n{body}\n) AS looker_ops_guard LIMIT 0"


def validate_sql_on_athena(
    queries: Sequence[str],
    *,
    settings: AthenaSettings | None = None,
    runner: AthenaRunner | None = None,
    guard: Guard = "limit0",
    concurrency: int = 1,
    on_result: Callable[[QueryCheck], None] | None = None,
) -> list[QueryCheck]:
    """Run each query on Athena under a cost guard; per query: ok or Athena's error, and the
    bytes scanned (``Statistics.DataScannedInBytes``). Results are in the order given.

    A query that Athena rejects is a result (``ok`` False); a refused call (no permission,
    no output location, throttling past the retries) raises AthenaError (exit 3).
    """
    if runner is None:
        if settings is None:
            raise BadInput("validate_sql_on_athena: settings or a runner is required")
        runner = AthenaRunner(settings)
    active = runner

    def one(item: tuple[int, str]) -> QueryCheck:
        index, sql = item
        guarded = guard_query(sql, guard)
        out = active.run(guarded, fetch=False)
        check = QueryCheck(
            index=index,
            sql=sql,
            ok=out.ok,
            query_id=out.query_id,
            error=out.error,
            bytes_scanned=out.bytes_scanned,
            guarded_sql=guarded,
        )
        if on_result is not None:
            on_result(check)
        return check

    items = list(enumerate(queries))
    if concurrency <= 1 or len(items) <= 1:
        return [one(i) for i in items]
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="athena-validate") as pool:
        return list(pool.map(one, items))


def total_bytes_scanned(checks: Sequence[QueryCheck]) -> int:
    return sum(c.bytes_scanned for c in checks)
