"""A large project is checked in forked shares; the findings must equal a one-process check."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

import looker_ops.check.run as run_mod
from looker_ops.check.run import SHARD_MIN_OBJECTS, run_check


def _project(root: Path, n: int) -> None:
    (root / "views").mkdir(parents=True)
    (root / "m.model.lkml").write_text('connection: "c"\ninclude: "/views/*.view.lkml"\n')
    for i in range(n):
        bad = "IFNULL(${TABLE}.a, 1)" if i % 7 == 0 else "${TABLE}.a"
        (root / "views" / f"v{i}.view.lkml").write_text(
            f"view: v{i} {{\n  sql_table_name: db.t{i} ;;\n  dimension: id {{ primary_key: yes }}\n"
            f"  dimension: a {{ sql: {bad} ;; }}\n  dimension: b {{ sql: ${{nope{i % 5}}} ;; }}\n"
            f"  measure: total {{ type: sum sql: ${{TABLE}}.x ;; }}\n}}\n"
        )
    explores = "".join(
        f"explore: e{i} {{\n  view_name: v{i}\n  join: v{(i + 1) % n} {{\n    relationship: many_to_one\n"
        f"    sql_on: ${{v{i}.a}} = ${{v{(i + 1) % n}.id}} ;;\n  }}\n}}\n"
        for i in range(n)
    )
    (root / "m.model.lkml").write_text('connection: "c"\ninclude: "/views/*.view.lkml"\n' + explores)


def test_sharded_check_equals_one_process(tmp_path: Path) -> None:
    n = SHARD_MIN_OBJECTS // 2 + 5  # views + explores above the threshold
    _project(tmp_path, n)
    one = run_check(tmp_path, cache_dir=None, workers=1, sql=False)
    two = run_check(tmp_path, cache_dir=None, workers=2, sql=False)
    codes = {f.code for f in one.findings}
    assert {"ATH402", "REF001", "ATH201"} <= codes
    assert len(one.findings) > n
    assert two.findings == one.findings


def test_the_rules_and_dialects_are_imported_once_before_the_shares_fork(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check imports the rules and every dialect it will parse in before forking the rule
    processes (each would import sqlglot on its own); once, with the project's dialects."""
    _project(tmp_path, 4)
    calls: list[list[str]] = []
    real = run_mod.preload_rules
    monkeypatch.setattr(run_mod, "preload_rules", lambda names: calls.append(sorted(names)) or real(names))
    run_check(tmp_path, cache_dir=None, workers=2, sql=False, connections={"c": "bigquery"})
    assert calls == [["athena", "bigquery"]]
    assert "sqlglot.dialects.bigquery" in sys.modules and "looker_ops.check.rules.athena_sql" in sys.modules


def test_a_cold_check_reads_each_file_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A first check reads each file once: it is hashed (for the caches' keys) where it is
    parsed. A later check after an edit reads each file to hash it (the pack is looked up by
    content) and parses only the changed one, whose result differs."""
    import pathlib

    from looker_ops.lookml import parsecache

    _project(tmp_path / "p", 4)
    reads: list[Path] = []
    real_read = pathlib.Path.read_bytes

    def spy(self: Path) -> bytes:
        if tmp_path / "p" in self.parents:
            reads.append(self)
        return real_read(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", spy)
    first = run_check(tmp_path / "p", cache_dir=tmp_path / "c", workers=1, sql=False)
    assert len(reads) == len(set(reads)) == len(first.project.files) == 5
    again = run_check(tmp_path / "p", cache_dir=tmp_path / "c", workers=1, sql=False)
    assert again.from_cache and again.findings == first.findings  # the first check's key was kept
    (tmp_path / "p" / "views" / "v0.view.lkml").write_text("view: v0 {\n  sql_table_name: db.t ;;\n}\n")
    parsed: list[str] = []
    real_parse = parsecache.parse_text
    monkeypatch.setattr(parsecache, "parse_text", lambda t: parsed.append(t) or real_parse(t))
    second = run_check(tmp_path / "p", cache_dir=tmp_path / "c", workers=1, sql=False)
    assert len(parsed) == 1 and second.findings != first.findings  # only the changed file parsed
    third = run_check(tmp_path / "p", cache_dir=tmp_path / "c", workers=1, sql=False)
    assert third.from_cache and third.findings == second.findings
