"""``looker-ops schedules``: scheduled deliveries of the block's dashboards, as code.

    looker-ops schedules validate [--file PATH] [--json PATH]   offline: no Looker call (alerts too)
    looker-ops schedules apply [--file PATH] [--dry-run] [--prune] [--json PATH]
    looker-ops schedules run NAME [--to EMAIL]... [--json PATH] send one now (run-once)
    looker-ops schedules list [--json PATH]                     plans on the block's dashboards
    looker-ops schedules integrations [--json PATH]             action-hub destinations offered

The schedules file is ``--file``, else the ``schedules:`` key of looker-ops.yaml (``--config``,
default ./looker-ops.yaml); without a config file, ./schedules.yaml or ./deploy/schedules.yaml; the
dashboards folder is ``--dashboards``, else the config's ``dashboards.dir``, else ./dashboards; the
LookML project (a field filter's value is read with its field's grammar) ``--project``, else the
config's ``project.lookml_dir``, else ./lookml_project, when it exists. See docs/schedules.md.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from looker_ops.commands.jsonout import JsonResult, json_option, masked, write_json
from looker_ops.commands.options import (
    DeliveryPaths,
    config_option,
    delivery_options,
    delivery_paths,
    echo_valid,
    group_settings,
    looker_client,
    no_schedules_file,
    no_secrets_option,
)


def _read(p: DeliveryPaths, *, require_secrets: bool = True, alerts: bool = False) -> Any:
    """The schedules file checked offline (its alerts too with ``alerts``); every problem at once.
    With the LookML project folder, a field filter's value is read with its field's grammar."""
    from looker_ops.config.delivery_file import check_delivery_file

    if p.file is None:
        raise no_schedules_file(p.config)
    checked = check_delivery_file(
        p.file, p.dashboards, p.project, alerts=alerts, require_secrets=require_secrets
    )
    checked.raise_problems()
    return checked


def _spec(p: DeliveryPaths, *, require_secrets: bool = True) -> Any:
    return _read(p, require_secrets=require_secrets).schedules


def make_client(p: DeliveryPaths) -> Any:
    """The Looker client of the online schedules commands; its retries are reported on stderr."""

    def progress(line: str) -> None:  # retries on stderr: a slow Looker never looks like a hang
        click.echo(masked(line), err=True)

    return looker_client(p.config, p.looker_ini, p.section, on_retry=progress)


@click.group("schedules")
@config_option("looker-ops.yaml (default ./looker-ops.yaml when present).", "config", dir_okay=False)
@click.option(
    "--looker-ini",
    type=click.Path(dir_okay=False),
    default=None,
    help="looker.ini file with the Looker API settings (default: the config's looker.ini); "
    "LOOKERSDK_* variables override it.",
)
@click.option(
    "--section",
    default=None,
    help="Section of looker.ini (default: the config's looker.section, else [Looker] or the first).",
)
@click.pass_context
def schedules(ctx: click.Context, config: Path | None, looker_ini: str | None, section: str | None) -> None:
    """Scheduled PDF (PNG, CSV) deliveries of the block's dashboards, from schedules.yaml."""
    ctx.obj = {"config": config, "looker_ini": looker_ini, "section": section}


def _line(s: Any) -> str:
    """A schedule's ``ok`` line in ``validate``."""
    dests = ", ".join(d.label for d in s.destinations)
    return f"{s.name}: {s.dashboard} at '{s.cron}' {s.timezone} [{s.format}] -> {dests}"


def _row(s: Any) -> dict[str, Any]:
    """A schedule in ``validate --json``."""
    return {
        "name": s.name,
        "dashboard": s.dashboard,
        "cron": s.cron,
        "timezone": s.timezone,
        "format": s.format,
        "destinations": [d.label for d in s.destinations],
        "file": s.file,
        "line": s.line,
    }


@schedules.command("validate")
@group_settings
@delivery_options()
@no_secrets_option
@json_option("the result (each schedule, or each problem with its file, line and key)")
@click.pass_context
def validate_cmd(
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    no_secrets: bool,
    json_path: str | None,
) -> None:
    """Check the schedules file offline (cron, time zones, e-mails, dashboards, filters, keys, env),
    and its `alerts:` as `alerts validate` does."""
    with JsonResult(json_path, "schedules validate", file=None, count=0, schedules=[], alerts=0) as out:
        p = delivery_paths(ctx, file, dashboards, project)
        out.doc["file"] = str(p.file) if p.file is not None else None
        checked = _read(p, require_secrets=not no_secrets, alerts=True)
        spec = checked.schedules
        echo_valid(out, "schedules", spec, spec.schedules, _line, _row)
        n_alerts = len(checked.alerts.alerts) if checked.alerts is not None else 0
        out.doc["alerts"] = n_alerts
        also = f", {n_alerts} alert(s) valid (details: alerts validate)" if checked.alerts is not None else ""
        out.echo(f"{spec.file}: {len(spec.schedules)} schedule(s) valid{also}")


