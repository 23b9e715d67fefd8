"""``# looker-ops: ignore CODE[,CODE] reason`` comments: found in a file's text (LookML and YAML
alike) by :func:`scan_ignores`, each an :class:`IgnoreComment` naming the line it applies to."""

from __future__ import annotations

import re
from dataclasses import dataclass

IGNORE_RE = re.compile(r"#\s*looker-ops:\s*ignore\s+(.*)$")
_CODE_RE = re.compile(r"^[A-Z]{2,}[0-9]{2,}$|^ALL$")


@dataclass
class IgnoreComment:
    line: int  # the comment's line
    target: int  # the line it applies to (the next code line for a comment on its own line)
    codes: tuple[str, ...]
    reason: str


def scan_ignores(text: str) -> list[IgnoreComment]:
    """Find ``# looker-ops: ignore CODE[,CODE] reason`` comments (LookML and YAML alike)."""
    if "looker-ops:" not in text:
        return []
    out: list[IgnoreComment] = []
    lines = text.splitlines()
    for i, ln in enumerate(lines, 1):
        if "looker-ops:" not in ln:
            continue
        hash_at = ln.find("#")
        m = IGNORE_RE.search(ln[hash_at:]) if hash_at >= 0 else None
        if not m:
            continue
        words = m.group(1).replace(",", " , ").split()
        codes_l: list[str] = []
        k = 0
        while k < len(words) and (words[k] == "," or _CODE_RE.match(words[k])):
            if words[k] != ",":
                codes_l.append(words[k])
            k += 1
        if not codes_l:
            continue
        codes = tuple(codes_l)
        reason = " ".join(words[k:]).replace(" , ", ", ").strip()
        target = i
        if not ln[:hash_at].strip():
            for j in range(i, len(lines)):
                s = lines[j].strip()
                if s and not s.startswith("#"):
                    target = j + 1
                    break
        out.append(IgnoreComment(i, target, codes, reason))
    return out
