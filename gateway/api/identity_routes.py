"""/user_identities/* and /spaces/*: parse, call the service, serialise."""

from __future__ import annotations

from aiohttp import web

from gateway.api.grant_routes import batch
from gateway.api.pagination import pagination
from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.wire import grants as wire
from gateway.wire import views
from gateway.wire.grants import (
    CreateSpace,
    CreateUserIdentity,
    GetSpace,
    GetUserIdentity,
    ListSpaces,
    ListUserIdentities,
    SpaceDevices,
    SpaceRef,
    SpacesRelated,
    UpdateSpace,
    UpdateUserIdentity,
    UserIdentityDevice,
    UserIdentityRef,
    batch_keys,
)

SPACE_RELATIONS = ("spaces", "devices", "access_methods")


async def user_create(request: web.Request) -> web.Response:
    svc = services(request)
    user = svc.user_identities.create(await parse(request, CreateUserIdentity))
    return ok(user_identity=wire.user_identity(user, svc.workspace_id))


async def user_get(request: web.Request) -> web.Response:
    svc = services(request)
    user = svc.user_identities.get(await parse(request, GetUserIdentity))
    return ok(user_identity=wire.user_identity(user, svc.workspace_id))


async def user_list(request: web.Request) -> web.Response:
    svc = services(request)
    found, next_seq = svc.user_identities.list(await parse(request, ListUserIdentities))
    return ok(
        user_identities=[wire.user_identity(u, svc.workspace_id) for u in found],
        pagination=pagination(request, next_seq),
    )


async def user_update(request: web.Request) -> web.Response:
    services(request).user_identities.update(await parse(request, UpdateUserIdentity))
    return ok()


async def user_delete(request: web.Request) -> web.Response:
    p = await parse(request, UserIdentityRef)
    services(request).user_identities.delete(p.user_identity_id)
    return ok()


async def grant_access(request: web.Request) -> web.Response:
    services(request).user_identities.grant_access_to_device(
        await parse(request, UserIdentityDevice)
    )
    return ok()


async def revoke_access(request: web.Request) -> web.Response:
    services(request).user_identities.revoke_access_to_device(
        await parse(request, UserIdentityDevice)
    )
    return ok()


async def accessible_devices(request: web.Request) -> web.Response:
    svc = services(request)
    p = await parse(request, UserIdentityRef)
    bodies = [
        views.device(d, svc.workspace_id)
        for d in svc.user_identities.accessible_devices(p.user_identity_id)
    ]
    return ok(devices=bodies, accessible_devices=bodies)


async def space_create(request: web.Request) -> web.Response:
    svc = services(request)
    space = svc.spaces.create(await parse(request, CreateSpace))
    return ok(space=wire.space(space, svc.workspace_id))


async def space_get(request: web.Request) -> web.Response:
    svc = services(request)
    space = svc.spaces.get(await parse(request, GetSpace))
    return ok(space=wire.space(space, svc.workspace_id))


async def space_list(request: web.Request) -> web.Response:
    svc = services(request)
    found, next_seq = svc.spaces.list(await parse(request, ListSpaces))
    return ok(
        spaces=[wire.space(s, svc.workspace_id) for s in found],
        pagination=pagination(request, next_seq),
    )


async def space_update(request: web.Request) -> web.Response:
    svc = services(request)
    space = svc.spaces.update(await parse(request, UpdateSpace))
    return ok(space=wire.space(space, svc.workspace_id))


async def space_delete(request: web.Request) -> web.Response:
    p = await parse(request, SpaceRef)
    services(request).spaces.delete(p.space_id)
    return ok()


async def space_add_devices(request: web.Request) -> web.Response:
    services(request).spaces.add_devices(await parse(request, SpaceDevices))
    return ok()


async def space_remove_devices(request: web.Request) -> web.Response:
    services(request).spaces.remove_devices(await parse(request, SpaceDevices))
    return ok()


async def space_get_related(request: web.Request) -> web.Response:
    p = await parse(request, SpacesRelated)
    related = services(request).related.of_spaces(p.space_ids or [], p.space_keys or [])
    return ok(batch=batch(request, related, batch_keys(SPACE_RELATIONS, p.include, p.exclude)))


ROUTES: list[Route] = [
    ("/user_identities/create", ("POST",), user_create),
    ("/user_identities/get", GET_POST, user_get),
    ("/user_identities/list", GET_POST, user_list),
    ("/user_identities/update", ("PATCH", "POST"), user_update),
    ("/user_identities/delete", ("DELETE", "POST"), user_delete),
    ("/user_identities/grant_access_to_device", ("POST", "PUT"), grant_access),
    ("/user_identities/revoke_access_to_device", ("DELETE", "POST"), revoke_access),
    ("/user_identities/list_accessible_devices", GET_POST, accessible_devices),
    ("/spaces/create", ("POST",), space_create),
    ("/spaces/get", GET_POST, space_get),
    ("/spaces/list", GET_POST, space_list),
    ("/spaces/update", ("PATCH", "POST"), space_update),
    ("/spaces/delete", ("DELETE", "POST"), space_delete),
    ("/spaces/add_devices", ("POST", "PUT"), space_add_devices),
    ("/spaces/remove_devices", ("DELETE", "POST"), space_remove_devices),
    ("/spaces/get_related", GET_POST, space_get_related),
]
