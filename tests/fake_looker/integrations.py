"""Action-hub integrations (GET /integrations, GET /integrations/{id}), read-only.

The fake offers none by default. Seed them with :func:`add_integration`:

    from tests.fake_looker.integrations import add_integration
    add_integration(fake, "1::slack_app", "Slack", formats=["wysiwyg_pdf", "csv_zip"])

Looker's ids are ``<hub id>::<action name>``; a scheduled plan destination reaches one with
``type: "looker-integration://<id>"``.
"""

from __future__ import annotations

from typing import Any

from tests.fake_looker.core import FakeLooker, Request, not_found, route, select_fields


def add_integration(
    fake: FakeLooker,
    integration_id: str,
    label: str,
    *,
    enabled: bool = True,
    formats: list[str] | None = None,
    action_types: list[str] | None = None,
) -> dict[str, Any]:
    hub = integration_id.split("::", 1)[0]
    rec: dict[str, Any] = {
        "can": {},
        "id": integration_id,
        "integration_hub_id": hub,
        "label": label,
        "description": f"{label} (fake action hub)",
        "enabled": enabled,
        "params": [],
        "supported_formats": list(formats or []),
        "supported_action_types": list(action_types or ["query", "dashboard"]),
        "supported_formattings": [],
        "supported_visualization_formattings": [],
        "supported_download_settings": ["push"],
        "icon_url": None,
        "uses_oauth": False,
        "required_fields": [],
        "privacy_link": None,
        "delegate_oauth": False,
        "installed_delegate_oauth_targets": [],
    }
    fake.table("integrations")[integration_id] = rec
    return rec


@route("GET", "/integrations", "all_integrations")
def all_integrations(fake: FakeLooker, req: Request) -> Any:
    hub = req.query.get("integration_hub_id")
    out = [
        dict(i) for i in fake.table("integrations").values() if hub is None or i["integration_hub_id"] == hub
    ]
    fields = req.query.get("fields")
    return [select_fields(i, fields) for i in out] if fields else out


@route("GET", "/integrations/{integration_id}", "integration")
def integration(fake: FakeLooker, req: Request) -> Any:
    rec = fake.table("integrations").get(req.params["integration_id"])
    if rec is None:
        raise not_found()
    return dict(rec)


def _scenario_all(client: Any, fake: FakeLooker) -> None:
    add_integration(fake, "1::slack_app", "Slack", formats=["wysiwyg_pdf"])
    (found,) = client.sdk.all_integrations()
    assert found.id == "1::slack_app" and found.enabled is True


def _scenario_one(client: Any, fake: FakeLooker) -> None:
    add_integration(fake, "1::slack_app", "Slack")
    assert client.sdk.integration("1::slack_app").label == "Slack"


# Run by tests/test_fake_looker_contract.py (test_other_modules_scenarios) under the spec checks.
CONTRACT_SCENARIOS = {"all_integrations": _scenario_all, "integration": _scenario_one}
