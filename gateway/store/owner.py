"""The owner's dashboard in the store: the password's hash, the sessions, the audit trail.

Only hashes are kept: the password as a memory-hard hash (made by gateway.service.owner), a
session as the SHA-256 of its cookie's random token (256 bits: a plain hash is enough).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from gateway.store.rows import iso, moment


def password_hash(conn: sqlite3.Connection) -> str | None:
    row = conn.execute("SELECT password_hash FROM owner_password WHERE id = 1").fetchone()
    return None if row is None else str(row[0])


def set_password_hash(conn: sqlite3.Connection, encoded: str, now: datetime) -> None:
    conn.execute(
        "INSERT INTO owner_password (id, password_hash, set_at) VALUES (1, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET password_hash = excluded.password_hash, "
        "set_at = excluded.set_at",
        (encoded, iso(now)),
    )


@dataclass(frozen=True)
class SessionRow:
    csrf_token: str
    created_at: datetime
    expires_at: datetime


def add_session(
    conn: sqlite3.Connection, token_hash: str, csrf_token: str, now: datetime, expires: datetime
) -> None:
    conn.execute(
        "INSERT INTO owner_sessions (token_hash, csrf_token, created_at, expires_at) "
        "VALUES (?, ?, ?, ?)",
        (token_hash, csrf_token, iso(now), iso(expires)),
    )


def session(conn: sqlite3.Connection, token_hash: str) -> SessionRow | None:
    row = conn.execute(
        "SELECT csrf_token, created_at, expires_at FROM owner_sessions WHERE token_hash = ?",
        (token_hash,),
    ).fetchone()
    if row is None:
        return None
    created, expires = moment(row[1]), moment(row[2])
    assert created is not None and expires is not None
    return SessionRow(str(row[0]), created, expires)


def extend_session(conn: sqlite3.Connection, token_hash: str, expires: datetime) -> None:
    conn.execute(
        "UPDATE owner_sessions SET expires_at = ? WHERE token_hash = ?",
        (iso(expires), token_hash),
    )


def end_session(conn: sqlite3.Connection, token_hash: str) -> None:
    conn.execute("DELETE FROM owner_sessions WHERE token_hash = ?", (token_hash,))


def end_all_sessions(conn: sqlite3.Connection) -> None:
    conn.execute("DELETE FROM owner_sessions")


def end_expired_sessions(conn: sqlite3.Connection, now: datetime) -> None:
    conn.execute("DELETE FROM owner_sessions WHERE expires_at <= ?", (iso(now),))


@dataclass(frozen=True)
class AuditEntry:
    seq: int
    action: str
    device_id: str | None
    access_code_id: str | None
    created_at: datetime


def audit(
    conn: sqlite3.Connection,
    action: str,
    now: datetime,
    *,
    device_id: str | None = None,
    access_code_id: str | None = None,
) -> None:
    conn.execute(
        "INSERT INTO owner_audit (action, device_id, access_code_id, created_at) "
        "VALUES (?, ?, ?, ?)",
        (action, device_id, access_code_id, iso(now)),
    )


def audit_entries(
    conn: sqlite3.Connection, *, device_id: str | None = None, limit: int = 200
) -> list[AuditEntry]:
    """Newest first."""
    where = "" if device_id is None else "WHERE device_id = ?"
    params: list[object] = [limit] if device_id is None else [device_id, limit]
    rows = conn.execute(
        "SELECT seq, action, device_id, access_code_id, created_at FROM owner_audit "
        f"{where} ORDER BY seq DESC LIMIT ?",
        params,
    ).fetchall()
    result = []
    for row in rows:
        created = moment(row[4])
        assert created is not None
        result.append(AuditEntry(int(row[0]), str(row[1]), row[2], row[3], created))
    return result


def last_audit_seq(conn: sqlite3.Connection) -> int:
    row = conn.execute("SELECT MAX(seq) FROM owner_audit").fetchone()
    return int(row[0] or 0)


def login_failures(conn: sqlite3.Connection, address: str, since: float) -> list[float]:
    """When `address` gave a wrong password after `since` (seconds since the epoch), oldest
    first."""
    rows = conn.execute(
        "SELECT failed_at FROM owner_login_failures WHERE address = ? AND failed_at > ? "
        "ORDER BY failed_at",
        (address, since),
    ).fetchall()
    return [float(row[0]) for row in rows]


def add_login_failure(
    conn: sqlite3.Connection, addresses: tuple[str, ...], at: float, forget_before: float
) -> None:
    """One wrong password, counted against each of `addresses`; failures too old to count any
    more are dropped on the way."""
    conn.execute("DELETE FROM owner_login_failures WHERE failed_at <= ?", (forget_before,))
    conn.executemany(
        "INSERT INTO owner_login_failures (address, failed_at) VALUES (?, ?)",
        [(address, at) for address in addresses],
    )


def clear_login_failures(conn: sqlite3.Connection, address: str) -> bool:
    """Forget `address`'s failures; whether it had any."""
    return (
        conn.execute("DELETE FROM owner_login_failures WHERE address = ?", (address,)).rowcount > 0
    )
