"""A bounded fuzz of the LookML loader and `check` (fixed seed: the same mutants every run).

Mutants of the bundled block's files (a token inserted, a span deleted, a line duplicated or
swapped, bytes that are not UTF-8, deep nesting, truncation) must each parse to a result or a
finding in well under a second, and `check` on a project holding a mutant must end with
findings or the project's own error kinds: never another exception, never a hang.
"""

from __future__ import annotations

import random
import shutil
import time
from pathlib import Path

from looker_ops.check.run import run_check
from looker_ops.errors import LookerOpsError
from looker_ops.lookml.parsecache import ParsedFile, parse_bytes
from tests.lookml.test_parse_guard import bounded

REPO = Path(__file__).parents[2]
BLOCK = REPO / "lookml_project"
DASHBOARDS = REPO / "dashboards"
SEED = 1717
PARSE_MUTANTS = 300
CHECK_MUTANTS = 12
PARSE_BOUND_S = 5.0  # per mutant; a parse takes milliseconds
CHECK_BOUND_S = 60.0  # per check of the whole block; it takes about a second

TOKENS = [
    b";",
    b";;",
    b"{",
    b"}",
    b"[",
    b"]",
    b":",
    b'"',
    b",",
    b"${",
    b"@{",
    b"{%",
    b"%}",
    b"#",
    b"\n",
    b"+",
    b"\xff",
    b"\xe9",
    b"\xc3",
    b"\x00",
    b"(" * 60,
    b"{ a: " * 60,
    b"  - ",
    b"true:",
    b"type: strng",
    b"dimension: caf\xc3\xa9 {",
]


def _files() -> list[Path]:
    return sorted(BLOCK.rglob("*.lkml")) + sorted(DASHBOARDS.glob("*.dashboard.lookml"))


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One random mutation of ``data``."""
    if not data:
        return rng.choice(TOKENS)
    i = rng.randrange(len(data))
    op = rng.randrange(7)
    if op == 0:  # insert a token
        return data[:i] + rng.choice(TOKENS) + data[i:]
    if op == 1:  # delete a span
        return data[:i] + data[i + rng.randint(1, 40) :]
    if op == 2:  # replace a byte
        return data[:i] + bytes([rng.randrange(1, 256)]) + data[i + 1 :]
    lines = data.split(b"\n")
    j, k = rng.randrange(len(lines)), rng.randrange(len(lines))
    if op == 3:  # duplicate a line
        lines.insert(k, lines[j])
    elif op == 4:  # swap two lines
        lines[j], lines[k] = lines[k], lines[j]
    elif op == 5:  # truncate
        return data[:i]
    else:  # several tokens at once
        for _ in range(rng.randint(2, 6)):
            at = rng.randrange(len(data) + 1)
            data = data[:at] + rng.choice(TOKENS) + data[at:]
        return data
    return b"\n".join(lines)


def test_mutants_of_every_block_file_parse_to_a_result_or_a_finding() -> None:
    rng = random.Random(SEED)
    files = [(p, p.read_bytes()) for p in _files()]
    slowest = 0.0
    for _ in range(PARSE_MUTANTS):
        path, data = rng.choice(files)
        if len(data) > 8_000:  # the large view: a window of it keeps the run short
            start = rng.randrange(len(data) - 8_000)
            data = data[start : start + 8_000]
        mutant = mutate(data, rng)
        t0 = time.perf_counter()
        pf = bounded(lambda m=mutant, n=path.name: parse_bytes(m, n), PARSE_BOUND_S)
        slowest = max(slowest, time.perf_counter() - t0)
        assert isinstance(pf, ParsedFile)
        assert pf.doc is not None or pf.error is not None
        if pf.error is not None:
            assert pf.error[0] >= 1 and pf.error[1]
    assert slowest < PARSE_BOUND_S


def test_check_on_projects_holding_a_mutant_ends_with_findings(tmp_path: Path) -> None:
    rng = random.Random(SEED + 1)
    project = tmp_path / "p"
    dashboards = tmp_path / "d"
    shutil.copytree(BLOCK, project)
    shutil.copytree(DASHBOARDS, dashboards)
    cache = tmp_path / "cache"  # unchanged files come from the parse cache
    files = [p for p in _files() if p.stat().st_size < 20_000]
    for _ in range(CHECK_MUTANTS):
        src = rng.choice(files)
        rel = src.relative_to(REPO)
        target = (project if rel.parts[0] == "lookml_project" else dashboards) / Path(*rel.parts[1:])
        original = src.read_bytes()
        target.write_bytes(mutate(original, rng))
        try:

            def run(d: Path = dashboards) -> object:
                try:
                    return run_check(project, dashboard_dirs=[d], sql=False, cache_dir=cache, workers=1)
                except LookerOpsError as exc:  # the project's own error kinds are fine
                    return exc

            result = bounded(run, CHECK_BOUND_S)
            assert result is not None
        finally:
            target.write_bytes(original)
