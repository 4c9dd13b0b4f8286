"""How a lock's backup pool stands, as device errors and warnings."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

from gateway.domain.issues import with_issue, without
from gateway.domain.models import Device, Issue
from gateway.store import devices
from gateway.store import pool as pool_store

MANY_ACTIVE_BACKUPS = 2


def pool_size_in_use(device: Device) -> int:
    return device.pool_size if device.backup_access_code_pool_enabled and device.is_managed else 0


def _toggle(issues: list[Issue], code: str, wanted: bool, message: str, now: datetime
            ) -> list[Issue]:  # fmt: skip
    return with_issue(issues, code, message, now) if wanted else without(issues, code)


def mark_health(conn: sqlite3.Connection, device: Device, now: datetime) -> None:
    """Raise or clear empty_backup_access_code_pool, partial_backup_access_code_pool and
    many_active_backup_codes as the pool stands now."""
    size = pool_size_in_use(device)
    ready = pool_store.ready(conn, device.device_id) if size else 0
    active = pool_store.active_pulled(conn, device.device_id, now) if size else 0
    errors = _toggle(device.errors, "empty_backup_access_code_pool", bool(size) and ready == 0,
                     "No backup code is ready on this lock", now)  # fmt: skip
    warnings = _toggle(device.warnings, "partial_backup_access_code_pool",
                       bool(size) and 0 < ready < size,
                       f"{ready} of {size} backup codes are ready; refilling", now)  # fmt: skip
    warnings = _toggle(warnings, "many_active_backup_codes", active >= MANY_ACTIVE_BACKUPS,
                       "Several backup codes are in use: programming codes on this lock is "
                       "failing", now)  # fmt: skip
    if errors != device.errors or warnings != device.warnings:
        devices.save(conn, replace(device, errors=errors, warnings=warnings))
