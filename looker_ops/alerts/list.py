"""``alerts list``: every alert on the block's dashboards (anyone's) and every looker-ops alert
elsewhere, each compared with the file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from looker_ops.looker import alerts as res
from looker_ops.looker.changes import get

if TYPE_CHECKING:
    from looker_ops.config.alert_model import AlertSet
    from looker_ops.looker.client import LookerClient


@dataclass
class AlertRow:
    id: str
    title: str
    managed: bool
    in_file: str  # yes | differs | no | -
    dashboard: str
    element_id: str | None
    field: str
    condition: str
    cron: str
    destinations: list[str]
    owner: str
    disabled: bool

    def as_dict(self) -> dict[str, Any]:
        return dict(vars(self))


_SYMBOLS = {
    "GREATER_THAN": ">",
    "GREATER_THAN_OR_EQUAL_TO": ">=",
    "LESS_THAN": "<",
    "LESS_THAN_OR_EQUAL_TO": "<=",
    "EQUAL_TO": "=",
    "INCREASES_BY": "increases by",
    "DECREASES_BY": "decreases by",
    "CHANGES_BY": "changes by",
}


def list_alerts(client: LookerClient, spec: AlertSet) -> list[AlertRow]:
    """Every alert on the block's dashboards (anyone's) and every marked alert elsewhere."""
    tiles = res.resolve_tiles(client, spec)
    slugs = {t.dashboard_id: t.dashboard for t in tiles.values() if t.dashboard_id}
    for a in spec.alerts:
        if a.dashboard not in slugs.values():
            d = res.find_dashboard(client, a.dashboard)
            if d is not None:
                slugs[str(get(d, "id"))] = a.dashboard
    by_title = {a.title: a for a in spec.alerts}
    rows = []
    for x in res.read_current(client):
        did = str(get(x, "investigative_content_id") or "")
        managed = res.is_managed(x)
        if did not in slugs and not managed:
            continue
        cur = res.current_fields(x)
        mine = by_title.get(str(get(x, "custom_title"))) if managed else None
        if not managed:
            in_file = "-"
        elif mine is None:
            in_file = "no"
        else:
            in_file = "differs" if res.diff(res.desired(mine, tiles[mine.name].element_id), x) else "yes"
        threshold = cur["threshold"]
        rows.append(
            AlertRow(
                id=str(get(x, "id")),
                title=str(get(x, "custom_title") or get(cur, "field") or ""),
                managed=managed,
                in_file=in_file,
                dashboard=slugs.get(did, did or "?"),
                element_id=cur["dashboard_element_id"],
                field=str(cur["field"] or ""),
                condition=f"{_SYMBOLS.get(str(cur['comparison_type']), cur['comparison_type'])} {threshold:g}"
                if threshold is not None
                else str(cur["comparison_type"]),
                cron=cur["cron"],
                destinations=[res.dest_label(d) for d in cur["destinations"]],
                owner=str(get(x, "owner_display_name") or get(x, "owner_id") or ""),
                disabled=cur["is_disabled"],
            )
        )
    return rows
