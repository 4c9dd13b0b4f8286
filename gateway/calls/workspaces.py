"""/workspaces/get|list and /connected_accounts/*: the hub as the cloud's containers.

/workspaces/create, /update and /reset_sandbox are not routed: they answer the cloud-only
refusal (gateway/wire/cloud_only.py), as every other call a hub does not have.
"""

from __future__ import annotations

from gateway.calls.call import Answer, Call, Route, changing, reading
from gateway.wire import workspaces as wire
from gateway.wire.workspaces import (
    ConnectedAccountRef,
    DeleteConnectedAccount,
    GetConnectedAccount,
    GetWorkspace,
    ListConnectedAccounts,
    UpdateConnectedAccount,
)


def workspace_get(call: Call) -> Answer:
    call.params(GetWorkspace)  # no parameters: an unknown one is refused
    return {"workspace": wire.workspace(call.services.workspaces.workspace())}


def workspace_list(call: Call) -> Answer:
    call.params(GetWorkspace)
    return {"workspaces": [wire.workspace(call.services.workspaces.workspace())]}


def account_get(call: Call) -> Answer:
    account = call.services.workspaces.connected_account(call.params(GetConnectedAccount))
    return {"connected_account": wire.connected_account(account)}


def account_list(call: Call) -> Answer:
    found, next_position = call.services.workspaces.connected_accounts(
        call.params(ListConnectedAccounts)
    )
    return {
        "connected_accounts": [wire.connected_account(a) for a in found],
        "pagination": call.pagination(next_position),
    }


def account_sync(call: Call) -> Answer:
    call.services.workspaces.sync(call.params(ConnectedAccountRef))
    return {}


def account_update(call: Call) -> Answer:
    call.services.workspaces.update(call.params(UpdateConnectedAccount))
    return {}  # never reached: the service refuses


def account_delete(call: Call) -> Answer:
    call.services.workspaces.delete(call.params(DeleteConnectedAccount))
    return {}  # never reached: the service refuses


ROUTES: list[Route] = [
    reading("/workspaces/get", workspace_get),
    reading("/workspaces/list", workspace_list),
    reading("/connected_accounts/get", account_get),
    reading("/connected_accounts/list", account_list),
    changing("/connected_accounts/sync", account_sync),
    changing("/connected_accounts/update", account_update),
    changing("/connected_accounts/delete", account_delete),
]
