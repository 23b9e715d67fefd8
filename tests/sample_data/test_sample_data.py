"""The deterministic CloudTrail sample generator: layout, determinism, and the stories it tells."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import ipaddress
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.engines.local import bundled_sample_dir
from looker_ops.sample_data.cis import CIS_CONTROLS
from looker_ops.sample_data.generate import generate, iter_records
from looker_ops.sample_data.world import BRUTE_FORCE_IP, SAMPLE_IP_COUNTRIES, UNMAPPED_PUBLIC_IP

KEY = re.compile(
    r"AWSLogs/(\d{12})/CloudTrail/([a-z0-9-]+)/(\d{4})/(\d{2})/(\d{2})/"
    r"\1_CloudTrail_\2_(\d{8})T(\d{4})Z_[A-Za-z0-9]{16}\.json\.gz$"
)
ISO_Z = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")
GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[Path, dict[str, Any]]]]:
    root = tmp_path_factory.mktemp("sample")
    generate(root, days=14, seed=7)
    return root, list(iter_records(root))


def test_same_seed_same_bytes_and_other_seed_differs(tmp_path: Path) -> None:
    a = generate(tmp_path / "a", days=3, seed=11)
    generate(tmp_path / "b", days=3, seed=11)
    generate(tmp_path / "c", days=3, seed=12)
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")
    assert a.files == len([p for p in (tmp_path / "a").rglob("*.json.gz")])
    assert (a.first_day, a.last_day) == (dt.date(2026, 11, 18), dt.date(2026, 11, 20))


def test_bundled_sample_is_the_generator_output(tmp_path: Path) -> None:
    bundled = bundled_sample_dir()
    summary = generate(tmp_path, days=10, seed=7, end=dt.date(2026, 11, 20))
    assert _tree(bundled) == _tree(tmp_path)
    size = sum(len(b) for b in _tree(bundled).values())
    assert size < 600_000, size
    assert summary.records == sum(1 for _ in iter_records(bundled))


def test_bundled_sample_is_package_data() -> None:
    import importlib.resources

    root = importlib.resources.files("looker_ops").joinpath("data", "sample")
    assert root.joinpath("AWSLogs").is_dir()
    assert root.joinpath("geoip", "geoip_blocks.csv").is_file()
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text()
    assert '"data/**/*"' in pyproject  # how setuptools ships looker_ops/data/sample


def test_files_follow_cloudtrail_layout(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    root, _ = sample
    files = sorted(root.rglob("*.json.gz"))
    per_day = Counter()
    for path in files:
        rel = path.relative_to(root).as_posix()
        m = KEY.fullmatch(rel)
        assert m, rel
        assert m[6] == m[3] + m[4] + m[5]  # the file name's date is the folder's date
        raw = path.read_bytes()
        assert raw[4:8] == b"\0\0\0\0"  # gzip mtime 0: reproducible bytes
        doc = json.loads(gzip.decompress(raw))
        assert list(doc) == ["Records"] and doc["Records"]
        for rec in doc["Records"]:
            assert rec["recipientAccountId"] == m[1]
            assert rec["awsRegion"] == m[2]
            assert rec["eventTime"][:10] == f"{m[3]}-{m[4]}-{m[5]}"
        per_day[(m[1], m[3] + m[4] + m[5])] += 1
    assert min(per_day.values()) >= 3  # several files per account and day
    assert len({d for _, d in per_day}) == 14


def test_records_have_cloudtrail_shapes(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    _, records = sample
    ids = [r["eventID"] for _, r in records]
    assert len(ids) == len(set(ids))
    for _, r in records:
        assert GUID.match(r["eventID"]), r["eventID"]
        assert ISO_Z.match(r["eventTime"])
        assert isinstance(r["readOnly"], bool)
        assert r["eventCategory"] in ("Management", "Data")
        for key in ("requestParameters", "responseElements", "additionalEventData", "serviceEventDetails"):
            assert r.get(key) is None or isinstance(r[key], dict)
    assumed = next(r for _, r in records if r["userIdentity"].get("type") == "AssumedRole")
    ctx = assumed["userIdentity"]["sessionContext"]
    assert set(ctx) == {"sessionIssuer", "attributes"}
    assert ctx["sessionIssuer"]["type"] == "Role"
    # optional keys are sometimes absent altogether (NULL handling)
    assert any("errorCode" not in r for _, r in records)
    assert any("resources" not in r for _, r in records)
    assert any("resources" in r for _, r in records)
    assert any("additionalEventData" not in r for _, r in records)
    assert any("userAgent" not in r for _, r in records)
    assert {r["readOnly"] for _, r in records} == {True, False}
    assert {r["eventCategory"] for _, r in records} == {"Management", "Data"}


def _logins(records: list[tuple[Path, dict[str, Any]]]) -> list[dict[str, Any]]:
    return [r for _, r in records if r["eventName"] == "ConsoleLogin"]


def test_console_login_stories(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    _, records = sample
    logins = _logins(records)
    assert {r["eventType"] for r in logins} == {"AwsConsoleSignIn"}
    results = Counter(r["responseElements"]["ConsoleLogin"] for r in logins)
    assert results["Success"] > 0 and results["Failure"] > 0
    for r in logins:
        if r["responseElements"]["ConsoleLogin"] == "Failure":
            assert r["errorMessage"] == "Failed authentication" and "errorCode" not in r
    kinds = {r["userIdentity"]["type"] for r in logins}
    assert {"IAMUser", "AssumedRole", "Root"} <= kinds
    no_mfa_ok = [
        r
        for r in logins
        if r["userIdentity"]["type"] == "IAMUser"
        and r["additionalEventData"]["MFAUsed"] != "Yes"
        and r["responseElements"]["ConsoleLogin"] == "Success"
    ]
    assert no_mfa_ok
    countries = {SAMPLE_IP_COUNTRIES.get(r["sourceIPAddress"]) for r in logins} - {None}
    assert len(countries) >= 5
    assert any(r["sourceIPAddress"] == UNMAPPED_PUBLIC_IP for r in logins)
    ips_per_user: dict[str, set[str]] = {}
    for r in logins:
        ips_per_user.setdefault(r["userIdentity"].get("userName", "?"), set()).add(r["sourceIPAddress"])
    assert any(len(ips) >= 3 for ips in ips_per_user.values())
    bursts = Counter(r["eventTime"][:13] for r in logins if r["sourceIPAddress"] == BRUTE_FORCE_IP)
    assert bursts and max(bursts.values()) >= 10


def test_root_and_service_stories(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    _, records = sample
    root = [r for _, r in records if r["userIdentity"].get("type") == "Root"]
    cis_root = [
        r for r in root if "invokedBy" not in r["userIdentity"] and r["eventType"] != "AwsServiceEvent"
    ]
    assert cis_root and any("invokedBy" in r["userIdentity"] for r in root)
    service = [r for _, r in records if r["eventType"] == "AwsServiceEvent"]
    assert service and all(r["sourceIPAddress"].endswith(".amazonaws.com") for r in service)
    assert any(r["userIdentity"].get("type") == "AWSService" for _, r in records)
    assert any(
        ipaddress.ip_address(r["sourceIPAddress"]).is_private
        for _, r in records
        if r["sourceIPAddress"][0].isdigit()
    )


def test_security_group_stories(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    _, records = sample
    names = CIS_CONTROLS["4.10"][1]
    sg = [r for _, r in records if r["eventName"] in names]
    assert set(names) == {r["eventName"] for r in sg}
    cidrs: set[str] = set()
    for r in sg:
        if r["eventName"].startswith(("Authorize", "Revoke")):
            for perm in r["requestParameters"]["ipPermissions"]["items"]:
                assert {"ipProtocol", "fromPort", "toPort"} <= set(perm)
                cidrs |= {x["cidrIp"] for x in perm["ipRanges"].get("items", [])}
                cidrs |= {x["cidrIpv6"] for x in perm["ipv6Ranges"].get("items", [])}
    assert {"0.0.0.0/0", "::/0", "10.0.0.0/16"} <= cidrs


def test_error_stories(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    _, records = sample
    codes = Counter(r.get("errorCode") for _, r in records)
    for code in (
        "AccessDenied",
        "Client.UnauthorizedOperation",
        "ThrottlingException",
        "Client.RequestLimitExceeded",
        "NoSuchEntityException",
        "ValidationException",
        "Client.InvalidParameterValue",
    ):
        assert codes[code] > 0, code
    denied_per_hour = Counter(
        (r["eventTime"][:13], r["userIdentity"].get("arn"))
        for _, r in records
        if r.get("errorCode") == "AccessDenied"
    )
    assert max(denied_per_hour.values()) >= 8  # a burst


def test_every_cis_control_has_events(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    _, records = sample
    seen = Counter((r["eventSource"], r["eventName"]) for _, r in records)
    for control, (source, names, _) in CIS_CONTROLS.items():
        assert sum(seen[(source, n)] for n in names) > 0, control
    kms = [r for _, r in records if r["eventName"] in ("DisableKey", "ScheduleKeyDeletion")]
    assert {r["eventName"] for r in kms} == {"DisableKey", "ScheduleKeyDeletion"}
    # 4.1 with the v1.5 exclusions still leaves events
    assert any(
        (
            r.get("errorCode", "").endswith("UnauthorizedOperation")
            or r.get("errorCode", "").startswith("AccessDenied")
        )
        and r["sourceIPAddress"] != "delivery.logs.amazonaws.com"
        and r["eventName"] != "HeadBucket"
        for _, r in records
    )


def test_geoip_csv_covers_sample_ips(sample: tuple[Path, list[tuple[Path, dict[str, Any]]]]) -> None:
    root, _ = sample
    with (root / "geoip" / "geoip_blocks.csv").open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    for ip, country in SAMPLE_IP_COUNTRIES.items():
        addr = ipaddress.ip_address(ip)
        hits = [r for r in rows if addr in ipaddress.ip_network(r["network"])]
        assert [r["country_iso_code"] for r in hits] == [country], ip
        if addr.version == 4:
            assert int(hits[0]["ip_start"]) <= int(addr) <= int(hits[0]["ip_end"])
            assert int(hits[0]["bucket"]) == int(addr) // 65536
    assert not [
        r for r in rows if ipaddress.ip_address(UNMAPPED_PUBLIC_IP) in ipaddress.ip_network(r["network"])
    ]


def test_cli_sample_data(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(
        main,
        ["sample-data", "--out", str(tmp_path / "o"), "--days", "2", "--seed", "3", "--end", "2026-01-02"],
    )
    assert res.exit_code == 0, res.output
    days = {p.parent.relative_to(p.parents[3]).as_posix() for p in (tmp_path / "o").rglob("*.json.gz")}
    assert days == {"2026/01/01", "2026/01/02"}
    bad = runner.invoke(main, ["sample-data", "--out", str(tmp_path / "x"), "--end", "2026-02-30"])
    assert bad.exit_code == 2 and "--end" in bad.output
    assert not (tmp_path / "x").exists()
    again = runner.invoke(main, ["sample-data", "--out", str(tmp_path / "o"), "--days", "1"])
    assert again.exit_code == 2 and "not empty" in again.output


def test_default_end_is_yesterday_utc(tmp_path: Path, pinned_clock: Any) -> None:
    """Without --end the logs end yesterday (UTC), so a preview today shows them; with --end
    the bytes depend only on --end and --seed."""
    import datetime as dt

    from click.testing import CliRunner

    from looker_ops.cli import main

    pinned_clock(dt.datetime(2026, 12, 4, 0, 30, tzinfo=dt.UTC))
    result = CliRunner().invoke(main, ["sample-data", "--out", str(tmp_path / "a"), "--days", "2"])
    assert result.exit_code == 0, result.output
    assert "2026-12-02 to 2026-12-03" in result.output
    days = {p.parent.relative_to(tmp_path / "a").parts[-3:] for p in (tmp_path / "a").rglob("*.json.gz")}
    assert days == {("2026", "12", "02"), ("2026", "12", "03")}
    pinned_clock(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
    for name in ("b", "c"):
        args = ["sample-data", "--out", str(tmp_path / name), "--days", "2", "--end", "2026-12-03"]
        assert CliRunner().invoke(main, args).exit_code == 0
    files = lambda root: {p.relative_to(root): p.read_bytes() for p in root.rglob("*") if p.is_file()}  # noqa: E731
    assert files(tmp_path / "a") == files(tmp_path / "b") == files(tmp_path / "c")
