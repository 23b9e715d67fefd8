"""A file that does not parse is reported first, at the line that caused it, and does not bury
itself under the references it leaves dangling (LKM009 counts them); references to names defined
nowhere stay errors. Shapes from a new-user trial, built in tmp copies of the bundled block and
of tests/check/realistic_project (never edited in place)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from looker_ops.check.run import run_check
from looker_ops.cli import main

REPO = Path(__file__).parents[2]
REALISTIC = Path(__file__).parent / "realistic_project"
VIEW = "views/cloudtrail_logs.view.lkml"


def block_copy(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the bundled project and dashboards: (project, dashboards)."""
    shutil.copytree(REPO / "lookml_project", tmp_path / "lookml_project")
    shutil.copytree(REPO / "dashboards", tmp_path / "dashboards")
    return tmp_path / "lookml_project", tmp_path / "dashboards"


def edit_line(path: Path, line: int, old: str, new: str) -> None:
    lines = path.read_text().split("\n")
    assert old in lines[line - 1], lines[line - 1]
    lines[line - 1] = lines[line - 1].replace(old, new)
    path.write_text("\n".join(lines))


def check(project: Path, dashboards: Path | None = None, **kw: object):
    return run_check(
        project,
        dashboard_dirs=[dashboards] if dashboards else [],
        sql=False,
        cache_dir=None,
        workers=1,
        **kw,  # type: ignore[arg-type]
    )


def test_a_key_given_twice_is_one_error_at_its_second_line(tmp_path: Path) -> None:
    project, dashboards = block_copy(tmp_path)
    view = project / VIEW
    edit_line(view, 28, "type: string", "type: string\n    type: number")  # event_id: type twice
    result = check(project, dashboards)
    got = [(f.code, f.file, f.line) for f in result.findings]
    assert got == [("LKM001", VIEW, 29), ("LKM009", VIEW, None)], got
    assert 'Key "type" already exists' in result.findings[0].message
    info = result.findings[1]
    assert info.severity.value == "info" and "cloudtrail_logs" in info.message
    assert int(info.message.split(": ", 1)[1].split()[0]) > 300  # the references it left unchecked


def test_a_lone_semicolon_that_swallows_a_block_is_the_one_error(tmp_path: Path) -> None:
    project, dashboards = block_copy(tmp_path)
    edit_line(project / VIEW, 29, "${TABLE}.eventid ;;", "${TABLE}.eventid ;")
    result = check(project, dashboards)
    got = [(f.code, f.file, f.line) for f in result.findings]
    assert got == [("LKM001", VIEW, 29), ("LKM009", VIEW, None)], got
    msg = result.findings[0].message
    assert "dimension event_id" in msg and "dimension_group: event" in msg
    assert "LookML ends sql with ';;'" in msg


def test_a_lone_semicolon_under_bigquery_gets_the_hint_at_its_line(tmp_path: Path) -> None:
    project = tmp_path / "realistic"
    shutil.copytree(REALISTIC, project)
    rel = "views/marketing/campaigns.view.lkml"
    edit_line(project / rel, 11, "${TABLE}.owner_id ;;", "${TABLE}.owner_id ;")
    result = check(project, dialect="bigquery")
    errors = [(f.code, f.file, f.line) for f in result.findings if f.severity.value == "error"]
    assert errors == [("LKM001", rel, 11)], [f.message for f in result.findings]
    msg = result.findings[0].message
    assert "unexpected '}'" in msg and "line 20" in msg, msg
    assert "LookML ends sql with ';;'" in msg and "runs on into `}`" in msg, msg
    assert result.findings[0].code == "LKM001"
    assert ("LKM009", rel) in {(f.code, f.file) for f in result.findings}  # the dashboard's 7 references


_BROKEN_VIEW = "view: broken {\n  dimension: a {\n    type: string\n    sql: ${TABLE}.a\n  }\n}\n"
_DASHBOARD = """- dashboard: d
  title: D
  elements:
  - name: t1
    model: m
    explore: logs
    type: table
    fields: [broken.a, logs.count]
  - name: t2
    model: m
    explore: ghost
    type: table
    fields: [ghost.x]
"""


