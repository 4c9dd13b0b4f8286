"""The MQTT surface's pure parts, as tables: which topics are ours, and what leaves no PIN."""

from __future__ import annotations

from typing import Any

import pytest

from gateway.mqtt.discovery import lock_of_object
from gateway.mqtt.topics import Topics
from gateway.service.mqtt_events import without_pins

TOPICS = Topics("site/lockgw", "ha")


@pytest.mark.parametrize(
    ("topic", "device_id"),
    [
        ("site/lockgw/locks/abc/set", "abc"),
        ("site/lockgw/locks/abc/state", None),
        ("site/lockgw/locks//set", None),
        ("site/lockgw/locks/a/b/set", None),
        ("other/locks/abc/set", None),
    ],
)
def test_a_command_topic_names_one_lock(topic: str, device_id: str | None) -> None:
    assert TOPICS.device_of_command(topic) == device_id


@pytest.mark.parametrize(
    ("topic", "object_id"),
    [
        ("ha/lock/site_lockgw/abc_lock/config", "abc_lock"),
        ("ha/lock/other_hub/abc_lock/config", None),
        ("ha/lock/site_lockgw/abc_lock/state", None),
        ("homeassistant/lock/site_lockgw/abc_lock/config", None),
        ("ha/status", None),
    ],
)
def test_only_this_hubs_discovery_topics_are_read_back(topic: str, object_id: str | None) -> None:
    assert TOPICS.object_of_discovery(topic) == object_id


@pytest.mark.parametrize(
    ("object_id", "device_id"),
    [
        ("d-1_lock", "d-1"),
        ("d-1_codes_in_sync", "d-1"),
        ("d-1_pool_fill", "d-1"),
        ("lockgw_hub_w", None),
        ("_lock", None),
    ],
)
def test_a_discovery_object_names_its_lock(object_id: str, device_id: str | None) -> None:
    assert lock_of_object(object_id) == device_id


ISSUED = "access_method.issued"
NOT_PIN = {"is_backup_code": False}  # a field naming "code" that is no PIN stays


@pytest.mark.parametrize(
    ("body", "sent"),
    [
        ({"event_type": ISSUED, "code": "1234"}, {"event_type": ISSUED}),
        ({"access_code_id": "a", "is_backup_code": False}, {"access_code_id": "a"} | NOT_PIN),
        ({"items": [{"pin": "9876", "name": "x"}]}, {"items": [{"name": "x"}]}),
    ],
)
def test_an_event_leaves_for_mqtt_without_any_pin(body: dict[str, Any], sent: Any) -> None:
    assert without_pins(body) == sent
