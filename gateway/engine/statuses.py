"""After each pass: every code's status, delay warnings, and codes whose time is over."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

from gateway.domain.models import CodeStatus, Device
from gateway.engine.issues import event_issue_lists, has, with_issue, without
from gateway.engine.plan import is_active, is_expired, status_for
from gateway.engine.snapshot import LockSnapshot
from gateway.service.access_codes import forget
from gateway.service.journal import record
from gateway.store import access_codes

DELAY_EVENTS = {
    "delay_in_setting_on_device": "access_code.delay_in_setting_on_device",
    "delay_in_removing_from_device": "access_code.delay_in_removing_from_device",
}


def sweep(
    conn: sqlite3.Connection,
    device: Device,
    snapshot: LockSnapshot,
    now: datetime,
    *,
    delayed: bool,
) -> None:
    """`delayed`: the lock could not be reached in this pass, so pending work is late."""
    for want in snapshot.wants:
        code = snapshot.codes[want.access_code_id]
        if not code.is_managed:
            continue
        slot = snapshot.slot_of(want.access_code_id)
        if slot is None and (want.deleting or is_expired(want, now)):
            forget(conn, code, now)
            continue
        status = status_for(want, slot, now)
        warnings = code.warnings
        late = None
        if status is CodeStatus.SETTING:
            late = "delay_in_setting_on_device"
        elif status is CodeStatus.REMOVING:
            late = "delay_in_removing_from_device"
        if status is CodeStatus.SET:
            warnings = without(warnings, *DELAY_EVENTS)
        if not is_active(want, now) and slot is None:
            warnings = without(warnings, "delay_in_setting_on_device")
        if delayed and late is not None and not has(warnings, late):
            message = "The lock is not reachable; the change will be made when it is"
            warnings = with_issue(warnings, late, message, now)
            updated = replace(code, status=status, warnings=warnings)
            record(conn, DELAY_EVENTS[late], now, device_id=device.device_id,
                   access_code_id=code.access_code_id,
                   **event_issue_lists(device, updated))  # fmt: skip
        if status != code.status or warnings != code.warnings:
            mutations = code.pending_mutations if status is not CodeStatus.SET else []
            access_codes.save(
                conn,
                replace(code, status=status, warnings=warnings, pending_mutations=mutations),
            )
