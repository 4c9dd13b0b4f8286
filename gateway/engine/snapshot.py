"""Loading one lock's declared and observed state for the planner."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from gateway.engine.plan import SlotView, Want
from gateway.store import access_codes, slots
from gateway.store.access_codes import CodeRow
from gateway.store.slots import Owner


@dataclass(frozen=True)
class LockSnapshot:
    rows: dict[str, CodeRow]
    wants: list[Want]
    views: dict[int, SlotView]

    @cached_property
    def _slot_by_code(self) -> dict[str, SlotView]:
        found: dict[str, SlotView] = {}
        for view in sorted(self.views.values(), key=lambda v: v.slot, reverse=True):
            if view.access_code_id is not None and view.owner is not Owner.UNMANAGED:
                found[view.access_code_id] = view
        return found

    def slot_of(self, access_code_id: str) -> SlotView | None:
        return self._slot_by_code.get(access_code_id)


def load(conn: sqlite3.Connection, device_id: str, now: datetime) -> LockSnapshot:
    rows = {r.access_code_id: r for r in access_codes.plan_rows(conn, device_id, now)}
    wants = [
        Want(
            access_code_id=r.access_code_id,
            pin=r.code or "",
            name=r.name,
            starts_at=r.starts_at,
            ends_at=r.ends_at,
            deleting=r.deleting,
            blocked=r.blocked,
            owner=Owner.MANAGED if r.is_managed else Owner.UNMANAGED,
        )
        for r in rows.values()
        if (r.is_managed and r.code is not None) or (not r.is_managed and r.deleting)
    ]
    views = {
        n: SlotView(
            slot=n,
            owner=row.owner,
            access_code_id=row.access_code_id,
            code=row.code,
            masked=row.masked,
            pending=row.pending,
            suspended=row.suspended,
        )
        for n, row in slots.for_device(conn, device_id).items()
    }
    return LockSnapshot(rows=rows, wants=wants, views=views)
