"""Codes linked by a common_code_key (one PIN over several locks): changed together.

`/access_codes/update_multiple` gives every code of the group the same new name and/or times,
in one transaction: when one lock cannot take the change (a window that overlaps another code
with the same PIN there, say), no code of the group changes.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gateway.domain.models import ActionAttempt, ActionType
from gateway.service import lookup
from gateway.service.code_update import apply_update
from gateway.store import access_codes
from gateway.wire.errors import NotFound
from gateway.wire.requests import UpdateAccessCode, UpdateMultipleAccessCodes


def update_group(
    conn: sqlite3.Connection, p: UpdateMultipleAccessCodes, now: datetime
) -> list[str]:
    """Apply the update to each managed code of the group; the devices to wake."""
    group = [
        c
        for c in access_codes.with_common_key(conn, p.common_code_key)
        if c.is_managed and not c.deleting and not c.in_pool
    ]
    if not group:
        raise NotFound("access_code", f"No access codes with common_code_key {p.common_code_key!r}")
    changes = UpdateAccessCode.model_validate(
        {
            "access_code_id": group[0].access_code_id,
            **p.model_dump(include={"name", "starts_at", "ends_at"}, exclude_none=True),
        }
    )
    woken: list[str] = []
    for old in group:
        device = lookup.managed_device(conn, old.device_id)
        attempt = ActionAttempt.pending(
            ActionType.UPDATE_ACCESS_CODE, now, old.device_id, old.access_code_id
        )
        update = changes.model_copy(update={"access_code_id": old.access_code_id})
        apply_update(conn, device, old, update, attempt, now)
        woken.append(old.device_id)
    return list(dict.fromkeys(woken))
