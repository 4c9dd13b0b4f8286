"""The recorded answers of idempotent API requests (table api_answers): one row per request_id,
written in the transaction that applied the request."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson

from gateway.store.rows import iso


@dataclass(frozen=True)
class Recorded:
    request_id: str
    route: str
    fingerprint: str
    status: int
    body: dict[str, Any]


def find(conn: sqlite3.Connection, request_id: str) -> Recorded | None:
    row = conn.execute(
        "SELECT route, fingerprint, status, body FROM api_answers WHERE request_id = ?",
        (request_id,),
    ).fetchone()
    if row is None:
        return None
    return Recorded(request_id, str(row[0]), str(row[1]), int(row[2]), orjson.loads(row[3]))


def record(
    conn: sqlite3.Connection,
    request_id: str,
    route: str,
    fingerprint: str,
    status: int,
    body: dict[str, Any],
    now: datetime,
) -> None:
    conn.execute(
        "INSERT INTO api_answers (request_id, route, fingerprint, status, body, answered_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (request_id, route, fingerprint, status, orjson.dumps(body).decode(), iso(now)),
    )


def prune(conn: sqlite3.Connection, before: datetime, batch: int) -> int:
    """Delete up to `batch` answers recorded before `before`."""
    return conn.execute(
        "DELETE FROM api_answers WHERE request_id IN (SELECT request_id FROM api_answers "
        "WHERE answered_at < ? ORDER BY answered_at LIMIT ?)",
        (iso(before), batch),
    ).rowcount
