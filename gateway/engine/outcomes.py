"""What the reconciler writes to the store: intent before radio work, outcome after it.

Every function here runs inside the caller's transaction, so each outcome is all-or-nothing.
"""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

from drivers.base import SlotReading
from gateway.domain.issues import (
    code_error,
    event_issue_lists,
    has,
    with_issue,
    without,
)
from gateway.domain.lifetime import is_leaving
from gateway.domain.models import (
    PERMANENT_CODE_ERRORS,
    AccessCode,
    ActionType,
    CodeStatus,
    Device,
)
from gateway.domain.slots import Owner
from gateway.engine.plan import Op, OpKind
from gateway.ledger.forget import forget
from gateway.ledger.journal import record
from gateway.store import access_codes, action_attempts, devices, slot_health, slots
from gateway.wire import views

# A permanently failed code is tried again after this long, or as soon as a slot frees up.
PERMANENT_RETRY = timedelta(hours=24)
CODE_CHANGE_ACTIONS = (ActionType.CREATE_ACCESS_CODE, ActionType.UPDATE_ACCESS_CODE)


def intend(conn: sqlite3.Connection, device_id: str, op: Op, now: datetime) -> None:
    """Commit what is about to be sent, so a crash mid-operation is finished on restart."""
    assert op.slot is not None
    if op.kind is OpKind.WRITE:
        slots.put(
            conn,
            device_id,
            op.slot,
            owner=Owner.MANAGED,
            access_code_id=op.access_code_id,
            code=op.pin,
            masked=False,
            name=op.name,
            now=now,
            window=op.window,
        )
        slot_health.set_pending(conn, device_id, op.slot, "write")
    else:
        slot_health.set_pending(conn, device_id, op.slot, "clear")


def _resolve_attempts(
    conn: sqlite3.Connection, code: AccessCode, workspace_id: str, *, error: str | None = None
) -> None:
    for attempt in action_attempts.pending_for_code(conn, code.access_code_id):
        if attempt.action_type not in CODE_CHANGE_ACTIONS:
            continue
        if error is None:
            body = views.access_code(code, workspace_id)
            action_attempts.resolve(conn, attempt.action_attempt_id, result={"access_code": body})
        else:
            action_attempts.resolve(
                conn, attempt.action_attempt_id, error={"type": error, "message": error}
            )


def confirm_write(
    conn: sqlite3.Connection,
    device: Device,
    op: Op,
    masked: bool,
    workspace_id: str,
    now: datetime,
) -> None:
    assert op.slot is not None and op.access_code_id is not None
    slots.put(
        conn,
        device.device_id,
        op.slot,
        owner=Owner.MANAGED,
        access_code_id=op.access_code_id,
        code=op.pin,
        masked=masked,
        name=op.name,
        now=now,
        window=op.window,
    )
    slot_health.set_pending(conn, device.device_id, op.slot, None)
    slot_health.clear_failures(conn, device.device_id, op.slot)
    stored = access_codes.get(conn, op.access_code_id)
    if stored is None:
        return  # deleted meanwhile: the next plan clears the slot
    # Programmed ahead with its window on the lock: unset until starts_at (as the cloud shows).
    ahead = op.window is not None and now < op.window.starts_at
    code = replace(
        stored,
        status=CodeStatus.UNSET if ahead else CodeStatus.SET,
        is_scheduled_on_device=op.window is not None,
        pending_mutations=[],
        errors=without(stored.errors, *PERMANENT_CODE_ERRORS, "conflicting_external_modification"),
        warnings=without(stored.warnings, "delay_in_setting_on_device"),
    )
    access_codes.save(conn, code, was=stored)
    access_codes.block(conn, code.access_code_id, None)
    if not code.in_pool:  # pool codes are secrets: no events
        if op.window is not None:
            record(
                conn,
                "access_code.scheduled_on_device",
                now,
                device_id=device.device_id,
                access_code_id=code.access_code_id,
                code=code.code,
            )
        if not ahead:
            record(
                conn,
                "access_code.set_on_device",
                now,
                device_id=device.device_id,
                access_code_id=code.access_code_id,
                code=code.code,
            )
    _resolve_attempts(conn, code, workspace_id)


def write_not_kept(
    conn: sqlite3.Connection, device: Device, op: Op, workspace_id: str, now: datetime
) -> bool:
    """The lock acknowledged a write but does not show it. Returns True when the slot's breaker
    opened (the reconciler stops writing it instead of hammering the lock)."""
    assert op.slot is not None and op.access_code_id is not None
    opened = slot_health.record_failure(conn, device.device_id, op.slot, now)
    code = access_codes.get(conn, op.access_code_id)
    if opened and code is not None:
        message = f"The lock did not keep the code in slot {op.slot}; retrying in 30 minutes"
        code = code_error(code, "failed_to_set_on_device", message, now)
        access_codes.save(conn, code)
        record(
            conn,
            "access_code.failed_to_set_on_device",
            now,
            device_id=device.device_id,
            access_code_id=code.access_code_id,
            **event_issue_lists(device, code),
        )
        _resolve_attempts(conn, code, workspace_id, error="failed_to_set_on_device")
    return opened


