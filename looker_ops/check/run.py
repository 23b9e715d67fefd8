"""``looker-ops check``: load a LookML project, run every rule family, apply exemptions.

Public API::

    run_check(root, *, dashboard_dirs=(), sql=None, data_dir=None, baseline=None,
              cache_dir=..., batch_size=200) -> CheckResult
    sql_default(project) -> bool          # when --sql is on by default
    write_baseline(result, path)          # the --write-baseline file
    exit_code(findings, fail_on) -> int   # 0 / 1

Exemptions: an inline ``# looker-ops: ignore CODE[,CODE] reason`` comment covers the LookML
object (view, field, explore, join, dashboard element) it sits in or right above; a baseline
file (JSON, written by ``--write-baseline``) lists accepted findings by code, file, object and
message (not line, so edits above a finding keep it matched). A baseline entry that matches
nothing is reported as ``BSL001`` (stale) so baselines only shrink.

Caching: parsed files are cached by content (see :mod:`looker_ops.lookml.parsecache`), and a
check without SQL of a project whose files (and the checker's code) did not change is answered
from a result cache: then ``CheckResult.project`` is a light stand-in holding only ``root``,
``files`` and ``exemptions`` (``from_cache`` is true). Pass ``cache_dir=None`` for no caching.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_ops.check.baseline import Suppressed, apply_exemptions, read_baseline
from looker_ops.check.dialects import check_dialects, dialect_hint, preload_rules
from looker_ops.errors import BadInput
from looker_ops.findings import Finding, Severity
from looker_ops.lookml.collector import gc_paused
from looker_ops.lookml.files import DEFAULT_CACHE, input_files
from looker_ops.lookml.model import Project

# The rules, the loader and sqlglot are imported where they are used: a check answered from
# the result cache (an unchanged project) needs none of them.
if TYPE_CHECKING:
    from looker_ops.check.rules import CheckContext, CheckOptions

FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class CheckResult:
    project: Project
    findings: list[Finding]
    suppressed: list[Suppressed] = field(default_factory=list)
    sql: bool = False
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    all_findings: list[Finding] = field(default_factory=list)  # before exemptions
    from_cache: bool = False  # answered from the result cache (project is a stand-in)

    def counts(self) -> dict[str, int]:
        out = {s.value: 0 for s in Severity}
        for f in self.findings:
            out[f.severity.value] += 1
        return out


def sql_default(project: Project) -> bool:
    """``--sql`` is on by default when the project reads at least one table and every table its
    views read is one whose schema looker_ops knows (:func:`looker_ops.lookml.schema.table_for`):
    then the embedded engine can hold the data (the bundled block is such a project)."""
    from looker_ops.check.rules import CheckContext
    from looker_ops.check.rules.common import compiled_table, parse_athena, tables_in
    from looker_ops.lookml.schema import table_for

    ctx = CheckContext(project)
    seen = False
    for view in project.views.values():
        if view.extension_required:
            continue
        names: list[str] = []
        if view.sql_table_name:
            names = [view.sql_table_name]
        elif view.derived_table and "sql" in view.derived_table:
            t = compiled_table(ctx, view).sql.strip()
            tree = parse_athena(t[1:-1] if t.startswith("(") and t.endswith(")") else t)
            if tree is None:
                return False
            names = tables_in(tree)
        for n in names:
            if table_for(n) is None:
                return False
            seen = True
    return seen


RESULT_FORMAT = "1"
SHARD_MIN_OBJECTS = 300  # below this, checking in one process is faster than forking
_SHARD_CTX: CheckContext | None = None
# what one share of the rules found: findings, notes, references left unchecked (for a missing
# dependency; per file that does not parse), SQL texts the Athena rules could not read
# and references of views whose extended view is defined nowhere (per view)
_ShardResult = tuple[list[Finding], list[str], int, dict[str, int], set[str], dict[str, int]]


def _families(ctx: CheckContext) -> list[tuple[str, Any]]:
    """The families that apply: the Athena ones only when a model's dialect is athena."""
    from looker_ops.check.rules import ATHENA_FAMILIES, families

    athena = "athena" in ctx.dialects()
    return [(n, f) for n, f in families() if athena or n not in ATHENA_FAMILIES]


