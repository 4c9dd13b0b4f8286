"""Moments rounded to what a lock keeps (a minute for Z-Wave year-day windows, a second for
Nuki), in UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def floor_to(moment: datetime, unit: timedelta) -> datetime:
    utc = moment.astimezone(UTC)
    return utc - (utc - EPOCH) % unit


def ceil_to(moment: datetime, unit: timedelta) -> datetime:
    floor = floor_to(moment, unit)
    return floor if floor == moment else floor + unit
