"""A lock's first full read after `lockgw restore`: the restored slot map is checked against what
the lock shows, before `observe` takes the readings in as usual.

The restored store knows what the lock held when the backup was taken. Since then codes may
have been programmed (by this hub, before the restore), deleted, and their slots reused:
- a slot the store gives one of our codes stays ours only where the lock still shows that
  code (or masks read-back: nothing tells otherwise). Otherwise the slot is freed: what the lock
  shows there is then an unmanaged code (never overwritten), and our code, if still wanted, is
  programmed again in a free slot; it was not changed at the keypad, so no error says so;
- a code the store declares but had not placed yet, found on the lock, is that code's slot
  (set, or cleared by the plan if the code is leaving), not an unmanaged copy of its PIN.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from datetime import datetime

from drivers.base import SlotReading
from gateway.domain.lifetime import is_leaving
from gateway.domain.models import Device
from gateway.domain.slots import Owner, SlotState
from gateway.engine import outcomes
from gateway.engine.plan import Op, OpKind
from gateway.ledger.forget import forget
from gateway.store import access_codes, slots, unverified


def reads_every_slot(device: Device, readings: list[SlotReading]) -> bool:
    return {r.slot for r in readings} >= set(device.capabilities.slots)


def check_restored_slots(
    conn: sqlite3.Connection,
    device: Device,
    readings: list[SlotReading],
    known: Mapping[int, SlotState],
    workspace_id: str,
    now: datetime,
) -> None:
    """Free each restored slot of ours the lock does not show holding our code, then take back
    the slots holding a declared code the store had not placed; the map is verified after."""
    for reading in readings:
        row = known.get(reading.slot)
        if row is None or row.owner is Owner.UNMANAGED or row.access_code_id is None:
            continue
        code = access_codes.get(conn, row.access_code_id)
        ours = {row.code, code.code if code is not None else None} - {None}
        if reading.occupied and (reading.masked or reading.code in ours):
            continue
        slots.free(conn, device.device_id, reading.slot)
        if (
            code is not None
            and is_leaving(code, now)
            and not slots.holds_code(conn, code.device_id, code.access_code_id)
        ):
            forget(conn, code, now)
    _take_back_unplaced(conn, device, readings, workspace_id, now)
    unverified.mark_verified(conn, device.device_id)


def _take_back_unplaced(
    conn: sqlite3.Connection,
    device: Device,
    readings: list[SlotReading],
    workspace_id: str,
    now: datetime,
) -> None:
    rows = slots.for_device(conn, device.device_id)
    placed = {r.access_code_id for r in rows.values() if r.owner is not Owner.UNMANAGED}
    unplaced = {
        c.code: c
        for c in access_codes.for_device(conn, device.device_id)
        if c.is_managed and c.code and c.access_code_id not in placed
    }
    for reading in readings:
        if reading.slot in rows or not reading.occupied or reading.masked:
            continue
        code = unplaced.pop(reading.code or "", None)
        if code is None:
            continue
        if is_leaving(code, now):
            slots.put(
                conn,
                device.device_id,
                reading.slot,
                owner=Owner.MANAGED,
                access_code_id=code.access_code_id,
                code=reading.code,
                masked=False,
                name=reading.name,
                now=now,
                window=reading.window,
            )
            continue
        op = Op(
            OpKind.WRITE, code.access_code_id, reading.slot, reading.code, code.name, reading.window
        )
        outcomes.confirm_write(conn, device, op, False, workspace_id, now)
