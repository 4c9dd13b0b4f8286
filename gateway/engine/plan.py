"""The reconciler's pure core: what each slot of a lock should hold now, and the fewest slot
operations that get it there. Plain data in, plain operations out; no I/O, no clock."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import NamedTuple

from drivers.base import Window
from gateway.domain.lifetime import has_ended
from gateway.domain.models import CodeStatus
from gateway.domain.slots import Owner, SlotState


class Want(NamedTuple):
    """A code the gateway manages on this lock, as the planner needs it."""

    access_code_id: str
    pin: str
    name: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    deleting: bool = False
    blocked: bool = False  # failed permanently; not to be placed again for now
    owner: Owner = Owner.MANAGED
    # Time-bound, on a lock that keeps windows, and the code does not refuse native scheduling:
    # the window goes on the lock and the code is programmed ahead of its start.
    on_device: bool = False


# A slot as the planner sees it: owner, what the lock last showed (code None: empty or masked),
# an unconfirmed operation ("write" | "clear"), and whether its breaker is open.


class OpKind(StrEnum):
    CLEAR = "clear"
    WRITE = "write"
    NO_SPACE = "no_space"  # nothing to send: the lock has no free slot for this code


@dataclass(frozen=True)
class Op:
    kind: OpKind
    access_code_id: str | None
    slot: int | None = None
    pin: str | None = None
    name: str | None = None
    window: Window | None = None  # kept on the lock with the code (on-device scheduling)


def is_active(want: Want, now: datetime) -> bool:
    """Whether the code belongs on the lock at `now`."""
    if want.deleting:
        return False
    if want.ends_at is None:
        return True
    assert want.starts_at is not None
    return want.starts_at <= now < want.ends_at


is_expired = has_ended  # a Want whose time is over


def is_early(want: Want, now: datetime) -> bool:
    """A code scheduled on the lock, before its start: programmed ahead when a slot is free,
    so the lock lets the guest in at starts_at even if the hub is down then."""
    return (
        want.on_device and not want.deleting and want.starts_at is not None and now < want.starts_at
    )


def window_of(want: Want) -> Window | None:
    """The window the lock itself should keep for this code (None: the hub alone times it)."""
    if not want.on_device or want.starts_at is None or want.ends_at is None:
        return None
    return Window(want.starts_at, want.ends_at)


def _holds(view: SlotState, want: Want) -> bool:
    """The slot is confirmed to hold the code with its window (masked read-back counts: we know
    what we wrote)."""
    return view.pending is None and view.code == want.pin and view.window == window_of(want)


def plan(
    wants: Iterable[Want],
    slots: Mapping[int, SlotState],
    slot_range: range,
    pool_size: int,
    now: datetime,
) -> list[Op]:
    """Clears first (so a PIN that moves or is reused is never rejected as a duplicate), then
    writes. A code already in a slot stays in that slot. The top `pool_size` slots are kept for
    the backup pool: guests' codes take the lowest free slots, pool codes the highest."""
    by_id = {w.access_code_id: w for w in wants}
    active = {i for i, w in by_id.items() if is_active(w, now)}
    early = {i for i, w in by_id.items() if is_early(w, now) and not w.blocked}
    swept = _sweep(by_id, slots, active | early)
    placed = swept.placed
    free = _FreeSlots(slot_range, set(slots), pool_size)
    # Slots lent to codes programmed ahead, latest start first: a code due now takes them back.
    lent = sorted((i for i in early if i in placed), key=lambda i: by_id[i].starts_at or now)
    # Guests' codes first, then the pool; within each, ongoing codes before time-bound ones.
    order = sorted(
        active,
        key=lambda i: (by_id[i].owner is Owner.POOL, by_id[i].starts_at is not None, i),
    )
    due = _place_due([by_id[i] for i in order], slots, placed, free, lent)
    # Then codes scheduled on the lock ahead of their start, soonest first, in free guest slots
    # only: one that does not fit now is simply programmed at its start. Nor does one go ahead
    # while another code on the lock has its PIN (guests in turn with one PIN): locks refuse
    # duplicates whatever the windows.
    pins = {by_id[i].pin for i in active} | {
        v.code for v in slots.values() if v.owner is Owner.UNMANAGED and v.code is not None
    }
    ahead = _place_early(
        [by_id[i] for i in sorted(early, key=lambda i: (by_id[i].starts_at or now, i))],
        slots,
        {i: s for i, s in placed.items() if i not in due.evicted},
        free,
        pins,
    )
    return swept.clears + due.clears + ahead.clears + due.writes + ahead.writes


class _Swept(NamedTuple):
    clears: list[Op]
    placed: dict[str, int]  # code -> the slot it keeps


class _Placed(NamedTuple):
    clears: list[Op]
    writes: list[Op]
    evicted: frozenset[str] = frozenset()  # codes programmed ahead whose slot was taken back


def _sweep(by_id: Mapping[str, Want], slots: Mapping[int, SlotState], wanted: set[str]) -> _Swept:
    """The clears phase: each code wanted on the lock keeps the first slot that has it; every
    other slot of ours still holding something (or with an operation unconfirmed) is cleared,
    unless its breaker is open. Unmanaged slots are left alone, except one whose code the
    cloud is deleting."""
    clears: list[Op] = []
    placed: dict[str, int] = {}
    for slot, view in sorted(slots.items()):
        if view.owner is Owner.UNMANAGED:
            want = by_id.get(view.access_code_id or "")
            if want is not None and want.deleting:
                clears.append(Op(OpKind.CLEAR, view.access_code_id, slot))
            continue
        code_id = view.access_code_id
        if code_id in wanted and code_id not in placed:
            placed[code_id] = slot
        elif (view.code is not None or view.masked or view.pending is not None) and (
            not view.suspended
        ):
            clears.append(Op(OpKind.CLEAR, code_id, slot))
    return _Swept(clears, placed)


