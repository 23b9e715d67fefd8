"""What the README's examples write at the repository's root is ignored by git: a new user who
follows them (`sample-data --out ct-logs`, `check --output check.json` ...) gets no untracked
files in the checkout."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# An output option of a README command, with a concrete name (not FILE, PATH or -).
OUTPUT = re.compile(r"--(?:out|output|json) ([a-z][\w./-]*)")


def readme_outputs() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", text, flags=re.S)
    return sorted({m for block in blocks for m in OUTPUT.findall(block)})


def test_the_readmes_example_outputs_are_ignored() -> None:
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    outputs = readme_outputs()
    assert {"ct-logs", "check.json", "preview.html"} <= set(outputs)
    # a file inside each output folder, as the command writes it
    paths = [f"{name}/x" if "." not in Path(name).name else name for name in outputs]
    res = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", "--no-index", *paths],
        capture_output=True,
        text=True,
        check=False,
    )
    assert sorted(res.stdout.split()) == sorted(paths), res.stderr
