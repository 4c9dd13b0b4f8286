"""With DEBUG logging on, the hub's log still holds no PIN: zwave-js-server-python logs every
command's arguments at DEBUG, user codes included, so its logger is held at INFO."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from drivers.zwave.facts import lock_ref
from gateway.engine.locks import device_id_for
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim
from tests.zwave.conftest import HOME_ID, zwave_config

PINS = ("5820", "6931", "7042")
IDS = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[0-9a-f]{12,}")


@pytest.fixture
def network(tmp_path: Path) -> Iterator[ZWaveSim]:
    (tmp_path / "sim").mkdir()
    sim = ZWaveSim(tmp_path / "sim", locks=[{"id": 3, "profile": "kwikset-250"}])
    sim.start()
    yield sim
    sim.stop()


def test_debug_logging_on_zwave_writes_no_pin(
    tmp_path: Path, network: ZWaveSim, openapi: SeamOpenApi
) -> None:
    (tmp_path / "hub").mkdir()
    config = tmp_path / "hub" / "lockgw.toml"
    config.write_text(zwave_config(network) + '\n[log]\nlevel = "DEBUG"\n')
    daemon = Daemon(tmp_path / "hub", config=config, sim=False)
    daemon.start()
    try:
        device_id = device_id_for("zwave", lock_ref(HOME_ID, 3))
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            eventually(lambda: device_id in {d.device_id for d in seam.devices.list()}, timeout=60)
            ids = [seam.access_codes.create(device_id=device_id, code=pin).access_code_id
                   for pin in PINS]  # fmt: skip
            for access_code_id in ids:
                eventually(lambda a=access_code_id: seam.access_codes.get(access_code_id=a)
                           .status == "set", timeout=60)  # fmt: skip
            assert sorted(network.codes(3).values()) == sorted(PINS)
    finally:
        daemon.stop()
    log = daemon.log()
    assert " DEBUG " in log  # the level really was DEBUG
    without_ids = IDS.sub("<id>", log)
    # A PIN as a number of its own: not part of a longer one (a port such as 58205, a time).
    found = re.compile("|".join(rf"(?<!\d){pin}(?!\d)" for pin in PINS))
    assert not found.search(without_ids), [
        line for line in without_ids.splitlines() if found.search(line)
    ][:3]
