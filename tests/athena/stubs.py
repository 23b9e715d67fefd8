"""botocore Stubber helpers for the Athena, Glue and S3 calls that pyathena and the runner make.

The runner gets a boto3 session with fake keys; a Stubber on each client answers in order and
fails the test on any call not queued (so "no CREATE sent" is checked by the stub itself), and
every StartQueryExecution's SQL is also recorded in :attr:`AwsStubs.sent`.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.stub import ANY, Stubber

from looker_ops.athena.ddl import TableDefinition
from looker_ops.athena.runner import AthenaRunner
from looker_ops.config.athena import AthenaSettings

_SESSION: list[boto3.Session] = []


def _shared_session() -> boto3.Session:
    """One session with fake keys for all tests: service models load once, not per test.
    Each test still gets new clients, each with its own Stubber."""
    if not _SESSION:
        _SESSION.append(
            boto3.Session(
                aws_access_key_id="AKIAFAKEFAKEFAKEFAKE",
                aws_secret_access_key="fake-secret-never-used",
                region_name="us-east-1",
            )
        )
    return _SESSION[0]


class AwsStubs:
    def __init__(self, settings: AthenaSettings) -> None:
        self.settings = settings
        session = _shared_session()
        self.runner = AthenaRunner(settings, session=session, poll_interval=0.0, retry_attempts=1)
        self.athena = Stubber(self.runner.athena_client)
        self.glue = Stubber(self.runner.glue_client)
        self.s3 = Stubber(self.runner.s3_client)
        self.sent: list[str] = []
        self.runner.athena_client.meta.events.register(
            "provide-client-params.athena.StartQueryExecution", self._record
        )

    def _record(self, params: dict[str, Any], **_: Any) -> None:
        self.sent.append(params["QueryString"])

    def __enter__(self) -> AwsStubs:
        for s in (self.athena, self.glue, self.s3):
            s.activate()
        return self

    def __exit__(self, *exc: object) -> None:
        for s in (self.athena, self.glue, self.s3):
            s.deactivate()

    def assert_done(self) -> None:
        for s in (self.athena, self.glue, self.s3):
            s.assert_no_pending_responses()

    # ------------------------------------------------------------------ athena

    def start_params(self, sql: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {
            "QueryString": ANY if sql is None else sql,
            "QueryExecutionContext": {"Database": self.settings.database, "Catalog": "awsdatacatalog"},
        }
        if self.settings.workgroup:
            params["WorkGroup"] = self.settings.workgroup
        if self.settings.output_location:
            params["ResultConfiguration"] = {
                "OutputLocation": self.settings.output_location.rstrip("/") + "/"
            }
        return params

    def expect_query(
        self,
        sql: str | None,
        qid: str,
        *,
        state: str = "SUCCEEDED",
        reason: str = "",
        error_message: str = "",
        scanned: int = 0,
        running_polls: int = 0,
        statement_type: str = "DDL",
    ) -> None:
        self.athena.add_response("start_query_execution", {"QueryExecutionId": qid}, self.start_params(sql))
        for _ in range(running_polls):
            self.athena.add_response(
                "get_query_execution",
                self._execution(qid, "RUNNING", statement_type=statement_type),
                {"QueryExecutionId": qid},
            )
        self.athena.add_response(
            "get_query_execution",
            self._execution(qid, state, reason, error_message, scanned, statement_type),
            {"QueryExecutionId": qid},
        )
        if state == "SUCCEEDED":
            self.athena.add_response(
                "get_query_results",
                {"ResultSet": {"Rows": [], "ResultSetMetadata": {"ColumnInfo": []}}, "UpdateCount": 0},
                {"QueryExecutionId": qid, "MaxResults": ANY},
            )

    @staticmethod
    def _execution(
        qid: str,
        state: str,
        reason: str = "",
        error_message: str = "",
        scanned: int = 0,
        statement_type: str = "DDL",
    ) -> dict[str, Any]:
        status: dict[str, Any] = {"State": state}
        if reason:
            status["StateChangeReason"] = reason
        if error_message:
            status["AthenaError"] = {"ErrorCategory": 2, "ErrorType": 1006, "ErrorMessage": error_message}
        return {
            "QueryExecution": {
                "QueryExecutionId": qid,
                "Query": "...",
                "StatementType": statement_type,
                "Status": status,
                "Statistics": {"DataScannedInBytes": scanned, "EngineExecutionTimeInMillis": 5},
                "ResultConfiguration": {"OutputLocation": f"s3://results/{qid}.txt"},
            }
        }

    # ------------------------------------------------------------------ glue

    def expect_database(self, exists: bool) -> None:
        name = self.settings.database
        if exists:
            self.glue.add_response("get_database", {"Database": {"Name": name}}, {"Name": name})
        else:
            self.glue.add_client_error(
                "get_database",
                "EntityNotFoundException",
                f"Database {name} not found.",
                expected_params={"Name": name},
            )

    def expect_table(self, defn: TableDefinition | None, name: str | None = None, **overrides: Any) -> None:
        table_name = name or (defn.name if defn else self.settings.table)
        params = {"DatabaseName": self.settings.database, "Name": table_name}
        if defn is None:
            self.glue.add_client_error(
                "get_table",
                "EntityNotFoundException",
                f"Table {table_name} not found.",
                expected_params=params,
            )
            return
        self.glue.add_response("get_table", {"Table": glue_table(defn, **overrides)}, params)


def glue_table(defn: TableDefinition, **overrides: Any) -> dict[str, Any]:
    """A Glue GetTable answer for a table Athena created from ``defn``: types as the catalog
    stores them (no spaces), plus the catalog's own parameters."""

    def cols(pairs: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
        return [{"Name": n, "Type": t.replace(" ", "")} for n, t in pairs]

    params = {"EXTERNAL": "TRUE", "transient_lastDdlTime": "1732500000", **defn.properties}
    params.update(overrides.pop("properties", {}))
    table: dict[str, Any] = {
        "Name": defn.name,
        "DatabaseName": defn.database,
        "TableType": "EXTERNAL_TABLE",
        "PartitionKeys": cols(defn.partition_keys),
        "StorageDescriptor": {
            "Columns": cols(overrides.pop("columns", defn.columns)),
            "Location": defn.location,
            "InputFormat": defn.input_format,
            "OutputFormat": defn.output_format,
            "SerdeInfo": {
                "SerializationLibrary": overrides.pop("serde", defn.serde),
                "Parameters": {"serialization.format": "1", **defn.serde_parameters},
            },
        },
        "Parameters": params,
    }
    assert not overrides, overrides
    return table
