"""MQTT: latency from a state change to its MQTT message, and how fast the event outbox drains
to the broker after an outage. A real Mosquitto broker (tests/mqtt/broker.py), the daemon as a
subprocess over TLS, a subscriber as Home Assistant would be.

Run: .venv/bin/python -m bench.mqtt
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from datetime import datetime
from pathlib import Path

import httpx

from bench.common import summary_ms, write_results
from tests.mqtt.broker import Mosquitto, Recorder
from tests.mqtt.conftest import READER_FILTERS, mqtt_config
from tests.support.daemon import Daemon

TOGGLES = 200
QUIET = 0.15  # seconds between two lock/unlock toggles
BACKLOG_CODES = 300


def _wait(probe: object, what: str, timeout: float = 300) -> None:
    assert callable(probe)
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.005)


def _daemon(folder: Path, broker: Mosquitto) -> tuple[Daemon, httpx.Client, str]:
    config = folder / "bench.toml"
    config.write_text(
        mqtt_config(broker) + '[pool]\nsize = 0\n\n[[virtual_locks]]\nname = "Front"\n'
        'profile = "zwave-250"\nref = "bench-front"\n'
    )
    data_dir = folder / "data"
    data_dir.mkdir()
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    client = httpx.Client(
        base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}, timeout=30
    )
    device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
    return daemon, client, device_id


def _epoch(iso: str) -> float:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()


def _toggle(
    client: httpx.Client, device_id: str, ha: Recorder, unlock: bool
) -> tuple[float, float]:
    """Unlock or lock once: (event recorded -> state message, event recorded -> event message)."""
    word, event_type = ("UNLOCKED", "lock.unlocked") if unlock else ("LOCKED", "lock.locked")
    event_topic, state_topic = f"lockgw/events/{event_type}", f"lockgw/locks/{device_id}/state"
    events_before = len(ha.on(event_topic))
    states_before = len(ha.on(state_topic))
    path = "/locks/unlock_door" if unlock else "/locks/lock_door"
    client.post(path, json={"device_id": device_id})
    _wait(lambda: len(ha.on(event_topic)) > events_before, "event")
    event = ha.on(event_topic)[-1]
    changed = _epoch(json.loads(event.payload)["created_at"])

    def new_state() -> list[float]:
        return [
            m.at
            for m in ha.on(state_topic)[states_before:]
            if json.loads(m.payload)["lock"] == word
        ]

    _wait(new_state, "state")
    return new_state()[0] - changed, event.at - changed


def latency(client: httpx.Client, device_id: str, ha: Recorder) -> dict[str, object]:
    """Per lock/unlock: from the event's recorded time to (a) the lock's retained state saying
    the new position and (b) the event on the broker, as a subscriber receives them."""
    state_samples: list[float] = []
    event_samples: list[float] = []
    for n in range(TOGGLES):
        # One change at a time, as a door is used (a sustained stream of changes is read once
        # per pause by design: gateway/mqtt/bridge.py STATE_BURST).
        time.sleep(QUIET)
        to_state, to_event = _toggle(client, device_id, ha, unlock=n % 2 == 0)
        state_samples.append(to_state)
        event_samples.append(to_event)
    return {
        "state_change_to_state_message": summary_ms(state_samples),
        "state_change_to_event_message": summary_ms(event_samples),
    }


def drain(
    broker: Mosquitto, daemon: Daemon, client: httpx.Client, device_id: str, ha: Recorder
) -> dict[str, object]:
    """Events queued while the broker is down, then how fast they reach a subscriber."""
    broker.stop()
    conn = sqlite3.connect(f"file:{daemon.data_dir / 'lockgw.sqlite3'}?mode=ro", uri=True)
    queued = lambda: int(conn.execute("SELECT COUNT(*) FROM mqtt_outbox").fetchone()[0])  # noqa: E731
    for n in range(BACKLOG_CODES):
        client.post(
            "/access_codes/create",
            json={"device_id": device_id, "name": f"B{n}", "code": f"{100000 + n}"},
        )
    _wait(lambda: queued() >= 2 * BACKLOG_CODES, "codes set on the lock while the broker is away")
    backlog = queued()
    before = len(ha.on("lockgw/events/#"))
    broker.start()
    started = time.time()
    _wait(lambda: len(ha.on("lockgw/events/#")) >= before + backlog, "backlog drained")
    arrived = ha.on("lockgw/events/#")[before:]
    elapsed = arrived[-1].at - started
    flowing = arrived[-1].at - arrived[0].at
    conn.close()
    return {
        "backlog_events": backlog,
        "seconds_from_broker_start": round(elapsed, 3),
        "events_per_second_from_broker_start": round(backlog / elapsed, 1),
        "events_per_second_once_flowing": round(backlog / flowing, 1),
        "note": "from broker start includes the hub's reconnect backoff (0.5 s doubling)",
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "broker").mkdir()
        broker = Mosquitto(folder / "broker")
        broker.start()
        ha = Recorder(broker, "controller", READER_FILTERS, client_id="bench-listener").start()
        daemon, client, device_id = _daemon(folder, broker)
        try:
            _wait(lambda: ha.on(f"lockgw/locks/{device_id}/state"), "first state")
            results: dict[str, object] = {"latency": latency(client, device_id, ha)}
            results["drain_after_outage"] = drain(broker, daemon, client, device_id, ha)
        finally:
            ha.stop()
            daemon.stop()
            broker.stop()
    write_results("mqtt", results)


if __name__ == "__main__":
    main()
