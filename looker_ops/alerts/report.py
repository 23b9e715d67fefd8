"""What ``alerts apply`` (and the deploy's alerts step) planned and did: :class:`Report`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from looker_ops.looker import alerts as res
from looker_ops.schedules.report import DeliveryReport


@dataclass
class Report(DeliveryReport):
    """What ``alerts apply`` planned and did: printable and JSON-able, secrets never included."""

    NOUN: ClassVar[str] = "alerts"
    KIND: ClassVar[str] = res.KIND
    ITEMS: ClassVar[str] = "alert"
