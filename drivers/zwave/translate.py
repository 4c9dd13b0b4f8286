"""Z-Wave events to lock events (pure): notifications, value changes, and telling our own
writes' echoes from changes made at the keypad."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from drivers.base import LockEvent, LockEventKind
from drivers.zwave.facts import is_masked

USER_CODE_CC = 99
BATTERY_CC = 128
ACCESS_CONTROL = 6
# Access Control notification events (Z-Wave Alliance notification registry).
MANUAL_LOCK, MANUAL_UNLOCK, RF_LOCK, RF_UNLOCK, KEYPAD_LOCK, KEYPAD_UNLOCK = 1, 2, 3, 4, 5, 6
AUTO_LOCK = 9
ALL_CODES_DELETED, CODE_DELETED, CODE_ADDED, DUPLICATE_CODE = 0x0C, 0x0D, 0x0E, 0x0F
ECHO_WINDOW = 10.0  # seconds: zwave-js re-reads a slot ~1.1 s after a set; slow locks later


@dataclass
class Echoes:
    """What this gateway last wrote to or read from each slot. The value events that follow
    (zwave-js's optimistic update, its verification poll, our own reads) say the same and are
    not changes at the keypad; anything else is."""

    window: float = ECHO_WINDOW
    _last: dict[int, tuple[str | None, float]] = field(default_factory=dict)

    def expect(self, slot: int, code: str | None, now: float) -> None:
        self._last[slot] = (code, now + self.window)

    def explains(self, slot: int, occupied: bool, code: str | None, now: float) -> bool:
        entry = self._last.get(slot)
        if entry is None or now > entry[1]:
            return False
        expected = entry[0]
        if not occupied:
            return expected is None
        if expected is None:
            return False
        return code is None or is_masked(code) or code == expected


def from_notification(
    notification_type: int, event: int, parameters: dict[str, Any]
) -> LockEvent | None:
    if notification_type != ACCESS_CONTROL:
        return None
    user = parameters.get("userId")
    slot = user if isinstance(user, int) and user > 0 else None
    if event == KEYPAD_UNLOCK:
        return LockEvent(LockEventKind.CODE_USED, slot=slot)
    if event in (MANUAL_LOCK, RF_LOCK, KEYPAD_LOCK, AUTO_LOCK):
        return LockEvent(LockEventKind.LOCKED, automatic=event == AUTO_LOCK)
    if event in (MANUAL_UNLOCK, RF_UNLOCK):
        return LockEvent(LockEventKind.UNLOCKED)
    if event in (CODE_ADDED, CODE_DELETED) and slot is not None:
        return LockEvent(LockEventKind.SLOT_CHANGED, slot=slot)
    if event == ALL_CODES_DELETED:
        return LockEvent(LockEventKind.SLOT_CHANGED)  # every slot: read them all
    if event == DUPLICATE_CODE:
        return LockEvent(LockEventKind.DUPLICATE_REJECTED, slot=slot)
    return None


def from_value(args: dict[str, Any], echoes: Echoes, now: float) -> LockEvent | None:
    """A value added/updated event: a slot that changed behind our back, or the battery."""
    cc = args.get("commandClass")
    if cc == BATTERY_CC and args.get("property") == "level":
        level = args.get("newValue")
        if isinstance(level, int | float):
            return LockEvent(LockEventKind.BATTERY, battery_level=max(0.0, min(1.0, level / 100)))
        return None
    if cc != USER_CODE_CC:
        return None
    prop, slot = args.get("property"), args.get("propertyKey")
    if prop not in ("userCode", "userIdStatus") or not isinstance(slot, int):
        return None
    new, before = args.get("newValue"), args.get("prevValue")
    if new == before:
        return None
    if prop == "userIdStatus":
        occupied, code = new in (1, 2), None
    else:
        # A cleared slot may read back "0000": not a code (lock-quirks.md).
        code = new if isinstance(new, str) and new.strip("0") else None
        occupied = code is not None
    if echoes.explains(slot, occupied, code, now):
        return None
    return LockEvent(LockEventKind.SLOT_CHANGED, slot=slot)
