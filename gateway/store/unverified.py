"""Slot maps not yet checked against their locks, after `lockgw restore`.

A restored store says what each lock held when the backup was taken; the locks have moved on
since (codes programmed, deleted, slots reused). Until a lock's first full read its slot map is
unverified, marked in the meta table: the reconciler then does not trust one checksum frame
but reads every slot, and `observe` checks each restored slot against what the lock shows
before anything is written.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gateway.store.rows import iso

_PREFIX = "unverified_slot_map:"


def mark_every_lock(conn: sqlite3.Connection, now: datetime) -> int:
    """Mark the slot map of every lock in the store as unverified; how many locks."""
    cursor = conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) SELECT ? || device_id, ? FROM devices",
        (_PREFIX, iso(now)),
    )
    return cursor.rowcount


def is_unverified(conn: sqlite3.Connection, device_id: str) -> bool:
    """Whether a lock's slot map is still the restored, unchecked one."""
    row = conn.execute("SELECT 1 FROM meta WHERE key = ?", (_PREFIX + device_id,)).fetchone()
    return row is not None


def mark_verified(conn: sqlite3.Connection, device_id: str) -> None:
    conn.execute("DELETE FROM meta WHERE key = ?", (_PREFIX + device_id,))
