"""Access codes in the store (managed, unmanaged and backup codes share one table)."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from gateway.domain.models import AccessCode, CodeStatus
from gateway.store.rows import (
    iso,
    issues_from_json,
    issues_to_json,
    moment,
    mutations_from_json,
)

COLUMNS = (
    "access_code_id, device_id, name, code, created_at, status, starts_at, ends_at, "
    "common_code_key, is_managed, is_external_modification_allowed, use_backup_access_code_pool, "
    "prefer_native_scheduling, is_backup, pulled_backup_access_code_id, is_scheduled_on_device, "
    "appearance_name, deleting, errors, warnings, pending_mutations"
)
_PLACEHOLDERS = ", ".join("?" for _ in COLUMNS.split(","))


def _from_row(row: sqlite3.Row) -> AccessCode:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return AccessCode(
        access_code_id=row["access_code_id"],
        device_id=row["device_id"],
        name=row["name"],
        code=row["code"],
        created_at=created_at,
        status=CodeStatus(row["status"]),
        starts_at=moment(row["starts_at"]),
        ends_at=moment(row["ends_at"]),
        common_code_key=row["common_code_key"],
        is_managed=bool(row["is_managed"]),
        is_external_modification_allowed=bool(row["is_external_modification_allowed"]),
        use_backup_access_code_pool=bool(row["use_backup_access_code_pool"]),
        prefer_native_scheduling=bool(row["prefer_native_scheduling"]),
        is_backup=bool(row["is_backup"]),
        pulled_backup_access_code_id=row["pulled_backup_access_code_id"],
        is_scheduled_on_device=bool(row["is_scheduled_on_device"]),
        appearance_name=row["appearance_name"],
        deleting=bool(row["deleting"]),
        errors=issues_from_json(row["errors"]),
        warnings=issues_from_json(row["warnings"]),
        pending_mutations=mutations_from_json(row["pending_mutations"]),
    )


def _values(code: AccessCode) -> tuple[object, ...]:
    return (
        code.access_code_id,
        code.device_id,
        code.name,
        code.code,
        iso(code.created_at),
        code.status.value,
        iso(code.starts_at),
        iso(code.ends_at),
        code.common_code_key,
        int(code.is_managed),
        int(code.is_external_modification_allowed),
        int(code.use_backup_access_code_pool),
        int(code.prefer_native_scheduling),
        int(code.is_backup),
        code.pulled_backup_access_code_id,
        int(code.is_scheduled_on_device),
        code.appearance_name,
        int(code.deleting),
        issues_to_json(code.errors),
        issues_to_json(code.warnings),
        issues_to_json(code.pending_mutations),
    )


def insert(conn: sqlite3.Connection, code: AccessCode) -> None:
    conn.execute(f"INSERT INTO access_codes ({COLUMNS}) VALUES ({_PLACEHOLDERS})", _values(code))


def save(conn: sqlite3.Connection, code: AccessCode) -> None:
    """Write every column of an existing code."""
    assignments = ", ".join(f"{c.strip()} = ?" for c in COLUMNS.split(",")[1:])
    values = _values(code)
    conn.execute(
        f"UPDATE access_codes SET {assignments} WHERE access_code_id = ?",
        (*values[1:], values[0]),
    )


def delete(conn: sqlite3.Connection, access_code_id: str) -> None:
    conn.execute("DELETE FROM access_codes WHERE access_code_id = ?", (access_code_id,))


def get(conn: sqlite3.Connection, access_code_id: str) -> AccessCode | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM access_codes WHERE access_code_id = ?", (access_code_id,)
    ).fetchone()
    return None if row is None else _from_row(row)


def find_by_code(
    conn: sqlite3.Connection, device_id: str, code: str, *, managed: bool
) -> AccessCode | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM access_codes WHERE device_id = ? AND code = ? AND is_managed = ? "
        "AND is_backup = 0 ORDER BY seq LIMIT 1",
        (device_id, code, int(managed)),
    ).fetchone()
    return None if row is None else _from_row(row)


def for_device(conn: sqlite3.Connection, device_id: str) -> list[AccessCode]:
    """Every code of a lock: managed, unmanaged and backup (for planning and checks)."""
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM access_codes WHERE device_id = ? ORDER BY seq", (device_id,)
    ).fetchall()
    return [_from_row(row) for row in rows]


def with_common_key(conn: sqlite3.Connection, common_code_key: str) -> list[AccessCode]:
    rows = conn.execute(
        f"SELECT {COLUMNS} FROM access_codes WHERE common_code_key = ? ORDER BY seq",
        (common_code_key,),
    ).fetchall()
    return [_from_row(row) for row in rows]


def page(
    conn: sqlite3.Connection,
    *,
    managed: bool,
    device_ids: Sequence[str] | None = None,
    access_code_ids: Sequence[str] | None = None,
    search: str | None = None,
    after_seq: int = 0,
    limit: int,
) -> tuple[list[AccessCode], int | None]:
    """One page of ordinary (non-backup) codes in creation order; returns the next cursor seq."""
    clauses = ["is_managed = ?", "is_backup = 0", "seq > ?"]
    params: list[object] = [int(managed), after_seq]
    if device_ids is not None:
        clauses.append(f"device_id IN ({', '.join('?' for _ in device_ids)})")
        params.extend(device_ids)
    if access_code_ids is not None:
        clauses.append(f"access_code_id IN ({', '.join('?' for _ in access_code_ids)})")
        params.extend(access_code_ids)
    if search:
        clauses.append("(name LIKE ? ESCAPE '\\' OR access_code_id = ?)")
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params.extend([f"%{escaped}%", search])
    rows = conn.execute(
        f"SELECT seq, {COLUMNS} FROM access_codes WHERE {' AND '.join(clauses)} "
        "ORDER BY seq LIMIT ?",
        (*params, limit + 1),
    ).fetchall()
    codes = [_from_row(row) for row in rows[:limit]]
    next_seq = rows[limit - 1]["seq"] if len(rows) > limit else None
    return codes, next_seq
