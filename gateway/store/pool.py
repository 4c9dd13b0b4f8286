"""Backup pool codes in the store (the pool issue builds on this)."""

from __future__ import annotations

import sqlite3


def pool_pins(conn: sqlite3.Connection, device_id: str) -> set[str]:
    """PINs held for the lock's pool (pulled ones included: a handed-out PIN stays taken)."""
    rows = conn.execute("SELECT code FROM pool_codes WHERE device_id = ?", (device_id,)).fetchall()
    return {row["code"] for row in rows}
