"""Keeping a lock's backup pool full, and telling the owner how it stands.

Pool codes are generated here, then programmed and confirmed by the reconciler like any code, in
the top slots of the lock. They are secrets: no events, never listed, never logged.
"""

from __future__ import annotations

import logging
import sqlite3
import uuid
from datetime import datetime

from gateway.domain.codegen import NoCodeAvailable, generate_code
from gateway.domain.models import POOL, AccessCode, CodeStatus, Device
from gateway.domain.rules import taken_pins
from gateway.ledger.pool_health import pool_size_in_use
from gateway.store import access_codes
from gateway.store import pool as pool_store

log = logging.getLogger(__name__)

LOCK_NAME = "Backup {access_code_id} (lockgw)"


def refill(conn: sqlite3.Connection, device: Device, now: datetime) -> int:
    """Declare new pool codes until the pool has its size again; returns how many."""
    missing = pool_size_in_use(device) - pool_store.waiting(conn, device.device_id)
    added = 0
    taken = taken_pins(access_codes.pin_uses(conn, device.device_id)) if missing > 0 else set()
    for _ in range(max(0, missing)):
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
        taken.add(pin)
        added += 1
    return added
