"""What a code's window becomes on a Z-Wave lock (Window Entry Lock year-day fields): UTC, to
the minute, rounded inwards so the lock never grants more than declared, the CC's 0-99 year."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from drivers.base import Window
from drivers.zwave.windows import slot_ref, window_from_fields, year_day_fields


def t(text: str) -> datetime:
    """'10:00:30' (on 2025-06-01) or '2025-12-31 23:59+02' as an aware moment, UTC unless
    the text says otherwise."""
    moment = datetime.fromisoformat(text if "-" in text[:8] else f"2025-06-01 {text}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def fields(start: str, stop: str) -> dict[str, int]:
    """'25-6-1 10:01' (the CC's year 0-99, month, day, hour, minute) as year-day fields."""
    names = ("Year", "Month", "Day", "Hour", "Minute")
    out = {}
    for prefix, text in (("start", start), ("stop", stop)):
        values = [int(part) for part in re.split("[- :]", text)]
        out |= {f"{prefix}{name}": value for name, value in zip(names, values, strict=True)}
    return out


def rows(*cases: tuple[Any, ...]) -> list[Any]:
    """Table rows whose first column names the behaviour."""
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


TO_FIELDS = rows(
    ("whole minutes kept", "10:00", "12:00", "25-6-1 10:00", "25-6-1 12:00"),
    ("start rounded up", "10:00:30", "12:00", "25-6-1 10:01", "25-6-1 12:00"),
    ("end rounded down", "10:00", "11:59:59", "25-6-1 10:00", "25-6-1 11:59"),
    ("a microsecond counts", "10:00:00.000001", "12:00", "25-6-1 10:01", "25-6-1 12:00"),
    ("too short to round in: out", "10:00:10", "10:00:50", "25-6-1 10:00", "25-6-1 10:01"),
    ("inwards would be empty: out", "10:00:30", "10:01:10", "25-6-1 10:00", "25-6-1 10:02"),
    ("one whole minute stays one", "10:00", "10:01", "25-6-1 10:00", "25-6-1 10:01"),
    ("other zones written in UTC", "12:00+02", "14:30+02", "25-6-1 10:00", "25-6-1 12:30"),
    ("UTC date before the local one", "01:00+02", "03:00+02", "25-5-31 23:00", "25-6-1 01:00"),
    ("into a new year", "2025-12-31 23:59:30", "2026-01-01 02:00", "26-1-1 00:00", "26-1-1 02:00"),
    ("year 0 is 2000", "2000-01-01 00:00", "2000-01-02 00:00", "0-1-1 00:00", "0-1-2 00:00"),
    ("year 99 is 2099", "2099-12-30 00:00", "2099-12-31 23:59", "99-12-30 00:00", "99-12-31 23:59"),
    ("leap day", "2028-02-29 08:00", "2028-03-01 08:00", "28-2-29 08:00", "28-3-1 08:00"),
)


@pytest.mark.parametrize("starts_at, ends_at, start, stop", TO_FIELDS)
def test_what_a_window_becomes_on_the_lock(
    starts_at: str, ends_at: str, start: str, stop: str
) -> None:
    assert year_day_fields(Window(t(starts_at), t(ends_at))) == fields(start, stop)


FROM_FIELDS = rows(
    ("a plain window", "25-6-1 10:00", "25-6-1 12:00", "10:00", "12:00"),
    ("year 0 is 2000", "0-1-1 00:00", "0-1-1 00:01", "2000-01-01 00:00", "2000-01-01 00:01"),
    ("year 99 is 2099", "99-12-31 23:58", "99-12-31 23:59", "2099-12-31 23:58", "2099-12-31 23:59"),
    ("across a year", "25-12-31 22:00", "26-1-1 02:00", "2025-12-31 22:00", "2026-01-01 02:00"),
)


@pytest.mark.parametrize("start, stop, starts_at, ends_at", FROM_FIELDS)
def test_what_a_window_read_from_the_lock_means(
    start: str, stop: str, starts_at: str, ends_at: str
) -> None:
    window = window_from_fields(fields(start, stop))
    assert window == Window(t(starts_at), t(ends_at))
    assert window.starts_at.tzinfo is UTC and window.ends_at.tzinfo is UTC


ROUND_TRIPS = rows(
    ("whole minutes: unchanged", "10:00", "2025-06-03 11:00", "10:00", "2025-06-03 11:00"),
    ("seconds: read back inside the window", "10:00:01", "10:59:59", "10:01", "10:59"),
    ("another zone: the same instants", "12:00+02", "13:00+02", "10:00", "11:00"),
)


@pytest.mark.parametrize("starts_at, ends_at, read_start, read_end", ROUND_TRIPS)
def test_a_window_written_then_read_back(
    starts_at: str, ends_at: str, read_start: str, read_end: str
) -> None:
    back = window_from_fields(year_day_fields(Window(t(starts_at), t(ends_at))))
    assert back == Window(t(read_start), t(read_end))
    assert t(starts_at) <= back.starts_at and back.ends_at <= t(ends_at)  # never grants more


SLOT_REFS = rows(
    ("first user", 1, {"userId": 1, "slotId": 1}),
    ("any user: its year-day schedule 1", 30, {"userId": 30, "slotId": 1}),
    ("the last user of a 250-code lock", 250, {"userId": 250, "slotId": 1}),
)


@pytest.mark.parametrize("slot, expected", SLOT_REFS)
def test_which_schedule_a_code_slot_uses(slot: int, expected: dict[str, int]) -> None:
    assert slot_ref(slot) == expected
