"""``schedules run``: send one schedule now with Looker's run-once, to check its output and
recipients (the plan on Looker when it matches the file, else the file's version)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from looker_ops.config.schedules import Destination, Schedule, ScheduleSet, valid_email
from looker_ops.errors import BadInput
from looker_ops.looker import schedules as sched_mod
from looker_ops.looker.changes import get
from looker_ops.schedules.report import RunResult

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient


def run_schedule(
    client: LookerClient,
    spec: ScheduleSet,
    name: str,
    *,
    to: Sequence[str] = (),
) -> RunResult:
    """Send one schedule now (Looker's run-once) to check its output and recipients.

    When the plan on Looker matches the file, it is copied and run by id; otherwise (not applied
    yet, or changed since) the file's version is run with ``run_once``. ``to`` replaces the
    destinations with these e-mail addresses (a test send to yourself).
    """
    schedule = spec.get(name)
    for addr in to:
        if not valid_email(addr):
            raise BadInput(f"--to: {addr!r} is not a valid e-mail address")
    for secret in spec.secrets():
        client.redactor.add(secret)
    info = spec.dashboards[schedule.dashboard]
    target = sched_mod.resolve_target(client, info, [schedule])
    if target.id is None:
        raise BadInput(
            f"{schedule.where}: schedule {name!r}: dashboard {schedule.dashboard!r} is not on Looker: "
            "run `looker-ops deploy` (or `looker-ops dashboards import`) first"
        )
    sched_mod.check_integrations(client, [schedule])
    if to:
        schedule = _with_recipients(schedule, to)
    want = sched_mod.desired(schedule, target)
    existing = next(
        (p for p in sched_mod.read(client) if sched_mod.is_managed(p) and get(p, "name") == want.name),
        None,
    )
    labels = [sched_mod.dest_label(d) for d in want.fields["destinations"]]
    if existing is not None and not to and not sched_mod.diff(want, existing, compare_owner=False):
        pid = str(get(existing, "id"))
        client.sdk.scheduled_plan_run_once_by_id(pid)
        return RunResult(name, pid, "run_once_by_id", labels)
    body = sched_mod.write_body(want, name=sched_mod.RUN_ONCE_PREFIX + schedule.name)
    client.sdk.scheduled_plan_run_once(body)
    if existing is None:
        note = "not applied yet: ran the file's version"
    elif to:
        note = "ran the file's version for the given recipients"
    else:
        note = "the plan on Looker differs from the file: ran the file's version"
    return RunResult(name, None if existing is None else str(get(existing, "id")), "run_once", labels, note)


def _with_recipients(s: Schedule, to: Sequence[str]) -> Schedule:
    dests = tuple(Destination("email", s.format, address=a, key="--to") for a in to)
    run_as = "owner" if s.run_as == "recipient" else s.run_as
    return replace(s, destinations=dests, run_as=run_as)
