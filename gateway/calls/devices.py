"""/devices/* (managed and unmanaged), /locks/*, /action_attempts/*, /events/*."""

from __future__ import annotations

from gateway.calls.call import Answer, Call, Route, changing, reading
from gateway.wire import views
from gateway.wire.requests import (
    ConfigureAutoLock,
    GetActionAttempt,
    GetDevice,
    GetEvent,
    ListActionAttempts,
    ListDevices,
    ListEvents,
    LockAction,
    UpdateDevice,
    UpdateUnmanagedDevice,
)


def device_get(call: Call) -> Answer:
    svc = call.services
    device = svc.devices.get(call.params(GetDevice))
    return {"device": views.device(device, svc.workspace_id)}


def lock_get(call: Call) -> Answer:
    svc = call.services
    body = views.device(svc.devices.get(call.params(GetDevice)), svc.workspace_id)
    return {"device": body, "lock": body}


def device_list(call: Call) -> Answer:
    svc = call.services
    found, next_position = svc.devices.list(call.params(ListDevices))
    bodies = [views.device(d, svc.workspace_id) for d in found]
    return {"devices": bodies, "pagination": call.pagination(next_position)}


def lock_list(call: Call) -> Answer:
    """The cloud's /locks/list pages like /devices/list but answers no `pagination`."""
    svc = call.services
    found, _ = svc.devices.list(call.params(ListDevices))
    bodies = [views.device(d, svc.workspace_id) for d in found]
    return {"devices": bodies, "locks": bodies}


def device_update(call: Call) -> Answer:
    call.services.devices.update(call.params(UpdateDevice))
    return {}


def unmanaged_get(call: Call) -> Answer:
    svc = call.services
    device = svc.devices.unmanaged_get(call.params(GetDevice))
    return {"device": views.unmanaged_device(device, svc.workspace_id)}


def unmanaged_list(call: Call) -> Answer:
    svc = call.services
    found, next_position = svc.devices.unmanaged_list(call.params(ListDevices))
    bodies = [views.unmanaged_device(d, svc.workspace_id) for d in found]
    return {"devices": bodies, "pagination": call.pagination(next_position)}


def unmanaged_update(call: Call) -> Answer:
    call.services.devices.unmanaged_update(call.params(UpdateUnmanagedDevice))
    return {}


def lock_door(call: Call) -> Answer:
    attempt = call.services.devices.lock_action(call.params(LockAction), lock=True)
    return {"action_attempt": views.action_attempt(attempt)}


def unlock_door(call: Call) -> Answer:
    attempt = call.services.devices.lock_action(call.params(LockAction), lock=False)
    return {"action_attempt": views.action_attempt(attempt)}


def configure_auto_lock(call: Call) -> Answer:
    p = call.params(ConfigureAutoLock)
    lock_config = call.services.lock_config
    assert lock_config is not None, "Services.build makes one"
    return {"action_attempt": views.action_attempt(lock_config.configure_auto_lock(p))}


def action_attempt_get(call: Call) -> Answer:
    attempt = call.services.activity.action_attempt(call.params(GetActionAttempt))
    return {"action_attempt": views.action_attempt(attempt)}


def action_attempt_list(call: Call) -> Answer:
    found, next_position = call.services.activity.action_attempts(call.params(ListActionAttempts))
    return {
        "action_attempts": [views.action_attempt(a) for a in found],
        "pagination": call.pagination(next_position),
    }


def event_get(call: Call) -> Answer:
    svc = call.services
    found, driver = svc.activity.event(call.params(GetEvent))
    return {"event": views.event(found, svc.workspace_id, driver)}


def event_list(call: Call) -> Answer:
    svc = call.services
    found = svc.activity.events(call.params(ListEvents))
    return {"events": [views.event(e, svc.workspace_id, driver) for e, driver in found]}


ROUTES: list[Route] = [
    reading("/devices/get", device_get),
    reading("/devices/list", device_list),
    changing("/devices/update", device_update),
    reading("/devices/unmanaged/get", unmanaged_get),
    reading("/devices/unmanaged/list", unmanaged_list),
    changing("/devices/unmanaged/update", unmanaged_update),
    reading("/locks/get", lock_get),
    reading("/locks/list", lock_list),
    changing("/locks/lock_door", lock_door),
    changing("/locks/unlock_door", unlock_door),
    changing("/locks/configure_auto_lock", configure_auto_lock),
    reading("/action_attempts/get", action_attempt_get),
    reading("/action_attempts/list", action_attempt_list),
    reading("/events/get", event_get),
    reading("/events/list", event_list),
]
