"""Parse .lkml files into plain Python structures with line numbers, in parallel, with a cache.

Each file becomes a :class:`ParsedFile`: the document as nested dicts in the shape of
``lkml.load`` (plural keys collapsed: ``views``, ``dimensions``, ``filters__all``...) where every
block also carries ``_type``, ``_name``, ``_line`` (line of its key), ``_end`` (last line, for
top-level objects and their direct children) and ``_lines`` (line of each parameter).
List values are lists of strings, or lists of ``(key, value)`` pairs (``filters: [a: "x"]``).

A .lkml file is read by :mod:`looker_ops.lookml.fastparse`, which leaves whatever it is not sure
of to lkml's lexer and parser (the tree API keeps line numbers); a ``.dashboard.lookml`` file by
:mod:`looker_ops.lookml.dashboards`. Files are parsed in this process and forked workers, which
take chunks of them in turn from one shared counter (:func:`_parse_todo`). The parsed forms are
pickled into one pack per project under the cache directory, keyed by the SHA-256 of each file's
content (plus the code that parses), so an unchanged file is never parsed twice. An unwritable
cache directory just disables the cache.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import multiprocessing as mp
import os
import pickle
import re
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from looker_ops.lookml.cache import CODE_HASH, dist_version, file_digest
from looker_ops.lookml.cache import usable_cache as _usable_cache
from looker_ops.lookml.fastparse import PLURAL_KEYS, KeyClash, fast_parse, key_clash, pluralize
from looker_ops.lookml.ignores import IgnoreComment, scan_ignores

if TYPE_CHECKING:
    from lkml.tree import BlockNode, ContainerNode

# The cache key covers the code that produces the cached form (this module, ignores.py, the
# dashboard readers and the objects they build: lookml.cache.CODE_HASH), not only a hand-kept
# number: an upgrade of looker-ops that changes what a parsed file holds can never be served
# entries written by the previous code.
CACHE_FORMAT = "2-" + CODE_HASH
# How finely the files to parse are cut at most for the processes (see _chunks): smaller
# chunks share the work more evenly, each costs a round trip to a worker.
CHUNKS_FLOOR = 24
_PLURAL = frozenset(PLURAL_KEYS)
# a file to parse: its index in the caller's list, path, cache key, size in bytes, name in the project
_Todo = tuple[int, str, str, int, str | None]


@dataclass
class ParsedFile:
    doc: dict[str, Any] | None
    error: tuple[int, str] | None = None
    ignores: list[IgnoreComment] = field(default_factory=list)
    # (line, message) when the bytes are not UTF-8 (the text was parsed with U+FFFD in their place)
    encoding: tuple[int, str] | None = None


# a file parsed: its _Todo, the parsed form, that form pickled (for the pack), the file's SHA-256
_Parsed = tuple[_Todo, ParsedFile, bytes | None, bytes | None]


# --------------------------------------------------------------------------- conversion


class _Ends:
    """End lines of the blocks of a file in pre-order, from the lexer's brace tokens (cheaper
    than rendering each block back to text)."""

    def __init__(self, tokens: Sequence[Any]) -> None:
        ends: list[int] = []
        stack: list[int] = []
        for t in tokens:
            name = type(t).__name__
            if name == "BlockStartToken":
                stack.append(len(ends))
                ends.append(0)
            elif name == "BlockEndToken" and stack:
                ends[stack.pop()] = t.line_number
        self.ends = ends
        self.i = 0

    def next(self) -> int:
        v = self.ends[self.i] if self.i < len(self.ends) else 0
        self.i += 1
        return v


def _convert_container(container: ContainerNode, depth: int, ends: _Ends) -> dict[str, Any]:
    from lkml.tree import BlockNode, ListNode, PairNode

    d: dict[str, Any] = {}
    lines: dict[str, int] = {}
    for item in container.items:
        key = item.type.value
        line = item.type.line_number or 0
        value: Any
        if isinstance(item, BlockNode):
            value = _convert_block(item, depth + 1, ends)
        elif isinstance(item, ListNode):
            if item.items and isinstance(item.items[0], PairNode):
                value = [(p.type.value, p.value.value) for p in item.items if isinstance(p, PairNode)]
            else:
                value = [t.value for t in item.items if not isinstance(t, PairNode)]
        else:
            value = item.value.value
        clash = key_clash(lines, key, line)
        if clash is not None:
            raise clash
        if key in _PLURAL:
            d.setdefault(pluralize(key), []).append(value)
        else:
            d[key] = value
        lines.setdefault(key, line)
    d["_lines"] = lines
    return d


def _convert_block(node: BlockNode, depth: int, ends: _Ends) -> dict[str, Any]:
    end = ends.next()  # pre-order: this block's brace comes before its children's
    d = _convert_container(node.container, depth, ends)
    line = node.type.line_number or 0
    d["_type"] = node.type.value
    d["_name"] = node.name.value if node.name is not None else None
    d["_line"] = line
    d["_end"] = max(end, line)
    return d


def _dup_key_line(text: str, message: str) -> int | None:
    m = re.search(r'Key "([^"]+)"', message)
    if not m:
        return None
    pat = re.compile(r"^\s*" + re.escape(m.group(1)) + r"\s*:")
    seen = 0
    for i, ln in enumerate(text.splitlines(), 1):
        if pat.match(ln):
            seen += 1
            if seen == 2:
                return i
    return None


def parse_text(text: str) -> ParsedFile:
    """Parse one file's text. Never raises: a syntax error becomes ``error=(line, message)``."""
    ignores = scan_ignores(text)
    if "\0" in text:
        line = text.count("\n", 0, text.index("\0")) + 1
        return ParsedFile(None, (line, "the file contains NUL bytes: not a LookML text file"), ignores)
    try:
        doc = fast_parse(text)
        if doc is None:
            return _lkml_parse(text, ignores)
    except KeyClash as exc:
        return ParsedFile(None, (exc.line, exc.message), ignores)
    doc["_has_constants"] = "@{" in text
    return ParsedFile(doc, None, ignores)


