"""``looker-ops check [PATH]``: the offline validator (no Looker, no AWS)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from looker_ops.commands.athena import run_options as athena_run_options
from looker_ops.commands.athena import settings_from_options
from looker_ops.commands.jsonout import FORMAT, OUTPUT, json_option, json_written
from looker_ops.commands.options import config_option, default_config
from looker_ops.commands.outpaths import writing
from looker_ops.errors import EXIT_FINDINGS, EXIT_OK, BadInput

if TYPE_CHECKING:
    from looker_ops.findings import Finding


@click.command("check")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option(
    "--dashboards",
    "dashboard_dirs",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Folder of .dashboard.lookml files outside the project (repeatable). "
    "Default without PATH: ./dashboards.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github", "junit", "sarif"]),
    default="text",
    show_default=True,
    callback=FORMAT,
)
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path),
    callback=OUTPUT,
    help="Write the report to a file instead of stdout.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default="error",
    show_default=True,
    help="Exit 1 when a finding of this severity or worse remains.",
)
@click.option(
    "--sql/--no-sql",
    default=None,
    help="Run every field's SQL on the embedded engine. Default: on when every table the project "
    "reads is a known CloudTrail/geo-IP table (as for the bundled block), or with --data.",
)
@click.option(
    "--data",
    "data_dir",
    type=click.Path(path_type=Path),
    help="CloudTrail log files (a folder copied from S3) for --sql instead of the bundled sample.",
)
@click.option(
    "--baseline", type=click.Path(path_type=Path), help="Accept the findings listed in this baseline file."
)
@click.option(
    "--write-baseline",
    type=click.Path(path_type=Path),
    help="Write the current findings to this baseline file and exit 0.",
)
@click.option(
    "--athena",
    "on_athena",
    is_flag=True,
    help="Run the SQL checks on Amazon Athena instead of the embedded engine, each query under "
    "LIMIT 0 (Athena plans it and reads nothing); reports the bytes scanned. Needs AWS credentials.",
)
@athena_run_options
@config_option(
    "looker-ops.yaml (default ./looker-ops.yaml when present): its check: section (dialect, "
    "connections, dependencies) and, with --athena, its athena: and connection: sections; "
    "options override it."
)
@click.option(
    "--dialect",
    default=None,
    help="SQL dialect of the project's connections (sqlglot's names: athena, bigquery, snowflake...). "
    "Default: check.dialect of looker-ops.yaml (-c, else ./looker-ops.yaml when present), else athena. "
    "Athena rules run only for athena.",
)
@click.option(
    "--dependency",
    "dependencies",
    multiple=True,
    metavar="NAME=PATH",
    help="A local checkout of a project this one imports (local_dependency, remote_dependency, "
    "include: //NAME/...), resolved as Looker resolves it (repeatable).",
)
@click.option("--no-cache", is_flag=True, help="Do not read or write the parse cache.")
@json_option("the report (as --format json) besides the --format report")
@click.option(
    "--batch-size", type=click.IntRange(1, 5000), default=200, show_default=True, help="Fields per SQL query."
)
def check(
    path: Path | None,
    dashboard_dirs: tuple[Path, ...],
    fmt: str,
    output: Path | None,
    fail_on: str,
    sql: bool | None,
    data_dir: Path | None,
    baseline: Path | None,
    write_baseline: Path | None,
    no_cache: bool,
    batch_size: int,
    on_athena: bool,
    dialect: str | None,
    dependencies: tuple[str, ...],
    json_path: str | None,
    **athena_options: Any,
) -> None:
    """Check a LookML project offline: syntax, references, Athena rules, and SQL on the embedded engine.

    PATH is the project folder (default: ./lookml_project, with ./dashboards). looker-ops.yaml
    (-c, else ./looker-ops.yaml when present) gives its check: section (dialect, connections,
    dependencies; the options override it) and, with --athena, its athena: and connection:.
    Exit 0: nothing at or above --fail-on; 1: findings; 2: bad usage or unreadable project.
    """
    from looker_ops.check.baseline import write_baseline as do_write_baseline
    from looker_ops.check.render import make_display_path, render_report
    from looker_ops.check.run import exit_code, run_check

    if json_path == "-":  # the JSON alone on stdout: --format json by another name
        if fmt not in ("text", "json") or output is not None:
            raise BadInput(
                f"--json - puts the JSON report on stdout: it does not go with --format {fmt} or --output"
            )
        fmt, json_path = "json", None
    path, dashboard_dirs = _project_dirs(path, dashboard_dirs)
    kwargs: dict[str, Any] = {} if not no_cache else {"cache_dir": None}
    kwargs.update(_dialect_settings(default_config(athena_options.get("config_path")), dialect, dependencies))
    if on_athena:
        if sql is False or data_dir is not None:
            raise BadInput("--athena runs the SQL checks on Athena: it does not go with --no-sql or --data")
        kwargs["athena"] = settings_from_options(dict(athena_options))
    result = run_check(
        path,
        dashboard_dirs=list(dashboard_dirs),
        sql=sql,
        data_dir=data_dir,
        baseline=baseline,
        batch_size=batch_size,
        **kwargs,
    )
    if write_baseline is not None:
        n = do_write_baseline(result.findings, write_baseline)
        click.echo(f"wrote {n} finding(s) to baseline {write_baseline}", err=True)
        sys.exit(EXIT_OK)
    display = make_display_path(path)
    if fmt == "github":
        _github_step_summary(result.findings, display, result.notes)
    code = EXIT_FINDINGS if exit_code(result.findings, fail_on) else EXIT_OK

    def report(fmt: str) -> str:  # the JSON report says ok and the exit code, as every command's
        text = render_report(result, fmt, display=display, project=str(path))
        return with_status(text, code) if fmt == "json" else text

    text = report(fmt)
    if output is not None:
        with writing("--output", output):
            output.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    if fmt == "json":
        json_written(str(output) if output is not None else "-")
    if json_path is not None:
        with writing("--json", json_path):
            Path(json_path).write_text(
                text if fmt == "json" else report("json"),
                encoding="utf-8",
            )
    sys.exit(code)


def with_status(report_json: str, code: int) -> str:
    """The JSON report with ``ok`` (no finding at or above --fail-on) and the command's
    ``exit_code`` after its ``version``, as every command's JSON has them (README "Exit codes")."""
    doc = json.loads(report_json)
    version = {"version": doc.pop("version")} if "version" in doc else {}
    return json.dumps({**version, "ok": code == EXIT_OK, "exit_code": code, **doc}, indent=2) + "\n"


