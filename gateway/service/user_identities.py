"""User identities: the people access grants are for, and locks given to them directly.

Deleting an identity deletes its grants (and their codes on every lock). Revoking a lock from
an identity takes that lock alone away from each of its grants (its codes leave that lock only);
granting it again gives it back to the grants that name it.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from gateway.clock import Clock
from gateway.domain.grants import UserIdentity
from gateway.domain.models import Device
from gateway.domain.timefmt import to_iso
from gateway.service import grant_sync, lookup
from gateway.service.grant_lookup import lookup_user, user_by_id_or_key
from gateway.store import devices, user_identities
from gateway.store import grants as grant_store
from gateway.store.db import Store
from gateway.wire.errors import invalid
from gateway.wire.grants import (
    CreateUserIdentity,
    GetUserIdentity,
    ListUserIdentities,
    UpdateUserIdentity,
    UserIdentityDevice,
    UserIdentityFields,
)
from gateway.wire.pagination import DEFAULT_LIMIT, decode_cursor

Waker = Callable[[str], None]
UNIQUE = ("user_identity_key", "email_address", "phone_number")


def _check_unique(conn: sqlite3.Connection, u: UserIdentity, *, field: str | None = None) -> None:
    for column in UNIQUE:
        value = getattr(u, column)
        if value is None:
            continue
        other = user_identities.find(conn, column, value)
        if other is not None and other.user_identity_id != u.user_identity_id:
            raise invalid(field or column, f"{column} is already used by another user identity")


def new_identity(
    conn: sqlite3.Connection, p: UserIdentityFields, now: datetime, *, field: str | None = None
) -> UserIdentity:
    """A new identity from `p`, checked for clashes (not stored yet)."""
    u = UserIdentity(
        user_identity_id=str(uuid.uuid4()),
        created_at=now,
        user_identity_key=p.user_identity_key,
        email_address=p.email_address,
        phone_number=p.phone_number,
        full_name=p.full_name,
    )
    _check_unique(conn, u, field=field)
    return u


class UserIdentities:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    def _wake(self, device_ids: set[str]) -> None:
        for device_id in sorted(device_ids):
            self.wake(device_id)

    def create(self, p: CreateUserIdentity) -> UserIdentity:
        if p.acs_system_ids:
            raise invalid("acs_system_ids", "access systems (ACS) need Seam's cloud")
        with self.store.transaction() as conn:
            u = new_identity(conn, p, self.clock.now())
            user_identities.insert(conn, u)
        return u

    def get(self, p: GetUserIdentity) -> UserIdentity:
        return user_by_id_or_key(self.store.conn, p.user_identity_id, p.user_identity_key)

    def list(self, p: ListUserIdentities) -> tuple[list[UserIdentity], int | None]:
        p.refuse_set(("credential_manager_acs_system_id",))
        return user_identities.page(
            self.store.conn,
            ids=p.user_identity_ids,
            search=p.search,
            created_before=None if p.created_before is None else to_iso(p.created_before),
            after_seq=decode_cursor(p.page_cursor),
            limit=p.limit or DEFAULT_LIMIT,
        )

    def update(self, p: UpdateUserIdentity) -> None:
        with self.store.transaction() as conn:
            u = lookup_user(conn, p.user_identity_id)
            for column in (*UNIQUE, "full_name"):
                if column in p.model_fields_set:
                    setattr(u, column, getattr(p, column))
            _check_unique(conn, u)
            user_identities.save(conn, u)

    def delete(self, user_identity_id: str) -> None:
        now = self.clock.now()
        woken: set[str] = set()
        with self.store.transaction() as conn:
            lookup_user(conn, user_identity_id)
            for grant in grant_store.by_key(conn, "user_identity_id", user_identity_id):
                woken |= grant_sync.delete_grant(conn, grant, now)
            user_identities.delete(conn, user_identity_id)
        self._wake(woken)

    def grant_access_to_device(self, p: UserIdentityDevice) -> None:
        now = self.clock.now()
        with self.store.transaction() as conn:
            lookup_user(conn, p.user_identity_id)
            lookup.managed_device(conn, p.device_id)
            user_identities.add_device(conn, p.user_identity_id, p.device_id)
            woken: set[str] = set()
            for grant in grant_store.by_key(conn, "user_identity_id", p.user_identity_id):
                if p.device_id in grant.revoked_device_ids:
                    grant.revoked_device_ids.remove(p.device_id)
                    grant_store.save(conn, grant)
                    woken |= grant_sync.sync(conn, grant, now)
        self._wake(woken)

    def revoke_access_to_device(self, p: UserIdentityDevice) -> None:
        now = self.clock.now()
        with self.store.transaction() as conn:
            lookup_user(conn, p.user_identity_id)
            lookup.device(conn, p.device_id)
            user_identities.remove_device(conn, p.user_identity_id, p.device_id)
            woken: set[str] = set()
            for grant in grant_store.by_key(conn, "user_identity_id", p.user_identity_id):
                if p.device_id in grant_sync.target_devices(conn, grant):
                    grant.revoked_device_ids.append(p.device_id)
                    grant_store.save(conn, grant)
                    woken |= grant_sync.sync(conn, grant, now)
        self._wake(woken)

    def accessible_devices(self, user_identity_id: str) -> Sequence[Device]:
        """Locks given to the identity directly, then those its grants reach."""
        conn = self.store.conn
        lookup_user(conn, user_identity_id)
        ids = dict.fromkeys(user_identities.device_ids(conn, user_identity_id))
        for grant in grant_store.by_key(conn, "user_identity_id", user_identity_id):
            ids.update(dict.fromkeys(grant_sync.target_devices(conn, grant)))
        return [d for d in (devices.get(conn, i) for i in ids) if d is not None]
