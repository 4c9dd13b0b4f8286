"""Lock events that are not about slots: the bolt, who opened it, the battery."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime
from typing import Any

from drivers.base import LockEvent, LockEventKind
from gateway.domain.battery import LOW_BATTERY, battery_status
from gateway.ledger.journal import record
from gateway.store import access_codes, devices, slots


def record_bolt(conn: sqlite3.Connection, device_id: str, event: LockEvent, now: datetime) -> None:
    """Locked/unlocked, and a keypad unlock attributed to the access code in that slot."""
    device = devices.get(conn, device_id)
    if device is None:
        return
    locked = event.kind is LockEventKind.LOCKED
    devices.save(conn, replace(device, locked=locked))
    payload: dict[str, Any] = {"method": "manual"}
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