def _shard_findings(ctx: CheckContext, shard: tuple[int, int]) -> _ShardResult:
    """Run every family but the SQL one on the ``shard`` share of ``ctx``'s objects."""
    from dataclasses import replace

    from looker_ops.check.rules import CheckContext

    sub = CheckContext(ctx.project, replace(ctx.options, cache_dir=None), shard=shard)
    for name, fam in _families(sub):
        if name != "engine":
            fam(sub)
    return sub.findings, sub.notes, sub.unchecked, sub.unchecked_unparsed, sub.misfits, sub.unchecked_extends


def _run_shard(shard: tuple[int, int]) -> _ShardResult:
    """In a forked process: one share of the rules (the garbage collector on again, as the
    process makes and drops objects of its own)."""
    import gc

    assert _SHARD_CTX is not None
    gc.enable()  # the parent disabled it around the fork (see _run_families)
    return _shard_findings(_SHARD_CTX, shard)


def _run_families(ctx: CheckContext, workers: int | None) -> None:
    """Run every rule family. A large project is checked in ``workers`` shares of the views,
    explores and dashboards: this process checks the first while forked processes check the
    others (the project is inherited, not copied); the SQL family (one embedded engine) always
    runs here.

    The loaded project is frozen out of the garbage collector's reach while the rules run
    (``gc.freeze``): it holds millions of objects that live to the end of the check, and each
    full collection would walk them all (and, in a forked process, copy the pages they are on).
    The rule modules are imported before the fork, once, rather than in each process."""
    import gc
    import multiprocessing as mp
    import os
    from concurrent.futures import ProcessPoolExecutor

    global _SHARD_CTX
    p = ctx.project
    fams = _families(ctx)  # imports the rule modules
    n = workers if workers is not None else (os.cpu_count() or 1)
    size = len(p.views) + len(p.explores) + len(p.dashboards)
    enabled = gc.isenabled()
    gc.freeze()
    try:
        if n > 1 and size >= SHARD_MIN_OBJECTS and "fork" in mp.get_all_start_methods():
            _SHARD_CTX = ctx
            gc.disable()  # no collection between the freeze and the forks, nor in this share
            try:
                with ProcessPoolExecutor(n - 1, mp_context=mp.get_context("fork")) as pool:
                    futures = [pool.submit(_run_shard, (k, n)) for k in range(1, n)]
                    results = [_shard_findings(ctx, (0, n))] + [f.result() for f in futures]
            finally:
                _SHARD_CTX = None
                if enabled:
                    gc.enable()
            for findings, notes, unchecked, unparsed, misfits, extends in results:
                for view, k in extends.items():
                    ctx.unchecked_extends[view] = ctx.unchecked_extends.get(view, 0) + k
                ctx.findings.extend(findings)
                ctx.notes.extend(notes)
                ctx.misfits.update(misfits)
                ctx.unchecked += unchecked
                for file, k in unparsed.items():
                    ctx.unchecked_unparsed[file] = ctx.unchecked_unparsed.get(file, 0) + k
            for name, fam in fams:
                if name == "engine":
                    fam(ctx)
            return
        for _name, fam in fams:
            fam(ctx)
    finally:
        gc.unfreeze()


def _dependency_findings(ctx: CheckContext) -> None:
    """One info finding per dependency that is not here, with the references it left unchecked."""
    from looker_ops.check.rules import all_rules

    for name, (file, line) in sorted(ctx.project.missing_dependencies.items()):
        ctx.report(
            all_rules()["LKM007"],
            f"the project imports {name}, which is not here: {ctx.unchecked} reference(s) to names defined "
            f"nowhere in the project were not checked (give --dependency {name}=PATH to check them)",
            file,
            line,
            f"dependency:{name}",
        )


def _unknown_ignore_codes(ctx: CheckContext) -> None:
    """A ``BSL002`` warning for each code an inline ``# looker-ops: ignore`` names that is no
    rule's (a typo exempts nothing), with the closest code when there is one."""
    import difflib

    from looker_ops.check.rules import all_rules

    rules = all_rules()
    seen: set[tuple[str, int, str]] = set()
    for ex in ctx.project.exemptions:
        for code in ex.codes:
            if code == "ALL" or code in rules or (ex.file, ex.line, code) in seen:
                continue
            seen.add((ex.file, ex.line, code))
            close = difflib.get_close_matches(code, list(rules), n=1, cutoff=0.6)
            hint = f" (did you mean {close[0]}?)" if close else ""
            ctx.report(
                rules["BSL002"],
                f"the inline ignore names {code}, which is not a rule code of looker-ops{hint}: "
                "it exempts nothing (docs/check.md lists the codes)",
                ex.file,
                ex.line,
                f"ignore:{code}",
            )


