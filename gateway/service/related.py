"""`get_related` of access grants, access methods and spaces: the resources around them that
the hub has (grants, methods, spaces, locks, user identities). What the cloud would add from
access systems (entrances, credentials, ...) does not exist on a hub and is left out."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field

from gateway.domain.grants import AccessGrant, AccessMethod, MethodCode, Space, UserIdentity
from gateway.domain.models import Device
from gateway.service import grant_sync
from gateway.service.grant_lookup import (
    grant_by_id_or_key,
    lookup_user,
    method,
    space_by_id_or_key,
)
from gateway.store import devices, spaces
from gateway.store import grants as store
from gateway.store.db import Store


@dataclass
class Related:
    access_grants: list[AccessGrant] = field(default_factory=list)
    access_methods: list[AccessMethod] = field(default_factory=list)
    spaces: list[Space] = field(default_factory=list)
    devices: list[Device] = field(default_factory=list)
    user_identities: list[UserIdentity] = field(default_factory=list)


def _devices(conn: sqlite3.Connection, ids: Iterable[str]) -> list[Device]:
    found = (devices.get(conn, i) for i in dict.fromkeys(ids))
    return [d for d in found if d is not None]


def _spaces(conn: sqlite3.Connection, ids: Iterable[str]) -> list[Space]:
    found = (spaces.get(conn, i) for i in dict.fromkeys(ids))
    return [s for s in found if s is not None]


def _codes(conn: sqlite3.Connection, m: AccessMethod) -> list[MethodCode]:
    return store.codes_of(conn, m.access_method_id)


class RelatedResources:
    def __init__(self, store_: Store) -> None:
        self.store = store_

    def of_grants(self, ids: list[str], keys: list[str]) -> Related:
        conn = self.store.conn
        grants = [grant_by_id_or_key(conn, i, None) for i in ids]
        grants += [grant_by_id_or_key(conn, None, k) for k in keys]
        users = {g.user_identity_id: lookup_user(conn, g.user_identity_id) for g in grants}
        return Related(
            access_methods=[m for g in grants for m in store.methods_of(conn, g.access_grant_id)],
            spaces=_spaces(conn, (s for g in grants for s in g.space_ids)),
            devices=_devices(conn, (d for g in grants for d in grant_sync.target_devices(conn, g))),
            user_identities=list(users.values()),
        )

    def of_methods(self, ids: list[str]) -> Related:
        conn = self.store.conn
        methods = [method(conn, i) for i in ids]
        grants = {
            m.access_grant_id: grant_by_id_or_key(conn, m.access_grant_id, None) for m in methods
        }
        return Related(
            access_grants=list(grants.values()),
            access_methods=methods,
            spaces=_spaces(conn, (s for g in grants.values() for s in g.space_ids)),
            devices=_devices(
                conn,
                (mc.device_id for m in methods for mc in store.codes_of(conn, m.access_method_id)),
            ),
        )

    def of_spaces(self, ids: list[str], keys: list[str]) -> Related:
        conn = self.store.conn
        found = [space_by_id_or_key(conn, i, None) for i in ids]
        found += [space_by_id_or_key(conn, None, k) for k in keys]
        grants = {
            g.access_grant_id: g for s in found for g in store.naming(conn, "space", s.space_id)
        }
        return Related(
            spaces=found,
            devices=_devices(conn, (d for s in found for d in s.device_ids)),
            access_methods=[
                m for g in grants.values() for m in store.methods_of(conn, g.access_grant_id)
            ],
        )
