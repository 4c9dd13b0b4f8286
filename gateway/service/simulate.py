"""The cloud sandbox's `*.simulate.*` calls, acted out on the hub's simulated locks.

A simulate call does what a person (or the lock's radio) would do to a simulated lock: a code
typed in at the keypad, a PIN entered, the lock button pressed, the lock going out of reach.
The hub then learns of it the way it learns of a real lock's doing, through the lock's events
and its reconciler's normal observe path; nothing here writes what the lock "would" report.

The service reaches the simulated locks through `SimulationControls`, which the composition
root implements over the engine's drivers (the service knows no driver class). On a real lock
every simulate call is refused.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime
from typing import Protocol

from drivers.codes import code_violations
from gateway.clock import Clock
from gateway.domain.models import AccessCode, ActionAttempt, ActionStatus, ActionType, Device
from gateway.domain.slots import Owner
from gateway.ledger.journal import record
from gateway.service import lookup
from gateway.store import access_codes, action_attempts, slots
from gateway.store.db import Store
from gateway.store.removal import remove_device
from gateway.wire.errors import ApiError, invalid
from gateway.wire.requests import (
    SimulateDevice,
    SimulateKeypadCodeEntry,
    SimulateUnmanagedAccessCode,
)
from gateway.wire.views import connected_account_id

# How long create_unmanaged_access_code waits for the hub to observe the code it typed in.
OBSERVE_WAIT = 10.0
POLL_EVERY = 0.02


class SimulatedLock(Protocol):
    """What a person can do to a simulated lock (drivers.virtual.VirtualLock is one)."""

    def free_slot(self, exclude: frozenset[int] = ...) -> int | None: ...

    def keypad_set(
        self, slot: int, code: str, *, notify: bool = ..., name: str | None = ...
    ) -> bool: ...

    def keypad_unlock(self, code: str, at: datetime | None = ...) -> bool: ...

    def keypad_lock(self) -> None: ...

    def set_online(self, online: bool) -> None: ...


class SimulationControls(Protocol):
    """The simulated locks the hub runs, by device id (implemented by the composition root)."""

    def simulated_lock(self, device_id: str) -> SimulatedLock | None:
        """The lock behind `device_id` if it is simulated, else None."""

    async def detach(self, device_id: str) -> None:
        """Stop the lock's reconciler and event pump and let go of its driver."""

    def look_now(self, device_id: str) -> None:
        """The hub contacts the lock now, as its next periodic check would."""


class NoSimulation:
    """A hub without simulated locks (the default)."""

    def simulated_lock(self, device_id: str) -> SimulatedLock | None:
        return None

    async def detach(self, device_id: str) -> None:
        return None

    def look_now(self, device_id: str) -> None:
        return None


class NotSimulated(ApiError):
    def __init__(self, device: Device) -> None:
        super().__init__(
            "device_not_simulated",
            f"simulate calls work only on simulated locks; {device.name} is a lock the hub "
            "reaches over a radio or the network, not one it simulates (simulated locks come "
            "from `lockgw serve --sim` or the config's [[virtual_locks]])",
        )


class Simulation:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        controls: SimulationControls,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.store = store
        self.clock = clock
        self.controls = controls
        self.sleep = sleep

    def _lock(self, device_id: str) -> tuple[Device, SimulatedLock]:
        device = lookup.device(self.store.conn, device_id)
        lock = self.controls.simulated_lock(device.device_id)
        if lock is None:
            raise NotSimulated(device)
        return device, lock

    # -- access_codes.simulate ---------------------------------------------------------------

    async def create_unmanaged_access_code(self, p: SimulateUnmanagedAccessCode) -> AccessCode:
        """A code typed in at the keypad, in a free slot: answered once the hub has seen it
        (it is then an unmanaged code, found the way any keypad change is found)."""
        device, lock = self._lock(p.device_id)
        if not device.online:
            raise invalid("device_id", "the lock is disconnected; connect it first")
        if code_violations(p.code, device.capabilities.code_rules):
            raise invalid("code", "the lock does not accept a code of that format")
        taken = frozenset(slots.for_device(self.store.conn, device.device_id))
        slot = lock.free_slot(taken)
        if slot is None:
            raise ApiError(
                "no_space_for_access_code_on_device", "the lock has no free slot for another code"
            )
        if not lock.keypad_set(slot, p.code, name=p.name):
            raise ApiError("duplicate_access_code", "the lock already holds that code")
        code = await self._observed(device.device_id, slot)
        with self.store.transaction() as conn:
            # The cloud keeps the name it was given; the hub keeps it for this code too.
            named = replace(code, name=p.name)
            access_codes.save(conn, named)
        return named

    async def _observed(self, device_id: str, slot: int) -> AccessCode:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + OBSERVE_WAIT
        while True:
            row = slots.for_device(self.store.conn, device_id, only={slot}).get(slot)
            if row is not None and row.owner is Owner.UNMANAGED and row.access_code_id:
                code = access_codes.get(self.store.conn, row.access_code_id)
                if code is not None:
                    return code
            if loop.time() > deadline:
                raise ApiError(
                    "device_timeout",
                    "the code is on the simulated lock but the hub has not read it yet; "
                    "it shows in /access_codes/unmanaged/list once read",
                    status=504,
                )
            await self.sleep(POLL_EVERY)

    # -- locks.simulate ----------------------------------------------------------------------

    def keypad_code_entry(self, p: SimulateKeypadCodeEntry) -> ActionAttempt:
        """A PIN typed at the keypad: a code the lock holds (in its window) opens the door, and
        the lock's own report makes the hub's `lock.unlocked` (method keycode, the code's id)."""
        device, lock = self._lock(p.device_id)
        lock.keypad_unlock(p.code, self.clock.now())
        return self._done(device, ActionType.SIMULATE_KEYPAD_CODE_ENTRY)

    def manual_lock_via_keypad(self, p: SimulateDevice) -> ActionAttempt:
        device, lock = self._lock(p.device_id)
        lock.keypad_lock()
        return self._done(device, ActionType.SIMULATE_MANUAL_LOCK_VIA_KEYPAD)

    def _done(self, device: Device, action_type: ActionType) -> ActionAttempt:
        attempt = ActionAttempt.pending(action_type, self.clock.now(), device.device_id)
        attempt = replace(attempt, status=ActionStatus.SUCCESS, result={})
        with self.store.transaction() as conn:
            action_attempts.insert(conn, attempt)
        return attempt

    # -- devices.simulate --------------------------------------------------------------------

    def connect(self, p: SimulateDevice) -> None:
        """The lock answers again: its reconciler reads it and marks it online."""
        _, lock = self._lock(p.device_id)
        lock.set_online(True)

    def disconnect(self, p: SimulateDevice) -> None:
        """The lock stops answering: the device goes offline, its codes wait. (The hub learns
        it at its next contact with the lock, which is made now rather than at the periodic
        check.)"""
        device, lock = self._lock(p.device_id)
        lock.set_online(False)
        self.controls.look_now(device.device_id)

    async def remove(self, p: SimulateDevice) -> None:
        """The lock leaves the hub, as a device removed from the cloud does: the device and
        its codes are gone (the journal keeps its past events)."""
        device, _ = self._lock(p.device_id)
        await self.controls.detach(device.device_id)
        now = self.clock.now()
        with self.store.transaction() as conn:
            remove_device(conn, device.device_id)
            # The device is gone: its event names its connected account itself.
            account = connected_account_id(device.driver)
            record(
                conn,
                "device.removed",
                now,
                device_id=device.device_id,
                connected_account_id=account,
            )
