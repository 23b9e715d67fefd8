"""deploy's preflight reports every problem at once (docs/deploy.md): the config's unset
variables, the folders it names (in the words of ``config check``, each once, never the
``--dashboards`` option deploy has not), and the Looker settings; with ``--json -`` stderr says
the failure once, and the report has a start time."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner

from looker_ops.cli import main
from looker_ops.commands.deploy import deploy_cmd
from looker_ops.deploy.context import STEPS
from tests.deploy import cli as deploy_cli
from tests.deploy.helpers import Block
from tests.fake_looker import fixtures as fx
from tests.fake_looker.core import FakeLooker

fake_looker = fx.fake_looker
looker_env = fx.looker_env
block = deploy_cli.block


def test_every_problem_is_listed_at_once_once_each(
    block: Block, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LOOKER_ATHENA_ACCESS_KEY_ID", "LOOKER_ATHENA_SECRET_ACCESS_KEY", "LOOKERSDK_BASE_URL"):
        monkeypatch.delenv(name)
    shutil.rmtree(block.lookml)
    shutil.rmtree(block.dashboards)
    res = CliRunner().invoke(main, ["deploy", "-c", str(block.config_path), "--json", "-"])
    assert res.exit_code == 2, res.output
    doc = json.loads(res.stdout)
    keys = [p["key"] for p in doc["problems"]]
    assert keys[:4] == [
        "connection.aws_access_key_id",
        "connection.aws_secret_access_key",
        "project.lookml_dir",
        "dashboards.dir",
    ], doc["problems"]
    assert any("LOOKERSDK_BASE_URL" in p["message"] for p in doc["problems"])
    assert len(doc["problems"]) == 5
    assert "does not exist" in doc["problems"][2]["message"] and "is not a folder" not in res.stderr
    assert "--dashboards" not in res.stderr
    # stderr: the failure's line once, each problem once
    for p in doc["problems"]:
        assert res.stderr.count(p["message"]) == 1, res.stderr
    assert res.stderr.count("5 problems") == 1
    assert doc["started_at"] and doc["started_at"].startswith("20")
    assert looker_env.calls == [] and block.remote.branches() == []


def test_the_help_names_every_step_of_the_run() -> None:
    text = deploy_cmd.help or ""
    assert (
        f"{['One', 'Two', 'Three', 'Four', 'Five', 'Six', 'Seven', 'Eight', 'Nine', 'Ten'][len(STEPS) - 1]} steps"
        in text
    )
    assert "alerts" in text


def test_a_report_path_that_cannot_be_written_stops_the_run_before_any_call(
    block: Block, looker_env: FakeLooker
) -> None:
    (block.root / "a-file").write_text("x", encoding="utf-8")
    target = block.root / "a-file" / "report.json"
    res = CliRunner().invoke(main, ["deploy", "-c", str(block.config_path), "--json", str(target)])
    assert res.exit_code == 2, res.output
    assert "internal error" not in res.output
    assert res.stderr.count(f"--json {target}: cannot write") == 1, res.stderr
    assert looker_env.calls == [] and block.remote.branches() == []
