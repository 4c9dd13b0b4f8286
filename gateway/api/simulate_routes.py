"""The cloud sandbox's simulate calls: /access_codes/simulate/*, /locks/simulate/*,
/devices/simulate/connect|disconnect|remove (on the hub's simulated locks only)."""

from __future__ import annotations

from aiohttp import web

from gateway.api.params import parse
from gateway.api.respond import Route, ok, services
from gateway.service.simulate import Simulation
from gateway.wire import views
from gateway.wire.requests import (
    SimulateDevice,
    SimulateKeypadCodeEntry,
    SimulateUnmanagedAccessCode,
)


def _simulation(request: web.Request) -> Simulation:
    simulation = services(request).simulation
    assert simulation is not None, "Services.build makes one"
    return simulation


async def create_unmanaged_access_code(request: web.Request) -> web.Response:
    p = await parse(request, SimulateUnmanagedAccessCode)
    code = await _simulation(request).create_unmanaged_access_code(p)
    return ok(access_code=views.unmanaged_access_code(code, services(request).workspace_id))


async def keypad_code_entry(request: web.Request) -> web.Response:
    p = await parse(request, SimulateKeypadCodeEntry)
    return ok(action_attempt=views.action_attempt(_simulation(request).keypad_code_entry(p)))


async def manual_lock_via_keypad(request: web.Request) -> web.Response:
    p = await parse(request, SimulateDevice)
    attempt = _simulation(request).manual_lock_via_keypad(p)
    return ok(action_attempt=views.action_attempt(attempt))


async def connect(request: web.Request) -> web.Response:
    _simulation(request).connect(await parse(request, SimulateDevice))
    return ok()


async def disconnect(request: web.Request) -> web.Response:
    _simulation(request).disconnect(await parse(request, SimulateDevice))
    return ok()


async def remove(request: web.Request) -> web.Response:
    await _simulation(request).remove(await parse(request, SimulateDevice))
    return ok()


POST = ("POST",)

ROUTES: list[Route] = [
    ("/access_codes/simulate/create_unmanaged_access_code", POST, create_unmanaged_access_code),
    ("/locks/simulate/keypad_code_entry", POST, keypad_code_entry),
    ("/locks/simulate/manual_lock_via_keypad", POST, manual_lock_via_keypad),
    ("/devices/simulate/connect", POST, connect),
    ("/devices/simulate/disconnect", POST, disconnect),
    ("/devices/simulate/remove", POST, remove),
]
