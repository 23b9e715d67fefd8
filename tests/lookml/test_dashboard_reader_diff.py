"""Differential tests of the dashboard readers: on every text here the fast line reader either
declines or gives exactly what PyYAML's node reader gives, and the dashboards, elements,
filters and findings made from its result are those made from PyYAML's.

The texts: the benchmark's generated dashboards (tiles of ~90 visualization settings, as
Looker writes them), seeded mutants of them and of the base test dashboard aimed at the
reader's runs of one-line entries (values and keys of other shapes in the middle of a block,
comments, blank lines, indentation changes, wrapped values, nested blocks, keys given twice,
characters deleted and inserted), and every dashboard file of the repository.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from looker_ops.lookml import dashboard_lines as dl
from looker_ops.lookml import dashboard_yaml as dy
from looker_ops.lookml import dashboards as db
from tests.lookml.dashboard_compare import canon
from tests.lookml.dashboard_mutants import BASE, BASE_MAPPING, mutate, mutate_run
from tests.lookml.test_dashboard_yaml import agree

REPO = Path(__file__).resolve().parents[2]


def _benchmark() -> Any:
    spec = importlib.util.spec_from_file_location("check_large", REPO / "benchmarks" / "check_large.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("generated") / "project"
    _benchmark().generate(root, 20, 6)
    return [p.read_text() for p in sorted((root / "dashboards").glob("*.dashboard.lookml"))]


def canon_obj(v: Any) -> Any:
    """A comparable form of dashboards, elements, filters and findings that keeps types."""
    if dataclasses.is_dataclass(v) and not isinstance(v, type):
        return (type(v).__name__, [(f.name, canon_obj(getattr(v, f.name))) for f in dataclasses.fields(v)])
    if isinstance(v, dict):
        return ("dict", [(canon_obj(k), canon_obj(x)) for k, x in v.items()])
    if isinstance(v, list | tuple):
        return (type(v).__name__, [canon_obj(x) for x in v])
    return (type(v).__name__, repr(v))


def objects_agree(text: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """parse_dashboard_text gives the same dashboards and findings from either reader."""
    fast = canon_obj(db.parse_dashboard_text(text, "d.dashboard.lookml"))
    with monkeypatch.context() as m:
        m.setattr(dl, "fast_read", lambda text: dy.Decline())
        slow = canon_obj(db.parse_dashboard_text(text, "d.dashboard.lookml"))
    assert fast == slow, f"the dashboards differ on:\n{text}"


def test_generated_dashboards_are_read_fast_and_as_pyyaml_reads_them(
    generated: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert len(generated) == 6
    for text in generated:
        assert text.count("\n") > 800  # 8 tiles of ~100 lines
        assert agree(text)  # read by the fast reader, and the same as PyYAML's
        objects_agree(text, monkeypatch)


def _tiles(text: str, n: int) -> str:
    """The dashboard's header and its first ``n`` tiles."""
    cut = text.find(f"\n  - name: t{n}\n")
    return text if cut == -1 else text[: cut + 1]


