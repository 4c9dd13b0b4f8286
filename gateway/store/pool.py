"""The backup pool in the store: pool codes are access codes with pool_state 'pool' (secret,
never listed) until pulled ('pulled': an ordinary time-bound code marked is_backup)."""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable
from datetime import datetime

from gateway.domain.backups import PoolOffer
from gateway.domain.models import AccessCode
from gateway.store import access_codes
from gateway.store.rows import iso

_READY = "pool_state = 'pool' AND status = 'set' AND deleting = 0"


def waiting(conn: sqlite3.Connection, device_id: str) -> int:
    """Pool codes of a lock that are not being removed (programmed or not yet)."""
    row = conn.execute(
        "SELECT COUNT(*) FROM access_codes WHERE device_id = ? AND pool_state = 'pool' "
        "AND deleting = 0",
        (device_id,),
    ).fetchone()
    return int(row[0])


def ready(conn: sqlite3.Connection, device_id: str) -> int:
    """Pool codes confirmed on the lock: what can be pulled right now."""
    row = conn.execute(
        f"SELECT COUNT(*) FROM access_codes WHERE device_id = ? AND {_READY}", (device_id,)
    ).fetchone()
    return int(row[0])


def next_ready(conn: sqlite3.Connection, device_id: str) -> AccessCode | None:
    row = conn.execute(
        f"SELECT access_code_id FROM access_codes WHERE device_id = ? AND {_READY} "
        "ORDER BY seq LIMIT 1",
        (device_id,),
    ).fetchone()
    return None if row is None else access_codes.get(conn, row[0])


def offers(conn: sqlite3.Connection, device_ids: Collection[str]) -> dict[str, PoolOffer]:
    """What the pool of each of these locks can give now, for the locks that keep one (a lock
    missing from the answer keeps none)."""
    ids = list(device_ids)
    if not ids:
        return {}
    rows = conn.execute(
        "SELECT device_id FROM devices WHERE backup_access_code_pool_enabled <> 0 "
        f"AND is_managed <> 0 AND device_id IN ({', '.join('?' for _ in ids)})",
        ids,
    ).fetchall()
    with_pool = [row[0] for row in rows]
    ready = devices_with_ready_codes(conn, with_pool)
    return {d: PoolOffer.READY if d in ready else PoolOffer.EMPTY for d in with_pool}


def devices_with_ready_codes(conn: sqlite3.Connection, device_ids: Iterable[str]) -> set[str]:
    ids = list(dict.fromkeys(device_ids))
    if not ids:
        return set()
    rows = conn.execute(
        f"SELECT DISTINCT device_id FROM access_codes WHERE {_READY} "
        f"AND device_id IN ({', '.join('?' for _ in ids)})",
        ids,
    ).fetchall()
    return {row[0] for row in rows}


def active_pulled(conn: sqlite3.Connection, device_id: str, now: datetime) -> int:
    """Pulled backups in use right now (several at once means programming is failing)."""
    row = conn.execute(
        "SELECT COUNT(*) FROM access_codes WHERE device_id = ? AND pool_state = 'pulled' "
        "AND deleting = 0 AND starts_at <= ? AND ends_at > ?",
        (device_id, iso(now), iso(now)),
    ).fetchone()
    return int(row[0])


def unpulled_ids(conn: sqlite3.Connection, device_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT access_code_id FROM access_codes WHERE device_id = ? AND pool_state = 'pool'",
        (device_id,),
    ).fetchall()
    return [row[0] for row in rows]


def retire_unpulled(conn: sqlite3.Connection, device_id: str) -> None:
    """Unmanaging a lock takes its unpulled backup codes off it (pulled ones were handed out
    and stay until their ends_at)."""
    conn.execute(
        "UPDATE access_codes SET deleting = 1, status = 'removing' WHERE device_id = ? "
        "AND pool_state = 'pool' AND deleting = 0",
        (device_id,),
    )
