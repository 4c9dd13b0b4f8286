"""VirtualLock: a lock that lives in memory and misbehaves on request.

It enforces its own code rules and duplicate rejection the way real locks do, so the gateway's
handling of those is tested against the lock's behaviour, not against the gateway's own checks.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime

from drivers.base import (
    AutoLock,
    Capabilities,
    DuplicateCode,
    InvalidCode,
    LockDriver,
    LockEvent,
    LockEventKind,
    LockInfo,
    LockOffline,
    LockState,
    LockTimeout,
    NoSpace,
    SlotReading,
    Window,
)
from drivers.checksum import user_code_checksum
from drivers.codes import code_violations

Sleep = Callable[[float], Awaitable[None]]


@dataclass
class Faults:
    """What the lock does wrong right now. Tests flip these while the gateway runs."""

    offline: bool = False
    delay: float = 0.0  # seconds added to every radio operation
    timeouts: int = 0  # the next N operations time out
    reject_duplicates: bool = True
    no_space: bool = False
    # Some locks report "available" right after a successful set (lock-quirks.md).
    stale_status_after_set: bool = False
    # The lock acknowledges writes (or clears) but does nothing: the breaker's case.
    ignore_writes: bool = False
    ignore_clears: bool = False


@dataclass
class _Slot:
    code: str
    name: str | None
    window: Window | None


@dataclass
class VirtualLock(LockDriver):
    ref: str
    name: str
    capabilities: Capabilities
    faults: Faults = field(default_factory=Faults)
    sleep: Sleep = asyncio.sleep
    locked: bool = True
    battery_level: float = 0.9
    operations: Counter[str] = field(default_factory=Counter)
    auto_lock: AutoLock = field(default_factory=lambda: AutoLock(enabled=False))

    def __post_init__(self) -> None:
        self._slots: dict[int, _Slot] = {}
        self._stale: set[int] = set()
        self._events: asyncio.Queue[LockEvent | None] = asyncio.Queue()
        self._relock: asyncio.Task[None] | None = None

    @property
    def info(self) -> LockInfo:
        return LockInfo(
            driver="virtual", ref=self.ref, name=self.name, capabilities=self.capabilities
        )

    # -- the radio side: what the gateway calls ----------------------------------------------

    async def _radio(self, op: str) -> None:
        self.operations[op] += 1
        if self.faults.delay:
            await self.sleep(self.faults.delay)
        if self.faults.offline:
            raise LockOffline(f"{self.name} does not answer")
        if self.faults.timeouts > 0:
            self.faults.timeouts -= 1
            raise LockTimeout(f"{self.name} timed out")

    async def state(self) -> LockState:
        await self._radio("state")
        return LockState(online=True, locked=self.locked, battery_level=self.battery_level)

    def _reading(self, slot: int) -> SlotReading:
        entry = self._slots.get(slot)
        if entry is None or slot in self._stale:
            self._stale.discard(slot)
            return SlotReading(slot=slot, occupied=False)
        if self.capabilities.masked_readback:
            return SlotReading(slot=slot, occupied=True, masked=True, name=entry.name)
        return SlotReading(
            slot=slot, occupied=True, code=entry.code, name=entry.name, window=entry.window
        )

    async def read_slots(self) -> list[SlotReading]:
        await self._radio("read_slots")
        return [self._reading(slot) for slot in self.capabilities.slots]

    async def read_slot(self, slot: int) -> SlotReading:
        self._check_slot(slot)
        await self._radio("read_slot")
        return self._reading(slot)

    async def write_slot(
        self, slot: int, code: str, name: str | None, window: Window | None = None
    ) -> None:
        self._check_slot(slot)
        await self._radio("write_slot")
        if code_violations(code, self.capabilities.code_rules):
            raise InvalidCode(f"{self.name} refuses a code of that format")
        if self.faults.no_space:
            raise NoSpace(f"{self.name} has no room for another code")
        if self.faults.reject_duplicates and any(
            other != slot and entry.code == code for other, entry in self._slots.items()
        ):
            raise DuplicateCode(f"{self.name} already holds that code in another slot")
        stored_name = name
        if name is not None and self.capabilities.name_max_length is not None:
            stored_name = name[: self.capabilities.name_max_length]
        if not self.capabilities.keeps_names:
            stored_name = None
        if self.faults.ignore_writes:
            return
        self._slots[slot] = _Slot(code=code, name=stored_name, window=window)
        if self.faults.stale_status_after_set:
            self._stale.add(slot)

    async def clear_slot(self, slot: int) -> None:
        self._check_slot(slot)
        await self._radio("clear_slot")
        if self.faults.ignore_clears:
            return
        self._slots.pop(slot, None)
        self._stale.discard(slot)

    async def checksum(self) -> int | None:
        if not self.capabilities.has_checksum:
            return None
        await self._radio("checksum")
        return user_code_checksum({slot: entry.code for slot, entry in self._slots.items()})

    def expected_checksum(self, codes: dict[int, str]) -> int | None:
        return user_code_checksum(codes) if self.capabilities.has_checksum else None

    async def set_locked(self, locked: bool) -> None:
        await self._radio("set_locked")
        self.locked = locked
        self._emit(LockEvent(LockEventKind.LOCKED if locked else LockEventKind.UNLOCKED))
        self._after_bolt()

    async def configure_auto_lock(self, setting: AutoLock) -> AutoLock:
        await self._radio("configure_auto_lock")
        # Like the Door Lock CC's auto-relock time: whole seconds, at least one.
        delay = max(1, round(setting.delay_seconds or 0)) if setting.enabled else None
        self.auto_lock = AutoLock(enabled=setting.enabled, delay_seconds=delay)
        self._after_bolt()
        return self.auto_lock

    def _after_bolt(self) -> None:
        """With auto-lock on, an unlocked door locks itself after the delay."""
        if self._relock is not None:
            self._relock.cancel()
            self._relock = None
        delay = self.auto_lock.delay_seconds
        if self.locked or not self.auto_lock.enabled or delay is None:
            return
        self._relock = asyncio.get_running_loop().create_task(self._relock_after(delay))

    async def _relock_after(self, delay: float) -> None:
        await self.sleep(delay)
        self._relock = None
        if not self.locked:
            self.locked = True
            self._emit(LockEvent(LockEventKind.LOCKED, automatic=True))

    async def events(self) -> AsyncIterator[LockEvent]:
        while (event := await self._events.get()) is not None:
            yield event

    async def close(self) -> None:
        if self._relock is not None:
            self._relock.cancel()
        self._events.put_nowait(None)

    def _check_slot(self, slot: int) -> None:
        if slot not in self.capabilities.slots:
            raise InvalidCode(f"{self.name} has no slot {slot}")

    def _emit(self, event: LockEvent) -> None:
        self._events.put_nowait(event)

    # -- the keypad side: what a person at the door does (tests and the demo) ----------------

    def keypad_set(
        self, slot: int, code: str, *, notify: bool = True, name: str | None = None
    ) -> bool:
        """Someone programs a code at the keypad (or, with a `name`, in the vendor app, where
        the lock keeps names). Like a real lock, the keypad refuses a PIN that another slot
        already holds; returns whether it took it."""
        self._check_slot(slot)
        if any(other != slot and entry.code == code for other, entry in self._slots.items()):
            return False
        kept = name if self.capabilities.keeps_names else None
        if kept is not None and self.capabilities.name_max_length is not None:
            kept = kept[: self.capabilities.name_max_length]
        self._slots[slot] = _Slot(code=code, name=kept, window=None)
        if notify:
            self._emit(LockEvent(LockEventKind.SLOT_CHANGED, slot=slot))
        return True

    def keypad_clear(self, slot: int, *, notify: bool = True) -> None:
        self._check_slot(slot)
        self._slots.pop(slot, None)
        if notify:
            self._emit(LockEvent(LockEventKind.SLOT_CHANGED, slot=slot))

    def keypad_unlock(self, code: str, at: datetime | None = None) -> bool:
        """A person types `code` (at the lock's time `at`, where it keeps windows); returns
        whether the door opened."""
        for slot, entry in self._slots.items():
            window = entry.window
            outside = (
                at is not None
                and window is not None
                and not window.starts_at <= at < window.ends_at
            )
            if entry.code == code and not outside:
                self.locked = False
                self._emit(LockEvent(LockEventKind.CODE_USED, slot=slot))
                self._after_bolt_soon()
                return True
        return False

    def keypad_lock(self) -> None:
        """A person presses the keypad's lock button."""
        self.locked = True
        self._emit(LockEvent(LockEventKind.LOCKED))
        self._after_bolt_soon()

    def free_slot(self, exclude: frozenset[int] = frozenset()) -> int | None:
        """The highest empty slot not in `exclude` (where someone at the keypad would add a
        code without disturbing the low slots a hub fills first); None when the lock is full."""
        for slot in reversed(self.capabilities.slots):
            if slot not in self._slots and slot not in exclude:
                return slot
        return None

    def _after_bolt_soon(self) -> None:
        # The keypad side may be driven from outside an event loop (tests in a thread).
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            return
        self._after_bolt()

    def set_online(self, online: bool) -> None:
        self.faults.offline = not online
        self._emit(LockEvent(LockEventKind.ONLINE if online else LockEventKind.OFFLINE))

    def codes(self) -> dict[int, str]:
        """What is really in the lock's memory, slot -> PIN (for assertions)."""
        return {slot: entry.code for slot, entry in sorted(self._slots.items())}

    def windows(self) -> dict[int, Window | None]:
        return {slot: entry.window for slot, entry in sorted(self._slots.items())}

    def names(self) -> dict[int, str | None]:
        return {slot: entry.name for slot, entry in sorted(self._slots.items())}
