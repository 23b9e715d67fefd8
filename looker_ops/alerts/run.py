"""``alerts test``: run one applied alert now (Looker's enqueue_alert, forced)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from looker_ops.errors import BadInput
from looker_ops.looker import alerts as res
from looker_ops.looker.changes import get, id_key

if TYPE_CHECKING:
    from looker_ops.config.alert_model import AlertSet
    from looker_ops.looker.client import LookerClient


def run_alert_now(client: LookerClient, spec: AlertSet, name: str) -> str:
    """Run the applied alert NAME now (enqueue_alert, forced): its destinations hear from it if
    its condition holds. Returns the alert id. The alert must be applied and as in the file."""
    a = spec.get(name)
    found = [x for x in res.read_current(client) if get(x, "custom_title") == a.title]
    if not found:
        raise BadInput(f"{a.where}: alert {name!r} is not on Looker: run `looker-ops alerts apply` first")
    aid = str(get(sorted(found, key=lambda x: id_key(get(x, "id")))[0], "id"))
    client.sdk.enqueue_alert(aid, force=True)
    return aid
