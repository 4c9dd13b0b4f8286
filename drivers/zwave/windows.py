"""Code windows as Window Entry Lock year-day fields (pure).

The lock keeps year-day windows as wall-clock fields to the minute, in its local time. The
driver sets the lock's time offset to zero, so the fields are UTC. A window is rounded inwards
(start up, end down) so the lock never grants more than was declared; one too short for that
is rounded outwards instead.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drivers.base import Window
from drivers.timeunits import ceil_to, floor_to

MINUTE = timedelta(minutes=1)
YEAR_DAY_SLOT = 1  # the one year-day window each user gets from us
NO_OFFSET = {"standardOffset": 0, "dstOffset": 0}
CENTURY = 2000


def _fields(prefix: str, moment: datetime) -> dict[str, int]:
    return {
        f"{prefix}Year": moment.year - CENTURY,  # the CC's year is 0-99 (2000-2099)
        f"{prefix}Month": moment.month,
        f"{prefix}Day": moment.day,
        f"{prefix}Hour": moment.hour,
        f"{prefix}Minute": moment.minute,
    }


def year_day_fields(window: Window) -> dict[str, int]:
    start, stop = ceil_to(window.starts_at, MINUTE), floor_to(window.ends_at, MINUTE)
    if stop <= start:
        start, stop = floor_to(window.starts_at, MINUTE), ceil_to(window.ends_at, MINUTE)
    return {**_fields("start", start), **_fields("stop", stop)}


def window_from_fields(fields: dict[str, int]) -> Window:
    def at(prefix: str) -> datetime:
        return datetime(
            CENTURY + fields[f"{prefix}Year"],
            fields[f"{prefix}Month"],
            fields[f"{prefix}Day"],
            fields[f"{prefix}Hour"],
            fields[f"{prefix}Minute"],
            tzinfo=UTC,
        )

    return Window(at("start"), at("stop"))


def slot_ref(slot: int) -> dict[str, int]:
    return {"userId": slot, "slotId": YEAR_DAY_SLOT}
