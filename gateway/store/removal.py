"""Taking a device out of the store (a simulated lock removed): its rows, not its past events."""

from __future__ import annotations

import sqlite3


def remove_device(conn: sqlite3.Connection, device_id: str) -> None:
    """The device, its codes and slots, and its pending work; the journal keeps its events."""
    conn.execute("DELETE FROM slots WHERE device_id = ?", (device_id,))
    conn.execute("DELETE FROM access_codes WHERE device_id = ?", (device_id,))
    conn.execute(
        "DELETE FROM action_attempts WHERE device_id = ? AND status = 'pending'", (device_id,)
    )
    conn.execute("DELETE FROM auto_lock_requests WHERE device_id = ?", (device_id,))
    conn.execute("DELETE FROM devices WHERE device_id = ?", (device_id,))
