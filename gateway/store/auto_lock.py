"""What each pending CONFIGURE_AUTO_LOCK action attempt asks the lock for."""

from __future__ import annotations

import sqlite3

from drivers.base import AutoLock


def add_request(
    conn: sqlite3.Connection, action_attempt_id: str, device_id: str, setting: AutoLock
) -> None:
    conn.execute(
        "INSERT INTO auto_lock_requests (action_attempt_id, device_id, enabled, delay_seconds) "
        "VALUES (?, ?, ?, ?)",
        (action_attempt_id, device_id, int(setting.enabled), setting.delay_seconds),
    )


def request(conn: sqlite3.Connection, action_attempt_id: str) -> AutoLock | None:
    row = conn.execute(
        "SELECT enabled, delay_seconds FROM auto_lock_requests WHERE action_attempt_id = ?",
        (action_attempt_id,),
    ).fetchone()
    if row is None:
        return None
    return AutoLock(enabled=bool(row["enabled"]), delay_seconds=row["delay_seconds"])


def done(conn: sqlite3.Connection, action_attempt_id: str) -> None:
    conn.execute("DELETE FROM auto_lock_requests WHERE action_attempt_id = ?", (action_attempt_id,))
