"""The whole real chain: the daemon -> zwave-js-server-python -> a real zwave-js server ->
simulated lock nodes. One simulated network and one daemon per session (the network takes
seconds to start); each test works on its own lock node, reset first."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from seam import Seam

from drivers.zwave.facts import lock_ref
from gateway.engine.locks import device_id_for
from tests.support.api import client_for
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually
from tests.support.zwave_sim import ALL_PROFILES, ZWaveSim

HOME_ID = 0x7E57C0DE  # the simulator's default
NODES = {
    "schlage": 2,
    "kwikset": 3,
    "yale": 4,
    "masked": 5,
    "duplicate": 6,
    "slow": 7,
    # User Credential CC locks (zwave-js's own mock behaviours for the CC).
    "uc-small": 8,
    "uc-large": 9,
    "uc-and-user-code": 10,
    "uc-no-checksum": 11,
    # Like uc-small, and its owner has not allowed PINs over its insecure inclusion.
    "insecure": 12,
}
# The same behaviours, on either model: User Code CC locks and User Credential CC locks.
USER_CREDENTIAL = ["uc-small", "uc-large", "uc-and-user-code", "uc-no-checksum"]
CREDENTIAL_LOCKS = [{"id": NODES[kind], "profile": kind} for kind in USER_CREDENTIAL] + [
    {"id": NODES["insecure"], "profile": "uc-small"}
]
SESSION_LOCKS = [*ALL_PROFILES, *CREDENTIAL_LOCKS]


@pytest.fixture(scope="session")
def zwave(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZWaveSim]:
    sim = ZWaveSim(tmp_path_factory.mktemp("zwave-sim"), locks=SESSION_LOCKS)
    sim.start()
    yield sim
    sim.stop()


def zwave_config(sim: ZWaveSim) -> str:
    """The simulated nodes are included without security (zwave-js's mock controller reports
    SecurityClass.None): their owner allows PINs on each, except on the "insecure" node."""
    nodes = [lock["id"] for lock in json.loads(sim.locks_file.read_text())]
    allowed = sorted(n for n in nodes if n != NODES["insecure"])
    return f'[zwave]\nurl = "{sim.url}"\nallow_insecure_nodes = {allowed}\n\n[pool]\nsize = 0\n'


@pytest.fixture(scope="session")
def hub(zwave: ZWaveSim, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("zwave-daemon")
    config = data_dir / "lockgw.toml"
    config.write_text(zwave_config(zwave))
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    # zwave-js interviews the nodes one after another (the slow lock last, ~30 s after a cold
    # start): wait once for every lock here, so no test depends on how far the interview is.
    with client_for(daemon) as client:
        eventually(
            lambda: len(client.get("/devices/list").json()["devices"]) == len(NODES), timeout=120
        )
    yield daemon
    assert daemon.stop() == 0, daemon.log()


@pytest.fixture
def seam(hub: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(hub.url, hub.key, openapi) as client:
        yield client


def device_for(seam: Seam, node_id: int) -> str:
    """The device of a simulated node, once the daemon lists it (ids derive from the home id
    and node id, so they are known in advance)."""
    device_id = device_id_for("zwave", lock_ref(HOME_ID, node_id))
    eventually(lambda: device_id in {d.device_id for d in seam.devices.list()}, timeout=30)
    return device_id


@pytest.fixture
def fresh(zwave: ZWaveSim, seam: Seam) -> Iterator[ZWaveSim]:
    """Each test starts with empty locks and no faults, and leaves no codes declared."""
    for node_id in NODES.values():
        zwave.act(node_id, "reset")
    yield zwave
    for device in seam.devices.list():
        for code in seam.access_codes.list(device_id=device.device_id):
            # A code the test deleted may still be listed as "removing" and be gone a moment
            # later: it needs no second delete.
            if code.status != "removing":
                seam.access_codes.delete(access_code_id=code.access_code_id)
