"""Access methods: read them, or delete them (each one's PIN leaves every lock of its grant)."""

from __future__ import annotations

from collections.abc import Callable

from gateway.clock import Clock
from gateway.domain.grants import AccessMethod
from gateway.service import grant_sync
from gateway.service.grant_lookup import grant_by_id_or_key, method
from gateway.store import grants as store
from gateway.store.db import Store
from gateway.wire.errors import invalid
from gateway.wire.grants import DeleteAccessMethods, ListAccessMethods

Waker = Callable[[str], None]


class AccessMethods:
    def __init__(self, store_: Store, clock: Clock, wake: Waker) -> None:
        self.store = store_
        self.clock = clock
        self.wake = wake

    def get(self, access_method_id: str) -> AccessMethod:
        return method(self.store.conn, access_method_id)

    def list(self, p: ListAccessMethods) -> list[AccessMethod]:
        p.refuse_set(("acs_entrance_id",), "entrances of access systems (ACS) need Seam's cloud")
        conn = self.store.conn
        if p.access_grant_id is not None or p.access_grant_key is not None:
            grants = [grant_by_id_or_key(conn, p.access_grant_id, p.access_grant_key)]
        else:
            grants = [g for _, g in store.all_with_seq(conn, 0)]
        if p.space_id is not None:
            grants = [g for g in grants if p.space_id in g.space_ids]
        found: list[AccessMethod] = []
        for grant in grants:
            for m in store.methods_of(conn, grant.access_grant_id):
                links = store.codes_of(conn, m.access_method_id)
                if p.device_id is not None and all(mc.device_id != p.device_id for mc in links):
                    continue
                if p.access_code_id is not None and all(
                    mc.access_code_id != p.access_code_id for mc in links
                ):
                    continue
                found.append(m)
        return found

    def delete(self, p: DeleteAccessMethods) -> None:
        given = [
            f for f in ("access_method_id", "access_grant_id", "reservation_key") if getattr(p, f)
        ]
        if len(given) != 1:
            raise invalid(
                "access_method_id",
                "give exactly one of access_method_id, access_grant_id or reservation_key",
            )
        now = self.clock.now()
        woken: set[str] = set()
        with self.store.transaction() as conn:
            if p.access_method_id is not None:
                m = method(conn, p.access_method_id)
                grant = grant_by_id_or_key(conn, m.access_grant_id, None)
                targets = [(m, grant)]
            else:
                grants = (
                    [grant_by_id_or_key(conn, p.access_grant_id, None)]
                    if p.access_grant_id is not None
                    else store.by_key(conn, "reservation_key", p.reservation_key or "")
                )
                targets = [
                    (m, g) for g in grants for m in store.methods_of(conn, g.access_grant_id)
                ]
            for m, grant in targets:
                woken |= grant_sync.delete_method(conn, m, grant, now)
        for device_id in sorted(woken):
            self.wake(device_id)
