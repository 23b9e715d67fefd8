"""The dashboard YAML readers: the fast line reader and PyYAML's give the same structures (or
the fast one declines), and the dashboard reader's lines and messages hold on the YAML the fast
reader leaves to PyYAML (anchors, multi-line strings, tabs, broken YAML) and on a BOM."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from looker_ops.lookml import dashboard_lines as dl
from looker_ops.lookml import dashboard_yaml as dy
from looker_ops.lookml.dashboards import load_dashboards, parse_dashboard_text
from looker_ops.lookml.parsecache import parse_bytes
from tests.lookml.dashboard_compare import canon
from tests.lookml.dashboard_mutants import BASE, BASE_MAPPING, mutants

REPO = Path(__file__).resolve().parents[2]


def agree(text: str) -> bool:
    """Whether the fast reader read ``text``; fails when it read it differently from PyYAML
    or read a text PyYAML refuses."""
    fast = dl.fast_read(text)
    try:
        node = dy.node_read(text)
    except (yaml.YAMLError, TypeError):  # TypeError: a key PyYAML makes a dict or list
        assert isinstance(fast, dy.Decline), f"the fast reader read YAML that PyYAML refuses:\n{text}"
        return False
    if isinstance(fast, dy.Decline):
        return False
    assert canon(fast) == canon(node), f"the readers differ on:\n{text}"
    return True


def test_readers_agree_on_the_base_dashboards() -> None:
    assert agree(BASE) and agree(BASE_MAPPING)


def test_readers_agree_on_seeded_mutants() -> None:
    texts = mutants(1500)
    read_fast = sum(agree(t) for t in texts)
    # the mutants exercise both readers: the fast one reads a good share, declines the rest
    assert 300 < read_fast < 1400


def test_readers_agree_on_every_dashboard_of_the_repository() -> None:
    files = sorted(
        p for d in ("dashboards", "tests") for p in (REPO / d).rglob("*.dashboard.lookml") if p.is_file()
    )
    assert len(files) > 20
    read = {p: agree(p.read_text(encoding="utf-8-sig", errors="replace")) for p in files}
    bundled = [p for p in files if p.is_relative_to(REPO / "dashboards")]
    assert bundled and all(read[p] for p in bundled)  # the block's own dashboards take the fast path


ANCHORS = """- dashboard: anchored
  title: Anchored
  elements:
  - name: first
    type: looker_line
    vis: &vis
      show_view_names: false
      x_axis_gridlines: true
    lisen:
      Date: e.d
  - name: second
    type: looker_bar
    vis: *vis
    widht: 8
"""


def test_anchors_and_aliases_keep_their_lines_and_values() -> None:
    assert isinstance(dl.fast_read(ANCHORS), dy.Decline)
    [d], problems = parse_dashboard_text(ANCHORS, "a.dashboard.lookml")
    first, second = d.elements
    assert (first.line, second.line, d.end_line) == (4, 11, 15)
    assert second.props["vis"] == {"show_view_names": False, "x_axis_gridlines": True}
    assert second.props["_lines"] == {"name": 11, "type": 12, "vis": 13, "widht": 14}
    assert [(p.code, p.line, p.message) for p in problems] == [
        ("DSH002", 9, "unknown element key `lisen` in element first (did you mean listen?)"),
        ("DSH002", 14, "unknown element key `widht` in element second (did you mean width?)"),
    ]


MULTILINE = """- dashboard: notes
  title: "Notes: a title
    on two lines"
  elements:
  - name: help
    type: text
    body_text: |
      Lines of **Markdown**: colons: fine,
      # not a comment here
    subtitle_text: >-
      folded
      text
  - name: after
    type: text
    note_text: plain text that
      goes on
    heigth: 4
