"""Loading one lock's declared and observed state for the planner."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from gateway.domain.models import POOL
from gateway.domain.slots import Owner, SlotState
from gateway.engine.plan import Want
from gateway.store import access_codes, slots
from gateway.store.access_codes import CodeRow


@dataclass(frozen=True)
class LockSnapshot:
    rows: dict[str, CodeRow]
    wants: list[Want]
    views: dict[int, SlotState]

    @cached_property
    def _slot_by_code(self) -> dict[str, SlotState]:
        found: dict[str, SlotState] = {}
        for view in sorted(self.views.values(), key=lambda v: v.slot, reverse=True):
            if view.access_code_id is not None and view.owner is not Owner.UNMANAGED:
                found[view.access_code_id] = view
        return found

    def slot_of(self, access_code_id: str) -> SlotState | None:
        return self._slot_by_code.get(access_code_id)


def _owner(row: CodeRow) -> Owner:
    if row.pool_state == POOL:
        return Owner.POOL
    return Owner.MANAGED if row.is_managed else Owner.UNMANAGED


def _wants(rows: dict[str, CodeRow]) -> list[Want]:
    return [
        Want(
            r.access_code_id,
            r.code or "",
            r.name,
            r.starts_at,
            r.ends_at,
            r.deleting,
            r.blocked,
            _owner(r),
            r.on_device,
        )
        for r in rows.values()
        if (r.is_managed and r.code is not None) or (not r.is_managed and r.deleting)
    ]


def load(conn: sqlite3.Connection, device_id: str, now: datetime) -> LockSnapshot:
    rows = {r.access_code_id: r for r in access_codes.plan_rows(conn, device_id, now)}
    return LockSnapshot(rows=rows, wants=_wants(rows), views=slots.for_device(conn, device_id))


def refresh(
    snapshot: LockSnapshot,
    conn: sqlite3.Connection,
    device_id: str,
    now: datetime,
    access_code_ids: set[str],
    slot_numbers: set[int],
) -> LockSnapshot:
    """The snapshot after a pass's operations, re-reading only the codes and slots they touched
    (a pass on a lock with hundreds of codes then costs one full load, not two)."""
    rows = dict(snapshot.rows)
    for code_id in access_code_ids:
        rows.pop(code_id, None)
    rows.update(
        (r.access_code_id, r)
        for r in access_codes.plan_rows(conn, device_id, now, only=access_code_ids)
    )
    views = dict(snapshot.views)
    for slot in slot_numbers:
        views.pop(slot, None)
    views.update(slots.for_device(conn, device_id, only=slot_numbers))
    return LockSnapshot(rows=rows, wants=_wants(rows), views=views)
