"""Filter values Looker cannot read (``REF012``), shared by the reference rules."""

from __future__ import annotations

from looker_ops.check.rules.base import rule
from looker_ops.findings import Severity
from looker_ops.lookml.model import Field

F = "references"
BAD_FILTER_VALUE = rule(
    "REF012",
    Severity.ERROR,
    "filter value Looker cannot read",
    F,
    "A filter expression that is not valid for the type of the field it filters (Looker's filter grammar).",
    "filters:\n  cloudtrail_logs.events: '>ten'",
    "filters:\n  cloudtrail_logs.events: '>10'",
)


def filter_error(f: Field | None, value: str | None, kind: str | None = None) -> str | None:
    """Why ``value`` is not a valid filter expression for ``f`` (None when it is, or unknown)."""
    from looker_ops.errors import BadInput
    from looker_ops.lookml.filters import filter_kind, parse_filter

    if value is None or (f is None and kind is None):
        return None
    k = kind or filter_kind(f.type if f else None, f.timeframe if f else None)
    try:
        parse_filter(str(value), k, name=f.ref if f else "filter")
    except BadInput as exc:
        return exc.message
    except Exception:  # a grammar the parser does not know: not this rule's business
        return None
    return None
