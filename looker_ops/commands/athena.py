"""``looker-ops athena``: the CloudTrail table's DDL, and setting it up on Athena."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

import click

from looker_ops.commands.jsonout import JsonResult, json_option
from looker_ops.commands.options import config_option, default_config
from looker_ops.config.athena import AthenaSettings, cli_name, parse_date, split_list

if TYPE_CHECKING:
    from looker_ops.athena.runner import SetupReport

F = TypeVar("F", bound=Callable[..., Any])

_ENV = "LOOKER_OPS_ATHENA_"

# (option, setting, help). Every option also reads LOOKER_OPS_ATHENA_<SETTING>.
_TRAIL_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--bucket", "bucket", "S3 bucket the trail writes to."),
    ("--prefix", "prefix", "Key prefix of the trail inside the bucket (before AWSLogs/)."),
    ("--org-id", "org_id", "AWS Organizations id (organization layout)."),
    ("--first-date", "first_date", "First day of logs, YYYY-MM-DD (start of the date projection)."),
    ("--database", "database", "Athena database (default cloudtrail)."),
    ("--table", "table", "CloudTrail table name (default cloudtrail_logs)."),
    ("--geoip-table", "geoip_table", "Geo-IP table name (default geoip_blocks)."),
)
_RUN_OPTIONS: tuple[tuple[str, str, str], ...] = (
    ("--aws-region", "region", "AWS region Athena runs in (default: the AWS config's)."),
    ("--workgroup", "workgroup", "Athena workgroup."),
    ("--output-location", "output_location", "s3:// location for query results (if the workgroup has none)."),
    ("--profile", "profile", "AWS profile name (default: environment / default chain)."),
    ("--role-arn", "role_arn", "IAM role to assume."),
)


def _string_options(specs: tuple[tuple[str, str, str], ...]) -> Callable[[F], F]:
    def deco(f: F) -> F:
        for opt, name, help_ in reversed(specs):
            f = click.option(opt, name, default=None, envvar=_ENV + name.upper(), help=help_)(f)
        return f

    return deco


def trail_options(f: F) -> F:
    """Options describing where the trail writes (for the DDL)."""
    f = _string_options(_TRAIL_OPTIONS)(f)
    f = click.option(
        "--layout",
        type=click.Choice(["single", "multi", "organization"]),
        default=None,
        envvar=_ENV + "LAYOUT",
        help="How the trail writes: one account, several accounts, or an organization trail.",
    )(f)
    f = click.option(
        "--account-id",
        "account_ids",
        multiple=True,
        envvar=_ENV + "ACCOUNT_IDS",
        help="Account id(s) whose logs are in the bucket; repeat or comma-separate.",
    )(f)
    f = click.option(
        "--regions",
        "regions",
        default=None,
        envvar=_ENV + "REGIONS",
        help="Comma-separated regions the trail logs (default: all commercial regions).",
    )(f)
    f = click.option(
        "--serde",
        type=click.Choice(["json", "cloudtrail"]),
        default=None,
        envvar=_ENV + "SERDE",
        help="Row SerDe: the Hive JSON SerDe (default) or the older CloudTrail SerDe.",
    )(f)
    return f


def run_options(f: F) -> F:
    """Options saying where and as whom queries run."""
    return _string_options(_RUN_OPTIONS)(f)


athena_config = config_option(
    "looker-ops.yaml: its athena: and connection: sections (default ./looker-ops.yaml when "
    "present); options override it."
)


def settings_from_options(options: dict[str, Any], base: AthenaSettings | None = None) -> AthenaSettings:
    """Settings from CLI options; an option not given keeps the base (config file) value.

    ``config_path`` in the options (the --config option), else ./looker-ops.yaml when there is
    one, loads the base from looker-ops.yaml.
    """
    config_path = default_config(options.pop("config_path", None))
    if config_path is not None and base is None:
        from looker_ops.config.settings import load_config

        # Athena runs with the caller's AWS credentials: the Looker connection's secret is not
        # needed here, nor any section but these two.
        base = load_config(config_path, uses=("athena", "connection"), secrets=False).athena
    values: dict[str, Any] = {}
    for key, value in options.items():
        if value is None or value == ():
            continue
        if key == "account_ids":
            values[key] = split_list(value if isinstance(value, list | tuple) else [value])
        elif key == "regions":
            values[key] = split_list([value])
        elif key == "first_date":
            values[key] = parse_date(value, "--first-date")
        else:
            values[key] = value
    if base is None:
        return AthenaSettings(**values)
    # Keys given on the command line are named by their option in errors; the rest by the config.
    names = {**base.key_names, **{k: cli_name(k) for k in values}}
    return dataclasses.replace(base, **values, key_names=names)


@click.group("athena")
def athena() -> None:
    """Amazon Athena: the CloudTrail table's DDL and its set-up."""


@athena.command("ddl")
@athena_config
@trail_options
@click.option(
    "--geoip-location",
    default=None,
    envvar=_ENV + "GEOIP_LOCATION",
    help="s3:// folder of the geo-IP files; also prints that table.",
)
def ddl_cmd(**options: Any) -> None:
    """Print the CREATE DATABASE and CREATE TABLE statements (no AWS call)."""
    from looker_ops.athena.ddl import render_cloudtrail_ddl, render_create_database, render_geoip_ddl

    settings = settings_from_options(options)
    statements = [render_create_database(settings), render_cloudtrail_ddl(settings)]
    if settings.geoip_location:
        statements.append(render_geoip_ddl(settings))
    click.echo(";\n\n".join(statements) + ";")


@athena.command("setup")
@athena_config
@trail_options
@run_options
@click.option(
    "--geoip-location",
    default=None,
    envvar=_ENV + "GEOIP_LOCATION",
    help="s3:// folder of uploaded geo-IP files; also sets up that table.",
)
@click.option(
    "--replace", is_flag=True, help="Drop and re-create a table whose definition differs (data untouched)."
)
@click.option("--print", "print_only", is_flag=True, help="Print the DDL; run nothing.")
@json_option("the result (each database and table: created, unchanged, different, replaced)")
def setup_cmd(replace: bool, print_only: bool, json_path: str | None, **options: Any) -> None:
    """Create the database and the CloudTrail table if missing; idempotent.

    An existing table with the same definition is left alone; a different one is reported
    (exit 1) and only replaced with --replace.
    """
    from looker_ops.athena.runner import TableKind, setup
    from looker_ops.errors import ValidationFailed

    with JsonResult(json_path, "athena setup", print_only=print_only, replace=replace, actions=[]) as out:
        settings = settings_from_options(options)
        tables: tuple[TableKind, ...] = (
            ("cloudtrail", "geoip") if settings.geoip_location else ("cloudtrail",)
        )
        report = setup(settings, replace=replace, print_only=print_only, tables=tables)
        out.doc.update(setup_json(report))
        out.echo(report.render())
        if report.unresolved:
            raise ValidationFailed(
                f"{len(report.unresolved)} table(s) differ from the wanted definition; "
                "nothing was changed (use --replace)"
            )


def setup_json(report: SetupReport) -> dict[str, Any]:
    """``actions`` (each database and table: its status, differences, statements and Athena
    query ids) and ``unresolved`` (the tables left different), for ``--json``."""
    return {
        "actions": [dataclasses.asdict(a) for a in report.actions],
        "unresolved": [a.object for a in report.unresolved],
    }
