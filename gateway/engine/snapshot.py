"""Loading one lock's declared and observed state for the planner."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from gateway.domain.models import AccessCode
from gateway.engine.plan import SlotView, Want
from gateway.store import access_codes, slot_health, slots
from gateway.store.slots import Owner


@dataclass(frozen=True)
class LockSnapshot:
    codes: dict[str, AccessCode]
    wants: list[Want]
    views: dict[int, SlotView]

    def slot_of(self, access_code_id: str) -> SlotView | None:
        for view in self.views.values():
            if view.access_code_id == access_code_id and view.owner is not Owner.UNMANAGED:
                return view
        return None


def load(conn: sqlite3.Connection, device_id: str, now: datetime) -> LockSnapshot:
    codes = {c.access_code_id: c for c in access_codes.for_device(conn, device_id)}
    blocked = access_codes.blocked_ids(conn, device_id, now)
    wants = [
        Want(
            access_code_id=c.access_code_id,
            pin=c.code or "",
            name=c.name,
            starts_at=c.starts_at,
            ends_at=c.ends_at,
            deleting=c.deleting,
            blocked=c.access_code_id in blocked,
            owner=Owner.MANAGED if c.is_managed else Owner.UNMANAGED,
        )
        for c in codes.values()
        if (c.is_managed and c.code is not None) or (not c.is_managed and c.deleting)
    ]
    health = slot_health.pending_of(conn, device_id)
    views = {
        n: SlotView(
            slot=n,
            owner=row.owner,
            access_code_id=row.access_code_id,
            code=row.code,
            masked=row.masked,
            pending=health.get(n, (None, False))[0],
            suspended=health.get(n, (None, False))[1],
        )
        for n, row in slots.for_device(conn, device_id).items()
    }
    return LockSnapshot(codes=codes, wants=wants, views=views)
