"""Where looker-ops keeps what it computed (parsed files, results) and the keys that make an
entry stale: light enough to import when a check is answered from its result cache.

``default_cache_dir``, ``usable_cache``, ``CODE_HASH`` (the source of the modules whose output
is cached), ``dist_version`` (an installed distribution's version without importing it) and
``ResultCache`` (a small persistent memo, one pickle of a dict).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import Any

__all__ = ["CODE_HASH", "ResultCache", "default_cache_dir", "dist_version", "file_digest", "usable_cache"]

_HERE = Path(__file__).parent
# The modules whose output is cached (a parsed file: the parser, ignore comments, the dashboard
# readers and the objects they build): an edit of any of them makes every entry stale.
CODE_HASH = hashlib.sha256(
    b"".join(
        (_HERE / name).read_bytes()
        for name in (
            "parsecache.py",
            "fastparse.py",
            "ignores.py",
            "dashboards.py",
            "dashboard_keys.py",
            "dashboard_yaml.py",
            "dashboard_lines.py",
            "model.py",
        )
    )
).hexdigest()[:12]


def file_digest(path: Path) -> tuple[bytes, int]:
    """The SHA-256 of a file's content and its size (OSError when it cannot be read)."""
    data = path.read_bytes()
    return hashlib.sha256(data).digest(), len(data)


def default_cache_dir(root: Path) -> Path:
    env = os.environ.get("LOOKER_OPS_CACHE_DIR")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "looker-ops" / "parse"


def usable_cache(cache_dir: Path | None) -> Path | None:
    """``cache_dir`` made if needed, or None when it cannot be written (no cache then)."""
    if cache_dir is None:
        return None
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        probe = cache_dir / f".probe-{os.getpid()}"
        probe.write_bytes(b"")
        probe.unlink()
        return cache_dir
    except OSError:
        return None


@functools.cache
def dist_version(name: str) -> str:
    """The installed version of distribution ``name`` (a top-level package of the same name),
    from its ``NAME-VERSION.dist-info`` folder beside it; importlib.metadata when there is none
    (importing either the package or importlib.metadata costs more than a cached check)."""
    import importlib.util

    spec = importlib.util.find_spec(name)
    if spec is not None and spec.origin:
        site = Path(spec.origin).parent.parent
        found = sorted(site.glob(f"{name}-*.dist-info"))
        if len(found) == 1:
            return found[0].name[len(name) + 1 : -len(".dist-info")]
    import importlib.metadata

    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


class ResultCache:
    """A small persistent memo (one pickle of a dict) under the cache directory.

    Used by rules for pure functions of a text (e.g. "does this SQL parse"), so an unchanged
    rerun does not redo them. Safe when the directory is missing or unwritable.
    """

    def __init__(self, cache_dir: Path | None, name: str) -> None:
        self.path = (cache_dir / f"{name}-2-{CODE_HASH}.pickle") if cache_dir is not None else None
        self.data: dict[str, Any] = {}
        self.dirty = False
        if self.path is not None:
            try:
                with open(self.path, "rb") as fh:
                    obj = pickle.load(fh)
                if isinstance(obj, dict):
                    self.data = obj
            except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
                self.data = {}

    def get(self, key: str) -> Any:
        return self.data.get(key)

    def __contains__(self, key: str) -> bool:
        return key in self.data

    def set(self, key: str, value: Any) -> None:
        self.data[key] = value
        self.dirty = True

    def save(self) -> None:
        if self.path is None or not self.dirty:
            return
        cdir = usable_cache(self.path.parent)
        if cdir is None:
            return
        try:
            fd, tmp = tempfile.mkstemp(dir=cdir, prefix=".tmp-", suffix=".pickle")
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(self.data, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, self.path)
            self.dirty = False
        except OSError:
            pass
