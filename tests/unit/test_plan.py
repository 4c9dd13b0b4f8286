"""The planner's pure core as tables: which slot a code lands in, what is cleared first, what is
left alone, and the status a code shows. Plain `Want` and `SlotState` values, no store.

Notation: times are hours from NOW. `w(id, pin, start, end)` is a declared code, `ahead(...)`
one whose window the lock keeps (programmed ahead of its start); `held(n, code)` is slot n
confirmed to hold that code as planned (PIN and window), `s(n, id, pin)` any slot of ours,
`u(n, pin)` an unmanaged code. Operations read "clear 2 y; write 2 a:11 [-1,2]" (the bracket
is the window written with the code) or "no_space a"."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from drivers.base import Window
from gateway.domain.models import CodeStatus
from gateway.domain.slots import Owner, SlotState
from gateway.engine.plan import (
    Op,
    OpKind,
    Want,
    is_active,
    is_expired,
    next_boundary,
    plan,
    status_for,
    window_of,
)

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
SETTING, SET, UNSET, REMOVING = (
    CodeStatus.SETTING,
    CodeStatus.SET,
    CodeStatus.UNSET,
    CodeStatus.REMOVING,
)


def at(hours: float | None) -> datetime | None:
    return None if hours is None else NOW + hours * HOUR


def w(
    code_id: str, pin: str = "11", start: float | None = None, end: float | None = None, **kw: Any
) -> Want:
    return Want(code_id, pin, None, at(start), at(end), **kw)


def ahead(code_id: str, pin: str, start: float, end: float | None = None, **kw: Any) -> Want:
    return w(code_id, pin, start, start + 24 if end is None else end, on_device=True, **kw)


def s(
    n: int,
    code_id: str | None,
    pin: str | None = None,
    *,
    masked: bool = False,
    pending: str | None = None,
    suspended: bool = False,
    window: Any = None,
    owner: Owner = Owner.MANAGED,
) -> SlotState:
    if isinstance(window, tuple):
        window = Window(NOW + window[0] * HOUR, NOW + window[1] * HOUR)
    return SlotState(n, owner, code_id, pin, masked, None, pending, suspended, window)


def held(n: int, want: Want, **changes: Any) -> SlotState:
    fields = {"pin": want.pin, "window": window_of(want), **changes}
    return s(n, want.access_code_id, **fields)


def u(n: int, pin: str, code_id: str | None = None) -> SlotState:
    return s(n, code_id, pin, owner=Owner.UNMANAGED)


def show(op: Op) -> str:
    if op.kind is OpKind.NO_SPACE:
        return f"no_space {op.access_code_id}"
    if op.kind is OpKind.CLEAR:
        return f"clear {op.slot} {op.access_code_id}"
    text = f"write {op.slot} {op.access_code_id}:{op.pin}"
    if op.window is not None:
        start, end = ((m - NOW) / HOUR for m in (op.window.starts_at, op.window.ends_at))
        text += f" [{start:g},{end:g}]"
    return text


def rows(*cases: tuple[Any, ...]) -> list[Any]:
    """Table rows whose first column names the behaviour."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


def run(wants: list[Want], slots: list[SlotState], size: int = 5, pool: int = 0) -> str:
    ops = plan(wants, {v.slot: v for v in slots}, range(1, size + 1), pool, NOW)
    return "; ".join(show(op) for op in ops)


A, B = w("a"), w("b", "22")  # two guests' ongoing codes
P = w("p", owner=Owner.POOL)  # a backup pool code
X, Y = ahead("x", "7", 1), ahead("y", "8", 3)  # stays starting in 1 h and 3 h
Z = ahead("z", "9", -1, 3)  # a stay under way, its window on the lock
GONE = s(2, "gone", "11")  # a code of ours nobody wants any more
A_BLOCKED = A._replace(blocked=True)  # the lock refused it: not placed again for now
A7 = w("a", "7")  # a guest's code with the PIN of stay X
X1, Y2 = held(1, X), held(2, Y)  # stays programmed ahead in slots 1 and 2
A_OVER = w("a", "11", -2, -1)  # a code whose time is over