"""


def test_multi_line_strings_keep_the_lines_after_them() -> None:
    assert isinstance(dl.fast_read(MULTILINE), dy.Decline)
    [d], problems = parse_dashboard_text(MULTILINE, "n.dashboard.lookml")
    help_, after = d.elements
    assert d.title == "Notes: a title on two lines"
    assert help_.props["body_text"] == "Lines of **Markdown**: colons: fine,\n# not a comment here\n"
    assert help_.props["subtitle_text"] == "folded text"
    assert after.props["note_text"] == "plain text that goes on"
    assert (help_.line, after.line) == (5, 13)
    assert [(p.line, p.message) for p in problems] == [
        (17, "unknown element key `heigth` in element after (did you mean height?)")
    ]


def test_a_byte_order_mark_does_not_shift_lines(tmp_path: Path) -> None:
    text = "- dashboard: d\n  elements:\n  - name: e\n    type: text\n    widht: 3\n"
    f = tmp_path / "d.dashboard.lookml"
    f.write_bytes(b"\xef\xbb\xbf" + text.encode())
    for dashboards, problems in (
        load_dashboards([f], lambda p: p.name)[:2],
        (lambda pf: (pf.doc["dashboards"], pf.doc["problems"]))(parse_bytes(f.read_bytes(), f.name)),
    ):
        [d] = dashboards
        assert d.name == "d" and d.elements[0].line == 3
        assert [(p.line, p.file) for p in problems] == [(5, "d.dashboard.lookml")]
    # a byte-order mark inside the text is left to PyYAML, which reads it as a character
    inner = text.replace("type: text", "type: te\ufeffxt")
    assert isinstance(dl.fast_read(inner), dy.Decline)
    [d], _ = parse_dashboard_text(inner, "d.dashboard.lookml")
    assert d.elements[0].type == "te\ufeffxt"


def test_tabs_in_a_value_are_kept_and_tabs_as_indentation_are_a_yaml_error() -> None:
    ok = '- dashboard: tabs\n  title: "a\\tb\tc"\n  elements:\n  - name: t\n    type: text\n'
    [d], problems = parse_dashboard_text(ok, "t.dashboard.lookml")
    assert d.title == "a\tb\tc" and problems == []
    bad = "- dashboard: tabs\n  title: x\n  elements:\n  - name: t\n\ttype: text\n"
    assert parse_dashboard_text(bad, "t.dashboard.lookml")[1][0].line == 5
    [p] = parse_dashboard_text(bad, "t.dashboard.lookml")[1]
    assert (p.code, p.file, p.line) == ("DSH001", "t.dashboard.lookml", 5)
    assert p.message == "invalid YAML: found a tab character that violates indentation"


DUPLICATES = """- dashboard: dups
  title: First
  title: Second
  colour: red
  colour: blue
  elements:
  - name: e
    type: looker_grid
    type: looker_line
    lisen: {}
    lisen: {}
"""


def test_duplicate_keys_last_one_wins_are_warned_and_each_unknown_dashboard_key_is_reported() -> None:
    assert agree(DUPLICATES)  # read by the fast reader
    [d], problems = parse_dashboard_text(DUPLICATES, "d.dashboard.lookml")
    assert (d.title, d.props["colour"]) == ("Second", "blue")
    [e] = d.elements
    assert e.type == "looker_line" and e.props["_lines"] == {"name": 7, "type": 9, "lisen": 11}
    assert [(p.line, p.severity.value, p.message) for p in problems] == [
        (3, "warning", "key `title` given twice (lines 2 and 3): the later value is used"),
        (4, "error", "unknown dashboard key `colour`"),
        (5, "info", "key `colour` given twice (lines 4 and 5): the later value is used"),
        (5, "error", "unknown dashboard key `colour`"),
        (9, "warning", "key `type` given twice (lines 8 and 9): the later value is used"),
        (11, "info", "key `lisen` given twice (lines 10 and 11): the later value is used"),
        (11, "error", "unknown element key `lisen` in element e (did you mean listen?)"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            '- dashboard: b\n  elements:\n  - name: e\n    title: "never closed\n    type: text\n',
            6,
            "invalid YAML: found unexpected end of stream",
        ),
        (
            "- dashboard: b\n  elements:\n  - name: e\n    title: a: b\n",
            4,
            "invalid YAML: mapping values are not allowed in this context",
        ),
        (
            "- dashboard: b\n  elements:\n  - name: e\n   type: text\n",
            4,
            "invalid YAML: did not find expected key",
        ),
        (
            "- dashboard: b\n  elements: [\n",
            3,
            "invalid YAML: did not find expected node content",
        ),
    ],
)
def test_yaml_that_does_not_parse_is_one_finding_naming_file_and_line(
    text: str, line: int, message: str
) -> None:
    assert isinstance(dl.fast_read(text), dy.Decline)
    dashboards, problems = parse_dashboard_text(text, "dashboards/b.dashboard.lookml")
    assert dashboards == []
    assert [(p.code, p.file, p.line, p.message) for p in problems] == [
        ("DSH001", "dashboards/b.dashboard.lookml", line, message)
    ]


def test_a_value_pyyaml_cannot_construct_is_a_finding_not_a_crash() -> None:
    text = "- dashboard: d\n  elements:\n  - name: e\n    fields: =\n"
    [p] = parse_dashboard_text(text, "d.dashboard.lookml")[1]
    assert (p.code, p.line) == ("DSH001", 4)
    assert "could not determine a constructor" in p.message


def test_collections_read_fast_are_fresh_per_element() -> None:
    text = "- dashboard: d\n  elements:\n  - name: a\n    fields: [x.y]\n  - name: b\n    fields: [x.y]\n"
    [d], _ = parse_dashboard_text(text, "d.dashboard.lookml")
    a, b = d.elements
    assert a.props["fields"] == b.props["fields"] and a.props["fields"] is not b.props["fields"]


def test_a_filter_key_given_twice_is_warned() -> None:
    text = "- dashboard: d\n  filters:\n  - name: f\n    type: date_filter\n    type: field_filter\n"
    [d], problems = parse_dashboard_text(text, "d.dashboard.lookml")
    assert d.filters[0].type == "field_filter"
    assert [(p.line, p.message) for p in problems] == [
        (5, "key `type` given twice (lines 4 and 5): the later value is used")
    ]
