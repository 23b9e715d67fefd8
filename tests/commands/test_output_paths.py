"""A path a command writes to that cannot be written (its parent is a file, a folder that cannot
be created) is bad input: exit 2, the message names the option and the path, and the JSON error
envelope where the command's JSON goes; never an internal error (exit 70)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from looker_ops.cli import main


def _blocked(tmp_path: Path) -> Path:
    """A path under a regular file: nothing can be created there."""
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    return tmp_path / "a-file" / "out"


def test_sample_data_out_that_cannot_be_created_is_bad_input_with_the_json_envelope(tmp_path: Path) -> None:
    out = _blocked(tmp_path)
    res = CliRunner().invoke(main, ["sample-data", "--out", str(out), "--days", "1", "--json"])
    assert res.exit_code == 2, res.output
    assert "internal error" not in res.output
    assert f"--out {out}: cannot write" in res.stderr
    doc = json.loads(res.stdout)
    assert doc["ok"] is False and doc["exit_code"] == 2 and doc["error"]["kind"] == "bad_input"
    assert str(out) in doc["error"]["message"]


def test_init_dir_that_cannot_be_created_is_bad_input(tmp_path: Path) -> None:
    target = _blocked(tmp_path)
    args = ["init", "--dir", str(target), "--region", "eu-west-1", "--s3-staging-dir", "s3://acme-r/q/"]
    args += ["--git-remote", "git@github.com:acme/ct.git", "--bucket", "trail-b", "--layout", "single"]
    args += ["--account-id", "123456789012", "--security-email", "sec@corp.io"]
    res = CliRunner().invoke(main, args, input="")
    assert res.exit_code == 2, res.output
    assert "internal error" not in res.output
    assert f"--dir {target}: cannot write" in res.stderr


def test_check_json_path_that_cannot_be_written_names_the_option(tmp_path: Path) -> None:
    target = _blocked(tmp_path) / "report.json"
    res = CliRunner().invoke(main, ["check", "--json", str(target)])
    assert res.exit_code == 2, res.output
    assert f"--json {target}: cannot write" in res.stderr


def test_init_says_already_exist_for_two_files(tmp_path: Path) -> None:
    (tmp_path / "looker-ops.yaml").write_text("# mine\n", encoding="utf-8")
    (tmp_path / "schedules.yaml").write_text("# mine\n", encoding="utf-8")
    args = ["init", "--dir", str(tmp_path), "--region", "eu-west-1", "--s3-staging-dir", "s3://acme-r/q/"]
    args += ["--git-remote", "git@github.com:acme/ct.git", "--bucket", "trail-b", "--layout", "single"]
    args += ["--account-id", "123456789012", "--security-email", "sec@corp.io"]
    res = CliRunner().invoke(main, args, input="")
    assert res.exit_code == 2, res.output
    assert "schedules.yaml: already exist;" in res.stderr and "already exists" not in res.stderr


def test_the_json_of_a_failure_that_cannot_be_written_is_said_on_stderr(tmp_path: Path) -> None:
    target = tmp_path / "missing_dir" / "x.json"
    res = CliRunner().invoke(
        main, ["check", str(tmp_path / "no-project"), "--format", "json", "--output", str(target)]
    )
    assert res.exit_code == 2, res.output
    assert "no such folder" in res.stderr  # the error itself
    assert (
        f"the JSON of this failure could not be written to {target}: No such file or directory" in res.stderr
    )
    assert not target.exists()


def test_an_unwritable_output_is_said_once(tmp_path: Path) -> None:
    target = tmp_path / "missing_dir" / "x.json"
    res = CliRunner().invoke(main, ["check", "--no-sql", "--format", "json", "--output", str(target)])
    assert res.exit_code == 2, res.output
    assert res.stderr.count(str(target)) == 1, res.stderr