@schedules.command("apply")
@group_settings
@delivery_options()
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--prune", is_flag=True, help="Delete looker-ops plans no longer in the file (never others).")
@click.option(
    "--resend-secrets",
    is_flag=True,
    help="Update plans with secret parameters even if nothing else changed (after a rotation).",
)
@json_option("the report")
@click.pass_context
def apply_cmd(
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    dry_run: bool,
    prune: bool,
    resend_secrets: bool,
    json_path: str | None,
) -> None:
    """Make Looker's scheduled plans match the file: create, update in place, (--prune) delete."""
    from looker_ops.schedules.apply import apply_schedules

    p = delivery_paths(ctx, file, dashboards, project)
    spec = _spec(p)  # every offline check before the first call
    with make_client(p) as client:
        report = apply_schedules(
            client,
            spec,
            dashboards_dir=p.dashboards,
            dry_run=dry_run,
            prune=prune,
            resend_secrets=resend_secrets,
        )
    for line in report.lines():
        click.echo(line, err=json_path == "-")  # with --json -, stdout is the JSON alone
    if json_path:
        write_json(json_path, report.as_dict())


@schedules.command("run")
@group_settings
@click.argument("name")
@delivery_options()
@click.option("--to", "to", multiple=True, help="Send only to this e-mail address instead (repeatable).")
@json_option("the result (the plan run, how, and its destinations)")
@click.pass_context
def run_cmd(
    ctx: click.Context,
    name: str,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    to: tuple[str, ...],
    json_path: str | None,
) -> None:
    """Send the schedule NAME once now (Looker's run-once), to check its output and recipients."""
    from looker_ops.schedules.run import run_schedule

    with JsonResult(json_path, "schedules run", name=name, sent=False) as out:
        p = delivery_paths(ctx, file, dashboards, project)
        spec = _spec(p)
        spec.get(name)  # unknown name: exit 2 before any call
        with make_client(p) as client:
            result = run_schedule(client, spec, name, to=to)
        out.doc.update(
            sent=True,
            plan_id=result.plan_id,
            used=result.used,
            destinations=result.destinations,
            note=result.note or None,
        )
        for line in result.lines():
            out.echo(line)


@schedules.command("list")
@group_settings
@delivery_options()
@json_option("the rows")
@click.pass_context
def list_cmd(
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    json_path: str | None,
) -> None:
    """Show every plan on the block's dashboards (anyone's), with its last run.

    Without a schedules file, the plans are listed all the same (none is "in the file")."""
    from looker_ops.config.schedules import ScheduleSet, dashboard_index
    from looker_ops.schedules.list import list_schedules
    from looker_ops.schedules.report import list_lines

    p = delivery_paths(ctx, file, dashboards, project)
    # no file: still list what is on the block's dashboards
    spec = ScheduleSet([], dashboard_index(p.dashboards), file="") if p.file is None else _spec(p)
    with make_client(p) as client:
        rows, missing = list_schedules(client, spec)
    if json_path:
        write_json(json_path, {"plans": [r.as_dict() for r in rows], "dashboards_missing": missing})
        if json_path == "-":
            return
    for line in list_lines(rows, missing, len(spec.dashboards)):
        click.echo(line)


@schedules.command("integrations")
@group_settings
@json_option("the integrations")
@click.pass_context
def integrations_cmd(ctx: click.Context, json_path: str | None) -> None:
    """List the action-hub integrations Looker offers (ids for `integration:` destinations)."""
    from looker_ops.looker.schedules import integrations
    from looker_ops.schedules.report import integration_lines

    with JsonResult(json_path, "schedules integrations", integrations=[]) as out:
        p = delivery_paths(ctx, None, None, need_dashboards=False)
        with make_client(p) as client:
            rows = integrations(client)
        out.doc["integrations"] = rows
        for line in integration_lines(rows):
            out.echo(line)
