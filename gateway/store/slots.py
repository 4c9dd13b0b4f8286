"""The slot map: what the gateway last saw (or is about to write) in each slot of each lock."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from gateway.store.rows import iso, moment


class Owner(StrEnum):
    MANAGED = "managed"
    POOL = "pool"
    UNMANAGED = "unmanaged"


@dataclass(frozen=True)
class SlotRow:
    slot: int
    owner: Owner
    access_code_id: str | None
    code: str | None
    masked: bool
    name: str | None
    observed_at: datetime


def for_device(conn: sqlite3.Connection, device_id: str) -> dict[int, SlotRow]:
    rows = conn.execute(
        "SELECT slot, owner, access_code_id, code, masked, name, observed_at FROM slots "
        "WHERE device_id = ? ORDER BY slot",
        (device_id,),
    ).fetchall()
    result = {}
    for row in rows:
        observed_at = moment(row["observed_at"])
        assert observed_at is not None
        result[row["slot"]] = SlotRow(
            slot=row["slot"],
            owner=Owner(row["owner"]),
            access_code_id=row["access_code_id"],
            code=row["code"],
            masked=bool(row["masked"]),
            name=row["name"],
            observed_at=observed_at,
        )
    return result


def holds_code(conn: sqlite3.Connection, access_code_id: str) -> bool:
    """Whether any slot holds (or is being written with) this access code."""
    row = conn.execute(
        "SELECT 1 FROM slots WHERE access_code_id = ? LIMIT 1", (access_code_id,)
    ).fetchone()
    return row is not None


def put(
    conn: sqlite3.Connection,
    device_id: str,
    slot: int,
    *,
    owner: Owner,
    access_code_id: str | None,
    code: str | None,
    masked: bool,
    name: str | None,
    now: datetime,
) -> None:
    conn.execute(
        "INSERT INTO slots (device_id, slot, owner, access_code_id, code, masked, name, "
        "observed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (device_id, slot) DO UPDATE SET "
        "owner = excluded.owner, access_code_id = excluded.access_code_id, code = excluded.code, "
        "masked = excluded.masked, name = excluded.name, observed_at = excluded.observed_at",
        (device_id, slot, owner.value, access_code_id, code, int(masked), name, iso(now)),
    )


def set_owner(conn: sqlite3.Connection, access_code_id: str, owner: Owner) -> None:
    conn.execute(
        "UPDATE slots SET owner = ? WHERE access_code_id = ?", (owner.value, access_code_id)
    )


def free(conn: sqlite3.Connection, device_id: str, slot: int) -> None:
    conn.execute("DELETE FROM slots WHERE device_id = ? AND slot = ?", (device_id, slot))