def _lkml_parse(text: str, ignores: list[IgnoreComment]) -> ParsedFile:
    """Parse with lkml's lexer and parser (what the fast reader leaves: errors, rare shapes)."""
    from lkml.parser import Parser

    from looker_ops.lookml.lexer import GuardedLexer, LexError

    lexer = GuardedLexer(text)
    try:
        tokens = lexer.scan()
    except LexError as exc:
        return ParsedFile(None, (exc.line, f"LookML syntax error: {exc.message}"), ignores)
    except IndexError:
        last = next((t for t in reversed(lexer.tokens) if getattr(t, "line_number", None)), None)
        line = last.line_number if last is not None else lexer.line_number
        return ParsedFile(None, (line, "unterminated value: a quote or ';;' is never closed"), ignores)
    parser = Parser(tokens)
    try:
        tree = parser.parse()
    except SyntaxError as exc:
        tok = tokens[min(parser.progress, len(tokens) - 1)]
        msg = str(exc)
        m = re.search(r"on line (\d+)", msg)
        line = int(m.group(1)) if m else tok.line_number
        return ParsedFile(None, (line, f"LookML syntax error: {msg}"), ignores)
    except KeyError as exc:
        msg = str(exc.args[0]) if exc.args else str(exc)
        return ParsedFile(None, (_dup_key_line(text, msg) or 1, f"LookML error: {msg}"), ignores)
    except RecursionError:  # the lexer bounds block nesting; lists or pairs nested this deep
        return ParsedFile(None, (1, "LookML syntax error: nested too deeply to parse"), ignores)
    if parser.index < len(tokens) - 1:
        tok = tokens[parser.index]
        what = "'}'" if type(tok).__name__ == "BlockEndToken" else repr(getattr(tok, "value", tok))
        return ParsedFile(None, (tok.line_number, f"LookML syntax error: unexpected {what}"), ignores)
    doc = _convert_container(tree.container, 0, _Ends(tokens))
    doc["_has_constants"] = "@{" in text
    return ParsedFile(doc, None, ignores)


