"""The event log in the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from datetime import datetime

from gateway.domain.models import Event
from gateway.store.rows import iso, moment

COLUMNS = "event_id, event_type, device_id, access_code_id, created_at, occurred_at, payload"


def _from_row(row: sqlite3.Row) -> Event:
    created_at = moment(row["created_at"])
    occurred_at = moment(row["occurred_at"])
    assert created_at is not None and occurred_at is not None
    return Event(
        event_id=row["event_id"],
        event_type=row["event_type"],
        device_id=row["device_id"],
        access_code_id=row["access_code_id"],
        created_at=created_at,
        occurred_at=occurred_at,
        payload=json.loads(row["payload"]),
    )


def insert(conn: sqlite3.Connection, event: Event) -> None:
    conn.execute(
        f"INSERT INTO events ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            event.event_id,
            event.event_type,
            event.device_id,
            event.access_code_id,
            iso(event.created_at),
            iso(event.occurred_at),
            json.dumps(event.payload),
        ),
    )


def query(
    conn: sqlite3.Connection,
    *,
    since: datetime,
    until: datetime | None = None,
    device_ids: Sequence[str] | None = None,
    access_code_ids: Sequence[str] | None = None,
    event_types: Sequence[str] | None = None,
    event_ids: Sequence[str] | None = None,
    limit: int,
) -> list[Event]:
    """Events newest first."""
    clauses = ["created_at >= ?"]
    params: list[object] = [iso(since)]
    if until is not None:
        clauses.append("created_at <= ?")
        params.append(iso(until))
    for column, values in (
        ("device_id", device_ids),
        ("access_code_id", access_code_ids),
        ("event_type", event_types),
        ("event_id", event_ids),
    ):
        if values is not None:
            clauses.append(f"{column} IN ({', '.join('?' for _ in values)})")
            params.extend(values)
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM events WHERE {' AND '.join(clauses)} ORDER BY seq DESC LIMIT ?",
        (*params, limit),
    ).fetchall()
    return [_from_row(row) for row in rows]


def get(conn: sqlite3.Connection, event_id: str) -> Event | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM events WHERE event_id = ?", (event_id,)).fetchone()
    return None if row is None else _from_row(row)


def prune(conn: sqlite3.Connection, before: datetime, batch: int) -> int:
    """Delete up to `batch` events older than `before` (small batches: never blocks for long)."""
    return conn.execute(
        "DELETE FROM events WHERE seq IN (SELECT seq FROM events WHERE created_at < ? "
        "ORDER BY seq LIMIT ?)",
        (iso(before), batch),
    ).rowcount
