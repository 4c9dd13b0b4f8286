"""Taking in what a lock reports about its slots.

Occupied slots the gateway does not own become unmanaged codes (never overwritten); unmanaged
codes whose slot is now empty are removed.
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime

from drivers.base import SlotReading
from gateway.domain.models import AccessCode, CodeStatus, Device
from gateway.service.journal import record
from gateway.store import access_codes, slots
from gateway.store.slots import Owner


def observe_unowned(
    conn: sqlite3.Connection, device: Device, readings: list[SlotReading], now: datetime
) -> None:
    known = slots.for_device(conn, device.device_id)
    for reading in readings:
        row = known.get(reading.slot)
        if row is not None and row.owner is not Owner.UNMANAGED:
            continue
        if not reading.occupied:
            if row is not None:
                _drop_unmanaged(conn, device, reading.slot, row.access_code_id, now)
            continue
        if row is not None and (row.code == reading.code or reading.masked):
            continue
        if row is not None:
            _drop_unmanaged(conn, device, reading.slot, row.access_code_id, now)
        _add_unmanaged(conn, device, reading, now)


def _add_unmanaged(
    conn: sqlite3.Connection, device: Device, reading: SlotReading, now: datetime
) -> None:
    code = AccessCode(
        access_code_id=str(uuid.uuid4()),
        device_id=device.device_id,
        name=reading.name or f"Slot {reading.slot}",
        code=reading.code,
        created_at=now,
        status=CodeStatus.SET,
        is_managed=False,
        appearance_name=reading.name,
    )
    access_codes.insert(conn, code)
    slots.put(
        conn,
        device.device_id,
        reading.slot,
        owner=Owner.UNMANAGED,
        access_code_id=code.access_code_id,
        code=reading.code,
        masked=reading.masked,
        name=reading.name,
        now=now,
    )
    record(
        conn,
        "access_code.unmanaged.created",
        now,
        device_id=device.device_id,
        access_code_id=code.access_code_id,
    )


def _drop_unmanaged(
    conn: sqlite3.Connection,
    device: Device,
    slot: int,
    access_code_id: str | None,
    now: datetime,
) -> None:
    slots.free(conn, device.device_id, slot)
    if access_code_id is None:
        return
    code = access_codes.get(conn, access_code_id)
    if code is None or code.is_managed:
        return
    access_codes.delete(conn, access_code_id)
    record(
        conn,
        "access_code.unmanaged.removed",
        now,
        device_id=device.device_id,
        access_code_id=access_code_id,
    )
