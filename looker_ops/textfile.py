"""Reading a user's text file: one policy for bytes that are not UTF-8.

Every file a user writes or hands over (looker-ops.yaml, schedules.yaml, a baseline, a geo-IP
CSV) is UTF-8 text. Bytes that are not are bad input (exit 2) named by file, line and byte
offset, never a ``UnicodeDecodeError`` traceback and never silently replaced.
"""

from __future__ import annotations

import codecs
import gzip
from collections.abc import Iterable
from pathlib import Path

from looker_ops.errors import BadInput

__all__ = ["decode_utf8", "locate_bad_utf8", "not_utf8", "not_utf8_file", "read_utf8"]


def not_utf8(file: object, data: bytes, exc: UnicodeDecodeError) -> BadInput:
    """``FILE:LINE: not UTF-8 text: byte 0xNN at byte offset N (save the file as UTF-8)``.

    ``data`` is the whole buffer that failed to decode (for the line number); ``exc.start`` is
    the offset of the first bad byte in it.
    """
    offset = exc.start
    line = data.count(b"\n", 0, offset) + 1
    bad = data[offset : offset + 1].hex() or "??"
    return BadInput(
        f"{file}:{line}: not UTF-8 text: byte 0x{bad} at byte offset {offset} (save the file as UTF-8)"
    )


def decode_utf8(data: bytes, file: object) -> str:
    """``data`` as text (a leading byte-order mark dropped); BadInput naming the first bad byte."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise not_utf8(file, data, exc) from None
    return text[1:] if text.startswith("\ufeff") else text


def read_utf8(path: Path) -> str:
    """The file's text. OSError (missing, unreadable) is the caller's to word; bad bytes are
    BadInput from :func:`decode_utf8`."""
    return decode_utf8(path.read_bytes(), path)


def locate_bad_utf8(chunks: Iterable[bytes]) -> tuple[int, int, int] | None:
    """(byte offset, 1-based line, the byte) of the first byte of ``chunks`` that is not UTF-8,
    or None when every byte is; for a file read as a stream (a large CSV, a gzip member)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset, line = 0, 1
    for chunk in chunks:
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            # The decoder keeps an unfinished sequence from the previous chunk: exc.object holds
            # it in front of this chunk.
            start = offset - (len(exc.object) - len(chunk)) + exc.start
            head = exc.object[: exc.start]
            return (
                start,
                line + head.count(b"\n") - _carried_newlines(exc.object, chunk),
                exc.object[exc.start],
            )
        offset += len(chunk)
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return offset - (len(exc.object) - exc.start), line, exc.object[exc.start]
    return None


def _carried_newlines(obj: bytes, chunk: bytes) -> int:
    """Newlines in the carried-over prefix (none: an unfinished UTF-8 sequence holds no newline)."""
    return obj[: len(obj) - len(chunk)].count(b"\n")


def not_utf8_file(path: Path) -> BadInput:
    """The BadInput for a file (plain or ``.gz``) found not to be UTF-8 while streaming it: the
    file is read again as bytes to name the first bad byte."""
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as fh:
            found = locate_bad_utf8(iter(lambda: fh.read(1 << 16), b""))
    except OSError as exc:
        return BadInput(f"{path}: cannot read ({exc.strerror or exc})")
    if found is None:
        return BadInput(f"{path}: not UTF-8 text (save the file as UTF-8)")
    offset, line, byte = found
    where = " of the uncompressed text" if path.suffix == ".gz" else ""
    return BadInput(
        f"{path}:{line}: not UTF-8 text: byte 0x{byte:02x} at byte offset {offset}{where} (save the file as UTF-8)"
    )
