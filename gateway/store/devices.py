"""Devices (locks) in the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from dataclasses import replace

from drivers.base import Capabilities
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
    "is_managed, backup_access_code_pool_enabled, pool_size, errors, warnings, created_at, "
    "auto_lock_enabled, auto_lock_delay_seconds, custom_metadata, reported_code_lengths"
)
# What the driver reports (capabilities) is written by `upsert` only: `save` keeps it as is,
# so the code lengths a client reported never overwrite the lock's own report.
_SAVED = [c.strip() for c in COLUMNS.split(",")[1:] if c.strip() != "capabilities"]


def _narrowed(capabilities: Capabilities, reported: tuple[int, ...] | None) -> Capabilities:
    """The lock's capabilities with its code lengths narrowed to those a client reported."""
    if reported is None:
        return capabilities
    rules = capabilities.code_rules
    lengths = tuple(n for n in rules.lengths if n in reported) or rules.lengths
    return replace(capabilities, code_rules=replace(rules, lengths=lengths))


def _from_row(row: sqlite3.Row) -> Device:
    created_at = moment(row["created_at"])
    assert created_at is not None
    reported = row["reported_code_lengths"]
    reported_lengths = None if reported is None else tuple(json.loads(reported))
    return Device(
        device_id=row["device_id"],
        driver=row["driver"],
        ref=row["ref"],
        display_name=row["display_name"],
        nickname=row["nickname"],
        capabilities=_narrowed(capabilities_from_json(row["capabilities"]), reported_lengths),
        online=bool(row["online"]),
        locked=None if row["locked"] is None else bool(row["locked"]),
        battery_level=row["battery_level"],
        is_managed=bool(row["is_managed"]),
        backup_access_code_pool_enabled=bool(row["backup_access_code_pool_enabled"]),
        pool_size=row["pool_size"],
        errors=issues_from_json(row["errors"]),
        warnings=issues_from_json(row["warnings"]),
        created_at=created_at,
        auto_lock_enabled=None
        if row["auto_lock_enabled"] is None
        else bool(row["auto_lock_enabled"]),
        auto_lock_delay_seconds=row["auto_lock_delay_seconds"],
        custom_metadata=json.loads(row["custom_metadata"]),
        reported_code_lengths=reported_lengths,
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
        None if device.auto_lock_enabled is None else int(device.auto_lock_enabled),
        device.auto_lock_delay_seconds,
        json.dumps(device.custom_metadata),
        None if device.reported_code_lengths is None else json.dumps(device.reported_code_lengths),
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
    """Write what the gateway keeps of a device (not its capabilities: see `_SAVED`)."""
    assignments = ", ".join(f"{c} = ?" for c in _SAVED)
    values = dict(zip((c.strip() for c in COLUMNS.split(",")), _values(device), strict=True))
    conn.execute(
        f"UPDATE devices SET {assignments} WHERE device_id = ?",
        (*(values[c] for c in _SAVED), device.device_id),
    )


def driver_code_lengths(conn: sqlite3.Connection, device_id: str) -> tuple[int, ...]:
    """The code lengths the lock's driver reports, before any a client reported."""
    row = conn.execute("SELECT capabilities FROM devices WHERE device_id = ?", (device_id,))
    found = row.fetchone()
    assert found is not None
    return capabilities_from_json(found["capabilities"]).code_rules.lengths


def exists(conn: sqlite3.Connection, device_id: str) -> bool:
    found = conn.execute("SELECT 1 FROM devices WHERE device_id = ?", (device_id,)).fetchone()
    return found is not None


def get(conn: sqlite3.Connection, device_id: str) -> Device | None:
    row = conn.execute(
        f"SELECT {COLUMNS} FROM devices WHERE device_id = ?", (device_id,)
    ).fetchone()
    return None if row is None else _from_row(row)


def find_by_name(conn: sqlite3.Connection, name: str, *, managed: bool = True) -> Device | None:
    """The first device added with this name, among the managed (or the unmanaged) ones."""
    row = conn.execute(
        f"SELECT {COLUMNS} FROM devices WHERE COALESCE(nickname, display_name) = ? "
        "AND is_managed = ? ORDER BY seq LIMIT 1",
        (name, int(managed)),
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
