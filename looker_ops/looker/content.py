"""Content validation: the errors Looker's content validator reports on the block's content.

The block's content is every dashboard (and look) in the block's folder plus the block's
dashboards wherever they are. A deploy compares the errors after it with those before it: only
*new* errors on the block's content fail it (someone else's broken Look is not our deploy's fault,
and an error that was already there is not a regression).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from looker_sdk.rtl.model import DelimSequence

from looker_ops.looker.changes import get

if TYPE_CHECKING:
    from looker_ops.looker.client import LookerClient


@dataclass(frozen=True)
class ContentError:
    content: str  # e.g. "dashboard 'CloudTrail overview' (id 12), tile 'Events by region'"
    content_id: str
    message: str
    field: str = ""
    model: str = ""
    explore: str = ""

    def key(self) -> tuple[str, str, str, str, str]:
        return (self.content_id, self.message, self.field, self.model, self.explore)

    def line(self) -> str:
        where = [
            f"{label} {value}"
            for label, value in (("model", self.model), ("explore", self.explore), ("field", self.field))
            if value
        ]
        return f"{self.content}: {self.message}" + (f" ({', '.join(where)})" if where else "")

    def as_dict(self) -> dict[str, str]:
        return {
            "content": self.content,
            "content_id": self.content_id,
            "message": self.message,
            "field": self.field,
            "model": self.model,
            "explore": self.explore,
        }


def _folder_id(obj: Any) -> str | None:
    folder = get(obj, "folder")
    fid = get(folder, "id")
    return str(fid) if fid is not None else None


def parse(result: Any, folder_id: str | None, dashboard_ids: set[str]) -> list[ContentError]:
    """Pure: the errors of a ContentValidation answer that concern the block's content."""
    out: list[ContentError] = []
    for item in get(result, "content_with_errors") or []:
        dash = get(item, "dashboard")
        element = get(item, "dashboard_element")
        look = get(item, "look")
        dash_id = get(dash, "id") or get(element, "dashboard_id")
        mine = False
        desc = ""
        cid = ""
        if dash_id is not None:
            dash_id = str(dash_id)
            mine = dash_id in dashboard_ids or (folder_id is not None and _folder_id(dash) == folder_id)
            desc = f"dashboard '{get(dash, 'title') or dash_id}' (id {dash_id})"
            cid = f"dashboard:{dash_id}"
            flt = get(item, "dashboard_filter")
            if element is not None:
                title = get(element, "title") or get(element, "title_text") or get(element, "id")
                desc += f", tile '{title}'"
                cid += f":{get(element, 'id') or title}"
            elif flt is not None:
                title = get(flt, "title") or get(flt, "name") or get(flt, "id")
                desc += f", filter '{title}'"
                cid += f":filter:{get(flt, 'id') or title}"
        elif look is not None:
            mine = folder_id is not None and _folder_id(look) == folder_id
            desc = f"look '{get(look, 'title')}' (id {get(look, 'id')})"
            cid = f"look:{get(look, 'id')}"
        if not mine:
            continue
        for e in get(item, "errors") or []:
            out.append(
                ContentError(
                    content=desc,
                    content_id=cid,
                    message=str(get(e, "message") or "(no message)"),
                    field=str(get(e, "field_name") or ""),
                    model=str(get(e, "model_name") or ""),
                    explore=str(get(e, "explore_name") or ""),
                )
            )
    return out


def read_errors(client: LookerClient, folder_id: str | None, dashboard_ids: set[str]) -> list[ContentError]:
    """Run Looker's content validator and keep the errors on the block's content."""
    # Only the block's folder is validated when it is known: much faster on a big instance.
    spaces = DelimSequence([folder_id]) if folder_id is not None else None
    result = client.sdk.content_validation(space_ids=spaces)
    return parse(result, folder_id, dashboard_ids)


def new_errors(before: list[ContentError], after: list[ContentError]) -> list[ContentError]:
    """Errors in ``after`` that were not in ``before`` (compared by content, message and field)."""
    seen = {e.key() for e in before}
    return [e for e in after if e.key() not in seen]
