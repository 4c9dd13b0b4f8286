"""What an update makes of a code: new values, pending mutations and status, all validated;
and a managed code made unmanaged (`is_managed: false`)."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from datetime import datetime

from gateway.domain.models import (
    PERMANENT_CODE_ERRORS,
    AccessCode,
    ActionAttempt,
    CodeStatus,
    Device,
    Mutation,
)
from gateway.domain.rules import appearance
from gateway.domain.slots import Owner
from gateway.domain.timefmt import to_iso
from gateway.ledger.journal import record
from gateway.ledger.pool import activate_pool, follow_original, retire_backup
from gateway.service.declaring import (
    check_window,
    checked_pin,
    external_modification,
    initial_status,
)
from gateway.store import access_codes, action_attempts, slots
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


def apply_update(
    conn: sqlite3.Connection,
    device: Device,
    old: AccessCode,
    p: UpdateAccessCode,
    attempt: ActionAttempt,
    now: datetime,
) -> AccessCode:
    """Validate and write an update of a managed code, with its action attempt and event."""
    new = updated_code(conn, device, old, p, now)
    action_attempts.insert(conn, attempt)
    if (new.code, new.starts_at, new.ends_at) != (old.code, old.starts_at, old.ends_at):
        # A changed declaration is worth trying again, even after a permanent failure.
        new.errors = [e for e in new.errors if e.code not in PERMANENT_CODE_ERRORS]
        access_codes.block(conn, new.access_code_id, None)
    access_codes.save(conn, new, was=old)
    if new.use_backup_access_code_pool:
        activate_pool(conn, new.device_id, now)
    if new.ends_at != old.ends_at and new.ends_at is not None:
        follow_original(conn, new)
    if new != old:
        record(
            conn,
            "access_code.changed",
            now,
            device_id=new.device_id,
            access_code_id=new.access_code_id,
        )
    return new


# What an update that unmanages a code may also carry: nothing that would change the code.
UNMANAGE_ALONE = frozenset(
    {"access_code_id", "device_id", "is_managed", "sync", "attempt_for_offline_device"}
)


def unmanaged(
    conn: sqlite3.Connection, old: AccessCode, p: UpdateAccessCode, now: datetime
) -> AccessCode:
    """The cloud's `is_managed: false`: the code stays on the lock as it is, and the hub stops
    keeping it (no window kept by the hub, no change, no removal): it is listed with the lock's
    unmanaged codes from then on, and can be managed again with convert_to_managed."""
    other = sorted(p.model_fields_set - UNMANAGE_ALONE)
    if other:
        raise invalid(
            "is_managed",
            f"unmanaging a code changes nothing else: send it without {', '.join(other)}",
        )
    if old.status is not CodeStatus.SET or old.pending_mutations:
        raise invalid(
            "is_managed",
            f"only a code that is set on the lock can become unmanaged (this one is "
            f"{old.status.value}); delete it instead, or wait until it is set",
        )
    if old.pulled_backup_access_code_id is not None:
        retire_backup(conn, old.pulled_backup_access_code_id, now)  # it was for this stay
    slots.set_owner(conn, old.access_code_id, Owner.UNMANAGED)
    return replace(
        old,
        is_managed=False,
        common_code_key=None,
        use_backup_access_code_pool=False,
        pulled_backup_access_code_id=None,
        pending_mutations=[],
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
        codes = access_codes.pin_uses(conn, device.device_id, pin=p.code)
        pin = checked_pin(conn, device, codes, p.code, window, ignore=old.access_code_id)
    elif window != (old.starts_at, old.ends_at) and pin is not None:
        codes = access_codes.pin_uses(conn, device.device_id, pin=pin)
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