# --------------------------------------------------------------------------- cache + pool


@functools.cache
def lkml_version() -> str:
    """The installed lkml distribution's version (lkml has no ``__version__``): the parse
    cache's key includes it, so entries parsed by another lkml are never served. Read once per
    process, without importing lkml or importlib.metadata (either costs more than a small
    parse)."""
    return dist_version("lkml")


def _cache_key(digest: bytes, rel: str | None) -> str:
    """A file's entry in the pack: its content's SHA-256, the parsing code and lkml's version
    (and, for a dashboard, its name: the parsed form names the file)."""
    suffix = "|dashboard|" + rel if rel and rel.endswith(".lookml") else ""
    h = hashlib.sha256(digest)
    h.update(f"{suffix}|{CACHE_FORMAT}|{lkml_version()}".encode())
    return h.hexdigest()


def pack_path(cache_dir: Path, paths: Sequence[Path]) -> Path:
    """The pack holding the parsed files of the project whose files are ``paths`` (named by
    the folder they share)."""
    try:
        # (absolute, not resolved: resolving each path costs a system call per folder level)
        common = os.path.commonpath([os.path.abspath(p) for p in paths]) if paths else ""
    except ValueError:  # paths on different drives
        common = "|".join(sorted(str(p) for p in paths))
    return cache_dir / f"parsed-{hashlib.sha256(common.encode()).hexdigest()[:20]}.pickle"


def read_pack(pack: Path) -> dict[str, bytes]:
    """A pack's entries (cache key -> the pickled ParsedFile), or none when it is missing or
    unreadable."""
    try:
        with open(pack, "rb") as fh:
            entries = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, MemoryError):
        return {}
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, bytes)}


def _write_pack(pack: Path, entries: dict[str, bytes]) -> None:
    """Replace the pack at once (a reader sees the old one or the new one, never a part)."""
    try:
        fd, tmp = tempfile.mkstemp(dir=pack.parent, prefix=".tmp-", suffix=".pickle")
        try:
            with os.fdopen(fd, "wb") as fh:
                pickle.dump(entries, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, pack)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        pass


def _unpickle(data: bytes) -> ParsedFile | None:
    try:
        obj = pickle.loads(data)
    except (pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError, ImportError):
        return None
    return obj if isinstance(obj, ParsedFile) else None


def _decode(data: bytes) -> str:
    text = data.decode("utf-8-sig", errors="replace")
    return text.replace("\r\n", "\n")


def encoding_problem(data: bytes) -> tuple[int, str] | None:
    """(line, message) naming the first byte that is not UTF-8, or None for valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return (
            line,
            f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line}) "
            "cannot be decoded; Looker reads LookML as UTF-8 (save the file as UTF-8)",
        )
    return None


def _parse_one(text: str, rel: str | None) -> ParsedFile:
    if rel is not None and rel.endswith(".dashboard.lookml"):
        from looker_ops.lookml.dashboards import parse_dashboard_text

        try:
            dashboards, problems = parse_dashboard_text(text, rel)
        except RecursionError:  # YAML nested just below libyaml's own depth limit
            return ParsedFile(None, (1, "invalid YAML: nested too deeply to read"), scan_ignores(text))
        return ParsedFile({"dashboards": dashboards, "problems": problems}, None, scan_ignores(text))
    return parse_text(text)


def parse_bytes(data: bytes, rel: str | None) -> ParsedFile:
    """Parse one file's bytes (a LookML file, or a dashboard when ``rel`` ends in
    ``.dashboard.lookml``); bytes that are not UTF-8 are replaced and named in ``encoding``."""
    parsed = _parse_one(_decode(data), rel)
    parsed.encoding = encoding_problem(data)
    return parsed


def _parse_batch_pickled(batch: list[tuple[str, str | None]]) -> list[tuple[bytes, bytes | None]]:
    """In a worker process: parse and pickle each result (the bytes the pack stores, sent as
    they are: they would otherwise be pickled a second time), with its file's digest."""
    return [(pickle.dumps(pf, protocol=pickle.HIGHEST_PROTOCOL), d) for pf, d in _parse_batch(batch)]


