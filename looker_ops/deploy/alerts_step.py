"""The deploy's ``alerts`` step (after dashboards, content and schedules).

The alerts of the schedules file (its ``alerts:`` list) are checked offline, then planned and
applied by :func:`looker_ops.alerts.apply.apply_alerts`. Running after the dashboards step
matters: a re-import gives the block's tiles new element ids, and this step puts every managed
alert back on its tile (re-pointed in place, or created again where Looker dropped it) and
deletes any managed alert left on an element that no longer exists.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from looker_ops.deploy.context import StepBase
    from looker_ops.deploy.report import StepRecord


def run_alerts_step(deployer: StepBase, rec: StepRecord) -> None:
    from looker_ops.alerts.apply import apply_alerts
    from looker_ops.config.alerts import load_alerts

    cfg = deployer.cfg
    if not cfg.schedules:
        rec.status = "skipped"
        rec.message = "no schedules file in the config"
        return
    spec = load_alerts(
        Path(cfg.resolve(cfg.schedules)),
        Path(cfg.resolve(cfg.dashboards.dir)),
        Path(cfg.resolve(cfg.project.lookml_dir)),
    )
    if not spec.declared:
        rec.status = "skipped"
        rec.message = "no `alerts:` in the schedules file"
        return
    result = apply_alerts(deployer.client, spec, dry_run=deployer.opts.dry_run, prune=deployer.prune)
    deployer.show(rec, list(result.changes))
    for w in result.warnings:
        deployer.echo(f"      warning: {w}")
    rec.details["alerts"] = result.as_dict()
    if rec.status == "pending":
        rec.status = "applied"
    rec.message = f"{len(result.changes)} change(s), {len(result.unchanged)} unchanged"
