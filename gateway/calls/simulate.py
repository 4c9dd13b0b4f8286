"""The cloud sandbox's simulate calls: /access_codes/simulate/*, /locks/simulate/*,
/devices/simulate/connect|disconnect|remove (on the hub's simulated locks only). Two of them
wait for the simulated lock (`waits`): they cannot run inside one store transaction."""

from __future__ import annotations

from gateway.calls.call import Answer, Call, Route, changing, waiting
from gateway.service.simulate import Simulation
from gateway.wire import views
from gateway.wire.requests import (
    SimulateDevice,
    SimulateKeypadCodeEntry,
    SimulateUnmanagedAccessCode,
)


def _simulation(call: Call) -> Simulation:
    simulation = call.services.simulation
    assert simulation is not None, "Services.build makes one"
    return simulation


async def create_unmanaged_access_code(call: Call) -> Answer:
    p = call.params(SimulateUnmanagedAccessCode)
    code = await _simulation(call).create_unmanaged_access_code(p)
    return {"access_code": views.unmanaged_access_code(code, call.services.workspace_id)}


def keypad_code_entry(call: Call) -> Answer:
    p = call.params(SimulateKeypadCodeEntry)
    return {"action_attempt": views.action_attempt(_simulation(call).keypad_code_entry(p))}


def manual_lock_via_keypad(call: Call) -> Answer:
    p = call.params(SimulateDevice)
    return {"action_attempt": views.action_attempt(_simulation(call).manual_lock_via_keypad(p))}


def connect(call: Call) -> Answer:
    _simulation(call).connect(call.params(SimulateDevice))
    return {}


def disconnect(call: Call) -> Answer:
    _simulation(call).disconnect(call.params(SimulateDevice))
    return {}


async def remove(call: Call) -> Answer:
    await _simulation(call).remove(call.params(SimulateDevice))
    return {}


ROUTES: list[Route] = [
    waiting("/access_codes/simulate/create_unmanaged_access_code", create_unmanaged_access_code),
    changing("/locks/simulate/keypad_code_entry", keypad_code_entry),
    changing("/locks/simulate/manual_lock_via_keypad", manual_lock_via_keypad),
    changing("/devices/simulate/connect", connect),
    changing("/devices/simulate/disconnect", disconnect),
    waiting("/devices/simulate/remove", remove),
]
