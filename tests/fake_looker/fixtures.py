"""pytest fixtures for the fake Looker. Use them from any test module:

    from tests.fake_looker.fixtures import fake_looker, looker_client, looker_env  # noqa: F401

or list the module in ``pytest_plugins`` of a conftest.py in your own test folder:

    pytest_plugins = ["tests.fake_looker.fixtures"]
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from looker_ops.looker.client import LookerClient
from looker_ops.looker.retry import RetryPolicy
from looker_ops.looker.settings import ClientSettings
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.gitremote import GitRemote


class SleepRecorder:
    """Stands in for time.sleep: records the delays the retry policy asked for."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.calls)


def make_client(fake: FakeLooker, *, sleep: SleepRecorder | None = None, **policy: float) -> LookerClient:
    """A LookerClient logged in against ``fake`` with a recording (non-)sleep."""
    settings = ClientSettings(
        base_url=fake.base_url,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        verify_ssl=True,
        timeout=30,
        long_timeout=300,
        source="fake_looker",
    )
    pol = RetryPolicy(sleep=sleep or SleepRecorder(), **policy)  # type: ignore[arg-type]
    return LookerClient(settings, policy=pol)


@pytest.fixture
def fake_looker() -> Iterator[FakeLooker]:
    """A fresh fake Looker at https://looker.test:19999, intercepting requests while the test runs."""
    with FakeLooker() as fake:
        yield fake


@pytest.fixture
def looker_sleeps() -> SleepRecorder:
    return SleepRecorder()


@pytest.fixture
def looker_client(fake_looker: FakeLooker, looker_sleeps: SleepRecorder) -> Iterator[LookerClient]:
    """A LookerClient against ``fake_looker``; retries record their delays in ``looker_sleeps``."""
    client = make_client(fake_looker, sleep=looker_sleeps)
    yield client


@pytest.fixture
def looker_env(fake_looker: FakeLooker, monkeypatch: pytest.MonkeyPatch) -> FakeLooker:
    """LOOKERSDK_* variables pointing at ``fake_looker`` (for CLI tests through CliRunner)."""
    for key in ("BASE_URL", "CLIENT_ID", "CLIENT_SECRET", "VERIFY_SSL", "TIMEOUT"):
        monkeypatch.delenv(f"LOOKERSDK_{key}", raising=False)
    # Under GitHub Actions, commands run by tests must not append to the real job summary.
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.setenv("LOOKERSDK_BASE_URL", fake_looker.base_url)
    monkeypatch.setenv("LOOKERSDK_CLIENT_ID", fake_looker.client_id)
    monkeypatch.setenv("LOOKERSDK_CLIENT_SECRET", fake_looker.client_secret)
    return fake_looker


@pytest.fixture
def git_remote(tmp_path: Path) -> GitRemote:
    """An empty bare git repository (branch main) to serve as a project's remote."""
    return GitRemote.create(tmp_path / "remote.git")
