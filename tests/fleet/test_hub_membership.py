"""A hub as a member of a fleet (docs/FLEET.md), on a real Mosquitto running the fleet's ACL
(docs/mqtt-fleet-acl.example): it lives under `lockgw/hubs/<hub_id>/`, announces its devices
(again when they change, not on every state change), says offline on a clean stop and through
its last will when killed, cannot publish where only fronts or other hubs may, and delivers its
events to the fleet's webhooks document, signed with that document's secrets."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from importlib.metadata import version
from pathlib import Path

import pytest
from seam import Seam, SeamWebhook
from seam.exceptions import SeamHttpInvalidInputError

from gateway.clock import SystemClock
from gateway.config import ConfigError
from gateway.config import parse as parse_config
from gateway.service.webhooks import Webhooks
from gateway.store.db import Store
from gateway.wire.fleet_webhooks import BadFleetWebhooks, FleetWebhook, parse
from gateway.wire.webhooks import CreateWebhook
from tests.mqtt.broker import Mosquitto, Recorder
from tests.support import secrets_seen
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.receiver import Receiver
from tests.support.wait import eventually

FLEET_ACL = Path(__file__).resolve().parents[2] / "docs" / "mqtt-fleet-acl.example"
# Hubs are named by their broker user; `observer` (added to the ACL for these tests only) reads
# every topic, so "nothing arrived" means the broker refused it, not that nobody could see it.
USERS = {
    "villa-1": "villa-1-broker-secret",
    "villa-2": "villa-2-broker-secret",
    "villa-3": "villa-3-broker-secret",
    "front": "front-broker-secret",
    "observer": "observer-broker-secret",
}
FRONT_VIEW = ["lockgw/hubs/+/status", "lockgw/hubs/+/hub", "lockgw/fleet/webhooks"]
WEBHOOKS = "lockgw/fleet/webhooks"


def locks(prefix: str, count: int) -> str:
    return "".join(
        f'\n[[virtual_locks]]\nname = "{prefix} {n}"\nprofile = "zwave-30"\nref = "{prefix}-{n}"\n'
        for n in range(count)
    )


def hub_config(broker: Mosquitto, hub_id: str, lock_count: int) -> str:
    return f"""[mqtt]
url = "mqtt://127.0.0.1:{broker.port}"
username = "{hub_id}"
password = "{USERS[hub_id]}"
hub_id = "{hub_id}"

