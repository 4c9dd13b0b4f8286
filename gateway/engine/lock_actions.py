"""Pending lock/unlock and configure-auto-lock action attempts, carried out by the lock's
reconciler."""

from __future__ import annotations

from dataclasses import replace

from drivers.base import AutoLock, LockDriver, PermanentDriverError
from gateway.clock import Clock
from gateway.domain.models import ActionType
from gateway.ledger.journal import record
from gateway.store import action_attempts, auto_lock, devices
from gateway.store.db import Store

LOCK_ACTIONS = (ActionType.LOCK_DOOR, ActionType.UNLOCK_DOOR)
CONFIG_ACTIONS = (ActionType.CONFIGURE_AUTO_LOCK,)


async def run_lock_actions(store: Store, driver: LockDriver, device_id: str, clock: Clock) -> None:
    """Oldest first; a transient error propagates so the reconciler retries with backoff."""
    await run_config_actions(store, driver, device_id)
    for attempt in action_attempts.pending_for_device(store.conn, device_id, LOCK_ACTIONS):
        locked = attempt.action_type is ActionType.LOCK_DOOR
        try:
            await driver.set_locked(locked)
        except PermanentDriverError as exc:
            with store.transaction() as conn:
                action_attempts.resolve(
                    conn,
                    attempt.action_attempt_id,
                    error={"type": "lock_action_failed", "message": str(exc)},
                )
            continue
        now = clock.now()
        with store.transaction() as conn:
            action_attempts.resolve(
                conn, attempt.action_attempt_id, result={"was_confirmed_by_device": True}
            )
            device = devices.get(conn, device_id)
            if device is not None:
                device.locked = locked
                devices.save(conn, device)
            record(
                conn,
                "lock.locked" if locked else "lock.unlocked",
                now,
                device_id=device_id,
                method="remote",
                action_attempt_id=attempt.action_attempt_id,
            )


async def run_config_actions(store: Store, driver: LockDriver, device_id: str) -> None:
    """Auto-lock settings asked for, oldest first; the device shows what the lock took."""
    for attempt in action_attempts.pending_for_device(store.conn, device_id, CONFIG_ACTIONS):
        wanted = auto_lock.request(store.conn, attempt.action_attempt_id) or AutoLock(False)
        try:
            took = await driver.configure_auto_lock(wanted)
        except PermanentDriverError as exc:
            with store.transaction() as conn:
                action_attempts.resolve(
                    conn,
                    attempt.action_attempt_id,
                    error={"type": "configure_auto_lock_failed", "message": str(exc)},
                )
                auto_lock.done(conn, attempt.action_attempt_id)
            continue
        with store.transaction() as conn:
            action_attempts.resolve(conn, attempt.action_attempt_id, result={})
            auto_lock.done(conn, attempt.action_attempt_id)
            device = devices.get(conn, device_id)
            if device is not None:
                devices.save(
                    conn,
                    replace(
                        device,
                        auto_lock_enabled=took.enabled,
                        auto_lock_delay_seconds=took.delay_seconds if took.enabled else None,
                    ),
                )
