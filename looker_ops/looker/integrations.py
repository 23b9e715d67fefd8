"""Looker's action-hub integrations (read only): the ones Looker offers, and the check that a
destination's integration is offered and enabled, for schedules and alerts alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from looker_ops.errors import BadInput
from looker_ops.looker.changes import get

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient

__all__ = ["enabled_integration", "offered"]


def offered(client: LookerClient) -> dict[str, Any]:
    """Every integration Looker offers, by id (``1::slack_app``)."""
    return {str(get(i, "id")): i for i in client.sdk.all_integrations() or []}


def enabled_integration(known: dict[str, Any], integration_id: str | None, where: str) -> Any:
    """The integration ``integration_id`` of ``known``; BadInput (prefixed by ``where``: file,
    line, item and key) when Looker does not offer it or it is not enabled."""
    integ = known.get(str(integration_id))
    if integ is None:
        enabled = ", ".join(sorted(i for i, v in known.items() if get(v, "enabled"))) or "none"
        raise BadInput(
            f"{where}: Looker offers no integration {integration_id!r} (enabled integrations: {enabled}); "
            "an admin enables it under Admin > Actions"
        )
    if not get(integ, "enabled"):
        raise BadInput(f"{where}: integration {integration_id!r} is not enabled (Admin > Actions)")
    return integ
