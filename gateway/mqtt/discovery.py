"""Home Assistant MQTT discovery (pure): a device per lock, linked to the hub's device with
`via_device`, and a few entities each (the lock, battery, codes in sync, pool fill, keypad use).
Keys are those Home Assistant documents for each component (integrations/<component>.mqtt);
no PIN is in any of them."""

from __future__ import annotations

from typing import Any

from gateway.mqtt.topics import LOCK, OFFLINE, ONLINE, UNLOCK, Topics
from gateway.service.mqtt_state import LockState

ORIGIN = {"name": "lockgw"}  # who published the config (Home Assistant logs it)
KEYPAD_EVENT_TYPES = ["code_used"]
# Every entity a lock may have: (component, key). Removal clears them all.
ENTITY_KEYS = (
    ("lock", "lock"),
    ("sensor", "battery"),
    ("binary_sensor", "codes_in_sync"),
    ("sensor", "pool_fill"),
    ("event", "keypad"),
)
HUB_ENTITY = ("binary_sensor", "hub")


def hub_device_id(workspace_id: str) -> str:
    return f"lockgw_hub_{workspace_id}"


def _object_id(device_id: str, key: str) -> str:
    return f"{device_id}_{key}"


def hub_config(topics: Topics, workspace_id: str) -> tuple[str, dict[str, Any]]:
    """The hub's own device, with its connectivity: the locks' devices hang off it."""
    hub = hub_device_id(workspace_id)
    payload = {
        "name": "Connectivity",
        "unique_id": f"{hub}_connectivity",
        "device_class": "connectivity",
        "entity_category": "diagnostic",
        "state_topic": topics.hub_status,
        "payload_on": ONLINE,
        "payload_off": OFFLINE,
        "device": {"identifiers": [hub], "name": "lockgw hub", "manufacturer": "lockgw"},
        "origin": ORIGIN,
    }
    return topics.discovery(HUB_ENTITY[0], f"{hub}"), payload


def lock_configs(
    topics: Topics, workspace_id: str, lock: LockState
) -> dict[str, dict[str, Any] | None]:
    """Discovery topic -> config for each entity of the lock (None: this lock has no such entity
    now, e.g. no backup pool: its config is cleared)."""
    device_id = lock.device_id
    state = topics.lock_state(device_id)
    common: dict[str, Any] = {
        "device": {
            "identifiers": [f"lockgw_{device_id}"],
            "name": lock.name,
            "manufacturer": lock.manufacturer,
            "model": lock.model,
            "via_device": hub_device_id(workspace_id),
        },
        "origin": ORIGIN,
        "availability": [
            {"topic": topics.hub_status},
            {"topic": topics.lock_availability(device_id)},
        ],
        "availability_mode": "all",
        "payload_available": ONLINE,
        "payload_not_available": OFFLINE,
    }

    def entity(key: str, **config: Any) -> dict[str, Any]:
        return {"unique_id": f"lockgw_{device_id}_{key}", **common, **config}

    configs: dict[str, dict[str, Any] | None] = {
        "lock": entity(
            "lock",
            name=None,  # the device's own name
            command_topic=topics.lock_command(device_id),
            state_topic=state,
            value_template="{{ value_json.lock }}",
            payload_lock=LOCK,
            payload_unlock=UNLOCK,
            state_locked="LOCKED",
            state_unlocked="UNLOCKED",
            state_jammed="JAMMED",
            qos=1,
        )
        if lock.can_lock
        else None,
        "battery": entity(
            "battery",
            name="Battery",
            state_topic=state,
            value_template="{{ value_json.battery }}",
            device_class="battery",
            unit_of_measurement="%",
            state_class="measurement",
            entity_category="diagnostic",
        ),
        "codes_in_sync": entity(
            "codes_in_sync",
            name="Codes in sync",
            state_topic=state,
            value_template="{{ value_json.codes_problem }}",
            payload_on="ON",
            payload_off="OFF",
            device_class="problem",
            entity_category="diagnostic",
            json_attributes_topic=state,
            json_attributes_template="{{ value_json.codes | tojson }}",
        ),
        "pool_fill": entity(
            "pool_fill",
            name="Backup pool fill",
            state_topic=state,
            value_template="{{ value_json.pool.fill_percent }}",
            unit_of_measurement="%",
            state_class="measurement",
            entity_category="diagnostic",
            icon="mdi:key-chain",
        )
        if lock.pool_size
        else None,
        "keypad": entity(
            "keypad",
            name="Keypad",
            state_topic=topics.lock_keypad(device_id),
            event_types=KEYPAD_EVENT_TYPES,
            icon="mdi:dialpad",
            qos=1,
        ),
    }
    return {
        topics.discovery(component, _object_id(device_id, key)): configs[key]
        for component, key in ENTITY_KEYS
    }


def lock_of_object(object_id: str) -> str | None:
    """The lock a discovery object id belongs to (None: the hub's own, or not ours)."""
    for _, key in ENTITY_KEYS:
        suffix = f"_{key}"
        if object_id.endswith(suffix) and len(object_id) > len(suffix):
            return object_id.removesuffix(suffix)
    return None


def removal_topics(topics: Topics, device_id: str) -> list[str]:
    """Every discovery topic a lock may have had: an empty retained payload removes each."""
    return [topics.discovery(c, _object_id(device_id, key)) for c, key in ENTITY_KEYS]