def _parse_batch(batch: list[tuple[str, str | None]]) -> list[tuple[ParsedFile, bytes | None]]:
    """Each file of ``batch`` (path, name in the project) parsed, with the SHA-256 of the bytes
    read (None when the file cannot be read)."""
    out: list[tuple[ParsedFile, bytes | None]] = []
    for path, rel in batch:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            out.append((ParsedFile(None, (1, f"cannot read file: {exc.strerror or exc}")), None))
            continue
        out.append((parse_bytes(data, rel), hashlib.sha256(data).digest()))
    return out


def parse_files(
    paths: Sequence[Path],
    *,
    cache_dir: Path | None,
    workers: int | None = None,
    rels: Sequence[str] | None = None,
    meanwhile: Callable[[], object] | None = None,
    digests: dict[Path, tuple[bytes, int]] | None = None,
    first: int = 0,
    between: Callable[[list[ParsedFile]], object] | None = None,
) -> list[ParsedFile]:
    """Parse every path (same order in the result), from the cache when the content is known.

    ``rels``: each path's name relative to the project; a ``.dashboard.lookml`` file is parsed
    as a dashboard (its result names the file, so its cache key includes the name).
    ``meanwhile``: called once, while the worker processes parse (at the end when there are
    none). ``digests``: :func:`file_digest` of paths the caller has read already; the digests
    of the files this parse reads are added to it. With no pack to look files up in, a file is
    hashed when it is parsed, in parallel, rather than before.
    ``between``: called once with the results of the first ``first`` paths as soon as they are
    parsed: when they are few enough, this process parses them first (after ``meanwhile``) and
    runs ``between`` while the workers parse the others (the loader builds the model from the
    .lkml files while the dashboards are read).

    The cache is one pack per project (:func:`pack_path`): the parsed form of each of its files,
    keyed by the file's content. It is read once, and written once when something changed,
    holding exactly the files of this parse (one file per project instead of one per source
    file: writing 800 small files cost more than parsing them)."""
    cdir = _usable_cache(cache_dir)
    pack = pack_path(cdir, paths) if cdir is not None else None
    old = read_pack(pack) if pack is not None else {}
    entries: dict[str, bytes] = {}  # what the pack holds after this parse
    results: list[ParsedFile | None] = [None] * len(paths)
    todo = _lookup(paths, rels, old, digests, results, entries)

    def keep(parsed: list[_Parsed]) -> None:
        for (i, _, key, size, rel), pf, blob, digest in parsed:
            results[i] = pf
            if digest is None:
                continue
            if digests is not None:
                digests[paths[i]] = (digest, size)
            if blob is not None:
                entries[key or _cache_key(digest, rel)] = blob

    def done() -> list[ParsedFile]:
        return [r if r is not None else ParsedFile(None, (1, "not parsed")) for r in results]

    called: list[bool] = []

    def then(parsed: list[_Parsed]) -> None:
        keep(parsed)
        called.append(True)
        if between is not None:
            between(done()[:first])

    if todo:
        reserved = [t for t in todo if t[0] < first] if between is not None else []
        keep(_parse_todo(todo, workers, pack is not None, meanwhile, reserved, then))
    elif meanwhile is not None:
        meanwhile()
    if between is not None and not called:
        between(done()[:first])
    if pack is not None and entries.keys() != old.keys():
        _write_pack(pack, entries)
    return done()


