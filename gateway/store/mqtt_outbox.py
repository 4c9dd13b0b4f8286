"""The MQTT broker's share of the event outbox: queued in the transaction that records the event
(like a webhook delivery), so a broker outage or a killed daemon loses none; published in
order and deleted once the broker acknowledged it (at least once)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from gateway.store.rows import iso


@dataclass(frozen=True)
class Queued:
    seq: int
    event_id: str
    event_type: str


def set_enabled(conn: sqlite3.Connection, enabled: bool, now: datetime) -> None:
    """Whether events queue for the broker (the daemon says so at start, from `[mqtt]`); turned
    off, what was still queued is dropped: nobody will publish it."""
    if enabled:
        conn.execute(
            "INSERT INTO mqtt_destination (id, since) VALUES (1, ?) ON CONFLICT DO NOTHING",
            (iso(now),),
        )
        return
    conn.execute("DELETE FROM mqtt_destination")
    conn.execute("DELETE FROM mqtt_outbox")


def enqueue(conn: sqlite3.Connection, event_id: str, event_type: str, now: datetime) -> None:
    conn.execute(
        "INSERT INTO mqtt_outbox (event_id, event_type, created_at) "
        "SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM mqtt_destination)",
        (event_id, event_type, iso(now)),
    )


def head(conn: sqlite3.Connection, limit: int) -> list[Queued]:
    """The oldest queued events, in the order they were recorded."""
    rows = conn.execute(
        "SELECT seq, event_id, event_type FROM mqtt_outbox ORDER BY seq LIMIT ?", (limit,)
    ).fetchall()
    return [Queued(int(r[0]), r[1], r[2]) for r in rows]


def acknowledged(conn: sqlite3.Connection, seq: int) -> None:
    conn.execute("DELETE FROM mqtt_outbox WHERE seq <= ?", (seq,))


def pending(conn: sqlite3.Connection) -> int:
    return int(conn.execute("SELECT COUNT(*) FROM mqtt_outbox").fetchone()[0])
