"""The fast LookML reader gives exactly what lkml's tree gives, or leaves the text to lkml.

Compared on every .lkml file of the repository (the block, every test project and scenario),
on a generated project shaped like the benchmark's, on edge cases of lkml's lexer and grammar,
and on a few thousand mutants (fixed seed): wherever the fast reader returns a document, it is
the lkml path's document (same keys in the same order, same values, same lines); wherever lkml
fails, the fast reader declines (or reports the same clash).
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import lkml.keys
import pytest

from looker_ops.lookml import fastparse, parsecache
from looker_ops.lookml.fastparse import KeyClash, fast_parse
from looker_ops.lookml.parsecache import ParsedFile, parse_text

REPO = Path(__file__).parents[2]
SEED = 2026
MUTANTS = 2500


def lkml_path(text: str) -> ParsedFile:
    """What lkml's lexer and parser make of ``text`` (the reference)."""
    try:
        return parsecache._lkml_parse(text, [])
    except KeyClash as exc:
        return ParsedFile(None, (exc.line, exc.message))


def fast_path(text: str) -> dict[str, Any] | str | None:
    try:
        return fast_parse(text)
    except KeyClash:
        return "clash"


def assert_same(a: Any, b: Any, where: str = "doc") -> None:
    """Equal values, dict keys in the same order, same types (a tuple is not a list)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert list(a) == list(b), f"{where}: keys {list(a)} != {list(b)}"
        for k in a:
            assert_same(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), f"{where}: {len(a)} entries != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            assert_same(x, y, f"{where}[{i}]")
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def agree(text: str) -> str:
    """Check the two readers agree on ``text``; 'fast', 'declined' or 'error'."""
    ref = lkml_path(text)
    got = fast_path(text)
    if got == "clash":
        assert ref.doc is None and ref.error is not None and "is not a LookML parameter" in ref.error[1]
        return "error"
    if got is None:
        return "error" if ref.doc is None else "declined"
    assert ref.doc is not None, f"the fast reader read text lkml refuses ({ref.error}):\n{text[:500]}"
    ref.doc.pop("_has_constants")
    assert_same(got, ref.doc)
    return "fast"


def test_key_tables_are_lkml_s() -> None:
    assert fastparse.PLURAL_KEYS == lkml.keys.PLURAL_KEYS
    assert fastparse.EXPR_BLOCK_KEYS == lkml.keys.EXPR_BLOCK_KEYS
    for key in lkml.keys.PLURAL_KEYS:
        assert fastparse.pluralize(key) == lkml.keys.pluralize(key)


def _repo_lkml() -> list[Path]:
    skip = {".venv", ".git", "node_modules"}
    return sorted(p for p in REPO.rglob("*.lkml") if not skip & set(p.relative_to(REPO).parts))


def test_every_lkml_file_of_the_repository_reads_fast_and_the_same() -> None:
    files = _repo_lkml()
    assert len(files) > 300  # the block, the realistic project, every rule scenario
    outcomes: dict[str, list[str]] = {"fast": [], "declined": [], "error": []}
    for p in files:
        text = parsecache._decode(p.read_bytes())
        if "\0" in text:
            continue
        outcomes[agree(text)].append(str(p.relative_to(REPO)))
    assert not outcomes["declined"], outcomes["declined"]  # real shapes never need lkml
    assert len(outcomes["fast"]) > 300


def test_a_generated_benchmark_project_reads_fast_and_the_same(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import check_large
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    check_large.generate(tmp_path, 60, 2)
    files = sorted(tmp_path.rglob("*.lkml"))
    assert len(files) > 50
    assert {agree(p.read_text()) for p in files} == {"fast"}


EDGE_CASES: list[tuple[str, str]] = [
    # whitespace is space, tab and newline only; other characters belong to literals
    ("view: a {\n\tdimension: b {\n\t\ttype: string\n\t}\n}\n", "fast"),
    ("view: a {\r\n  label: x\r\n}\n", "error"),
    ("view: a {\n  label: x\u00a0y\n}\n", "fast"),
    # literals may hold '#', '"', ';' and '[' after their first character
    ('view: a {\n  value_format: 0;0\n  color: red#1\n  x: a"b"\n}\n', "fast"),
    ("view: a {\n  x: a[0]\n}\n", "error"),
    # quoted strings keep their escapes; a line break inside counts; an escaped one is lkml's
    ('view: a {\n  label: "a \\"b\\" c"\n  description: "two\nlines"\n  group_label: "x"\n}\n', "fast"),
    ('view: a {\n  label: "a \\\nb"\n  description: "x"\n}\n', "declined"),
    ('view: a {\n  label: "ends with backslash \\\\"\n}\n', "fast"),
    # expression blocks: up to the first ';;', stripped; only with ':' right after the key
    (
        "view: a {\n  sql_table_name: s.t ;;\n  dimension: b {\n    sql:\n      CASE WHEN x THEN 'a;b' END\n    ;;\n  }\n}\n",
        "fast",
    ),
    ("view: a {\n  dimension: b {\n    sql : ${TABLE}.b ;;\n  }\n}\n", "error"),
    ("view: a {\n  dimension: b {\n    sql: ${TABLE}.b\n  }\n}\n", "error"),
    ("view: a {\n  dimension: b {\n    html: <b>{{ value }}</b> ;;\n    label: sql\n  }\n}\n", "fast"),
    ("view: a {\n  label: sql: x ;;\n}\n", "error"),
    ("explore: e {\n  sql_always_where: ${a} = 1;;\n  sql_always_having:${b} > 0 ;;\n}\n", "fast"),
    # comments anywhere trivia may be
    ("view: a { # c\n  dimension # c\n  : b # c\n  { # c\n    type: # c\n    string\n  }\n}\n", "fast"),
    # blocks with and without names, braces on other lines
    ("view: a\n{\n  derived_table:\n  {\n    sql: select 1 ;;\n  }\n}\n", "fast"),
    ("view: a {}\nview: b {\n}\n", "fast"),
    # lists: values, pairs, trailing and leading commas, empty
    ('view: a {\n  set: s {\n    fields: [a, b, "c d",]\n  }\n  drill_fields: []\n}\n', "fast"),
    ('view: a {\n  measure: m {\n    type: count\n    filters: [a: "1", b: "-2", c: yes,]\n  }\n}\n', "fast"),
    ("view: a {\n  set: s {\n    fields: [,a]\n  }\n}\n", "fast"),
    ("view: a {\n  set: s {\n    fields: [,]\n  }\n}\n", "error"),
    ("view: a {\n  set: s {\n    fields: [a,,b]\n  }\n}\n", "error"),
    ("view: a {\n  set: s {\n    fields: [a b]\n  }\n}\n", "error"),
    ('view: a {\n  m: {\n    filters: [a: "1", b]\n  }\n}\n', "error"),
    ('view: a {\n  m: {\n    filters: [b, a: "1"]\n  }\n}\n', "error"),
    ("view: a {\n  set: s {\n    fields: [\n      a, # first\n      b\n    ]\n  }\n}\n", "fast"),
    ("view: a {\n  set: s {\n    fields: [sql: x ;;]\n  }\n}\n", "declined"),
    # a lone '-' value is joined with what follows by lkml; '-1' is a literal
    ("view: a {\n  x: - 1\n}\n", "declined"),
    ("view: a {\n  x: -1\n  y: -\n}\n", "error"),
    # keys: plural keys repeat; others repeat only at the top level (the last wins)
    ('connection: "a"\nconnection: "b"\ninclude: "x"\ninclude: "y"\n', "fast"),
    ("view: a {\n  label: x\n  label: y\n}\n", "error"),
    ("view: a {\n  dimension: x {}\n  dimension: y {}\n  extends: [b]\n  extends: [c]\n}\n", "fast"),
    ("view: a {\n  measures: x\n  measure: m {}\n}\n", "error"),
    ("view: a {\n  measure: m {}\n  measures: x\n}\n", "error"),
    ("views: x\nview: a {}\n", "error"),
    # multiple colons, missing values, stray tokens
    ('include:: "x"\n', "declined"),
    ("view: a {\n  label:\n}\n", "error"),
    ("view: a {\n  label: x y\n}\n", "error"),
    ("view: a {\n  label: x\n}\n}\n", "error"),
    ("view: a {\n  label: x\n", "error"),
    ('view: a {\n  label: "x\n}\n', "error"),
    ("view: a {\n  label: x;\n}\n", "fast"),
    ("view: a { ;; }\n", "error"),
    ('view: "a" {\n}\n', "error"),
    (": x\n", "error"),
    ("", "fast"),
    ("\n\n# only a comment\n", "fast"),
    ("view: a { label: x dimension: b { sql: y ;; } }", "fast"),
    ("view:a{label:x}", "fast"),
    ("explore: +a {\n  join: b {\n    from: c\n  }\n}\nview: +c {}\n", "fast"),
]


@pytest.mark.parametrize(("text", "outcome"), EDGE_CASES)
def test_edge_cases_of_lkml_s_lexer_and_grammar(text: str, outcome: str) -> None:
    """Each case reads the same on both paths, and the expected way: 'fast' (the shapes real
    projects use never need lkml), 'error' (lkml refuses it too) or 'declined' (rare text
    that lkml reads and the fast reader leaves to it)."""
    assert agree(text) == outcome


def test_a_key_clash_is_one_error_from_either_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    text = "view: a {\n  dimension: x {}\n  dimensions: y\n}\n"
    fast = parse_text(text)
    monkeypatch.setattr(parsecache, "fast_parse", lambda t: None)
    slow = parse_text(text)
    assert fast.doc is None and fast.error == slow.error
    assert fast.error is not None and fast.error[0] == 3
    assert '"dimensions" is not a LookML parameter' in fast.error[1]


def test_nesting_beyond_the_limit_is_left_to_the_lexer_s_error() -> None:
    ok = "view: a {\n" + "b: {\n" * 49 + "}\n" * 49 + "}\n"
    deep = "view: a {\n" + "b: {\n" * 50 + "}\n" * 50 + "}\n"
    assert fast_parse(ok) is not None
    assert fast_parse(deep) is None
    error = parse_text(deep).error
    assert error is not None and "nested more than 50 deep" in error[1]


SNIPPETS = [
    ";", ";;", "{", "}", "[", "]", ":", '"', ",", "#", "\n", " ", "\t", "\r", "-", "- ", "\\", "\\\n",
    '\\"', "sql:", "sql :", "html:", "dimension: x {", "dimension: x {}", "label: y", "filters: [a: \"1\"]",
    "[a, b]", "[,]", "[a,]", "::", "view:", "+", "@{x}", "${x}", "{% if x %}", '""', "type", "sql_on:",
    "x: - 1", "x: -", "sql: a ;;", "\u00a0", "measures: x", "dimensions: y",
]  # fmt: skip


def mutate(text: str, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 3)):
        i = rng.randrange(len(text) + 1)
        op = rng.random()
        if op < 0.4:
            text = text[:i] + rng.choice(SNIPPETS) + text[i:]
        elif op < 0.6:
            text = text[:i] + text[i + rng.randint(1, 20) :]
        elif op < 0.8:
            lines = text.split("\n")
            lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
            text = "\n".join(lines)
        else:
            j = rng.randrange(len(text) + 1)
            text = text[:i] + text[j : j + 5] + text[i:]
    return text


def test_mutants_read_the_same_or_are_left_to_lkml() -> None:
    sources = [p.read_text(errors="replace") for p in _repo_lkml()]
    sources = [s for s in sources if 0 < len(s) < 20_000 and "\0" not in s]
    rng = random.Random(SEED)
    seen = {"fast": 0, "declined": 0, "error": 0}
    for _ in range(MUTANTS):
        seen[agree(mutate(rng.choice(sources), rng))] += 1
    # the mutants exercise both sides: many still read, many are errors, few need lkml
    assert seen["fast"] > MUTANTS // 5 and seen["error"] > MUTANTS // 5
    assert seen["declined"] < MUTANTS // 20


def test_a_project_parsed_on_the_fast_path_does_not_import_lkml(tmp_path: Path) -> None:
    (tmp_path / "a.view.lkml").write_text("view: a {\n  dimension: b {\n    sql: ${TABLE}.b ;;\n  }\n}\n")
    code = (
        "import sys; from pathlib import Path\n"
        "from looker_ops.lookml.parsecache import parse_files\n"
        f"r = parse_files([Path({str(tmp_path / 'a.view.lkml')!r})], cache_dir=None, workers=1)\n"
        "assert r[0].doc is not None and r[0].doc['views'][0]['_name'] == 'a'\n"
        "print(sorted(m for m in sys.modules if m == 'lkml' or m.startswith('lkml.')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO)
    assert out.stdout.strip() == "[]"
