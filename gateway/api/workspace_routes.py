"""/workspaces/get|list and /connected_accounts/*: the hub as the cloud's containers.

/workspaces/create, /update and /reset_sandbox are not routed: they answer the cloud-only
refusal (gateway/wire/cloud_only.py), as every other call a hub does not have.
"""

from __future__ import annotations

from aiohttp import web

from gateway.api.pagination import pagination
from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.wire import workspaces as wire
from gateway.wire.workspaces import (
    ConnectedAccountRef,
    DeleteConnectedAccount,
    GetConnectedAccount,
    GetWorkspace,
    ListConnectedAccounts,
    UpdateConnectedAccount,
)


async def workspace_get(request: web.Request) -> web.Response:
    await parse(request, GetWorkspace)  # no parameters: an unknown one is refused
    return ok(workspace=wire.workspace(services(request).workspaces.workspace()))


async def workspace_list(request: web.Request) -> web.Response:
    await parse(request, GetWorkspace)
    return ok(workspaces=[wire.workspace(services(request).workspaces.workspace())])


async def account_get(request: web.Request) -> web.Response:
    account = services(request).workspaces.connected_account(
        await parse(request, GetConnectedAccount)
    )
    return ok(connected_account=wire.connected_account(account))


async def account_list(request: web.Request) -> web.Response:
    found, next_position = services(request).workspaces.connected_accounts(
        await parse(request, ListConnectedAccounts)
    )
    return ok(
        connected_accounts=[wire.connected_account(a) for a in found],
        pagination=pagination(request, next_position),
    )


async def account_sync(request: web.Request) -> web.Response:
    services(request).workspaces.sync(await parse(request, ConnectedAccountRef))
    return ok()


async def account_update(request: web.Request) -> web.Response:
    services(request).workspaces.update(await parse(request, UpdateConnectedAccount))
    return ok()  # never reached: the service refuses


async def account_delete(request: web.Request) -> web.Response:
    services(request).workspaces.delete(await parse(request, DeleteConnectedAccount))
    return ok()  # never reached: the service refuses


ROUTES: list[Route] = [
    ("/workspaces/get", GET_POST, workspace_get),
    ("/workspaces/list", GET_POST, workspace_list),
    ("/connected_accounts/get", GET_POST, account_get),
    ("/connected_accounts/list", GET_POST, account_list),
    ("/connected_accounts/sync", ("POST",), account_sync),
    ("/connected_accounts/update", ("PATCH", "POST"), account_update),
    ("/connected_accounts/delete", ("DELETE", "POST"), account_delete),
]
