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
    starts_at, ends_at = _window(old, p)
    window_changed = (starts_at, ends_at) != (old.starts_at, old.ends_at)
    if window_changed:
        check_window(starts_at, ends_at, now)
    pin = _pin(conn, device, old, p, (starts_at, ends_at))
    name = old.name if p.name is None else p.name
    mutations = _mutations(old, pin, name, (starts_at, ends_at), now)
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


def _window(old: AccessCode, p: UpdateAccessCode) -> tuple[datetime | None, datetime | None]:
    """The code's starts_at and ends_at after the update: an ongoing code has neither, a bound
    given replaces the old one, and a time_bound code needs an end."""
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
    return starts_at, ends_at


def _pin(
    conn: sqlite3.Connection,
    device: Device,
    old: AccessCode,
    p: UpdateAccessCode,
    window: tuple[datetime | None, datetime | None],
) -> str | None:
    """The code's PIN after the update, checked against the lock's other codes when it changes
    or when the code moves to another window."""
    pin = old.code
    if p.code is not None and p.code != old.code:
        codes = access_codes.pin_uses(conn, device.device_id)
        pin = checked_pin(conn, device, codes, p.code, window, ignore=old.access_code_id)
    elif window != (old.starts_at, old.ends_at) and pin is not None:
        codes = access_codes.pin_uses(conn, device.device_id)
        checked_pin(conn, device, codes, pin, window, ignore=old.access_code_id)
    return pin


def _mutations(
    old: AccessCode,
    pin: str | None,
    name: str | None,
    window: tuple[datetime | None, datetime | None],
    now: datetime,
) -> list[Mutation]:
    """The code's pending mutations: the old ones, then one per thing the update changes."""
    starts_at, ends_at = window
    mutations = [m for m in old.pending_mutations]
    if pin != old.code:
        mutations.append(
            Mutation(
                "updating_code",
                "The code is being changed on the lock.",
                now,
                {"from": {"code": old.code}, "to": {"code": pin}},
            )
        )
    if name != old.name:
        mutations.append(
            Mutation(
                "updating_name",
                "The name is being changed.",
                now,
                {"from": {"name": old.name}, "to": {"name": name}},
            )
        )
    if window != (old.starts_at, old.ends_at):
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
    return mutations


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else to_iso(moment)
