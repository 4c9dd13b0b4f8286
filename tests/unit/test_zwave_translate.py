"""Which zwave-js notifications and value updates become which lock events: keypad unlocks with
their slot, locks/unlocks, codes added or deleted at the keypad, the battery; and the echoes of
our own writes and reads (optimistic update, verification poll, masked read-back) ignored
within their window, so they are never mistaken for keypad changes."""

from __future__ import annotations

from typing import Any

import pytest

from drivers.base import LockEvent, LockEventKind
from drivers.zwave.translate import ECHO_WINDOW, Echoes, from_notification, from_value

AC, HOME_SECURITY = 6, 7  # notification types: Access Control, Home Security
CHANGED, USED = LockEventKind.SLOT_CHANGED, LockEventKind.CODE_USED
LOCKED, UNLOCKED = LockEventKind.LOCKED, LockEventKind.UNLOCKED
DUPLICATE = LockEventKind.DUPLICATE_REJECTED


def rows(*cases: tuple[Any, ...]) -> list[Any]:
    """Table rows whose first column names the behaviour."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


def ev(kind: LockEventKind, slot: int | None = None) -> LockEvent:
    return LockEvent(kind, slot=slot)


NOTIFICATIONS = rows(
    ("keypad unlock names its slot", AC, 6, {"userId": 3}, ev(USED, 3)),
    ("keypad unlock without a user", AC, 6, {}, ev(USED)),
    ("keypad unlock by user 0: no slot", AC, 6, {"userId": 0}, ev(USED)),
    ("keypad unlock, user not a number", AC, 6, {"userId": "3"}, ev(USED)),
    ("manual lock", AC, 1, {}, ev(LOCKED)),
    ("RF lock", AC, 3, {}, ev(LOCKED)),
    ("keypad lock", AC, 5, {"userId": 3}, ev(LOCKED)),
    ("auto lock: the lock itself", AC, 9, {}, LockEvent(LOCKED, automatic=True)),
    ("manual unlock", AC, 2, {}, ev(UNLOCKED)),
    ("RF unlock", AC, 4, {}, ev(UNLOCKED)),
    ("code added at the keypad", AC, 0x0E, {"userId": 4}, ev(CHANGED, 4)),
    ("code deleted at the keypad", AC, 0x0D, {"userId": 4}, ev(CHANGED, 4)),
    ("code added, slot unknown: ignored", AC, 0x0E, {}, None),
    ("all codes deleted: every slot", AC, 0x0C, {}, ev(CHANGED)),
    ("duplicate refused, with its slot", AC, 0x0F, {"userId": 2}, ev(DUPLICATE, 2)),
    ("jammed: not ours to report", AC, 0x0B, {}, None),
    ("another notification type", HOME_SECURITY, 6, {"userId": 3}, None),
)


@pytest.mark.parametrize("notification_type, event, parameters, expected", NOTIFICATIONS)
def test_what_a_notification_means(
    notification_type: int, event: int, parameters: dict[str, Any], expected: LockEvent | None
) -> None:
    assert from_notification(notification_type, event, parameters) == expected


def code(slot: Any, new: Any, prev: Any = None) -> dict[str, Any]:
    """A User Code CC 'userCode' value update."""
    return {
        "commandClass": 99,
        "property": "userCode",
        "propertyKey": slot,
        "newValue": new,
        "prevValue": prev,
    }


def status(slot: int, new: int, prev: int | None = None) -> dict[str, Any]:
    """A User Code CC 'userIdStatus' value update (0 available, 1 enabled, 2 disabled)."""
    return {**code(slot, new, prev), "property": "userIdStatus"}


def battery(level: Any, prop: str = "level") -> dict[str, Any]:
    return {"commandClass": 128, "property": prop, "newValue": level}


def level(value: float) -> LockEvent:
    return LockEvent(LockEventKind.BATTERY, battery_level=value)


# Without an expectation: every change of a slot is a change at the keypad.
VALUES = rows(
    ("code appears", code(3, "1234"), ev(CHANGED, 3)),
    ("code changes", code(3, "5678", "1234"), ev(CHANGED, 3)),
    ("code cleared", code(3, "", "1234"), ev(CHANGED, 3)),
    ("slot reads back 0000 after a clear", code(3, "0000", "1234"), ev(CHANGED, 3)),
    ("status: slot taken", status(3, 1, 0), ev(CHANGED, 3)),
    ("status: slot freed", status(3, 0, 1), ev(CHANGED, 3)),
    ("same value again: nothing", code(3, "1234", "1234"), None),
    ("same status again: nothing", status(3, 1, 1), None),
    ("slot not a number: nothing", code("3", "1234"), None),
    ("another User Code property: nothing", {**code(3, "1234"), "property": "keypadMode"}, None),
    ("another command class: nothing", {**code(3, "1234"), "commandClass": 98}, None),
    ("battery 55%", battery(55), level(0.55)),
    ("battery full", battery(100), level(1.0)),
    ("battery above 100% kept at full", battery(150), level(1.0)),
    ("battery below 0 kept at empty", battery(-5), level(0.0)),
    ("battery not a number: nothing", battery("low"), None),
    ("battery's other properties: nothing", battery(True, "isLow"), None),
)


@pytest.mark.parametrize("args, expected", VALUES)
def test_what_a_value_update_means(args: dict[str, Any], expected: LockEvent | None) -> None:
    assert from_value(args, Echoes(), 100.0) == expected


KEYPAD = ev(CHANGED, 3)

# We wrote or read slot 3 at t=100 ("1234", or None for a clear/empty read); the event comes
# `after` seconds later.
ECHOES = rows(
    ("optimistic update of our write", "1234", code(3, "1234"), 0, None),
    ("verification poll of our write", "1234", code(3, "1234"), 1.1, None),
    ("masked read-back of our write", "1234", code(3, "**********", "1234"), 1.1, None),
    ("status of our write: taken", "1234", status(3, 1, 0), 1.1, None),
    ("status disabled still holds our code", "1234", status(3, 2, 1), 1.1, None),
    ("last moment of the window", "1234", code(3, "1234"), ECHO_WINDOW, None),
    ("after the window: keypad", "1234", code(3, "1234"), ECHO_WINDOW + 0.01, KEYPAD),
    ("another PIN than ours: keypad", "1234", code(3, "5678", "1234"), 1, KEYPAD),
    ("our code vanished: keypad", "1234", code(3, "", "1234"), 1, KEYPAD),
    ("our code vanished (status): keypad", "1234", status(3, 0, 1), 1, KEYPAD),
    ("our clear reads back empty", None, code(3, "", "1234"), 1, None),
    ("our clear reads back 0000", None, code(3, "0000", "1234"), 1, None),
    ("our clear: status free", None, status(3, 0, 1), 1, None),
    ("a code where we cleared: keypad", None, code(3, "5678", ""), 1, KEYPAD),
    ("slot taken where we cleared: keypad", None, status(3, 1, 0), 1, KEYPAD),
    ("our masked read: masked again", "*", code(3, "******", "*****"), 1, None),
    ("another slot than ours: keypad", "1234", code(4, "1234"), 1, ev(CHANGED, 4)),
)


@pytest.mark.parametrize("ours, args, after, expected", ECHOES)
def test_echoes_of_our_own_writes_are_not_keypad_changes(
    ours: str | None, args: dict[str, Any], after: float, expected: LockEvent | None
) -> None:
    echoes = Echoes()
    echoes.expect(3, ours, 100.0)
    assert from_value(args, echoes, 100.0 + after) == expected


def test_the_latest_expectation_replaces_the_previous_one() -> None:
    echoes = Echoes()
    echoes.expect(3, "1234", 100.0)
    echoes.expect(3, None, 101.0)  # then cleared
    assert from_value(code(3, "1234", ""), echoes, 102.0) == KEYPAD
    assert from_value(code(3, "", "1234"), echoes, 102.0) is None


def test_a_shorter_window_ends_sooner() -> None:
    echoes = Echoes(window=2.0)
    echoes.expect(3, "1234", 100.0)
    assert from_value(code(3, "1234"), echoes, 101.5) is None
    assert from_value(code(3, "1234"), echoes, 102.5) == KEYPAD
