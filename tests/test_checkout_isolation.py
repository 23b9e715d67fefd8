"""No test reads what a user may create in the checkout.

The README's install steps end with `looker-ops init`, which writes looker-ops.yaml and
schedules.yaml at the repository's root; the commands read ./looker-ops.yaml, ./schedules.yaml
(and LOOKER_OPS_CONFIG) by default. tests/conftest.py starts every test in an empty folder of its
own, so those files never change a test's result.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from tests.checkout import ROOT, copy_checkout


def test_each_test_starts_in_an_empty_folder_outside_the_checkout() -> None:
    here = Path.cwd().resolve()
    assert here != ROOT and ROOT not in here.parents
    assert list(here.iterdir()) == []
    assert "LOOKER_OPS_CONFIG" not in os.environ


def test_a_copy_of_the_checkout_with_the_users_init_files_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the suite guards against: after `init` at the root, a bare command reads the user's
    files, not deploy/schedules.yaml (so a test run there would see the user's config)."""
    root = copy_checkout(tmp_path / "repo")
    monkeypatch.chdir(root)
    res = CliRunner().invoke(main, ["alerts", "validate", "--no-secrets"])
    assert "deploy/schedules.yaml: 6 alert(s) valid" in res.stdout, res.output
    init = [
        "init", "--region", "eu-west-1", "--s3-staging-dir", "s3://acme-results/looker/",
        "--git-remote", "git@github.com:acme/looker-cloudtrail.git", "--bucket", "acme-trail",
        "--layout", "single", "--account-id", "111111111111", "--security-email", "sec@example.com",
    ]  # fmt: skip
    assert CliRunner().invoke(main, init).exit_code == 0
    assert (root / "looker-ops.yaml").is_file() and (root / "schedules.yaml").is_file()
    res = CliRunner().invoke(main, ["alerts", "validate", "--no-secrets"])
    assert "deploy/schedules.yaml" not in res.stdout, res.output
