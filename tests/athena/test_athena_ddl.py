"""The Athena DDL rendered from the schema: parsed back with sqlglot, per trail layout."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from pathlib import Path
from string import Template

import pytest
import sqlglot
from click.testing import CliRunner
from sqlglot import exp

from looker_ops.athena.ddl import render_cloudtrail_ddl, render_create_database, render_geoip_ddl
from looker_ops.cli import main
from looker_ops.config.athena import AthenaSettings
from looker_ops.errors import BadInput
from looker_ops.lookml.schema import CLOUDTRAIL, GEOIP

ACC1, ACC2 = "111122223333", "444455556666"
BASE = AthenaSettings(
    bucket="acme-trail",
    prefix="org/logs",
    account_ids=(ACC1,),
    regions=("us-east-1", "eu-west-1"),
    first_date=dt.date(2024, 1, 1),
)


def parse(ddl: str) -> exp.Create:
    tree = sqlglot.parse_one(ddl, read="athena")
    assert isinstance(tree, exp.Create)
    return tree


def columns_of(schema: exp.Schema) -> dict[str, str]:
    return {
        cd.this.name: cd.args["kind"].sql(dialect="hive").lower()
        for cd in schema.expressions
        if isinstance(cd, exp.ColumnDef)
    }


def expected_type(hive: str) -> str:
    return exp.DataType.build(hive, dialect="hive").sql(dialect="hive").lower()


def properties(tree: exp.Expr) -> dict[str, str]:
    """TBLPROPERTIES key -> value as sqlglot read them."""
    props: dict[str, str] = {}
    for prop in tree.args["properties"].expressions:
        if type(prop) is exp.Property:
            props[prop.this.name if isinstance(prop.this, exp.Literal) else str(prop.this)] = prop.args[
                "value"
            ].name
    return props


def location(tree: exp.Expr) -> str:
    prop = tree.find(exp.LocationProperty)
    assert prop is not None
    return prop.this.name


def test_every_cloudtrail_column_and_partition_with_its_type() -> None:
    tree = parse(render_cloudtrail_ddl(BASE))
    table = tree.this.this
    assert (table.name, table.args["db"].name) == ("cloudtrail_logs", "cloudtrail")
    cols = columns_of(tree.this)
    assert list(cols) == [c.name for c in CLOUDTRAIL.columns]
    for col in CLOUDTRAIL.columns:
        assert cols[col.name] == expected_type(col.type.hive()), col.name
    # nested struct fields survive the round trip (not only the top-level name)
    assert "mfaauthenticated" in cols["useridentity"] and "sessionissuer" in cols["useridentity"]
    part = tree.find(exp.PartitionedByProperty)
    assert part is not None
    parts = columns_of(part.this)
    assert parts == {c.name: expected_type(c.type.hive()) for c in CLOUDTRAIL.partition_columns}
    assert list(parts) == ["account", "region", "dt"]


def test_serde_and_formats() -> None:
    ddl = render_cloudtrail_ddl(BASE)
    assert "ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'" in ddl
    assert "INPUTFORMAT 'com.amazon.emr.cloudtrail.CloudTrailInputFormat'" in ddl
    legacy = render_cloudtrail_ddl(dataclasses.replace(BASE, serde="cloudtrail"))
    assert "ROW FORMAT SERDE 'com.amazon.emr.hive.serde.CloudTrailSerde'" in legacy
    assert ddl.startswith("CREATE EXTERNAL TABLE IF NOT EXISTS `cloudtrail`.`cloudtrail_logs` (")


def test_every_column_identifier_is_backticked() -> None:
    ddl = render_cloudtrail_ddl(BASE)
    body = ddl.split("(", 1)[1].split("\n)\n", 1)[0]
    names = [line.strip().split(" ", 1)[0] for line in body.strip().splitlines()]
    assert names and all(re.fullmatch(r"`[a-z0-9_]+`", n) for n in names), names


def _key_prefix(template: str, account: str, region: str, day: dt.date) -> str:
    return Template(template).substitute(account=account, region=region, dt=day.strftime("%Y/%m/%d"))


def _common_projection(props: dict[str, str], accounts: str) -> None:
    assert props["projection.enabled"] == "true"
    assert props["projection.account.type"] == "enum"
    assert props["projection.account.values"] == accounts
    assert props["projection.region.type"] == "enum"
    assert props["projection.region.values"] == "us-east-1,eu-west-1"
    assert props["projection.dt.type"] == "date"
    assert props["projection.dt.format"] == "yyyy/MM/dd"
    assert props["projection.dt.range"] == "2024/01/01,NOW"
    assert props["projection.dt.interval"] == "1"
    assert props["projection.dt.interval.unit"] == "DAYS"


def test_layout_single_account() -> None:
    tree = parse(render_cloudtrail_ddl(BASE))
    props = properties(tree)
    _common_projection(props, ACC1)
    assert location(tree) == "s3://acme-trail/org/logs/AWSLogs/"
    template = props["storage.location.template"]
    assert template == "s3://acme-trail/org/logs/AWSLogs/${account}/CloudTrail/${region}/${dt}"
    # The key CloudTrail writes for one day's file starts with the projected partition path.
    key = f"s3://acme-trail/org/logs/AWSLogs/{ACC1}/CloudTrail/eu-west-1/2024/03/05/{ACC1}_CloudTrail_eu-west-1_20240305T1205Z_abc.json.gz"
    assert key.startswith(_key_prefix(template, ACC1, "eu-west-1", dt.date(2024, 3, 5)) + "/")


def test_layout_several_accounts_without_prefix() -> None:
    settings = dataclasses.replace(BASE, layout="multi", prefix="", account_ids=(ACC1, ACC2))
    tree = parse(render_cloudtrail_ddl(settings))
    props = properties(tree)
    _common_projection(props, f"{ACC1},{ACC2}")
    assert location(tree) == "s3://acme-trail/AWSLogs/"
    assert (
        props["storage.location.template"] == "s3://acme-trail/AWSLogs/${account}/CloudTrail/${region}/${dt}"
    )


def test_layout_organization_trail() -> None:
    settings = dataclasses.replace(
        BASE, layout="organization", org_id="o-abc123def4", account_ids=(ACC1, ACC2)
    )
    tree = parse(render_cloudtrail_ddl(settings))
    props = properties(tree)
    _common_projection(props, f"{ACC1},{ACC2}")
    assert location(tree) == "s3://acme-trail/org/logs/AWSLogs/o-abc123def4/"
    template = props["storage.location.template"]
    assert template == "s3://acme-trail/org/logs/AWSLogs/o-abc123def4/${account}/CloudTrail/${region}/${dt}"
    key = f"s3://acme-trail/org/logs/AWSLogs/o-abc123def4/{ACC2}/CloudTrail/us-east-1/2024/12/31/x.json.gz"
    assert key.startswith(_key_prefix(template, ACC2, "us-east-1", dt.date(2024, 12, 31)) + "/")


def test_geoip_ddl_types_and_text_format() -> None:
    settings = dataclasses.replace(BASE, geoip_location="s3://acme-geo/geoip", geoip_format="tsv")
    ddl = render_geoip_ddl(settings)
    tree = parse(ddl)
    assert columns_of(tree.this) == {c.name: expected_type(c.type.hive()) for c in GEOIP.columns}
    assert location(tree) == "s3://acme-geo/geoip/"
    assert properties(tree)["skip.header.line.count"] == "1"
    assert "'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'" in ddl
    assert "'field.delim'='\\t'" in ddl  # a tab, written as the \t escape
    assert "\t" not in ddl


def test_create_database() -> None:
    tree = parse(render_create_database(dataclasses.replace(BASE, database="sec_logs")))
    assert tree.args["kind"] == "DATABASE"
    assert tree.this.name == "sec_logs"
    assert tree.args["exists"] is True


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"bucket": None}, "--bucket", "required"),
        ({"bucket": "Bad_Bucket"}, "--bucket", "not a valid S3 bucket"),
        ({"account_ids": ("12345",)}, "--account-id", "12-digit"),
        ({"account_ids": ()}, "--account-id", "at least one"),
        ({"account_ids": (ACC1, ACC2)}, "--account-id", "exactly one"),
        ({"regions": ("us-east-1", "moon-base")}, "--regions", "'moon-base' is not an AWS region"),
        ({"regions": ()}, "--regions", "at least one"),
        ({"first_date": None}, "--first-date", "required"),
        ({"first_date": dt.date(2999, 1, 1)}, "--first-date", "future"),
        ({"layout": "organization"}, "--org-id", "organization id"),
        ({"layout": "organization", "org_id": "org-1"}, "--org-id", "not an AWS Organizations id"),
        ({"database": "Bad-Name"}, "--database", "not a valid Athena name"),
        ({"prefix": "a'b"}, "--prefix", "cannot appear"),
    ],
)
def test_bad_settings_name_the_option(change: dict[str, object], key: str, words: str) -> None:
    with pytest.raises(BadInput) as err:
        render_cloudtrail_ddl(dataclasses.replace(BASE, **change))
    assert err.value.message.startswith(key + ":"), err.value.message
    assert words in err.value.message


def test_settings_from_mapping_name_the_config_key() -> None:
    good = AthenaSettings.from_mapping(
        {
            "bucket": "acme-trail",
            "account_ids": [111122223333],
            "first_date": "2024/02/03",
            "regions": "us-east-1",
        }
    )
    assert good.account_ids == (ACC1,) and good.first_date == dt.date(2024, 2, 3)
    assert good.regions == ("us-east-1",)
    with pytest.raises(BadInput, match=r"^athena\.first_date: 'yesterday' is not a date"):
        AthenaSettings.from_mapping({"first_date": "yesterday"})
    with pytest.raises(BadInput, match=r"^athena\.colour: unknown setting"):
        AthenaSettings.from_mapping({"colour": "red"})
    bad_region = AthenaSettings.from_mapping(
        {"bucket": "acme-trail", "account_ids": [ACC1], "first_date": "2024-01-01", "regions": ["us_east_1"]}
    )
    with pytest.raises(BadInput, match=r"^athena\.regions: 'us_east_1'"):
        render_cloudtrail_ddl(bad_region)


ARGS = ["athena", "ddl", "--bucket", "acme-trail", "--account-id", ACC1, "--first-date", "2024-01-01"]


def test_cli_ddl_prints_database_and_table() -> None:
    result = CliRunner().invoke(main, [*ARGS, "--regions", "us-east-1,eu-west-1"])
    assert result.exit_code == 0, result.output
    statements = [s for s in sqlglot.parse(result.output, read="athena") if s is not None]
    assert [s.args["kind"] for s in statements] == ["DATABASE", "TABLE"]
    assert properties(statements[1])["projection.region.values"] == "us-east-1,eu-west-1"


def test_cli_ddl_reads_environment_and_prints_geoip(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOOKER_OPS_ATHENA_LAYOUT", "multi")
    result = CliRunner().invoke(
        main, [*ARGS, "--account-id", f"{ACC2}", "--geoip-location", "s3://acme-geo/g/"]
    )
    assert result.exit_code == 0, result.output
    statements = [s for s in sqlglot.parse(result.output, read="athena") if s is not None]
    assert len(statements) == 3
    assert properties(statements[1])["projection.account.values"] == f"{ACC1},{ACC2}"


@pytest.mark.parametrize(
    ("extra", "needle"),
    [
        (["--first-date", "2024-13-01"], "--first-date: '2024-13-01' is not a date"),
        (["--regions", "us-east-1,nowhere"], "--regions: 'nowhere' is not an AWS region"),
        (["--account-id", "1234"], "--account-id"),
    ],
)
def test_cli_bad_input_exit_2(extra: list[str], needle: str) -> None:
    result = CliRunner().invoke(main, [*ARGS, *extra])
    assert result.exit_code == 2
    assert needle in result.output


CONFIG = """\
connection:
  region: eu-west-1
  database: sec_logs
  workgroup: looker
  s3_staging_dir: s3://acme-results/athena/
