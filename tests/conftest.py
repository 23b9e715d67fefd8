"""Suite-wide fixtures: the wall clock is pinned for every test, and every dashboard the suite
reads is read by both dashboard readers.

No test may depend on the day the suite runs, so ``looker_ops.clock.now`` answers a fixed time
(the morning after the bundled sample's last day) unless a test pins another one with
``pin_clock``.

Each dashboard text the product reads during the suite (``dashboard_lines.read``), in any test,
is held to PyYAML's reading when the line reader reads it (tests/lookml/dashboard_compare.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from looker_ops import clock

PINNED_NOW = dt.datetime(2026, 11, 21, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True, scope="session")
def dashboard_readers_agree() -> Iterator[None]:
    from looker_ops.lookml import dashboard_lines
    from tests.lookml.dashboard_compare import comparing_read

    original = dashboard_lines.read
    dashboard_lines.read = comparing_read  # type: ignore[assignment]
    yield
    dashboard_lines.read = original  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dt.datetime], None]]:
    def pin(when: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: when)

    pin(PINNED_NOW)
    yield pin


@pytest.fixture(autouse=True)
def outside_the_checkout(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in an empty folder of its own, with no LOOKER_OPS_CONFIG: the commands
    read ./looker-ops.yaml, ./schedules.yaml, ./lookml_project and ./dashboards by default, and a
    user who ran `looker-ops init` in the checkout has the first two there. A test that needs a
    folder (the checkout's own files) chdirs to it or passes paths explicitly."""
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    monkeypatch.delenv("LOOKER_OPS_CONFIG", raising=False)
