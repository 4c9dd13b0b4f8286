"""The locks the daemon owns: one driver each, registered as a device in the store."""

from __future__ import annotations

import logging
import uuid
from dataclasses import replace

from drivers.base import DriverError, LockDriver
from gateway.clock import Clock
from gateway.domain.models import Device
from gateway.engine.observe import observe_unowned
from gateway.store import devices
from gateway.store.db import Store

log = logging.getLogger(__name__)

_DEVICE_NAMESPACE = uuid.UUID("0d8f5b1e-3c2a-4f6e-9a7d-5b4c3e2f1a09")


def device_id_for(driver: str, ref: str) -> str:
    """Stable across restarts and re-installs: derived from what identifies the lock."""
    return str(uuid.uuid5(_DEVICE_NAMESPACE, f"{driver}:{ref}"))


class Locks:
    def __init__(self, store: Store, clock: Clock, pool_size: int) -> None:
        self.store = store
        self.clock = clock
        self.pool_size = pool_size
        self.drivers: dict[str, LockDriver] = {}

    async def add(self, driver: LockDriver) -> Device:
        """Register a lock: record it as a device and take in what its slots hold."""
        info = driver.info
        device_id = device_id_for(info.driver, info.ref)
        self.drivers[device_id] = driver
        try:
            state = await driver.state()
            readings = await driver.read_slots()
        except DriverError as exc:
            log.warning("lock %s (%s) not reachable at start: %s", info.name, device_id, exc)
            state, readings = None, None
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = devices.get(conn, device_id) or Device(
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
                online=state is not None and state.online,
                locked=device.locked if state is None else state.locked,
                battery_level=device.battery_level if state is None else state.battery_level,
            )
            devices.upsert(conn, device)
            devices.save(conn, device)
            if readings is not None:
                observe_unowned(conn, device, readings, now)
        log.info("lock %s registered as device %s", info.name, device_id)
        return device

    def wake(self, device_id: str) -> None:
        """Called after the declared state of a lock changed (the reconciler listens here)."""

    async def close(self) -> None:
        for driver in self.drivers.values():
            await driver.close()
