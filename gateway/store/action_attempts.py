"""Action attempts in the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from gateway.domain.models import ActionAttempt, ActionStatus, ActionType
from gateway.store.rows import iso, moment

COLUMNS = (
    "action_attempt_id, action_type, status, device_id, access_code_id, result, error, created_at"
)


def _from_row(row: sqlite3.Row) -> ActionAttempt:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return ActionAttempt(
        action_attempt_id=row["action_attempt_id"],
        action_type=ActionType(row["action_type"]),
        status=ActionStatus(row["status"]),
        device_id=row["device_id"],
        access_code_id=row["access_code_id"],
        result=None if row["result"] is None else json.loads(row["result"]),
        error=None if row["error"] is None else json.loads(row["error"]),
        created_at=created_at,
    )


def insert(conn: sqlite3.Connection, attempt: ActionAttempt) -> None:
    conn.execute(
        f"INSERT INTO action_attempts ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            attempt.action_attempt_id,
            attempt.action_type.value,
            attempt.status.value,
            attempt.device_id,
            attempt.access_code_id,
            None if attempt.result is None else json.dumps(attempt.result),
            None if attempt.error is None else json.dumps(attempt.error),
            iso(attempt.created_at),
        ),
    )


def get(conn: sqlite3.Connection, action_attempt_id: str) -> ActionAttempt | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM action_attempts WHERE action_attempt_id = ?", (action_attempt_id,)
    ).fetchone()
    return None if row is None else _from_row(row)


def page(
    conn: sqlite3.Connection,
    *,
    action_attempt_ids: Sequence[str] | None,
    device_id: str | None,
    after: int,
    limit: int,
) -> tuple[list[ActionAttempt], int | None]:
    """One page of attempts in the order they were made (rowid), and the next page's position
    (None: last page)."""
    clauses = ["rowid > ?"]
    params: list[object] = [after]
    if action_attempt_ids is not None:
        clauses.append(f"action_attempt_id IN ({', '.join('?' for _ in action_attempt_ids)})")
        params.extend(action_attempt_ids)
    if device_id is not None:
        clauses.append("device_id = ?")
        params.append(device_id)
    rows = conn.execute(
        f"SELECT {COLUMNS}, rowid FROM action_attempts WHERE {' AND '.join(clauses)} "
        "ORDER BY rowid LIMIT ?",
        (*params, limit + 1),
    ).fetchall()
    found = [_from_row(row) for row in rows[:limit]]
    return found, (rows[limit - 1]["rowid"] if len(rows) > limit else None)


def pending_for_code(conn: sqlite3.Connection, access_code_id: str) -> list[ActionAttempt]:
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM action_attempts WHERE status = 'pending' AND access_code_id = ?",
        (access_code_id,),
    ).fetchall()
    return [_from_row(row) for row in rows]


def pending_for_device(
    conn: sqlite3.Connection, device_id: str, action_types: tuple[ActionType, ...]
) -> list[ActionAttempt]:
    marks = ", ".join("?" for _ in action_types)
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM action_attempts WHERE status = 'pending' AND device_id = ? "
        f"AND action_type IN ({marks}) ORDER BY created_at",
        (device_id, *[t.value for t in action_types]),
    ).fetchall()
    return [_from_row(row) for row in rows]


def resolve(
    conn: sqlite3.Connection,
    action_attempt_id: str,
    *,
    result: dict[str, object] | None = None,
    error: dict[str, str] | None = None,
) -> None:
    status = ActionStatus.ERROR if error is not None else ActionStatus.SUCCESS
    conn.execute(
        "UPDATE action_attempts SET status = ?, result = ?, error = ? WHERE action_attempt_id = ?",
        (
            status.value,
            None if error is not None else json.dumps(result or {}),
            None if error is None else json.dumps(error),
            action_attempt_id,
        ),
    )
