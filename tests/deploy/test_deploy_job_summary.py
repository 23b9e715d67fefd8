"""`looker-ops deploy` in GitHub Actions: with GITHUB_STEP_SUMMARY set, the report is appended to
the job summary as Markdown (steps, status, time, changes, content errors, rollback, error)."""

from __future__ import annotations

from pathlib import Path

import pytest

from looker_ops.deploy.pipeline import STEPS
from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import ENV, Block, production_ref
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
block = deploy_cli.block
run = deploy_cli.run


@pytest.fixture
def summary(tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "step_summary.md"
    path.write_text("### an earlier step\n\n")
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(path))
    return path


def rows(text: str) -> dict[str, list[str]]:
    """Table rows by step title: [status, time, changes, result]."""
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
        if line.startswith("| ") and len(cells) == 5:
            out[cells[0]] = cells[1:]
    return out


def test_a_deploy_appends_its_report_to_the_job_summary(
    block: Block, looker_env: FakeLooker, summary: Path
) -> None:
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 0, res.output
    text = summary.read_text()
    assert text.startswith("### an earlier step\n")  # appended, not overwritten
    assert "### looker-ops deploy: succeeded" in text
    table = rows(text)
    assert [t for _, t in STEPS] == [t for t in table if t != "step"]
    assert table["Athena connection"][0] == "applied" and table["Athena connection"][2] == "1 create"
    assert table["Athena connection"][3].startswith("tested: connect: success")
    assert table["dashboards"][0] == "applied" and table["dashboards"][1].endswith(" s")
    assert "Looker API calls:" in text and " 0 retries" in text
    for secret in (*ENV.values(), looker_env.client_secret):
        assert secret not in text

    again = run("deploy", "-c", str(block.config_path))  # a no-op run says so
    assert again.exit_code == 0
    last = summary.read_text().split("### looker-ops deploy")[-1]
    assert all(r[0] in ("unchanged", "skipped") for t, r in rows(last).items() if t != "step")
    assert ", 0 writes," in last


def test_content_errors_and_the_rollback_are_in_the_job_summary(
    block: Block, looker_env: FakeLooker, summary: Path
) -> None:
    assert run("deploy", "-c", str(block.config_path)).exit_code == 0
    prod = production_ref(looker_env)
    block.edit("lookml_project/views/events.view.lkml", "dimension: aws_region {", "dimension: region {")
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 1
    last = summary.read_text().split("### looker-ops deploy")[-1]
    assert last.startswith(": failed (exit code 1)")
    assert rows(last)["content validation"][0] == "failed"
    errors = last.split("**New content errors**", 1)[1].split("**Rollback:**")[0]
    assert "aws_region" in errors and errors.count("\n- ") >= 1
    assert f"- production back to {prod[:12]}" in last.split("**Rollback:**", 1)[1]
    assert "~~~~text\ncontent validation:" in last  # the full error, fenced


def test_bad_input_before_any_call_is_summarised_too(
    block: Block, looker_env: FakeLooker, summary: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LOOKER_ATHENA_SECRET_ACCESS_KEY")
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 2 and looker_env.calls == []
    text = summary.read_text()
    assert "### looker-ops deploy: failed (exit code 2)" in text
    assert "connection.aws_secret_access_key" in text and "LOOKER_ATHENA_SECRET_ACCESS_KEY" in text


def test_an_unwritable_summary_is_a_warning_not_a_failure(
    block: Block, looker_env: FakeLooker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "no" / "such" / "dir" / "summary.md"))
    res = run("deploy", "-c", str(block.config_path))
    assert res.exit_code == 0
    assert "warning: cannot write the job summary (GITHUB_STEP_SUMMARY)" in res.stderr
