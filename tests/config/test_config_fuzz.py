"""A bounded fuzz of the config reader (issue 17, "Proof"): random mutants of a good
looker-ops.yaml and schedules.yaml, with a fixed seed. Each is either read or refused with the
project's own error kinds (exit code 2 for bad input); never another exception, never a run
past a time bound."""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from looker_ops.config.schedules import load_schedules
from looker_ops.config.settings import load_config
from looker_ops.errors import EXIT_BAD_INPUT, LookerOpsError
from tests.config.test_config_check import ENV, GOOD

DASHBOARDS = Path(__file__).resolve().parents[1] / "schedules" / "dashboards"
SCHEDULES = """\
defaults:
  timezone: Europe/Paris
  pdf: {paper_size: a4, landscape: true}
schedules:
  - name: Weekly logins
    dashboard: test_console_logins
    cron: "0 7 * * 1"
    filters:
      Date: 7 days
      Account ID: ["111111111111", "${ACCOUNT:-222222222222}"]
    recipients: [soc@example.com]
    destinations:
      - integration: 1::slack_app
        parameters: {channel: C0123}
        secret_parameters: {token: "${SLACK_TOKEN}"}
"""
CASES = 300
SEED = 20261205
PER_CASE_SECONDS = 2.0  # a mutant takes milliseconds; this bound catches a hang, not slowness

# What the mutants are made of: YAML syntax, interpolation, types, bytes that are not UTF-8.
PIECES = [
    ":",
    ": ",
    "-",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ",",
    "'",
    '"',
    "#",
    "&a ",
    "*a",
    "!!str ",
    "!!binary ",
    "? ",
    "<<: *a",
    "${",
    "${X}",
    "${X:-d}",
    "}",
    "$",
    "\t",
    "\n",
    "\n  ",
    "  ",
    "~",
    "null",
    "yes",
    "0x1F",
    "1e999",
    "99999999999999999999999999999999999999",
    "-1",
    "0",
    "é",
    "\u2028",
    "\ufeff",
    "\x00",
    "\x85",
    "%YAML 1.1\n",
    "---\n",
    "...\n",
    "|\n  ",
    ">\n  ",
    "2025/13/45",
    "o-",
    "s3://",
]
RAW = [b"\xff", b"\xc3", b"\xe9", b"\xed\xa0\x80", b"\xf4\x90\x80\x80"]


def mutant(rng: random.Random, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(6)
        i = rng.randrange(len(lines)) if lines else 0
        if op == 0 and lines:
            del lines[i]
        elif op == 1 and lines:
            lines.insert(rng.randrange(len(lines) + 1), lines[i])  # a duplicated key or item
        elif op == 2 and lines:
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + rng.choice(PIECES) + lines[i][j:]
        elif op == 3 and lines:
            lines[i] = " " * rng.randrange(5) + lines[i].lstrip(" ")  # indentation
        elif op == 4 and lines:
            j = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:j] + lines[i][j + rng.randint(1, 8) :]
        else:
            lines.insert(rng.randrange(len(lines) + 1), rng.choice(PIECES) * rng.randint(1, 60) + "\n")
    data = "".join(lines).encode("utf-8", "surrogatepass")
    if rng.random() < 0.1:
        j = rng.randrange(len(data) + 1)
        data = data[:j] + rng.choice(RAW) + data[j:]
    return data


def read_config(path: Path) -> None:
    load_config(path, env=ENV, complete=True)


def read_schedules(path: Path) -> None:
    load_schedules(path, DASHBOARDS, env={"SLACK_TOKEN": "xoxb-1"})
    load_schedules(path, DASHBOARDS, env={}, require_secrets=False)


@pytest.mark.parametrize(
    ("name", "text", "read"),
    [("looker-ops.yaml", GOOD, read_config), ("schedules.yaml", SCHEDULES, read_schedules)],
)
def test_mutants_are_read_or_refused_as_bad_input(tmp_path: Path, name: str, text: str, read: object) -> None:
    rng = random.Random(f"{SEED}:{name}")
    (tmp_path / "lookml_project").mkdir()
    (tmp_path / "dashboards").mkdir()
    path = tmp_path / name
    outcomes = {"read": 0, "refused": 0}
    for case in range(CASES):
        data = mutant(rng, text)
        path.write_bytes(data)
        start = time.monotonic()
        try:
            read(path)  # type: ignore[operator]
            outcomes["read"] += 1
        except LookerOpsError as exc:
            assert exc.exit_code == EXIT_BAD_INPUT, (case, data, exc)
            assert exc.message.startswith(str(path)), (case, data, exc.message)
            outcomes["refused"] += 1
        except Exception as exc:
            pytest.fail(f"case {case}: {type(exc).__name__}: {exc} for {data!r}")
        took = time.monotonic() - start
        assert took < PER_CASE_SECONDS, f"case {case} took {took:.1f} s: {data!r}"
    # Both kinds of outcome occur: the mutants exercise the refusals and the good path.
    assert outcomes["read"] > 0 and outcomes["refused"] > CASES // 3, outcomes


def _laughs() -> str:
    out = ["constants:", "  A: &b0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 10):
        refs = ", ".join([f"*b{i - 1}"] * 10)
        out.append(f"  B{i}: &b{i} [{refs}]")
    return "\n".join(out) + "\n"


LAUGHS = _laughs()


@pytest.mark.parametrize(
    "text",
    [
        # A "billion laughs": aliases nested ten deep. The reader never expands them.
        LAUGHS,
        # An alias that contains itself.
        "project:\n  models: &m [*m]\n",
        # Nesting deeper than the YAML parser recurses.
        "project:\n  models: " + "[" * 5000 + "]" * 5000 + "\n",
    ],
    ids=["laughs", "recursive", "deep"],
)
def test_hostile_yaml_is_refused_quickly(tmp_path: Path, text: str) -> None:
    path = tmp_path / "looker-ops.yaml"
    path.write_text(text)
    start = time.monotonic()
    with pytest.raises(LookerOpsError) as err:
        load_config(path, env=ENV)
    assert time.monotonic() - start < PER_CASE_SECONDS
    assert err.value.exit_code == EXIT_BAD_INPUT and str(path) in err.value.message
