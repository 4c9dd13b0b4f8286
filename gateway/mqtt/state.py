"""A lock's retained state message (pure): what Home Assistant's entities template from, and
what any MQTT consumer reads. No PIN."""

from __future__ import annotations

from typing import Any

from gateway.service.mqtt_state import LockState


def lock_word(locked: bool | None) -> str | None:
    return None if locked is None else ("LOCKED" if locked else "UNLOCKED")


def state_payload(lock: LockState) -> dict[str, Any]:
    return {
        "device_id": lock.device_id,
        "name": lock.name,
        "online": lock.online,
        "lock": lock_word(lock.locked),
        "battery": lock.battery_percent,
        "battery_status": lock.battery_status,
        "codes": {
            "set": lock.codes_set,
            "setting": lock.codes_setting,
            "failed": lock.codes_failed,
        },
        "codes_problem": "OFF" if lock.codes_in_sync else "ON",
        "pool": {
            "ready": lock.pool_ready,
            "size": lock.pool_size,
            "fill_percent": lock.pool_fill_percent,
        },
        "last_keypad_user": lock.last_keypad_user,
        "last_keypad_at": None if lock.last_keypad_at is None else lock.last_keypad_at.isoformat(),
    }