def twin(tmp_path: Path) -> Path:
    """A project with a broken view file (broken), an explore joining it, an explore of a view
    defined nowhere (ghost) and a dashboard using both."""
    p = tmp_path / "p"
    (p / "views").mkdir(parents=True)
    (p / "m.model.lkml").write_text(
        'connection: "athena"\ninclude: "/views/*.view.lkml"\ninclude: "/*.dashboard.lookml"\n'
        "explore: logs {\n  join: broken {\n    sql_on: ${logs.id} = ${broken.a} ;;\n"
        "    relationship: many_to_one\n  }\n}\n"
        "explore: ghost {}\n"
    )
    (p / "views/logs.view.lkml").write_text(
        "view: logs {\n  sql_table_name: t ;;\n  dimension: id {\n    primary_key: yes\n"
        "    sql: ${TABLE}.id ;;\n  }\n  measure: count {\n    type: count\n  }\n}\n"
    )
    (p / "views/broken.view.lkml").write_text(_BROKEN_VIEW)
    (p / "d.dashboard.lookml").write_text(_DASHBOARD)
    return p


def test_a_view_defined_nowhere_is_still_an_error_beside_a_broken_file(tmp_path: Path) -> None:
    result = check(twin(tmp_path))
    got = [(f.code, f.file) for f in result.findings if f.severity.value != "info"]
    assert got[0] == ("LKM001", "views/broken.view.lkml"), got
    rest = {(f.code, f.file) for f in result.findings[1:] if f.severity.value == "error"}
    assert ("REF003", "m.model.lkml") in rest, result.findings  # explore ghost: no view ghost
    assert not any("broken" in f.message for f in result.findings if f.code.startswith("REF"))
    info = [f for f in result.findings if f.code == "LKM009"]
    assert len(info) == 1 and info[0].file == "views/broken.view.lkml"
    # without the broken file, the references to broken are errors again: they were suppressed
    # because its text defines view broken, not because anything goes beside a broken file
    (tmp_path / "p/views/broken.view.lkml").write_text("# nothing here\n")
    again = check(tmp_path / "p")
    assert any(f.code.startswith("REF") and "broken" in f.message for f in again.findings)


def test_parse_errors_come_first_in_every_format(tmp_path: Path) -> None:
    p = twin(tmp_path)
    for fmt in ("text", "json", "github"):
        r = CliRunner().invoke(main, ["check", "--no-cache", "--no-sql", "--format", fmt, str(p)])
        assert r.exit_code == 1, r.output
        if fmt == "json":
            codes = [f["code"] for f in json.loads(r.output)["findings"]]
        elif fmt == "github":
            codes = [line.split("title=", 1)[1].split("::", 1)[0] for line in r.output.splitlines()]
        else:
            codes = [
                ln.split()[2] for ln in r.output.splitlines() if ln.startswith("  ") and len(ln.split()) > 2
            ]
        assert codes[0] == "LKM001", (fmt, r.output)
        assert "REF003" in codes or "REF006" in codes, (fmt, r.output)  # dashboards sort first by name


def test_the_text_readers_of_a_broken_file() -> None:
    from looker_ops.lookml.broken import duplicate_key_line, lone_semicolon, salvage_names

    text = (
        "view: +a {\n"  # 1
        "  dimension: x {\n"
        "    type: string\n"
        "    sql: CASE WHEN 1 = 1\n"
        "      THEN 'type: y' END ;;\n"  # 5: a key-like text inside sql is not a key
        "  }\n"
        "  dimension: y {\n"
        "    type: string\n"  # 8: same key, another block
        "    type: number\n"  # 9: the duplicate
        "    sql: ${TABLE}.y ;\n"  # 10: a lone ';'
        "  }\n"
        "}\n"
        "explore: b {\n"
        "  sql_always_where: ${a.x} = 'view: c {' ;;\n"
        "}\n"
    )
    assert duplicate_key_line(text, "type") == 9
    assert lone_semicolon(text) == (10, "}")
    assert lone_semicolon(text, 9) is None
    assert salvage_names(text) == {"a", "b"}  # not c: it is inside sql


