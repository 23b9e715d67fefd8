"""The parser always ends and names the line: lone ';', deep nesting, random bytes, non-UTF-8;
the parse cache is keyed by lkml's installed version."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pytest

from looker_ops.lookml import parsecache
from looker_ops.lookml.lexer import MAX_BLOCK_DEPTH
from looker_ops.lookml.loader import load_project
from looker_ops.lookml.parsecache import ParsedFile, parse_bytes, parse_files, parse_text

T = TypeVar("T")
BOUND_S = 20.0  # far above any real parse here (milliseconds); a hang fails instead of blocking


def bounded(fn: Callable[[], T], seconds: float = BOUND_S) -> T:
    """``fn()`` on a watchdog thread: fails the test when it does not return in time."""
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the test's thread
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(seconds)
    assert not t.is_alive(), f"did not return within {seconds} s"
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('view: semi {\n  label: "x";\n}\n', 2),  # the reproduction
        ('view: semi {\n  label: "x"\n};\n', 3),
        ("view: semi {\n  dimension: a {\n    sql: ${TABLE}.a ;;\n  };\n}\n", 4),
        ('view: semi {\n  label: "x" ;\n}\n', 2),
        (";", 1),
    ],
)
def test_a_lone_semicolon_is_a_syntax_error_at_its_line(text: str, line: int) -> None:
    pf = bounded(lambda: parse_text(text))
    assert pf.doc is None and pf.error is not None
    assert pf.error[0] == line
    assert "lone ';'" in pf.error[1]


def test_semicolons_inside_values_sql_and_comments_are_fine() -> None:
    text = (
        'view: ok {  # a comment; with a semicolon\n  label: "a; b"\n'
        "  dimension: a {\n    sql: CASE WHEN x = ';' THEN 1 END ;;\n  }\n}\n"
    )
    pf = parse_text(text)
    assert pf.error is None and pf.doc is not None
    view = pf.doc["views"][0]
    assert view["label"] == "a; b"
    assert view["dimensions"][0]["sql"].strip() == "CASE WHEN x = ';' THEN 1 END"


def test_random_bytes_without_nul_always_end() -> None:
    rng = random.Random(17)
    for _ in range(200):
        data = bytes(rng.choice(range(1, 256)) for _ in range(rng.randint(1, 300)))
        pf = bounded(lambda data=data: parse_bytes(data, "x.view.lkml"), 5.0)
        assert isinstance(pf, ParsedFile)
        assert pf.doc is not None or pf.error is not None


def test_blocks_nested_400_deep_are_a_syntax_error_not_a_recursion_error() -> None:
    text = "view: deep {\n" + "a: {\n" * 400 + "}\n" * 400 + "}\n"
    pf = bounded(lambda: parse_text(text))
    assert pf.error is not None
    assert pf.error[0] == MAX_BLOCK_DEPTH + 1  # the line of the first brace past the limit
    assert "nested more than" in pf.error[1]


def test_not_utf8_is_named_with_offset_and_line_and_the_file_is_still_checked(tmp_path: Path) -> None:
    (tmp_path / "m.model.lkml").write_text('connection: "athena"\ninclude: "/*.view.lkml"\n')
    body = b'view: latin {\n  label: "Caf\xe9"\n  dimension: a {\n    sql: ${TABLE}.a ;;\n  }\n}\n'
    (tmp_path / "latin.view.lkml").write_bytes(body)
    project = load_project(tmp_path, cache_dir=None)
    [f] = [p for p in project.problems if p.code == "LKM008"]
    assert f.file == "latin.view.lkml" and f.line == 2
    offset = body.index(b"\xe9")
    assert f"offset {offset}" in f.message and "0xe9" in f.message
    assert f.severity.value == "warning"
    assert "a" in project.views["latin"].fields  # parsed with U+FFFD in place of the byte


def test_not_utf8_in_a_dashboard_is_named_too(tmp_path: Path) -> None:
    (tmp_path / "m.model.lkml").write_text('connection: "athena"\n')
    (tmp_path / "d.dashboard.lookml").write_bytes(b"- dashboard: d\n  title: \xff\xfe\n")
    project = load_project(tmp_path, cache_dir=None)
    [f] = [p for p in project.problems if p.code == "LKM008"]
    assert f.file == "d.dashboard.lookml" and f.line == 2 and "offset 24" in f.message


def test_valid_utf8_gives_no_encoding_problem() -> None:
    pf = parse_bytes('view: v { label: "Café ☕" }\n'.encode(), "v.view.lkml")
    assert pf.encoding is None and pf.error is None


def test_parse_cache_misses_when_lkml_version_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    src = tmp_path / "a.view.lkml"
    src.write_text("view: a { dimension: x { sql: 1 ;; } }\n")
    cache = tmp_path / "cache"
    assert parsecache.lkml_version() != "unknown"  # read from the installed distribution
    parse_files([src], cache_dir=cache, workers=1)
    [pack] = cache.glob("parsed-*.pickle")
    first = parsecache.read_pack(pack)
    assert len(first) == 1
    stamp = pack.stat().st_mtime_ns
    parse_files([src], cache_dir=cache, workers=1)
    assert parsecache.read_pack(pack) == first and pack.stat().st_mtime_ns == stamp  # a hit: not rewritten

    parsed: list[str] = []
    real = parsecache.parse_text

    def spy(text: str) -> ParsedFile:
        parsed.append(text)
        return real(text)

    monkeypatch.setattr(parsecache, "parse_text", spy)
    monkeypatch.setattr(parsecache, "dist_version", lambda name: "0.0.1-other")
    parsecache.lkml_version.cache_clear()  # read once per process: as if run by a new process
    try:
        [pf] = parse_files([src], cache_dir=cache, workers=1)
    finally:
        parsecache.lkml_version.cache_clear()
    assert parsed, "another lkml version must not be served the cached parse"
    assert pf.doc is not None and pf.doc["views"][0]["_name"] == "a"
    assert len(parsecache.read_pack(pack)) == 1 and parsecache.read_pack(pack).keys() != first.keys()


@pytest.mark.parametrize("depth", [900, 5000])
def test_a_dashboard_nested_too_deeply_is_a_yaml_finding(depth: int) -> None:
    text = b"- dashboard: d\n  elements:\n  - name: e\n    fields: " + b"[" * depth + b"]" * depth + b"\n"
    pf = bounded(lambda: parse_bytes(text, "d.dashboard.lookml"))
    problems = [p.message for p in (pf.doc or {}).get("problems", [])]
    assert (pf.error is not None and "nested too deeply" in pf.error[1]) or any(
        "nesting depth" in m for m in problems
    ), (pf.error, problems)


def test_versions_read_from_dist_info_are_the_installed_ones() -> None:
    import importlib.metadata

    from looker_ops.lookml.cache import dist_version

    for name in ("lkml", "sqlglot"):
        assert dist_version(name) == importlib.metadata.version(name)
    assert dist_version("no_such_distribution_here") == "unknown"
