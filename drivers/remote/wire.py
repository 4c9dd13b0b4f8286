"""Slot readings and windows as JSON, the same on both sides of the loopback link."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from drivers.base import SlotReading, Window


def window_to_json(window: Window | None) -> dict[str, str] | None:
    if window is None:
        return None
    return {"starts_at": window.starts_at.isoformat(), "ends_at": window.ends_at.isoformat()}


def window_from_json(data: dict[str, str] | None) -> Window | None:
    if data is None:
        return None
    starts_at, ends_at = data["starts_at"], data["ends_at"]
    return Window(datetime.fromisoformat(starts_at), datetime.fromisoformat(ends_at))


def reading_to_json(reading: SlotReading) -> dict[str, Any]:
    return {
        "slot": reading.slot,
        "occupied": reading.occupied,
        "code": reading.code,
        "name": reading.name,
        "masked": reading.masked,
        "window": window_to_json(reading.window),
    }


def reading_from_json(data: dict[str, Any]) -> SlotReading:
    return SlotReading(**{**data, "window": window_from_json(data.get("window"))})
