"""The reconciler's per-slot bookkeeping: pending operations and the failure breaker."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from gateway.store.rows import iso, moment

BREAKER_FAILURES = 3
BREAKER_WINDOW = timedelta(minutes=5)
BREAKER_COOL_OFF = timedelta(minutes=30)


def set_pending(conn: sqlite3.Connection, device_id: str, slot: int, pending: str | None) -> None:
    conn.execute(
        "UPDATE slots SET pending = ? WHERE device_id = ? AND slot = ?", (pending, device_id, slot)
    )


def record_failure(conn: sqlite3.Connection, device_id: str, slot: int, now: datetime) -> bool:
    """Count a failure on a slot; returns True when this failure opens its breaker."""
    row = conn.execute(
        "SELECT failures, first_failure_at FROM slots WHERE device_id = ? AND slot = ?",
        (device_id, slot),
    ).fetchone()
    if row is None:
        return False
    first = moment(row["first_failure_at"])
    failures = int(row["failures"]) + 1
    if first is None or now - first > BREAKER_WINDOW:
        first, failures = now, 1
    opened: bool = failures >= BREAKER_FAILURES
    conn.execute(
        "UPDATE slots SET failures = ?, first_failure_at = ?, suspended_until = ? "
        "WHERE device_id = ? AND slot = ?",
        (
            0 if opened else failures,
            iso(first),
            iso(now + BREAKER_COOL_OFF) if opened else None,
            device_id,
            slot,
        ),
    )
    return opened


def clear_failures(conn: sqlite3.Connection, device_id: str, slot: int) -> None:
    conn.execute(
        "UPDATE slots SET failures = 0, first_failure_at = NULL, suspended_until = NULL "
        "WHERE device_id = ? AND slot = ?",
        (device_id, slot),
    )


def close_expired_breakers(conn: sqlite3.Connection, device_id: str, now: datetime) -> None:
    conn.execute(
        "UPDATE slots SET suspended_until = NULL WHERE device_id = ? AND suspended_until <= ?",
        (device_id, iso(now)),
    )


def next_breaker_close(conn: sqlite3.Connection, device_id: str) -> datetime | None:
    row = conn.execute(
        "SELECT MIN(suspended_until) FROM slots WHERE device_id = ?", (device_id,)
    ).fetchone()
    return moment(row[0])
