"""After each pass: every code's status, delay warnings, and codes whose time is over."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime, timedelta

from gateway.domain.issues import event_issue_lists, with_issue, without
from gateway.domain.lifetime import is_leaving
from gateway.domain.models import POOL, CodeStatus, Device
from gateway.engine.plan import is_active, status_for
from gateway.engine.snapshot import LockSnapshot
from gateway.ledger.forget import forget
from gateway.ledger.journal import record
from gateway.store import access_codes
from gateway.store.access_codes import CodeRow

# A change still not made on the lock after this long is reported as delayed.
LATE_AFTER = timedelta(minutes=2)

LATE_WARNING = {
    CodeStatus.SETTING: "delay_in_setting_on_device",
    CodeStatus.REMOVING: "delay_in_removing_from_device",
}
DELAY_EVENTS = {
    "delay_in_setting_on_device": "access_code.delay_in_setting_on_device",
    "delay_in_removing_from_device": "access_code.delay_in_removing_from_device",
}


def late_since(row: CodeRow, now: datetime) -> datetime | None:
    """Since when the lock should have made the pending change (None: nothing pending)."""
    if row.status is CodeStatus.SETTING:
        return max(row.created_at, row.starts_at or row.created_at)
    if row.status is CodeStatus.REMOVING and row.ends_at is not None and row.ends_at <= now:
        return row.ends_at
    return None


def next_lateness(snapshot: LockSnapshot, now: datetime) -> datetime | None:
    """When the next pending change becomes late (so a pass can flag it then)."""
    moments = []
    for row in snapshot.rows.values():
        late = LATE_WARNING.get(row.status)
        since = late_since(row, now)
        if late is None or since is None or late in row.warning_codes:
            continue
        if since + LATE_AFTER > now:
            moments.append(since + LATE_AFTER)
    return min(moments, default=None)


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
        row = snapshot.rows[want.access_code_id]
        if not row.is_managed:
            continue
        slot = snapshot.slot_of(want.access_code_id)
        leaving = is_leaving(want, now)
        status = status_for(want, slot, now)
        late = LATE_WARNING.get(status)
        overdue = (
            late is not None
            and (since := late_since(row, now)) is not None
            and (now - since >= LATE_AFTER)
        )
        needs_delay_warning = (
            (delayed or overdue)
            and late is not None
            and late not in row.warning_codes
            and row.pool_state != POOL
        )
        stale_delay = (
            status is CodeStatus.SET and bool(row.warning_codes & DELAY_EVENTS.keys())
        ) or (
            not is_active(want, now)
            and slot is None
            and "delay_in_setting_on_device" in row.warning_codes
        )
        if not (
            (slot is None and leaving) or status != row.status or needs_delay_warning or stale_delay
        ):
            continue  # nothing changes: no full load, no write
        code = access_codes.get(conn, want.access_code_id)
        if code is None:
            continue
        if slot is None and leaving:
            forget(conn, code, now)
            continue
        warnings = code.warnings
        if status is CodeStatus.SET:
            warnings = without(warnings, *DELAY_EVENTS)
        if not is_active(want, now) and slot is None:
            warnings = without(warnings, "delay_in_setting_on_device")
        if needs_delay_warning and late is not None:
            message = (
                "The lock is not reachable; the change will be made when it is"
                if delayed
                else "The lock is taking longer than usual to make this change"
            )
            warnings = with_issue(warnings, late, message, now)
            updated = replace(code, status=status, warnings=warnings)
            record(
                conn,
                DELAY_EVENTS[late],
                now,
                device_id=device.device_id,
                access_code_id=code.access_code_id,
                **event_issue_lists(device, updated),
            )
        if status is CodeStatus.SET and code.status is not CodeStatus.SET and not code.in_pool:
            # A code programmed ahead with its window on the lock: its start has come.
            record(
                conn,
                "access_code.set_on_device",
                now,
                device_id=device.device_id,
                access_code_id=code.access_code_id,
                code=code.code,
            )
        mutations = code.pending_mutations if status is not CodeStatus.SET else []
        access_codes.save(
            conn, replace(code, status=status, warnings=warnings, pending_mutations=mutations)
        )
