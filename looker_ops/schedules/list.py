"""``schedules list``: every plan (anyone's) on the block's dashboards, whether it is in the
file, and its last run."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from looker_ops.config.schedules import ScheduleSet
from looker_ops.looker import schedules as sched_mod
from looker_ops.looker.changes import get
from looker_ops.schedules.report import PlanRow

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient


def list_schedules(client: LookerClient, spec: ScheduleSet) -> tuple[list[PlanRow], list[str]]:
    """Every plan (anyone's) on the block's dashboards, with the last run where Looker tells it.

    Returns (rows, slugs of block dashboards not on Looker).
    """
    for secret in spec.secrets():
        client.redactor.add(secret)
    by_name = {s.plan_name: s for s in spec.schedules}
    rows: list[PlanRow] = []
    missing: list[str] = []
    for slug, info in sorted(spec.dashboards.items()):
        users = [s for s in spec.schedules if s.dashboard == slug]
        target = sched_mod.resolve_target(client, info, users, strict=False)
        if target.id is None:
            missing.append(slug)
            continue
        for p in sched_mod.read_for_dashboard(client, target.id):
            if get(p, "run_once"):
                continue
            name = str(get(p, "name") or "")
            managed = sched_mod.is_managed(p)
            sched = by_name.get(name) if managed else None
            if not managed:
                in_file = "-"
            elif sched is None:
                in_file = "no"
            else:
                in_file = (
                    "differs"
                    if sched_mod.diff(sched_mod.desired(sched, target), p, compare_owner=False)
                    else "yes"
                )
            user = get(p, "user")
            owner = get(user, "display_name") or get(p, "user_id") or ""
            rows.append(
                PlanRow(
                    id=str(get(p, "id")),
                    name=name,
                    managed=managed,
                    in_file=in_file,
                    dashboard=slug,
                    crontab=str(get(p, "crontab") or get(p, "datagroup") or ""),
                    timezone=str(get(p, "timezone") or ""),
                    enabled=bool(get(p, "enabled")),
                    destinations=[
                        sched_mod.dest_label(d) for d in sched_mod.current_fields(p)["destinations"]
                    ],
                    owner=str(owner),
                    last_run_at=_stamp(get(p, "last_run_at")),
                    last_run_status=sched_mod.plain_value(get(p, "last_run_status")),
                    next_run_at=_stamp(get(p, "next_run_at")),
                )
            )
    return rows, missing


def _stamp(value: Any) -> str | None:
    if value in (None, ""):
        return None
    return value.isoformat() if hasattr(value, "isoformat") else str(value)
