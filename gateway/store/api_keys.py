"""API keys: `seam_lgw_<id>_<secret>`, stored as a SHA-256 hash, compared in constant time.

The `seam_` prefix is what the official Seam SDK accepts before it will send a request, so the
SDK can be pointed at the hub unchanged. The secret has 256 bits of entropy, so a plain hash is
enough (a slow KDF protects guessable passwords, not random keys).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from gateway.store.rows import iso, moment

PREFIX = "seam_lgw_"
_DUMMY_HASH = hashlib.sha256(b"no such key").hexdigest()


@dataclass(frozen=True)
class ApiKey:
    key_id: str
    name: str
    created_at: datetime
    revoked_at: datetime | None


def digest(key: str) -> str:
    """What is stored of a key (and all the daemon keeps of a live one): its sha256."""
    return hashlib.sha256(key.encode()).hexdigest()


def create(conn: sqlite3.Connection, name: str, now: datetime) -> tuple[ApiKey, str]:
    """Make a key; the plain key is returned once and never stored."""
    key_id = secrets.token_hex(6)
    plain = f"{PREFIX}{key_id}_{secrets.token_hex(32)}"
    conn.execute(
        "INSERT INTO api_keys (key_id, name, key_hash, created_at) VALUES (?, ?, ?, ?)",
        (key_id, name, digest(plain), iso(now)),
    )
    return ApiKey(key_id=key_id, name=name, created_at=now, revoked_at=None), plain


def verify(conn: sqlite3.Connection, presented: str) -> bool:
    """True when `presented` is a live key. The hash comparison takes the same time either way."""
    key_id = ""
    if presented.startswith(PREFIX):
        key_id = presented[len(PREFIX) :].split("_", 1)[0]
    row = conn.execute(
        "SELECT key_hash FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", (key_id,)
    ).fetchone()
    stored = row["key_hash"] if row else _DUMMY_HASH
    return hmac.compare_digest(stored, digest(presented)) and row is not None


def list_keys(conn: sqlite3.Connection) -> list[ApiKey]:
    rows = conn.execute(
        "SELECT key_id, name, created_at, revoked_at FROM api_keys ORDER BY created_at"
    ).fetchall()
    result = []
    for row in rows:
        created_at = moment(row["created_at"])
        assert created_at is not None
        result.append(ApiKey(row["key_id"], row["name"], created_at, moment(row["revoked_at"])))
    return result


def revoke(conn: sqlite3.Connection, key_id: str, now: datetime) -> bool:
    cursor = conn.execute(
        "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL",
        (iso(now), key_id),
    )
    return cursor.rowcount > 0
