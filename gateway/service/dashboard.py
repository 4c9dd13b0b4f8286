"""What the owner's dashboard reads: every lock at a glance, one lock's slots, the codes, the
timeline; and the one thing only the dashboard does, revealing a PIN (recorded each time).

Changes (create, delete, lock, unlock) go through the same services as the API; this module only
reads, shaped for a page. A backup pool code's PIN is never in anything it returns.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from drivers.base import Window
from gateway.clock import Clock
from gateway.domain.models import AccessCode, Device, Event
from gateway.domain.slots import Owner
from gateway.ledger.pool import available as backup_available
from gateway.service import lookup
from gateway.store import access_codes, devices, events, slots
from gateway.store import overview as overview_store
from gateway.store import owner as owner_store
from gateway.store.db import Store
from gateway.store.overview import CodeCounts

PIN_REVEALED = "pin_revealed"
TIMELINE_DAYS = 30
TIMELINE_LIMIT = 200


@dataclass(frozen=True)
class LockSummary:
    device: Device
    counts: CodeCounts
    pool_ready: int
    pool_size: int  # 0: the lock keeps no backup pool
    warnings: tuple[str, ...]
    last_activity: datetime | None


@dataclass(frozen=True)
class CodeLine:
    """A managed code as the pages show it: everything but its PIN."""

    access_code_id: str
    device_id: str
    lock_name: str
    name: str | None
    status: str
    starts_at: datetime | None
    ends_at: datetime | None
    errors: tuple[str, ...]
    warnings: tuple[str, ...]
    pin_length: int
    is_backup: bool
    backup_available: bool = False  # a backup can be pulled now (or already was)
    backup_pulled: bool = False

    @property
    def shown_status(self) -> str:
        return "failed" if self.errors else self.status


@dataclass(frozen=True)
class UnmanagedLine:
    """A code found on the lock that the hub did not put there (its PIN is not shown)."""

    access_code_id: str
    name: str | None
    slot: int | None
    removing: bool


@dataclass(frozen=True)
class SlotLine:
    """One slot of a lock, or a run of free slots (`first`..`last`)."""

    first: int
    last: int
    kind: str  # code | pool | unmanaged | free
    name: str | None = None
    access_code_id: str | None = None
    status: str | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    on_device: Window | None = None
    pending: str | None = None
    errors: tuple[str, ...] = ()


@dataclass(frozen=True)
class TimelineItem:
    when: datetime
    kind: str  # an event type, or dashboard.<action>
    device_id: str | None
    lock_name: str | None
    access_code_id: str | None
    code_name: str | None
    payload: dict[str, object]


def _line(code: AccessCode, lock_name: str, backups: set[str]) -> CodeLine:
    return CodeLine(
        access_code_id=code.access_code_id,
        device_id=code.device_id,
        lock_name=lock_name,
        name=code.name,
        status=code.status.value,
        starts_at=code.starts_at,
        ends_at=code.ends_at,
        errors=tuple(e.message for e in code.errors),
        warnings=tuple(w.message for w in code.warnings),
        pin_length=len(code.code or ""),
        is_backup=code.is_backup,
        backup_available=code.access_code_id in backups,
        backup_pulled=code.pulled_backup_access_code_id is not None,
    )


class DashboardReads:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    def locks(self) -> list[LockSummary]:
        conn = self.store.conn
        counts = overview_store.code_counts(conn)
        ready = overview_store.pool_ready(conn)
        last = overview_store.last_activity(conn)
        found = []
        for device in devices.all_devices(conn):
            size = device.pool_size_in_use
            # The engine's own warnings (the clock's among them), then the owner's concerns.
            warnings = [w.message for w in (*device.errors, *device.warnings)]
            if not device.online:
                warnings.append("Offline: changes wait until the lock answers again")
            if size and ready.get(device.device_id, 0) < size:
                warnings.append(
                    f"Backup pool not full ({ready.get(device.device_id, 0)} of {size} ready)"
                )
            found.append(
                LockSummary(
                    device=device,
                    counts=counts.get(device.device_id, CodeCounts()),
                    pool_ready=ready.get(device.device_id, 0),
                    pool_size=size,
                    warnings=tuple(dict.fromkeys(warnings)),
                    last_activity=last.get(device.device_id),
                )
            )
        return found

    def lock(self, device_id: str) -> Device:
        return lookup.device(self.store.conn, device_id)

    def slot_grid(self, device: Device) -> list[SlotLine]:
        """Every slot of the lock in order, runs of free slots folded into one line."""
        conn = self.store.conn
        held = slots.for_device(conn, device.device_id)
        codes = {c.access_code_id: c for c in access_codes.for_device(conn, device.device_id)}
        lines: list[SlotLine] = []
        free_from: int | None = None
        numbers = device.capabilities.slots
        for number in numbers:
            state = held.get(number)
            if state is None:
                free_from = number if free_from is None else free_from
                continue
            if free_from is not None:
                lines.append(SlotLine(free_from, number - 1, "free"))
                free_from = None
            code = codes.get(state.access_code_id or "")
            if state.owner is Owner.POOL:
                lines.append(SlotLine(number, number, "pool", pending=state.pending))
            elif state.owner is Owner.UNMANAGED:
                lines.append(
                    SlotLine(number, number, "unmanaged", name=state.name, pending=state.pending)
                )
            else:
                lines.append(
                    SlotLine(
                        number,
                        number,
                        "code",
                        name=code.name if code else state.name,
                        access_code_id=state.access_code_id,
                        status=None if code is None else code.status.value,
                        starts_at=None if code is None else code.starts_at,
                        ends_at=None if code is None else code.ends_at,
                        on_device=state.window,
                        pending=state.pending,
                        errors=() if code is None else tuple(e.message for e in code.errors),
                    )
                )
        if free_from is not None:
            lines.append(SlotLine(free_from, numbers[-1], "free"))
        return lines

    def unmanaged(self, device: Device) -> list[UnmanagedLine]:
        conn = self.store.conn
        held = {
            state.access_code_id: number
            for number, state in slots.for_device(conn, device.device_id).items()
        }
        return [
            UnmanagedLine(c.access_code_id, c.name, held.get(c.access_code_id), c.deleting)
            for c in access_codes.for_device(conn, device.device_id)
            if not c.is_managed
        ]

    def codes(
        self,
        *,
        device_id: str | None = None,
        status: str | None = None,
        search: str | None = None,
        access_code_ids: list[str] | None = None,
    ) -> list[CodeLine]:
        """Managed codes (never the backup pool's), newest last, filtered as asked."""
        conn = self.store.conn
        names = {d.device_id: d.name for d in devices.all_devices(conn)}
        found, _ = access_codes.page(
            conn,
            managed=True,
            device_ids=None if device_id is None else [device_id],
            access_code_ids=access_code_ids,
            search=search or None,
            limit=10_000,
        )
        backups = backup_available(conn, found)
        lines = [_line(c, names.get(c.device_id, c.device_id), backups) for c in found]
        if status:
            lines = [line for line in lines if line.shown_status == status]
        return lines

    def reveal(self, access_code_id: str) -> str:
        """A managed code's PIN, recorded in the audit trail (a pool code is never revealed:
        it is not found)."""
        with self.store.transaction() as conn:
            code = lookup.managed_code(conn, access_code_id)
            owner_store.audit(
                conn,
                PIN_REVEALED,
                self.clock.now(),
                device_id=code.device_id,
                access_code_id=code.access_code_id,
            )
        return code.code or ""

    def journal_mark(self) -> tuple[int, int]:
        """Moves whenever the timeline gains an entry (cheap: two index look-ups)."""
        conn = self.store.conn
        return (overview_store.journal_seq(conn), owner_store.last_audit_seq(conn))

    def timeline(
        self,
        *,
        device_id: str | None = None,
        access_code_id: str | None = None,
        event_type: str | None = None,
        limit: int = TIMELINE_LIMIT,
    ) -> list[TimelineItem]:
        """The journal and the dashboard's own audit trail, newest first, with names."""
        conn = self.store.conn
        now = self.clock.now()
        names = {d.device_id: d.name for d in devices.all_devices(conn)}
        journal: list[Event] = events.query(
            conn,
            since=now - timedelta(days=TIMELINE_DAYS),
            device_ids=None if device_id is None else [device_id],
            access_code_ids=None if access_code_id is None else [access_code_id],
            event_types=None if not event_type else [event_type],
            limit=limit,
        )
        items = [_from_event(e, names) for e in journal]
        if not event_type or event_type == f"dashboard.{PIN_REVEALED}":
            for entry in owner_store.audit_entries(conn, device_id=device_id, limit=limit):
                if access_code_id is not None and entry.access_code_id != access_code_id:
                    continue
                items.append(
                    TimelineItem(
                        entry.created_at,
                        f"dashboard.{entry.action}",
                        entry.device_id,
                        names.get(entry.device_id or ""),
                        entry.access_code_id,
                        None,
                        {},
                    )
                )
        items.sort(key=lambda item: item.when, reverse=True)
        items = items[:limit]
        return self._with_code_names(items)

    def _with_code_names(self, items: list[TimelineItem]) -> list[TimelineItem]:
        conn = self.store.conn
        named: list[TimelineItem] = []
        cache: dict[str, str | None] = {}
        for item in items:
            code_id = item.access_code_id
            if code_id is None:
                named.append(item)
                continue
            if code_id not in cache:
                code = access_codes.get(conn, code_id)
                cache[code_id] = None if code is None or code.in_pool else code.name
            named.append(
                TimelineItem(
                    item.when,
                    item.kind,
                    item.device_id,
                    item.lock_name,
                    code_id,
                    cache[code_id],
                    item.payload,
                )
            )
        return named


def _from_event(event: Event, names: dict[str, str]) -> TimelineItem:
    code_id = event.access_code_id or event.payload.get("access_code_id")
    return TimelineItem(
        event.occurred_at,
        event.event_type,
        event.device_id,
        names.get(event.device_id or ""),
        str(code_id) if code_id else None,
        None,
        dict(event.payload),
    )