def clear_not_kept(conn: sqlite3.Connection, device: Device, op: Op, now: datetime) -> None:
    """The lock acknowledged a clear but still shows the slot occupied."""
    assert op.slot is not None
    if not slot_health.record_failure(conn, device.device_id, op.slot, now):
        return
    code = access_codes.get(conn, op.access_code_id or "")
    if code is None or not code.is_managed:
        return
    message = f"The lock does not clear slot {op.slot}; retrying in 30 minutes"
    code = code_error(code, "failed_to_remove_from_device", message, now)
    access_codes.save(conn, code)
    record(
        conn,
        "access_code.failed_to_remove_from_device",
        now,
        device_id=device.device_id,
        access_code_id=code.access_code_id,
        **event_issue_lists(device, code),
    )


def write_failed(
    conn: sqlite3.Connection,
    device: Device,
    op: Op,
    error: str,
    message: str,
    reading: SlotReading | None,
    workspace_id: str,
    now: datetime,
) -> None:
    """The lock refused the code for good (duplicate, no space, bad format): no retry loop.
    `reading` is what the slot shows afterwards (it may still hold an older PIN of ours)."""
    assert op.access_code_id is not None
    if op.slot is not None and reading is not None:
        if not reading.occupied:
            slots.free(conn, device.device_id, op.slot)
        else:
            slots.put(
                conn,
                device.device_id,
                op.slot,
                owner=Owner.MANAGED,
                access_code_id=op.access_code_id,
                code=reading.code,
                masked=reading.masked,
                name=op.name,
                now=now,
            )
            slot_health.set_pending(conn, device.device_id, op.slot, None)
    code = access_codes.get(conn, op.access_code_id)
    if code is None:
        return
    code = code_error(code, error, message, now)
    access_codes.save(conn, code)
    access_codes.block(conn, code.access_code_id, now + PERMANENT_RETRY)
    if not code.in_pool:
        record(
            conn,
            "access_code.failed_to_set_on_device",
            now,
            device_id=device.device_id,
            access_code_id=code.access_code_id,
            **event_issue_lists(device, code),
        )
    _resolve_attempts(conn, code, workspace_id, error=error)


def confirm_clear(
    conn: sqlite3.Connection, device: Device, op: Op, workspace_id: str, now: datetime
) -> None:
    assert op.slot is not None
    slots.free(conn, device.device_id, op.slot)
    access_codes.unblock_device(conn, device.device_id)  # a freed slot may cure a no-space
    if op.access_code_id is None:
        return
    code = access_codes.get(conn, op.access_code_id)
    if code is None:
        return
    if not code.is_managed:
        for attempt in action_attempts.pending_for_code(conn, code.access_code_id):
            action_attempts.resolve(conn, attempt.action_attempt_id, result={})
        access_codes.delete(conn, code.access_code_id)
        record(
            conn,
            "access_code.unmanaged.removed",
            now,
            device_id=device.device_id,
            access_code_id=code.access_code_id,
        )
        return
    if not code.in_pool:
        record(
            conn,
            "access_code.removed_from_device",
            now,
            device_id=device.device_id,
            access_code_id=code.access_code_id,
        )
    if is_leaving(code, now):
        if not slots.holds_code(conn, code.device_id, code.access_code_id):
            forget(conn, code, now)
        return
    code = replace(
        code,
        warnings=without(code.warnings, "delay_in_removing_from_device"),
        errors=without(code.errors, "failed_to_remove_from_device"),
    )
    access_codes.save(conn, code)


def no_space(
    conn: sqlite3.Connection,
    device: Device,
    access_code_id: str,
    workspace_id: str,
    now: datetime,
) -> None:
    op = Op(OpKind.NO_SPACE, access_code_id)
    write_failed(
        conn,
        device,
        op,
        "no_space_for_access_code_on_device",
        "Every slot of the lock is in use",
        None,
        workspace_id,
        now,
    )


def set_online(conn: sqlite3.Connection, device: Device, online: bool, now: datetime) -> Device:
    """Record the lock going offline or coming back, on the device and on its codes."""
    marked_offline = has(device.errors, "device_offline")
    if device.online == online and marked_offline != online:
        return device
    message = "The lock is not answering"
    if online:
        device = replace(device, online=True, errors=without(device.errors, "device_offline"))
        record(conn, "device.connected", now, device_id=device.device_id)
    else:
        device = replace(
            device, online=False, errors=with_issue(device.errors, "device_offline", message, now)
        )
        record(
            conn,
            "device.disconnected",
            now,
            device_id=device.device_id,
            error_code="device_disconnected",
            **event_issue_lists(device, None),
        )
    devices.save(conn, device)
    for code in access_codes.for_device(conn, device.device_id):
        if not code.is_managed:
            continue
        errors = (
            without(code.errors, "device_offline")
            if online
            else with_issue(code.errors, "device_offline", message, now)
        )
        if errors != code.errors:
            access_codes.save(conn, replace(code, errors=errors))
    return device
