"""Crontab expressions of ``schedules.yaml``: checked offline as Looker's scheduler reads them.

Five fields (minute hour day-of-month month day-of-week), Vixie-style: items ``*``, ``n``,
``a-b``, ``*/s`` or ``a-b/s`` in comma lists; month and day-of-week take names (JAN..DEC,
SUN..SAT); day-of-week 7 is Sunday. An expression that is well-formed but never fires (``0 7 31
2 *``: there is no 31 February) is refused too: a schedule that never sends is a mistake.
When it fires (:func:`cron_times`) and how close two runs come (:func:`min_interval_minutes`)
are what ``alerts`` need: Looker refuses an alert under 15 minutes apart.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "DAYS",
    "MONTHS",
    "CronError",
    "canonical_cron",
    "cron_times",
    "cron_values",
    "min_interval_minutes",
    "normalize_cron",
    "validate_cron",
]

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
DAYS = ("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT")


@dataclass(frozen=True)
class _CronField:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()
    name_base: int = 0


_CRON_FIELDS = (
    _CronField("minute", 0, 59),
    _CronField("hour", 0, 23),
    _CronField("day-of-month", 1, 31),
    _CronField("month", 1, 12, MONTHS, 1),
    _CronField("day-of-week", 0, 7, DAYS, 0),
)


class CronError(ValueError):
    """A crontab expression that is not valid; the message names the field and the reason."""


def _cron_number(f: _CronField, text: str) -> int:
    if f.names and text.upper() in f.names:
        return f.names.index(text.upper()) + f.name_base
    if not text.isdigit():
        hint = f" or a name {f.names[0]}..{f.names[-1]}" if f.names else ""
        raise CronError(f"{f.name} field: {text!r} is not a number{hint}")
    value = int(text)
    if not f.low <= value <= f.high:
        raise CronError(f"{f.name} field: {value} is out of range {f.low}-{f.high}")
    return value


def _cron_item(f: _CronField, item: str) -> set[int]:
    """The values one comma item of a field stands for."""
    if item == "":
        raise CronError(f"{f.name} field: empty item in a comma list")
    base, slash, step_text = item.partition("/")
    step = 1
    if slash:
        if not step_text.isdigit() or int(step_text) < 1:
            raise CronError(
                f"{f.name} field: step {step_text!r} in {item!r} must be a whole number of 1 or more"
            )
        if base != "*" and "-" not in base:
            raise CronError(f"{f.name} field: {item!r}: a step needs * or a range before it (*/{step_text})")
        step = int(step_text)
    if base == "*":
        return set(range(f.low, f.high + 1, step))
    low_text, dash, high_text = base.partition("-")
    low = _cron_number(f, low_text)
    high = _cron_number(f, high_text) if dash else low
    if high < low:
        raise CronError(f"{f.name} field: range {base!r} runs backwards")
    return set(range(low, high + 1, step))


# The most days each month can have (February: 29, in leap years).
_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def validate_cron(expr: str) -> None:
    """Raise :class:`CronError` unless ``expr`` is a five-field Vixie-style crontab expression
    that fires at least once.

    Items are ``*``, ``n``, ``a-b``, ``*/s`` or ``a-b/s`` in comma lists; month and day-of-week
    take names (JAN..DEC, SUN..SAT); day-of-week 7 is Sunday. Macros (``@daily``) and six-field
    expressions with seconds are refused.
    """
    text = expr.strip()
    if text.startswith("@"):
        raise CronError(f"{text!r}: macros such as @daily are not accepted; write the five fields")
    parts = text.split()
    if len(parts) != 5:
        raise CronError(
            f"{expr!r} has {len(parts)} field(s); expected 5: minute hour day-of-month month day-of-week"
        )
    values = []
    for f, part in zip(_CRON_FIELDS, parts, strict=True):
        found: set[int] = set()
        for item in part.split(","):
            found |= _cron_item(f, item)
        values.append(found)
    days, months = values[2], values[3]
    # cron runs on a day that matches day-of-month OR day-of-week when both are restricted (do
    # not start with *): only a restricted day-of-month with an open day-of-week can be empty.
    open_weekday = parts[4].startswith("*") and not parts[2].startswith("*")
    if open_weekday and not any(d <= _MONTH_DAYS[m - 1] for m in months for d in days):
        shown = ", ".join(MONTHS[m - 1] for m in sorted(months))
        raise CronError(f"{normalize_cron(expr)!r} never fires: no day {parts[2]} in {shown}")


def cron_values(expr: str) -> list[set[int]]:
    """The five fields of a valid expression as the sets of values they stand for (minute,
    hour, day-of-month, month, day-of-week; day-of-week 7 counted as 0, Sunday)."""
    out = []
    for f, part in zip(_CRON_FIELDS, expr.split(), strict=True):
        values: set[int] = set()
        for item in part.split(","):
            values |= _cron_item(f, item)
        if f.name == "day-of-week" and 7 in values:
            values = (values - {7}) | {0}
        out.append(values)
    return out


def normalize_cron(expr: str) -> str:
    """The expression with single blanks between fields, as sent to Looker."""
    return " ".join(expr.split())


def canonical_cron(expr: str) -> str:
    """The expression by meaning, for comparison: names as numbers (MON -> 1, JAN -> 1).

    So a plan stays unchanged whether Looker keeps ``0 7 * * MON`` as written or as ``0 7 * * 1``.
    """
    parts = expr.split()
    if len(parts) != 5:
        return normalize_cron(expr)
    out = []
    for f, part in zip(_CRON_FIELDS, parts, strict=True):
        if f.names:
            for i, name in enumerate(f.names):
                part = re.sub(rf"(?i)\b{name}\b", str(i + f.name_base), part)
        out.append(part)
    return " ".join(out)


def cron_times(expr: str, start: dt.datetime, end: dt.datetime, tz: str = "UTC") -> Iterator[dt.datetime]:
    """Every time in ``[start, end)`` (aware datetimes) the cron fires, read in zone ``tz``,
    returned in UTC. Vixie semantics: when both day fields are restricted, either may match."""
    fields = cron_values(normalize_cron(expr))
    minutes, hours = fields[0], fields[1]
    parts = normalize_cron(expr).split()
    dom_any, dow_any = parts[2].startswith("*"), parts[4].startswith("*")
    zone = zoneinfo.ZoneInfo(tz)
    t = start.astimezone(zone).replace(second=0, microsecond=0)
    if t < start:
        t += dt.timedelta(minutes=1)
    seen: set[dt.datetime] = set()
    while t < end:
        if _day_matches(fields, dom_any, dow_any, t.date()):
            if t.hour in hours:
                if t.minute in minutes:
                    u = t.astimezone(dt.UTC)
                    if u not in seen:
                        seen.add(u)
                        yield u
                t += dt.timedelta(minutes=1)
            else:
                t = (t + dt.timedelta(hours=1)).replace(minute=0)
        else:
            t = (t + dt.timedelta(days=1)).replace(hour=0, minute=0)


def _day_matches(fields: list[set[int]], dom_any: bool, dow_any: bool, day: dt.date) -> bool:
    _, _, doms, months, dows = fields
    if day.month not in months:
        return False
    by_dom, by_dow = day.day in doms, (day.isoweekday() % 7) in dows
    return by_dom and by_dow if dom_any or dow_any else by_dom or by_dow


def min_interval_minutes(expr: str) -> int:
    """The shortest gap between two runs of a valid cron expression, in minutes. Across
    midnight only when the cron runs on two days in a row (checked over four years of days)."""
    text = normalize_cron(expr)
    fields = cron_values(text)
    minutes, hours = fields[0], fields[1]
    parts = text.split()
    in_day = sorted(h * 60 + m for h in hours for m in minutes)
    gaps = [b - a for a, b in itertools.pairwise(in_day)]
    best = min(gaps) if gaps else 24 * 60
    first = dt.date(2028, 1, 1)
    runs = [
        _day_matches(fields, parts[2].startswith("*"), parts[4].startswith("*"), first + dt.timedelta(days=i))
        for i in range(4 * 366)
    ]
    if any(a and b for a, b in itertools.pairwise(runs)):
        best = min(best, in_day[0] + 24 * 60 - in_day[-1])
    return best
