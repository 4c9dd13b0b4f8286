"""Spaces: named groups of locks that access grants can name."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from gateway.domain.grants import Space
from gateway.store.rows import iso, moment

COLUMNS = "space_id, space_key, name, customer_key, customer_data, created_at"


def _from_row(conn: sqlite3.Connection, row: sqlite3.Row) -> Space:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return Space(
        space_id=row["space_id"],
        name=row["name"],
        created_at=created_at,
        space_key=row["space_key"],
        customer_key=row["customer_key"],
        customer_data=json.loads(row["customer_data"]),
        device_ids=device_ids(conn, row["space_id"]),
    )


def insert(conn: sqlite3.Connection, s: Space) -> None:
    conn.execute(
        f"INSERT INTO spaces ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?)",
        (
            s.space_id,
            s.space_key,
            s.name,
            s.customer_key,
            json.dumps(s.customer_data),
            iso(s.created_at),
        ),
    )
    set_devices(conn, s.space_id, s.device_ids)


def save(conn: sqlite3.Connection, s: Space) -> None:
    conn.execute(
        "UPDATE spaces SET space_key = ?, name = ?, customer_key = ?, customer_data = ? "
        "WHERE space_id = ?",
        (s.space_key, s.name, s.customer_key, json.dumps(s.customer_data), s.space_id),
    )
    set_devices(conn, s.space_id, s.device_ids)


def set_devices(conn: sqlite3.Connection, space_id: str, devices: Sequence[str]) -> None:
    """The space's locks become `devices`, in that order."""
    conn.execute("DELETE FROM space_devices WHERE space_id = ?", (space_id,))
    conn.executemany(
        "INSERT INTO space_devices (space_id, device_id, seq) VALUES (?, ?, ?)",
        [(space_id, d, i) for i, d in enumerate(dict.fromkeys(devices))],
    )


def delete(conn: sqlite3.Connection, space_id: str) -> None:
    conn.execute("DELETE FROM spaces WHERE space_id = ?", (space_id,))


def get(conn: sqlite3.Connection, space_id: str) -> Space | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM spaces WHERE space_id = ?", (space_id,)).fetchone()
    return None if row is None else _from_row(conn, row)


def by_key(conn: sqlite3.Connection, space_key: str) -> Space | None:
    row = conn.execute(f"SELECT {COLUMNS} FROM spaces WHERE space_key = ?", (space_key,)).fetchone()
    return None if row is None else _from_row(conn, row)


def device_ids(conn: sqlite3.Connection, space_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT device_id FROM space_devices WHERE space_id = ? ORDER BY seq", (space_id,)
    ).fetchall()
    return [r[0] for r in rows]


def with_device(conn: sqlite3.Connection, device_id: str) -> list[str]:
    rows = conn.execute(
        "SELECT space_id FROM space_devices WHERE device_id = ?", (device_id,)
    ).fetchall()
    return [r[0] for r in rows]


def page(
    conn: sqlite3.Connection,
    *,
    search: str | None,
    space_key: str | None,
    customer_key: str | None,
    after_seq: int,
    limit: int,
) -> tuple[list[Space], int | None]:
    clauses: list[str] = ["seq > ?"]
    params: list[object] = [after_seq]
    if space_key is not None:
        clauses.append("space_key = ?")
        params.append(space_key)
    if customer_key is not None:
        clauses.append("customer_key = ?")
        params.append(customer_key)
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        clauses.append(
            "(name LIKE ? ESCAPE '\\' OR space_key LIKE ? ESCAPE '\\' "
            "OR customer_key LIKE ? ESCAPE '\\')"
        )
        params.extend([like, like, like])
    rows = conn.execute(
        f"SELECT {COLUMNS}, seq FROM spaces WHERE {' AND '.join(clauses)} ORDER BY seq LIMIT ?",
        (*params, limit + 1),
    ).fetchall()
    found = [_from_row(conn, r) for r in rows[:limit]]
    return found, (rows[limit - 1]["seq"] if len(rows) > limit else None)
