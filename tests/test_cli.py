"""The command line itself: commands load lazily (no looker-sdk for --help or check), the
registry matches the commands, and an unexpected exception is one line with exit code 70."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from looker_ops import __version__
from looker_ops.cli import EXIT_INTERNAL, main
from looker_ops.commands import REGISTRY, all_commands, load_command

REPO = Path(__file__).resolve().parents[1]


def _python(code: str, *, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` in a new Python, in the test's own empty folder (never the checkout, where a
    user's looker-ops.yaml may be)."""
    env = {k: v for k, v in os.environ.items() if k not in ("LOOKER_OPS_DEBUG", "LOOKER_OPS_CONFIG")}
    env.update(env_extra or {})
    return subprocess.run(
        [sys.executable, "-c", code], cwd=Path.cwd(), env=env, capture_output=True, text=True, timeout=120
    )


def test_importing_the_cli_and_help_do_not_import_looker_sdk() -> None:
    code = (
        "import sys, json\n"
        "import looker_ops.cli\n"
        "after_import = sorted(m for m in sys.modules if m.split('.')[0] == 'looker_sdk')\n"
        "try:\n"
        "    looker_ops.cli.main(['--help'])\n"
        "except SystemExit as e:\n"
        "    code = e.code\n"
        "after_help = sorted(m for m in sys.modules if m.split('.')[0] == 'looker_sdk')\n"
        "cmds = sorted(m for m in sys.modules if m.startswith('looker_ops.commands.'))\n"
        "print(json.dumps([after_import, after_help, code, cmds]))\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    after_import, after_help, code, cmds = json.loads(proc.stdout.splitlines()[-1])
    assert (after_import, after_help, code) == ([], [], 0)
    assert cmds == []  # no command module is imported to list the commands
    assert "sample-data" in proc.stdout and "Looker-side validation" in proc.stdout


def test_check_does_not_import_looker_sdk_but_deploy_does() -> None:
    code = (
        "import sys\n"
        "from looker_ops.cli import main\n"
        "main.get_command(None, 'check')\n"
        "print('looker_sdk' in sys.modules)\n"
        "main.get_command(None, 'deploy')\n"
        "print('looker_sdk' in sys.modules)\n"
    )
    proc = _python(code)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == ["False", "True"]


def test_registry_matches_the_commands() -> None:
    cmds = all_commands()
    assert [c.name for c in cmds] == sorted(REGISTRY)
    for cmd in cmds:
        entry = REGISTRY[cmd.name or ""]
        assert entry.short_help == cmd.get_short_help_str(1000), cmd.name
        for limit in (40, 45, 60, 80):
            listed = click.Command(cmd.name, help=entry.short_help).get_short_help_str(limit)
            assert listed == cmd.get_short_help_str(limit), (cmd.name, limit)
    assert load_command("no-such-command") is None
    ctx = click.Context(main)
    assert main.list_commands(ctx) == sorted(REGISTRY)
    assert main.get_command(ctx, "nope") is None


# A command that fails in a way looker-ops does not expect: `config keys` with describe() broken.
_BROKEN = (
    "import sys\n"
    "import looker_ops.commands.config as c\n"
    "def boom():\n"
    "    raise KeyError('BSL001')\n"
    "c.describe = boom\n"
    "from looker_ops.cli import main\n"
    "main(sys.argv[1:])\n"
)


@pytest.mark.parametrize("debug", ["", "flag", "env"])
def test_an_unexpected_exception_is_one_line_and_exit_70(debug: str) -> None:
    args = ["--debug"] if debug == "flag" else []
    env = {"LOOKER_OPS_DEBUG": "1"} if debug == "env" else None
    code = _BROKEN.replace("main(sys.argv[1:])", f"main({[*args, 'config', 'keys']!r})")
    proc = _python(code, env_extra=env)
    assert proc.returncode == EXIT_INTERNAL == 70
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    last = lines[-1]
    assert last.startswith(f"internal error (a bug in looker-ops {__version__}, Python ")
    assert "KeyError: 'BSL001'" in last and "report it to " in last and "--debug" in last
    if debug:
        assert lines[0] == "Traceback (most recent call last):"
        assert lines[-2] == "KeyError: 'BSL001'" and any("in boom" in line for line in lines)
    else:
        assert lines == [last]


def test_expected_errors_keep_their_exit_codes(tmp_path: Path) -> None:
    bad = tmp_path / "looker-ops.yaml"
    bad.write_text("looker:\n  nope: 1\n", encoding="utf-8")
    proc = _python(f"from looker_ops.cli import main\nmain(['config', 'check', '-c', {str(bad)!r}])\n")
    assert proc.returncode == 2
    assert proc.stderr.startswith("error: ") and "nope" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_shell_completion_as_the_readme_shows() -> None:
    """The README's `_LOOKER_OPS_COMPLETE` lines: a script for each shell, then real completions."""
    for shell in ("bash", "zsh", "fish"):
        proc = _python(
            "from looker_ops.cli import main\nmain(prog_name='looker-ops')\n",
            env_extra={"_LOOKER_OPS_COMPLETE": f"{shell}_source"},
        )
        assert proc.returncode == 0 and "_LOOKER_OPS_COMPLETE" in proc.stdout, shell
    env = {"_LOOKER_OPS_COMPLETE": "bash_complete", "COMP_WORDS": "looker-ops s", "COMP_CWORD": "1"}
    proc = _python("from looker_ops.cli import main\nmain(prog_name='looker-ops')\n", env_extra=env)
    assert proc.returncode == 0
    assert proc.stdout.split() == ["plain,sample-data", "plain,schedules"]
    env = {**env, "COMP_WORDS": "looker-ops check --fo", "COMP_CWORD": "2"}
    proc = _python("from looker_ops.cli import main\nmain(prog_name='looker-ops')\n", env_extra=env)
    assert proc.stdout.split() == ["plain,--format"]


def test_the_internal_error_line_says_where_to_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without an Issues project URL the line names the README's section, which exists and says
    what to send; with one (a published package), the line gives that address."""
    from importlib import metadata
    from importlib.metadata import PackageNotFoundError

    import looker_ops.cli as cli

    line = cli.internal_error_line(KeyError("x"))
    assert 'README, "Reporting problems"' in line
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Reporting problems\n", 1)[1].split("\n## ", 1)[0]
    assert "--debug" in section and "--version" in section and "secrets" in section

    def published(name: str) -> dict[str, list[str]]:
        raise PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "metadata", published)
    assert cli.report_address() == cli.ISSUES

    class Meta:
        def get_all(self, key: str) -> list[str]:
            assert key == "Project-URL"
            return [
                "Homepage, https://git.example.org/sec/looker-ops",
                "Issues, https://git.example.org/sec/looker-ops/issues",
            ]

    monkeypatch.setattr(metadata, "metadata", lambda name: Meta())
    assert cli.report_address() == "https://git.example.org/sec/looker-ops/issues"
    assert "report it to https://git.example.org/sec/looker-ops/issues with" in cli.internal_error_line(
        KeyError("x")
    )


def _walk(cmd: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], click.Command]]:
    out = [(path, cmd)]
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            out += _walk(sub, (*path, name))
    return out


def test_one_spelling_of_config_and_json_on_every_command() -> None:
    """README "Command options": `-c/--config` wherever looker-ops.yaml is read, and `--json
    [PATH]` (bare or '-': stdout) wherever JSON is written."""
    configs, jsons = [], []
    for cmd in all_commands():
        for path, sub in _walk(cmd, (cmd.name or "",)):
            for p in sub.params:
                if not isinstance(p, click.Option):
                    continue
                if "--config" in p.opts:
                    configs.append(path)
                    assert "-c" in p.opts, f"{' '.join(path)}: --config without -c"
                if "--json" in p.opts:
                    jsons.append(path)
                    assert not p.is_flag and p.flag_value == "-", (
                        f"{' '.join(path)}: --json is not --json [PATH]"
                    )
    # every command that reads looker-ops.yaml was seen (the groups carry it for their commands)
    assert {p[0] for p in configs} >= {"alerts", "athena", "check", "config", "deploy", "geoip", "schedules"}
    assert ("looker", "whoami") in jsons and ("deploy",) in jsons and ("schedules", "list") in jsons
    # every command whose result a CI job acts on (the rest print or write text: `athena ddl`,
    # `config keys`, `init`; `preview`, `geoip build` and `alerts evaluate` have --format json)
    for acted_on in (
        ("config", "check"),
        ("schedules", "validate"),
        ("schedules", "run"),
        ("schedules", "integrations"),
        ("alerts", "validate"),
        ("alerts", "test"),
        ("looker", "ping"),
        ("athena", "setup"),
        ("geoip", "upload"),
        ("sample-data",),
    ):
        assert acted_on in jsons, f"{' '.join(acted_on)}: no --json [PATH]"


def test_json_dash_puts_the_step_report_alone_on_stdout(tmp_path: Path) -> None:
    """A step command's report with `--json -` (or a bare `--json`): the JSON on stdout, the
    summary on stderr; with -c, the config named is the one read."""
    bad = tmp_path / "looker-ops.yaml"
    bad.write_text("looker:\n  nope: 1\n", encoding="utf-8")
    for args in (["--json", "-"], ["--json"]):
        res = CliRunner().invoke(main, ["project", "apply", "-c", str(bad), *args])
        assert res.exit_code == 2, res.output
        report = json.loads(res.stdout)
        assert report["status"] == "failed" and "nope" in report["error"]["message"]
        assert report["problems"][0]["key"] == "looker.nope" and report["ok"] is False
        assert "nope" in res.stderr
    target = tmp_path / "report.json"
    res = CliRunner().invoke(main, ["project", "apply", "--json", str(target), "-c", str(bad)])
    assert res.exit_code == 2 and json.loads(target.read_text())["status"] == "failed"


def test_minus_c_names_the_config_of_the_schedules_alerts_and_athena_commands(tmp_path: Path) -> None:
    (tmp_path / "dash").symlink_to(REPO / "dashboards")
    (tmp_path / "s.yaml").write_text((REPO / "deploy" / "schedules.yaml").read_text())
    cfg = tmp_path / "looker-ops.yaml"
    cfg.write_text(
        "dashboards:\n  dir: dash\nschedules: s.yaml\nproject:\n  lookml_dir: "
        + str(REPO / "lookml_project")
        + "\nathena:\n  bucket: acme-trail\n  account_ids: ['111122223333']\n"
    )
    res = CliRunner().invoke(main, ["schedules", "-c", str(cfg), "validate", "--no-secrets"])
    assert res.exit_code == 0 and "s.yaml: 3 schedule(s) valid" in res.stdout, res.output
    res = CliRunner().invoke(main, ["alerts", "-c", str(cfg), "validate", "--no-secrets"])
    assert res.exit_code == 0 and "s.yaml: 6 alert(s) valid" in res.stdout, res.output
    res = CliRunner().invoke(main, ["athena", "ddl", "-c", str(cfg)])
    assert res.exit_code == 0 and "s3://acme-trail/" in res.stdout, res.output
    # after the subcommand too, where users write it; the later of two wins
    for group, count in (("schedules", "3 schedule(s)"), ("alerts", "6 alert(s)")):
        res = CliRunner().invoke(main, [group, "validate", "--no-secrets", "-c", str(cfg)])
        assert res.exit_code == 0 and f"s.yaml: {count} valid" in res.stdout, res.output
        res = CliRunner().invoke(
            main, [group, "-c", "/nowhere.yaml", "validate", "--no-secrets", "--config", str(cfg)]
        )
        assert res.exit_code == 0 and f"s.yaml: {count} valid" in res.stdout, res.output
        res = CliRunner().invoke(main, [group, "validate", "-c", str(tmp_path / "nowhere.yaml")])
        assert res.exit_code == 2 and "nowhere.yaml: config file not found" in res.stderr, res.output
