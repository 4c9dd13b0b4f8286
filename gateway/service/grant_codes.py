"""The access codes behind an access method, written inside the caller's transaction.

A grant's PIN reaches each lock as an ordinary managed access code, so the reconciler, the
on-device windows, retries and events all work as for any code. These are the same steps as
`AccessCodes.create/update/delete`, minus the request parsing, for a caller that already holds
the transaction (a grant changes many codes at once, all or none).
"""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime

from gateway.domain.grant_plan import CodeWindow
from gateway.domain.models import (
    AccessCode,
    ActionAttempt,
    ActionType,
    CodeStatus,
    Device,
    Mutation,
)
from gateway.domain.rules import appearance, conflicting_code, pin_problems
from gateway.ledger.forget import forget
from gateway.ledger.journal import record
from gateway.ledger.pool import retire_backup
from gateway.service.code_update import apply_update
from gateway.service.declaring import creation_mutation, initial_status
from gateway.store import access_codes, action_attempts, slots
from gateway.wire.requests import UpdateAccessCode


def pin_problem(
    conn: sqlite3.Connection, device: Device, pin: str, window: CodeWindow
) -> str | None:
    """Why `pin` cannot be this lock's code for `window` (None when it can)."""
    problems = pin_problems(pin, device.capabilities)
    if problems:
        return f"{'; '.join(problems)} on {device.name}"
    holding = access_codes.pin_uses(conn, device.device_id, pin)
    if conflicting_code(pin, window, holding) is not None:
        return f"is already in use on {device.name}"
    return None


def place(
    conn: sqlite3.Connection,
    device: Device,
    pin: str,
    window: CodeWindow,
    name: str | None,
    now: datetime,
) -> AccessCode:
    """A new managed code with `pin` on `device` (checked by the caller with pin_problem)."""
    starts_at, ends_at = window
    code = AccessCode(
        access_code_id=str(uuid.uuid4()),
        device_id=device.device_id,
        name=name,
        appearance_name=appearance(device, name),
        code=pin,
        created_at=now,
        status=initial_status(starts_at, now),
        starts_at=starts_at,
        ends_at=ends_at,
        pending_mutations=[creation_mutation(starts_at, now)],
    )
    access_codes.insert(conn, code)
    action_attempts.insert(
        conn,
        ActionAttempt.pending(
            ActionType.CREATE_ACCESS_CODE, now, code.device_id, code.access_code_id
        ),
    )
    record(
        conn,
        "access_code.created",
        now,
        device_id=code.device_id,
        access_code_id=code.access_code_id,
    )
    return code


def retime(
    conn: sqlite3.Connection, device: Device, old: AccessCode, window: CodeWindow, now: datetime
) -> None:
    """Give a code a new window (checked for clashes like any update of a code)."""
    starts_at, ends_at = window
    if (starts_at, ends_at) == (old.starts_at, old.ends_at) or old.deleting:
        return
    if ends_at is None:
        p = UpdateAccessCode(access_code_id=old.access_code_id, type="ongoing")
    else:
        p = UpdateAccessCode(
            access_code_id=old.access_code_id, starts_at=starts_at, ends_at=ends_at
        )
    attempt = ActionAttempt.pending(
        ActionType.UPDATE_ACCESS_CODE, now, old.device_id, old.access_code_id
    )
    apply_update(conn, device, old, p, attempt, now)


def remove(conn: sqlite3.Connection, code: AccessCode, now: datetime) -> None:
    """Take a code off its lock: at once when the lock never held it, else via the reconciler."""
    if code.pulled_backup_access_code_id is not None:
        retire_backup(conn, code.pulled_backup_access_code_id, now)
    if not slots.holds_code(conn, code.device_id, code.access_code_id):
        forget(conn, code, now)
        return
    action_attempts.insert(
        conn,
        ActionAttempt.pending(
            ActionType.DELETE_ACCESS_CODE, now, code.device_id, code.access_code_id
        ),
    )
    if not code.deleting:
        code.deleting = True
        code.status = CodeStatus.REMOVING
        code.pending_mutations = [
            Mutation("deleting", "The code is being removed from the lock.", now)
        ]
        access_codes.save(conn, code)
