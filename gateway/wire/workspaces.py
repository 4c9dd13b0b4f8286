"""The hub as the cloud's containers, in the cloud's JSON: one `workspace`, and a `connected
account` per kind of radio the hub reaches locks through (Z-Wave network, Nuki over Bluetooth,
simulated locks). The requests of /workspaces/* and /connected_accounts/* are here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from pydantic import Field

from gateway.domain.timefmt import to_iso
from gateway.wire.requests import Params


@dataclass(frozen=True)
class Workspace:
    workspace_id: str
    name: str
    is_sandbox: bool  # every lock the hub has is simulated (`lockgw serve --sim`)


@dataclass(frozen=True)
class ConnectedAccount:
    """The locks of one driver kind: their `connected_account_id` (views.device) is this one's."""

    connected_account_id: str
    driver: str
    created_at: datetime  # when the hub first saw a lock of this kind


# driver -> (account_type, display name)
_KINDS: dict[str, tuple[str, str]] = {
    "zwave": ("zwave", "Z-Wave network"),
    "nuki": ("nuki", "Nuki locks over Bluetooth"),
    "virtual": ("virtual", "Simulated locks"),
}


class GetWorkspace(Params):
    pass


class GetConnectedAccount(Params):
    connected_account_id: str | None = None
    email: str | None = None


class ListConnectedAccounts(Params):
    search: Annotated[str, Field(min_length=1)] | None = None
    limit: Annotated[int, Field(ge=1)] | None = None
    page_cursor: str | None = None
    # The cloud's customer and metadata filters: refused rather than silently ignored.
    custom_metadata_has: dict[str, Any] | None = None
    customer_key: str | None = None
    space_id: str | None = None
    user_identifier_key: str | None = None


class ConnectedAccountRef(Params):
    connected_account_id: str


class DeleteConnectedAccount(ConnectedAccountRef):
    sync: bool | None = None  # internal to the cloud


class UpdateConnectedAccount(Params):
    connected_account_id: str
    accepted_capabilities: list[str] | None = None
    automatically_manage_new_devices: bool | None = None
    custom_metadata: dict[str, Any] | None = None
    customer_key: str | None = None
    display_name: str | None = None


def workspace(ws: Workspace) -> dict[str, Any]:
    return {
        "workspace_id": ws.workspace_id,
        "name": ws.name,
        "company_name": ws.name,
        "connect_partner_name": None,
        "is_sandbox": ws.is_sandbox,
        "is_suspended": False,
        "is_publishable_key_auth_enabled": False,
        "connect_webview_customization": {},
        "organization_id": None,
    }


def kind(driver: str) -> tuple[str, str]:
    """(account_type, display name) of the account a driver's locks belong to."""
    return _KINDS.get(driver, (driver, f"{driver} locks"))


def connected_account(account: ConnectedAccount) -> dict[str, Any]:
    account_type, display_name = kind(account.driver)
    return {
        "connected_account_id": account.connected_account_id,
        "account_type": account_type,
        "account_type_display_name": display_name,
        "display_name": display_name,
        "created_at": to_iso(account.created_at),
        "errors": [],
        "warnings": [],
        "custom_metadata": {},
        "automatically_manage_new_devices": True,
        "accepted_capabilities": ["lock"],
    }
