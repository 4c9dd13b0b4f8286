"""The hub as the cloud's containers: it is one workspace, and each kind of radio it reaches
locks through is one connected account (all of a driver's devices carry its id).

Nothing here is stored: the workspace is the store's id and the hub's name, the accounts are
derived from the devices, so they can never disagree with the devices' `connected_account_id`.
Creating, changing or deleting them has no meaning on a hub and is refused, saying why;
syncing an account has its locks' reconcilers read the locks again.
"""

from __future__ import annotations

import socket
from collections.abc import Callable

from gateway.domain.models import Device
from gateway.store import devices
from gateway.store.db import Store
from gateway.wire.errors import InvalidInput, NotFound, NotOnLocalHub
from gateway.wire.pagination import decode_cursor
from gateway.wire.views import connected_account_id
from gateway.wire.workspaces import (
    ConnectedAccount,
    ConnectedAccountRef,
    DeleteConnectedAccount,
    GetConnectedAccount,
    ListConnectedAccounts,
    UpdateConnectedAccount,
    Workspace,
    kind,
)

SIMULATED = "virtual"
ACCOUNTS_ARE_RADIOS = (
    "its connected accounts are the radios it reaches locks through (a Z-Wave network, Nuki "
    "locks over Bluetooth, simulated locks), which follow its config"
)
CANNOT_UPDATE = (
    f"{ACCOUNTS_ARE_RADIOS}: there is nothing to rename or set; rename or stop managing a lock "
    "with /devices/update"
)
CANNOT_DELETE = (
    f"{ACCOUNTS_ARE_RADIOS}: remove the radio from the config (or unpair the Nuki lock) to drop "
    "an account; stop managing a lock with /devices/update (is_managed false)"
)


def hub_name() -> str:
    """The name the hub goes by on the LAN (its mDNS service is called the same)."""
    return f"lockgw on {socket.gethostname()}"


class Workspaces:
    def __init__(self, store: Store, read_again: Callable[[str], None]) -> None:
        self.store = store
        self.read_again = read_again  # the lock's reconciler reads the lock again, now

    def workspace(self) -> Workspace:
        """The hub's one workspace: a sandbox when every lock it has is simulated."""
        found = devices.all_devices(self.store.conn)
        sandbox = bool(found) and all(d.driver == SIMULATED for d in found)
        return Workspace(self.store.workspace_id, hub_name(), is_sandbox=sandbox)

    def connected_accounts(
        self, p: ListConnectedAccounts
    ) -> tuple[list[ConnectedAccount], int | None]:
        """One page of the accounts, and the next page's position (None: the last page)."""
        p.refuse_set(("custom_metadata_has", "customer_key", "space_id", "user_identifier_key"))
        start = decode_cursor(p.page_cursor)
        found = list(_accounts(devices.all_devices(self.store.conn)).values())
        if p.search is not None:
            needle = p.search.lower()
            found = [a for a in found if _matches(a, needle)]
        end = start + p.limit if p.limit else len(found)
        return found[start:end], (end if end < len(found) else None)

    def connected_account(self, p: GetConnectedAccount) -> ConnectedAccount:
        if p.connected_account_id is not None:
            return self._account(p.connected_account_id)
        if p.email is not None:
            raise NotFound(
                "connected_account",
                f"No connected account with email {p.email}: {ACCOUNTS_ARE_RADIOS}",
            )
        raise InvalidInput({"connected_account_id": ["Required (or give email)"]})

    def sync(self, p: ConnectedAccountRef) -> None:
        """Read the account's locks again now: each lock's reconciler wakes."""
        self._account(p.connected_account_id)
        for device in devices.all_devices(self.store.conn):
            if connected_account_id(device.driver) == p.connected_account_id:
                self.read_again(device.device_id)

    def update(self, p: UpdateConnectedAccount) -> None:
        self._account(p.connected_account_id)
        raise NotOnLocalHub("/connected_accounts/update", CANNOT_UPDATE)

    def delete(self, p: DeleteConnectedAccount) -> None:
        self._account(p.connected_account_id)
        raise NotOnLocalHub("/connected_accounts/delete", CANNOT_DELETE)

    def _account(self, account_id: str) -> ConnectedAccount:
        found = _accounts(devices.all_devices(self.store.conn)).get(account_id)
        if found is None:
            raise NotFound("connected_account", f"No connected account {account_id}")
        return found


def _accounts(found: list[Device]) -> dict[str, ConnectedAccount]:
    """One account per driver that has devices, in the order the hub first saw each kind."""
    accounts: dict[str, ConnectedAccount] = {}
    for device in sorted(found, key=lambda d: d.created_at):
        account_id = connected_account_id(device.driver)
        if account_id not in accounts:
            accounts[account_id] = ConnectedAccount(account_id, device.driver, device.created_at)
    return accounts


def _matches(account: ConnectedAccount, needle: str) -> bool:
    account_type, display_name = kind(account.driver)
    return (
        needle in display_name.lower()
        or needle in account_type
        or needle == account.connected_account_id
    )
