"""``alerts apply`` (and the deploy's alerts step): make Looker's alerts match the ``alerts:`` of
the schedules file. Tiles found on Looker, integrations checked, alerts read, planned
(:func:`looker_ops.looker.alerts.plan`), applied and verified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from looker_ops.alerts.report import Report
from looker_ops.errors import BadInput
from looker_ops.looker import alerts as res
from looker_ops.looker.changes import CREATE, UPDATE

if TYPE_CHECKING:
    from looker_ops.config.alert_model import AlertSet
    from looker_ops.looker.client import LookerClient


def apply_alerts(
    client: LookerClient, spec: AlertSet, *, dry_run: bool = False, prune: bool = False
) -> Report:
    """Make Looker's alerts match the file: plan, then (unless ``dry_run``) apply and verify.

    A tile not found on Looker (dashboard not imported yet, or older than the file) is an error
    unless ``dry_run``, where it is a warning (the deploy's dashboards step has not run)."""
    for secret in spec.secrets():
        client.redactor.add(secret)
    report = Report(dry_run=dry_run, prune=prune, file=spec.file)
    tiles = res.resolve_tiles(client, spec)
    problems = [(a, tiles[a.name]) for a in spec.alerts if tiles[a.name].problem]
    if problems and not dry_run:
        raise BadInput(
            "\n".join(f"{a.where}: alert {a.name!r}: {t.problem}" for a, t in problems)
            + "\nimport the block's dashboards first: `looker-ops deploy` (or `looker-ops dashboards import`)"
        )
    res.check_integrations(client, spec.alerts)
    current = res.read_current(client)
    report.ignored = sum(1 for a in current if not res.is_managed(a))
    owner = res.owner_id(client) if spec.alerts else None
    want = [res.desired(a, tiles[a.name].element_id, owner) for a in spec.alerts]
    block = {t.dashboard_id for t in tiles.values() if t.dashboard_id}
    live = res.live_elements(client, block, current)
    report.changes = res.plan(
        want, current, prune=prune, live_elements=live, secret_keys=res.file_secret_keys(spec.alerts)
    )
    touched = {ch.name for ch in report.changes if ch.action in (CREATE, UPDATE)}
    report.unchanged = [a.name for a in spec.alerts if a.name not in touched]
    # An alert whose dashboard is not on Looker yet (a dry run before the deploy's dashboards
    # step) says so once, on its planned create; other tile problems stay warnings.
    noted = {ch.name for ch in report.changes if ch.action == CREATE and ch.note}
    report.warnings.extend(
        f"alert {a.name!r}: {t.problem}" for a, t in problems if t.dashboard_id or a.name not in noted
    )
    if dry_run or not report.changes:
        return report
    before = client.counter.writes
    res.apply(client, report.changes)
    report.writes = client.counter.writes - before
    res.verify(client, spec)
    return report
