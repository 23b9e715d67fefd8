"""Which CloudTrail files there are and which partition each belongs to, without opening any.

CloudTrail writes ``AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/<name>.json.gz``:
the key alone gives a file's ``account``, ``region`` and ``dt`` partition values. The files of
one (account, region, dt) form a *segment*, the unit the engine loads on demand. A file outside
that layout has no partition until it is read (its records say), so it is read once, up front.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from looker_ops.errors import BadInput

S3_KEY = re.compile(
    r"(?:^|/)AWSLogs/(?:o-[a-z0-9]+/)?(?P<account>\d{12})/CloudTrail/(?P<region>[a-z0-9-]+)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/[^/]+$"
)
SKIPPED_DIRS = frozenset({"CloudTrail-Digest"})  # digest files are signatures, not logs
SUFFIXES = (".json", ".json.gz")

Partition = tuple[str | None, str | None, str | None]  # account, region, dt ('yyyy/MM/dd')


@dataclass(frozen=True)
class LogFile:
    """One file and its partition values (a file outside the S3 layout whose records span
    several partitions appears once per partition). ``records``: None until it is loaded."""

    path: Path
    account: str | None
    region: str | None
    dt: str | None
    records: int | None


def discover(data: Path) -> list[Path]:
    """The CloudTrail files under ``data`` (or ``data`` itself), sorted."""
    if data.is_file():
        return [data]
    if not data.is_dir():
        raise BadInput(f"{data}: no such file or directory")
    found: list[Path] = []
    for folder, dirs, names in os.walk(data):
        dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
        found.extend(Path(folder, n) for n in names if n.endswith(SUFFIXES))
    return sorted(p for p in found if p.is_file())


def key_partition(path: Path) -> Partition | None:
    """The partition values in a file's S3 key, or None for a file outside the layout."""
    match = S3_KEY.search(path.as_posix())
    if match is None:
        return None
    return match["account"], match["region"], f"{match['y']}/{match['m']}/{match['d']}"


@dataclass
class Segment:
    """The files of one partition (S3 layout), or one partition of one file outside it."""

    number: int
    partition: Partition
    files: list[int] = field(default_factory=list)  # file numbers
    loaded: bool = False


@dataclass
class Layout:
    """Every file (numbered by position in ``paths``) and every segment."""

    paths: list[Path]
    segments: dict[int, Segment] = field(default_factory=dict)
    records: dict[tuple[int, int], int] = field(default_factory=dict)  # (file, segment) -> rows
    flat_files: list[int] = field(default_factory=list)  # outside the layout: read up front
    _bytes: int | None = None

    @classmethod
    def of(cls, paths: list[Path]) -> Layout:
        layout = cls(paths)
        by_partition: dict[Partition, Segment] = {}
        for number, path in enumerate(paths):
            partition = key_partition(path)
            if partition is None:
                layout.flat_files.append(number)
                continue
            segment = by_partition.get(partition)
            if segment is None:
                segment = by_partition[partition] = layout.add(partition)
            segment.files.append(number)
        return layout

    def add(self, partition: Partition, *, loaded: bool = False) -> Segment:
        segment = Segment(len(self.segments) + 1, partition, loaded=loaded)
        self.segments[segment.number] = segment
        return segment

    def total_bytes(self) -> int:
        """The files' size on disk (compressed), read once."""
        if self._bytes is None:
            self._bytes = sum(_size(p) for p in self.paths)
        return self._bytes

    def files_of(self, segments: set[int] | None) -> set[int]:
        """The file numbers of the given segments (None: all)."""
        chosen = self.segments.values() if segments is None else (self.segments[s] for s in segments)
        return {f for s in chosen for f in s.files}

    def log_files(self) -> list[LogFile]:
        out = []
        for segment in self.segments.values():
            for number in segment.files:
                count = self.records.get((number, segment.number), 0) if segment.loaded else None
                out.append(LogFile(self.paths[number], *segment.partition, count))
        return sorted(out, key=lambda f: (str(f.path), f.account or "", f.region or "", f.dt or ""))


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0