def _unparsed_findings(ctx: CheckContext) -> None:
    """One info finding per file that does not parse and left references unchecked: how many
    references may name a view or explore its text defines (they are not reported missing)."""
    from looker_ops.check.rules import all_rules

    for file, n in sorted(ctx.unchecked_unparsed.items()):
        names = sorted(ctx.project.unparsed.get(file, ()))
        if file.endswith(".model.lkml"):  # its includes are unknown too
            names.insert(0, f"model {file.rsplit('/', 1)[-1][: -len('.model.lkml')]} and what it includes")
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        ctx.report(
            all_rules()["LKM009"],
            f"this file does not parse (see LKM001): {n} reference(s) to what it defines ({shown or '?'}) "
            "were not checked; fix the syntax error to check them",
            file,
            None,
            f"file:{file}",
        )


def sql_skip_reason(ctx: CheckContext) -> str | None:
    """Why ``--sql`` does not run by default on this project (None: it runs)."""
    other = sorted(ctx.dialects() - {"athena"})
    if other:
        return (
            f"--sql skipped: the project's SQL is {', '.join(other)} and the embedded engine runs Athena SQL"
        )
    if not sql_default(ctx.project):
        return UNKNOWN_TABLES + ": give --data with --sql to run it on CloudTrail files"
    return None


# Why --sql is skipped on a project that reads other tables than CloudTrail's (the advice to
# give --data follows unless the project's SQL looks like another dialect's).
UNKNOWN_TABLES = (
    "--sql skipped: the project reads tables whose schema looker-ops does not know (only the "
    "CloudTrail and geo-IP tables)"
)


def _inputs_key(
    root: Path,
    dashboard_dirs: Sequence[Path],
    sql: bool | None,
    data_dir: Path | None,
    dialects: str = "",
    dependencies: dict[str, Path] | None = None,
    digests: dict[Path, tuple[bytes, int]] | None = None,
    listed: list[tuple[str, Path]] | None = None,
) -> str:
    """A hash of everything a check without SQL depends on: every input file's path and content,
    the options and the versions of looker-ops, lkml and sqlglot. ``digests``: content hashes
    already known (the parse's), and it receives those of the files read here (the parse then
    need not read them again). ``listed``: :func:`input_files` of the project, when known."""
    import hashlib

    from looker_ops import __version__
    from looker_ops.lookml.cache import dist_version, file_digest

    h = hashlib.sha256()
    h.update(
        f"{RESULT_FORMAT}|{__version__}|{dist_version('lkml')}|{dist_version('sqlglot')}|{sql}|{data_dir}|{dialects}".encode()
    )
    h.update(str(root.resolve()).encode())
    for rel, path in listed or input_files(root, dashboard_dirs, dependencies):
        try:
            digest, size = digests[path] if digests is not None and path in digests else file_digest(path)
        except OSError:
            digest = b"<unreadable>"
        else:
            if digests is not None:
                digests[path] = (digest, size)
        h.update(rel.encode() + b"\0" + digest)
    h.update(_code_digest())
    return h.hexdigest()


@functools.cache
def _code_digest() -> bytes:
    """The hash of the code of the rules and the loader (an edited rule must not reuse old
    results), once per process (a cold check computes it while the files are parsed)."""
    import hashlib

    h = hashlib.sha256()
    pkg = Path(__file__).resolve().parents[1]
    for src in [*sorted((pkg / "check").rglob("*.py")), *sorted((pkg / "lookml").rglob("*.py"))]:
        h.update(src.name.encode() + hashlib.sha256(src.read_bytes()).digest())
    return h.digest()


def _use_sql(
    ctx: CheckContext, sql: bool | None, data_dir: Path | None, athena: Any
) -> tuple[bool, str | None]:
    """Whether the SQL checks run, and why not when they would by request or by default."""
    if athena is not None:
        return True, None
    other = sorted(ctx.dialects() - {"athena"})
    if other and "athena" not in ctx.dialects():
        return False, (
            f"--sql skipped: the project's SQL is {', '.join(other)} and the embedded engine runs Athena SQL"
            if sql or data_dir is not None or sql is None
            else None
        )
    if sql is not None:
        return sql, None
    if data_dir is not None:
        return True, None
    reason = sql_skip_reason(ctx)
    return reason is None, reason