[webhook_delivery]
first_retry_seconds = 0.2
""" + locks(hub_id, lock_count)


def start_hub(folder: Path, broker: Mosquitto, hub_id: str, lock_count: int) -> Daemon:
    (folder / "data").mkdir(exist_ok=True)
    config = folder / "lockgw.toml"
    config.write_text(hub_config(broker, hub_id, lock_count))
    hub = Daemon(folder / "data", config=config, sim=False)
    hub.start()
    return hub


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    folder = tmp_path_factory.mktemp("fleet-broker")
    acl = folder / "fleet.acl"
    acl.write_text(FLEET_ACL.read_text() + "\nuser observer\ntopic read #\n")
    mosquitto = Mosquitto(folder, acl=acl, users=USERS)
    mosquitto.start()
    yield mosquitto
    mosquitto.stop()


@pytest.fixture(scope="module")
def front(broker: Mosquitto) -> Iterator[Recorder]:
    """What a front reads (and may write: requests, the webhooks document)."""
    recorder = Recorder(broker, "front", FRONT_VIEW).start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def observer(broker: Mosquitto) -> Iterator[Recorder]:
    recorder = Recorder(broker, "observer", ["#"]).start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def hub(
    tmp_path_factory: pytest.TempPathFactory, broker: Mosquitto, front: Recorder, observer: Recorder
) -> Iterator[Daemon]:
    daemon = start_hub(tmp_path_factory.mktemp("villa-1"), broker, "villa-1", 2)
    yield daemon
    assert daemon.stop() == 0, daemon.log()


@pytest.fixture
def seam(hub: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(hub.url, hub.key, openapi) as client:
        yield client


def announced(recorder: Recorder, hub_id: str) -> dict[str, object] | None:
    last = recorder.last(f"lockgw/hubs/{hub_id}/hub")
    return None if last is None else dict(last.json())


def status(recorder: Recorder, hub_id: str) -> bytes | None:
    found = recorder.on(f"lockgw/hubs/{hub_id}/status")
    return found[-1].payload if found else None


# -- membership: topics, announcement, online/offline ---------------------------------------------


def test_a_fleet_hub_announces_its_devices_under_its_own_topics(
    broker: Mosquitto, hub: Daemon, seam: Seam, front: Recorder, observer: Recorder
) -> None:
    eventually(lambda: status(front, "villa-1") == b"online")
    devices = sorted(d.device_id for d in seam.devices.list())
    eventually(lambda: announced(front, "villa-1"))
    announcement = announced(front, "villa-1")
    assert announcement is not None
    assert announcement["protocol"] == 1
    assert announcement["hub_id"] == "villa-1"
    assert announcement["workspace_id"] == seam.workspaces.get().workspace_id
    assert announcement["version"] == version("lockgw")
    assert announcement["device_ids"] == devices
    assert announcement["lock_count"] == 2
    assert str(announcement["announced_at"]).endswith("Z")
    # Retained: a front that comes later reads it at once.
    late = Recorder(broker, "front", ["lockgw/hubs/villa-1/hub"]).start()
    try:
        eventually(lambda: late.last("lockgw/hubs/villa-1/hub"))
        kept = late.last("lockgw/hubs/villa-1/hub")
        assert kept is not None and kept.retain and kept.json() == announcement
    finally:
        late.stop()
    # Every topic the hub has is under lockgw/hubs/villa-1/, none under lockgw/ itself, and its
    # Home Assistant discovery has the hub id as its node id.
    eventually(lambda: observer.on(f"lockgw/hubs/villa-1/locks/{devices[0]}/state"))
    assert not observer.on("lockgw/status") and not observer.on("lockgw/locks/#")
    eventually(lambda: observer.on(f"homeassistant/lock/villa-1/{devices[0]}_lock/config"))


def test_the_announcement_changes_with_the_devices_not_with_their_state(
    hub: Daemon, seam: Seam, front: Recorder, observer: Recorder
) -> None:
    eventually(lambda: announced(front, "villa-1"))
    before = len(front.on("lockgw/hubs/villa-1/hub"))
    device_id = seam.devices.list()[0].device_id
    seam.locks.unlock_door(device_id=device_id)
    state = f"lockgw/hubs/villa-1/locks/{device_id}/state"
    eventually(lambda: (m := observer.last(state)) is not None and m.json()["lock"] == "UNLOCKED")
    seam.locks.lock_door(device_id=device_id)
    eventually(lambda: (m := observer.last(state)) is not None and m.json()["lock"] == "LOCKED")
    assert len(front.on("lockgw/hubs/villa-1/hub")) == before  # a state change: no announcement


def test_a_hub_says_offline_when_stopped_or_killed_and_announces_a_lock_removed_or_added(
    tmp_path: Path, broker: Mosquitto, front: Recorder, openapi: SeamOpenApi
) -> None:
    daemon = start_hub(tmp_path, broker, "villa-3", 2)
    try:
        eventually(lambda: status(front, "villa-3") == b"online")
        eventually(lambda: (a := announced(front, "villa-3")) and a["lock_count"] == 2)
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            gone = seam.devices.list()[0].device_id
            seam.devices.simulate.remove(device_id=gone)
        eventually(lambda: (a := announced(front, "villa-3")) and a["lock_count"] == 1)
        announcement = announced(front, "villa-3")
        assert announcement is not None
        ids = announcement["device_ids"]
        assert isinstance(ids, list) and gone not in ids

        assert daemon.stop() == 0, daemon.log()  # a clean stop says so itself
        eventually(lambda: status(front, "villa-3") == b"offline")

        # Back with one lock more: online again, and announcing it.
        (tmp_path / "lockgw.toml").write_text(hub_config(broker, "villa-3", 3))
        daemon.start()
        eventually(lambda: status(front, "villa-3") == b"online")
        eventually(lambda: (a := announced(front, "villa-3")) and a["lock_count"] >= 2)
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            listed = sorted(d.device_id for d in seam.devices.list())
        eventually(lambda: (a := announced(front, "villa-3")) and a["device_ids"] == listed)
        assert len(listed) == 3

        daemon.kill()  # SIGKILL: the broker publishes the hub's last will
        eventually(lambda: status(front, "villa-3") == b"offline")
    finally:
        daemon.kill()


# -- the fleet's ACL ------------------------------------------------------------------------------


def test_a_hub_cannot_publish_requests_the_webhooks_document_or_as_another_hub(
    broker: Mosquitto, front: Recorder, observer: Recorder
) -> None:
    villa2 = Recorder(broker, "villa-2", ["lockgw/hubs/villa-2/api/request"]).start()
    marker = f"forged-{uuid.uuid4().hex[:8]}".encode()
    try:
        refused = [
            "lockgw/hubs/villa-1/status",  # another hub's topics
            "lockgw/hubs/villa-1/hub",
            "lockgw/hubs/villa-1/events/lock.unlocked",
            "lockgw/hubs/villa-1/api/request",  # a request, to another hub or to itself
            "lockgw/hubs/villa-2/api/request",
            WEBHOOKS,  # the fleet's webhooks document
        ]
        for topic in refused:
            villa2.publish(topic, marker)
        # What it may publish arrives; so do a front's request and document.
        villa2.publish("lockgw/hubs/villa-2/status", marker)
        front.publish("lockgw/hubs/villa-2/api/request", marker)
        front.publish(WEBHOOKS, marker)
        eventually(lambda: [m.payload for m in front.on("lockgw/hubs/villa-2/status")] == [marker])
        eventually(lambda: [m.payload for m in villa2.on("#")] == [marker])
        eventually(lambda: [m.payload for m in front.on(WEBHOOKS)] == [marker])
        # Refused publishes were answered before the allowed ones were sent: had the broker
        # passed any on, the observer would hold it before these.
        eventually(lambda: len([m for m in observer.messages if m.payload == marker]) >= 3)
        arrived = [m.topic for m in observer.messages if m.payload == marker]
        assert sorted(arrived) == sorted(
            {
                "lockgw/hubs/villa-2/status",
                "lockgw/hubs/villa-2/api/request",
                WEBHOOKS,
            }
        )
    finally:
        villa2.stop()


# -- the fleet's webhooks -------------------------------------------------------------------------


def publish_webhooks(front: Recorder, hooks: list[dict[str, object]] | None) -> None:
    """The retained document, as a front writes it (None: cleared, an empty retained message)."""
    payload = b"" if hooks is None else json.dumps({"webhooks": hooks}).encode()
    front.client.publish(WEBHOOKS, payload, qos=1, retain=True).wait_for_publish(10)


def listed(seam: Seam) -> dict[str, list[str]]:
    return {h.webhook_id: list(h.event_types or []) for h in seam.webhooks.list()}


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    fleet_side, witness = Receiver(), Receiver()
    yield fleet_side, witness
    fleet_side.stop()
    witness.stop()


def test_the_fleet_webhooks_document_becomes_the_hubs_signed_deliveries(
    hub: Daemon, seam: Seam, front: Recorder, receivers: tuple[Receiver, Receiver]
) -> None:
    receiver, witness = receivers
    secret = "whsec_" + "ZmxlZXQtd2ViaG9vay1zZWNyZXQtdGVzdA=="  # base64 of 24 bytes
    secrets_seen.KEYS.add(secret)  # no log may ever hold it
    hook_id = f"fleet-{uuid.uuid4().hex[:8]}"
    fleet_hook = {"webhook_id": hook_id, "url": receiver.url, "event_types": None, "secret": secret}
    mine = seam.webhooks.create(url=witness.url, event_types=["lock.locked", "lock.unlocked"])
    device_id = seam.devices.list()[0].device_id
    try:
        publish_webhooks(front, [fleet_hook])
        eventually(lambda: hook_id in listed(seam))
        assert listed(seam)[hook_id] == ["*"]

        seam.locks.unlock_door(device_id=device_id)
        eventually(lambda: any('"lock.unlocked"' in hit.body for hit in receiver.snapshot()))
        for hit in receiver.snapshot():
            event = SeamWebhook(secret).verify(hit.body, hit.headers)  # signed with its secret
            assert event.device_id == device_id

        # Read-only on the hub: the front changes it, the hub's own API refuses to.
        with pytest.raises(SeamHttpInvalidInputError) as refused:
            seam.webhooks.update(webhook_id=hook_id, event_types=["lock.locked"])
        assert "webhook_id" in {v.parameter_name for v in refused.value.validation_errors}
        assert any("fleet" in m for m in refused.value.get_validation_error_messages("webhook_id"))
        with pytest.raises(SeamHttpInvalidInputError):
            seam.webhooks.delete(webhook_id=hook_id)

        # A document that does not parse is logged (never its secrets) and ignored.
        leaked = "whsec_" + "bGVha2VkLXNlY3JldC1uZXZlci1sb2dnZWQ="
        secrets_seen.KEYS.add(leaked)
        bad = {"webhook_id": "x", "url": "ftp://nowhere", "event_types": None, "secret": leaked}
        refusals = hub.log().count("fleet webhooks document refused")
        publish_webhooks(front, [fleet_hook, bad])
        eventually(lambda: hub.log().count("fleet webhooks document refused") > refusals)
        assert leaked not in hub.log() and hook_id in listed(seam)

        # Removed from the document: gone from the hub, and no event reaches it any more.
        publish_webhooks(front, [])
        eventually(lambda: hook_id not in listed(seam))
        seam.locks.lock_door(device_id=device_id)
        eventually(lambda: any('"lock.locked"' in hit.body for hit in witness.snapshot()))
        locked = [h for h in witness.snapshot() if '"lock.locked"' in h.body][-1]
        event_id = json.loads(locked.body)["event_id"]
        assert not any(event_id in hit.body for hit in receiver.snapshot())

        # An empty retained message: no fleet webhooks either.
        publish_webhooks(front, [fleet_hook])
        eventually(lambda: hook_id in listed(seam))
        publish_webhooks(front, None)
        eventually(lambda: hook_id not in listed(seam))
    finally:
        publish_webhooks(front, None)
        seam.webhooks.delete(webhook_id=mine.webhook_id)


# -- the hub's side, in process: the document, the store, the config ------------------------------


def test_fleet_webhooks_follow_the_document_even_when_two_swap_urls(tmp_path: Path) -> None:
    hooks = Webhooks(Store(tmp_path), SystemClock())
    a = FleetWebhook("a", "https://one.example/hook", "whsec_YQ==", None)
    b = FleetWebhook("b", "https://two.example/hook", "whsec_Yg==", ("lock.locked",))
    hooks.follow_fleet([a, b])
    swapped = [replace(a, url=b.url), replace(b, url=a.url, secret="whsec_Yw==")]
    changes = hooks.follow_fleet(swapped)
    assert (changes.added, changes.changed, changes.removed) == (0, 2, 0)
    held = {h.webhook_id: (h.url, h.secret, h.origin) for h in hooks.list()}
    assert held == {
        "a": (b.url, a.secret, "fleet"),
        "b": (a.url, "whsec_Yw==", "fleet"),
    }
    hooks.follow_fleet([])
    assert hooks.list() == []


def test_a_fleet_webhook_never_takes_a_url_the_hub_declared_itself(tmp_path: Path) -> None:
    hooks = Webhooks(Store(tmp_path), SystemClock())
    own = hooks.create(CreateWebhook(url="https://mine.example/hook"))
    changes = hooks.follow_fleet([FleetWebhook("f", own.url, "whsec_Zg==", None)])
    assert changes.clashing == ["f"]
    assert [(h.webhook_id, h.secret, h.origin) for h in hooks.list()] == [
        (own.webhook_id, own.secret, "api")
    ]


@pytest.mark.parametrize(
    ("document", "named"),
    [
        (b"not json", "not JSON"),
        (b'{"hooks": []}', '"webhooks" list'),
        (
            b'{"webhooks": [{"webhook_id": "x", "url": "ftp://h", "secret": "whsec_c2VjcmV0"}]}',
            "webhooks[0].url",
        ),
        (
            b'{"webhooks": [{"webhook_id": "x", "url": "https://h", "secret": ""}]}',
            "webhooks[0].secret",
        ),
        (
            b'{"webhooks": [{"webhook_id": "x", "url": "https://h", "secret": "whsec_c2VjcmV0",'
            b' "event_types": []}]}',
            "webhooks[0].event_types",
        ),
    ],
)
def test_a_bad_webhooks_document_is_refused_naming_the_entry_never_a_secret(
    document: bytes, named: str
) -> None:
    with pytest.raises(BadFleetWebhooks) as refused:
        parse(document)
    assert named in str(refused.value)
    assert "whsec_c2VjcmV0" not in str(refused.value)


def test_an_empty_document_is_a_fleet_without_webhooks() -> None:
    assert parse(b"") == []
    assert parse(b'{"webhooks": []}') == []


@pytest.mark.parametrize("hub_id", ["Villa-1", "-villa", "villa/1", "v+", "x" * 64, ""])
def test_a_bad_hub_id_is_refused_naming_the_key(hub_id: str) -> None:
    with pytest.raises(ConfigError, match=r"\[mqtt\] hub_id: must be 1 to 63 lower-case"):
        parse_config(f'[mqtt]\nurl = "mqtt://broker"\nhub_id = "{hub_id}"\n')


def test_a_fleet_hub_gets_a_client_id_of_its_own() -> None:
    mqtt = parse_config('[mqtt]\nurl = "mqtt://broker"\nhub_id = "villa-1"\n').mqtt
    assert mqtt is not None and (mqtt.hub_id, mqtt.client_id) == ("villa-1", "lockgw-villa-1")
    alone = parse_config('[mqtt]\nurl = "mqtt://broker"\n').mqtt
    assert alone is not None and (alone.hub_id, alone.client_id) == (None, "lockgw")
