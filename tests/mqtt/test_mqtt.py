"""The hub on a real Mosquitto broker (over TLS, with the ACL of docs/mqtt-acl.example): Home
Assistant discovers it, its state follows the locks, the keypad's use fires an event, locks
lock and unlock from MQTT, and the Seam-shaped API answers over MQTT 5 request/response."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from seam import Seam

from tests.mqtt.broker import Received, Recorder
from tests.mqtt.pins import assert_no_pins, pins_in_store
from tests.support.daemon import Daemon
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e

# The keys Home Assistant documents for each MQTT component (home-assistant.io/integrations/
# <component>.mqtt), those every entity shares, and the ones each component requires.
COMMON_KEYS = {
    "availability", "availability_mode", "availability_template", "availability_topic",
    "payload_available", "payload_not_available", "device", "origin", "unique_id", "name",
    "entity_category", "icon", "value_template", "json_attributes_topic",
    "json_attributes_template", "qos", "device_class", "enabled_by_default", "object_id",
    "default_entity_id", "encoding", "entity_picture",
}  # fmt: skip
DOCUMENTED_KEYS = {
    "lock": COMMON_KEYS | {
        "command_topic", "command_template", "state_topic", "payload_lock", "payload_unlock",
        "payload_open", "payload_reset", "state_locked", "state_unlocked", "state_jammed",
        "state_locking", "state_unlocking", "state_open", "state_opening", "optimistic",
        "retain", "code_format",
    },
    "sensor": COMMON_KEYS | {
        "state_topic", "unit_of_measurement", "state_class", "suggested_display_precision",
        "expire_after", "force_update", "last_reset_value_template", "options",
    },
    "binary_sensor": COMMON_KEYS | {
        "state_topic", "payload_on", "payload_off", "expire_after", "force_update", "off_delay",
    },
    "event": COMMON_KEYS | {"state_topic", "event_types"},
}  # fmt: skip
REQUIRED_KEYS = {
    "lock": {"command_topic"},
    "sensor": {"state_topic"},
    "binary_sensor": {"state_topic"},
    "event": {"state_topic", "event_types"},
}
DEVICE_KEYS = {
    "identifiers", "connections", "name", "manufacturer", "model", "model_id", "sw_version",
    "hw_version", "serial_number", "suggested_area", "configuration_url", "via_device",
}  # fmt: skip
DEVICE_CLASSES = {"sensor": {"battery"}, "binary_sensor": {"problem", "connectivity"}}


def discovery(ha: Recorder) -> dict[str, dict[str, Any]]:
    """The discovery configs Home Assistant currently holds (an empty payload removes one)."""
    held: dict[str, dict[str, Any]] = {}
    for message in ha.on("homeassistant/+/+/+/config"):
        if message.payload:
            held[message.topic] = message.json()
        else:
            held.pop(message.topic, None)
    return held


def state(recorder: Recorder, device_id: str) -> dict[str, Any]:
    message = recorder.last(f"lockgw/locks/{device_id}/state")
    return {} if message is None else message.json()


def test_home_assistant_discovers_each_lock_with_the_documented_keys(
    daemon: Daemon, ha: Recorder, locks: dict[str, str]
) -> None:
    wanted = {(component, f"{locks['Front door']}_{key}") for component, key in (
        ("lock", "lock"), ("sensor", "battery"), ("binary_sensor", "codes_in_sync"),
        ("event", "keypad"),
    )}  # fmt: skip

    def all_there() -> dict[str, dict[str, Any]] | None:
        held = discovery(ha)
        return held if wanted <= {(t.split("/")[1], t.split("/")[3]) for t in held} else None

    configs = eventually(all_there)
    hub = [
        c
        for t, c in configs.items()
        if t.startswith("homeassistant/binary_sensor/lockgw/lockgw_hub")
    ]
    assert len(hub) == 1
    hub_ids = set(hub[0]["device"]["identifiers"])
    unique_ids = [c["unique_id"] for c in configs.values()]
    assert len(unique_ids) == len(set(unique_ids))
    for topic, config in configs.items():
        component = topic.split("/")[1]
        assert set(config) <= DOCUMENTED_KEYS[component], (
            topic,
            set(config) - DOCUMENTED_KEYS[component],
        )
        assert REQUIRED_KEYS[component] <= set(config), topic
        assert set(config["device"]) <= DEVICE_KEYS, topic
        if "device_class" in config:
            assert config["device_class"] in DEVICE_CLASSES[component], topic
        if "entity_category" in config:
            assert config["entity_category"] == "diagnostic", topic
        if config is not hub[0]:
            assert config["device"]["via_device"] in hub_ids, topic
            assert config["availability_mode"] == "all"
    front = {t.split("/")[1]: c for t, c in configs.items() if locks["Front door"] in t}
    assert front["lock"]["command_topic"] == f"lockgw/locks/{locks['Front door']}/set"
    assert front["event"]["event_types"] == ["code_used"]
    assert "entity_category" not in front["lock"]  # the lock is the device's main entity
    assert eventually(lambda: state(ha, locks["Front door"]))["lock"] in ("LOCKED", "UNLOCKED")
    status = ha.last("lockgw/status")
    assert status is not None and status.payload == b"online"


def test_home_assistant_coming_online_gets_discovery_again(
    daemon: Daemon, ha: Recorder, locks: dict[str, str]
) -> None:
    topic = f"homeassistant/lock/lockgw/{locks['Back door']}_lock/config"
    eventually(lambda: ha.on(topic))
    before = len(ha.on(topic))
    ha.publish("homeassistant/status", "online")
    eventually(lambda: len(ha.on(topic)) > before)


def test_a_code_created_through_the_sdk_shows_up_in_the_counts_and_fills_the_pool(
    daemon: Daemon, seam: Seam, ha: Recorder, locks: dict[str, str]
) -> None:
    back = locks["Back door"]
    before = eventually(lambda: state(ha, back))["codes"]
    now = datetime.now(UTC)
    seam.access_codes.create(
        device_id=back,
        name="Guest",
        code="8246",
        starts_at=(now - timedelta(hours=1)).isoformat(),
        ends_at=(now + timedelta(days=2)).isoformat(),
        use_backup_access_code_pool=True,
    )
    counts = eventually(
        lambda: (c := state(ha, back)["codes"])["set"] == before["set"] + 1 and c, timeout=60
    )
    assert counts["failed"] == 0
    filled = eventually(
        lambda: (s := state(ha, back))["pool"]["fill_percent"] == 100 and s, timeout=60
    )
    assert filled["pool"]["ready"] == filled["pool"]["size"] > 0
    assert filled["codes_problem"] == "OFF"
    # The lock now has a pool: Home Assistant gets its fill sensor.
    eventually(lambda: f"homeassistant/sensor/lockgw/{back}_pool_fill/config" in discovery(ha))
    assert_no_pins(ha.messages, pins_in_store(daemon.data_dir))


def test_a_keypad_unlock_fires_the_keypad_event_with_the_codes_name(
    daemon: Daemon, seam: Seam, ha: Recorder, controller: Recorder, locks: dict[str, str]
) -> None:
    front = locks["Front door"]
    code = seam.access_codes.create(device_id=front, name="Cleaner", code="2580")
    eventually(
        lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set",
        timeout=60,
    )
    seam.locks.simulate.keypad_code_entry(device_id=front, code="2580")
    used = eventually(lambda: ha.last(f"lockgw/locks/{front}/keypad"))
    assert used.json()["event_type"] == "code_used"
    assert used.json()["code_name"] == "Cleaner"
    assert not used.retain
    assert eventually(lambda: state(ha, front)["last_keypad_user"] == "Cleaner")
    unlocked = eventually(
        lambda: [
            m.json()
            for m in controller.on("lockgw/events/lock.unlocked")
            if m.json().get("access_code_id") == code.access_code_id
        ]
    )
    assert unlocked[0]["method"] == "keycode" and unlocked[0]["device_id"] == front
    assert_no_pins([*ha.messages, *controller.messages], pins_in_store(daemon.data_dir))


def test_a_lock_locks_and_unlocks_from_its_command_topic(
    daemon: Daemon, seam: Seam, ha: Recorder, locks: dict[str, str]
) -> None:
    back = locks["Back door"]
    for word, locked in (("UNLOCK", False), ("LOCK", True)):
        ha.publish(f"lockgw/locks/{back}/set", word)
        eventually(lambda locked=locked: seam.locks.get(device_id=back).properties.locked is locked)
        eventually(lambda word=word: state(ha, back)["lock"] == f"{word}ED")


_ids = itertools.count(1)
NOT_AUTHORIZED = 0x87


def api_call(controller: Recorder, route: str, body: Any) -> tuple[int, dict[str, Any]]:
    correlation = f"request-{next(_ids)}".encode()
    properties = Properties(PacketTypes.PUBLISH)
    properties.ResponseTopic = "lockgw/api/response/controller/test"
    properties.CorrelationData = correlation
    controller.publish("lockgw/api/request", json.dumps({"route": route, "body": body}), properties)

    def answered() -> Received | None:
        for message in controller.on("lockgw/api/response/controller/test"):
            if getattr(message.properties, "CorrelationData", None) == correlation:
                return message
        return None

    answer = eventually(answered)
    status = dict(answer.properties.UserProperty)["status"]
    return int(status), answer.json()


def test_the_api_over_mqtt_creates_and_lists_codes(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    shed = locks["Shed"]
    status, created = api_call(
        controller, "/access_codes/create", {"device_id": shed, "name": "Via MQTT", "code": "1357"}
    )
    assert status == 200 and created["ok"] is True
    assert created["access_code"]["name"] == "Via MQTT"
    assert created["action_attempt"]["action_type"] == "CREATE_ACCESS_CODE"
    status, listed = api_call(controller, "/access_codes/list", {"device_id": shed})
    assert status == 200
    assert created["access_code"]["access_code_id"] in [
        c["access_code_id"] for c in listed["access_codes"]
    ]


@pytest.mark.parametrize(
    ("route", "body"),
    [
        ("/access_codes/create", {"device_id": "x", "code": 1357}),
        ("/access_codes/create", {"code": "1357"}),
        ("/access_codes/create", {"device_id": "no-such-lock", "code": "1357"}),
        ("/access_codes/list", {"device_id": "x", "limit": "ten"}),
        ("/locks/unlock_door", {"device_id": "no-such-lock"}),
    ],
)
def test_the_api_over_mqtt_refuses_what_http_refuses_with_the_same_error(
    daemon: Daemon, controller: Recorder, route: str, body: dict[str, Any]
) -> None:
    status, answer = api_call(controller, route, body)
    http = httpx.post(
        f"{daemon.url}{route}", json=body, headers={"Authorization": f"Bearer {daemon.key}"}
    )
    assert status == http.status_code >= 400
    assert answer == http.json()


def test_the_api_over_mqtt_refuses_a_request_that_is_not_json_as_http_does(
    daemon: Daemon, controller: Recorder
) -> None:
    correlation = b"not-json"
    properties = Properties(PacketTypes.PUBLISH)
    properties.ResponseTopic = "lockgw/api/response/controller/raw"
    properties.CorrelationData = correlation
    controller.publish("lockgw/api/request", b"{not json", properties)
    answer = eventually(lambda: controller.last("lockgw/api/response/controller/raw"))
    assert answer.properties.CorrelationData == correlation
    assert dict(answer.properties.UserProperty)["status"] == "400"
    http = httpx.post(
        f"{daemon.url}/locks/list",
        content=b"{not json",
        headers={"Authorization": f"Bearer {daemon.key}", "Content-Type": "application/json"},
    )
    assert answer.json()["error"]["type"] == http.json()["error"]["type"] == "invalid_input"


def test_the_api_over_mqtt_names_a_route_it_does_not_offer(
    daemon: Daemon, controller: Recorder
) -> None:
    status, answer = api_call(controller, "/workspaces/create", {})
    assert status == 400
    assert "route" in answer["error"]["validation_errors"]


def test_only_the_acl_lets_a_user_command_a_lock(
    broker: Any, daemon: Daemon, locks: dict[str, str]
) -> None:
    """The ACL example grants lock commands to Home Assistant and the controller alone: the
    broker refuses another user's command (its PUBACK says not authorized)."""
    viewer = Recorder(broker, "viewer", ["lockgw/status"]).start()
    answers: list[int] = []
    viewer.client.on_publish = lambda _c, _u, _mid, reason, _p: answers.append(reason.value)
    try:
        command = f"lockgw/locks/{locks['Back door']}/set"
        viewer.client.publish(command, "UNLOCK", qos=1).wait_for_publish(10)
        assert eventually(lambda: answers) == [NOT_AUTHORIZED]
    finally:
        viewer.stop()


