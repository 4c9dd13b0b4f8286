"""The gateway's engine and services in-process, on virtual locks and a clock the test moves."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from drivers.virtual import Faults, VirtualLock, make_lock
from gateway.clock import ManualClock
from gateway.domain.models import AccessCode, Device, Event
from gateway.engine.locks import Locks
from gateway.engine.reconciler import PassResult, Reconciler
from gateway.service.bundle import Services
from gateway.store import access_codes, devices, events
from gateway.store.db import Store
from gateway.wire.requests import AccessCodeRef, CreateAccessCode, UpdateAccessCode

START = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)


def nuki_pin(n: int) -> str:
    """The n-th six-digit PIN of digits 1-9 starting with 7 (what a Nuki keypad accepts)."""
    digits = []
    for _ in range(5):
        n, digit = divmod(n, 9)
        digits.append(str(digit + 1))
    return "7" + "".join(reversed(digits))


class Harness:
    def __init__(self, data_dir: Path, *, clock: ManualClock | None = None) -> None:
        self.data_dir = data_dir
        self.clock = clock or ManualClock(START)
        self.store = Store(data_dir)
        self.locks = Locks(self.store, self.clock, pool_size=5)
        self.services = Services.build(self.store, self.clock, self.locks.wake)

    def add_lock(
        self, profile: str = "zwave-30", ref: str = "lock", lock: VirtualLock | None = None
    ) -> tuple[str, VirtualLock]:
        lock = lock or make_lock(profile, ref, ref.title(), Faults())
        device = self.locks.add(lock)
        return device.device_id, lock

    def reconciler(self, device_id: str) -> Reconciler:
        return self.locks.reconcilers[device_id]

    async def settle(self, device_id: str, *, max_passes: int = 10) -> PassResult:
        """Run passes until one does no radio work (or fails)."""
        result = PassResult()
        for _ in range(max_passes):
            result = await self.reconciler(device_id).reconcile_once()
            if result.failed or result.operations == 0:
                return result
        raise AssertionError(f"lock {device_id} did not settle in {max_passes} passes")

    def advance(self, delta: timedelta) -> None:
        self.clock.set(self.clock.now() + delta)

    # -- the API's side, without HTTP ---------------------------------------------------------

    def create(self, device_id: str, **params: Any) -> AccessCode:
        code, _ = self.services.access_codes.create(CreateAccessCode(device_id=device_id, **params))
        return code

    def update(self, access_code_id: str, **params: Any) -> None:
        self.services.access_codes.update(UpdateAccessCode(access_code_id=access_code_id, **params))

    def delete(self, access_code_id: str) -> None:
        self.services.access_codes.delete(AccessCodeRef(access_code_id=access_code_id))

    def code(self, access_code_id: str) -> AccessCode | None:
        return access_codes.get(self.store.conn, access_code_id)

    def device(self, device_id: str) -> Device:
        device = devices.get(self.store.conn, device_id)
        assert device is not None
        return device

    def events(self, access_code_id: str | None = None) -> list[str]:
        """Event types, oldest first."""
        found: list[Event] = events.query(
            self.store.conn,
            since=datetime(2000, 1, 1, tzinfo=UTC),
            access_code_ids=None if access_code_id is None else [access_code_id],
            limit=100_000,
        )
        return [e.event_type for e in reversed(found)]

    def close(self) -> None:
        self.store.close()
