"""Looker's date and time filter grammar (relative and absolute forms) -> date windows.

See :mod:`looker_ops.lookml.filters` for the forms; :func:`parse_date` is called by
:func:`~looker_ops.lookml.filters.parse_filter` with a naive UTC ``now``. Every time reached
must fall between :data:`EARLIEST` and :data:`LATEST` (else :class:`Unparsable`), so a huge
count or a far date fails at once instead of looping or overflowing.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from looker_ops.lookml.filter_clauses import EARLIEST, LATEST, RANGE_TEXT, Clause, DateWindow, Unparsable

__all__ = ["parse_date"]

_UNITS = {
    "second": "second",
    "seconds": "second",
    "minute": "minute",
    "minutes": "minute",
    "hour": "hour",
    "hours": "hour",
    "day": "day",
    "days": "day",
    "week": "week",
    "weeks": "week",
    "month": "month",
    "months": "month",
    "quarter": "quarter",
    "quarters": "quarter",
    "year": "year",
    "years": "year",
}
_UNIT = "(" + "|".join(sorted(_UNITS, key=len, reverse=True)) + ")"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _truncate(t: datetime, unit: str) -> datetime:
    if unit == "second":
        return t.replace(microsecond=0)
    if unit == "minute":
        return t.replace(second=0, microsecond=0)
    if unit == "hour":
        return t.replace(minute=0, second=0, microsecond=0)
    day = t.replace(hour=0, minute=0, second=0, microsecond=0)
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    if unit == "month":
        return day.replace(day=1)
    if unit == "quarter":
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    if unit == "year":
        return day.replace(month=1, day=1)
    raise AssertionError(unit)


def _add(t: datetime, n: int, unit: str) -> datetime:
    if unit in ("second", "minute", "hour", "day", "week"):
        return t + timedelta(**{unit + "s": n})
    months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
    index = t.year * 12 + (t.month - 1) + months
    year, month = divmod(index, 12)
    if not EARLIEST.year <= year <= LATEST.year:
        raise Unparsable(f"it reaches the year {year}: the filters handle {RANGE_TEXT}")
    # Only ever called on month-truncated times for these units, so day 1 is always valid;
    # clamp anyway for arbitrary absolute times (Jan 31 + 1 month -> Feb 28/29).
    for day in range(t.day, 27, -1):  # 31, 30, 29: the first that exists in the month
        try:
            return t.replace(year=year, month=month + 1, day=day)
        except ValueError:
            continue
    return t.replace(year=year, month=month + 1, day=min(t.day, 28))


_ABS_RE = re.compile(
    r"^(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2})"
    r"(?:[ t](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:z|[+-]00:?00)?)?)?)?$"
)


def _absolute(text: str) -> DateWindow | None:
    """``2026``, ``2026-11``, ``2026-11-01``, ``2026/11/01 10:00[:00]`` -> its whole period."""
    m = _ABS_RE.match(text)
    if not m:
        return None
    y, mo, d, hh, mi, ss = m.groups()
    try:
        if mo is None:
            start = datetime(int(y), 1, 1)
            return DateWindow(start, _add(start, 1, "year"))
        if d is None:
            start = datetime(int(y), int(mo), 1)
            return DateWindow(start, _add(start, 1, "month"))
        if hh is None:
            start = datetime(int(y), int(mo), int(d))
            return DateWindow(start, start + timedelta(days=1))
        start = datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
    except ValueError as exc:
        raise Unparsable(f"{text!r} is not a valid date ({exc})") from None
    return DateWindow(start, start + timedelta(seconds=1 if ss else 60))


def _single(text: str, now: datetime) -> DateWindow | None:
    """A time expression denoting one period (absolute or relative), or None."""
    t = text
    today = _truncate(now, "day")
    if t == "today":
        return DateWindow(today, today + timedelta(days=1))
    if t == "yesterday":
        return DateWindow(today - timedelta(days=1), today)
    if t == "tomorrow":
        return DateWindow(today + timedelta(days=1), today + timedelta(days=2))
    if t == "now":
        return DateWindow(now.replace(microsecond=0), now.replace(microsecond=0) + timedelta(seconds=1))
    if t in _WEEKDAYS:
        back = (today.weekday() - _WEEKDAYS.index(t)) % 7
        start = today - timedelta(days=back)
        return DateWindow(start, start + timedelta(days=1))
    m = re.fullmatch(rf"(this|last|next|previous) {_UNIT}", t)
    if m:
        unit = _UNITS[m.group(2)]
        if m.group(2) != unit:
            raise Unparsable(f"write '{m.group(1)} {unit}' (singular)")
        cur = _truncate(now, unit)
        shift = {"this": 0, "last": -1, "previous": -1, "next": 1}[m.group(1)]
        start = _add(cur, shift, unit)
        return DateWindow(start, _add(start, 1, unit))
    m = re.fullmatch(rf"(?:last )?(\d+) complete {_UNIT}", t)
    if m:
        n, unit = int(m.group(1)), _UNITS[m.group(2)]
        cur = _truncate(now, unit)
        return DateWindow(_add(cur, -n, unit), cur)
    m = re.fullmatch(rf"(?:last |past )?(\d+) {_UNIT}", t)
    if m:
        n, unit = int(m.group(1)), _UNITS[m.group(2)]
        if n < 1:
            raise Unparsable("the number of periods must be at least 1")
        cur = _truncate(now, unit)
        start = _add(cur, -(n - 1), unit)
        return DateWindow(start, _add(start, n, unit))
    m = re.fullmatch(rf"(\d+) {_UNIT} (ago|from now)", t)
    if m:
        n, unit = int(m.group(1)), _UNITS[m.group(2)]
        start = _add(_truncate(now, unit), -n if m.group(3) == "ago" else n, unit)
        return DateWindow(start, _add(start, 1, unit))
    return _absolute(t)


def parse_date(
    text: str, now: datetime
) -> tuple[tuple[Clause, ...], tuple[Clause, ...], tuple[DateWindow, ...]]:
    t = re.sub(r"\s+", " ", text.strip().lower())
    if not t:
        return (), (), ()
    if t == "null":
        return (Clause("null"),), (), ()
    if t in ("not null", "-null"):
        return (), (Clause("null", negated=True),), ()
    windows: list[DateWindow] = []
    for piece in t.split(","):
        window = _date_range(piece.strip(), now)
        for bound in (window.start, window.end):
            if bound is not None and not EARLIEST <= bound <= LATEST:
                raise Unparsable(
                    f"{piece.strip()!r} reaches {bound.year:04d}-{bound:%m-%d}: the filters handle {RANGE_TEXT}"
                )
        windows.append(window)
    clauses = tuple(Clause("window", window=w) for w in windows)
    return clauses, (), tuple(windows)


def _point(text: str, now: datetime, whole: str) -> datetime:
    w = _single(text, now)
    if w is None or w.start is None:
        raise Unparsable(f"{text!r} in {whole!r} is not a date or a relative time such as '3 days ago'")
    return w.start


def _date_range(t: str, now: datetime) -> DateWindow:
    if not t:
        raise Unparsable("empty value in the list")
    m = re.fullmatch(r"(before|after|on or after) (.+)", t)
    if m:
        point = _point(m.group(2), now, t)
        return DateWindow(None, point) if m.group(1) == "before" else DateWindow(point, None)
    m = re.fullmatch(rf"(.+?) for (\d+) {_UNIT}", t)
    if m:
        start = _point(m.group(1), now, t)
        n = int(m.group(2))
        if n < 1:
            raise Unparsable("the duration must be at least 1")
        return DateWindow(start, _add(start, n, _UNITS[m.group(3)]))
    m = re.fullmatch(r"(.+?) (?:to|until) (.+)", t)
    if m:
        start = _point(m.group(1), now, t)
        end = _point(m.group(2), now, t)
        if end <= start:
            raise Unparsable(f"the range ends ({m.group(2)!r}) before it starts ({m.group(1)!r})")
        return DateWindow(start, end)
    w = _single(t, now)
    if w is None:
        raise Unparsable(
            "expected a date (2026-11-01), a range (2026-11-01 to 2026-11-08), 'before'/'after' a "
            "date, or a relative form such as '7 days', 'last week', 'this month', '2 weeks ago', "
            "'7 days ago for 7 days', 'NULL'"
        )
    return w
