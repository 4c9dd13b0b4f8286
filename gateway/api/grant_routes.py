"""/access_grants/* and /access_methods/*: parse, call the service, serialise."""

from __future__ import annotations

from aiohttp import web

from gateway.api.pagination import pagination
from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.service.related import Related
from gateway.wire import grants as wire
from gateway.wire import views
from gateway.wire.grants import (
    AccessGrantRef,
    AccessMethodRef,
    CreateAccessGrant,
    DeleteAccessMethods,
    GetAccessGrant,
    GrantsRelated,
    ListAccessGrants,
    ListAccessMethods,
    MethodsRelated,
    RequestAccessMethods,
    UpdateAccessGrant,
    batch_keys,
)

GRANT_RELATIONS = ("spaces", "devices", "user_identities", "access_methods")
METHOD_RELATIONS = ("access_grants", "access_methods", "spaces", "devices")


def batch(request: web.Request, related: Related, keys: list[str]) -> dict[str, object]:
    """A get_related answer: each kind of resource asked for, rendered as its own call does."""
    ws = services(request).workspace_id
    render = {
        "access_grants": lambda: [wire.access_grant(g, ws) for g in related.access_grants],
        "access_methods": lambda: [wire.access_method(m, ws) for m in related.access_methods],
        "spaces": lambda: [wire.space(s, ws) for s in related.spaces],
        "devices": lambda: [views.device(d, ws) for d in related.devices],
        "user_identities": lambda: [wire.user_identity(u, ws) for u in related.user_identities],
    }
    return {key: render[key]() for key in keys}


async def create(request: web.Request) -> web.Response:
    svc = services(request)
    grant = svc.access_grants.create(await parse(request, CreateAccessGrant))
    return ok(access_grant=wire.access_grant(grant, svc.workspace_id))


async def get(request: web.Request) -> web.Response:
    svc = services(request)
    grant = svc.access_grants.get(await parse(request, GetAccessGrant))
    return ok(access_grant=wire.access_grant(grant, svc.workspace_id))


async def list_grants(request: web.Request) -> web.Response:
    svc = services(request)
    found, next_seq = svc.access_grants.list(await parse(request, ListAccessGrants))
    return ok(
        access_grants=[wire.access_grant(g, svc.workspace_id) for g in found],
        pagination=pagination(request, next_seq),
    )


async def update(request: web.Request) -> web.Response:
    services(request).access_grants.update(await parse(request, UpdateAccessGrant))
    return ok()


async def delete(request: web.Request) -> web.Response:
    p = await parse(request, AccessGrantRef)
    services(request).access_grants.delete(p.access_grant_id)
    return ok()


async def request_access_methods(request: web.Request) -> web.Response:
    svc = services(request)
    grant = svc.access_grants.request_access_methods(await parse(request, RequestAccessMethods))
    return ok(access_grant=wire.access_grant(grant, svc.workspace_id))


async def method_get(request: web.Request) -> web.Response:
    svc = services(request)
    p = await parse(request, AccessMethodRef)
    return ok(
        access_method=wire.access_method(
            svc.access_methods.get(p.access_method_id), svc.workspace_id
        )
    )


async def method_list(request: web.Request) -> web.Response:
    svc = services(request)
    found = svc.access_methods.list(await parse(request, ListAccessMethods))
    return ok(access_methods=[wire.access_method(m, svc.workspace_id) for m in found])


async def method_delete(request: web.Request) -> web.Response:
    services(request).access_methods.delete(await parse(request, DeleteAccessMethods))
    return ok()


async def get_related(request: web.Request) -> web.Response:
    p = await parse(request, GrantsRelated)
    related = services(request).related.of_grants(
        p.access_grant_ids or [], p.access_grant_keys or []
    )
    keys = batch_keys(GRANT_RELATIONS, p.include, p.exclude)
    return ok(batch=batch(request, related, keys))


async def method_get_related(request: web.Request) -> web.Response:
    p = await parse(request, MethodsRelated)
    related = services(request).related.of_methods(p.access_method_ids)
    keys = batch_keys(METHOD_RELATIONS, p.include, p.exclude)
    return ok(batch=batch(request, related, keys))


ROUTES: list[Route] = [
    ("/access_grants/create", ("POST",), create),
    ("/access_grants/get", GET_POST, get),
    ("/access_grants/list", GET_POST, list_grants),
    ("/access_grants/update", ("PATCH", "POST"), update),
    ("/access_grants/delete", ("DELETE", "POST"), delete),
    ("/access_grants/request_access_methods", ("POST",), request_access_methods),
    ("/access_grants/get_related", GET_POST, get_related),
    ("/access_methods/get", GET_POST, method_get),
    ("/access_methods/list", GET_POST, method_list),
    ("/access_methods/delete", ("DELETE", "POST"), method_delete),
    ("/access_methods/get_related", GET_POST, method_get_related),
]
