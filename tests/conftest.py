"""Suite-wide fixtures: the wall clock is pinned for every test.

No test may depend on the day the suite runs, so ``looker_ops.clock.now`` answers a fixed time
(the morning after the bundled sample's last day) unless a test pins another one with
``pin_clock``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator

import pytest

from looker_ops import clock

PINNED_NOW = dt.datetime(2026, 11, 21, 9, 0, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def pinned_clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[dt.datetime], None]]:
    def pin(when: dt.datetime) -> None:
        monkeypatch.setattr(clock, "now", lambda: when)

    pin(PINNED_NOW)
    yield pin
