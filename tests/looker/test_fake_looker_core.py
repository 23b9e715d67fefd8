"""The fake Looker's core: ids never collide with existing objects; latency does not serialise
concurrent calls (it is spent outside the fake's lock)."""

from __future__ import annotations

import threading

from looker_sdk.sdk.api40 import models as m

from looker_ops.looker import LookerClient
from tests.fake_looker.core import FakeLooker
from tests.fake_looker.fixtures import fake_looker, looker_client, looker_sleeps, make_client

_ = (fake_looker, looker_client, looker_sleeps)


def test_new_folders_never_take_a_seeded_id(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    seeded = {k: dict(v) for k, v in fake_looker.table("folders").items()}
    made = [looker_client.sdk.create_folder(m.CreateFolder(name=f"f{i}", parent_id="1")).id for i in range(5)]
    assert len(set(made)) == 5 and not set(made) & set(seeded)
    for fid, before in seeded.items():  # Shared, Users and the personal folder are intact
        assert fake_looker.table("folders")[fid] == before


def test_new_ids_skip_ids_that_a_test_seeded(fake_looker: FakeLooker, looker_client: LookerClient) -> None:
    # A test seeds objects at the ids the counter would hand out next: they must survive.
    fake_looker.table("folders")["1001"] = {"id": "1001", "name": "Seeded", "parent_id": "1"}
    fake_looker.table("widgets")["w"] = {"id": "1002", "name": "keyed by name, id in the record"}
    new = looker_client.sdk.create_folder(m.CreateFolder(name="New", parent_id="1"))
    assert new.id not in ("1001", "1002")
    assert fake_looker.table("folders")["1001"]["name"] == "Seeded"
    assert fake_looker.table("folders")[str(new.id)]["name"] == "New"
    assert fake_looker.new_id() not in ("1001", "1002", new.id)


def test_latency_is_spent_outside_the_lock(fake_looker: FakeLooker) -> None:
    """While one call waits out its latency, another call is served (no global serialisation),
    so benchmarks can use fake.latency to show concurrency. No real sleeping here."""
    a, b = make_client(fake_looker), make_client(fake_looker)
    a.sdk.me()  # log both in first (latency off)
    b.sdk.me()
    first_waiting = threading.Event()
    second_done = threading.Event()
    waits: list[bool] = []

    def sleep(seconds: float) -> None:
        if threading.current_thread().name == "first":
            first_waiting.set()
            # With the lock held here, the second call could not finish and this would time out.
            waits.append(second_done.wait(timeout=5))

    fake_looker.latency = 0.1
    fake_looker.sleep = sleep
    errors: list[BaseException] = []

    def first() -> None:
        try:
            a.sdk.me()
        except BaseException as exc:  # surfaced by the assertions below
            errors.append(exc)

    t = threading.Thread(target=first, name="first")
    t.start()
    assert first_waiting.wait(timeout=5)
    b.sdk.me()  # served while the first call is still "on the network"
    second_done.set()
    t.join(timeout=10)
    assert not t.is_alive() and errors == []
    assert waits == [True]
    assert [c.operation_id for c in fake_looker.calls[-2:]] == ["me", "me"]
