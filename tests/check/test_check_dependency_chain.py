"""Constants along a chain of imported projects (the checked project imports ``a``, ``a``
imports ``b``), as Looker documents ``constant``/``export`` and ``override_constant``:

- a dependency's files read its own manifest's constants;
- the project that imports it may override one only when the dependency exports it
  (``export: override_required`` / ``override_optional``); ``export: none`` (or none given)
  keeps the dependency's value;
- so ``b``'s constants take ``a``'s overrides (whose values read ``a``'s constants, themselves
  overridden by the checked project), and the checked project's own override of ``b``, when it
  imports ``b`` too, wins.
"""

from __future__ import annotations

from pathlib import Path

from looker_ops.check.run import run_check
from looker_ops.lookml.loader import load_project

ROOT = {
    "manifest.lkml": """project_name: "shop"

local_dependency: {
  project: "a"
  override_constant: A_SCHEMA {
    value: "root_a"
  }
  override_constant: A_TABLE {
    value: "not_exported"
  }
}
""",
    "shop.model.lkml": """connection: "warehouse"
include: "//a/*.view"

explore: orders {
  join: refunds {
    sql_on: ${orders.id} = ${refunds.order_id} ;;
    relationship: one_to_many
  }
}
""",
}

A = {
    "manifest.lkml": """project_name: "a"

constant: A_SCHEMA {
  value: "a_default"
  export: override_required
}
constant: A_TABLE {
  value: "orders"
}
local_dependency: {
  project: "b"
  override_constant: B_SCHEMA {
    value: "@{A_SCHEMA}_b"
  }
  override_constant: B_TABLE {
    value: "from_a"
  }
}
""",
    "orders.view.lkml": """include: "//b/*.view"

view: orders {
  sql_table_name: @{A_SCHEMA}.@{A_TABLE} ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
}
""",
}

B = {
    "manifest.lkml": """project_name: "b"

constant: B_SCHEMA {
  value: "b_default"
  export: override_optional
}
constant: B_TABLE {
  value: "refunds"
  export: none
}
""",
    "refunds.view.lkml": """view: refunds {
  sql_table_name: @{B_SCHEMA}.@{B_TABLE} ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  dimension: order_id {
    sql: ${TABLE}.order_id ;;
  }
}
""",
}


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).write_text(text)
    return root


def chain(tmp_path: Path, root: dict[str, str] = ROOT, b: dict[str, str] = B) -> tuple[Path, dict[str, Path]]:
    deps = {"a": write(tmp_path / "a", A), "b": write(tmp_path / "b", b)}
    return write(tmp_path / "shop", root), deps


def tables(tmp_path: Path, **kw: dict[str, str]) -> dict[str, str | None]:
    root, deps = chain(tmp_path, **kw)
    project = load_project(root, cache_dir=None, dependencies=deps)
    return {name: project.views[name].sql_table_name for name in ("orders", "refunds")}


def test_overrides_pass_down_the_chain_only_where_exported(tmp_path: Path) -> None:
    assert tables(tmp_path) == {
        # the root overrides a's exported A_SCHEMA; a's A_TABLE is not exported: a's value
        "orders": "root_a.orders",
        # a overrides b's exported B_SCHEMA with a value read from a's (overridden) constants;
        # b's B_TABLE is `export: none`: b's value
        "refunds": "root_a_b.refunds",
    }


def test_the_root_override_of_a_nested_dependency_wins(tmp_path: Path) -> None:
    root = dict(ROOT)
    root["manifest.lkml"] += """
local_dependency: {
  project: "b"
  override_constant: B_SCHEMA {
    value: "root_b"
  }
}
"""
    assert tables(tmp_path, root=root)["refunds"] == "root_b.refunds"


def test_the_chain_checks_clean_and_a_constant_defined_nowhere_is_still_caught(tmp_path: Path) -> None:
    root, deps = chain(tmp_path)
    result = run_check(root, cache_dir=None, workers=1, dialect="bigquery", dependencies=deps)
    assert result.findings == []
    broken = dict(B)
    broken["refunds.view.lkml"] = B["refunds.view.lkml"].replace("@{B_TABLE}", "@{B_TABEL}")
    root, deps = chain(tmp_path / "twin", b=broken)
    result = run_check(root, cache_dir=None, workers=1, dialect="bigquery", dependencies=deps)
    assert [(f.code, f.message) for f in result.findings] == [
        ("LKM003", "constant @{B_TABEL} is not defined in manifest.lkml")
    ]
