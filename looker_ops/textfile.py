"""Reading a user's text file: one policy for bytes that are not UTF-8.

Every file a user writes or hands over (looker-ops.yaml, schedules.yaml, a baseline, a geo-IP
CSV) is UTF-8 text. Bytes that are not are bad input (exit 2) named by file, line and byte
offset, never a ``UnicodeDecodeError`` traceback and never silently replaced.
"""

from __future__ import annotations

from pathlib import Path

from looker_ops.errors import BadInput

__all__ = ["decode_utf8", "not_utf8", "read_utf8"]


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