PLACEMENT = rows(
    ("empty lock: lowest slot", [A], [], "write 1 a:11"),
    ("occupied slots skipped", [A, B], [held(1, B), u(2, "99")], "write 3 a:11"),
    ("held: nothing to do", [A], [held(4, A)], ""),
    ("masked read-back of ours counts as held", [A], [held(4, A, masked=True)], ""),
    ("masked, value lost: rewritten", [A], [held(4, A, masked=True, pin=None)], "write 4 a:11"),
    ("new PIN: same slot", [w("a", "33")], [held(4, A)], "write 4 a:33"),
    ("unconfirmed write: sent again", [A], [held(3, A, pending="write")], "write 3 a:11"),
    ("ongoing before time-bound", [w("a", start=-1, end=1), B], [], "write 1 b:22; write 2 a:11"),
    ("ties broken by id", [B, A], [], "write 1 a:11; write 2 b:22"),
    ("not started, hub-timed: waits", [w("a", start=1, end=3)], [], ""),
    ("blocked: not placed", [A_BLOCKED], [], ""),
    ("window goes with an on-device code", [Z], [], "write 1 z:9 [-1,3]"),
    ("hub-timed code: no window", [w("a", start=-1, end=2)], [], "write 1 a:11"),
    ("changed window: same slot", [Z], [held(2, Z, window=(-1, 2))], "write 2 z:9 [-1,3]"),
    ("window lost on the lock: rewritten", [Z], [held(2, Z, window=None)], "write 2 z:9 [-1,3]"),
)


@pytest.mark.parametrize("wants, slots, expected", PLACEMENT)
def test_where_a_code_lands(wants: list[Want], slots: list[SlotState], expected: str) -> None:
    assert run(wants, slots) == expected


SPACE = rows(
    ("pool code takes the top slot", [P], [], 5, 2, "write 5 p:11"),
    ("guest never takes a pool slot", [A, B], [held(1, B)], 3, 2, "no_space a"),
    ("pool code may take a guest slot", [P, A, B], [held(2, A), held(3, B)], 3, 2, "write 1 p:11"),
    ("guests first when one slot is left", [P, B], [], 1, 0, "write 1 b:22; no_space p"),
    ("full lock: no space", [A, B], [held(1, B), u(2, "99")], 2, 0, "no_space a"),
)


@pytest.mark.parametrize("wants, slots, size, pool, expected", SPACE)
def test_guest_slots_and_pool_slots(
    wants: list[Want], slots: list[SlotState], size: int, pool: int, expected: str
) -> None:
    assert run(wants, slots, size, pool) == expected


CLEARING = rows(
    ("expired: cleared", [w("a", start=-3, end=-1)], [s(2, "a", "11")], "clear 2 a"),
    ("ending now: cleared", [w("a", start=-3, end=0)], [s(2, "a", "11")], "clear 2 a"),
    ("deleted: cleared", [w("a", deleting=True)], [s(2, "a", "11")], "clear 2 a"),
    ("nobody's code: cleared", [], [GONE], "clear 2 gone"),
    ("nobody's masked code: cleared", [], [s(2, "gone", masked=True)], "clear 2 gone"),
    ("nobody's unconfirmed write: cleared", [], [s(2, "gone", pending="write")], "clear 2 gone"),
    ("twice on the lock: upper copy goes", [A], [held(1, A), held(4, A)], "clear 4 a"),
    ("clears first (PIN reused)", [A_OVER, w("b")], [held(1, A)], "clear 1 a; write 2 b:11"),
    ("blocked: old PIN taken off", [w("a", "33", blocked=True)], [held(3, A)], "clear 3 a"),
    ("blocked: masked slot taken off", [A_BLOCKED], [s(3, "a", masked=True)], "clear 3 a"),
    ("blocked but held: stays", [A_BLOCKED], [held(3, A)], ""),
    ("unmanaged code never touched", [A], [u(1, "43")], "write 2 a:11"),
    ("unmanaged with our PIN never touched", [A], [u(1, "11")], "write 2 a:11"),
    ("unmanaged, deleted: cleared", [w("x", "43", deleting=True)], [u(1, "43", "x")], "clear 1 x"),
    ("suspended slot, stale code: left alone", [], [GONE._replace(suspended=True)], ""),
    ("suspended slot, new PIN: left alone", [w("a", "33")], [held(2, A, suspended=True)], ""),
    ("empty slot of nobody: nothing", [], [s(2, None)], ""),
)


@pytest.mark.parametrize("wants, slots, expected", CLEARING)
def test_what_is_cleared_and_what_is_left_alone(
    wants: list[Want], slots: list[SlotState], expected: str
) -> None:
    assert run(wants, slots) == expected