def test_an_api_answer_is_readable_by_its_requester_alone(
    broker: Any, daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    """The ACL example keeps lockgw/api/response/<user>/ to that user: another user subscribed
    to the controller's answers gets none of them (answers carry PINs, as over HTTP)."""
    spy = Recorder(broker, "viewer", ["lockgw/api/response/controller/#", "lockgw/events/#"])
    spy.start()
    try:
        back = locks["Back door"]
        first = {"device_id": back, "name": "Spied on", "code": "9173"}
        status, _ = api_call(controller, "/access_codes/create", first)
        assert status == 200
        # Published by the hub after the first answer (the second request was sent after that
        # answer arrived): once the spy has this event, it would have had the answer.
        second = {"device_id": back, "name": "Marker", "code": "9174"}
        status, created = api_call(controller, "/access_codes/create", second)
        marker = created["access_code"]["access_code_id"]
        eventually(
            lambda: any(m.json().get("access_code_id") == marker for m in spy.on("lockgw/events/#"))
        )
        assert spy.on("lockgw/api/response/#") == []
        assert controller.on("lockgw/api/response/#")
    finally:
        spy.stop()


def test_a_forgotten_lock_leaves_home_assistant(
    daemon: Daemon, seam: Seam, ha: Recorder, locks: dict[str, str]
) -> None:
    shed = locks["Shed"]
    topic = f"homeassistant/lock/lockgw/{shed}_lock/config"
    eventually(lambda: topic in discovery(ha))
    seam.devices.simulate.remove(device_id=shed)
    eventually(lambda: not any(shed in t for t in discovery(ha)))
    eventually(lambda: ha.on(f"lockgw/locks/{shed}/state")[-1].payload == b"")
    assert_no_pins(ha.messages, pins_in_store(daemon.data_dir))


def test_a_lock_forgotten_while_the_hub_was_away_leaves_home_assistant_too(
    broker: Any, daemon: Daemon, ha: Recorder
) -> None:
    """Discovery the broker still holds for a lock the hub no longer has (forgotten while the
    hub was stopped) is removed: the hub reads its own retained discovery back."""
    stale = "homeassistant/lock/lockgw/00000000-dead-4000-8000-000000000000_lock/config"
    old_hub = Recorder(broker, "lockgw", ["lockgw/status"], client_id="an-earlier-hub").start()
    try:
        old_hub.client.publish(stale, json.dumps({"command_topic": "x"}), qos=1, retain=True)
        eventually(lambda: ha.on(stale))
        eventually(lambda: stale not in discovery(ha))
        assert ha.on(stale)[-1].payload == b""
    finally:
        old_hub.stop()