def exit_code(findings: Sequence[Finding], fail_on: str) -> int:
    if fail_on == "never":
        return 0
    threshold = Severity(fail_on).rank
    return 1 if any(f.severity.rank >= threshold for f in findings) else 0


def _unique(findings: list[Finding]) -> list[Finding]:
    """Findings once each (a field inherited by extends is checked once per view), sorted."""
    seen: set[tuple[str, str | None, int | None, str]] = set()
    unique = []
    for f in findings:
        key = (f.code, f.file, f.line, f.message)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    unique.sort(key=Finding.report_key)
    return unique


def _checked_before(store: Any, root: Path) -> bool:
    """Whether the result cache holds a result of the project at ``root`` (of any version)."""
    top = str(root.resolve())
    return any(isinstance(v, dict) and v.get("root") == top for v in store.data.values())


def _store_result(
    store: Any, inputs: str, root: Path, project: Project, unique: list[Finding], notes: list[str]
) -> None:
    """Keep this result, its notes too (and only the latest one per project root), in the
    result cache."""
    store.data = {
        k: v
        for k, v in store.data.items()
        if not (isinstance(v, dict) and v.get("root") == str(root.resolve()))
    }
    store.set(
        inputs,
        {
            "sql": False,
            "root": str(root.resolve()),
            "files": project.files,
            "exemptions": project.exemptions,
            "findings": unique,
            "notes": notes,
        },
    )
    store.save()


def _check_project(
    project: Project, options: CheckOptions, sql: bool | None, workers: int | None
) -> tuple[CheckContext, bool]:
    """Run every rule family that applies on a loaded project; whether the SQL checks ran."""
    from looker_ops.check.rules import CheckContext, all_rules

    ctx = CheckContext(project, options)
    use_sql, reason = _use_sql(ctx, sql, options.data_dir, options.athena)
    options.sql = use_sql
    if reason:
        ctx.notes.append(reason)
    ctx.findings.extend(project.problems)
    _run_families(ctx, workers)
    conns = [m.connection or "" for m in project.models.values()]
    if not options.dialect_given and ctx.misfits and (hint := dialect_hint(ctx.misfits, "athena", conns)):
        # the SQL is another dialect's: running it on CloudTrail files (--data) is no advice
        ctx.notes = [UNKNOWN_TABLES if n.startswith(UNKNOWN_TABLES) else n for n in ctx.notes]
        ctx.notes.append(hint)
    _dependency_findings(ctx)
    _unparsed_findings(ctx)
    if ctx.unchecked_extends:
        from looker_ops.check.rules.cascades import extends_notes

        ctx.findings = extends_notes(ctx.findings, ctx.unchecked_extends)
    _unknown_ignore_codes(ctx)
    all_rules()
    return ctx, use_sql


def _check_inputs(
    root: Path,
    data_dir: Path | None,
    dialect: str,
    connections: dict[str, str],
    dependencies: dict[str, Path],
) -> None:
    """BadInput for a dependency, project or ``--data`` that is not there, or an unknown
    dialect, before anything is read."""
    for name, dep in dependencies.items():
        if not dep.is_dir():
            raise BadInput(f"--dependency {name}={dep}: no such folder")
    check_dialects(dialect, connections)
    if not root.is_dir():
        raise BadInput(f"{root}: not a folder (give the LookML project folder)")
    if data_dir is not None and not data_dir.exists():
        raise BadInput(f"--data {data_dir}: no such file or folder")


def _cached_result(root: Path, hit: dict[str, Any]) -> tuple[Project, list[Finding]]:
    """The project stand-in (files and exemptions only) and the findings of a cached result."""
    project = Project(root, {}, list(hit["files"]), [], {}, {}, {}, [], exemptions=list(hit["exemptions"]))
    return project, list(hit["findings"])


def _load(
    root: Path,
    dashboard_dirs: Sequence[Path],
    cache_dir: Path | object | None,
    workers: int | None,
    dependencies: dict[str, Path] | None,
    dialects: Iterable[str] = (),
    digests: dict[Path, tuple[bytes, int]] | None = None,
    listed: list[tuple[str, Path]] | None = None,
) -> Project:
    """The project at ``root``; BadInput when the folder holds no LookML. ``listed`` receives
    the project's input files (:func:`input_files`), listed while the files are parsed."""
    from looker_ops.lookml.loader import load_project

    names = list(dialects)

    def meanwhile() -> None:  # while the files are parsed: what the check needs next
        preload_rules(names)
        _code_digest()
        if listed is not None:
            listed.extend(input_files(root, dashboard_dirs, dependencies))

    project = load_project(
        root,
        dashboard_dirs=dashboard_dirs,
        cache_dir=cache_dir,
        workers=workers,
        dependencies=dependencies,
        meanwhile=meanwhile,
        digests=digests,
    )
    if not project.files:
        raise BadInput(f"{root}: no .lkml or .dashboard.lookml file in this folder: is it a LookML project?")
    return project


