"""``schedules apply`` (and the deploy's schedules step): make Looker's scheduled plans match
the schedules file. Offline checks first, then dashboards resolved by slug, integrations
checked, plans read, planned (:func:`looker_ops.looker.schedules.plan`) and applied."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from looker_ops.config.schedules import ScheduleSet, load_schedules
from looker_ops.errors import BadInput
from looker_ops.looker import schedules as sched_mod
from looker_ops.looker.changes import CREATE, UPDATE, get
from looker_ops.schedules.report import Report

if TYPE_CHECKING:
    from looker_ops.config.settings import Config
    from looker_ops.looker.client import LookerClient


def load_spec(
    config_path_or_spec: ScheduleSet | Config | str | Path, dashboards_dir: Path | str
) -> ScheduleSet:
    """A checked ScheduleSet from a ScheduleSet, a loaded Config, or a schedules file path."""
    if isinstance(config_path_or_spec, ScheduleSet):
        return config_path_or_spec
    from looker_ops.config.settings import Config

    if isinstance(config_path_or_spec, Config):
        cfg = config_path_or_spec
        if not cfg.schedules:
            raise BadInput(
                f"{cfg.path or 'looker-ops.yaml'}: schedules: no schedules file named in the config"
            )
        return load_schedules(cfg.resolve(cfg.schedules), Path(dashboards_dir))
    return load_schedules(Path(config_path_or_spec), Path(dashboards_dir))


def targets(client: LookerClient, spec: ScheduleSet, *, strict: bool = True) -> dict[str, sched_mod.Target]:
    """Each dashboard the schedules use, found on Looker by slug (see ``resolve_target``)."""
    out: dict[str, sched_mod.Target] = {}
    for slug in sorted({s.dashboard for s in spec.schedules}):
        users = [s for s in spec.schedules if s.dashboard == slug]
        out[slug] = sched_mod.resolve_target(client, spec.dashboards[slug], users, strict=strict)
    return out


def apply_schedules(
    client: LookerClient,
    config_path_or_spec: ScheduleSet | Config | str | Path,
    *,
    dashboards_dir: Path | str = "dashboards",
    dry_run: bool = False,
    prune: bool = False,
    resend_secrets: bool = False,
) -> Report:
    """Make Looker's scheduled plans match the schedules file. The last step of ``deploy``.

    Everything offline is checked before the first call; then dashboards are resolved by slug,
    integrations checked, plans read, the plan printed by the caller from the Report, and (unless
    ``dry_run``) applied. A dashboard not on Looker is an error unless ``dry_run`` (during a
    dry run of ``deploy`` the dashboards step has not created it yet).
    """
    from looker_ops.config.settings import Config

    if isinstance(config_path_or_spec, Config) and not config_path_or_spec.schedules:
        # No schedules file is not "no schedules": nothing is read, and --prune deletes nothing.
        return Report(dry_run=dry_run, prune=prune, warnings=["no `schedules:` file in the config: skipped"])
    spec = load_spec(config_path_or_spec, dashboards_dir)
    for secret in spec.secrets():
        client.redactor.add(secret)
    report = Report(dry_run=dry_run, prune=prune, file=spec.file)
    tgts = targets(client, spec, strict=not dry_run)
    report.warnings.extend(p for t in tgts.values() for p in t.problems)
    missing = sorted(slug for slug, t in tgts.items() if t.id is None)
    if missing and not dry_run:
        lines = []
        for slug in missing:
            first = next(s for s in spec.schedules if s.dashboard == slug)
            users = ", ".join(repr(s.name) for s in spec.schedules if s.dashboard == slug)
            lines.append(
                f"{first.where}: schedule {users}: dashboard: no dashboard with slug {slug!r} on Looker"
            )
        raise BadInput(
            "\n".join(lines)
            + "\nimport the block's dashboards first: `looker-ops deploy` (or `looker-ops dashboards import`)"
        )
    sched_mod.check_integrations(client, spec.schedules)
    current = sched_mod.read(client)
    report.ignored = sum(1 for p in current if not sched_mod.is_managed(p))
    needs_owner = any(
        s.user_id is None and any(sched_mod.is_managed(p) and get(p, "name") == s.plan_name for p in current)
        for s in spec.schedules
    )
    owner = sched_mod.owner_id(client) if needs_owner else None
    want = [sched_mod.desired(s, tgts[s.dashboard], owner) for s in spec.schedules]
    report.changes = sched_mod.plan(want, current, prune=prune, resend_secrets=resend_secrets)
    # A dashboard not on Looker yet (a dry run before the deploy's dashboards step) is said once,
    # on each schedule's planned create; a warning only where no planned change says it.
    noted = {
        ch.payload.desired.schedule.dashboard
        for ch in report.changes
        if ch.note and isinstance(ch.payload, sched_mod.PlannedChange) and ch.payload.desired
    }
    report.warnings.extend(f"dashboard {slug} is not on Looker yet" for slug in missing if slug not in noted)
    touched = {ch.name for ch in report.changes if ch.action in (CREATE, UPDATE)}
    report.unchanged = [w.schedule.name for w in want if w.schedule.name not in touched]
    if dry_run or not report.changes:
        return report
    before = client.counter.writes
    sched_mod.apply(client, report.changes)
    report.writes = client.counter.writes - before
    return report
