"""The backup code pool: one home for its bookkeeping, run inside the transactions of the
services (pull, activate, follow, retire) and of the engine (refill, health).

Pool codes are generated here, then programmed and confirmed by the reconciler like any code,
in the top slots of the lock. They are secrets: no events, never listed, never logged. A pulled
code is handed out for one stay and never returns to the pool.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime

from gateway.domain.backups import PoolOffer, backup_available
from gateway.domain.codegen import NoCodeAvailable, generate_code
from gateway.domain.issues import with_issue, without
from gateway.domain.models import POOL, AccessCode, CodeStatus, Device, Issue
from gateway.domain.rules import appearance
from gateway.ledger.forget import forget
from gateway.store import access_codes, devices, slots
from gateway.store import pool as pool_store

log = logging.getLogger(__name__)

MANY_ACTIVE_BACKUPS = 2


def _toggle(
    issues: list[Issue], code: str, wanted: bool, message: str, now: datetime
) -> list[Issue]:
    return with_issue(issues, code, message, now) if wanted else without(issues, code)


def mark_health(conn: sqlite3.Connection, device: Device, now: datetime) -> None:
    """Raise or clear empty_backup_access_code_pool, partial_backup_access_code_pool and
    many_active_backup_codes as the pool stands now."""
    size = device.pool_size_in_use
    ready = pool_store.ready(conn, device.device_id) if size else 0
    active = pool_store.active_pulled(conn, device.device_id, now) if size else 0
    errors = _toggle(
        device.errors,
        "empty_backup_access_code_pool",
        bool(size) and ready == 0,
        "No backup code is ready on this lock",
        now,
    )
    warnings = _toggle(
        device.warnings,
        "partial_backup_access_code_pool",
        bool(size) and 0 < ready < size,
        f"{ready} of {size} backup codes are ready; refilling",
        now,
    )
    warnings = _toggle(
        warnings,
        "many_active_backup_codes",
        active >= MANY_ACTIVE_BACKUPS,
        "Several backup codes are in use: programming codes on this lock is failing",
        now,
    )
    if errors != device.errors or warnings != device.warnings:
        devices.save(conn, replace(device, errors=errors, warnings=warnings))


LOCK_NAME = "Backup {access_code_id} (lockgw)"


def refill(conn: sqlite3.Connection, device: Device, now: datetime) -> int:
    """Declare new pool codes until the pool has its size again; returns how many."""
    missing = device.pool_size_in_use - pool_store.waiting(conn, device.device_id)
    added = 0
    taken = access_codes.taken_pins(conn, device.device_id) if missing > 0 else set()
    for _ in range(max(0, missing)):
        try:
            pin = generate_code(device.capabilities.code_rules, taken)
        except NoCodeAvailable:
            log.warning("lock %s: no code left for its backup pool", device.device_id)
            break
        access_code_id = str(uuid.uuid4())
        name = LOCK_NAME.format(access_code_id=access_code_id)
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
                appearance_name=appearance(device, name),
                pool_state=POOL,
            ),
        )
        taken.add(pin)
        added += 1
    return added


def available(conn: sqlite3.Connection, codes: Iterable[AccessCode]) -> set[str]:
    """Ids of the codes for which a backup can be pulled now (or already was)."""
    codes = list(codes)
    device_ids = {c.device_id for c in codes if c.type == "time_bound"}
    if not device_ids:  # ongoing codes only: nothing to ask the store
        return set()
    offers = pool_store.offers(conn, device_ids)
    return {
        c.access_code_id
        for c in codes
        if backup_available(c, offers.get(c.device_id, PoolOffer.NONE))
    }


def activate_pool(conn: sqlite3.Connection, device_id: str, now: datetime) -> None:
    """The first code that asks for the pool turns it on for its lock, for good."""
    device = devices.get(conn, device_id)
    if device is not None and not device.backup_access_code_pool_enabled:
        device = replace(device, backup_access_code_pool_enabled=True)
        devices.save(conn, device)
        mark_health(conn, device, now)


def follow_original(conn: sqlite3.Connection, original: AccessCode) -> None:
    """A pulled backup ends when the stay it was handed out for ends."""
    if original.pulled_backup_access_code_id is None:
        return
    backup = access_codes.get(conn, original.pulled_backup_access_code_id)
    if backup is not None and not backup.deleting:
        access_codes.save(conn, replace(backup, ends_at=original.ends_at))


def retire_backup(conn: sqlite3.Connection, access_code_id: str, now: datetime) -> None:
    backup = access_codes.get(conn, access_code_id)
    if backup is None or backup.deleting:
        return
    if slots.holds_code(conn, backup.device_id, access_code_id):
        access_codes.save(conn, replace(backup, deleting=True, status=CodeStatus.REMOVING))
    else:
        forget(conn, backup, now)
