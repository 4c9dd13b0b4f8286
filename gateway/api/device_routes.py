"""/devices/*, /locks/*, /action_attempts/get, /events/list."""

from __future__ import annotations

from datetime import timedelta

from aiohttp import web

from gateway.api.params import parse
from gateway.api.respond import ok, services
from gateway.store import action_attempts, devices, events
from gateway.wire import views
from gateway.wire.errors import InvalidInput, NotFound
from gateway.wire.requests import (
    GetActionAttempt,
    GetDevice,
    ListDevices,
    ListEvents,
    LockAction,
    UpdateDevice,
)

EVENTS_DEFAULT_LIMIT = 500
EVENTS_MAX_WINDOW = timedelta(days=366)


async def device_get(request: web.Request) -> web.Response:
    svc = services(request)
    device = svc.devices.get(await parse(request, GetDevice))
    return ok(device=views.device(device, svc.store.workspace_id))


async def lock_get(request: web.Request) -> web.Response:
    svc = services(request)
    device = svc.devices.get(await parse(request, GetDevice))
    body = views.device(device, svc.store.workspace_id)
    return ok(device=body, lock=body)


async def device_list(request: web.Request) -> web.Response:
    svc = services(request)
    found = svc.devices.list(await parse(request, ListDevices))
    bodies = [views.device(d, svc.store.workspace_id) for d in found]
    return ok(devices=bodies, pagination=_single_page())


async def lock_list(request: web.Request) -> web.Response:
    svc = services(request)
    found = svc.devices.list(await parse(request, ListDevices))
    bodies = [views.device(d, svc.store.workspace_id) for d in found]
    return ok(devices=bodies, locks=bodies)


def _single_page() -> dict[str, object]:
    return {"has_next_page": False, "next_page_cursor": None, "next_page_url": None}


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
    p = await parse(request, GetActionAttempt)
    attempt = action_attempts.get(services(request).store.conn, p.action_attempt_id)
    if attempt is None:
        raise NotFound("action_attempt", f"No action attempt {p.action_attempt_id}")
    return ok(action_attempt=views.action_attempt(attempt))


async def event_list(request: web.Request) -> web.Response:
    p = await parse(request, ListEvents)
    svc = services(request)
    if p.between is not None:
        since, until = p.between
        if until < since:
            raise InvalidInput({"between": ["the second time must not be before the first"]})
    elif p.since is not None:
        since, until = p.since, None
    else:
        raise InvalidInput({"since": ["Required (or give between)"]})
    device_ids = _merge(p.device_id, p.device_ids)
    access_code_ids = _merge(p.access_code_id, p.access_code_ids)
    event_types = _merge(p.event_type, p.event_types)
    found = events.query(
        svc.store.conn,
        since=since,
        until=until,
        device_ids=device_ids,
        access_code_ids=access_code_ids,
        event_types=event_types,
        event_ids=p.event_ids,
        limit=p.limit or EVENTS_DEFAULT_LIMIT,
    )
    drivers = {d.device_id: d.driver for d in devices.all_devices(svc.store.conn)}
    workspace_id = svc.store.workspace_id
    return ok(events=[views.event(e, workspace_id, drivers.get(e.device_id or "")) for e in found])


def _merge(one: str | None, many: list[str] | None) -> list[str] | None:
    if one is None and many is None:
        return None
    return [*(many or []), *([one] if one is not None else [])]
