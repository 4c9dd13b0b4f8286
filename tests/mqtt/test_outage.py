"""The broker's share of the event outbox is durable: events that happen while the broker is
down, or that are still queued when the daemon is killed, all arrive once it is back, in the
order they happened (at least once: a repeat is allowed, a gap or a reordering is not)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from seam import Seam

from tests.mqtt.broker import Mosquitto, Recorder
from tests.mqtt.conftest import READER_FILTERS, start_daemon
from tests.mqtt.pins import assert_no_pins, pins_in_store
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def listener(broker: Mosquitto) -> Iterator[Recorder]:
    """A consumer of the events whose session (and so its queue) outlives broker restarts."""
    recorder = Recorder(broker, "controller", READER_FILTERS, client_id="outage-listener")
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def hub(
    tmp_path_factory: pytest.TempPathFactory, broker: Mosquitto, listener: Recorder
) -> Iterator[Daemon]:
    gateway = start_daemon(tmp_path_factory.mktemp("lockgw"), broker)
    yield gateway
    assert gateway.stop() == 0, gateway.log()


@pytest.fixture
def sdk(hub: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(hub.url, hub.key, openapi) as client:
        yield client


def journal(data_dir: Path) -> list[str]:
    """Every event id the daemon recorded, in the order it recorded them."""
    conn = sqlite3.connect(f"file:{data_dir / 'lockgw.sqlite3'}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT event_id FROM events ORDER BY seq")]
    finally:
        conn.close()


def received(listener: Recorder) -> list[str]:
    """Event ids as they arrived, each kept at its first arrival."""
    ids = [json.loads(m.payload)["event_id"] for m in listener.on("lockgw/events/#")]
    return list(dict.fromkeys(ids))


def make_events(sdk: Seam, device_id: str, names: list[str]) -> None:
    for index, name in enumerate(names):
        sdk.access_codes.create(device_id=device_id, name=name, code=f"{6100 + index}")
    sdk.locks.unlock_door(device_id=device_id)
    sdk.locks.lock_door(device_id=device_id)


def assert_all_arrived_in_order(hub: Daemon, listener: Recorder) -> None:
    everything = eventually(
        lambda: (ids := journal(hub.data_dir)) and set(ids) <= set(received(listener)) and ids,
        timeout=60,
    )
    arrived = [i for i in received(listener) if i in set(everything)]
    assert arrived == everything


def lock_id(sdk: Seam, name: str) -> str:
    return next(d.device_id for d in sdk.locks.list() if d.display_name == name)


def test_events_during_a_broker_outage_all_arrive_in_order_once_it_is_back(
    broker: Mosquitto, hub: Daemon, sdk: Seam, listener: Recorder
) -> None:
    back = lock_id(sdk, "Back door")
    eventually(lambda: listener.on("lockgw/status"))
    broker.stop()
    before = len(journal(hub.data_dir))
    make_events(sdk, back, ["Outage 1", "Outage 2", "Outage 3"])
    # The codes reach the lock while the broker is away: more events, all queued.
    eventually(lambda: len(journal(hub.data_dir)) >= before + 8, timeout=60)
    broker.start()
    assert_all_arrived_in_order(hub, listener)
    assert_no_pins(listener.messages, pins_in_store(hub.data_dir))


def test_a_killed_daemon_loses_no_event_it_had_queued(
    broker: Mosquitto, hub: Daemon, sdk: Seam, listener: Recorder
) -> None:
    front = lock_id(sdk, "Front door")
    broker.stop()
    before = len(journal(hub.data_dir))
    make_events(sdk, front, ["Killed 1", "Killed 2"])
    eventually(lambda: len(journal(hub.data_dir)) >= before + 4, timeout=60)
    hub.kill()  # SIGKILL, with those events still queued for the broker
    broker.start()
    hub.start()
    assert_all_arrived_in_order(hub, listener)


def hub_status(listener: Recorder) -> bytes | None:
    message = listener.last("lockgw/status")
    return None if message is None else message.payload


def test_the_broker_shows_the_hub_offline_when_it_dies_or_stops(
    broker: Mosquitto, hub: Daemon, listener: Recorder
) -> None:
    """A daemon that vanishes is shown offline by the broker itself (its last will); one that
    stops says so before it goes."""
    eventually(lambda: hub_status(listener) == b"online")
    hub.kill()
    eventually(lambda: hub_status(listener) == b"offline")
    hub.start()
    eventually(lambda: hub_status(listener) == b"online")
    assert hub.stop() == 0
    eventually(lambda: hub_status(listener) == b"offline")
