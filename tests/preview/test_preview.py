"""`preview` on the block's dashboards: exact numbers against counts computed from the JSON records.

Sample logs are generated into a temporary folder (10 days ending 2026-11-20, a seed other than
the bundled sample's), ``now`` is pinned to 2026-11-20T12:00:00Z, so the dashboards' default
"7 days" window is [2026-11-14, 2026-11-21). Every expected value comes from
``tests/preview/oracle.py``, which reads the same files in plain Python.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from looker_ops.engines.local import LocalEngine
from looker_ops.errors import BadInput
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.model import Project
from looker_ops.preview.model import DashboardPreview, TilePreview
from looker_ops.preview.run import preview_dashboard
from looker_ops.sample_data.generate import SAMPLE_GEO_NETWORKS, generate
from tests.preview import oracle
from tests.preview.oracle import Event

ROOT = Path(__file__).resolve().parents[2]
NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)
START, END = dt.datetime(2026, 11, 14), dt.datetime(2026, 11, 21)
# The block's sql_always_where reads one day of files before the window (query time zones ahead of UTC)
# and the day the window ends on (late deliveries): dt in [2026/11/13, 2026/11/21].
FIRST_DT, LAST_DT = "2026/11/13", "2026/11/21"
# The block geolocates IPv4 sources (the join is on the address as an integer); IPv6 stays empty.
COUNTRY = {ip: net.country_name for net in SAMPLE_GEO_NETWORKS for ip in net.ips if ":" not in ip}

CIS = "cloudtrail_cis_aws_foundations"
LOGINS = "cloudtrail_console_login_overview"
OPS = "cloudtrail_operational_activity"
SG = "cloudtrail_security_group_changes"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("cloudtrail")
    generate(root, days=10, seed=11, end=dt.date(2026, 11, 20))
    return root


@pytest.fixture(scope="module")
def events(data: Path) -> list[Event]:
    return oracle.load(data)


@pytest.fixture(scope="module")
def window(events: list[Event]) -> list[Event]:
    return oracle.in_window(events, START, END)


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(ROOT / "lookml_project", dashboard_dirs=[ROOT / "dashboards"], cache_dir=None)


@pytest.fixture(scope="module")
def engine(data: Path) -> Iterator[LocalEngine]:
    with LocalEngine(data, geoip_dir=data / "geoip") as e:
        yield e


@pytest.fixture(scope="module")
def previews(project: Project, engine: LocalEngine) -> dict[str, DashboardPreview]:
    return {d.name: preview_dashboard(project, d, engine, now=NOW) for d in project.dashboards}


def tile(p: DashboardPreview, name: str) -> TilePreview:
    matches = [t for t in p.tiles if t.name == name]
    assert matches, f"no tile {name} in {p.dashboard}: {[t.name for t in p.tiles]}"
    t = matches[0]
    assert t.error is None, f"{p.dashboard}/{name}: {t.error}"
    return t


def single(p: DashboardPreview, name: str) -> Any:
    t = tile(p, name)
    assert len(t.rows) == 1 and len(t.rows[0]) == 1, t.rows
    return t.rows[0][0]


def count(events: list[Event], pred: Callable[[Event], bool]) -> int:
    return sum(1 for e in events if pred(e))


def col(t: TilePreview, name: str) -> int:
    return t.columns.index(name)


def keyed(t: TilePreview, keys: list[str], values: list[str]) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    ki = [col(t, k) for k in keys]
    vi = [col(t, v) for v in values]
    out = {tuple(r[i] for i in ki): tuple(r[i] for i in vi) for r in t.rows}
    assert len(out) == len(t.rows), "keys are not unique"
    return out


# --------------------------------------------------------------------------- every dashboard


def test_all_four_dashboards_run_every_query_tile(previews: dict[str, DashboardPreview]) -> None:
    assert set(previews) == {CIS, LOGINS, OPS, SG}
    for p in previews.values():
        assert p.filters == {"date": "7 days", "account": ""}
        for t in p.tiles:
            if t.type == "text":
                assert t.error is None and t.sql is None and t.body
            else:
                assert t.error is None, f"{p.dashboard}/{t.name}: {t.error}"
                assert t.sql and t.sql.startswith("SELECT")


def test_every_tile_reads_only_its_windows_files(
    previews: dict[str, DashboardPreview], events: list[Event]
) -> None:
    expected = oracle.files_between(events, FIRST_DT, LAST_DT)
    total = len({e.file for e in events})
    assert 0 < len(expected) < total
    for p in previews.values():
        for t in p.tiles:
            if t.type == "text":
                assert t.files_scanned is None
                continue
            assert t.files_scanned == len(expected), f"{p.dashboard}/{t.name}"
            assert t.partition_filter is not None and "cloudtrail_logs.dt >=" in t.partition_filter
            assert "cloudtrail_logs.dt <=" in t.partition_filter


# --------------------------------------------------------------------------- CIS: every tile


@pytest.mark.parametrize("control", oracle.CIS, ids=[c[0] for c in oracle.CIS])
def test_cis_control_tiles(
    control: tuple[str, str, Callable[[Event], bool]],
    previews: dict[str, DashboardPreview],
    window: list[Event],
) -> None:
    name, _label, pred = control
    expected = count(window, pred)
    assert expected > 0, f"the sample has no event for {name}: the test would prove nothing"
    assert single(previews[CIS], name) == expected


def test_cis_matches_by_control_over_time_pivot(
    previews: dict[str, DashboardPreview], window: list[Event]
) -> None:
    t = tile(previews[CIS], "cis_over_time")
    expected: Counter[tuple[str, str]] = Counter()
    for e in window:
        label = oracle.first_cis_control(e)
        if label is not None:
            expected[(e.time.date().isoformat(), label)] += 1
    # the pivot's columns in Looker's order: by cis_control's order_by_field (4.2 before 4.10)
    labels = sorted({label for _, label in expected}, key=lambda lb: int(lb.split()[0].split(".")[1]))
    assert labels != sorted(labels)  # the sample has 4.1x controls: text order would differ
    assert t.columns == ["cloudtrail_logs.event_date"] + [f"cloudtrail_logs.events | {lb}" for lb in labels]
    days = sorted({d for d, _ in expected})
    assert [str(r[0]) for r in t.rows] == days  # sorts: [event_date] ascending
    for r in t.rows:
        for lb, v in zip(labels, r[1:], strict=True):
            assert v == (expected.get((str(r[0]), lb)) or None), (r[0], lb)


def test_cis_matching_events_grid(previews: dict[str, DashboardPreview], window: list[Event]) -> None:
    t = tile(previews[CIS], "cis_events")
    matching = {e.get("eventID"): oracle.first_cis_control(e) for e in window if oracle.first_cis_control(e)}
    assert len(matching) <= 1000  # the tile's limit
    got = {r[col(t, "cloudtrail_logs.event_id")]: r[col(t, "cloudtrail_logs.cis_control")] for r in t.rows}
    assert got == matching
    times = [r[col(t, "cloudtrail_logs.event_time")] for r in t.rows]
    assert times == sorted(times, reverse=True)  # sorts: event_time desc
    by_id = {e.get("eventID"): e for e in window}
    for r in t.rows:
        e = by_id[r[col(t, "cloudtrail_logs.event_id")]]
        assert r[col(t, "cloudtrail_logs.actor")] == oracle.actor(e)
        assert r[col(t, "cloudtrail_logs.account_id")] == oracle.account_id(e)
        assert r[col(t, "cloudtrail_logs.event_time")] == e.time.strftime("%Y-%m-%d %H:%M:%S")


# --------------------------------------------------------------------------- console logins


def test_console_login_single_values(previews: dict[str, DashboardPreview], window: list[Event]) -> None:
    p = previews[LOGINS]
    logins = [e for e in window if oracle.is_console_login(e)]
    assert single(p, "logins") == len(logins)
    assert single(p, "successes") == count(logins, lambda e: oracle.login_result(e) == "Success")
    assert single(p, "failures") == count(logins, lambda e: oracle.login_result(e) == "Failure")
    assert single(p, "without_mfa") == count(window, oracle.is_login_without_mfa)
    assert 0 < single(p, "failures") < single(p, "logins")


def test_console_logins_over_time_by_result(
    previews: dict[str, DashboardPreview], window: list[Event]
) -> None:
    t = tile(previews[LOGINS], "logins_over_time")
    expected = Counter(
        (e.time.date().isoformat(), oracle.login_result(e)) for e in window if oracle.is_console_login(e)
    )
    assert t.columns == [
        "cloudtrail_logs.event_date",
        "cloudtrail_logs.console_logins | Failure",
        "cloudtrail_logs.console_logins | Success",
    ]
    got = {(str(r[0]), res): v for r in t.rows for res, v in zip(("Failure", "Success"), r[1:], strict=True)}
    assert {k: v for k, v in got.items() if v is not None} == dict(expected)


def test_top_users_and_users_with_several_ips(
    previews: dict[str, DashboardPreview], window: list[Event]
) -> None:
    p = previews[LOGINS]
    logins = [e for e in window if oracle.is_console_login(e)]
    per_user: dict[str, list[Event]] = defaultdict(list)
    for e in logins:
        per_user[oracle.user(e) or ""].append(e)
    # People behind one SSO permission-set role are told apart (by role they would be one row).
    users_per_role: dict[str, set[str]] = defaultdict(set)
    for e in logins:
        if oracle.is_federated_session(e):
            users_per_role[oracle.actor(e) or ""].add(oracle.user(e) or "")
    assert any(r.startswith("AWSReservedSSO_") and len(us) > 1 for r, us in users_per_role.items())
    t = tile(p, "top_users")
    assert len(per_user) <= 15
    assert keyed(
        t,
        ["cloudtrail_logs.user"],
        [
            "cloudtrail_logs.console_login_successes",
            "cloudtrail_logs.console_login_failures",
            "cloudtrail_logs.console_logins",
        ],
    ) == {
        (a,): (
            count(es, lambda e: oracle.login_result(e) == "Success"),
            count(es, lambda e: oracle.login_result(e) == "Failure"),
            len(es),
        )
        for a, es in per_user.items()
    }
    totals = [r[col(t, "cloudtrail_logs.console_logins")] for r in t.rows]
    assert totals == sorted(totals, reverse=True)
    # A measure filter (distinct_source_ips > 1) goes to HAVING.
    t = tile(p, "users_several_ips")
    assert "HAVING" in (t.sql or "")
    groups: dict[tuple[str, str], list[Event]] = defaultdict(list)
    for e in logins:
        groups[(oracle.user(e) or "", e.ident.get("type"))].append(e)
    expected = {
        k: (len({e.get("sourceIPAddress") for e in es}), len(es))
        for k, es in groups.items()
        if len({e.get("sourceIPAddress") for e in es}) > 1
    }
    assert expected
    assert (
        keyed(
            t,
            ["cloudtrail_logs.user", "cloudtrail_logs.user_identity_type"],
            ["cloudtrail_logs.distinct_source_ips", "cloudtrail_logs.console_logins"],
        )
        == expected
    )


def test_login_ips_with_their_country_through_the_geoip_join(
    previews: dict[str, DashboardPreview], window: list[Event]
) -> None:
    t = tile(previews[LOGINS], "top_ips")
    assert "LEFT JOIN" in (t.sql or "") and "AS geoip" in (t.sql or "")
    logins = [e for e in window if oracle.is_console_login(e)]
    per_ip = Counter(e.get("sourceIPAddress") for e in logins)
    assert len(per_ip) <= 25
    users: dict[str, set[str | None]] = defaultdict(set)
    for e in logins:
        users[e.get("sourceIPAddress")].add(oracle.user(e))
    got = keyed(
        t,
        ["cloudtrail_logs.source_ip"],
        ["geoip.country", "cloudtrail_logs.console_logins", "cloudtrail_logs.distinct_users"],
    )
    assert got == {(ip,): (COUNTRY.get(ip), n, len(users[ip] - {None})) for ip, n in per_ip.items()}
    assert any(v[0] is None for v in got.values()) and any(v[0] for v in got.values())


def test_login_failures_and_logins_without_mfa(
    previews: dict[str, DashboardPreview], window: list[Event]
) -> None:
    p = previews[LOGINS]
    t = tile(p, "login_failures")
    failures = Counter(
        (e.get("errorMessage"), oracle.user(e), e.get("sourceIPAddress"))
        for e in window
        if oracle.is_console_login(e) and oracle.login_result(e) == "Failure"
    )
    got = keyed(
        t,
        [
            "cloudtrail_logs.console_login_failure_reason",
            "cloudtrail_logs.user",
            "cloudtrail_logs.source_ip",
        ],
        ["cloudtrail_logs.console_login_failures"],
    )
    assert got == {k: (v,) for k, v in failures.items()}
    t = tile(p, "logins_without_mfa")
    ids = {r[col(t, "cloudtrail_logs.event_id")] for r in t.rows}
    assert ids == {e.get("eventID") for e in window if oracle.is_login_without_mfa(e)}
    assert ids
    by_id = {e.get("eventID"): e for e in window}
    assert all(
        r[col(t, "cloudtrail_logs.user")] == oracle.user(by_id[r[col(t, "cloudtrail_logs.event_id")]])
        for r in t.rows
    )


# --------------------------------------------------------------------------- operational activity


def test_operational_single_values(previews: dict[str, DashboardPreview], window: list[Event]) -> None:
    p = previews[OPS]
    errors = count(window, oracle.is_error)
    assert single(p, "events") == len(window)
    assert single(p, "errors") == errors
    assert single(p, "error_rate") == pytest.approx(errors / len(window))
    assert single(p, "actors") == len({oracle.actor(e) for e in window} - {None})
    assert single(p, "root_events") == count(window, oracle.is_root_activity)
    assert single(p, "access_denied") == count(window, lambda e: oracle.error_family(e) == "access denied")


def test_operational_breakdowns(previews: dict[str, DashboardPreview], window: list[Event]) -> None:
    p = previews[OPS]
    by_region: dict[str, list[Event]] = defaultdict(list)
    for e in window:
        by_region[e.get("awsRegion")].append(e)
    assert keyed(
        tile(p, "activity_by_region"),
        ["cloudtrail_logs.aws_region"],
        ["cloudtrail_logs.events", "cloudtrail_logs.errors"],
    ) == {(r,): (len(es), count(es, oracle.is_error)) for r, es in by_region.items()}
    services = Counter(e.get("eventSource").split(".")[0] for e in window)
    t = tile(p, "activity_by_service")
    got = keyed(t, ["cloudtrail_logs.service"], ["cloudtrail_logs.events"])
    if len(services) <= 20:
        assert got == {(s,): (n,) for s, n in services.items()}
    else:  # the limit keeps the top 20
        assert len(got) == 20 and all(services[s] == n for (s,), (n,) in got.items())
    t = tile(p, "access_denied_trend")
    days: dict[str, list[Event]] = defaultdict(list)
    for e in window:
        days[e.time.date().isoformat()].append(e)
    got_days = {str(r[0]): tuple(r[1:]) for r in t.rows}
    assert got_days == {
        d: (count(es, lambda e: oracle.error_family(e) == "access denied"), count(es, oracle.is_error))
        for d, es in days.items()
    }
    assert [str(r[0]) for r in t.rows] == sorted(days)
    t = tile(p, "activity_over_time")
    cats = Counter((e.time.date().isoformat(), e.get("eventCategory") or "Management") for e in window)
    got_cats = {}
    for r in t.rows:
        for name, v in zip(t.columns[1:], r[1:], strict=True):
            if v is not None:
                got_cats[(str(r[0]), name.split(" | ", 1)[1])] = v
    assert got_cats == dict(cats)


def test_root_activity_grid(previews: dict[str, DashboardPreview], window: list[Event]) -> None:
    t = tile(previews[OPS], "root_activity")
    expected = {
        e.get("eventID"): COUNTRY.get(e.get("sourceIPAddress")) for e in window if oracle.is_root_activity(e)
    }
    assert expected
    got = {r[col(t, "cloudtrail_logs.event_id")]: r[col(t, "geoip.country")] for r in t.rows}
    assert got == expected


# --------------------------------------------------------------------------- security groups


def test_security_group_tiles(previews: dict[str, DashboardPreview], window: list[Event]) -> None:
    p = previews[SG]
    changes = [e for e in window if oracle.is_sg_change(e)]
    world = [e for e in window if oracle.opens_to_world(e)]
    egress = [e for e in window if oracle.egress_to_world(e)]
    assert world, "the sample opens a security group to the world"
    assert any(e.get("eventName") == "ModifySecurityGroupRules" for e in world)
    # Terraform's default egress to 0.0.0.0/0 is frequent, and is not an opening.
    assert len(egress) > len(world) and not {id(e) for e in egress} & {id(e) for e in world}
    assert single(p, "changes") == len(changes)
    assert single(p, "world_open") == len(world)
    assert single(p, "failed_changes") == count(changes, oracle.is_error)
    assert single(p, "actors") == len({oracle.user(e) for e in changes})
    # Counted per person (SSO and SAML sessions by their session name), not per role.
    assert {oracle.user(e) for e in changes} != {oracle.actor(e) for e in changes}
    t = tile(p, "world_open_changes")
    assert {r[col(t, "cloudtrail_logs.event_id")] for r in t.rows} == {e.get("eventID") for e in world}
    t = tile(p, "every_change")
    got = {
        r[col(t, "cloudtrail_logs.event_id")]: (
            r[col(t, "cloudtrail_logs.opens_to_world")],
            r[col(t, "cloudtrail_logs.egress_to_world")],
            r[col(t, "cloudtrail_logs.user")],
            r[col(t, "cloudtrail_logs.actor")],
        )
        for r in t.rows
    }
    yn = {True: "Yes", False: "No"}
    assert got == {
        e.get("eventID"): (
            yn[oracle.opens_to_world(e)],
            yn[oracle.egress_to_world(e)],
            oracle.user(e),
            oracle.actor(e),
        )
        for e in changes
    }
    t = tile(p, "changes_by_actor")
    expected = Counter((e.time.date().isoformat(), oracle.user(e)) for e in changes)
    got_pivot = {}
    for r in t.rows:
        for name, v in zip(t.columns[1:], r[1:], strict=True):
            if v is not None:
                got_pivot[(str(r[0]), name.split(" | ", 1)[1])] = v
    assert got_pivot == dict(expected)


# --------------------------------------------------------------------------- dashboard filters


def test_date_filter_override_moves_the_window_and_the_files(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    d = next(x for x in project.dashboards if x.name == CIS)
    p = preview_dashboard(project, d, engine, now=NOW, overrides={"Date": "2026-11-15 to 2026-11-17"})
    assert p.filters["date"] == "2026-11-15 to 2026-11-17"
    win = oracle.in_window(events, dt.datetime(2026, 11, 15), dt.datetime(2026, 11, 17))
    for name, _label, pred in oracle.CIS:
        assert single(p, name) == count(win, pred), name
    files = oracle.files_between(events, "2026/11/14", "2026/11/17")
    assert tile(p, "cis_4_1").files_scanned == len(files)


def test_account_filter_override(
    project: Project, engine: LocalEngine, window: list[Event], events: list[Event]
) -> None:
    d = next(x for x in project.dashboards if x.name == OPS)
    p = preview_dashboard(project, d, engine, now=NOW, overrides={"account": "444455556666"})
    # The filter is on the partition column: the account of the file's S3 key.
    mine = [e for e in window if e.account == "444455556666"]
    assert 0 < len(mine) < len(window)
    assert single(p, "events") == len(mine)
    assert single(p, "errors") == count(mine, oracle.is_error)
    assert {oracle.account_id(e) for e in mine} == {"444455556666"}  # the receiving account too


def test_account_filter_prunes_the_account_partition(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    accounts = sorted({e.account for e in events})
    assert len(accounts) >= 2
    every = oracle.files_between(events, FIRST_DT, LAST_DT)
    for d in project.dashboards:
        for value, chosen in ((accounts[0], accounts[:1]), (",".join(accounts[:2]), accounts[:2])):
            p = preview_dashboard(project, d, engine, now=NOW, overrides={"account": value})
            files = oracle.files_between(events, FIRST_DT, LAST_DT, accounts=chosen)
            assert 0 < len(files) <= len(every)
            for t in p.tiles:
                if t.type == "text":
                    continue
                assert t.error is None, f"{d.name}/{t.name}: {t.error}"
                assert t.files_scanned == len(files), f"{d.name}/{t.name} {value}"
                assert t.partition_filter is not None and "cloudtrail_logs.account" in t.partition_filter
        one = oracle.files_between(events, FIRST_DT, LAST_DT, accounts=accounts[:1])
        assert len(one) < len(every)


def test_relative_override_uses_the_pinned_now(
    project: Project, engine: LocalEngine, events: list[Event]
) -> None:
    d = next(x for x in project.dashboards if x.name == OPS)
    p = preview_dashboard(project, d, engine, now=NOW, overrides={"date": "yesterday"})
    assert single(p, "events") == len(
        oracle.in_window(events, dt.datetime(2026, 11, 19), dt.datetime(2026, 11, 20))
    )
    assert tile(p, "events").files_scanned == len(oracle.files_between(events, "2026/11/18", "2026/11/20"))


def test_bad_filter_value_is_one_bad_input_before_any_tile(project: Project, engine: LocalEngine) -> None:
    d = next(x for x in project.dashboards if x.name == SG)
    with pytest.raises(BadInput) as err:
        preview_dashboard(project, d, engine, now=NOW, overrides={"Date": "fortnight"})
    msg = err.value.message
    assert msg.startswith(
        "--filter Date='fortnight': dashboard cloudtrail_security_group_changes filter date"
    )
    assert (
        "cloudtrail_logs.event_date" in msg and "cannot read 'fortnight' as a date filter expression" in msg
    )
    # an empty value keeps the defaults; a good one is accepted
    for value in ("", "3 days"):
        p = preview_dashboard(project, d, engine, now=NOW, overrides={"date": value})
        assert all(t.error is None for t in p.tiles), value


def test_text_tiles_are_text_not_errors(previews: dict[str, DashboardPreview]) -> None:
    for p in previews.values():
        [text] = [t for t in p.tiles if t.type == "text"]
        assert text.error is None and text.title == "How to read this dashboard"
        assert text.body and "Date" in text.body and text.sql is None and text.rows == []


def test_labels_are_looker_headings(previews: dict[str, DashboardPreview]) -> None:
    events = tile(previews[OPS], "events")
    assert events.columns == ["cloudtrail_logs.events"] and events.labels == ["CloudTrail Events"]
    # show_view_names: false -> the field label alone; pivot columns: the label, then the value
    over_time = tile(previews[LOGINS], "logins_over_time")
    assert over_time.labels == ["Event Date", "Console Logins | Failure", "Console Logins | Success"]
    for p in previews.values():
        for t in p.tiles:
            if t.error is None and not t.is_text:
                assert len(t.labels) == len(t.columns) and all(t.labels), t.title


def test_the_map_labels_are_the_fields_not_the_view_name(previews: dict[str, DashboardPreview]) -> None:
    """The login map's headings (its tooltips) are the fields' own labels, not "Cloudtrail Logs
    Console Logins" with the view's name in front."""
    m = tile(previews[LOGINS], "logins_map")
    assert m.columns == [
        "geoip.location",
        "cloudtrail_logs.console_logins",
        "cloudtrail_logs.console_login_failures",
    ]
    assert m.labels == ["Location", "Console Logins", "Console Login Failures"]


def test_unknown_filter_name_is_bad_input(project: Project, engine: LocalEngine) -> None:
    d = next(x for x in project.dashboards if x.name == SG)
    with pytest.raises(BadInput, match="no such filter"):
        preview_dashboard(project, d, engine, now=NOW, overrides={"region": "x"})
