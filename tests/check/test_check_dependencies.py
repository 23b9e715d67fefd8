"""--dependency NAME=PATH resolved as Looker resolves it, on two projects shaped like Looker's
Marketplace blocks (a core project and a config project that import each other by name):
an unknown name is bad input, a dependency that imports the checked project back reads its
files, a dependency's constants come from its own manifest, and a dependency's file that does
not parse leaves what it defines unchecked (LKM009) instead of cascading into errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.lookml.loader import load_project

CORE = {
    "manifest.lkml": """project_name: "core-block"

constant: CONFIG_PROJECT_NAME {
  value: "core-block-config"
  export: override_required
}
constant: CONNECTION_NAME {
  value: "warehouse"
}
constant: CORE_SCHEMA {
  value: "crm"
}
local_dependency: {
  project: "@{CONFIG_PROJECT_NAME}"
}
""",
    "core.model.lkml": """connection: "@{CONNECTION_NAME}"
include: "*.view"
include: "*.explore"
include: "//@{CONFIG_PROJECT_NAME}/*.view"
include: "//@{CONFIG_PROJECT_NAME}/*.model"

explore: account {
  extends: [account_config]
}
""",
    "account_core.explore.lkml": """explore: account_core {
  view_name: account
  extension: required
}
""",
    "account_core.view.lkml": """view: account_core {
  sql_table_name: @{CORE_SCHEMA}.account ;;
  dimension: id {
    primary_key: yes
    sql: ${TABLE}.id ;;
  }
  measure: count {
    type: count
    drill_fields: [id, nowhere.count]
  }
}
""",
}

CONFIG = {
    "manifest.lkml": """project_name: "core-block-config"

constant: SCHEMA_NAME {
  value: "default value"
  export: override_required
}
""",
    "config.model.lkml": """include: "account.view"

explore: account_config {
  extends: [account_core]
  extension: required
}
""",
    "account.view.lkml": """include: "//core-block/account_core.view"

view: account {
  extends: [account_config]
}
""",
    "account_config.view.lkml": """view: account_config {
  extends: [account_core]
  extension: required
  dimension: region {
    sql: ${TABLE}.region ;;
  }
}
""",
}


def write(root: Path, files: dict[str, str]) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).write_text(text)
    return root


def blocks(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "core", CORE), write(tmp_path / "config", CONFIG)


def check(root: Path, *deps: str) -> tuple[int, dict[str, Any], str]:
    args = ["check", "--no-cache", str(root), "--dialect", "bigquery", "--format", "json"]
    for d in deps:
        args += ["--dependency", d]
    r = CliRunner().invoke(main, args)
    return r.exit_code, (json.loads(r.stdout) if r.exit_code in (0, 1) else {}), r.output


def codes(doc: dict[str, Any]) -> list[tuple[str, str, str]]:
    return [(f["code"], f["severity"], f.get("path") or f.get("file") or "") for f in doc["findings"]]


def test_a_dependency_name_the_project_does_not_import_is_bad_input(tmp_path: Path) -> None:
    core, config = blocks(tmp_path)
    code, _, out = check(core, f"config={config}")  # the folder's name, not the project's
    assert code == 2
    assert "--dependency config" in out and "does not import config" in out
    assert "it imports core-block-config" in out  # the name to give instead


def test_a_dependency_that_imports_the_project_back_reads_its_files(tmp_path: Path) -> None:
    core, config = blocks(tmp_path)
    code, doc, _ = check(core, f"core-block-config={config}")
    found = codes(doc)
    assert not [c for c in found if c[0] == "LKM007"], found  # core-block is the project checked
    assert doc["summary"]["error"] == 0, found
    # the references are checked, not hidden behind "N references not checked"
    msgs = [f["message"] for f in doc["findings"]]
    assert any(f["code"] == "REF004" and "nowhere.count" in f["message"] for f in doc["findings"]), msgs
    assert code == 0


def test_giving_the_project_itself_as_a_dependency_reads_it_once(tmp_path: Path) -> None:
    core, config = blocks(tmp_path)
    code, doc, _ = check(core, f"core-block-config={config}", f"core-block={core}")
    assert doc["summary"]["error"] == 0, codes(doc)  # no model or view "defined more than once"
    assert code == 0


def test_a_dependencys_constants_come_from_its_manifest(tmp_path: Path) -> None:
    core, config = blocks(tmp_path)
    code, doc, _ = check(config, f"core-block={core}")
    found = codes(doc)
    assert not [c for c in found if c[0] in ("LKM003", "LKM007", "LKM002")], found
    assert not [f for f in doc["findings"] if "@{" in f["message"]], doc["findings"]
    assert doc["summary"]["error"] == 0 and code == 0
    project = load_project(config, cache_dir=None, dependencies={"core-block": core})
    assert project.views["account"].sql_table_name == "crm.account"  # core's CORE_SCHEMA
    assert set(project.models) == {"config"}  # the dependency's model file is not a model here


def test_a_dependency_file_that_does_not_parse_does_not_cascade(tmp_path: Path) -> None:
    core, config = blocks(tmp_path)
    with (config / "account.view.lkml").open("a") as f:
        f.write("view: broken {\n  dimension: x {\n")
    code, doc, _ = check(core, f"core-block-config={config}")
    errors = [(f["code"], f["message"]) for f in doc["findings"] if f["severity"] == "error"]
    assert [c for c, _ in errors] == ["LKM001"], errors  # no "view account does not exist"
    assert any(f["code"] == "LKM009" and "account" in f["message"] for f in doc["findings"])
    assert code == 1


def test_an_edited_dependency_manifest_is_not_answered_from_the_cache(tmp_path: Path) -> None:
    core, config = blocks(tmp_path)
    env = {"LOOKER_OPS_CACHE_DIR": str(tmp_path / "cache")}
    args = [
        "check",
        str(config),
        "--dialect",
        "bigquery",
        "--format",
        "json",
        "--dependency",
        f"core-block={core}",
    ]
    first = json.loads(CliRunner().invoke(main, args, env=env).stdout)
    assert not [f for f in first["findings"] if f["code"] == "LKM003"]
    manifest = core / "manifest.lkml"
    manifest.write_text(manifest.read_text().replace("CORE_SCHEMA", "OTHER_SCHEMA"))
    second = json.loads(CliRunner().invoke(main, args, env=env).stdout)
    assert [f["message"] for f in second["findings"] if f["code"] == "LKM003"] == [
        "constant @{CORE_SCHEMA} is not defined in manifest.lkml"
    ]
