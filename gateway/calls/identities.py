"""/user_identities/* and /spaces/*: parse, call the service, render."""

from __future__ import annotations

from gateway.calls.call import Answer, Call, Route, changing, reading
from gateway.calls.grants import batch
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


def user_create(call: Call) -> Answer:
    svc = call.services
    user = svc.user_identities.create(call.params(CreateUserIdentity))
    return {"user_identity": wire.user_identity(user, svc.workspace_id)}


def user_get(call: Call) -> Answer:
    svc = call.services
    user = svc.user_identities.get(call.params(GetUserIdentity))
    return {"user_identity": wire.user_identity(user, svc.workspace_id)}


def user_list(call: Call) -> Answer:
    svc = call.services
    found, next_seq = svc.user_identities.list(call.params(ListUserIdentities))
    return {
        "user_identities": [wire.user_identity(u, svc.workspace_id) for u in found],
        "pagination": call.pagination(next_seq),
    }


def user_update(call: Call) -> Answer:
    call.services.user_identities.update(call.params(UpdateUserIdentity))
    return {}


def user_delete(call: Call) -> Answer:
    call.services.user_identities.delete(call.params(UserIdentityRef).user_identity_id)
    return {}


def grant_access(call: Call) -> Answer:
    call.services.user_identities.grant_access_to_device(call.params(UserIdentityDevice))
    return {}


def revoke_access(call: Call) -> Answer:
    call.services.user_identities.revoke_access_to_device(call.params(UserIdentityDevice))
    return {}


def accessible_devices(call: Call) -> Answer:
    svc = call.services
    p = call.params(UserIdentityRef)
    bodies = [
        views.device(d, svc.workspace_id)
        for d in svc.user_identities.accessible_devices(p.user_identity_id)
    ]
    return {"devices": bodies, "accessible_devices": bodies}


def space_create(call: Call) -> Answer:
    svc = call.services
    space = svc.spaces.create(call.params(CreateSpace))
    return {"space": wire.space(space, svc.workspace_id)}


def space_get(call: Call) -> Answer:
    svc = call.services
    space = svc.spaces.get(call.params(GetSpace))
    return {"space": wire.space(space, svc.workspace_id)}


def space_list(call: Call) -> Answer:
    svc = call.services
    found, next_seq = svc.spaces.list(call.params(ListSpaces))
    return {
        "spaces": [wire.space(s, svc.workspace_id) for s in found],
        "pagination": call.pagination(next_seq),
    }


def space_update(call: Call) -> Answer:
    svc = call.services
    space = svc.spaces.update(call.params(UpdateSpace))
    return {"space": wire.space(space, svc.workspace_id)}


def space_delete(call: Call) -> Answer:
    call.services.spaces.delete(call.params(SpaceRef).space_id)
    return {}


def space_add_devices(call: Call) -> Answer:
    call.services.spaces.add_devices(call.params(SpaceDevices))
    return {}


def space_remove_devices(call: Call) -> Answer:
    call.services.spaces.remove_devices(call.params(SpaceDevices))
    return {}


def space_get_related(call: Call) -> Answer:
    p = call.params(SpacesRelated)
    related = call.services.related.of_spaces(p.space_ids or [], p.space_keys or [])
    return {"batch": batch(call, related, batch_keys(SPACE_RELATIONS, p.include, p.exclude))}


ROUTES: list[Route] = [
    changing("/user_identities/create", user_create),
    reading("/user_identities/get", user_get),
    reading("/user_identities/list", user_list),
    changing("/user_identities/update", user_update),
    changing("/user_identities/delete", user_delete),
    changing("/user_identities/grant_access_to_device", grant_access),
    changing("/user_identities/revoke_access_to_device", revoke_access),
    reading("/user_identities/list_accessible_devices", accessible_devices),
    changing("/spaces/create", space_create),
    reading("/spaces/get", space_get),
    reading("/spaces/list", space_list),
    changing("/spaces/update", space_update),
    changing("/spaces/delete", space_delete),
    changing("/spaces/add_devices", space_add_devices),
    changing("/spaces/remove_devices", space_remove_devices),
    reading("/spaces/get_related", space_get_related),
]
