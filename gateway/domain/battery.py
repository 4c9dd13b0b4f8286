"""Battery levels (0..1) as the cloud names them, and when a lock's battery is low."""

from __future__ import annotations

CRITICAL_BATTERY = 0.1
LOW_BATTERY = 0.25  # below this: battery_status "low", and a device.low_battery event
FULL_BATTERY = 0.95


def battery_status(level: float) -> str:
    if level >= FULL_BATTERY:
        return "full"
    if level < CRITICAL_BATTERY:
        return "critical"
    return "low" if level < LOW_BATTERY else "good"
