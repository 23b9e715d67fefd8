"""One findings model, many renderers.

A :class:`Finding` has a stable ``code`` (e.g. ``ATH001``), a ``severity``, a ``message`` a
person can act on, and where one exists the ``file`` (relative to the project root) and
``line``. ``where`` names the LookML object (``view:cloudtrail_logs/dimension:actor``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from enum import StrEnum

# Codes of a file that cannot be read as LookML or YAML: listed first in every report, since
# findings elsewhere may follow from them.
PARSE_ERRORS = frozenset(["LKM001", "DSH001"])


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"

    @property
    def rank(self) -> int:
        return {"info": 0, "warning": 1, "error": 2}[self.value]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    where: str | None = None

    def to_dict(self) -> dict[str, object]:
        d = asdict(self)
        d["severity"] = self.severity.value
        return d

    def sort_key(self) -> tuple[str, int, str, str]:
        return (self.file or "", self.line or 0, self.code, self.message)

    def report_key(self) -> tuple[bool, str, int, str, str]:
        """The order of a report: files that do not parse (PARSE_ERRORS) first, as a compiler
        lists them, then by file, line, code, message."""
        return (self.code not in PARSE_ERRORS, *self.sort_key())
