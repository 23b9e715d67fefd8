"""The block-in-a-folder fixture and the CLI runner shared by the deploy command tests.

A test module imports ``block`` and ``run`` from here, next to the fake's ``looker_env`` fixture
(``looker_env = fx.looker_env``), which ``block`` depends on.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from looker_ops.cli import main
from tests.deploy.helpers import ENV, Block, make_block
from tests.fake_looker.core import FakeLooker


@pytest.fixture
def block(tmp_path: Path, looker_env: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> Block:
    """The block's files and a config in tmp_path, the deploy's env vars set, the fake serving."""
    for k, v in ENV.items():
        monkeypatch.setenv(k, v)
    return make_block(tmp_path)


def run(*args: str) -> Result:
    """``looker-ops ARGS`` in this process; exceptions propagate so a traceback is a failure."""
    return CliRunner().invoke(main, list(args), catch_exceptions=False)
