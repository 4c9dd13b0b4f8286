"""Slot readings and windows as JSON, the same on both sides of the loopback link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drivers.base import Schedule, SlotReading


def window_to_json(window: Schedule | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"starts_at": window.starts_at.isoformat(), "ends_at": window.ends_at.isoformat()}


def window_from_json(data: dict[str, str] | None) -> Schedule | None:
    if data is None:
        return None
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    return Schedule(datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at))


def reading_to_json(reading: SlotReading) -> dict[str, Any]:
    return {
        "slot": reading.slot,
        "occupied": reading.occupied,
        "code": reading.code,
        "name": reading.name,
        "masked": reading.masked,
        "schedule": window_to_json(reading.schedule),
    }


def reading_from_json(data: dict[str, Any]) -> SlotReading:
    return SlotReading(**{**data, "schedule": window_from_json(data.get("schedule"))})