def _lookup(
    paths: Sequence[Path],
    rels: Sequence[str] | None,
    old: dict[str, bytes],
    digests: dict[Path, tuple[bytes, int]] | None,
    results: list[ParsedFile | None],
    entries: dict[str, bytes],
) -> list[_Todo]:
    """The files of ``paths`` to parse; the others' results (from the pack ``old``, or a file
    that cannot be read) go in ``results`` and their pack entries in ``entries``. Without a
    pack, a file is not hashed here: it is hashed when it is parsed (its key is left empty)."""
    todo: list[_Todo] = []
    for i, p in enumerate(paths):
        rel = rels[i] if rels is not None else None
        try:
            if not old and (digests is None or p not in digests):
                todo.append((i, str(p), "", p.stat().st_size, rel))
                continue
            digest, size = digests[p] if digests is not None and p in digests else file_digest(p)
        except OSError as exc:
            results[i] = ParsedFile(None, (1, f"cannot read file: {exc.strerror or exc}"))
            continue
        key = _cache_key(digest, rel)
        cached = old.get(key)
        hit = _unpickle(cached) if cached is not None else None
        if hit is not None and cached is not None:
            results[i] = hit
            entries[key] = cached
        else:
            todo.append((i, str(p), key, size, rel))
    return todo


def _chunks(todo: list[_Todo], n: int) -> list[list[_Todo]]:
    """``todo`` in chunks for ``n`` processes, the largest files first, each chunk a share of
    the bytes still left (``1 / 2n`` of them, at least ``1 / (n * CHUNKS_FLOOR)`` of all): big
    chunks first, small ones at the end, where the processes meet."""
    total = sum(t[3] for t in todo)
    floor = total / (n * CHUNKS_FLOOR)
    left = total
    chunks: list[list[_Todo]] = [[]]
    size = 0
    for t in sorted(todo, key=lambda t: -t[3]):
        if size >= max(left / (2 * n), floor):
            chunks.append([])
            left -= size
            size = 0
        chunks[-1].append(t)
        size += t[3]
    return chunks


def _parse_todo(
    todo: list[_Todo],
    workers: int | None,
    want_bytes: bool,
    meanwhile: Callable[[], object] | None,
    reserved: list[_Todo] | None = None,
    then: Callable[[list[_Parsed]], object] | None = None,
) -> list[_Parsed]:
    """Each file of ``todo`` with its parsed form (and that form pickled, when ``want_bytes``:
    for the pack), parsed in this process and ``workers - 1`` forked others.

    The files are cut in chunks (:func:`_chunks`) that every process takes in turn, from one
    counter they share, until none is left: this process once it has run ``meanwhile``. So the
    work is shared whatever ``meanwhile`` costs and however fast each process is. A worker
    sends its results once, at the end; the chunks of a worker that fails are parsed here.

    ``reserved`` (files of ``todo``) are parsed here first, right after ``meanwhile``, when they
    are at most this process's share of the bytes, and ``then`` is called with them while the
    workers parse on; otherwise ``then`` gets them once they are parsed, among the others."""
    n = workers if workers is not None else (os.cpu_count() or 1)
    total = sum(t[3] for t in todo)
    mine = reserved or []
    if sum(t[3] for t in mine) > total / max(n, 1):
        mine = []  # too much for this process's share: parsed like the others
    taken = {t[0] for t in mine}
    rest = [t for t in todo if t[0] not in taken] if mine else todo
    if n <= 1 or len(rest) < 8 or total < 200_000 or "fork" not in mp.get_all_start_methods():
        return _serial(todo, want_bytes, meanwhile, reserved or [], then)
    chunks = _chunks(rest, n)
    fork = mp.get_context("fork")
    procs = []
    try:
        counter = fork.Value("i", 0)
        for _ in range(n - 1):
            receive, send = fork.Pipe(duplex=False)
            proc = fork.Process(target=_parse_worker, args=(chunks, counter, send), daemon=True)
            proc.start()
            send.close()
            procs.append((proc, receive))
    except OSError:  # no process or shared lock can be made here (no /dev/shm, a process limit)
        if not procs:
            return _serial(todo, want_bytes, meanwhile, reserved or [], then)
    try:
        return _share(chunks, counter, procs, want_bytes, meanwhile, mine, then, reserved or [])
    finally:
        for proc, _ in procs:  # after an error here: no worker left behind
            if proc.is_alive():
                proc.terminate()
            proc.join()