AHEAD = rows(
    ("programmed ahead with its window", [X], [], 5, 0, "write 1 x:7 [1,25]"),
    ("held with its window: nothing", [X], [X1], 5, 0, ""),
    ("hub-timed: waits for its start", [w("x", "7", start=2, end=5)], [], 5, 0, ""),
    ("never in a pool slot", [X, B], [held(1, B)], 2, 1, ""),
    ("soonest start first", [Y, X], [], 1, 0, "write 1 x:7 [1,25]"),
    ("after the codes due now", [X, A], [], 1, 0, "write 1 a:11"),
    ("due now evicts the latest stay", [A, X, Y], [X1, Y2], 2, 0, "clear 2 y; write 2 a:11"),
    ("pool code never takes a lent slot", [P, X], [X1], 1, 0, "no_space p"),
    ("PIN of a code due now: not ahead", [A7, X], [], 5, 0, "write 1 a:7"),
    ("PIN of a code due now: taken off", [A7, X], [X1], 5, 0, "clear 1 x; write 2 a:7"),
    ("PIN of an unmanaged code: not ahead", [X], [u(1, "7")], 5, 0, ""),
    ("one PIN, two stays: sooner only", [ahead("y", "7", 30), X], [], 5, 0, "write 1 x:7 [1,25]"),
    ("blocked stay taken off", [X._replace(blocked=True)], [X1], 5, 0, "clear 1 x"),
    ("suspended slot of a stay: left alone", [X], [held(1, X, pin="0", suspended=True)], 5, 0, ""),
)


@pytest.mark.parametrize("wants, slots, size, pool, expected", AHEAD)
def test_codes_programmed_ahead_of_their_start(
    wants: list[Want], slots: list[SlotState], size: int, pool: int, expected: str
) -> None:
    assert run(wants, slots, size, pool) == expected


STATUS = rows(
    ("deleted", w("a", deleting=True), held(1, A), REMOVING),
    ("expired, still on the lock", w("a", start=-3, end=-1), held(1, A), REMOVING),
    ("expired, already gone", w("a", start=-3, end=-1), None, REMOVING),
    ("ends exactly now", w("a", start=-3, end=0), held(1, A), REMOVING),
    ("not started", w("a", start=1, end=3), None, UNSET),
    ("programmed ahead, before its start", X, held(1, X), UNSET),
    ("starts exactly now, held", w("a", start=0, end=3), held(1, A), SET),
    ("held", A, held(1, A), SET),
    ("held, masked read-back", A, held(1, A, masked=True), SET),
    ("no slot yet", A, None, SETTING),
    ("write unconfirmed", A, held(1, A, pending="write"), SETTING),
    ("old PIN still on the lock", w("a", "33"), held(1, A), SETTING),
    ("window on the lock differs", Z, held(1, Z, window=(-1, 2)), SETTING),
    ("window missing on the lock", Z, held(1, Z, window=None), SETTING),
)


@pytest.mark.parametrize("want, slot, expected", STATUS)
def test_the_status_a_code_shows(want: Want, slot: SlotState | None, expected: CodeStatus) -> None:
    assert status_for(want, slot, NOW) is expected


ACTIVITY = rows(
    ("ongoing", A, True, False),
    ("ongoing, deleted", w("a", deleting=True), False, False),
    ("before its start", w("a", start=1, end=2), False, False),
    ("at its start", w("a", start=0, end=2), True, False),
    ("a second before its end", w("a", start=-1, end=1 / 3600), True, False),
    ("at its end", w("a", start=-1, end=0), False, True),
    ("after its end", w("a", start=-2, end=-1), False, True),
    ("deleted inside its window", w("a", start=-1, end=1, deleting=True), False, False),
)


@pytest.mark.parametrize("want, active, expired", ACTIVITY)
def test_whether_a_code_belongs_on_the_lock(want: Want, active: bool, expired: bool) -> None:
    assert (is_active(want, NOW), is_expired(want, NOW)) == (active, expired)


BOUNDARY = rows(
    ("no codes", [], None),
    ("ongoing codes never wake the lock", [A, B], None),
    ("a future start", [w("a", start=2, end=5)], 2),
    ("an active code's end", [w("a", start=-1, end=3)], 3),
    ("the soonest of several", [w("a", start=4, end=9), w("b", start=-1, end=6), A], 4),
    ("a moment equal to now is not next", [w("a", start=0, end=2)], 2),
    ("everything in the past", [w("a", start=-3, end=-1)], None),
)


@pytest.mark.parametrize("wants, expected", BOUNDARY)
def test_when_the_plan_changes_by_itself(wants: list[Want], expected: float | None) -> None:
    assert next_boundary(wants, NOW) == at(expected)