def _project_dirs(path: Path | None, dashboard_dirs: tuple[Path, ...]) -> tuple[Path, tuple[Path, ...]]:
    """The project folder and dashboard folders to check. Without PATH: ./lookml_project with
    ./dashboards, else the block bundled with looker-ops (said on stderr)."""
    if path is None:
        path = Path("lookml_project")
        if not path.is_dir():
            from looker_ops.bundled import block_dirs

            path, bundled_dashboards = block_dirs()
            if not path.is_dir():
                raise BadInput(
                    "no PATH given and ./lookml_project does not exist: give the LookML project folder"
                )
            click.echo(
                f"no ./lookml_project here: checking the block bundled with looker-ops ({path})", err=True
            )
            if not dashboard_dirs and bundled_dashboards.is_dir():
                dashboard_dirs = (bundled_dashboards,)
        elif not dashboard_dirs and Path("dashboards").is_dir():
            dashboard_dirs = (Path("dashboards"),)
    elif not path.exists():
        raise BadInput(f"{path}: no such folder")
    elif not path.is_dir():
        raise BadInput(f"{path}: not a folder (give the LookML project folder)")
    for d in dashboard_dirs:
        if not d.is_dir():
            raise BadInput(f"--dashboards {d}: no such folder")
    return path, dashboard_dirs


def _github_step_summary(
    findings: Sequence[Finding], display: Callable[[str | None], str | None], notes: Sequence[str] = ()
) -> None:
    """Append the findings' summary table to $GITHUB_STEP_SUMMARY when it is set (a warning,
    not a failure, when it cannot be written)."""
    from looker_ops.check.render import github_summary

    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if summary_path:
        try:
            with open(summary_path, "a", encoding="utf-8") as fh:
                fh.write(github_summary(findings, display=display, notes=notes))
        except OSError as exc:
            click.echo(f"warning: cannot write GITHUB_STEP_SUMMARY: {exc.strerror}", err=True)


def _sets_dialect(config_path: Path) -> bool:
    """Whether looker-ops.yaml (already read and checked) writes ``check.dialect`` itself, even
    as ``athena``: the dialect is then the user's choice, not the default."""
    import yaml

    from looker_ops.config.reader import compose, read_file

    root = compose(read_file(config_path, "config file not found", "config file"), config_path)

    def child(node: Any, key: str) -> Any:
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == key:
                    return v
        return None

    return child(child(root, "check"), "dialect") is not None


def _dialect_settings(
    config_path: Path | None, dialect: str | None, dependencies: tuple[str, ...]
) -> dict[str, Any]:
    """``dialect``, ``connections`` and ``dependencies`` for run_check, from the options over the
    ``check:`` section of looker-ops.yaml (paths there are relative to the file)."""
    out: dict[str, Any] = {
        "dialect": dialect or "athena",
        "connections": {},
        "dependencies": {},
        "dialect_given": dialect is not None,
    }
    if config_path is not None:
        from looker_ops.config.settings import load_config

        cfg = load_config(config_path, uses=("check",), secrets=False)
        out["dialect"] = dialect or cfg.check.dialect
        out["dialect_given"] = dialect is not None or _sets_dialect(config_path)
        out["connections"] = dict(cfg.check.connections)
        out["dependencies"] = {n: cfg.resolve(p) for n, p in cfg.check.dependencies.items()}
    for item in dependencies:
        name, sep, path = item.partition("=")
        if not sep or not name.strip() or not path.strip():
            raise BadInput(f"--dependency {item!r}: expected NAME=PATH")
        out["dependencies"][name.strip()] = Path(path.strip())
    return out
