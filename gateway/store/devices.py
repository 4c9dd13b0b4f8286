"""Devices (locks) in the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from gateway.domain.models import Device
from gateway.store.rows import (
    capabilities_from_json,
    capabilities_to_json,
    iso,
    issues_from_json,
    issues_to_json,
    moment,
)

COLUMNS = (
    "device_id, driver, ref, display_name, nickname, capabilities, online, locked, battery_level, "
    "is_managed, backup_access_code_pool_enabled, pool_size, errors, warnings, created_at"
)


def _from_row(row: sqlite3.Row) -> Device:
    created_at = moment(row["created_at"])
    assert created_at is not None
    return Device(
        device_id=row["device_id"],
        driver=row["driver"],
        ref=row["ref"],
        display_name=row["display_name"],
        nickname=row["nickname"],
        capabilities=capabilities_from_json(row["capabilities"]),
        online=bool(row["online"]),
        locked=None if row["locked"] is None else bool(row["locked"]),
        battery_level=row["battery_level"],
        is_managed=bool(row["is_managed"]),
        backup_access_code_pool_enabled=bool(row["backup_access_code_pool_enabled"]),
        pool_size=row["pool_size"],
        errors=issues_from_json(row["errors"]),
        warnings=issues_from_json(row["warnings"]),
        created_at=created_at,
    )


def _values(device: Device) -> tuple[object, ...]:
    return (
        device.device_id,
        device.driver,
        device.ref,
        device.display_name,
        device.nickname,
        capabilities_to_json(device.capabilities),
        int(device.online),
        None if device.locked is None else int(device.locked),
        device.battery_level,
        int(device.is_managed),
        int(device.backup_access_code_pool_enabled),
        device.pool_size,
        issues_to_json(device.errors),
        issues_to_json(device.warnings),
        iso(device.created_at),
    )


def upsert(conn: sqlite3.Connection, device: Device) -> None:
    """Insert a newly found lock, or refresh what its driver reports about a known one."""
    placeholders = ", ".join("?" for _ in COLUMNS.split(","))
    conn.execute(
        f"INSERT INTO devices ({COLUMNS}, seq) VALUES ({placeholders}, "
        "(SELECT COALESCE(MAX(seq), 0) + 1 FROM devices)) "
        "ON CONFLICT (device_id) DO UPDATE SET display_name = excluded.display_name, "
        "capabilities = excluded.capabilities, pool_size = excluded.pool_size",
        _values(device),
    )


def save(conn: sqlite3.Connection, device: Device) -> None:
    assignments = ", ".join(f"{c.strip()} = ?" for c in COLUMNS.split(",")[1:])
    values = _values(device)
    conn.execute(f"UPDATE devices SET {assignments} WHERE device_id = ?", (*values[1:], values[0]))


def get(conn: sqlite3.Connection, device_id: str) -> Device | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM devices WHERE device_id = ?", (device_id,)
    ).fetchone()
    return None if row is None else _from_row(row)


def find_by_name(conn: sqlite3.Connection, name: str) -> Device | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM devices WHERE COALESCE(nickname, display_name) = ? "
        "ORDER BY seq LIMIT 1",
        (name,),
    ).fetchone()
    return None if row is None else _from_row(row)


def all_devices(conn: sqlite3.Connection, device_ids: Sequence[str] | None = None) -> list[Device]:
    if device_ids is None:
        rows = conn.execute(f"SELECT {COLUMNS} FROM devices ORDER BY seq").fetchall()
    else:
        marks = ", ".join("?" for _ in device_ids)
        rows = conn.execute(
            f"SELECT {COLUMNS} FROM devices WHERE device_id IN ({marks}) ORDER BY seq",
            tuple(device_ids),
        ).fetchall()
    return [_from_row(row) for row in rows]
