"""The wall clock, read in one place.

Every "now" and "today" of the product comes from here, so a test pins time by replacing
``clock.now`` (tests/conftest.py does it for the whole suite) and no result depends on the day
the suite runs. Call it as ``clock.now()`` (module attribute), never ``from ... import now``.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current time, UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC."""
    return now().date()


def yesterday() -> dt.date:
    """Yesterday's date in UTC: the last full day of logs."""
    return today() - dt.timedelta(days=1)
