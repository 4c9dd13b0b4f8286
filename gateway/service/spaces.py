"""Spaces: named groups of locks. A grant naming a space reaches the space's locks as they are
now: a lock added to the space gets the grant's PIN, a lock removed loses it (that lock only)."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime

from gateway.clock import Clock
from gateway.domain.grants import Space
from gateway.service import grant_sync, lookup
from gateway.service.grant_lookup import space_by_id_or_key, space_ref
from gateway.store import grants as grant_store
from gateway.store import spaces
from gateway.store.db import Store
from gateway.wire.errors import invalid
from gateway.wire.grants import (
    CreateSpace,
    CustomerData,
    GetSpace,
    ListSpaces,
    SpaceDevices,
    UpdateSpace,
)
from gateway.wire.pagination import DEFAULT_LIMIT, decode_cursor

Waker = Callable[[str], None]
ACS = "entrances of access systems (ACS) need Seam's cloud; a space here holds locks"


def _check_devices(conn: sqlite3.Connection, device_ids: Sequence[str]) -> list[str]:
    for device_id in device_ids:
        lookup.device(conn, device_id)
    return list(dict.fromkeys(device_ids))


def _check_key(conn: sqlite3.Connection, space_key: str | None, space_id: str) -> None:
    if space_key is None:
        return
    other = spaces.by_key(conn, space_key)
    if other is not None and other.space_id != space_id:
        raise invalid("space_key", "is already the key of another space")


def _customer_data(old: dict[str, object], data: CustomerData | None) -> dict[str, object]:
    """Only the keys given change; a key given as null is cleared."""
    if data is None:
        return old
    merged = dict(old)
    for key in data.model_fields_set:
        value = getattr(data, key)
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


class Spaces:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    def _wake(self, device_ids: set[str]) -> None:
        for device_id in sorted(device_ids):
            self.wake(device_id)

    def create(self, p: CreateSpace) -> Space:
        if p.acs_entrance_ids:
            raise invalid("acs_entrance_ids", ACS)
        if p.connected_account_ids:
            raise invalid("connected_account_ids", "a space holds locks: give their device_ids")
        with self.store.transaction() as conn:
            space = Space(
                space_id=str(uuid.uuid4()),
                name=p.name,
                created_at=self.clock.now(),
                space_key=p.space_key,
                customer_key=p.customer_key,
                customer_data=_customer_data({}, p.customer_data),
                device_ids=_check_devices(conn, p.device_ids or []),
            )
            _check_key(conn, p.space_key, space.space_id)
            spaces.insert(conn, space)
        return space

    def get(self, p: GetSpace) -> Space:
        return space_by_id_or_key(self.store.conn, p.space_id, p.space_key)

    def list(self, p: ListSpaces) -> tuple[list[Space], int | None]:
        p.refuse_set(("connected_account_id", "parent_space_id", "parent_space_key"))
        return spaces.page(
            self.store.conn,
            search=p.search,
            space_key=p.space_key,
            customer_key=p.customer_key,
            after_seq=decode_cursor(p.page_cursor),
            limit=p.limit or DEFAULT_LIMIT,
        )

    def update(self, p: UpdateSpace) -> Space:
        p.refuse_set(("parent_space_id", "parent_space_key"), "sites of spaces need Seam's cloud")
        if p.acs_entrance_ids:
            raise invalid("acs_entrance_ids", ACS)
        with self.store.transaction() as conn:
            space = space_by_id_or_key(conn, p.space_id, None if p.space_id else p.space_key)
            if p.space_id is not None and p.space_key is not None:
                _check_key(conn, p.space_key, space.space_id)
                space.space_key = p.space_key
            if p.name is not None:
                space.name = p.name
            space.customer_data = _customer_data(space.customer_data, p.customer_data)
            devices_before = list(space.device_ids)
            if p.device_ids is not None:
                space.device_ids = _check_devices(conn, p.device_ids)
            spaces.save(conn, space)
            woken = self._follow(conn, space.space_id, devices_before != space.device_ids)
        self._wake(woken)
        return space

    def _follow(self, conn: sqlite3.Connection, space_id: str, changed: bool) -> set[str]:
        """The grants naming the space follow its locks."""
        if not changed:
            return set()
        return grant_sync.resync_grants(
            conn, grant_store.naming(conn, "space", space_id), self.clock.now()
        )

    def add_devices(self, p: SpaceDevices) -> None:
        with self.store.transaction() as conn:
            space = space_ref(conn, p.space_id, field="space_id")
            before = list(space.device_ids)
            space.device_ids = list(dict.fromkeys([*before, *_check_devices(conn, p.device_ids)]))
            spaces.set_devices(conn, space.space_id, space.device_ids)
            woken = self._follow(conn, space.space_id, before != space.device_ids)
        self._wake(woken)

    def remove_devices(self, p: SpaceDevices) -> None:
        with self.store.transaction() as conn:
            space = space_ref(conn, p.space_id, field="space_id")
            gone = set(p.device_ids)
            before = list(space.device_ids)
            space.device_ids = [d for d in before if d not in gone]
            spaces.set_devices(conn, space.space_id, space.device_ids)
            woken = self._follow(conn, space.space_id, before != space.device_ids)
        self._wake(woken)

    def delete(self, space_id: str) -> None:
        now: datetime = self.clock.now()
        with self.store.transaction() as conn:
            space_ref(conn, space_id, field="space_id")
            grants = grant_store.naming(conn, "space", space_id)
            spaces.delete(conn, space_id)
            for grant in grants:
                grant.space_ids = [s for s in grant.space_ids if s != space_id]
                grant_store.save(conn, grant)
            woken = grant_sync.resync_grants(conn, grants, now)
        self._wake(woken)
