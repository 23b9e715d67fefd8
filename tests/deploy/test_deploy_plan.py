"""plan() of each Looker resource: pure functions from (desired, current) to changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from looker_ops.config.settings import ConnectionSettings, ProjectSettings, Secret
from looker_ops.errors import BadInput
from looker_ops.looker import connection, content, dashboards, models, project
from looker_ops.looker.changes import SECRET

KEY_ID = "AKIAEXAMPLEKEY01"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def settings(**kw: object) -> ConnectionSettings:
    base: dict[str, object] = {
        "name": "athena_ct",
        "region": "eu-west-1",
        "database": "cloudtrail",
        "workgroup": "primary",
        "s3_staging_dir": "s3://results/looker/",
        "aws_access_key_id": Secret(KEY_ID, "env:K"),
        "aws_secret_access_key": Secret(SECRET_KEY, "env:S"),
    }
    base.update(kw)
    return ConnectionSettings(**base)  # type: ignore[arg-type]


def as_looker(want: dict[str, object], **over: object) -> dict[str, object]:
    """The connection as Looker returns it after a create from ``want``."""
    cur = {k: v for k, v in want.items() if k != "password"}
    cur.update({"has_password": True, "pdts_enabled": False, "tmp_db_name": None})
    cur.update(over)
    return cur


# --------------------------------------------------------------------------- connection


def test_connection_desired_matches_lookers_athena_settings() -> None:
    want = connection.desired(settings(result_streaming=True))
    assert want["dialect_name"] == "athena"
    assert want["host"] == "athena.eu-west-1.amazonaws.com" and want["port"] == "443"
    assert want["database"] == "cloudtrail" and want["username"] == KEY_ID
    assert (
        want["jdbc_additional_params"]
        == "s3_staging_dir=s3://results/looker/;Workgroup=primary;UseResultsetStreaming=1"
    )
    assert connection.jdbc_params(settings(workgroup=None)) == "s3_staging_dir=s3://results/looker/"


def test_connection_create_plan_never_shows_the_secret() -> None:
    (ch,) = connection.plan(connection.desired(settings()), None)
    assert ch.action == "create"
    text = ch.line() + json.dumps(ch.as_dict())
    assert SECRET_KEY not in text and KEY_ID not in text and SECRET in text
    assert {d.field for d in ch.diffs} >= {"host", "jdbc_additional_params", "password", "pdts_enabled"}


def test_connection_unchanged_plans_nothing() -> None:
    want = connection.desired(settings())
    assert connection.plan(want, as_looker(want, port=443)) == []  # port as number or text


def test_connection_update_lists_only_what_differs() -> None:
    want = connection.desired(settings())
    (ch,) = connection.plan(want, as_looker(want, host="athena.us-east-1.amazonaws.com"))
    assert ch.action == "update"
    assert [d.field for d in ch.diffs] == ["host"]
    assert ch.diffs[0].before == "athena.us-east-1.amazonaws.com"


def test_connection_key_rotation_sends_the_password() -> None:
    want = connection.desired(settings())
    (ch,) = connection.plan(want, as_looker(want, username="AKIAOLDKEY000000"))
    assert [d.field for d in ch.diffs] == ["username", "password"]
    assert "AKIAOLDKEY000000" not in ch.line() and KEY_ID not in ch.line()


def test_connection_with_pdts_enabled_is_switched_off() -> None:
    want = connection.desired(settings())
    (ch,) = connection.plan(want, as_looker(want, pdts_enabled=True, tmp_db_name="scratch"))
    assert [(d.field, d.after) for d in ch.diffs] == [("pdts_enabled", False)]
    body = connection._body(want, {d.field for d in ch.diffs})
    assert body.tmp_db_name == "" and body.password is None and body.host is None


def test_connection_missing_secret_is_named() -> None:
    with pytest.raises(BadInput, match=r"connection.aws_secret_access_key"):
        connection.check_settings(settings(aws_secret_access_key=None), "cfg.yaml")
    with pytest.raises(BadInput, match=r"connection.s3_staging_dir"):
        connection.check_settings(settings(s3_staging_dir=""), "cfg.yaml")


# --------------------------------------------------------------------------- project, models


def test_project_plan() -> None:
    want = project.desired(
        ProjectSettings(name="ct", git_remote_url="git@github.com:a/b.git", deploy_branch="main")
    )
    (create,) = project.plan(want, None)
    assert create.action == "create" and create.name == "ct"
    assert [d.field for d in create.diffs] == [
        "git_remote_url",
        "git_production_branch_name",
        "git_release_mgmt_enabled",
    ]
    current = {
        "git_remote_url": "git@github.com:a/b.git",
        "git_production_branch_name": "main",
        "git_release_mgmt_enabled": True,
    }
    assert project.plan(want, current) == []
    # advanced deploy mode switched off in the UI is drift
    (drift,) = project.plan(want, {**current, "git_release_mgmt_enabled": False})
    assert [(d.field, d.before, d.after) for d in drift.diffs] == [("git_release_mgmt_enabled", False, True)]
    (upd,) = project.plan(
        want,
        {"git_remote_url": None, "git_production_branch_name": "master", "git_release_mgmt_enabled": True},
    )
    assert [d.field for d in upd.diffs] == ["git_remote_url", "git_production_branch_name"]
    (tok,) = project.plan({**want, "git_remote_url": "https://bot:ghp_tok3n@github.com/a/b.git"}, None)
    assert "ghp_tok3n" not in tok.line() + str(tok.as_dict())
    assert tok.payload["git_remote_url"] == "https://bot:ghp_tok3n@github.com/a/b.git"  # applied as given
    assert project.is_ssh_url("git@github.com:a/b.git") and project.is_ssh_url("ssh://git@h/x.git")
    assert not project.is_ssh_url("https://github.com/a/b.git") and not project.is_ssh_url(
        "file:///tmp/x.git"
    )


def test_models_plan() -> None:
    want = models.desired(["cloudtrail", "extra"], "ct", "athena_ct")
    current = {
        "cloudtrail": {
            "project_name": "ct",
            "allowed_db_connection_names": ["athena_ct"],
            "unlimited_db_connections": False,
        }
    }
    (ch,) = models.plan(want, current)
    assert ch.action == "create" and ch.name == "extra"
    current["cloudtrail"]["allowed_db_connection_names"] = ["other", "athena_ct"]
    changes = models.plan(want, current)
    assert [(c.name, c.action) for c in changes] == [("cloudtrail", "update"), ("extra", "create")]


# --------------------------------------------------------------------------- dashboards

DASH = """- dashboard: overview
  title: CloudTrail overview
  preferred_slug: ct-overview
  layout: newspaper
  elements:
  - name: events
    title: Events
    type: single_value
    model: cloudtrail
    explore: events
    fields: [events.count]
    row: 0
    col: 0
    width: 6
    height: 4