def test_mutants_of_generated_dashboards_agree(generated: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(2026)
    texts = [_tiles(t, 2) for t in generated]
    read = 0
    for n in range(400):
        text = mutate_run(rng.choice(texts), rng)
        read += agree(text)
        if n % 8 == 0:
            objects_agree(text, monkeypatch)
    assert 100 < read < 390  # both readers are exercised


def test_run_mutants_of_the_base_dashboard_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(7)
    read = 0
    for n in range(1500):
        text = mutate_run(rng.choice([BASE, BASE_MAPPING]), rng)
        if n % 3 == 0:
            text = mutate(text, rng)
        read += agree(text)
        if n % 10 == 0:
            objects_agree(text, monkeypatch)
    assert 300 < read < 1400


def test_every_dashboard_of_the_repository_gives_the_same_objects(monkeypatch: pytest.MonkeyPatch) -> None:
    files = sorted(
        p for d in ("dashboards", "tests") for p in (REPO / d).rglob("*.dashboard.lookml") if p.is_file()
    )
    assert len(files) > 20
    for p in files:
        objects_agree(p.read_text(encoding="utf-8-sig", errors="replace"), monkeypatch)


@pytest.mark.parametrize(
    "body",
    [
        # a run whose last line goes on below it (a wrapped flow list, a nested block)
        "    a: 1\n    b: 2\n    y_axes: [{label: '', orientation: left,\n      showLabels: true}]\n",
        "    a: 1\n    b: 2\n    series_colors:\n      x.y: '#123456'\n      x.z: '#654321'\n",
        # a value of another shape in the middle of a run, then the run goes on
        '    a: 1\n    b: "x\\"y"\n    c: 3\n    d: 4\n',
        "    a: 1\n    b: x # note\n    c: 3\n    d: 4\n",
        "    a: 1\n    b:\n    c: 3\n    d: 4\n",
        "    a: 1\n    fields:\n    - x.y\n    - x.z\n    c: 3\n    d: 4\n",
        "    a: 1\n    b: [x, y]\n    c: {}\n    d: []\n    e: 5\n",
        # comments and blank lines inside a run
        "    a: 1\n\n    b: 2\n    # c\n    c: 3\n",
        # the same key twice in a run
        "    a: 1\n    b: 2\n    a: 3\n    c: 4\n",
        # keys the dashboard reader treats apart, inside a tile
        "    elements: x\n    filters: []\n    listen: {}\n    c: 3\n",
    ],
)
def test_shapes_around_runs_agree(body: str, monkeypatch: pytest.MonkeyPatch) -> None:
    head = "- dashboard: d\n  elements:\n  - name: e\n    type: looker_grid\n"
    nested = "\n".join("  " + ln if ln else ln for ln in body.split("\n"))
    for text in (head + body, head + "    vis:\n" + nested):  # in a tile, and in a mapping in a tile
        agree(text)
        objects_agree(text, monkeypatch)


def test_collections_of_a_run_are_fresh_per_element() -> None:
    tile = "  - name: {n}\n    a: 1\n    fields: [x.y]\n    b: {{}}\n    c: 2\n"
    text = "- dashboard: d\n  elements:\n" + tile.format(n="a") + tile.format(n="b")
    [d], _ = db.parse_dashboard_text(text, "d.dashboard.lookml")
    a, b = d.elements
    assert a.props["fields"] == b.props["fields"] == ["x.y"]
    assert a.props["fields"] is not b.props["fields"] and a.props["b"] is not b.props["b"]
    a.props["fields"].append("z")
    [d2], _ = db.parse_dashboard_text(text, "d.dashboard.lookml")
    assert d2.elements[0].props["fields"] == ["x.y"]


def _element(root: dy.YSeq) -> dy.YMap:
    """The first element of the first dashboard of a read."""
    [dashboard] = root.items
    elements = dict((k, v) for k, v, _ in dashboard.items)["elements"]
    return elements.items[0]


def test_flow_values_with_dates_are_copied_too() -> None:
    text = "- dashboard: d\n  elements:\n  - name: e\n    a: [2024-01-01, {b: 2024-02-01}]\n    c: 1\n"
    first = dl.fast_read(text)
    second = dl.fast_read(text)
    assert not isinstance(first, dy.Decline) and not isinstance(second, dy.Decline)
    va = _element(first).items[1][1]
    vb = _element(second).items[1][1]
    assert canon(va) == canon(vb) and va is not vb and va[1] is not vb[1]
    assert agree(text)


def test_near_miss_distance_cap_gives_the_same_guesses() -> None:
    rng = random.Random(3)
    for _ in range(3000):
        a = "".join(rng.choice("abc_") for _ in range(rng.randint(0, 8)))
        b = "".join(rng.choice("abc_") for _ in range(rng.randint(0, 8)))
        exact = db._osa_distance(a, b)
        capped = db._osa_distance(a, b, cap=3)
        assert min(exact, 3) == min(capped, 3), (a, b)


def test_the_letter_gap_never_exceeds_the_distance() -> None:
    rng = random.Random(4)
    for _ in range(3000):
        a = "".join(rng.choice("abcd_") for _ in range(rng.randint(0, 9)))
        b = "".join(rng.choice("abcd_") for _ in range(rng.randint(0, 9)))
        assert db._letter_gap(Counter(a), b) <= db._osa_distance(a, b), (a, b)
