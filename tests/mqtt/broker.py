"""A real Mosquitto broker for the tests: its own config on free ports, a password file, the
ACL of docs/mqtt-acl.example (or another ACL and users: the fleet's), a TLS listener with a
self-signed certificate made here, and persistence (sessions and retained messages survive a
restart, as on a real install)."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as paho
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from tests.support.daemon import free_port
from tests.support.process import wait_for_ready
from tests.support.wait import eventually

ACL_EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "mqtt-acl.example"
USERS = {
    "lockgw": "hub-broker-secret",
    "homeassistant": "ha-broker-secret",
    "controller": "controller-broker-secret",
    "viewer": "viewer-broker-secret",
}


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def make_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "broker.crt", folder / "broker.key"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class Mosquitto:
    def __init__(
        self,
        folder: Path,
        *,
        acl: Path = ACL_EXAMPLE,
        users: dict[str, str] | None = None,
        settings: str = "",
    ) -> None:
        """`settings`: more mosquitto.conf lines for each listener (e.g. the fleet's
        use_username_as_clientid, a listener's setting)."""
        if shutil.which("mosquitto") is None:
            raise RuntimeError("mosquitto is not installed (scripts/system-packages installs it)")
        self.folder = folder
        self.users = USERS if users is None else users
        self.port = free_port()
        self.tls_port = free_port()
        self.cert, key = make_certificate(folder)
        passwords = folder / "passwords"
        passwords.write_text("")
        for user, password in self.users.items():
            subprocess.run(
                ["mosquitto_passwd", "-b", str(passwords), user, password],
                check=True,
                capture_output=True,
            )
        (folder / "store").mkdir()
        self.config = folder / "mosquitto.conf"
        self.config.write_text(
            f"""user root
per_listener_settings false
allow_anonymous false
password_file {passwords}
acl_file {acl}
persistence true
persistence_location {folder / "store"}/
log_dest stderr
log_type error
log_type warning
log_type notice
listener {self.port} 127.0.0.1
{settings}
listener {self.tls_port} 127.0.0.1
certfile {self.cert}
keyfile {key}
{settings}
"""
        )
        self.proc: subprocess.Popen[str] | None = None
        self.output: list[str] = []

    def start(self) -> None:
        self.proc = subprocess.Popen(
            ["mosquitto", "-c", str(self.config)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:
            wait_for_ready(self.proc, "", self.output, 10.0, "mosquitto")  # its first line
            for port in (self.port, self.tls_port):
                eventually(lambda port=port: _listening(port), timeout=10)
        except BaseException:
            self.proc.kill()
            self.proc.wait()
            self.proc = None
            raise

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGTERM)
            self.proc.wait(10)
            self.proc = None

    def log(self) -> str:
        return "".join(self.output)


@dataclass
class Received:
    topic: str
    payload: bytes
    retain: bool
    properties: Any = None
    at: float = field(default_factory=time.time)  # when it arrived (wall clock, for benches)

    def json(self) -> Any:
        return json.loads(self.payload)


@dataclass
class Recorder:
    """A client of the broker in a thread of its own (paho's loop): everything it receives on
    `filters`, in order. Its session outlives a broker restart (clean_start off, session
    expiry), so the broker keeps its QoS 1 messages while it is away, as a real consumer's."""

    broker: Mosquitto
    user: str
    filters: list[str]
    client_id: str = ""
    messages: list[Received] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self.subscribed = threading.Event()
        client = paho.Client(
            CallbackAPIVersion.VERSION2,
            client_id=self.client_id or f"test-{self.user}-{free_port()}",
            protocol=paho.MQTTv5,
        )
        client.username_pw_set(self.user, self.broker.users[self.user])
        client.reconnect_delay_set(0.1, 1)
        client.on_connect = self._connected
        client.on_subscribe = self._subscribed
        client.on_message = self._message
        self.client = client

    def start(self) -> Recorder:
        expiry = Properties(PacketTypes.CONNECT)
        expiry.SessionExpiryInterval = 3600
        self.client.connect("127.0.0.1", self.broker.port, clean_start=False, properties=expiry)
        self.client.loop_start()
        if not self.subscribed.wait(10):
            raise AssertionError(f"{self.user} could not subscribe")
        return self

    def stop(self) -> None:
        self.client.disconnect()
        self.client.loop_stop()

    def _connected(self, client: paho.Client, *_args: Any) -> None:
        client.subscribe([(f, 1) for f in self.filters])

    def _subscribed(self, *_args: Any) -> None:
        self.subscribed.set()

    def _message(self, _client: paho.Client, _data: Any, message: paho.MQTTMessage) -> None:
        with self._lock:
            self.messages.append(
                Received(message.topic, message.payload, message.retain, message.properties)
            )

    def on(self, topic: str) -> list[Received]:
        with self._lock:
            return [m for m in self.messages if paho.topic_matches_sub(topic, m.topic)]

    def last(self, topic: str) -> Received | None:
        found = [m for m in self.on(topic) if m.payload]
        return found[-1] if found else None

    def publish(
        self, topic: str, payload: bytes | str, properties: Properties | None = None
    ) -> None:
        self.client.publish(topic, payload, qos=1, properties=properties).wait_for_publish(10)