# No garbage collection during a check: loading builds millions of objects that all live to its
# end (each collection would walk them for nothing); the rules freeze them (see _run_families),
# so the collector, on again afterwards, finds only the few made since.
@gc_paused()
def run_check(
    root: Path,
    *,
    dashboard_dirs: Sequence[Path] = (),
    sql: bool | None = None,
    data_dir: Path | None = None,
    baseline: Path | None = None,
    cache_dir: Path | object | None = DEFAULT_CACHE,
    batch_size: int = 200,
    workers: int | None = None,
    athena: Any = None,
    dialect: str = "athena",
    connections: dict[str, str] | None = None,
    dependencies: dict[str, Path] | None = None,
    dialect_given: bool = False,
) -> CheckResult:
    """Check the project at ``root``. ``dialect``: the SQL dialect of its connections (sqlglot's
    names), ``connections``: a dialect per connection name; ``dependencies``: local checkouts of
    the projects it imports (name -> folder). ``dialect_given``: the user chose ``dialect``
    (``--dialect``, ``check.dialect``): no note then says the SQL looks like another dialect."""
    start = time.perf_counter()
    _check_inputs(root, data_dir, dialect, connections or {}, dependencies or {})
    entries = read_baseline(baseline) if baseline is not None else None
    from looker_ops.lookml.cache import ResultCache, default_cache_dir

    rules_cache = default_cache_dir(root) if cache_dir is DEFAULT_CACHE else cache_dir
    cdir = rules_cache if isinstance(rules_cache, Path) else None
    digests: dict[Path, tuple[bytes, int]] = {}  # content hashes, for the caches' keys
    cacheable = cdir is not None and sql is not True and data_dir is None and athena is None
    dialects = f"{dialect}|{sorted((connections or {}).items())}|{dialect_given}"
    store = ResultCache(cdir, "check-results") if cacheable else None
    # Whole-result cache (exemptions and the baseline are applied afterwards). A project never
    # checked here is hashed as it is parsed, in parallel: its key is made after the check.
    inputs = (
        _inputs_key(root, dashboard_dirs, sql, data_dir, dialects, dependencies, digests)
        if store is not None and _checked_before(store, root)
        else None
    )
    hit = store.get(inputs) if store is not None and inputs is not None else None
    notes: list[str] = []
    if isinstance(hit, dict) and hit.get("sql") is False:
        project, unique = _cached_result(root, hit)
        use_sql = False
        notes.append("unchanged since the last check: results from the cache")
        notes.extend(n for n in hit.get("notes") or [] if isinstance(n, str))  # what the check said
    else:
        names = [dialect, *(connections or {}).values()]
        listed: list[tuple[str, Path]] = []
        project = _load(root, dashboard_dirs, cache_dir, workers, dependencies, names, digests, listed)
        from looker_ops.check.rules import CheckOptions

        options = CheckOptions(
            data_dir=data_dir,
            batch_size=batch_size,
            cache_dir=cdir,
            athena=athena,
            dialect=dialect,
            connections=dict(connections or {}),
            dialect_given=dialect_given,
        )
        ctx, use_sql = _check_project(project, options, sql, workers)
        notes.extend(ctx.notes)
        unique = _unique(ctx.findings)
        if store is not None and not use_sql:
            if inputs is None:
                inputs = _inputs_key(
                    root, dashboard_dirs, sql, data_dir, dialects, dependencies, digests, listed
                )
            _store_result(store, inputs, root, project, unique, list(ctx.notes))
    active, suppressed = apply_exemptions(unique, project.exemptions, baseline, entries)
    return CheckResult(
        project=project,
        findings=active,
        suppressed=suppressed,
        sql=use_sql,
        notes=notes,
        seconds=time.perf_counter() - start,
        all_findings=unique,
        from_cache=bool(notes and notes[0].startswith("unchanged since")),
    )
