"""A code's status through its life, and when a change still not made on the lock is reported as
delayed (LATE_AFTER after it was due). Only the pure parts: `sweep` writes through a sqlite
connection and is covered by the engine tests.

Notation: times are minutes from NOW."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from gateway.domain.models import CodeStatus
from gateway.domain.slots import Owner, SlotState
from gateway.engine.plan import Want, status_for
from gateway.engine.snapshot import LockSnapshot
from gateway.engine.statuses import LATE_AFTER, late_since, next_lateness
from gateway.store.access_codes import CodeRow

NOW = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)
SETTING, SET, UNSET, REMOVING, UNKNOWN = (
    CodeStatus.SETTING,
    CodeStatus.SET,
    CodeStatus.UNSET,
    CodeStatus.REMOVING,
    CodeStatus.UNKNOWN,
)
SET_LATE, REMOVE_LATE = "delay_in_setting_on_device", "delay_in_removing_from_device"


def at(minutes: float | None) -> datetime | None:
    return None if minutes is None else NOW + minutes * MINUTE


def code(
    status: CodeStatus,
    created: float = -5,
    start: float | None = None,
    end: float | None = None,
    warnings: tuple[str, ...] = (),
    deleting: bool = False,
    code_id: str = "a",
) -> CodeRow:
    """One code as the reconciler loads it; times in minutes from NOW."""
    return CodeRow(
        access_code_id=code_id,
        code="1234",
        name=None,
        starts_at=at(start),
        ends_at=at(end),
        is_managed=True,
        deleting=deleting,
        status=status,
        warning_codes=frozenset(warnings),
        blocked=False,
        created_at=at(created),
        pool_state=None,
    )


def rows(*cases: tuple[Any, ...]) -> list[Any]:
    """Table rows whose first column names the behaviour."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


LATE_SINCE = rows(
    ("setting an ongoing code: since its creation", code(SETTING, created=-5), -5),
    ("setting, started after creation: since its start", code(SETTING, -60, start=-1), -1),
    ("setting, started before creation: since creation", code(SETTING, -5, start=-60), -5),
    ("setting, start still ahead: not before it", code(SETTING, -5, start=10, end=70), 10),
    ("set: nothing pending", code(SET, -5), None),
    ("unset: nothing pending", code(UNSET, -5, start=10, end=70), None),
    ("unknown: nothing pending", code(UNKNOWN, -5), None),
    ("removing after its end: since its end", code(REMOVING, -90, -60, end=-3), -3),
    ("removing, ends exactly now", code(REMOVING, -90, -60, end=0), 0),
    ("removing a deleted ongoing code: no clock", code(REMOVING, -5, deleting=True), None),
    ("removing, deleted before its end: no clock", code(REMOVING, -5, -1, 30, deleting=True), None),
)


@pytest.mark.parametrize("row, expected", LATE_SINCE)
def test_since_when_a_change_is_due(row: CodeRow, expected: float | None) -> None:
    assert late_since(row, NOW) == at(expected)


def snapshot(*codes: CodeRow) -> LockSnapshot:
    return LockSnapshot(rows={c.access_code_id: c for c in codes}, wants=[], views={})


NEXT_LATENESS = rows(
    ("no codes", [], None),
    ("nothing pending", [code(SET, -1), code(UNSET, -1, 5, 60, code_id="b")], None),
    ("setting for a minute: late in one more", [code(SETTING, -1)], 1),
    ("setting for 30 s", [code(SETTING, -0.5)], 1.5),
    ("late exactly now: this pass flags it", [code(SETTING, -2)], None),
    ("late already: this pass flags it", [code(SETTING, -5)], None),
    ("already warned: nothing more to flag", [code(SETTING, -1, warnings=(SET_LATE,))], None),
    ("the other warning does not count", [code(SETTING, -1, warnings=(REMOVE_LATE,))], 1),
    ("starts later: late two minutes after its start", [code(SETTING, -5, 10, 70)], 12),
    ("ended 30 s ago, still removing", [code(REMOVING, -90, -60, -0.5)], 1.5),
    ("removing, already warned", [code(REMOVING, -90, -60, -0.5, (REMOVE_LATE,))], None),
    ("deleted before its end: never late by time", [code(REMOVING, -1, deleting=True)], None),
    ("the soonest of several", [code(SETTING, -1), code(SETTING, -1.5, code_id="b")], 0.5),
)


@pytest.mark.parametrize("codes, expected", NEXT_LATENESS)
def test_when_the_next_delay_warning_falls_due(
    codes: list[CodeRow], expected: float | None
) -> None:
    assert next_lateness(snapshot(*codes), NOW) == at(expected)


def test_a_delay_is_reported_after_two_minutes() -> None:
    assert timedelta(minutes=2) == LATE_AFTER


# One code's life, seen at different moments: declared 10 minutes before NOW, from NOW to an
# hour later, hub-timed. The status is what the sweep records; "late at" is when a change still
# pending then gets its delay warning (None: nothing pending, or pending without a clock).
DECLARED, START, END = -10, 0, 60


def life(minute: float, slot: str | None, deleting: bool = False) -> tuple[CodeStatus, Any]:
    want = Want("a", "1234", None, at(START), at(END), deleting=deleting)
    view = None
    if slot is not None:
        view = SlotState(1, Owner.MANAGED, "a", slot, False, None, None, False)
    now = at(minute)
    assert now is not None
    status = status_for(want, view, now)
    row = code(status, DECLARED, START, END, deleting=deleting)
    since = late_since(row, now)
    late_at = None if since is None else (since + LATE_AFTER - NOW) / MINUTE
    return status, late_at


LIFE = rows(
    ("declared, before its start", -5, None, False, UNSET, None),
    ("its start: setting, late two minutes on", 0, None, False, SETTING, 2),
    ("still not on the lock: the same deadline", 3, None, False, SETTING, 2),
    ("written but unconfirmed PIN differs", 1, "9999", False, SETTING, 2),
    ("on the lock", 1, "1234", False, SET, None),
    ("on the lock until its end", 59.9, "1234", False, SET, None),
    ("its end, still on the lock: removing", 60, "1234", False, REMOVING, 62),
    ("after its end, gone from the lock", 61, None, False, REMOVING, 62),
    ("deleted while on the lock: removing", 30, "1234", True, REMOVING, None),
)


@pytest.mark.parametrize("minute, slot, deleting, status, late_at", LIFE)
def test_a_code_from_setting_to_set_to_removing(
    minute: float, slot: str | None, deleting: bool, status: CodeStatus, late_at: float | None
) -> None:
    assert life(minute, slot, deleting) == (status, late_at)
