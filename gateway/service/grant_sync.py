"""Keeping a grant's access codes in step with the locks it reaches, inside the caller's
transaction: after its spaces gain or lose locks, a lock is revoked or granted again, its window
changes, or it goes. Returns the locks to wake once the transaction commits."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from gateway.domain.grant_plan import CodeWindow, WindowRefused, code_changes, code_window
from gateway.domain.grant_plan import target_devices as _targets
from gateway.domain.grants import AccessGrant, AccessMethod, MethodCode
from gateway.domain.models import Issue
from gateway.ledger.journal import record
from gateway.service import grant_codes
from gateway.store import access_codes, devices, spaces, user_identities
from gateway.store import grants as store

CANNOT_CREATE = "cannot_create_requested_access_methods"


def target_devices(conn: sqlite3.Connection, grant: AccessGrant) -> list[str]:
    space_devices = {s: spaces.device_ids(conn, s) for s in grant.space_ids}
    return _targets(grant.device_ids, grant.space_ids, space_devices, grant.revoked_device_ids)


def code_name(conn: sqlite3.Connection, grant: AccessGrant) -> str:
    """The name the grant's codes carry (and a lock with names shows)."""
    if grant.name:
        return grant.name
    user = user_identities.get(conn, grant.user_identity_id)
    return user.display_name if user is not None else "Access grant"


def current_window(grant: AccessGrant, now: datetime) -> CodeWindow | None:
    """The codes' window, or None when the grant is over (no code is placed any more)."""
    try:
        return code_window(grant.starts_at, grant.ends_at, now)
    except WindowRefused:
        return None


def sync(conn: sqlite3.Connection, grant: AccessGrant, now: datetime) -> set[str]:
    """Add the codes the grant's locks lack, remove those of locks it no longer reaches."""
    targets = target_devices(conn, grant)
    window = current_window(grant, now)
    name = code_name(conn, grant)
    woken: set[str] = set()
    missing: list[str] = []
    for method in store.methods_of(conn, grant.access_grant_id):
        if method.code is None:
            continue
        placed = {
            mc.device_id: mc.access_code_id for mc in store.codes_of(conn, method.access_method_id)
        }
        changes = code_changes(targets, placed)
        for device_id, access_code_id in changes.remove:
            drop_code(conn, method.access_method_id, device_id, access_code_id, now)
            woken.add(device_id)
        for device_id in changes.add:
            device = devices.get(conn, device_id)
            if window is None:
                continue
            if (
                device is None
                or not device.is_managed
                or grant_codes.pin_problem(conn, device, method.code, window)
            ):
                missing.append(device_id)
                continue
            code = grant_codes.place(conn, device, method.code, window, name, now)
            store.link(conn, MethodCode(method.access_method_id, device_id, code.access_code_id))
            woken.add(device_id)
    _set_missing(conn, grant, missing, now)
    return woken


def _set_missing(
    conn: sqlite3.Connection, grant: AccessGrant, missing: Sequence[str], now: datetime
) -> None:
    others = [e for e in grant.errors if e.code != CANNOT_CREATE]
    before = [e.extra.get("missing_device_ids") for e in grant.errors if e.code == CANNOT_CREATE]
    if missing and before == [list(dict.fromkeys(missing))]:
        return  # already said so
    if missing:
        message = "The grant's PIN could not be placed on some of its locks (rules or clashes)"
        grant.errors = [
            *others,
            Issue(
                CANNOT_CREATE, message, now, {"missing_device_ids": list(dict.fromkeys(missing))}
            ),
        ]
        record(
            conn,
            "access_grant.could_not_create_requested_access_methods",
            now,
            access_grant_id=grant.access_grant_id,
            error_message=message,
            missing_device_ids=list(dict.fromkeys(missing)),
        )
    else:
        grant.errors = others
    store.save(conn, grant)


def drop_code(
    conn: sqlite3.Connection,
    access_method_id: str,
    device_id: str,
    access_code_id: str,
    now: datetime,
) -> None:
    """Remove one of a method's codes from its lock (if it is still there) and forget the link."""
    code = access_codes.get(conn, access_code_id)
    if code is not None and code.is_managed and not code.deleting:
        grant_codes.remove(conn, code, now)
    store.unlink(conn, access_method_id, device_id)


def delete_method(
    conn: sqlite3.Connection, method: AccessMethod, grant: AccessGrant, now: datetime
) -> set[str]:
    """An access method and its codes on every lock."""
    woken: set[str] = set()
    for mc in store.codes_of(conn, method.access_method_id):
        drop_code(conn, mc.access_method_id, mc.device_id, mc.access_code_id, now)
        woken.add(mc.device_id)
    store.delete_method(conn, method.access_method_id)
    record(
        conn,
        "access_method.deleted",
        now,
        **method_payload(method, grant),
    )
    return woken


def grant_payload(grant: AccessGrant) -> dict[str, Any]:
    """What an access_grant.* event names (the key only when the grant has one)."""
    body: dict[str, Any] = {"access_grant_id": grant.access_grant_id}
    if grant.access_grant_key:
        body["access_grant_key"] = grant.access_grant_key
    return body


def method_payload(method: AccessMethod, grant: AccessGrant) -> dict[str, Any]:
    """What an access_method.* event names."""
    body: dict[str, Any] = {
        "access_method_id": method.access_method_id,
        "access_grant_ids": [grant.access_grant_id],
    }
    if grant.access_grant_key:
        body["access_grant_keys"] = [grant.access_grant_key]
    return body


def delete_grant(conn: sqlite3.Connection, grant: AccessGrant, now: datetime) -> set[str]:
    """A grant, its access methods, and their codes on every lock."""
    woken: set[str] = set()
    for method in store.methods_of(conn, grant.access_grant_id):
        woken |= delete_method(conn, method, grant, now)
    store.delete(conn, grant.access_grant_id)
    record(conn, "access_grant.deleted", now, **grant_payload(grant))
    return woken


def resync_grants(
    conn: sqlite3.Connection, grants: Sequence[AccessGrant], now: datetime
) -> set[str]:
    woken: set[str] = set()
    for grant in grants:
        woken |= sync(conn, grant, now)
    return woken