"""

# What Looker's export of the same dashboard looks like: another name, defaults added, values
# written differently (numbers as text, yes/no as booleans).
EXPORT = """- dashboard: ct_overview
  title: CloudTrail overview
  layout: newspaper
  preferred_viewer: dashboards-next
  crossfilter_enabled: false
  elements:
  - title: Events
    name: events
    model: cloudtrail
    explore: events
    type: single_value
    fields: [events.count]
    limit: 500
    row: 0
    col: '0'
    width: 6
    height: 4
"""


def test_same_lookml_ignores_lookers_additions_and_spelling() -> None:
    assert dashboards.same_lookml(EXPORT, DASH)
    assert not dashboards.same_lookml(
        EXPORT.replace("fields: [events.count]", "fields: [events.total]"), DASH
    )
    assert not dashboards.same_lookml(EXPORT.replace("title: Events", "title: All events"), DASH)
    assert not dashboards.same_lookml(None, DASH)
    # an element added to the file is a change
    extra = DASH + "  - name: more\n    title: More\n    type: text\n"
    assert not dashboards.same_lookml(EXPORT, extra)


def local(tmp_path: Path, files: dict[str, str]) -> list[dashboards.LocalDashboard]:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return dashboards.load_local(tmp_path)


def test_load_local_requires_a_unique_preferred_slug(tmp_path: Path) -> None:
    (d,) = local(tmp_path, {"overview.dashboard.lookml": DASH})
    assert d.slug == "ct-overview" and d.title == "CloudTrail overview"
    (tmp_path / "copy.dashboard.lookml").write_text(DASH)
    with pytest.raises(BadInput, match="ct-overview"):
        dashboards.load_local(tmp_path)
    (tmp_path / "copy.dashboard.lookml").write_text(DASH.replace("  preferred_slug: ct-overview\n", ""))
    with pytest.raises(BadInput, match=r"copy.dashboard.lookml:1: preferred_slug is required"):
        dashboards.load_local(tmp_path)


def test_dashboards_plan_create_update_skip_move_prune(tmp_path: Path) -> None:
    desired = local(
        tmp_path,
        {
            "a.dashboard.lookml": DASH,
            "b.dashboard.lookml": DASH.replace("ct-overview", "ct-b"),
            "c.dashboard.lookml": DASH.replace("ct-overview", "ct-c"),
            "d.dashboard.lookml": DASH.replace("ct-overview", "ct-d"),
        },
    )
    cur = {
        "ct-b": dashboards.CurrentDashboard("11", "ct-b", "CloudTrail overview", "7", EXPORT),  # unchanged
        "ct-c": dashboards.CurrentDashboard(
            "12", "ct-c", "x", "7", EXPORT.replace("Events", "Old")
        ),  # changed
        "ct-d": dashboards.CurrentDashboard("13", "ct-d", "x", "99", EXPORT),  # elsewhere: moved
    }
    stray = dashboards.CurrentDashboard("20", "someone-else", "Old", "7")
    changes = dashboards.plan(desired, cur, "7", in_folder=[cur["ct-b"], cur["ct-c"], stray])
    got = {(c.name, c.action, tuple(d.field for d in c.diffs)) for c in changes}
    assert got == {
        ("ct-overview", "create", ("title",)),
        ("ct-c", "update", ("lookml",)),
        ("ct-d", "update", ("folder_id",)),
    }
    pruned = dashboards.plan(desired, cur, "7", prune=True, in_folder=[cur["ct-b"], stray])
    assert [(c.name, c.action) for c in pruned if c.action == "delete"] == [("someone-else", "delete")]
    forced = dashboards.plan(desired, cur, "7", force=True)
    assert {c.name for c in forced} == {"ct-overview", "ct-b", "ct-c", "ct-d"}
    assert [o.slug for o in dashboards.orphans(desired, [cur["ct-b"], stray])] == ["someone-else"]


def test_with_slug_keeps_identity_for_restores() -> None:
    out = dashboards.with_slug("- dashboard: x\n  title: X\n", "ct-x")
    assert "preferred_slug: ct-x" in out
    assert dashboards.with_slug(DASH, "ct-overview") == DASH


# --------------------------------------------------------------------------- content validation


def cv(*items: dict[str, object]) -> dict[str, object]:
    return {"content_with_errors": list(items)}


def dash_error(dash_id: str, folder: str, msg: str, title: str = "Events") -> dict[str, object]:
    return {
        "dashboard": {"id": dash_id, "title": f"D{dash_id}", "folder": {"id": folder}},
        "dashboard_element": {"id": f"e{dash_id}", "title": title, "dashboard_id": dash_id},
        "errors": [
            {
                "message": msg,
                "field_name": "events.count",
                "model_name": "cloudtrail",
                "explore_name": "events",
            }
        ],
    }


def test_content_parse_keeps_only_the_blocks_content() -> None:
    result = cv(
        dash_error("1", "7", "Unknown field"),
        dash_error("2", "99", "Unknown field"),  # someone else's, elsewhere
        dash_error("3", "99", "Unknown field"),  # the block's, found by id outside the folder
    )
    errs = content.parse(result, "7", {"3"})
    assert [e.content_id for e in errs] == ["dashboard:1:e1", "dashboard:3:e3"]
    assert "dashboard 'D1' (id 1), tile 'Events': Unknown field" in errs[0].line()


def test_content_new_errors_are_those_not_there_before() -> None:
    before = content.parse(cv(dash_error("1", "7", "Old problem")), "7", set())
    after = content.parse(
        cv(dash_error("1", "7", "Old problem"), dash_error("1", "7", "New problem")), "7", set()
    )
    assert [e.message for e in content.new_errors(before, after)] == ["New problem"]
    assert content.new_errors(after, before) == []
