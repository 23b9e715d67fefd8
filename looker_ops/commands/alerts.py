"""``looker-ops alerts``: alerts on the block's dashboard tiles, as code (the ``alerts:`` list of
schedules.yaml).

    looker-ops alerts validate [--file PATH] [--json PATH]         offline: no Looker call
    looker-ops alerts apply [--dry-run] [--prune] [--json PATH]    plan, then apply
    looker-ops alerts list [--json PATH]                           alerts on the block's dashboards
    looker-ops alerts test NAME [--json PATH]                      run one now (enqueue_alert)
    looker-ops alerts evaluate [NAME]... [--data DIR] [--now T] [--since 7d] [--format text|json]

The file is ``--file``, else the ``schedules:`` key of looker-ops.yaml (``--config``); without a
config file, ./schedules.yaml or ./deploy/schedules.yaml; the
dashboards folder ``--dashboards`` (else the config's ``dashboards.dir``, else ./dashboards); the
LookML project ``--project`` (else the config's ``project.lookml_dir``, else ./lookml_project).
See docs/alerts.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from looker_ops.commands.jsonout import FORMAT, JsonResult, json_option, json_written, write_json
from looker_ops.commands.options import (
    DeliveryPaths,
    config_option,
    delivery_options,
    delivery_paths,
    echo_valid,
    group_settings,
    load_warning,
    log_files_found,
    looker_client,
    no_schedules_file,
    no_secrets_option,
)
from looker_ops.errors import EXIT_FINDINGS, BadInput


def _spec(p: DeliveryPaths, *, require_secrets: bool = True) -> Any:
    from looker_ops.config.alerts import load_alerts

    if p.file is None:
        raise no_schedules_file(p.config)
    return load_alerts(p.file, p.dashboards, p.project, require_secrets=require_secrets)


def _client(p: DeliveryPaths) -> Any:
    return looker_client(p.config, p.looker_ini, p.section)


@click.group("alerts")
@config_option("looker-ops.yaml (default ./looker-ops.yaml when present).", "config", dir_okay=False)
@click.option("--looker-ini", type=click.Path(dir_okay=False), default=None, help="looker.ini file.")
@click.option("--section", default=None, help="Section of looker.ini.")
@click.pass_context
def alerts(ctx: click.Context, config: Path | None, looker_ini: str | None, section: str | None) -> None:
    """Alerts on the block's dashboard tiles, from the `alerts:` of schedules.yaml."""
    ctx.obj = {"config": config, "looker_ini": looker_ini, "section": section}


def _line(a: Any) -> str:
    """An alert's ``ok`` line in ``validate``."""
    dests = ", ".join(d.label for d in a.destinations)
    filters = ", ".join(f"{f.title}={f.value}" for f in a.filters) or "no filters"
    return (
        f"{a.name}: {a.dashboard} / {a.tile}: {a.field} {a.condition.text} at '{a.cron}' "
        f"({filters}) -> {dests}"
    )


def _row(a: Any) -> dict[str, Any]:
    """An alert in ``validate --json``."""
    return {
        "name": a.name,
        "dashboard": a.dashboard,
        "tile": a.tile,
        "field": a.field,
        "condition": a.condition.text,
        "cron": a.cron,
        "timezone": a.timezone,
        "filters": {f.title: f.value for f in a.filters},
        "destinations": [d.label for d in a.destinations],
        "file": a.file,
        "line": a.line,
    }


@alerts.command("validate")
@group_settings
@delivery_options(" holding `alerts:`")
@no_secrets_option
@json_option("the result (each alert, or each problem with its file, line and key)")
@click.pass_context
def validate_cmd(
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    no_secrets: bool,
    json_path: str | None,
) -> None:
    """Check the alerts offline: dashboards, tiles, fields, conditions, crons, filters, addresses."""
    with JsonResult(json_path, "alerts validate", file=None, count=0, alerts=[]) as out:
        p = delivery_paths(ctx, file, dashboards, project)
        out.doc["file"] = str(p.file) if p.file is not None else None
        spec = _spec(p, require_secrets=not no_secrets)
        echo_valid(out, "alerts", spec, spec.alerts, _line, _row)
        out.echo(f"{spec.file}: {len(spec.alerts)} alert(s) valid")


@alerts.command("apply")
@group_settings
@delivery_options(" holding `alerts:`")
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--prune", is_flag=True, help="Delete looker-ops alerts no longer in the file (never others).")
@json_option("the report")
@click.pass_context
def apply_cmd(
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    dry_run: bool,
    prune: bool,
    json_path: str | None,
) -> None:
    """Make Looker's alerts match the file: create, update in place, (--prune) delete."""
    from looker_ops.alerts.apply import apply_alerts

    p = delivery_paths(ctx, file, dashboards, project)
    spec = _spec(p)  # every offline check before the first call
    with _client(p) as client:
        report = apply_alerts(client, spec, dry_run=dry_run, prune=prune)
    for line in report.lines():
        click.echo(line, err=json_path == "-")
    if json_path:
        write_json(json_path, report.as_dict())


