"""Pending lock/unlock action attempts, carried out by the lock's reconciler."""

from __future__ import annotations

from drivers.base import LockDriver, PermanentDriverError
from gateway.clock import Clock
from gateway.domain.models import ActionType
from gateway.ledger.journal import record
from gateway.store import action_attempts, devices
from gateway.store.db import Store

LOCK_ACTIONS = (ActionType.LOCK_DOOR, ActionType.UNLOCK_DOOR)


async def run_lock_actions(store: Store, driver: LockDriver, device_id: str, clock: Clock) -> None:
    """Oldest first; a transient error propagates so the reconciler retries with backoff."""
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
