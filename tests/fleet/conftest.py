"""A fleet per test module (docs/FLEET.md): one real Mosquitto with the fleet's ACL, three real
hub daemons (virtual locks, each its own `[mqtt] hub_id` and broker user) whose links to the
broker go through a TCP proxy a test can cut, and two fronts (`lockgw fleet serve`) sharing one
API key, as two fronts behind a load balancer would.

The peers are started once per module. Every test starts from a healthy fleet (every link
restored, every peer running, every hub online at both fronts) and makes fresh codes."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from seam import Seam

from tests.mqtt.broker import Mosquitto
from tests.support.daemon import Daemon
from tests.support.fleet import Front
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.tcp_proxy import TcpProxy
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e

HUBS = ("hub-a", "hub-b", "hub-c")
FRONT_USER = "front"  # the ACL example's front; the second front is front-2 (a block of its own)
FRONT_USERS = (FRONT_USER, "front-2")
FLEET_ACL = Path(__file__).resolve().parents[2] / "docs" / "mqtt-fleet-acl.example"
FLEET_USERS = {
    **{h: f"{h}-broker-secret" for h in HUBS},
    **{u: f"{u}-broker-secret" for u in FRONT_USERS},
}
# What docs/mqtt-fleet-acl.example says a fleet's Mosquitto also holds: every client's id is
# its user. The module's broker goes without it (fleet_broker(strict_ids=False)): some tests
# connect a second client as an existing user on purpose (test_fleet_hostile.py).
FLEET_BROKER_SETTINGS = "use_username_as_clientid true"


def acl_for_fronts(folder: Path, fronts: tuple[str, ...]) -> Path:
    """The fleet ACL example with a `user` block per front, copied from its `front` block (as
    the example says a second front is added)."""
    lines = FLEET_ACL.read_text().splitlines()
    start = lines.index(f"user {FRONT_USER}")
    block = []
    for line in lines[start + 1 :]:
        if not line.startswith("topic "):
            break
        block.append(line)
    extra = [f"\nuser {user}\n" + "\n".join(block) for user in fronts if user != FRONT_USER]
    acl = folder / "fleet.acl"
    acl.write_text("\n".join(lines) + "\n" + "\n".join(extra) + "\n")
    return acl


def fleet_broker(
    folder: Path, users: dict[str, str], fronts: tuple[str, ...], *, strict_ids: bool = True
) -> Mosquitto:
    """A Mosquitto set up as a fleet's should be (not started)."""
    acl = acl_for_fronts(folder, fronts)
    settings = FLEET_BROKER_SETTINGS if strict_ids else ""
    broker = Mosquitto(folder, acl=acl, users=users, settings=settings)
    # Nagle off (its default is on): else every request and every answer waits ~40 ms.
    broker.config.write_text(broker.config.read_text() + "set_tcp_nodelay true\n")
    return broker


def hub_locks(hub_id: str) -> str:
    """Two locks per hub; refs (and so device ids) differ from hub to hub."""
    return f"""
[[virtual_locks]]
name = "{hub_id} front door"
profile = "zwave-250"
ref = "{hub_id}-front"

[[virtual_locks]]
name = "{hub_id} back door"
profile = "zwave-30"
ref = "{hub_id}-back"
"""


def hub_config(hub_id: str, broker: Mosquitto, proxy: TcpProxy) -> str:
    """The hub reaches the broker over TLS through its proxy (its internet link)."""
    return f"""[mqtt]
url = "mqtts://127.0.0.1:{proxy.port}"
ca_file = "{broker.cert}"
username = "{hub_id}"
password = "{FLEET_USERS[hub_id]}"
hub_id = "{hub_id}"
""" + hub_locks(hub_id)


def front_config(user: str, broker: Mosquitto) -> str:
    return f"""[mqtt]
url = "mqtt://127.0.0.1:{broker.port}"
username = "{user}"
password = "{FLEET_USERS[user]}"
"""


@dataclass
class Fleet:
    broker: Mosquitto
    proxies: dict[str, TcpProxy]
    hubs: dict[str, Daemon]
    fronts: list[Front]
    devices: dict[str, list[str]]  # hub id -> its device ids, as the hub lists them

    def hub_of(self, device_id: str) -> str:
        return next(h for h, ids in self.devices.items() if device_id in ids)

    def heal(self) -> None:
        """Every link restored, every peer running, every hub online at every front."""
        for proxy in self.proxies.values():
            proxy.restore()
        for runner in [*self.hubs.values(), *self.fronts]:
            if runner.proc is None or runner.proc.poll() is not None:
                runner.proc = None
                runner.start()
        for front in self.fronts:
            eventually(lambda front=front: online_hubs(front) >= set(HUBS), timeout=30)


