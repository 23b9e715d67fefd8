"""A regular (non-editable) install works without a clone: the wheel carries the block, and
`looker-ops check` and `preview` run from an empty folder against it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "looker_ops",
    "lookml_project",
    "dashboards",
    "deploy",
)


def _run(args: list[str], cwd: Path, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_wheel_installs_the_block_and_runs_from_an_empty_folder(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", ".looker-ops-cache")
    for name in SOURCES:
        p = ROOT / name
        if p.is_dir():
            shutil.copytree(p, src / name, ignore=ignore)
        else:
            shutil.copy2(p, src / name)
    wheels = tmp_path / "wheels"
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(src)], tmp_path
    )
    assert built.returncode == 0, built.stderr
    (wheel,) = wheels.glob("looker_ops-*.whl")

    venv = tmp_path / "venv"
    made = _run([sys.executable, "-m", "venv", str(venv)], tmp_path)
    assert made.returncode == 0, made.stderr
    py = venv / "bin" / "python"
    installed = _run([str(py), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], tmp_path)
    assert installed.returncode == 0, installed.stderr
    # The dependencies come from the test environment (appended after the venv's own packages).
    site = _run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path)
    (Path(site.stdout.strip()) / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    empty = tmp_path / "empty"
    empty.mkdir()
    where = _run([str(py), "-c", "import looker_ops; print(looker_ops.__file__)"], empty)
    assert where.stdout.startswith(str(venv)), where.stdout + where.stderr
    exe = str(venv / "bin" / "looker-ops")
    check = _run([exe, "check", "--no-sql", "--no-cache"], empty)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "checking the block bundled with looker-ops" in check.stderr
    assert f"{venv}" in check.stderr and "0 errors" in check.stdout
    preview = _run([exe, "preview", "cloudtrail_console_login_overview", "--filter", "date=3 days"], empty)
    assert preview.returncode == 0, preview.stdout + preview.stderr
    assert "Console" in preview.stdout
    assert sorted(p.name for p in empty.iterdir() if not p.name.startswith(".")) == []
    # init, from the wheel alone, writes the block's shipped schedules and alerts.
    admin = tmp_path / "admin"
    flags = [
        "--region",
        "eu-west-1",
        "--s3-staging-dir",
        "s3://r/q/",
        "--git-remote",
        "git@github.com:a/b.git",
    ]
    flags += [
        "--bucket",
        "trail",
        "--layout",
        "single",
        "--account-id",
        "111111111111",
        "--security-email",
        "sec@acme.test",
    ]
    init = _run([exe, "init", "--dir", str(admin), *flags], empty)
    assert init.returncode == 0, init.stdout + init.stderr
    written = (admin / "schedules.yaml").read_text()
    assert "Weekly CIS monitoring" in written and "\nalerts:\n" in written and "- sec@acme.test" in written
