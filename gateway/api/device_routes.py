"""/devices/*, /locks/*, /action_attempts/get, /events/list."""

from __future__ import annotations

from aiohttp import web

from gateway.api.pagination import pagination
from gateway.api.params import parse
from gateway.api.respond import GET_POST, Route, ok, services
from gateway.wire import views
from gateway.wire.requests import (
    GetActionAttempt,
    GetDevice,
    ListDevices,
    ListEvents,
    LockAction,
    UpdateDevice,
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


async def lock_door(request: web.Request) -> web.Response:
    attempt = services(request).devices.lock_action(await parse(request, LockAction), lock=True)
    return ok(action_attempt=views.action_attempt(attempt))


async def unlock_door(request: web.Request) -> web.Response:
    attempt = services(request).devices.lock_action(await parse(request, LockAction), lock=False)
    return ok(action_attempt=views.action_attempt(attempt))


async def action_attempt_get(request: web.Request) -> web.Response:
    attempt = services(request).activity.action_attempt(await parse(request, GetActionAttempt))
    return ok(action_attempt=views.action_attempt(attempt))


async def event_list(request: web.Request) -> web.Response:
    svc = services(request)
    found = svc.activity.events(await parse(request, ListEvents))
    return ok(events=[views.event(e, svc.workspace_id, driver) for e, driver in found])


ROUTES: list[Route] = [
    ("/devices/get", GET_POST, device_get),
    ("/devices/list", GET_POST, device_list),
    ("/devices/update", ("PATCH", "POST"), device_update),
    ("/locks/get", GET_POST, lock_get),
    ("/locks/list", GET_POST, lock_list),
    ("/locks/lock_door", ("POST",), lock_door),
    ("/locks/unlock_door", ("POST",), unlock_door),
    ("/action_attempts/get", GET_POST, action_attempt_get),
    ("/events/list", GET_POST, event_list),
]