def _place_due(
    due: list[Want],
    slots: Mapping[int, SlotState],
    placed: Mapping[str, int],
    free: _FreeSlots,
    lent: list[str],
) -> _Placed:
    """The codes due now, in the order given: one already in a slot is rewritten there when the
    slot does not hold it yet; a new one takes a free slot (taken from `free`) or, for a guest's
    code when none is free, the slot `lent` to the code programmed ahead that starts last;
    failing both, NO_SPACE. A blocked code is not written."""
    lent = list(lent)
    clears: list[Op] = []
    writes: list[Op] = []
    evicted: set[str] = set()
    for want in due:
        current = placed.get(want.access_code_id)
        if current is not None and _holds(slots[current], want):
            continue
        if want.blocked:
            clears += _clear_blocked(want, slots, current)
            continue
        if current is not None:
            writes += _rewrite(want, slots, current)
            continue
        free_slot = free.take(for_pool=want.owner is Owner.POOL)
        if free_slot is None and lent and want.owner is not Owner.POOL:
            taken_back = lent.pop()
            evicted.add(taken_back)
            free_slot = placed[taken_back]
            clears.append(Op(OpKind.CLEAR, taken_back, free_slot))
        if free_slot is None:
            writes.append(Op(OpKind.NO_SPACE, want.access_code_id))
            continue
        writes.append(_write(want, free_slot))
    return _Placed(clears, writes, frozenset(evicted))


def _place_early(
    early: list[Want],
    slots: Mapping[int, SlotState],
    placed: Mapping[str, int],
    free: _FreeSlots,
    pins: set[str],
) -> _Placed:
    """The codes programmed ahead, in the order given: each goes in its slot or a free guest slot
    (taken from `free`), unless its PIN is already among `pins` (or an earlier one's); then the
    slot it has is cleared. One with no slot free is left out."""
    pins = set(pins)
    clears: list[Op] = []
    writes: list[Op] = []
    for want in early:
        current = placed.get(want.access_code_id)
        if want.pin in pins:
            if current is not None:
                clears.append(Op(OpKind.CLEAR, want.access_code_id, current))
            continue
        pins.add(want.pin)
        if current is not None and _holds(slots[current], want):
            continue
        if current is not None:
            writes += _rewrite(want, slots, current)
            continue
        free_slot = free.take(for_pool=False)
        if free_slot is not None:
            writes.append(_write(want, free_slot))
    return _Placed(clears, writes)


def _clear_blocked(want: Want, slots: Mapping[int, SlotState], current: int | None) -> list[Op]:
    """The lock refused this code; whatever of ours the slot still holds (an old PIN of this
    code) must not keep working."""
    held = slots[current] if current is not None else None
    if held is not None and (held.code is not None or held.masked):
        return [Op(OpKind.CLEAR, want.access_code_id, current)]
    return []


def _rewrite(want: Want, slots: Mapping[int, SlotState], current: int) -> list[Op]:
    """A code stays in the slot it has: written there again, unless the slot's breaker is open."""
    return [] if slots[current].suspended else [_write(want, current)]


def _write(want: Want, slot: int) -> Op:
    return Op(OpKind.WRITE, want.access_code_id, slot, want.pin, want.name, window_of(want))


class _FreeSlots:
    """The free slots, lowest first. The top `pool_size` of the range are the backup pool's:
    a guest's code never takes one, a pool code takes the highest free slot."""

    def __init__(self, slot_range: range, occupied: set[int], pool_size: int) -> None:
        self._free = [s for s in slot_range if s not in occupied]
        self._reserved = set(list(slot_range)[-pool_size:]) if pool_size else set()

    def take(self, *, for_pool: bool) -> int | None:
        if for_pool:
            return self._free.pop() if self._free else None
        for index, slot in enumerate(self._free):
            if slot not in self._reserved:
                return self._free.pop(index)
        return None


def status_for(want: Want, slot: SlotState | None, now: datetime) -> CodeStatus:
    """The code's status as the cloud reports it, from its declaration and its slot."""
    if want.deleting or is_expired(want, now):
        return CodeStatus.REMOVING
    if not is_active(want, now):
        return CodeStatus.UNSET
    if slot is not None and _holds(slot, want):
        return CodeStatus.SET
    return CodeStatus.SETTING


def next_boundary(wants: Iterable[Want], now: datetime) -> datetime | None:
    """The next starts_at or ends_at after `now` (when the plan will change by itself)."""
    moments = [m for w in wants for m in (w.starts_at, w.ends_at) if m is not None and m > now]
    return min(moments, default=None)


def hands_off(ops: Iterable[Op], leaving: Collection[str]) -> list[Op]:
    """What a lock the hub no longer manages (devices/update is_managed=false) still gets: the
    removal of codes that must come off (deleted, or their time is over), so that no stale code
    stays on it. Nothing new is written; the codes declared on it wait until it is managed."""
    return [op for op in ops if op.kind is OpKind.CLEAR and op.access_code_id in leaving]
