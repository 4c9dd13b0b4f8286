"""MQTT fixtures: one Mosquitto broker and one daemon (talking to it over TLS) per module, the
official SDK pointed at the daemon, and recorders subscribed as the ACL's users."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from seam import Seam

from tests.mqtt.broker import USERS, Mosquitto, Recorder
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam

LOCKS = """
[[virtual_locks]]
name = "Front door"
profile = "zwave-30"
ref = "mqtt-front"
codes = [{ slot = 1, code = "4711", name = "Owner" }]

[[virtual_locks]]
name = "Back door"
profile = "zwave-250"
ref = "mqtt-back"

[[virtual_locks]]
name = "Shed"
profile = "zwave-30"
ref = "mqtt-shed"
"""

# Everything a state or event consumer (or Home Assistant) reads.
READER_FILTERS = [
    "lockgw/status",
    "lockgw/locks/+/availability",
    "lockgw/locks/+/state",
    "lockgw/locks/+/keypad",
    "lockgw/events/#",
]


def mqtt_config(broker: Mosquitto, *, tls: bool = True) -> str:
    if tls:
        url = f'url = "mqtts://127.0.0.1:{broker.tls_port}"\nca_file = "{broker.cert}"'
    else:
        url = f'url = "mqtt://127.0.0.1:{broker.port}"'
    return f'[mqtt]\n{url}\nusername = "lockgw"\npassword = "{USERS["lockgw"]}"\n'


def start_daemon(folder: Path, broker: Mosquitto, extra: str = "") -> Daemon:
    data_dir = folder / "data"
    data_dir.mkdir()
    config = folder / "lockgw.toml"
    config.write_text(mqtt_config(broker) + extra + LOCKS)
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    return daemon


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mosquitto]:
    mosquitto = Mosquitto(tmp_path_factory.mktemp("mosquitto"))
    mosquitto.start()
    yield mosquitto
    mosquitto.stop()


@pytest.fixture(scope="module")
def ha(broker: Mosquitto) -> Iterator[Recorder]:
    """Home Assistant's view: discovery, state and keypad events (subscribed before the daemon
    starts, so the first discovery is seen as published)."""
    recorder = Recorder(broker, "homeassistant", ["homeassistant/#", *READER_FILTERS[:4]])
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def controller(broker: Mosquitto) -> Iterator[Recorder]:
    recorder = Recorder(broker, "controller", [*READER_FILTERS, "lockgw/api/response/controller/#"])
    recorder.start()
    yield recorder
    recorder.stop()


@pytest.fixture(scope="module")
def daemon(
    tmp_path_factory: pytest.TempPathFactory, broker: Mosquitto, ha: Recorder, controller: Recorder
) -> Iterator[Daemon]:
    gateway = start_daemon(tmp_path_factory.mktemp("lockgw"), broker)
    yield gateway
    assert gateway.stop() == 0, gateway.log()


@pytest.fixture
def seam(daemon: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(daemon.url, daemon.key, openapi) as client:
        yield client


@pytest.fixture
def locks(seam: Seam) -> dict[str, str]:
    """Lock name -> device_id."""
    return {d.display_name: d.device_id for d in seam.locks.list()}
