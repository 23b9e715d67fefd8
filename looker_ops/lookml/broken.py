"""What a LookML file that does not parse (or whose sql swallowed LookML) was meant to hold.

When lkml cannot parse a file, the loader drops it; every reference to a view or explore it
defines would then be reported as missing. This module reads the file's text cheaply instead:

- :func:`salvage_names` -- the views and explores it defines at the top level
  (``view: name {``, ``explore: +name {``), so references to them can be left unchecked while
  references to names defined nowhere stay errors;
- :func:`lone_semicolon` -- the ``sql...:`` line ending in a single ``;`` (LookML ends sql with
  ``;;``) that ran on into the next parameter, the usual cause of the parser stopping later on;
- :func:`duplicate_key_line` -- the line of a key given twice in one block;
- :func:`swallowed_block` -- in a file that did parse, a sql value that ran on past a single
  ``;`` over a ``}`` and a whole LookML block (``dimension_group: event {``): the field is lost.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from looker_ops.lookml.merge import LoaderProblems
from looker_ops.lookml.parsecache import ParsedFile

SYNTAX = "LKM001"

_NAME_RE = re.compile(r"^[ \t]*(view|explore)[ \t]*:[ \t]*\+?[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*\{", re.M)
# A line holding a sql parameter whose value ends in a single ';' (not ';;').
_SQL_SEMI_RE = re.compile(r"^[ \t]*(sql\w*|html|expression)[ \t]*:.*(?<!;);[ \t]*(#.*)?$")
# What follows the ';' when the sql ran on into LookML: a closing brace or a `key:` parameter.
_LOOKML_NEXT_RE = re.compile(r"^[ \t]*(\}|[A-Za-z_]\w*[ \t]*:(?!:))")
_KEY_RE = re.compile(r"^[ \t]*([A-Za-z_]\w*)[ \t]*:(?!:)")
# In a parsed sql value with no ';;' of its own: the field's '}' and the next LookML block header
# on a line of their own (SQL never holds these: `}` ends a line, then `dimension: x {`).
_CLOSE_LINE_RE = re.compile(r"\n[ \t]*\}[ \t]*\n")
_RUNS_ON_RE = re.compile(
    r"\n[ \t]*\}[ \t]*\n\s*(?:#[^\n]*\n\s*)*([A-Za-z_]\w*)[ \t]*:[ \t]*\+?([A-Za-z_]\w*)[ \t]*\{"
)
# In a parsed sql value: a lone ';', then a '}' and a LookML block header (`dimension: x {`).
_SWALLOWED_RE = re.compile(
    r"(?<!;);(?!;)\s*\}\s*(?:#[^\n]*\n\s*)*([A-Za-z_]\w*)\s*:\s*\+?([A-Za-z_]\w*)\s*\{", re.M
)


def file_text(path: Path) -> str:
    """The text of a file as the parser read it (empty when it cannot be read any more)."""
    try:
        data = path.read_bytes()
    except OSError:
        return ""
    return data.decode("utf-8-sig", errors="replace").replace("\r\n", "\n")


def salvage_names(text: str) -> set[str]:
    """The view and explore names (refinements without their ``+``) the text defines as
    blocks, found by a regex over the lines, whatever else in the file is broken."""
    return {name for _kind, name in _NAME_RE.findall(_strip_sql(text))}


def defined_names(doc: dict[str, Any]) -> set[str]:
    """The view and explore names (without a refinement's ``+``) of a parsed file."""
    names = {
        str(b.get("_name") or "").lstrip("+") for key in ("views", "explores") for b in _dicts(doc.get(key))
    }
    return names - {""}


def diagnose(text: str, error: tuple[int, str]) -> tuple[int, str]:
    """(line, message) of a parse error, moved to the line that caused it: the second of a key
    given twice in a block, or a ``sql...:`` line ended by a single ``;`` before the line the
    parser stopped on (the message then says so, with the ``;;`` hint)."""
    line, msg = error
    dup = re.match(r'LookML error: Key "([^"]+)" already exists', msg)
    if dup:
        return duplicate_key_line(text, dup.group(1)) or line, msg
    if msg.startswith("LookML syntax error") or msg.startswith("unterminated"):
        semi = lone_semicolon(text, line)
        if semi is not None and semi[0] < line:
            msg = f"{msg} (where parsing stopped, line {line}): the sql on line {semi[0]} ends with a single ';'."
            return semi[0], msg + semicolon_hint(semi[1])
    if "matching expression for '<stream end>'" in msg:
        unclosed = unclosed_block(text)
        if unclosed is not None:
            at, header, before = unclosed
            where = f" (going by the indentation, before line {before})" if before else ""
            return at, (
                f"LookML syntax error: the file ends inside a block: `{header}` on line {at} is never "
                f"closed: a '}}' is missing{where}"
            )
    if "matching expression for '<literal>'" in msg:
        lines = text.split("\n")
        shown = " ".join(lines[line - 1].split()) if 0 < line <= len(lines) else ""
        if shown:
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            return line, (
                f"LookML syntax error on line {line}: `{shown}` is not `key: value`, `key: name {{` or "
                "`}` (a ':' missing?)"
            )
    return line, msg


def unclosed_block(text: str) -> tuple[int, str, int | None] | None:
    """For a file that ends inside a block: (line, header) of the block whose '}' is missing (the
    first whose '}' is indented less than its header, else the last block left open) and the line
    where, going by the indentation, it was meant to be closed (or None). Braces are counted
    outside sql values, quoted strings and comments."""
    stack: list[tuple[int, int, str]] = []  # line, indentation, header of each open block
    first_mismatch: tuple[int, str] | None = None
    in_sql = False
    for i, raw in enumerate(text.split("\n"), 1):
        line = raw
        if in_sql:
            if ";;" not in line:
                continue
            in_sql = False
            line = line.split(";;", 1)[1]
        line = re.sub(r'"(?:[^"\\]|\\.)*"', '""', line).split("#", 1)[0]
        m = _KEY_RE.match(line)
        if m and (m.group(1).startswith("sql") or m.group(1) in ("html", "expression")):
            rest = line[m.end() :]
            if ";;" not in rest:
                in_sql = True
            continue
        indent = len(raw) - len(raw.lstrip(" \t"))
        for k, ch in enumerate(line):
            if ch == "{":
                stack.append((i, indent, " ".join(line[: k + 1].split())))
            elif ch == "}" and stack:
                opened = stack.pop()
                if first_mismatch is None and indent < opened[1] and k == indent:
                    first_mismatch = (opened[0], opened[2])
    if not stack:
        return None
    at, header = (first_mismatch[0], first_mismatch[1]) if first_mismatch is not None else stack[-1][::2]
    return at, header, _dedent_after(text, at)


def _dedent_after(text: str, at: int) -> int | None:
    """The first line after line ``at`` that is indented no deeper than it (where its block was
    meant to be closed), or None."""
    lines = text.split("\n")
    if not 0 < at <= len(lines):
        return None
    opener = lines[at - 1]
    depth = len(opener) - len(opener.lstrip(" \t"))
    for i in range(at, len(lines)):
        stripped = lines[i].strip()
        if stripped and not stripped.startswith("#") and len(lines[i]) - len(lines[i].lstrip(" \t")) <= depth:
            return i + 1
    return None


def swallowed_error(doc: dict[str, Any]) -> tuple[int, str] | None:
    """(line, message) of the first sql in a parsed file that ran on past a single ``;`` (or
    past its end, with no ``;;``) over a whole LookML block (:func:`swallowed_block`), or None."""
    found = swallowed_block(doc)
    if found is None:
        return None
    line, what, block, lone = found
    if not lone:
        return line, (
            f"LookML syntax error: the sql of {what} has no ';;' at its end (line {line}) and runs on "
            f"over `{block} {{`, which is lost (and the blocks after it are misplaced): end it with ';;'."
        )
    msg = (
        f"LookML syntax error: the sql of {what} ends with a single ';' and runs on over `{block} {{`, "
        "which is lost (and the blocks after it are misplaced)."
    )
    return line, msg + semicolon_hint("}")


def _strip_sql(text: str) -> str:
    """The text with what follows each ``sql...:`` on its line blanked, so SQL that happens to
    read like ``view: x {`` is not taken for LookML (line by line: in a broken file a sql may
    never end, and a name too many only leaves a reference unchecked)."""
    return re.sub(r"(\bsql\w*[ \t]*:)[^\n]*", r"\1", text)


def lone_semicolon(text: str, before: int | None = None) -> tuple[int, str] | None:
    """(line, next LookML) of the last ``sql...:`` line up to line ``before`` (all lines when
    None) that ends in a single ``;`` followed by a ``}`` or a ``key:`` parameter: the sql was
    meant to end there and ran on to the next ``;;``. None when there is no such line."""
    lines = text.split("\n")
    last = len(lines) if before is None else min(before, len(lines))
    found: tuple[int, str] | None = None
    for i in range(last):
        if ";" not in lines[i] or not _SQL_SEMI_RE.match(_no_strings(lines[i])):
            continue
        nxt = next((ln for ln in lines[i + 1 :] if ln.strip() and not ln.strip().startswith("#")), "")
        if _LOOKML_NEXT_RE.match(nxt):
            after = " ".join(nxt.split())
            found = (i + 1, after if len(after) <= 50 else after[:47] + "...")
    return found


def _no_strings(line: str) -> str:
    return re.sub(r"'(?:[^']|'')*'", "''", line)


def semicolon_hint(after: str) -> str:
    """The hint appended to a message about a sql ended by a single ``;``."""
    return (
        " LookML ends sql with ';;' \u2014 a single ';' does not end it, so this sql runs on into "
        f"`{after}`: write ';;'."
    )


def duplicate_key_line(text: str, key: str) -> int | None:
    """The line where ``key:`` is given a second time within one block (by brace depth, sql
    values skipped), or None."""
    stack: list[set[str]] = [set()]
    in_sql = False
    for i, raw in enumerate(text.split("\n"), 1):
        line = raw.split("#", 1)[0] if not in_sql else raw
        if in_sql:
            if ";;" in line:
                in_sql = False
                line = line.split(";;", 1)[1]
            else:
                continue
        m = _KEY_RE.match(line)
        if m:
            if m.group(1) == key and key in stack[-1]:
                return i
            stack[-1].add(m.group(1))
            rest = line[m.end() :]
            if m.group(1).startswith("sql") or m.group(1) in ("html", "expression"):
                if ";;" not in rest:
                    in_sql = True
                continue
            line = rest
        for ch in line:
            if ch == "{":
                stack.append(set())
            elif ch == "}" and len(stack) > 1:
                stack.pop()
    return None


def swallowed_block(doc: dict[str, Any]) -> tuple[int, str, str, bool] | None:
    """In a parsed file: the first field whose ``sql`` ran on over a ``}`` and a whole LookML
    block, past a single ``;`` or with no ``;;`` at its end: (line where the sql was meant to
    end, field description, swallowed block, whether a single ``;`` ended it). None when no
    sql value does so."""
    for view in _dicts(doc.get("views")):
        for key in ("dimensions", "dimension_groups", "measures", "filters", "parameters"):
            for f in _dicts(view.get(key)):
                for pkey, value in f.items():
                    if not pkey.startswith("sql") or not isinstance(value, str) or "}" not in value:
                        continue
                    if ";" not in value and _CLOSE_LINE_RE.search(value) is None:
                        continue  # (most sql: no ';' and no line that is a '}')
                    plain = _no_strings(value)
                    m = _SWALLOWED_RE.search(plain) if ";" in value else None
                    lone = m is not None
                    end = m.start() if m is not None else 0
                    if m is None:
                        m = _RUNS_ON_RE.search(plain)
                        if m is None:
                            continue
                        # a single ';' before the '}' (parameters between): the sql ended there
                        semi = [k.start() for k in re.finditer(r"(?<!;);(?!;)", plain[: m.start()])]
                        lone = bool(semi)
                        end = semi[0] if semi else len(plain[: m.start()].rstrip())
                    start = int((f.get("_lines") or {}).get(pkey, f.get("_line", 0)))
                    line = start + value.count("\n", 0, end)
                    kind = str(f.get("_type") or key[:-1])
                    return line, f"{kind} {f.get('_name')}", f"{m.group(1)}: {m.group(2)}", lone
    return None


def _dicts(v: Any) -> Iterable[dict[str, Any]]:
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


class BrokenFiles(LoaderProblems):
    """The loader's part that reports files that do not parse and records what their text
    defines (``unparsed``: file -> view and explore names)."""

    # The loader's state that this part reads and fills (set by the loader's __init__).
    root: Path
    paths: dict[str, Path]
    parsed: dict[str, ParsedFile]
    unparsed: dict[str, set[str]]

    def not_parsed(self, rel: str, error: tuple[int, str]) -> None:
        """Report a file lkml could not parse (LKM001) at the line that caused it, and record
        the views and explores its text defines (references to them are left unchecked)."""
        text = file_text(self.paths.get(rel, self.root / rel))
        line, msg = diagnose(text, error)
        self.problem(SYNTAX, msg, rel, line)
        self.unparsed[rel] = salvage_names(text)

    def swallowed(self, rel: str, pf: ParsedFile) -> None:
        """A parsed file where a sql ran on past a single ``;`` over a whole LookML block is
        reported (LKM001 at the ``;``) and dropped like a file that does not parse."""
        assert pf.doc is not None
        found = swallowed_error(pf.doc)
        if found is None:
            return
        line, msg = found
        self.problem(SYNTAX, msg, rel, line)
        text = file_text(self.paths.get(rel, self.root / rel))
        self.unparsed[rel] = salvage_names(text) | defined_names(pf.doc)
        self.parsed[rel] = ParsedFile(None, (line, msg), pf.ignores, pf.encoding)
