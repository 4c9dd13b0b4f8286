"""Access grants in code mode: one PIN per access method, valid on every lock of the grant for
its window, carried to each lock by an ordinary managed access code.

Every mutation is one transaction (grant, methods, codes and events), then the locks woken.
An access method counts as issued as soon as its PIN is chosen and reserved on every lock of
the grant (in the transaction that creates it): the PIN can be handed to the guest at once,
and each lock's access code shows when the lock holds it (`status: set`).
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from gateway.clock import Clock
from gateway.domain.codegen import NoCodeAvailable, common_code_for
from gateway.domain.grant_plan import CodeWindow, WindowRefused, code_window
from gateway.domain.grants import CODE_MODE, AccessGrant, AccessMethod, MethodCode, RequestedMethod
from gateway.domain.models import Device
from gateway.domain.timefmt import to_iso
from gateway.ledger.journal import record
from gateway.service import grant_codes, grant_sync, lookup
from gateway.service.grant_lookup import grant_by_id_or_key, lookup_user, space_by_key, space_ref
from gateway.service.user_identities import new_identity
from gateway.store import access_codes, devices, user_identities
from gateway.store import grants as store
from gateway.store.db import Store
from gateway.wire.errors import ApiError, InvalidInput, invalid
from gateway.wire.grants import (
    CreateAccessGrant,
    GetAccessGrant,
    ListAccessGrants,
    RequestAccessMethods,
    RequestedAccessMethod,
    UpdateAccessGrant,
)
from gateway.wire.pagination import DEFAULT_LIMIT, decode_cursor

Waker = Callable[[str], None]
METHODS = "requested_access_methods"
NOT_CODE = (
    "mode {mode!r} is not available on a local hub: it issues PIN codes only (mode 'code'); "
    "cards and mobile keys need Seam's cloud"
)


def refuse_modes(requested: list[RequestedAccessMethod]) -> None:
    for m in requested:
        if m.mode != CODE_MODE:
            raise invalid(METHODS, NOT_CODE.format(mode=m.mode))


def _window(starts_at: datetime, ends_at: datetime | None, now: datetime) -> CodeWindow:
    try:
        return code_window(starts_at, ends_at, now)
    except WindowRefused as exc:
        raise invalid(exc.field, str(exc)) from None


class AccessGrants:
    def __init__(self, store_: Store, clock: Clock, wake: Waker) -> None:
        self.store = store_
        self.clock = clock
        self.wake = wake

    def _wake(self, device_ids: set[str]) -> None:
        for device_id in sorted(device_ids):
            self.wake(device_id)

    # -- create ------------------------------------------------------------------------------

    def create(self, p: CreateAccessGrant) -> AccessGrant:
        refuse_modes(p.requested_access_methods)
        if p.acs_entrance_ids or (p.location is not None and p.location.acs_entrance_ids):
            raise invalid("acs_entrance_ids", "entrances of access systems need Seam's cloud")
        if p.customization_profile_id is not None:
            raise invalid("customization_profile_id", "customization profiles need Seam's cloud")
        if (p.user_identity_id is None) == (p.user_identity is None):
            raise invalid("user_identity_id", "give either user_identity_id or user_identity")
        now = self.clock.now()
        starts_at = p.starts_at or now
        window = _window(starts_at, p.ends_at, now)
        with self.store.transaction() as conn:
            if p.user_identity is not None:
                user = new_identity(conn, p.user_identity, now, field="user_identity")
                user_identities.insert(conn, user)
            else:
                assert p.user_identity_id is not None
                user = lookup_user(conn, p.user_identity_id)
            if p.access_grant_key is not None and store.by_key(
                conn, "access_grant_key", p.access_grant_key
            ):
                raise invalid("access_grant_key", "is already the key of another access grant")
            device_ids = list(p.device_ids or []) + list(
                (p.location.device_ids or []) if p.location is not None else []
            )
            for device_id in device_ids:
                lookup.managed_device(conn, device_id)
            space_ids = [space_ref(conn, s).space_id for s in (p.space_ids or [])]
            space_ids += [space_by_key(conn, k).space_id for k in (p.space_keys or [])]
            space_ids += [
                space_ref(conn, s, field="location_ids").space_id for s in (p.location_ids or [])
            ]
            grant = AccessGrant(
                access_grant_id=str(uuid.uuid4()),
                user_identity_id=user.user_identity_id,
                created_at=now,
                starts_at=starts_at,
                ends_at=p.ends_at,
                name=p.name,
                access_grant_key=p.access_grant_key,
                reservation_key=p.reservation_key,
                device_ids=list(dict.fromkeys(device_ids)),
                space_ids=list(dict.fromkeys(space_ids)),
            )
            targets = grant_sync.target_devices(conn, grant)
            store.insert(conn, grant)
            record(
                conn,
                "access_grant.created",
                now,
                **grant_sync.grant_payload(grant),
            )
            woken = self._add_methods(conn, grant, p.requested_access_methods, targets, window, now)
            result = store.get(conn, grant.access_grant_id)
            assert result is not None
            woken |= grant_sync.sync(conn, result, now)  # notes the locks it could not reach
        self._wake(woken)
        return result

    def _add_methods(
        self,
        conn: sqlite3.Connection,
        grant: AccessGrant,
        requested: list[RequestedAccessMethod],
        targets: list[str],
        window: CodeWindow,
        now: datetime,
    ) -> set[str]:
        """One access method per requested one, its PIN on every managed lock the grant
        reaches (an unmanaged one is noted as missing by the sync that follows)."""
        found = (devices.get(conn, d) for d in targets)
        locks = [d for d in found if d is not None and d.is_managed]
        if not locks:
            raise invalid(
                "device_ids",
                "the grant reaches no managed lock: give device_ids or a space with locks",
            )
        chosen: set[str] = set()
        for req in requested:
            pin = self._pin(conn, locks, req.code, window, chosen)
            chosen.add(pin)
            method = AccessMethod(
                access_method_id=str(uuid.uuid4()),
                access_grant_id=grant.access_grant_id,
                mode=CODE_MODE,
                created_at=now,
                code=pin,
                issued_at=now,
            )
            store.insert_method(conn, method)
            for device in locks:
                code = grant_codes.place(
                    conn, device, pin, window, grant_sync.code_name(conn, grant), now
                )
                store.link(
                    conn, MethodCode(method.access_method_id, device.device_id, code.access_code_id)
                )
            grant.requested_access_methods.append(
                RequestedMethod(CODE_MODE, now, req.code, [method.access_method_id])
            )
            ids = grant_sync.method_payload(method, grant)
            record(conn, "access_method.created", now, **ids)
            record(conn, "access_method.issued", now, code=pin, is_backup_code=False, **ids)
        store.save(conn, grant)
        return {d.device_id for d in locks}

    def _pin(
        self,
        conn: sqlite3.Connection,
        locks: list[Device],
        requested: str | None,
        window: CodeWindow,
        chosen: set[str],
    ) -> str:
        """The requested PIN when every lock takes it, else a fresh one every lock accepts."""
        if requested is not None:
            if requested in chosen:
                raise invalid(METHODS, "two access methods of one grant cannot share a code")
            for device in locks:
                problem = grant_codes.pin_problem(conn, device, requested, window)
                if problem is not None:
                    raise invalid(METHODS, f"code {problem}")
            return requested
        taken = [access_codes.taken_pins(conn, d.device_id) | chosen for d in locks]
        try:
            return common_code_for([d.capabilities.code_rules for d in locks], taken)
        except NoCodeAvailable as exc:
            raise InvalidInput({"device_ids": [str(exc)]}) from None

    def request_access_methods(self, p: RequestAccessMethods) -> AccessGrant:
        refuse_modes(p.requested_access_methods)
        now = self.clock.now()
        with self.store.transaction() as conn:
            grant = grant_by_id_or_key(conn, p.access_grant_id, None)
            window = grant_sync.current_window(grant, now)
            if window is None:
                raise ApiError("access_grant_ended", "This access grant has ended")
            targets = grant_sync.target_devices(conn, grant)
            woken = self._add_methods(conn, grant, p.requested_access_methods, targets, window, now)
            result = store.get(conn, grant.access_grant_id)
            assert result is not None
            woken |= grant_sync.sync(conn, result, now)  # notes the locks it could not reach
        self._wake(woken)
        return result

    # -- read --------------------------------------------------------------------------------

    def get(self, p: GetAccessGrant) -> AccessGrant:
        return grant_by_id_or_key(self.store.conn, p.access_grant_id, p.access_grant_key)

    def list(self, p: ListAccessGrants) -> tuple[list[AccessGrant], int | None]:
        p.refuse_set(("acs_entrance_id", "acs_system_id", "customer_key"))
        conn = self.store.conn
        space_id = p.space_id or p.location_id
        limit = p.limit or DEFAULT_LIMIT
        found: list[AccessGrant] = []
        last_seq = 0
        code_method = (
            None if p.access_code_id is None else store.method_of_code(conn, p.access_code_id)
        )
        for seq, g in store.all_with_seq(conn, decode_cursor(p.page_cursor)):
            if not _matches(conn, g, p, space_id, code_method):
                continue
            if len(found) == limit:
                return found, last_seq
            found.append(g)
            last_seq = seq
        return found, None

    # -- update ------------------------------------------------------------------------------

    def update(self, p: UpdateAccessGrant) -> None:
        now = self.clock.now()
        woken: set[str] = set()
        with self.store.transaction() as conn:
            grant = grant_by_id_or_key(
                conn, p.access_grant_id, None if p.access_grant_id else p.access_grant_key
            )
            new = replace(grant)
            if p.access_grant_id is not None and p.access_grant_key is not None:
                clash = store.by_key(conn, "access_grant_key", p.access_grant_key)
                if any(g.access_grant_id != grant.access_grant_id for g in clash):
                    raise invalid("access_grant_key", "is already the key of another access grant")
                new.access_grant_key = p.access_grant_key
            if "name" in p.model_fields_set:
                new.name = p.name
            new.starts_at = p.starts_at or grant.starts_at
            if "ends_at" in p.model_fields_set:
                new.ends_at = p.ends_at
            if (new.starts_at, new.ends_at) != (grant.starts_at, grant.ends_at):
                field = "ends_at" if new.ends_at != grant.ends_at else "starts_at"
                window = _window(new.starts_at, new.ends_at, now)
                woken |= self._retime(conn, grant, window, field, now)
                record(
                    conn,
                    "access_grant.access_times_changed",
                    now,
                    **grant_sync.grant_payload(new),
                    starts_at=to_iso(new.starts_at),
                    ends_at=None if new.ends_at is None else to_iso(new.ends_at),
                )
            store.save(conn, new)
            woken |= grant_sync.sync(conn, new, now)
        self._wake(woken)

    def _retime(
        self,
        conn: sqlite3.Connection,
        grant: AccessGrant,
        window: CodeWindow,
        field: str,
        now: datetime,
    ) -> set[str]:
        """Give every code of the grant the new window; a code already gone is placed again by
        the sync that follows."""
        woken: set[str] = set()
        for method in store.methods_of(conn, grant.access_grant_id):
            for mc in store.codes_of(conn, method.access_method_id):
                code = access_codes.get(conn, mc.access_code_id)
                if code is None or code.deleting or not code.is_managed:
                    store.unlink(conn, mc.access_method_id, mc.device_id)
                    continue
                device = lookup.device(conn, code.device_id)
                try:
                    grant_codes.retime(conn, device, code, window, now)
                except InvalidInput:
                    raise invalid(
                        field, f"the grant's PIN clashes with another code on {device.name} then"
                    ) from None
                woken.add(code.device_id)
        return woken

    # -- delete ------------------------------------------------------------------------------

    def delete(self, access_grant_id: str) -> None:
        now = self.clock.now()
        with self.store.transaction() as conn:
            grant = grant_by_id_or_key(conn, access_grant_id, None)
            woken = grant_sync.delete_grant(conn, grant, now)
        self._wake(woken)


def _matches(
    conn: sqlite3.Connection,
    g: AccessGrant,
    p: ListAccessGrants,
    space_id: str | None,
    code_method: str | None,
) -> bool:
    if p.user_identity_id is not None and g.user_identity_id != p.user_identity_id:
        return False
    if p.access_grant_ids is not None and g.access_grant_id not in p.access_grant_ids:
        return False
    if p.access_grant_key is not None and g.access_grant_key != p.access_grant_key:
        return False
    if p.reservation_key is not None and g.reservation_key != p.reservation_key:
        return False
    if space_id is not None and space_id not in g.space_ids:
        return False
    if p.device_id is not None and p.device_id not in grant_sync.target_devices(conn, g):
        return False
    if p.access_code_id is not None and code_method not in g.access_method_ids:
        return False
    if p.search:
        user = user_identities.get(conn, g.user_identity_id)
        haystack = [g.name, g.access_grant_key, g.reservation_key, g.user_identity_id]
        if user is not None:
            haystack += [user.full_name, user.email_address, user.phone_number]
        if (
            not any(p.search.lower() in h.lower() for h in haystack if h)
            and p.search != g.access_grant_id
        ):
            return False
    return True
