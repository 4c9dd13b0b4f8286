"""The locks the daemon owns: a driver, a device row and a reconciler for each."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import uuid
from dataclasses import replace
from typing import Protocol

from drivers.base import LockDriver
from gateway.clock import Clock
from gateway.domain.models import Device
from gateway.engine.reconciler import Reconciler
from gateway.engine.schedule import Boundaries
from gateway.engine.supervisor import STALL_AFTER, Supervisor
from gateway.store import devices
from gateway.store.db import Store

log = logging.getLogger(__name__)

_DEVICE_NAMESPACE = uuid.UUID("0d8f5b1e-3c2a-4f6e-9a7d-5b4c3e2f1a09")

# Locks taking their first look at once (start-up, a reconciler restarted). All 50 of a hub at
# once held every lock's slots and codes in memory together, and that peak stayed resident:
# 70 MB at idle with 50 x 200 codes, 61 MB with 8 at a time (bench/api_latency). The radios
# are no slower for it: a Z-Wave controller and a BLE adapter do one thing at a time anyway.
FIRST_PASSES_AT_ONCE = 8


class EngineCounters(Protocol):
    """Where the engine counts what it does (the metrics)."""

    def count_operation(self, lock: str, operation: str, outcome: str) -> None: ...

    def count_restart(self, lock: str, task: str) -> None: ...


class _NoCounters:
    def count_operation(self, lock: str, operation: str, outcome: str) -> None:
        pass

    def count_restart(self, lock: str, task: str) -> None:
        pass


def device_id_for(driver: str, ref: str) -> str:
    """Stable across restarts and re-installs: derived from what identifies the lock."""
    return str(uuid.uuid5(_DEVICE_NAMESPACE, f"{driver}:{ref}"))


class Locks:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        pool_size: int,
        stall_after: float = STALL_AFTER,
        counters: EngineCounters | None = None,
    ) -> None:
        self.store = store
        self.clock = clock
        self.pool_size = pool_size
        self.counters: EngineCounters = counters or _NoCounters()
        self.first_passes = asyncio.Semaphore(FIRST_PASSES_AT_ONCE)
        # Each lock's next boundary (starts_at, ends_at, a retry) wakes it; armed once started.
        self.boundaries = Boundaries(self.wake, clock)
        self.drivers: dict[str, LockDriver] = {}
        self.supervisor = Supervisor(store, clock, stall_after)
        self.supervisor.on_restart = self.counters.count_restart
        self.reconcilers: dict[str, Reconciler] = self.supervisor.reconcilers
        self._tasks: list[asyncio.Task[None]] = []
        self._started = False

    def add(self, driver: LockDriver) -> Device:
        """Register a lock as a device (no radio work: its reconciler reads it first thing)."""
        info = driver.info
        device_id = device_id_for(info.driver, info.ref)
        now = self.clock.now()
        with self.store.transaction() as conn:
            existing = devices.get(conn, device_id)
            device = existing or Device(
                device_id=device_id,
                driver=info.driver,
                ref=info.ref,
                display_name=info.name,
                capabilities=info.capabilities,
                created_at=now,
                pool_size=self.pool_size,
            )
            device = replace(
                device,
                display_name=info.name,
                capabilities=info.capabilities,
                pool_size=self.pool_size,
            )
            devices.upsert(conn, device)
            devices.save(conn, device)
        self.drivers[device_id] = driver
        self.reconcilers[device_id] = Reconciler(
            device_id=device_id,
            driver=driver,
            store=self.store,
            clock=self.clock,
            schedule=self.boundaries.schedule,
            count=self.counters.count_operation,
            first_passes=self.first_passes,
        )
        log.info("lock %s registered as device %s", info.name, device_id)
        if self._started:  # found after start (a Z-Wave node included later)
            self._run(device_id)
        return device

    def start(self) -> None:
        """Run every reconciler and listen to every lock's events."""
        self._started = True
        self.boundaries.start()
        for device_id in self.reconcilers:
            self._run(device_id)
        self._tasks.append(asyncio.create_task(self.supervisor.watch(), name="liveness"))

    def _run(self, device_id: str) -> None:
        """The lock's reconciler and event pump, each kept alive by the supervisor."""
        reconciler = self.reconcilers[device_id]
        keep = self.supervisor.keep
        self._tasks.append(
            asyncio.create_task(
                keep(device_id, "reconciler", reconciler.run), name=f"reconcile:{device_id}"
            )
        )
        pump = keep(device_id, "event pump", lambda: self._pump(device_id), False)
        self._tasks.append(asyncio.create_task(pump, name=f"events:{device_id}"))

    async def _pump(self, device_id: str) -> None:
        reconciler = self.reconcilers[device_id]
        async for event in self.drivers[device_id].events():
            try:
                reconciler.on_lock_event(event)
            except sqlite3.Error as exc:  # e.g. a full disk: the lock itself is read again
                log.warning("lock %s: recording a lock event failed (%s)", device_id, exc)
                reconciler.read_again()

    async def remove(self, device_id: str) -> None:
        """Stop a lock's reconciler and event pump and close its driver (the lock leaves the
        hub; its device row is the caller's). A slot operation in flight is cut short: only
        simulated locks are removed this way."""
        reconciler = self.reconcilers.pop(device_id, None)
        driver = self.drivers.pop(device_id, None)
        if reconciler is not None:
            reconciler.stop()
        self.boundaries.schedule(device_id, None)
        names = {f"reconcile:{device_id}", f"events:{device_id}"}
        mine = [t for t in self._tasks if t.get_name() in names]
        self._tasks = [t for t in self._tasks if t.get_name() not in names]
        for task in mine:
            task.cancel()
        for task in mine:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self.supervisor.restarts.pop(device_id, None)
        self.supervisor.stalled.discard(device_id)
        if driver is not None:
            await driver.close()

    def wake(self, device_id: str) -> None:
        """Called after the declared state of a lock changed."""
        reconciler = self.reconcilers.get(device_id)
        if reconciler is not None:
            reconciler.wake()

    def wake_all(self) -> None:
        """The clock moved: every lock re-plans, and re-arms its next boundary."""
        for device_id in list(self.reconcilers):
            self.wake(device_id)

    async def close(self, grace: float = 4.0) -> None:
        """Let every reconciler finish its slot operation in flight (up to `grace` seconds),
        then stop everything."""
        self.supervisor.stop()
        self.boundaries.stop()
        for reconciler in self.reconcilers.values():
            reconciler.stop()
        reconciling = [t for t in self._tasks if t.get_name().startswith("reconcile:")]
        if reconciling:
            await asyncio.wait(reconciling, timeout=grace)
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for driver in self.drivers.values():
            await driver.close()
