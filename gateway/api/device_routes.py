"""/devices/* (managed and unmanaged), /locks/*, /action_attempts/*, /events/*."""

from __future__ import annotations

from aiohttp import web

from gateway.api.pagination import pagination
from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.wire import views
from gateway.wire.requests import (
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


async def device_get(request: web.Request) -> web.Response:
    svc = services(request)
    device = svc.devices.get(await parse(request, GetDevice))
    return ok(device=views.device(device, svc.workspace_id))


async def lock_get(request: web.Request) -> web.Response:
    svc = services(request)
    device = svc.devices.get(await parse(request, GetDevice))
    body = views.device(device, svc.workspace_id)
    return ok(device=body, lock=body)


async def device_list(request: web.Request) -> web.Response:
    svc = services(request)
    found, next_position = svc.devices.list(await parse(request, ListDevices))
    bodies = [views.device(d, svc.workspace_id) for d in found]
    return ok(devices=bodies, pagination=pagination(request, next_position))


async def lock_list(request: web.Request) -> web.Response:
    """The cloud's /locks/list pages like /devices/list but answers no `pagination`."""
    svc = services(request)
    found, _ = svc.devices.list(await parse(request, ListDevices))
    bodies = [views.device(d, svc.workspace_id) for d in found]
    return ok(devices=bodies, locks=bodies)


async def device_update(request: web.Request) -> web.Response:
    services(request).devices.update(await parse(request, UpdateDevice))
    return ok()


async def unmanaged_get(request: web.Request) -> web.Response:
    svc = services(request)
    device = svc.devices.unmanaged_get(await parse(request, GetDevice))
    return ok(device=views.unmanaged_device(device, svc.workspace_id))


async def unmanaged_list(request: web.Request) -> web.Response:
    svc = services(request)
    found, next_position = svc.devices.unmanaged_list(await parse(request, ListDevices))
    bodies = [views.unmanaged_device(d, svc.workspace_id) for d in found]
    return ok(devices=bodies, pagination=pagination(request, next_position))


async def unmanaged_update(request: web.Request) -> web.Response:
    services(request).devices.unmanaged_update(await parse(request, UpdateUnmanagedDevice))
    return ok()


async def lock_door(request: web.Request) -> web.Response:
    attempt = services(request).devices.lock_action(await parse(request, LockAction), lock=True)
    return ok(action_attempt=views.action_attempt(attempt))


async def unlock_door(request: web.Request) -> web.Response:
    attempt = services(request).devices.lock_action(await parse(request, LockAction), lock=False)
    return ok(action_attempt=views.action_attempt(attempt))


async def action_attempt_get(request: web.Request) -> web.Response:
    attempt = services(request).activity.action_attempt(await parse(request, GetActionAttempt))
    return ok(action_attempt=views.action_attempt(attempt))


async def action_attempt_list(request: web.Request) -> web.Response:
    p = await parse(request, ListActionAttempts)
    found, next_position = services(request).activity.action_attempts(p)
    return ok(
        action_attempts=[views.action_attempt(a) for a in found],
        pagination=pagination(request, next_position),
    )


async def event_get(request: web.Request) -> web.Response:
    svc = services(request)
    found, driver = svc.activity.event(await parse(request, GetEvent))
    return ok(event=views.event(found, svc.workspace_id, driver))


async def event_list(request: web.Request) -> web.Response:
    svc = services(request)
    found = svc.activity.events(await parse(request, ListEvents))
    return ok(events=[views.event(e, svc.workspace_id, driver) for e, driver in found])


ROUTES: list[Route] = [
    ("/devices/get", GET_POST, device_get),
    ("/devices/list", GET_POST, device_list),
    ("/devices/update", ("PATCH", "POST"), device_update),
    ("/devices/unmanaged/get", GET_POST, unmanaged_get),
    ("/devices/unmanaged/list", GET_POST, unmanaged_list),
    ("/devices/unmanaged/update", ("PATCH", "POST"), unmanaged_update),
    ("/locks/get", GET_POST, lock_get),
    ("/locks/list", GET_POST, lock_list),
    ("/locks/lock_door", ("POST",), lock_door),
    ("/locks/unlock_door", ("POST",), unlock_door),
    ("/action_attempts/get", GET_POST, action_attempt_get),
    ("/action_attempts/list", GET_POST, action_attempt_list),
    ("/events/get", GET_POST, event_get),
    ("/events/list", GET_POST, event_list),
]
