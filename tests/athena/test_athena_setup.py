"""`athena setup` and SQL validation, against botocore Stubbers on the clients pyathena uses."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

import looker_ops.athena.runner as athena_engine
from looker_ops.athena.ddl import (
    cloudtrail_definition,
    render_cloudtrail_ddl,
    render_create_database,
    render_drop_table,
)
from looker_ops.athena.runner import (
    AthenaError,
    QueryOutcome,
    guard_query,
    setup,
    total_bytes_scanned,
    validate_sql_on_athena,
)
from looker_ops.cli import main
from looker_ops.config.athena import AthenaSettings
from looker_ops.errors import BadInput
from tests.athena.stubs import AwsStubs

ACC = "111122223333"
SETTINGS = AthenaSettings(
    bucket="acme-trail",
    account_ids=(ACC,),
    regions=("us-east-1", "eu-west-1"),
    first_date=dt.date(2024, 1, 1),
    workgroup="looker-ops",
    output_location="s3://acme-athena-results/looker-ops/",
    region="us-east-1",
)
CLI_ARGS = [
    "--bucket",
    "acme-trail",
    "--account-id",
    ACC,
    "--regions",
    "us-east-1,eu-west-1",
    "--first-date",
    "2024-01-01",
    "--workgroup",
    "looker-ops",
    "--output-location",
    "s3://acme-athena-results/looker-ops/",
    "--aws-region",
    "us-east-1",
]


@pytest.fixture
def aws() -> Iterator[AwsStubs]:
    with AwsStubs(SETTINGS) as stubs:
        yield stubs


@pytest.fixture
def cli_aws(aws: AwsStubs, monkeypatch: pytest.MonkeyPatch) -> AwsStubs:
    """The CLI builds its runner through AthenaRunner(settings): hand it the stubbed one,
    after checking the CLI options became the same settings."""

    def make(settings: AthenaSettings) -> object:
        assert dataclasses.replace(settings, key_prefix="--") == SETTINGS
        return aws.runner

    monkeypatch.setattr(athena_engine, "AthenaRunner", make)
    return aws


WANTED = cloudtrail_definition(SETTINGS)


# --------------------------------------------------------------------------- setup


def test_fresh_account_creates_database_then_table(aws: AwsStubs) -> None:
    aws.expect_database(exists=False)
    aws.expect_query(render_create_database(SETTINGS), "q-db")
    aws.expect_table(None)
    aws.expect_query(render_cloudtrail_ddl(SETTINGS), "q-table", running_polls=2)
    report = setup(SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert [(a.object, a.status, a.query_ids) for a in report.actions] == [
        ("database cloudtrail", "created", ["q-db"]),
        ("table cloudtrail.cloudtrail_logs", "created", ["q-table"]),
    ]
    assert aws.sent == [render_create_database(SETTINGS), render_cloudtrail_ddl(SETTINGS)]
    assert "created (query q-table)" in report.render()


def test_second_run_with_same_table_sends_no_ddl(aws: AwsStubs) -> None:
    aws.expect_database(exists=True)
    aws.expect_table(WANTED)
    report = setup(SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert aws.sent == []
    assert [a.status for a in report.actions] == ["unchanged", "unchanged"]
    assert report.unresolved == []


def test_different_table_is_reported_and_left_alone(aws: AwsStubs) -> None:
    aws.expect_database(exists=True)
    aws.expect_table(
        WANTED,
        columns=WANTED.columns[:-1],  # an old table without tlsdetails
        properties={"projection.dt.range": "2023/06/01,NOW", "projection.year.type": "integer"},
    )
    report = setup(SETTINGS, runner=aws.runner)
    aws.assert_done()
    assert aws.sent == []
    (table,) = report.unresolved
    assert table.status == "different"
    text = "\n".join(table.differences)
    assert "column tlsdetails: missing" in text
    assert "table property projection.dt.range: is '2023/06/01,NOW', wanted '2024/01/01,NOW'" in text
    assert "table property projection.year.type: set to 'integer', not wanted" in text
    assert "--replace" in report.render()


def test_type_change_in_a_struct_is_a_difference(aws: AwsStubs) -> None:
    cols = tuple(
        (n, t.replace("mfaauthenticated: string", "mfaauthenticated: boolean")) for n, t in WANTED.columns
    )
    aws.expect_database(exists=True)
    aws.expect_table(WANTED, columns=cols, serde="com.amazon.emr.hive.serde.CloudTrailSerde")
    report = setup(SETTINGS, runner=aws.runner)
    diffs = report.unresolved[0].differences
    assert any(d.startswith("column useridentity: type is struct<") for d in diffs)
    assert (
        "serde: is com.amazon.emr.hive.serde.CloudTrailSerde, wanted org.apache.hive.hcatalog.data.JsonSerDe"
        in diffs
    )


def test_replace_drops_and_recreates(aws: AwsStubs) -> None:
    aws.expect_database(exists=True)
    aws.expect_table(WANTED, properties={"projection.region.values": "us-east-1"})
    drop = render_drop_table("cloudtrail", "cloudtrail_logs")
    aws.expect_query(drop, "q-drop")
    aws.expect_query(render_cloudtrail_ddl(SETTINGS), "q-create")
    report = setup(SETTINGS, runner=aws.runner, replace=True)
    aws.assert_done()
    assert aws.sent == [drop, render_cloudtrail_ddl(SETTINGS)]
    action = report.actions[1]
    assert (action.status, action.query_ids) == ("replaced", ["q-drop", "q-create"])
    assert drop == "DROP TABLE IF EXISTS `cloudtrail`.`cloudtrail_logs`"


def test_replace_on_an_identical_table_does_nothing(aws: AwsStubs) -> None:
    aws.expect_database(exists=True)
    aws.expect_table(WANTED)
    report = setup(SETTINGS, runner=aws.runner, replace=True)
    aws.assert_done()
    assert aws.sent == [] and report.actions[1].status == "unchanged"


def test_print_makes_no_aws_call(aws: AwsStubs) -> None:
    # No response is queued: any call would fail the stub.
    report = setup(SETTINGS, runner=aws.runner, print_only=True)
    assert aws.sent == []
    assert [a.status for a in report.actions] == ["printed", "printed"]
    assert render_cloudtrail_ddl(SETTINGS) in report.render()


def test_cli_print_needs_no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    result = CliRunner().invoke(main, ["athena", "setup", *CLI_ARGS, "--print"])
    assert result.exit_code == 0, result.output
    assert render_create_database(SETTINGS) in result.output
    assert render_cloudtrail_ddl(SETTINGS) in result.output


def test_cli_setup_unchanged_exit_0(cli_aws: AwsStubs) -> None:
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(WANTED)
    result = CliRunner().invoke(main, ["athena", "setup", *CLI_ARGS])
    assert result.exit_code == 0, result.output
    assert "table cloudtrail.cloudtrail_logs: unchanged" in result.output
    cli_aws.assert_done()


def test_cli_setup_different_exit_1(cli_aws: AwsStubs) -> None:
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(WANTED, properties={"storage.location.template": "s3://old/${dt}"})
    result = CliRunner().invoke(main, ["athena", "setup", *CLI_ARGS])
    assert result.exit_code == 1, result.output
    assert "table property storage.location.template: is 's3://old/${dt}'" in result.output
    assert cli_aws.sent == []


# --------------------------------------------------------------------------- errors


def test_no_permission_on_start_exit_3(cli_aws: AwsStubs) -> None:
    cli_aws.expect_database(exists=False)
    cli_aws.athena.add_client_error(
        "start_query_execution",
        "AccessDeniedException",
        "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: athena:StartQueryExecution",
    )
    result = CliRunner().invoke(main, ["athena", "setup", *CLI_ARGS])
    assert result.exit_code == 3, result.output
    assert "query id: none (the query did not start)" in result.output
    assert "AccessDeniedException: User: arn:aws:iam::111122223333:user/ci is not authorized" in result.output
    assert "Traceback" not in result.output


def test_missing_output_location_exit_3(cli_aws: AwsStubs) -> None:
    cli_aws.expect_database(exists=False)
    message = (
        "No output location provided. An output location is required either through the Workgroup "
        "result configuration setting or as an API input."
    )
    cli_aws.athena.add_client_error("start_query_execution", "InvalidRequestException", message)
    result = CliRunner().invoke(main, ["athena", "setup", *CLI_ARGS])
    assert result.exit_code == 3
    assert f"InvalidRequestException: {message}" in result.output
    assert "hint: set --output-location" in result.output


def test_workgroup_concurrency_limit_exit_3(aws: AwsStubs) -> None:
    aws.expect_database(exists=False)
    aws.athena.add_client_error(
        "start_query_execution",
        "TooManyRequestsException",
        "You have exceeded the limit for the number of queries",
    )
    with pytest.raises(AthenaError) as err:
        setup(SETTINGS, runner=aws.runner)
    assert err.value.exit_code == 3
    assert err.value.code == "TooManyRequestsException"


def test_workgroup_data_limit_cancels_query_exit_3(aws: AwsStubs) -> None:
    aws.expect_database(exists=True)
    aws.expect_table(None)
    aws.expect_query(
        render_cloudtrail_ddl(SETTINGS),
        "q-cut",
        state="CANCELLED",
        reason="Query cancelled! : Bytes scanned limit was exceeded",
    )
    with pytest.raises(AthenaError) as err:
        setup(SETTINGS, runner=aws.runner)
    assert err.value.query_id == "q-cut"
    assert "(query id q-cut): Query cancelled! : Bytes scanned limit was exceeded" in err.value.message


def test_failed_ddl_reports_query_id_and_athena_message(cli_aws: AwsStubs) -> None:
    cli_aws.expect_database(exists=True)
    cli_aws.expect_table(None)
    msg = "FAILED: SemanticException Unable to fetch table cloudtrail_logs. Access Denied (Service: S3)"
    cli_aws.expect_query(
        render_cloudtrail_ddl(SETTINGS), "q-fail-123", state="FAILED", reason=msg, error_message=msg
    )
    result = CliRunner().invoke(main, ["athena", "setup", *CLI_ARGS])
    assert result.exit_code == 3
    assert "CREATE TABLE cloudtrail.cloudtrail_logs failed (query id q-fail-123): " + msg in result.output


def test_catalog_permission_error_exit_3(aws: AwsStubs) -> None:
    aws.glue.add_client_error(
        "get_database", "AccessDeniedException", "not authorized to perform: glue:GetDatabase"
    )
    with pytest.raises(
        AthenaError, match=r"^Glue get_database failed: AccessDeniedException: .*glue:GetDatabase"
    ):
        setup(SETTINGS, runner=aws.runner)


def test_status_poll_failure_names_the_query(aws: AwsStubs) -> None:
    aws.athena.add_response(
        "start_query_execution", {"QueryExecutionId": "q-7"}, aws.start_params("SELECT 1")
    )
    aws.athena.add_client_error("get_query_execution", "InternalServerException", "boom")
    with pytest.raises(AthenaError) as err:
        aws.runner.run("SELECT 1")
    assert err.value.message.startswith(
        "Athena GetQueryExecution failed (query id q-7): InternalServerException: boom"
    )


def test_neither_workgroup_nor_output_location_is_bad_input() -> None:
    settings = dataclasses.replace(SETTINGS, workgroup=None, output_location=None)
    with pytest.raises(BadInput, match=r"^--workgroup or --output-location"):
        athena_engine.AthenaRunner(settings).run("SELECT 1")


# --------------------------------------------------------------------------- validation


def test_validate_reports_each_query_with_bytes_scanned(aws: AwsStubs) -> None:
    good = "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE dt >= '2024/01/01' GROUP BY 1;"
    bad = "SELECT nope FROM cloudtrail_logs"
    aws.expect_query(guard_query(good), "q-good", scanned=0, running_polls=1, statement_type="DML")
    err = "COLUMN_NOT_FOUND: line 2:8: Column 'nope' cannot be resolved"
    aws.expect_query(guard_query(bad), "q-bad", state="FAILED", reason=err, error_message=err, scanned=0)
    seen: list[int] = []
    checks = validate_sql_on_athena([good, bad], runner=aws.runner, on_result=lambda c: seen.append(c.index))
    aws.assert_done()
    assert aws.sent[0] == (
        "SELECT * FROM (\n"
        "SELECT eventname, count(*) AS n FROM cloudtrail_logs WHERE dt >= '2024/01/01' GROUP BY 1\n"
        ") AS looker_ops_guard LIMIT 0"
    )
    assert [(c.ok, c.query_id, c.error) for c in checks] == [(True, "q-good", ""), (False, "q-bad", err)]
    assert seen == [0, 1]
    assert total_bytes_scanned(checks) == 0


def test_validate_reads_bytes_scanned_from_statistics(aws: AwsStubs) -> None:
    aws.expect_query(guard_query("SELECT 1", "explain"), "q-x", scanned=1234, statement_type="DML")
    (check,) = validate_sql_on_athena(["SELECT 1"], runner=aws.runner, guard="explain")
    assert aws.sent == ["EXPLAIN SELECT 1"]
    assert (check.ok, check.bytes_scanned) == (True, 1234)


def test_validate_refused_call_raises_exit_3(aws: AwsStubs) -> None:
    aws.athena.add_client_error("start_query_execution", "AccessDeniedException", "no athena for you")
    with pytest.raises(AthenaError, match="AccessDeniedException: no athena for you"):
        validate_sql_on_athena(["SELECT 1"], runner=aws.runner)


def test_validate_in_parallel_keeps_the_order() -> None:
    class FakeRunner:
        """Stands in at the runner boundary: Stubber answers in call order, threads do not."""

        def run(self, sql: str, *, fetch: bool = True) -> QueryOutcome:
            n = int(sql.split("SELECT ")[2].split("\n")[0])
            return QueryOutcome(
                sql, f"q{n}", "SUCCEEDED" if n % 2 else "FAILED", bytes_scanned=n, error="" if n % 2 else "x"
            )

    queries = [f"SELECT {n}" for n in range(20)]
    checks = validate_sql_on_athena(queries, runner=FakeRunner(), concurrency=4)
    assert [c.query_id for c in checks] == [f"q{n}" for n in range(20)]
    assert [c.ok for c in checks] == [bool(n % 2) for n in range(20)]
    assert total_bytes_scanned(checks) == sum(range(20))


def test_guard_rejects_empty_query() -> None:
    with pytest.raises(BadInput):
        guard_query("  ;  ")


# --------------------------------------------------------------------------- live

_LIVE_ENV = ("LOOKER_OPS_ATHENA_REGION", "LOOKER_OPS_ATHENA_WORKGROUP")


def block_queries(database: str, table: str, geoip_table: str | None) -> list[str]:
    """One query per explore of the bundled block with every dimension and measure of its base
    view (and of its joins when the geo-IP table exists), as Looker would compile them."""
    from pathlib import Path

    from looker_ops.lookml.loader import load_project
    from looker_ops.lookml.query import QuerySpec, compile_query

    project = load_project(Path(__file__).parents[2] / "lookml_project", cache_dir=None)
    schema = project.constants.get("ATHENA_SCHEMA", "cloudtrail")
    names = {
        f"{schema}.{project.constants.get('CLOUDTRAIL_TABLE', 'cloudtrail_logs')}": f"{database}.{table}",
        f"{schema}.{project.constants.get('GEOIP_TABLE', 'geoip_blocks')}": f"{database}.{geoip_table}",
    }
    queries = []
    for (model, name), explore in project.explores.items():
        aliases = [explore.view_name] + ([j.name for j in explore.joins] if geoip_table else [])
        fields = []
        for alias in aliases:
            join = next((j for j in explore.joins if j.name == alias), None)
            view = project.view(join.view_name if join else alias)
            assert view is not None
            fields += [
                f"{alias}.{f.name}" for f in view.fields.values() if f.kind in ("dimension", "measure")
            ]
        sql = compile_query(project, QuerySpec(model=model, explore=name, fields=fields)).sql
        for old, new in names.items():
            sql = sql.replace(old, new)
        queries.append(sql)
    return queries


@pytest.mark.live
@pytest.mark.skipif(
    not (os.environ.get("AWS_ACCESS_KEY_ID") or os.environ.get("AWS_PROFILE"))
    or not all(os.environ.get(v) for v in _LIVE_ENV),
    reason="live Athena test: set AWS credentials and LOOKER_OPS_ATHENA_REGION, LOOKER_OPS_ATHENA_WORKGROUP "
    "(optionally LOOKER_OPS_ATHENA_OUTPUT_LOCATION; LOOKER_OPS_ATHENA_DATABASE and LOOKER_OPS_ATHENA_TABLE "
    "to validate the block's SQL on that table, LOOKER_OPS_ATHENA_GEOIP_TABLE to include the geo-IP join)",
)
def test_live_validation_on_a_real_workgroup() -> None:
    env = os.environ
    settings = AthenaSettings(
        region=env["LOOKER_OPS_ATHENA_REGION"],
        workgroup=env["LOOKER_OPS_ATHENA_WORKGROUP"],
        output_location=env.get("LOOKER_OPS_ATHENA_OUTPUT_LOCATION"),
        database=env.get("LOOKER_OPS_ATHENA_DATABASE", "default"),
        table=env.get("LOOKER_OPS_ATHENA_TABLE", "cloudtrail_logs"),
    )
    queries = ["SELECT 1 AS one", "SELECT no_such_column FROM (VALUES 1) AS t(x)"]
    if env.get("LOOKER_OPS_ATHENA_TABLE"):
        queries += block_queries(settings.database, settings.table, env.get("LOOKER_OPS_ATHENA_GEOIP_TABLE"))
    checks = validate_sql_on_athena(queries, settings=settings, concurrency=4)
    assert checks[0].ok and checks[0].query_id
    assert not checks[1].ok and "no_such_column" in checks[1].error.lower()
    assert all(c.ok for c in checks[2:]), [(c.query_id, c.error) for c in checks[2:] if not c.ok]
    assert total_bytes_scanned(checks) == 0  # LIMIT 0 reads no data


def test_block_queries_for_the_live_test_compile_and_run_locally() -> None:
    """The live test's block queries are real: they compile and run on the embedded engine."""
    from looker_ops.engines.local import LocalEngine

    queries = block_queries("cloudtrail", "cloudtrail_logs", "geoip_blocks")
    assert len(queries) >= 2 and all("cloudtrail.cloudtrail_logs" in q for q in queries)
    with LocalEngine() as engine:
        for q in queries:
            engine.query(guard_query(q))


