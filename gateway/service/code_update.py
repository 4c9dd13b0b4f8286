"""What an update makes of a code: new values, pending mutations and status, all validated."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

from gateway.domain.models import AccessCode, CodeStatus, Device, Mutation
from gateway.domain.rules import appearance
from gateway.domain.timefmt import to_iso
from gateway.service.declaring import (
    check_window,
    checked_pin,
    external_modification,
    initial_status,
)
from gateway.store import access_codes
from gateway.wire.errors import invalid
from gateway.wire.requests import UpdateAccessCode


def updated_code(
    conn: sqlite3.Connection,
    device: Device,
    old: AccessCode,
    p: UpdateAccessCode,
    now: datetime,
) -> AccessCode:
    starts_at, ends_at = old.starts_at, old.ends_at
    if p.type == "ongoing":
        if p.starts_at is not None or p.ends_at is not None:
            raise invalid("type", "an ongoing code has no starts_at or ends_at")
        starts_at = ends_at = None
    if p.starts_at is not None or p.ends_at is not None:
        starts_at = p.starts_at or starts_at
        ends_at = p.ends_at or ends_at
    if p.type == "time_bound" and ends_at is None:
        raise invalid("ends_at", "is required to make a code time_bound")
    window_changed = (starts_at, ends_at) != (old.starts_at, old.ends_at)
    if window_changed:
        check_window(starts_at, ends_at, now)
    pin = old.code
    if p.code is not None and p.code != old.code:
        codes = access_codes.pin_uses(conn, device.device_id)
        pin = checked_pin(
            conn, device, codes, p.code, (starts_at, ends_at), ignore=old.access_code_id
        )
    elif window_changed and pin is not None:
        codes = access_codes.pin_uses(conn, device.device_id)
        checked_pin(conn, device, codes, pin, (starts_at, ends_at), ignore=old.access_code_id)
    mutations = [m for m in old.pending_mutations]
    if pin != old.code:
        mutations.append(
            Mutation("updating_code", "The code is being changed on the lock.", now,
                     {"from": {"code": old.code}, "to": {"code": pin}})
        )  # fmt: skip
    name = old.name if p.name is None else p.name
    if name != old.name:
        mutations.append(
            Mutation("updating_name", "The name is being changed.", now,
                     {"from": {"name": old.name}, "to": {"name": name}})
        )  # fmt: skip
    if window_changed:
        mutations.append(
            Mutation(
                "updating_time_frame",
                "The time frame is being changed.",
                now,
                {
                    "from": {"starts_at": _iso(old.starts_at), "ends_at": _iso(old.ends_at)},
                    "to": {"starts_at": _iso(starts_at), "ends_at": _iso(ends_at)},
                },
            )
        )
    status = old.status
    if window_changed:
        status = initial_status(starts_at, now)
    elif pin != old.code and old.status is CodeStatus.SET:
        status = CodeStatus.SETTING
    external = external_modification(p)
    return replace(
        old,
        name=name,
        appearance_name=appearance(device, name),
        code=pin,
        starts_at=starts_at,
        ends_at=ends_at,
        status=status,
        common_code_key=old.common_code_key if pin == old.code else None,
        is_external_modification_allowed=(
            old.is_external_modification_allowed if external is None else external
        ),
        use_backup_access_code_pool=(
            old.use_backup_access_code_pool
            if p.use_backup_access_code_pool is None
            else p.use_backup_access_code_pool
        ),
        prefer_native_scheduling=(
            old.prefer_native_scheduling
            if p.prefer_native_scheduling is None
            else p.prefer_native_scheduling
        ),
        pending_mutations=mutations,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else to_iso(moment)
