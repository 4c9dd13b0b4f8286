"""Keeping a lock's backup pool full, and telling the owner how it stands.

Pool codes are generated here, then programmed and confirmed by the reconciler like any code, in
the top slots of the lock. They are secrets: no events, never listed, never logged.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from dataclasses import replace
from datetime import datetime

from gateway.domain.codegen import NoCodeAvailable, generate_code
from gateway.domain.models import POOL, AccessCode, CodeStatus, Device, Issue
from gateway.engine.issues import with_issue, without
from gateway.service.declaring import taken_pins
from gateway.store import access_codes, devices
from gateway.store import pool as pool_store

log = logging.getLogger(__name__)

MANY_ACTIVE_BACKUPS = 2
LOCK_NAME = "Backup {access_code_id} (lockgw)"


def pool_size_in_use(device: Device) -> int:
    return device.pool_size if device.backup_access_code_pool_enabled and device.is_managed else 0


def refill(conn: sqlite3.Connection, device: Device, now: datetime) -> int:
    """Declare new pool codes until the pool has its size again; returns how many."""
    missing = pool_size_in_use(device) - pool_store.waiting(conn, device.device_id)
    added = 0
    for _ in range(max(0, missing)):
        taken = taken_pins(access_codes.pin_uses(conn, device.device_id))
        try:
            pin = generate_code(device.capabilities.code_rules, taken)
        except NoCodeAvailable:
            log.warning("lock %s: no code left for its backup pool", device.device_id)
            break
        access_code_id = str(uuid.uuid4())
        name = LOCK_NAME.format(access_code_id=access_code_id)
        caps = device.capabilities
        appearance = name[: caps.name_max_length] if caps.keeps_names else None
        access_codes.insert(
            conn,
            AccessCode(
                access_code_id=access_code_id,
                device_id=device.device_id,
                name=name,
                code=pin,
                created_at=now,
                status=CodeStatus.SETTING,
                is_backup=True,
                appearance_name=appearance,
                pool_state=POOL,
            ),
        )
        added += 1
    return added


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