def test_cli_setup_with_geoip_location_sets_up_both_tables(
    aws: AwsStubs, monkeypatch: pytest.MonkeyPatch
) -> None:
    from looker_ops.athena.ddl import geoip_definition, render_geoip_ddl

    monkeypatch.setattr(athena_engine, "AthenaRunner", lambda settings: aws.runner)
    located = dataclasses.replace(SETTINGS, geoip_location="s3://acme-geo/geoip/")
    aws.expect_database(exists=True)
    aws.expect_table(WANTED)
    aws.expect_table(None, name="geoip_blocks")
    aws.expect_query(render_geoip_ddl(located), "q-geo")
    result = CliRunner().invoke(
        main, ["athena", "setup", *CLI_ARGS, "--geoip-location", "s3://acme-geo/geoip/"]
    )
    assert result.exit_code == 0, result.output
    aws.assert_done()
    assert aws.sent == [render_geoip_ddl(located)]
    assert "table cloudtrail.cloudtrail_logs: unchanged" in result.output
    assert "table cloudtrail.geoip_blocks: created (query q-geo)" in result.output
    assert geoip_definition(located).location == "s3://acme-geo/geoip/"


def test_no_region_anywhere_is_bad_input(monkeypatch: pytest.MonkeyPatch) -> None:
    import boto3

    for var in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent/looker-ops-test-config")
    settings = dataclasses.replace(SETTINGS, region=None)
    session = boto3.Session(aws_access_key_id="AKIAFAKE", aws_secret_access_key="fake")
    runner = athena_engine.AthenaRunner(settings, session=session)
    with pytest.raises(BadInput, match=r"^--aws-region: no AWS region"):
        runner.database_exists("cloudtrail")


def test_no_aws_credentials_is_bad_input_before_any_call(
    monkeypatch: pytest.MonkeyPatch, tmp_path: os.PathLike[str]
) -> None:
    """Missing credentials are missing input (exit 2, as a missing variable), found before a
    call is made, not a remote failure (exit 3) from the first call."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path) + "/none")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path) + "/none")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    settings = AthenaSettings(bucket="b", account_ids=("111122223333",), region="eu-west-1")
    with pytest.raises(BadInput) as exc:
        athena_engine.build_session(settings)
    assert exc.value.exit_code == 2
    assert "no AWS credentials found" in exc.value.message and "AWS_PROFILE" in exc.value.message
