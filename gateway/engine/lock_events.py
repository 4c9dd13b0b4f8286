"""Lock events that are not about slots: the bolt, who opened it, the battery."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any

from drivers.base import LockEvent, LockEventKind
from gateway.domain.battery import LOW_BATTERY, battery_status
from gateway.domain.models import ActionType, Device
from gateway.ledger.journal import record
from gateway.store import access_codes, action_attempts, devices, events, slots

BOLT_EVENTS = ("lock.locked", "lock.unlocked")


def _ours(conn: sqlite3.Connection, device: Device, locked: bool) -> bool:
    """Whether a locked/unlocked report is the lock telling us about our own lock_door or
    unlock_door: the action records that change itself (method "remote", with its action
    attempt), once. Either the action is still under way (it records the change when the lock
    confirms), or it has just recorded it: the store already shows this state and the newest
    bolt event of the lock is that action's."""
    wanted = ActionType.LOCK_DOOR if locked else ActionType.UNLOCK_DOOR
    if action_attempts.pending_for_device(conn, device.device_id, (wanted,)):
        return True
    if device.locked is not locked:
        return False
    newest = [events.latest(conn, event_type=t, device_id=device.device_id) for t in BOLT_EVENTS]
    found = [e for e in newest if e is not None]
    if not found:
        return False
    last = max(found, key=lambda e: e.created_at)
    return last.event_type == BOLT_EVENTS[0 if locked else 1] and bool(
        last.payload.get("action_attempt_id")
    )


def record_bolt(conn: sqlite3.Connection, device_id: str, event: LockEvent, now: datetime) -> None:
    """Locked/unlocked, and a keypad unlock attributed to the access code in that slot."""
    device = devices.get(conn, device_id)
    if device is None:
        return
    locked = event.kind is LockEventKind.LOCKED
    if event.kind is not LockEventKind.CODE_USED and _ours(conn, device, locked):
        return
    devices.save(conn, replace(device, locked=locked))
    payload: dict[str, Any] = {"method": "automatic" if event.automatic else "manual"}
    if event.kind is LockEventKind.CODE_USED:
        payload["method"] = "keycode"
        row = slots.for_device(conn, device_id, only={event.slot or -1}).get(event.slot or -1)
        code = access_codes.get(conn, row.access_code_id or "") if row is not None else None
        # A pool code is secret until pulled: its id is never put in an event.
        if code is not None and not code.in_pool:
            payload["access_code_id"] = code.access_code_id
    record(
        conn,
        "lock.locked" if locked else "lock.unlocked",
        now,
        device_id=device_id,
        occurred_at=event.occurred_at or now,
        **payload,
    )


def record_battery(conn: sqlite3.Connection, device_id: str, level: float, now: datetime) -> None:
    device = devices.get(conn, device_id)
    if device is None or device.battery_level == level:
        return
    before = device.battery_level
    devices.save(conn, replace(device, battery_level=level))
    if before is None or battery_status(before) != battery_status(level):
        record(
            conn,
            "device.battery_status_changed",
            now,
            device_id=device_id,
            battery_level=level,
            battery_status=battery_status(level),
        )
    if level < LOW_BATTERY <= (before if before is not None else 1.0):
        record(conn, "device.low_battery", now, device_id=device_id, battery_level=level)