def health(front: Front) -> dict[str, object]:
    body = httpx.get(f"{front.url}/health", timeout=10).json()
    assert isinstance(body, dict)
    return body


def online_hubs(front: Front) -> set[str]:
    """The hubs the front counts online (its /health)."""
    try:
        hubs = health(front).get("hubs")
    except httpx.HTTPError:
        return set()
    assert isinstance(hubs, list), hubs
    return {h["hub_id"] for h in hubs if h.get("online")}


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    folder = tmp_path_factory.mktemp("mosquitto")
    broker = fleet_broker(folder, FLEET_USERS, FRONT_USERS, strict_ids=False)
    broker.start()
    proxies = {h: TcpProxy(broker.tls_port).start() for h in HUBS}
    hubs: dict[str, Daemon] = {}
    fronts: list[Front] = []

    def start_hub(hub_id: str) -> None:
        folder = tmp_path_factory.mktemp(hub_id)
        config = folder / "lockgw.toml"
        config.write_text(hub_config(hub_id, broker, proxies[hub_id]))
        (folder / "data").mkdir()
        hubs[hub_id] = Daemon(folder / "data", config=config, sim=False)
        hubs[hub_id].start()

    def start_fronts() -> None:
        first: Front | None = None
        for user in FRONT_USERS:
            folder = tmp_path_factory.mktemp(user)
            config = folder / "front.toml"
            config.write_text(front_config(user, broker))
            if first is None:
                (folder / "data").mkdir()
            front = Front(folder / "data", config=config, key_from=first)
            first = first or front
            fronts.append(front)
        for front in fronts:
            front.start()

    try:
        with ThreadPoolExecutor() as starting:  # the five processes started side by side
            started = [starting.submit(start_hub, h) for h in HUBS]
            started.append(starting.submit(start_fronts))
            for future in started:
                future.result()
        devices = {h: _device_ids(d) for h, d in hubs.items()}
        built = Fleet(broker, proxies, hubs, fronts, devices)
        built.heal()
        yield built
    finally:
        runners = [*fronts, *hubs.values()]
        exits = [runner.stop() for runner in runners]  # a clean stop exits 0
        for proxy in proxies.values():
            proxy.stop()
        broker.stop()
    for runner, code in zip(runners, exits, strict=True):
        assert code == 0 and "Traceback" not in runner.log(), runner.log()


def _device_ids(hub: Daemon) -> list[str]:
    answer = httpx.get(
        f"{hub.url}/devices/list", headers={"Authorization": f"Bearer {hub.key}"}, timeout=10
    )
    return [d["device_id"] for d in answer.json()["devices"]]


@pytest.fixture
def healthy(fleet: Fleet) -> Fleet:
    fleet.heal()
    return fleet


@pytest.fixture
def front_a(healthy: Fleet, openapi: SeamOpenApi) -> Iterator[Seam]:
    """The official SDK pointed at the first front, every answer checked against the schema."""
    with checked_seam(healthy.fronts[0].url, healthy.fronts[0].key, openapi) as client:
        yield client


@pytest.fixture
def front_b(healthy: Fleet, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(healthy.fronts[1].url, healthy.fronts[1].key, openapi) as client:
        yield client


@pytest.fixture
def tag() -> str:
    """A fresh name prefix: this test's codes and nobody else's."""
    return f"t{uuid.uuid4().hex[:8]}"


def front_http(front: Front) -> httpx.Client:
    """Raw HTTP on a front (status codes, headers, Idempotency-Key)."""
    return httpx.Client(
        base_url=front.url, headers={"Authorization": f"Bearer {front.key}"}, timeout=30
    )


def hub_http(hub: Daemon) -> httpx.Client:
    return httpx.Client(
        base_url=hub.url, headers={"Authorization": f"Bearer {hub.key}"}, timeout=30
    )


def answered(
    raw: httpx.Client, path: str, body: dict[str, str], headers: dict[str, str]
) -> httpx.Response | None:
    """The call's answer when it succeeded (None: to be tried again)."""
    response = raw.post(path, json=body, headers=headers)
    return response if response.status_code == 200 else None


def codes_named(hub: Daemon, tag: str) -> list[str]:
    """The ids of the codes the hub itself holds whose name has `tag` (asked on its LAN)."""
    with hub_http(hub) as lan:
        found = lan.post("/access_codes/list", json={"search": tag}).json()["access_codes"]
    return [c["access_code_id"] for c in found]
