"""Suppressing findings: inline ``# looker-ops: ignore`` exemptions and a baseline file (read,
written, matched by code, file, place and message; an entry matching nothing is ``BSL001``)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from looker_ops.errors import BadInput
from looker_ops.findings import Finding
from looker_ops.lookml.model import Exemption
from looker_ops.textfile import read_utf8

BASELINE_VERSION = 1


@dataclass
class Suppressed:
    finding: Finding
    by: str  # "inline" or "baseline"
    reason: str


def _fingerprint(f: Finding) -> tuple[str, str, str, str]:
    return (f.code, f.file or "", f.where or "", f.message)


def read_baseline(path: Path) -> list[dict[str, Any]]:
    """The entries of a baseline file (BadInput naming the file when it is not one)."""
    try:
        data = json.loads(read_utf8(path))
    except OSError as exc:
        raise BadInput(f"--baseline {path}: cannot read: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise BadInput(f"--baseline {path}: not JSON (line {exc.lineno}: {exc.msg})") from None
    if not isinstance(data, dict) or not isinstance(data.get("findings"), list):
        raise BadInput(f'--baseline {path}: expected {{"version": 1, "findings": [...]}}')
    out = []
    for i, e in enumerate(data["findings"]):
        if not isinstance(e, dict) or "code" not in e or "message" not in e:
            raise BadInput(f"--baseline {path}: entry {i} needs at least code and message")
        out.append(e)
    return out


def write_baseline(findings: Sequence[Finding], path: Path) -> int:
    """Write ``findings`` (a check's active findings, without BSL001) as a baseline; how many."""
    entries = [
        {"code": f.code, "file": f.file, "where": f.where, "message": f.message, "line": f.line}
        for f in sorted(findings, key=Finding.sort_key)
        if f.code != "BSL001"
    ]
    data = {"version": BASELINE_VERSION, "tool": "looker-ops check", "findings": entries}
    try:
        path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    except OSError as exc:
        raise BadInput(f"--write-baseline {path}: cannot write: {exc.strerror or exc}") from None
    return len(entries)


def apply_exemptions(
    unique: list[Finding],
    exemptions: Sequence[Exemption],
    baseline: Path | None,
    entries: list[dict[str, Any]] | None,
) -> tuple[list[Finding], list[Suppressed]]:
    """The findings left after inline exemptions and the baseline, and those they suppressed
    (a baseline entry that matches nothing is a ``BSL001`` finding)."""
    active: list[Finding] = []
    suppressed: list[Suppressed] = []
    for f in unique:
        ex = next((e for e in exemptions if e.covers(f)), None)
        if ex is not None:
            suppressed.append(Suppressed(f, "inline", ex.reason))
        else:
            active.append(f)
    if baseline is not None and entries is not None:
        remaining: dict[tuple[str, str, str, str], int] = {}
        for e in entries:
            k = (str(e["code"]), str(e.get("file") or ""), str(e.get("where") or ""), str(e["message"]))
            remaining[k] = remaining.get(k, 0) + 1
        kept: list[Finding] = []
        for f in active:
            k = _fingerprint(f)
            if remaining.get(k, 0) > 0:
                remaining[k] -= 1
                suppressed.append(Suppressed(f, "baseline", str(baseline)))
            else:
                kept.append(f)
        active = kept
        from looker_ops.check.rules import all_rules

        stale_rule = all_rules()["BSL001"]  # registered on import (a cached result imports no rule)
        for (code, file, where, message), n in remaining.items():
            for _ in range(n):
                active.append(
                    Finding(
                        stale_rule.code,
                        stale_rule.severity,
                        f"stale baseline entry (nothing matches it any more): {code} {file} {where}: {message}",
                        str(baseline),
                        None,
                        "baseline",
                    )
                )
    return active, suppressed
