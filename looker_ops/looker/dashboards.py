"""The block's dashboards: ``dashboards/*.dashboard.lookml`` imported as user-defined dashboards.

Identity is each file's ``preferred_slug``: ``import_dashboard_from_lookml`` overwrites the
dashboard holding that slug (same id, so links and schedules survive) and moves it into the
folder. That also makes an import safe to repeat after a timeout: it can never duplicate.

Unchanged dashboards are skipped by comparing LookML, not by a hash hidden somewhere: Looker's
own export (``GET /dashboards/lookml/{id}``) is parsed and must *cover* the file's LookML: every
key the file sets has the same value there (lists item by item), keys only Looker adds (its
defaults) are ignored. The one change this cannot see is a key deleted from the file whose value
Looker keeps; ``--force`` re-imports every dashboard.

Dashboards in the folder whose slug no file has any more are deleted only with ``--prune`` (the
folder belongs to the block), softly: they go to Looker's trash, and importing a file with the
same slug again brings the same dashboard (same id) back.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml
from looker_sdk.sdk.api40 import models as m

from looker_ops.errors import BadInput, LookerOpsError
from looker_ops.looker.changes import CREATE, DELETE, UPDATE, Change, FieldDiff, create_or_found

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

KIND = "dashboard"
SUFFIX = ".dashboard.lookml"
MAX_WORKERS = 4
_IGNORED_TOP = {"dashboard", "preferred_slug"}


@dataclass
class LocalDashboard:
    slug: str
    title: str
    file: str
    lookml: str


@dataclass
class CurrentDashboard:
    id: str
    slug: str
    title: str
    folder_id: str | None
    lookml: str | None = None


# --------------------------------------------------------------------------- local files


def load_local(folder: Path) -> list[LocalDashboard]:
    """Every ``*.dashboard.lookml`` of ``folder``, sorted; BadInput names the file and problem."""
    if not folder.is_dir():
        raise BadInput(f"{folder}: dashboards folder not found")
    out: list[LocalDashboard] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob(f"*{SUFFIX}")):
        text = path.read_text(encoding="utf-8")
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise BadInput(f"{path}{line}: not valid dashboard LookML (YAML): {exc}") from None
        item = doc[0] if isinstance(doc, list) and doc else doc
        if not isinstance(item, dict) or "dashboard" not in item:
            raise BadInput(f"{path}:1: expected a list holding one `- dashboard: name` mapping")
        slug = item.get("preferred_slug")
        if not slug or not isinstance(slug, str):
            raise BadInput(
                f"{path}:1: preferred_slug is required: it is the dashboard's stable identity in Looker"
            )
        if slug in seen:
            raise BadInput(f"{path}: preferred_slug {slug!r} is also used by {seen[slug]}")
        seen[slug] = str(path)
        out.append(
            LocalDashboard(
                slug=slug, title=str(item.get("title") or item["dashboard"]), file=str(path), lookml=text
            )
        )
    return out


# --------------------------------------------------------------------------- comparison


def _scalar(v: Any) -> Any:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int | float) and not isinstance(v, bool):
        f = float(v)
        return str(int(f)) if math.isfinite(f) and f.is_integer() else str(f)
    if isinstance(v, str):
        s = v.strip()
        low = s.lower()
        if low in ("yes", "true"):
            return "true"
        if low in ("no", "false"):
            return "false"
        try:
            return _scalar(float(s)) if s and s.replace(".", "", 1).lstrip("-").isdigit() else s
        except ValueError:
            return s
    return v


def covers(have: Any, want: Any) -> bool:
    """True when ``have`` (Looker's export) holds every value ``want`` (the file) sets."""
    if isinstance(want, dict):
        if not isinstance(have, dict):
            return False
        return all(k in have and covers(have[k], v) for k, v in want.items() if v is not None)
    if isinstance(want, list):
        if not isinstance(have, list) or len(have) != len(want):
            return False
        return all(covers(h, w) for h, w in zip(have, want, strict=True))
    return _scalar(have) == _scalar(want)


def same_lookml(current: str | None, wanted: str) -> bool:
    """Whether the dashboard Looker holds (its LookML export) already matches the file."""
    if not current:
        return False
    try:
        have = yaml.safe_load(current)
        want = yaml.safe_load(wanted)
    except yaml.YAMLError:
        return False
    have = have[0] if isinstance(have, list) and have else have
    want = want[0] if isinstance(want, list) and want else want
    if not isinstance(have, dict) or not isinstance(want, dict):
        return False
    want = {k: v for k, v in want.items() if k not in _IGNORED_TOP}
    return covers(have, want)


# --------------------------------------------------------------------------- plan


def plan(
    desired: list[LocalDashboard],
    current: dict[str, CurrentDashboard],
    folder_id: str | None,
    *,
    prune: bool = False,
    force: bool = False,
    in_folder: list[CurrentDashboard] | None = None,
) -> list[Change]:
    """Pure. ``current``: dashboards found by slug (with their LookML); ``in_folder``: every
    dashboard in the block's folder (for --prune). ``folder_id`` None: the folder is to be made."""
    changes: list[Change] = []
    wanted = {d.slug for d in desired}
    for d in desired:
        have = current.get(d.slug)
        payload = {"slug": d.slug, "lookml": d.lookml, "file": d.file, "current": have}
        if have is None:
            changes.append(Change(KIND, CREATE, d.slug, [FieldDiff("title", None, d.title)], payload=payload))
            continue
        diffs: list[FieldDiff] = []
        if folder_id is None or have.folder_id != folder_id:
            diffs.append(FieldDiff("folder_id", have.folder_id, folder_id or "(new folder)"))
        if force or not same_lookml(have.lookml, d.lookml):
            diffs.append(FieldDiff("lookml", f"id {have.id}", Path(d.file).name))
        if diffs:
            changes.append(Change(KIND, UPDATE, d.slug, diffs, note=f"id {have.id} kept", payload=payload))
    if prune:
        for have in in_folder or []:
            if have.slug not in wanted:
                changes.append(
                    Change(
                        KIND,
                        DELETE,
                        have.slug or have.id,
                        [FieldDiff("title", have.title, None)],
                        payload={"current": have},
                    )
                )
    return changes


def orphans(desired: list[LocalDashboard], in_folder: list[CurrentDashboard]) -> list[CurrentDashboard]:
    wanted = {d.slug for d in desired}
    return [h for h in in_folder if h.slug not in wanted]


# --------------------------------------------------------------------------- reading Looker


def folder_path(path: str) -> list[str]:
    return [p.strip() for p in path.strip("/").split("/") if p.strip()]


@dataclass
class FolderLookup:
    """Where the block's folder path stands: its id, or the deepest existing parent and the
    names still to create under it."""

    id: str | None
    parent: str
    missing: list[str]


def _child(client: LookerClient, name: str, parent: str) -> m.Folder | None:
    hits = client.sdk.search_folders(name=name, parent_id=parent, fields="id,name,parent_id") or []
    hits = [f for f in hits if f.name == name and str(f.parent_id) == parent]
    return hits[0] if hits else None


def find_folder(client: LookerClient, path: str) -> FolderLookup:
    """Resolve ``path`` under Shared, reading only."""
    roots = client.sdk.search_folders(is_shared_root=True, fields="id,name")
    if not roots or not roots[0].id:
        raise LookerOpsError("Looker has no Shared folder")  # pragma: no cover - every instance has one
    parent = str(roots[0].id)
    parts = folder_path(path)
    for i, name in enumerate(parts):
        found = _child(client, name, parent)
        if found is None:
            return FolderLookup(None, parent, parts[i:])
        parent = str(found.id)
    return FolderLookup(parent, parent, [])


def ensure_folder(client: LookerClient, path: str, lookup: FolderLookup | None = None) -> str:
    """The folder's id, creating the missing part of the path (each folder exactly once)."""
    lookup = lookup or find_folder(client, path)
    if lookup.id is not None:
        return lookup.id
    parent = lookup.parent
    for name in lookup.missing:
        folder, _ = create_or_found(
            client,
            "create_folder",
            partial(client.sdk.create_folder, m.CreateFolder(name=name, parent_id=parent)),
            partial(_child, client, name, parent),
        )
        parent = str(folder.id)
    return parent


def _current(d: m.Dashboard) -> CurrentDashboard:
    return CurrentDashboard(
        id=str(d.id),
        slug=str(d.slug or ""),
        title=str(d.title or ""),
        folder_id=str(d.folder_id) if d.folder_id else None,
    )


def read_current(
    client: LookerClient, desired: list[LocalDashboard], folder_id: str | None
) -> tuple[dict[str, CurrentDashboard], list[CurrentDashboard]]:
    """(the block's dashboards by slug, with their LookML; every dashboard in the folder)."""
    fields = "id,slug,title,folder_id,deleted"
    in_folder: list[CurrentDashboard] = []
    if folder_id is not None:
        in_folder = [
            _current(d)
            for d in client.sdk.search_dashboards(folder_id=folder_id, fields=fields) or []
            if not d.deleted
        ]
    by_slug = {d.slug: d for d in in_folder if d.slug}

    def by_search(slug: str) -> CurrentDashboard | None:
        hits = [
            h
            for h in client.sdk.search_dashboards(slug=slug, fields=fields) or []
            if not h.deleted and h.slug == slug
        ]
        return _current(hits[0]) if hits else None

    elsewhere = [d.slug for d in desired if d.slug not in by_slug]
    for slug, found in zip(elsewhere, _parallel([partial(by_search, s) for s in elsewhere]), strict=True):
        if found is not None:
            by_slug[slug] = found
    wanted = {d.slug for d in desired}
    mine = {slug: cur for slug, cur in by_slug.items() if slug in wanted}

    def fetch(cur: CurrentDashboard) -> None:
        cur.lookml = client.sdk.dashboard_lookml(cur.id).lookml

    _parallel([partial(fetch, c) for c in mine.values()])
    return mine, in_folder


def _parallel(jobs: list[Callable[[], Any]], workers: int | None = None) -> list[Any]:
    """Run jobs with at most ``workers`` (default MAX_WORKERS) at a time; every job runs, then
    the first error is raised."""
    if not jobs:
        return []
    workers = workers or MAX_WORKERS
    with ThreadPoolExecutor(max_workers=min(workers, len(jobs))) as pool:
        futures = [pool.submit(job) for job in jobs]
    errors = [f.exception() for f in futures if f.exception() is not None]
    if errors:
        raise errors[0]  # type: ignore[misc]
    return [f.result() for f in futures]


# --------------------------------------------------------------------------- apply


@dataclass
class Applied:
    """What an apply did, for rollback: ids made, previous LookML of overwritten ones."""

    created: dict[str, str]  # slug -> new id
    updated: dict[str, tuple[str, str | None, str | None]]  # slug -> (id, previous lookml, previous folder)
    deleted: dict[str, str]  # slug -> id


def with_slug(lookml: str, slug: str) -> str:
    """Make sure LookML carries ``preferred_slug`` (so an import overwrites, never duplicates)."""
    if re.search(r"^\s*preferred_slug:", lookml, re.M):
        return lookml
    out, n = re.subn(
        r"^(\s*)- dashboard:.*$",
        lambda mm: f"{mm.group(0)}\n{mm.group(1)}  preferred_slug: {slug}",
        lookml,
        count=1,
        flags=re.M,
    )
    if n == 0:
        raise LookerOpsError(f"dashboard {slug}: Looker's LookML has no `- dashboard:` line to restore from")
    return out


def import_lookml(client: LookerClient, folder_id: str, lookml: str) -> m.Dashboard:
    """Import (create or overwrite by preferred_slug). Repeating it is harmless, so a timeout is
    simply retried by the policy: the same slug can never yield a second dashboard."""
    body = m.WriteDashboardLookml(folder_id=folder_id, lookml=lookml)
    return client.call(
        "import_dashboard_from_lookml", client.sdk.import_dashboard_from_lookml, body, idempotent=True
    )


def apply(
    client: LookerClient,
    changes: list[Change],
    folder_id: str,
    workers: int | None = None,
    done: Applied | None = None,
) -> Applied:
    """Import/delete concurrently (``workers`` at a time). ``done`` is filled as jobs finish, so a
    caller still knows what was applied when one job fails."""
    done = done if done is not None else Applied({}, {}, {})

    def run(ch: Change) -> None:
        if ch.action == DELETE:
            # Soft delete (Looker's trash, as in the UI): recoverable, and a rollback undoes it.
            cur: CurrentDashboard = ch.payload["current"]
            client.sdk.update_dashboard(cur.id, m.WriteDashboard(deleted=True))
            done.deleted[ch.name] = cur.id
            return
        cur_or_none: CurrentDashboard | None = ch.payload["current"]
        dash = import_lookml(client, folder_id, ch.payload["lookml"])
        if cur_or_none is None:
            done.created[ch.name] = str(dash.id)
        else:
            done.updated[ch.name] = (cur_or_none.id, cur_or_none.lookml, cur_or_none.folder_id)

    _parallel([partial(run, ch) for ch in changes], workers)
    return done


def restore(client: LookerClient, applied: Applied, folder_id: str, workers: int | None = None) -> list[str]:
    """Undo an apply: overwritten dashboards get their previous LookML (and folder) back, dashboards
    this run created are deleted. Returns one line per action."""
    lines: list[str] = []
    jobs: list[Callable[[], Any]] = []
    for slug, (_id, lookml, old_folder) in applied.updated.items():
        if lookml:
            lk = with_slug(lookml, slug)
            jobs.append(partial(import_lookml, client, old_folder or folder_id, lk))
            lines.append(f"dashboard {slug}: previous LookML restored")
    for slug, new_id in applied.created.items():
        jobs.append(partial(client.sdk.delete_dashboard, new_id))
        lines.append(f"dashboard {slug}: created by this run, deleted")
    for slug, old_id in applied.deleted.items():  # pruned by this run: out of the trash again
        jobs.append(partial(client.sdk.update_dashboard, old_id, m.WriteDashboard(deleted=False)))
        lines.append(f"dashboard {slug}: pruned by this run, restored")
    _parallel(jobs, workers)
    return lines
