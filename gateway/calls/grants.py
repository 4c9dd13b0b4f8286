"""/access_grants/* and /access_methods/*: parse, call the service, render."""

from __future__ import annotations

from gateway.calls.call import Answer, Call, Route, changing, reading
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


def batch(call: Call, related: Related, keys: list[str]) -> dict[str, object]:
    """A get_related answer: each kind of resource asked for, rendered as its own call does."""
    ws = call.services.workspace_id
    render = {
        "access_grants": lambda: [wire.access_grant(g, ws) for g in related.access_grants],
        "access_methods": lambda: [wire.access_method(m, ws) for m in related.access_methods],
        "spaces": lambda: [wire.space(s, ws) for s in related.spaces],
        "devices": lambda: [views.device(d, ws) for d in related.devices],
        "user_identities": lambda: [wire.user_identity(u, ws) for u in related.user_identities],
    }
    return {key: render[key]() for key in keys}


def create(call: Call) -> Answer:
    svc = call.services
    grant = svc.access_grants.create(call.params(CreateAccessGrant))
    return {"access_grant": wire.access_grant(grant, svc.workspace_id)}


def get(call: Call) -> Answer:
    svc = call.services
    grant = svc.access_grants.get(call.params(GetAccessGrant))
    return {"access_grant": wire.access_grant(grant, svc.workspace_id)}


def list_grants(call: Call) -> Answer:
    svc = call.services
    found, next_seq = svc.access_grants.list(call.params(ListAccessGrants))
    return {
        "access_grants": [wire.access_grant(g, svc.workspace_id) for g in found],
        "pagination": call.pagination(next_seq),
    }


def update(call: Call) -> Answer:
    call.services.access_grants.update(call.params(UpdateAccessGrant))
    return {}


def delete(call: Call) -> Answer:
    call.services.access_grants.delete(call.params(AccessGrantRef).access_grant_id)
    return {}


def request_access_methods(call: Call) -> Answer:
    svc = call.services
    grant = svc.access_grants.request_access_methods(call.params(RequestAccessMethods))
    return {"access_grant": wire.access_grant(grant, svc.workspace_id)}


def method_get(call: Call) -> Answer:
    svc = call.services
    method = svc.access_methods.get(call.params(AccessMethodRef).access_method_id)
    return {"access_method": wire.access_method(method, svc.workspace_id)}


def method_list(call: Call) -> Answer:
    svc = call.services
    found = svc.access_methods.list(call.params(ListAccessMethods))
    return {"access_methods": [wire.access_method(m, svc.workspace_id) for m in found]}


def method_delete(call: Call) -> Answer:
    call.services.access_methods.delete(call.params(DeleteAccessMethods))
    return {}


def get_related(call: Call) -> Answer:
    p = call.params(GrantsRelated)
    related = call.services.related.of_grants(p.access_grant_ids or [], p.access_grant_keys or [])
    return {"batch": batch(call, related, batch_keys(GRANT_RELATIONS, p.include, p.exclude))}


def method_get_related(call: Call) -> Answer:
    p = call.params(MethodsRelated)
    related = call.services.related.of_methods(p.access_method_ids)
    return {"batch": batch(call, related, batch_keys(METHOD_RELATIONS, p.include, p.exclude))}


ROUTES: list[Route] = [
    changing("/access_grants/create", create),
    reading("/access_grants/get", get),
    reading("/access_grants/list", list_grants),
    changing("/access_grants/update", update),
    changing("/access_grants/delete", delete),
    changing("/access_grants/request_access_methods", request_access_methods),
    reading("/access_grants/get_related", get_related),
    reading("/access_methods/get", method_get),
    reading("/access_methods/list", method_list),
    changing("/access_methods/delete", method_delete),
    reading("/access_methods/get_related", method_get_related),
]