def _share(
    chunks: list[list[_Todo]],
    counter: Any,
    procs: list[tuple[Any, Any]],
    want_bytes: bool,
    meanwhile: Callable[[], object] | None,
    mine: list[_Todo],
    then: Callable[[list[_Parsed]], object] | None,
    reserved: list[_Todo],
) -> list[_Parsed]:
    """This process's part of :func:`_parse_todo` once the workers run: ``meanwhile``, its
    reserved files and ``then``, chunks from the counter, then the workers' results."""
    if meanwhile is not None:
        meanwhile()
    out = _parsed_here(mine, want_bytes) if mine else []
    if mine and then is not None:
        then(out)
    done: set[int] = set()
    while (k := _claim(counter)) < len(chunks):
        out.extend(_parsed_here(chunks[k], want_bytes))
        done.add(k)
    for _proc, receive in procs:
        with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
            for k, blobs in receive.recv():
                out.extend((t, pickle.loads(b), b, d) for t, (b, d) in zip(chunks[k], blobs, strict=True))
                done.add(k)
        receive.close()
    for k in sorted(set(range(len(chunks))) - done):  # a worker failed: its chunks, here
        out.extend(_parsed_here(chunks[k], want_bytes))
    if not mine and then is not None:
        keys = {t[0] for t in reserved}
        then([x for x in out if x[0][0] in keys])
    return out


def _serial(
    todo: list[_Todo],
    want_bytes: bool,
    meanwhile: Callable[[], object] | None,
    reserved: list[_Todo],
    then: Callable[[list[_Parsed]], object] | None,
) -> list[_Parsed]:
    """Every file of ``todo`` parsed in this process (``reserved`` first, then ``then`` with
    them), then ``meanwhile``."""
    first = _parsed_here(reserved, want_bytes) if reserved else []
    if then is not None:
        then(first)
    keys = {t[0] for t in reserved}
    here = first + _parsed_here([t for t in todo if t[0] not in keys], want_bytes)
    if meanwhile is not None:
        meanwhile()
    return here


def _claim(counter: Any) -> int:
    """The index of the next chunk no process has taken (taken by the caller now)."""
    with counter.get_lock():
        k: int = counter.value
        counter.value = k + 1
    return k


def _parse_worker(chunks: list[list[_Todo]], counter: Any, send: Any) -> None:
    """In a forked worker: parse the chunks it takes, then send them back at once, pickled
    (the bytes the pack stores); on an error, send what it has (the rest is parsed again in
    the main process, which then meets the error itself)."""
    done: list[tuple[int, list[tuple[bytes, bytes | None]]]] = []
    try:
        while (k := _claim(counter)) < len(chunks):
            done.append((k, _parse_batch_pickled([(t[1], t[4]) for t in chunks[k]])))
    except Exception:  # the main process parses the chunk again and meets the error itself
        pass
    finally:
        send.send(done)
        send.close()


def _parsed_here(todo: list[_Todo], want_bytes: bool) -> list[_Parsed]:
    """The files of ``todo`` parsed in this process (pickled too, for the pack, when ``want_bytes``)."""
    parsed = _parse_batch([(t[1], t[4]) for t in todo])
    return [
        (t, pf, pickle.dumps(pf, protocol=pickle.HIGHEST_PROTOCOL) if want_bytes else None, d)
        for t, (pf, d) in zip(todo, parsed, strict=True)
    ]
