"""A lock's own settings the API can change: auto-lock (`/locks/configure_auto_lock`).

Like lock/unlock, the request becomes a pending action attempt that the lock's reconciler
carries out (`engine/lock_actions.py`); the device shows the setting once the lock took it.
"""

from __future__ import annotations

from drivers.base import AutoLock
from gateway.clock import Clock
from gateway.domain.models import ActionAttempt, ActionType
from gateway.service import lookup
from gateway.service.access_codes import Waker
from gateway.store import action_attempts, auto_lock
from gateway.store.db import Store
from gateway.wire.errors import invalid
from gateway.wire.requests import ConfigureAutoLock


class LockConfig:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    def configure_auto_lock(self, p: ConfigureAutoLock) -> ActionAttempt:
        if p.auto_lock_enabled and p.auto_lock_delay_seconds is None:
            raise invalid("auto_lock_delay_seconds", "Required when enabling auto-lock")
        setting = AutoLock(
            enabled=p.auto_lock_enabled,
            delay_seconds=p.auto_lock_delay_seconds if p.auto_lock_enabled else None,
        )
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.managed_device(conn, p.device_id)
            if not device.capabilities.can_configure_auto_lock:
                raise invalid(
                    "device_id",
                    f"{device.name} has no auto-lock the hub can configure "
                    "(see the device's can_configure_auto_lock)",
                )
            attempt = ActionAttempt.pending(ActionType.CONFIGURE_AUTO_LOCK, now, device.device_id)
            action_attempts.insert(conn, attempt)
            auto_lock.add_request(conn, attempt.action_attempt_id, device.device_id, setting)
        self.wake(device.device_id)
        return attempt
