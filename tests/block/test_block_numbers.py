"""The numbers the dashboards show, checked against the raw CloudTrail records.

A fresh sample is generated with a known seed; each expected number is computed in Python
straight from the generated JSON records by the tests' oracle (``tests/preview/oracle.py``:
CloudWatch-filter semantics written out by hand, no SQL), and compared with what the block's own
tiles return on the embedded engine: the tile's fields, filters, sorts and limit from its
dashboard file, plus the dashboard's date filter.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from looker_ops.engines.local import LocalEngine
from looker_ops.lookml.model import Project
from looker_ops.sample_data.generate import SAMPLE_GEO_NETWORKS, SAMPLE_IP_COUNTRIES, generate, iter_records
from tests.block.support import engine_for, explore_sql, load_block, rows, tile, tile_sql, window
from tests.preview.oracle import CIS as CIS_CONTROLS
from tests.preview.oracle import (
    Fields,
    actor,
    egress_to_world,
    first_cis_control,
    identity,
    is_federated_session,
    is_login_without_mfa,
    is_root_activity,
    is_sg_change,
    login_result,
    mfa_used,
    opens_to_world,
    request_cidrs,
    session_name,
    user,
)

SEED = 20261125
FIRST = dt.date(2026, 11, 14)
LAST = dt.date(2026, 11, 20)
DAYS = (LAST - FIRST).days + 1
WINDOW = {"date": window(FIRST, LAST)}

LOGINS = "cloudtrail_console_login_overview"
SG = "cloudtrail_security_group_changes"
OPS = "cloudtrail_operational_activity"
CIS = "cloudtrail_cis_aws_foundations"

Record = dict[str, Any]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("numbers")
    generate(out, days=DAYS, seed=SEED, end=LAST)
    return out


@pytest.fixture(scope="module")
def records(sample_dir: Path) -> list[tuple[Path, Record]]:
    recs = list(iter_records(sample_dir))
    assert len(recs) > 500
    return recs


@pytest.fixture(scope="module")
def events(records: list[tuple[Path, Record]]) -> list[Record]:
    return [r for _p, r in records]


@pytest.fixture(scope="module")
def engine(sample_dir: Path) -> Iterator[LocalEngine]:
    eng = engine_for(sample_dir)
    assert not eng.problems
    yield eng
    eng.close()


@pytest.fixture(scope="module")
def project() -> Project:
    return load_block()


def run(
    project: Project, engine: LocalEngine, dashboard: str, element: str, **filters: str
) -> list[dict[str, Any]]:
    return rows(engine.query(tile_sql(project, tile(project, dashboard, element), {**WINDOW, **filters})))


def single(project: Project, engine: LocalEngine, dashboard: str, element: str) -> int:
    (row,) = run(project, engine, dashboard, element)
    (value,) = row.values()
    return int(value)


def ids(result: list[dict[str, Any]], field: str = "cloudtrail_logs.event_id") -> list[str]:
    return sorted(r[field] for r in result)


# --------------------------------------------------------------------------- console logins


def test_logins_over_time_by_result(project: Project, engine: LocalEngine, events: list[Record]) -> None:
    expected = Counter(
        (dt.date.fromisoformat(r["eventTime"][:10]), login_result(r)) for r in events if login_result(r)
    )
    assert {result for _day, result in expected} == {"Success", "Failure"}
    got = {
        (r["cloudtrail_logs.event_date"], r["cloudtrail_logs.console_login_result"]): r[
            "cloudtrail_logs.console_logins"
        ]
        for r in run(project, engine, LOGINS, "logins_over_time")
    }
    assert got == dict(expected)


def test_login_totals(project: Project, engine: LocalEngine, events: list[Record]) -> None:
    results = Counter(login_result(r) for r in events if r.get("eventName") == "ConsoleLogin")
    assert single(project, engine, LOGINS, "logins") == sum(results.values())
    assert single(project, engine, LOGINS, "successes") == results["Success"]
    assert single(project, engine, LOGINS, "failures") == results["Failure"]


def test_logins_without_mfa(project: Project, engine: LocalEngine, events: list[Record]) -> None:
    expected = sorted(r["eventID"] for r in events if is_login_without_mfa(r))
    assert expected, "the sample should contain logins without MFA"
    # SSO sign-ins report MFAUsed=No too, and must not be counted.
    assert any(
        login_result(r) == "Success" and mfa_used(r) == "No" and not is_login_without_mfa(r) for r in events
    )
    assert single(project, engine, LOGINS, "without_mfa") == len(expected)
    assert ids(run(project, engine, LOGINS, "logins_without_mfa")) == expected


def test_logins_by_country_through_the_geo_join(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    names = {n.country_iso_code: n.country_name for n in SAMPLE_GEO_NETWORKS}

    def country(ip: str) -> str | None:
        # The geo-IP table joins IPv4 addresses only (integer ranges); IPv6 sources stay unlocated.
        if ":" in ip:
            return None
        return names.get(SAMPLE_IP_COUNTRIES.get(ip, ""))

    logins = [r for r in events if r.get("eventName") == "ConsoleLogin"]
    expected = Counter(country(r["sourceIPAddress"]) for r in logins)
    got: Counter[str | None] = Counter()
    for r in run(project, engine, LOGINS, "logins_by_country"):
        got[r["geoip.country"]] += r["cloudtrail_logs.console_logins"]
    assert len([c for c in got if c]) >= 3
    assert got == expected


def test_users_logging_in_from_several_ips(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    ips: dict[tuple[str | None, str], set[str]] = {}
    for r in events:
        if r.get("eventName") == "ConsoleLogin":
            ips.setdefault((user(r), identity(r).get("type")), set()).add(r["sourceIPAddress"])
    expected = {key: len(s) for key, s in ips.items() if len(s) > 1}
    got = {
        (r["cloudtrail_logs.user"], r["cloudtrail_logs.user_identity_type"]): r[
            "cloudtrail_logs.distinct_source_ips"
        ]
        for r in run(project, engine, LOGINS, "users_several_ips")
    }
    assert got == expected
    # IAM users and people signed in through SSO are both there, each SSO person on their own.
    assert {t for _u, t in got} == {"IAMUser", "AssumedRole"}
    assert all(not u.startswith("AWSReservedSSO") for u, _t in got if u)


def test_top_users_are_people_not_roles(project: Project, engine: LocalEngine, events: list[Record]) -> None:
    logins = [r for r in events if r.get("eventName") == "ConsoleLogin"]
    expected = Counter(user(r) for r in logins)
    got = {
        r["cloudtrail_logs.user"]: r["cloudtrail_logs.console_logins"]
        for r in run(project, engine, LOGINS, "top_users")
    }
    assert got == dict(expected)
    # Two people share the SSO administrator role: one actor, two users.
    sso = {(actor(r), user(r)) for r in logins if is_federated_session(r)}
    roles = Counter(a for a, _u in sso)
    assert any(a and a.startswith("AWSReservedSSO_") and n >= 2 for a, n in roles.items())
    # A SAML session (no AWSReservedSSO role) is a person too, by its e-mail session name.
    assert any(a and not a.startswith("AWSReservedSSO_") and u and "@" in u for a, u in sso)


def test_identity_dimensions_match_the_records(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    """user, session_name, actor and is_federated_session for every kind of identity in the sample."""
    fields = [
        "cloudtrail_logs.event_id",
        "cloudtrail_logs.user",
        "cloudtrail_logs.actor",
        "cloudtrail_logs.session_name",
        "cloudtrail_logs.is_federated_session",
    ]
    got = {
        r["cloudtrail_logs.event_id"]: (
            r["cloudtrail_logs.user"],
            r["cloudtrail_logs.actor"],
            r["cloudtrail_logs.session_name"],
            r["cloudtrail_logs.is_federated_session"],
        )
        for r in rows(
            engine.query(
                explore_sql(
                    project, "cloudtrail_logs", fields, {"cloudtrail_logs.event_date": WINDOW["date"]}
                )
            )
        )
    }
    expected = {
        r["eventID"]: (user(r), actor(r), session_name(r), "Yes" if is_federated_session(r) else "No")
        for r in events
    }
    assert got == expected
    kinds = {identity(r).get("type") for r in events}
    assert {"IAMUser", "AssumedRole", "Root", "AWSService"} <= kinds
    # An EC2 instance role's session (an instance ID) is not a person: user stays the role.
    roles = [v for v in expected.values() if v[2] and v[3] == "No"]
    assert roles and all(u == a for u, a, _s, _f in roles)


# --------------------------------------------------------------------------- root, security groups


def test_root_events_follow_cis_4_3(project: Project, engine: LocalEngine, events: list[Record]) -> None:
    expected = sorted(r["eventID"] for r in events if is_root_activity(r))
    root_any = [r for r in events if identity(r).get("type") == "Root"]
    assert expected and len(root_any) > len(expected), "the sample should have root calls made by a service"
    assert single(project, engine, OPS, "root_events") == len(expected)
    assert single(project, engine, CIS, "cis_4_3") == len(expected)
    assert ids(run(project, engine, OPS, "root_activity")) == expected


def test_world_open_security_group_changes(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    expected = sorted(r["eventID"] for r in events if opens_to_world(r))
    assert expected
    # Closing a world-open rule, and a denied attempt to open one, are not openings.
    assert any(is_sg_change(r) and "0.0.0.0/0" in request_cidrs(r) and not opens_to_world(r) for r in events)
    # Ingress only: IPv4 and IPv6 world ranges, and a rule modified to the world.
    names = {r["eventName"] for r in events if opens_to_world(r)}
    assert names == {"AuthorizeSecurityGroupIngress", "ModifySecurityGroupRules"}
    assert any(opens_to_world(r) and "::/0" in request_cidrs(r) for r in events)
    assert single(project, engine, SG, "world_open") == len(expected)
    assert ids(run(project, engine, SG, "world_open_changes")) == expected


def test_default_egress_to_the_world_is_not_an_opening(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    egress = sorted(r["eventID"] for r in events if egress_to_world(r))
    assert len(egress) >= DAYS  # Terraform adds one to every group it creates
    assert not any(opens_to_world(r) for r in events if r["eventID"] in set(egress))
    # An egress rule to a private range is neither.
    assert any(
        r["eventName"] == "AuthorizeSecurityGroupEgress" and not egress_to_world(r) and not opens_to_world(r)
        for r in events
    )
    fields = ["cloudtrail_logs.event_id", "cloudtrail_logs.opens_to_world", "cloudtrail_logs.egress_to_world"]
    got = rows(
        engine.query(
            explore_sql(
                project,
                "cloudtrail_logs",
                fields,
                {"cloudtrail_logs.event_date": WINDOW["date"], "cloudtrail_logs.egress_to_world": "Yes"},
            )
        )
    )
    assert sorted(r["cloudtrail_logs.event_id"] for r in got) == egress
    assert {r["cloudtrail_logs.opens_to_world"] for r in got} == {"No"}
    measure = rows(
        engine.query(
            explore_sql(
                project,
                "cloudtrail_logs",
                ["cloudtrail_logs.world_egress_changes", "cloudtrail_logs.world_open_changes"],
                {"cloudtrail_logs.event_date": WINDOW["date"]},
            )
        )
    )
    assert measure == [
        {
            "cloudtrail_logs.world_egress_changes": len(egress),
            "cloudtrail_logs.world_open_changes": sum(1 for r in events if opens_to_world(r)),
        }
    ]


def test_every_security_group_change_is_listed(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    expected = sorted(r["eventID"] for r in events if is_sg_change(r))
    assert single(project, engine, SG, "changes") == len(expected)
    listed = run(project, engine, SG, "every_change")
    assert ids(listed) == expected
    by_id = {r["eventID"]: r for r in events}
    for row in listed:
        rec = by_id[row["cloudtrail_logs.event_id"]]
        params = rec.get("requestParameters") or {}
        group = (
            params.get("groupId")
            or (params.get("ModifySecurityGroupRulesRequest") or {}).get("GroupId")
            or (rec.get("responseElements") or {}).get("groupId")
        )
        assert row["cloudtrail_logs.security_group_id"] == group
        cidrs = request_cidrs(rec)
        assert (row["cloudtrail_logs.security_group_cidrs"] or "") == ", ".join(cidrs)
        if "Ingress" in rec["eventName"]:
            assert row["cloudtrail_logs.security_group_direction"] == "ingress"
        assert row["cloudtrail_logs.egress_to_world"] == ("Yes" if egress_to_world(rec) else "No")
        assert row["cloudtrail_logs.user"] == user(rec)
        perms = (params.get("ipPermissions") or {}).get("items") or []
        if perms and perms[0].get("ipProtocol") != "-1":
            port = perms[0]["fromPort"]
            assert row["cloudtrail_logs.security_group_ports"] == (
                str(port) if port == perms[0]["toPort"] else f"{port}-{perms[0]['toPort']}"
            )


# --------------------------------------------------------------------------- CIS


@pytest.mark.parametrize("control", CIS_CONTROLS, ids=[name for name, _label, _match in CIS_CONTROLS])
def test_cis_control_tile(
    project: Project,
    engine: LocalEngine,
    events: list[Record],
    control: tuple[str, str, Callable[[Fields], bool]],
) -> None:
    name, label, match = control
    expected = sum(1 for r in events if match(r))
    assert expected > 0, f"the sample should exercise CIS {label}"
    assert single(project, engine, CIS, name) == expected


def test_cis_matching_events_table(project: Project, engine: LocalEngine, events: list[Record]) -> None:
    expected = {r["eventID"]: first_cis_control(r) for r in events if first_cis_control(r)}
    listed = run(project, engine, CIS, "cis_events")
    got = {r["cloudtrail_logs.event_id"]: r["cloudtrail_logs.cis_control"] for r in listed}
    assert got == expected
    # Who: the person (user) next to the actor, as on the security-group dashboard; an SSO
    # session's actor is its AWSReservedSSO_ role, its user the person.
    by_id = {r["eventID"]: r for r in events}
    people = {
        r["cloudtrail_logs.event_id"]: (r["cloudtrail_logs.user"], r["cloudtrail_logs.actor"]) for r in listed
    }
    assert people == {i: (user(by_id[i]), actor(by_id[i])) for i in people}
    assert any(a.startswith("AWSReservedSSO_") and u != a for u, a in people.values() if a and u)


def test_cis_control_sorts_by_its_number(project: Project, engine: LocalEngine) -> None:
    """Looker sorts a string dimension (and orders a pivot on it) as text, 4.10 before 4.2:
    cis_control sorts by cis_control_number instead, one number per control."""
    view = project.views["cloudtrail_logs"]
    assert view.fields["cis_control"].props["order_by_field"] == "cis_control_number"
    number = view.fields["cis_control_number"]
    assert number.type == "number" and number.hidden
    sql = explore_sql(
        project,
        "cloudtrail_logs",
        ["cloudtrail_logs.cis_control", "cloudtrail_logs.cis_control_number"],
        {"cloudtrail_logs.event_date": WINDOW["date"], "cloudtrail_logs.cis_control": "-NULL"},
    )
    pairs = {
        (r["cloudtrail_logs.cis_control"], r["cloudtrail_logs.cis_control_number"])
        for r in rows(engine.query(sql))
    }
    assert len(pairs) >= 10  # the sample exercises most controls
    for label, n in pairs:  # one number per control: the one in its label (4.10 -> 10)
        assert int(label.split()[0].split(".")[1]) == n
    assert len({label for label, _ in pairs}) == len(pairs)


def test_cis_pivot_headings_are_the_tile_titles(project: Project, engine: LocalEngine) -> None:
    """Matches by control over time pivots on cis_control: each series is headed by the control's
    name as its own tile is titled (4.7 CMKs disabled or scheduled for deletion, not another
    wording), for every control of the dashboard."""
    (cis,) = [d for d in project.dashboards if d.name == CIS]
    titles = {e.title for e in cis.elements if e.name.startswith("cis_4_")}
    assert len(titles) == 15
    series = {r["cloudtrail_logs.cis_control"] for r in run(project, engine, CIS, "cis_over_time")}
    assert series == titles  # the sample exercises every control (test_cis_control_tile)


# --------------------------------------------------------------------------- the date window


def test_date_window_reads_only_its_partitions_and_loses_no_event(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    day = FIRST + dt.timedelta(days=3)
    files_by_dt: dict[str, set[Path]] = {}
    for path, _r in records:
        files_by_dt.setdefault("/".join(path.parent.parts[-3:]), set()).add(path)
    expected = sum(1 for _p, r in records if r["eventTime"][:10] == day.isoformat())
    sql = tile_sql(project, tile(project, OPS, "events"), {"date": day.isoformat()})
    result = engine.query(sql)
    assert result.rows == [(expected,)]
    # One day of margin on each side (see the explore): the day before, the day, the day after.
    margin = {(day + dt.timedelta(days=d)).strftime("%Y/%m/%d") for d in (-1, 0, 1)}
    assert result.files_scanned == len(set().union(*(files_by_dt[d] for d in margin)))
    assert result.files_scanned < len({p for p, _r in records})


def test_open_date_window_reads_everything(
    project: Project, engine: LocalEngine, events: list[Record]
) -> None:
    # An open end (or start) renders date_end (date_start) as NULL: that side of the partition
    # range falls back to everything.
    for open_window in ("after 2000-01-01", "before 2100-01-01"):
        sql = tile_sql(project, tile(project, OPS, "events"), {"date": open_window})
        assert "NULL" in sql, open_window
        assert engine.query(sql).rows == [(len(events),)], open_window


def test_account_filter_reads_only_that_accounts_files(
    project: Project, engine: LocalEngine, records: list[tuple[Path, Record]]
) -> None:
    day = FIRST + dt.timedelta(days=3)
    margin = {(day + dt.timedelta(days=d)).strftime("%Y/%m/%d") for d in (-1, 0, 1)}

    def key(path: Path) -> tuple[str, str]:
        # .../AWSLogs/<account>/CloudTrail/<region>/yyyy/mm/dd/<file>
        return path.parts[-7], "/".join(path.parent.parts[-3:])

    accounts = sorted({key(p)[0] for p, _r in records})
    assert len(accounts) >= 2
    every = {p for p, _r in records if key(p)[1] in margin}
    for account in accounts:
        sql = tile_sql(project, tile(project, OPS, "events"), {"date": day.isoformat(), "account": account})
        result = engine.query(sql)
        expected = sum(
            1 for p, r in records if key(p)[0] == account and r["eventTime"][:10] == day.isoformat()
        )
        assert result.rows == [(expected,)]
        mine = {p for p in every if key(p)[0] == account}
        assert result.files_scanned == len(mine) < len(every), account
