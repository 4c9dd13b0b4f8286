"""Recording events, inside the caller's transaction."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import datetime
from typing import Any

from gateway.domain.models import Event
from gateway.store import events, webhooks


def record(
    conn: sqlite3.Connection,
    event_type: str,
    now: datetime,
    *,
    device_id: str | None = None,
    access_code_id: str | None = None,
    occurred_at: datetime | None = None,
    **payload: Any,
) -> Event:
    event = Event(
        event_id=str(uuid.uuid4()),
        event_type=event_type,
        created_at=now,
        occurred_at=occurred_at or now,
        device_id=device_id,
        access_code_id=access_code_id,
        payload=payload,
    )
    events.insert(conn, event)
    webhooks.enqueue(conn, event.event_id, event_type, now)  # same transaction: never lost
    return event
