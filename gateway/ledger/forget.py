"""Dropping a code the lock no longer holds (after a delete, at ends_at, or at the keypad)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gateway.domain.models import AccessCode, ActionType
from gateway.ledger.journal import record
from gateway.store import access_codes, action_attempts


def forget(conn: sqlite3.Connection, code: AccessCode, now: datetime) -> None:
    """Drop a code the lock no longer holds; its pending actions succeed; history stays."""
    for attempt in action_attempts.pending_for_code(conn, code.access_code_id):
        if attempt.action_type is ActionType.DELETE_ACCESS_CODE:
            action_attempts.resolve(conn, attempt.action_attempt_id, result={})
        else:
            action_attempts.resolve(
                conn,
                attempt.action_attempt_id,
                error={"type": "access_code_deleted", "message": "The access code was deleted"},
            )
    access_codes.delete(conn, code.access_code_id)
    if code.in_pool:
        return  # pool codes are secrets: no events
    record(
        conn,
        "access_code.deleted",
        now,
        device_id=code.device_id,
        access_code_id=code.access_code_id,
        code=code.code,
    )