athena:
  layout: organization
  bucket: acme-org-trail
  org_id: o-abc123def4
  account_ids: ["111122223333", "444455556666"]
  regions: [eu-west-1, us-east-1]
  first_date: 2024/05/01
"""


def test_cli_reads_config_and_options_override_it(tmp_path: Path) -> None:
    cfg = tmp_path / "looker-ops.yaml"
    cfg.write_text(CONFIG, encoding="utf-8")
    result = CliRunner().invoke(main, ["athena", "ddl", "--config", str(cfg), "--first-date", "2024-06-01"])
    assert result.exit_code == 0, result.output
    db, table = (s for s in sqlglot.parse(result.output, read="athena") if s is not None)
    assert db.this.name == "sec_logs"
    props = properties(table)
    assert props["storage.location.template"].startswith(
        "s3://acme-org-trail/AWSLogs/o-abc123def4/${account}/"
    )
    assert props["projection.dt.range"] == "2024/06/01,NOW"
    # a bad value is named where it came from: the config key, or the option that overrode it
    from_config = CliRunner().invoke(main, ["athena", "ddl", "--config", str(cfg), "--layout", "single"])
    assert from_config.exit_code == 2
    assert "athena.account_ids: the single layout takes exactly one account id" in from_config.output
    from_option = CliRunner().invoke(main, ["athena", "ddl", "--config", str(cfg), "--bucket", "NO"])
    assert from_option.exit_code == 2 and "--bucket: 'NO' is not a valid S3 bucket name" in from_option.output


def test_every_commercial_region_is_projected_when_the_config_lists_none(tmp_path: Path) -> None:
    """`athena.regions: []` ("every commercial region"): the DDL's region projection holds every
    region of the commercial partition, the recent ones too (Malaysia, Thailand, Mexico, Taipei,
    New Zealand, Calgary, Tel Aviv), and at least every one the installed botocore knows."""
    cfg = tmp_path / "looker-ops.yaml"
    cfg.write_text(
        "athena:\n  bucket: acme-trail\n  account_ids: ['111122223333']\n  regions: []\n"
        "  first_date: 2024-01-01\n"
    )
    result = CliRunner().invoke(main, ["athena", "ddl", "--config", str(cfg)])
    assert result.exit_code == 0, result.output
    (values,) = re.findall(r"'projection\.region\.values'='([^']*)'", result.output)
    projected = values.split(",")
    recent = {"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "mx-central-1", "ap-east-2"}
    assert recent | {"ca-west-1", "il-central-1"} <= set(projected)
    assert len(projected) == len(set(projected)) >= 34
    botocore = pytest.importorskip("botocore")
    endpoints = Path(botocore.__file__).parent / "data" / "endpoints.json"
    (aws,) = [p for p in json.loads(endpoints.read_text())["partitions"] if p["partition"] == "aws"]
    missing = sorted(set(aws["regions"]) - set(projected))
    assert missing == [], f"add {missing} to DEFAULT_REGIONS in looker_ops/config/athena.py"