@alerts.command("test")
@group_settings
@click.argument("name")
@delivery_options(" holding `alerts:`")
@json_option("the result (the alert enqueued and its destinations)")
@click.pass_context
def test_cmd(
    ctx: click.Context,
    name: str,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    json_path: str | None,
) -> None:
    """Run the applied alert NAME now (Looker's enqueue_alert): it notifies if its condition holds."""
    from looker_ops.alerts.run import run_alert_now

    with JsonResult(json_path, "alerts test", name=name, enqueued=False, alert_id=None) as out:
        p = delivery_paths(ctx, file, dashboards, project)
        spec = _spec(p)
        a = spec.get(name)  # unknown name: exit 2 before any call
        with _client(p) as client:
            aid = run_alert_now(client, spec, name)
        labels = [d.label for d in a.destinations]
        out.doc.update(enqueued=True, alert_id=str(aid), destinations=labels)
        out.echo(f"enqueued: {name} (alert {aid}) -> {', '.join(labels)}")
        out.echo("Looker runs it now and notifies its destinations if the condition holds.")


@alerts.command("list")
@group_settings
@delivery_options(" holding `alerts:`")
@json_option("the rows")
@click.pass_context
def list_cmd(
    ctx: click.Context,
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    json_path: str | None,
) -> None:
    """Show every alert on the block's dashboards (anyone's) and every looker-ops alert."""
    from looker_ops.alerts.list import list_alerts

    p = delivery_paths(ctx, file, dashboards, project)
    spec = _spec(p)
    with _client(p) as client:
        rows = list_alerts(client, spec)
    if json_path:
        write_json(json_path, {"alerts": [r.as_dict() for r in rows]})
        if json_path == "-":
            return
    for r in rows:
        owner = "looker-ops" if r.managed else f"not managed (owner {r.owner or '?'})"
        state = " DISABLED" if r.disabled else ""
        click.echo(f"{r.id:>6} {r.title}{state}")
        click.echo(
            f"       {r.dashboard} element {r.element_id}: {r.field} {r.condition} at '{r.cron}'; {owner}; in file: {r.in_file}"
        )
        for d in r.destinations:
            click.echo(f"       -> {d}")
    click.echo(f"{len(rows)} alert(s)")


@alerts.command("evaluate")
@group_settings
@click.argument("names", nargs=-1)
@delivery_options(" holding `alerts:`")
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="Folder of CloudTrail log files (S3 layout or flat, gzip or not). Default: the bundled sample.",
)
@click.option(
    "--now",
    "now_text",
    metavar="TIME",
    help="End of the window (ISO 8601, UTC). Default: the end of the bundled sample's last day with the sample, else now.",
)
@click.option(
    "--since", "since_text", default="7d", show_default=True, help="Length of the window: 7d, 36h, 90m, 2w."
)
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, callback=FORMAT
)
@click.option(
    "--events",
    "max_events",
    type=click.IntRange(0, 1000),
    default=20,
    show_default=True,
    help="Events shown per firing.",
)
@click.option(
    "--fail-on-fire", is_flag=True, help="Exit 1 when an alert would have fired (CI tuning checks)."
)
@click.pass_context
def evaluate_cmd(
    ctx: click.Context,
    names: tuple[str, ...],
    file: Path | None,
    dashboards: Path | None,
    project: Path | None,
    data_dir: Path | None,
    now_text: str | None,
    since_text: str,
    fmt: str,
    max_events: int,
    fail_on_fire: bool,
) -> None:
    """When each alert (or each NAME) would have fired on your own logs, with the value and the
    events behind it: every cron tick in the window, the tile compiled as for `preview` and run
    on the embedded engine."""
    from looker_ops import clock
    from looker_ops.alerts.evaluate import evaluate, parse_since, render_text
    from looker_ops.engines.local import LocalEngine
    from looker_ops.preview.run import parse_now, sample_now

    p = delivery_paths(ctx, file, dashboards, project)
    since = parse_since(since_text)
    if data_dir is not None and not data_dir.is_dir():
        raise BadInput(f"--data {data_dir}: not a directory")
    spec = _spec(p, require_secrets=False)  # nothing is sent: secrets are not needed
    for n in names:
        spec.get(n)
    geoip = data_dir / "geoip" if data_dir is not None and (data_dir / "geoip").is_dir() else None
    with LocalEngine(data_dir, geoip_dir=geoip) if data_dir is not None else LocalEngine(None) as engine:
        if now_text:
            now = parse_now(now_text)
        elif data_dir is None:
            now = sample_now(engine)
        else:
            now = clock.now()
        evals = evaluate(spec, engine, now=now, since=since, names=names, max_events=max_events)
        problems = list(engine.problems)
        opened, found = engine.files_opened, log_files_found(engine)
    if problems:
        click.echo(load_warning(problems, opened, found, "the alerts"), err=True)
    # exit 1 for an alert that could not be evaluated, or (--fail-on-fire) one that fired
    fired_exit = any(e.error for e in evals) or (fail_on_fire and any(e.firings for e in evals))
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "ok": not fired_exit,
                    "exit_code": 1 if fired_exit else 0,
                    "now": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
                    "since": since_text,
                    "data": str(data_dir) if data_dir is not None else "bundled sample",
                    "alerts": [e.as_dict() for e in evals],
                },
                indent=2,
                default=str,
            )
        )
        json_written("-")
    else:
        sys.stdout.write(
            render_text(evals, now=now, since=since, data=str(data_dir) if data_dir else "the bundled sample")
        )
    if fired_exit:
        raise SystemExit(EXIT_FINDINGS)
