"""Renderers of check findings: text, json, github, junit, sarif.

Every renderer takes the findings (already filtered by exemptions) plus a little context and
returns text. ``make_display_path`` turns a finding's file (relative to the project root) into the
path shown to the user (relative to the current directory inside it, so GitHub annotations land
on the right file of the pull request; else under the project root as given, or absolute).

JSON schema (``--format json``, version 1)::

    {"version": 1, "tool": "looker-ops check", "project": "<path>", "sql": true|false,
     "summary": {"error": n, "warning": n, "info": n, "suppressed": n, "files": n},
     "findings": [{"code", "severity", "message", "file", "line", "where", "path"}],
     "suppressed": [{"code", "severity", "message", "file", "line", "where", "path", "by", "reason"}]}

``file`` is relative to the project root, ``path`` is as every format shows it (see
:func:`make_display_path`); ``line`` and
``file`` may be null; ``where`` names the LookML object (``view:x/dimension:y``).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_ops import __version__
from looker_ops.findings import PARSE_ERRORS, Finding, Severity

if TYPE_CHECKING:
    from looker_ops.check.run import CheckResult

FORMATS = ("text", "json", "github", "junit", "sarif")


def make_display_path(root: Path) -> Callable[[str | None], str | None]:
    """How a finding's file (relative to the project ``root``, as given on the command line)
    is shown, the same in every format (text, json ``path``, github, junit, sarif):

    - inside the current folder: relative to it (``lookml_project/views/x.view.lkml``), which
      is what GitHub annotations need when the check runs from the repository's root, as a
      workflow does;
    - outside it: under the root as it was given (``../shop/views/x.view.lkml``,
      ``/tmp/real/views/x.view.lkml``), or the absolute path when that is shorter, never a
      path climbing from the current folder to the filesystem's root;
    - a dependency's file keeps its LookML name (``//name/path``); a file outside the project
      (a ``--data`` log file) is shown as it is, relative to the current folder when inside it.
    """
    cwd = Path.cwd().resolve()
    given = Path(os.path.normpath(root))
    absolute_root = root.resolve()

    def display(file: str | None) -> str | None:
        if file is None:
            return None
        if file.startswith("//"):  # a file of a dependency, named as LookML includes it
            return file
        p = Path(file)
        if p.is_absolute():  # a file outside the project (a --data log file): where it is
            return p.relative_to(cwd).as_posix() if p.is_relative_to(cwd) else p.as_posix()
        full = Path(os.path.normpath(absolute_root / p))
        if full.is_relative_to(cwd):
            return full.relative_to(cwd).as_posix()
        as_given = Path(os.path.normpath(given / p)).as_posix()
        return min(as_given, full.as_posix(), key=len)

    return display


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    out = {s.value: 0 for s in Severity}
    for f in findings:
        out[f.severity.value] += 1
    return out


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def render_text(
    findings: Sequence[Finding],
    *,
    display: Callable[[str | None], str | None],
    suppressed: int = 0,
    files_checked: int = 0,
    notes: Sequence[str] = (),
) -> str:
    lines: list[str] = []
    by_file: dict[str, list[Finding]] = {}
    for f in findings:
        by_file.setdefault(display(f.file) or "(project)", []).append(f)
    # files that do not parse first (what else is reported may follow from them), then by name
    for file in sorted(by_file, key=lambda k: (all(f.code not in PARSE_ERRORS for f in by_file[k]), k)):
        lines.append(file)
        for f in sorted(by_file[file], key=Finding.report_key):
            loc = f"{f.line}" if f.line else "-"
            lines.append(f"  {loc:>5}  {f.severity.value:<7} {f.code}  {f.message}")
        lines.append("")
    c = _counts(findings)
    summary = (
        f"{_plural(c['error'], 'error')}, {_plural(c['warning'], 'warning')}, {_plural(c['info'], 'info')}"
    )
    if suppressed:
        summary += f" ({suppressed} suppressed)"
    summary += f" in {_plural(files_checked, 'file')} checked"
    lines.append(summary)
    lines.extend(f"note: {n}" for n in notes)  # each on its own line, after the counts
    return "\n".join(lines) + "\n"


def render_json(
    findings: Sequence[Finding],
    *,
    display: Callable[[str | None], str | None],
    project: str,
    sql: bool,
    suppressed: Sequence[tuple[Finding, str, str]] = (),
    files_checked: int = 0,
    notes: Sequence[str] = (),
) -> str:
    """The JSON report (schema version 1); ``notes``: what the summary line says besides counts
    (e.g. why --sql was skipped)."""

    def d(f: Finding) -> dict[str, Any]:
        out = f.to_dict()
        out["path"] = display(f.file)
        return out

    c = _counts(findings)
    doc = {
        "version": 1,
        "tool": "looker-ops check",
        "tool_version": __version__,
        "project": project,
        "sql": sql,
        "summary": {**c, "suppressed": len(suppressed), "files": files_checked},
        "notes": list(notes),
        "findings": [d(f) for f in findings],
        "suppressed": [{**d(f), "by": by, "reason": reason} for f, by, reason in suppressed],
    }
    return json.dumps(doc, indent=2) + "\n"


def _gh_escape_data(s: str) -> str:
    return s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_escape_prop(s: str) -> str:
    return _gh_escape_data(s).replace(":", "%3A").replace(",", "%2C")


def render_github(
    findings: Sequence[Finding], *, display: Callable[[str | None], str | None], notes: Sequence[str] = ()
) -> str:
    """GitHub workflow commands: one ``::error file=..,line=..,title=..::message`` per finding,
    then one ``::notice title=looker-ops check::note`` per note (no file: shown on the run)."""
    out = []
    level = {"error": "error", "warning": "warning", "info": "notice"}
    for f in findings:
        props = []
        path = display(f.file)
        if path:
            props.append(f"file={_gh_escape_prop(path)}")
        if f.line:
            props.append(f"line={f.line}")
        props.append(f"title={_gh_escape_prop(f.code)}")
        out.append(
            f"::{level[f.severity.value]} {','.join(props)}::{_gh_escape_data(f.code + ': ' + f.message)}"
        )
    out.extend(f"::notice title={_gh_escape_prop('looker-ops check')}::{_gh_escape_data(n)}" for n in notes)
    return "\n".join(out) + ("\n" if out else "")


def md_cell(text: str) -> str:
    """``text`` as one cell of a GitHub-flavoured markdown table: every line break (``\\n``,
    ``\\r\\n``, ``\\r``) becomes a space and every ``|`` is escaped, so the text cannot end the
    cell or the row early."""
    t = " ".join(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))
    return t.replace("|", "\\|")


def github_summary(
    findings: Sequence[Finding], *, display: Callable[[str | None], str | None], notes: Sequence[str] = ()
) -> str:
    """Markdown for $GITHUB_STEP_SUMMARY: the counts, the notes, a table of the findings."""
    c = _counts(findings)
    lines = [
        "### looker-ops check",
        "",
        f"{_plural(c['error'], 'error')}, {_plural(c['warning'], 'warning')}, {_plural(c['info'], 'info')}",
        "",
    ]
    if notes:
        lines += [*(f"- note: {md_cell(n)}" for n in notes), ""]
    if findings:
        lines += ["| severity | code | file | line | message |", "|---|---|---|---|---|"]
        for f in findings:
            cells = [f.severity.value, f.code, display(f.file) or "", str(f.line or ""), f.message]
            lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"


def junit_names(findings: Sequence[Finding], display: Callable[[str | None], str | None]) -> list[str]:
    """A testcase name for each finding, unique in the report and stable from run to run: the
    code, the LookML object (else the file) and the message. Lines are left out, so a name
    does not change when an edit above moves the finding; only findings that would share a
    name get their line, then their rank among those still alike (``#2``), appended. CI
    systems (Jenkins, GitLab, GitHub's JUnit reporters) key a test by class and name and
    merge or drop duplicates."""
    base = [f"{f.code} {f.where or display(f.file) or 'project'}: {f.message}" for f in findings]
    count: dict[str, int] = {}
    for b in base:
        count[b] = count.get(b, 0) + 1
    names = [
        b if count[b] == 1 else f"{b} (line {f.line or '-'})" for b, f in zip(base, findings, strict=True)
    ]
    seen: dict[str, int] = {}
    out: list[str] = []
    for n in names:
        seen[n] = seen.get(n, 0) + 1
        out.append(n if seen[n] == 1 else f"{n} #{seen[n]}")
    return out


def render_junit(
    findings: Sequence[Finding],
    *,
    display: Callable[[str | None], str | None],
    seconds: float = 0.0,
    notes: Sequence[str] = (),
) -> str:
    """One ``testsuite`` with a ``testcase`` per finding (``classname`` the file, ``name`` from
    :func:`junit_names`, ``file`` and ``line`` for reporters that annotate the source); an
    error is a ``failure`` (``message``, ``type`` the code), a warning or info is a passing
    case with the finding in ``system-out``. ``tests`` and ``failures`` count them. The notes
    are the suite's ``properties`` (``note``, ``note.2``...) and its ``system-out``."""
    suite = ET.Element(
        "testsuite",
        name="looker-ops check",
        tests=str(max(1, len(findings))),
        failures=str(sum(1 for f in findings if f.severity is Severity.ERROR)),
        errors="0",
        skipped="0",
        time=f"{seconds:.3f}",
    )
    if notes:
        props = ET.SubElement(suite, "properties")
        for k, n in enumerate(notes, 1):
            ET.SubElement(props, "property", name="note" if k == 1 else f"note.{k}", value=n)
    if not findings:
        ET.SubElement(suite, "testcase", classname="looker-ops", name="check", time="0")
    for f, name in zip(findings, junit_names(findings, display), strict=True):
        path = display(f.file) or "project"
        case = ET.SubElement(
            suite, "testcase", classname=path, name=name, file=path, line=str(f.line or 0), time="0"
        )
        if f.severity is Severity.ERROR:
            el = ET.SubElement(case, "failure", message=f.message, type=f.code)
            el.text = f"{path}:{f.line or ''}: {f.code} {f.message}"
        else:
            el = ET.SubElement(case, "system-out")
            el.text = f"{f.severity.value}: {path}:{f.line or ''}: {f.code} {f.message}"
    if notes:
        ET.SubElement(suite, "system-out").text = "\n".join(f"note: {n}" for n in notes)
    root = ET.Element("testsuites")
    root.append(suite)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _sarif_help(r: Any) -> dict[str, str]:
    text = f"{r.title}. {r.doc.strip()}\nBad:\n{r.bad.rstrip()}\nGood:\n{r.good.rstrip()}"
    md = f"**{r.title}**\n\n{r.doc.strip()}\n\nBad:\n\n```\n{r.bad.rstrip()}\n```\n\nGood:\n\n```\n{r.good.rstrip()}\n```"
    return {"text": text, "markdown": md}


def render_sarif(
    findings: Sequence[Finding], *, display: Callable[[str | None], str | None], notes: Sequence[str] = ()
) -> str:
    """SARIF 2.1.0: every rule described, one result per finding; the notes are the run's
    ``invocations[0].toolExecutionNotifications`` (level ``note``)."""
    from looker_ops.check.rules import all_rules

    rules = all_rules()
    used = sorted({f.code for f in findings} | set(rules))
    level = {"error": "error", "warning": "warning", "info": "note"}
    driver_rules = []
    for code in used:
        r = rules.get(code)
        driver_rules.append(
            {
                "id": code,
                "name": (r.title if r else code).replace(" ", "_"),
                "shortDescription": {"text": r.title if r else code},
                "fullDescription": {"text": (r.doc.strip().splitlines() or [r.title])[0] if r else code},
                "defaultConfiguration": {"level": level[r.severity.value] if r else "warning"},
            }
        )
        if r is not None:
            # the rule's own documentation (no help URL: the project publishes none)
            driver_rules[-1]["help"] = _sarif_help(r)
    index = {c: i for i, c in enumerate(used)}
    results = []
    for f in findings:
        res: dict[str, Any] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": level[f.severity.value],
            "message": {"text": f.message},
        }
        path = display(f.file)
        if path:
            loc: dict[str, Any] = {"artifactLocation": {"uri": path}}
            if f.line:
                loc["region"] = {"startLine": f.line}
            res["locations"] = [{"physicalLocation": loc}]
        if f.where:
            res["partialFingerprints"] = {"lookerOpsObject": f"{f.code}:{f.file}:{f.where}"}
        results.append(res)
    doc = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "looker-ops",
                        "version": __version__,
                        "rules": driver_rules,
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": True,
                        "toolExecutionNotifications": [
                            {"level": "note", "message": {"text": n}} for n in notes
                        ],
                    }
                ],
                "results": results,
            }
        ],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_report(
    result: CheckResult, fmt: str, *, display: Callable[[str | None], str | None], project: str
) -> str:
    """The report of a check in ``fmt`` (``text``, ``json``, ``github``, ``junit`` or ``sarif``)."""
    findings = result.findings
    files = len(result.project.files)
    if fmt == "json":
        return render_json(
            findings,
            display=display,
            project=project,
            sql=result.sql,
            suppressed=[(s.finding, s.by, s.reason) for s in result.suppressed],
            files_checked=files,
            notes=result.notes,
        )
    if fmt == "github":
        return render_github(findings, display=display, notes=result.notes)
    if fmt == "junit":
        return render_junit(findings, display=display, seconds=result.seconds, notes=result.notes)
    if fmt == "sarif":
        return render_sarif(findings, display=display, notes=result.notes)
    return render_text(
        findings,
        display=display,
        suppressed=len(result.suppressed),
        files_checked=files,
        notes=result.notes,
    )
