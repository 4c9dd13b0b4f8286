"""Taking in what a lock reports about its slots.

- Slots the gateway does not own hold unmanaged codes: recorded, never overwritten.
- After `lockgw restore`, the first full read checks the restored slot map first
  (`after_restore`): the backup's idea of a slot never overwrites what the lock holds now.
- A slot with an unconfirmed operation (a crash, a timeout) is settled by what it shows: a write
  the lock shows (with its window) is confirmed, an empty slot after a clear is freed.
- A confirmed managed slot that shows something else was changed at the keypad: the change is
  accepted where the code allows external modification, otherwise the code is flagged and the
  planner puts it back. Masked read-back of an occupied slot is "occupied, unknown", not a change.
"""

from __future__ import annotations

import sqlite3
import uuid
from dataclasses import replace
from datetime import datetime

from drivers.base import SlotReading
from gateway.domain.issues import with_issue, without
from gateway.domain.lifetime import has_ended, is_leaving
from gateway.domain.models import AccessCode, CodeStatus, Device
from gateway.domain.slots import Owner, SlotState
from gateway.engine import outcomes
from gateway.engine.after_restore import check_restored_slots, reads_every_slot
from gateway.engine.plan import Op, OpKind
from gateway.ledger.forget import forget
from gateway.ledger.journal import record
from gateway.store import access_codes, slots, unverified


def observe(
    conn: sqlite3.Connection,
    device: Device,
    readings: list[SlotReading],
    workspace_id: str,
    now: datetime,
    *,
    reported: frozenset[int] = frozenset(),
) -> None:
    known = slots.for_device(conn, device.device_id)
    if unverified.is_unverified(conn, device.device_id) and reads_every_slot(device, readings):
        check_restored_slots(conn, device, readings, known, workspace_id, now)
        known = slots.for_device(conn, device.device_id)
    for reading in readings:
        row = known.get(reading.slot)
        if row is None or row.owner is Owner.UNMANAGED:
            _observe_unowned(conn, device, reading, row, now)
        elif row.pending == "write":
            _settle_write(conn, device, reading, row, workspace_id, now)
        else:
            _observe_owned(conn, device, reading, row, now, reported=reading.slot in reported)


def _settle_write(
    conn: sqlite3.Connection,
    device: Device,
    reading: SlotReading,
    row: SlotState,
    workspace_id: str,
    now: datetime,
) -> None:
    """A write that was sent but never confirmed (a crash, a timeout): confirmed now if the lock
    shows it, instead of being sent again. A masked slot cannot prove it holds our write, nor
    one whose window the lock does not show (the window is written first): those are re-sent
    by the plan (a write is idempotent)."""
    if row.access_code_id is None:
        return
    if (
        reading.occupied
        and not reading.masked
        and reading.code == row.code
        and reading.window == row.window
    ):
        op = Op(OpKind.WRITE, row.access_code_id, reading.slot, row.code, None, row.window)
        outcomes.confirm_write(conn, device, op, reading.masked, workspace_id, now)


def _shows(reading: SlotReading, pin: str | None, reported: bool) -> bool:
    if not reading.occupied:
        return False
    if reading.masked:
        return not reported
    return reading.code == pin


def _observe_owned(
    conn: sqlite3.Connection,
    device: Device,
    reading: SlotReading,
    row: SlotState,
    now: datetime,
    *,
    reported: bool,
) -> None:
    pending = row.pending
    if pending is not None:
        # A clear whose outcome was never recorded: an empty slot settles it here; otherwise
        # the plan sends it again (idempotent).
        if pending == "clear" and not reading.occupied:
            slots.free(conn, device.device_id, reading.slot)
            code = access_codes.get(conn, row.access_code_id or "")
            leaving = code is not None and is_leaving(code, now)
            if (
                code is not None
                and leaving
                and not slots.holds_code(conn, code.device_id, code.access_code_id)
            ):
                forget(conn, code, now)
        return
    if row.code is None and not reading.occupied:
        return
    if _shows(reading, row.code, reported):
        return
    code = access_codes.get(conn, row.access_code_id or "")
    if code is None:
        return
    if not reading.occupied and not _wanted_now(code, now):
        # Emptied at the keypad, but the code was leaving the lock anyway: that is done.
        slots.free(conn, device.device_id, reading.slot)
        if is_leaving(code, now) and not slots.holds_code(
            conn, code.device_id, code.access_code_id
        ):
            forget(conn, code, now)
        return
    new_pin = reading.code if reading.occupied and not reading.masked else None
    if code.is_external_modification_allowed:
        _accept_change(conn, device, code, reading.slot, new_pin, row, now)
        return
    # Not allowed: record what the lock shows; the plan writes the declared code back.
    slots.put(
        conn,
        device.device_id,
        reading.slot,
        owner=Owner.MANAGED,
        access_code_id=code.access_code_id,
        code=new_pin,
        masked=reading.occupied and reading.masked,
        name=row.name,
        now=now,
    )
    message = "The code was changed at the lock; the declared code is being set again"
    flagged = replace(
        code,
        status=CodeStatus.SETTING if code.status is CodeStatus.SET else code.status,
        errors=with_issue(code.errors, "conflicting_external_modification", message, now),
    )
    access_codes.save(conn, flagged)
    kind = "modified_external_to_seam" if new_pin else "deleted_external_to_seam"
    record(
        conn,
        f"access_code.{kind}",
        now,
        device_id=device.device_id,
        access_code_id=code.access_code_id,
    )


def _accept_change(
    conn: sqlite3.Connection,
    device: Device,
    code: AccessCode,
    slot: int,
    new_pin: str | None,
    row: SlotState,
    now: datetime,
) -> None:
    if new_pin is None:
        slots.free(conn, device.device_id, slot)
        record(
            conn,
            "access_code.deleted_external_to_seam",
            now,
            device_id=device.device_id,
            access_code_id=code.access_code_id,
        )
        forget(conn, code, now)
        return
    slots.put(
        conn,
        device.device_id,
        slot,
        owner=Owner.MANAGED,
        access_code_id=code.access_code_id,
        code=new_pin,
        masked=False,
        name=row.name,
        now=now,
    )
    message = "The code was changed at the lock and the change was accepted"
    access_codes.save(
        conn,
        replace(
            code,
            code=new_pin,
            common_code_key=None,
            warnings=with_issue(code.warnings, "external_modification_in_effect", message, now),
            errors=without(code.errors, "conflicting_external_modification"),
        ),
    )
    record(
        conn,
        "access_code.modified_external_to_seam",
        now,
        device_id=device.device_id,
        access_code_id=code.access_code_id,
    )


def _wanted_now(code: AccessCode, now: datetime) -> bool:
    if code.deleting or not code.is_managed:
        return False
    return code.starts_at is None or (code.starts_at <= now and not has_ended(code, now))


def _observe_unowned(
    conn: sqlite3.Connection,
    device: Device,
    reading: SlotReading,
    row: SlotState | None,
    now: datetime,
) -> None:
    if not reading.occupied:
        if row is not None:
            _drop_unmanaged(conn, device, reading.slot, row.access_code_id, now)
        return
    if row is not None and (row.code == reading.code or reading.masked):
        return
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
    access_codes.unblock_device(conn, device.device_id)
    code = access_codes.get(conn, access_code_id or "")
    if code is None or code.is_managed:
        return
    access_codes.delete(conn, code.access_code_id)
    record(
        conn,
        "access_code.unmanaged.removed",
        now,
        device_id=device.device_id,
        access_code_id=code.access_code_id,
    )