def test_a_model_file_that_does_not_parse_leaves_its_explores_unchecked(tmp_path: Path) -> None:
    """The model's includes are unknown: the dashboards' tiles on its explores are unchecked; a
    tile on a model that does not exist at all is still an error."""
    project, dashboards = block_copy(tmp_path)
    model = project / "cloudtrail.model.lkml"
    model.write_text(model.read_text() + "explore: { }}\n")
    (dashboards / "other.dashboard.lookml").write_text(
        "- dashboard: other\n  title: Other\n  elements:\n  - name: t\n    model: nosuch\n"
        "    explore: cloudtrail_logs\n    type: table\n    fields: [cloudtrail_logs.events]\n"
    )
    result = check(project, dashboards)
    got = [(f.code, f.file) for f in result.findings]
    assert got[0] == ("LKM001", "cloudtrail.model.lkml"), got
    assert sorted(got[1:]) == [
        ("LKM009", "cloudtrail.model.lkml"),
        ("REF006", "../dashboards/other.dashboard.lookml"),
    ], got
    info = next(f for f in result.findings if f.code == "LKM009")
    assert "model cloudtrail and what it includes" in info.message


def _lkm001(result) -> list[tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    return [(f.line, f.message) for f in result.findings if f.code == "LKM001"]


def test_a_missing_closing_brace_names_the_block_left_open(tmp_path: Path) -> None:
    """lkml stops at the end of the file ('<stream end>'); the finding names the block whose
    '}' is missing, at its line, and where the indentation says it should have closed."""
    project, dashboards = block_copy(tmp_path)
    view = project / VIEW
    edit_line(view, 68, "  }", "")  # the '}' of dimension: service
    [(line, message)] = _lkm001(check(project, dashboards))
    assert line == 62
    assert "`dimension: service {` on line 62 is never closed" in message
    assert "before line 70" in message  # dimension: event_name, at the same indentation


def test_a_missing_colon_shows_the_line(tmp_path: Path) -> None:
    project, dashboards = block_copy(tmp_path)
    edit_line(project / VIEW, 66, "type: string", "type string")
    [(line, message)] = _lkm001(check(project, dashboards))
    assert line == 66 and "`type string` is not `key: value`" in message and "':' missing" in message


def test_a_sql_without_its_semicolons_is_named_where_it_should_end(tmp_path: Path) -> None:
    """A sql with no ';;' runs on to the next field's ';;' (the parse succeeds, the field after
    it is lost): LKM001 at the sql's last line, naming the swallowed block."""
    project, dashboards = block_copy(tmp_path)
    edit_line(
        project / VIEW,
        67,
        "sql: split_part(${TABLE}.eventsource, '.', 1) ;;",
        "sql: split_part(${TABLE}.eventsource, '.', 1)",
    )
    [(line, message)] = _lkm001(check(project, dashboards))
    assert line == 67
    assert "the sql of dimension service has no ';;'" in message and "`dimension: event_name {`" in message


def test_sql_holding_braces_and_keys_is_not_taken_for_a_missing_semicolon(tmp_path: Path) -> None:
    """Valid in Looker: JSON and Liquid in a sql, a '}' at the end of a line, a `key: x {` in a
    string; none of them is a sql running on."""
    project, dashboards = block_copy(tmp_path)
    view = project / VIEW
    edit_line(
        view,
        67,
        "sql: split_part(${TABLE}.eventsource, '.', 1) ;;",
        "sql: CASE WHEN '{\"a\": {\"b\": 1}}' <> 'dimension: x {'\n"
        "           {% if service._in_query %} THEN split_part(${TABLE}.eventsource, '.', 1)\n"
        "           {% else %} THEN '' {% endif %} END ;;",
    )
    assert _lkm001(check(project, dashboards)) == []
