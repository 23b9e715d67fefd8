"""The text renderer: each dashboard's tiles as plain tables."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from looker_ops.preview.model import DashboardPreview, cell, jsonable, load_problems


def _text_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], max_width: int = 48) -> list[str]:
    cells = [[cell(v) for v in r] for r in rows]
    cells = [[c if len(c) <= max_width else c[: max_width - 1] + "…" for c in r] for r in cells]
    widths = [len(c) for c in columns]
    for r in cells:
        for i, c in enumerate(r):
            widths[i] = max(widths[i], len(c))
    numeric = [
        all(isinstance(jsonable(r[i]), (int, float)) or r[i] is None for r in rows) and bool(rows)
        for i in range(len(columns))
    ]

    def line(values: Sequence[str]) -> str:
        out = [v.rjust(w) if num else v.ljust(w) for v, w, num in zip(values, widths, numeric, strict=True)]
        return "  ".join(out).rstrip()

    sep = "  ".join("-" * w for w in widths)
    return [line(list(columns)), sep, *(line(r) for r in cells)]


def render_table(previews: Sequence[DashboardPreview]) -> str:
    out: list[str] = []
    problems = load_problems(previews)
    if problems:
        head = f"Skipped files: {len(problems)} problem(s) loading the logs (the rest was used)"
        out.extend([head, "-" * len(head)])
        out.extend(f"   {pr.file}: {pr.message}" for pr in problems)
        out.append("")
    for p in previews:
        head = f"{p.title or p.dashboard} ({p.dashboard})"
        out.append(head)
        out.append("=" * len(head))
        out.extend(f"note: {n}" for n in p.notes)
        if p.filters:
            out.append("filters: " + ", ".join(f"{k}={v!r}" for k, v in p.filters.items()))
        if p.now:
            out.append(f"now: {p.now}")
        out.append("")
        for t in p.tiles:
            out.append(f"## {t.title}")
            if t.is_text and t.error is None:
                out.append("   (text tile)")
                out.extend(f"   {ln}".rstrip() for ln in (t.body or "").splitlines())
                out.append("")
                continue
            if t.error is not None:
                out.append(f"   not run: {t.error}")
                out.append("")
                continue
            scan = []
            if t.files_scanned is not None:
                scan.append(f"{t.files_scanned} files scanned")
            if t.partition_filter:
                scan.append(f"partition filter: {t.partition_filter}")
            if t.seconds is not None:
                scan.append(f"{t.seconds * 1000:.0f} ms")
            if scan:
                out.append("   " + "; ".join(scan))
            if not t.rows:
                out.append("   (no rows)")
            else:
                out.extend("   " + ln for ln in _text_table(t.columns, t.rows))
                out.append(f"   ({len(t.rows)} row{'s' if len(t.rows) != 1 else ''})")
            out.append("")
    return "\n".join(out).rstrip() + "\n"
