"""Z-Wave on the simulated network (a real zwave-js server): API create -> `set` latency, our
overhead over a bare zwave-js-server-python set, frames per code life cycle, and what a drift
check costs (one checksum frame) against a full slot scan, on both lock models: the User Code
CC (kwikset-250) and the User Credential CC (uc-large, through zwave-js's Access Control API).

Run: .venv/bin/python -m bench.zwave
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp
import httpx
from zwave_js_server.client import Client
from zwave_js_server.const import CommandClass

from bench.common import summary_ms, write_results
from drivers.zwave.facts import lock_ref
from drivers.zwave.network import ZWaveNetwork
from gateway.engine.locks import device_id_for
from tests.support.api import code_status
from tests.support.daemon import Daemon
from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim

HOME_ID = 0x7E57C0DE
KWIKSET = 3  # User Code v2, 250 slots, checksum
UC_LARGE = 9  # User Credential CC, 250 users, PINs of 6-10 digits, credential checksum
MODELS = {KWIKSET: ("UserCode", "{:04d}"), UC_LARGE: ("UserCredential", "{:06d}")}
HELD = 20  # codes on the lock while the drift check is measured
CODES = 40
BARE = 40
POLL: dict[str, float] = {"timeout": 60.0, "interval": 0.005}  # the bench times these waits


def gateway_latency(sim: ZWaveSim, tmp: Path, node: int) -> dict[str, Any]:
    prefix, pin = MODELS[node]
    tmp.mkdir(exist_ok=True)
    config = tmp / "bench.toml"
    config.write_text(
        f'[zwave]\nurl = "{sim.url}"\nallow_insecure_nodes = {sorted(MODELS)}\n\n[pool]\nsize = 0\n'
    )
    daemon = Daemon(tmp, config=config, sim=False)
    daemon.start()
    client = httpx.Client(
        base_url=daemon.url, timeout=30, headers={"Authorization": f"Bearer {daemon.key}"}
    )
    device_id = device_id_for("zwave", lock_ref(HOME_ID, node))
    device = {"device_id": device_id}
    try:
        eventually(lambda: client.get("/devices/get", params=device).is_success, **POLL)
        eventually(
            lambda: client.get("/devices/get", params=device).json()["device"]["properties"][
                "online"
            ],
            **POLL,
        )
        samples: list[float] = []
        frames: list[int] = []
        for n in range(CODES):
            sim.act(node, "counts/reset")
            started = time.perf_counter()
            body = client.post(
                "/access_codes/create",
                json={"device_id": device_id, "code": pin.format(4100 + n * 3), "name": f"G{n}"},
            ).json()
            access_code_id = body["access_code"]["access_code_id"]
            eventually(lambda: code_status(client, access_code_id) == "set", **POLL)  # noqa: B023
            samples.append(time.perf_counter() - started)
            client.request(
                "DELETE", "/access_codes/delete", params={"access_code_id": access_code_id}
            )
            eventually(lambda: _gone(client, access_code_id), **POLL)  # noqa: B023
            frames.append(_frames(sim.received(node), prefix))
        return {
            "create_to_set": summary_ms(samples),
            "frames_per_life_cycle": max(set(frames), key=frames.count),
            "frames_seen": sorted(set(frames)),
        }
    finally:
        daemon.stop()


def _gone(client: httpx.Client, access_code_id: str) -> bool:
    params = {"access_code_id": access_code_id}
    return client.get("/access_codes/get", params=params).status_code == 404


def _frames(received: dict[str, int], prefix: str) -> int:
    """Frames of the lock's code CC (User Code or User Credential) the lock received."""
    return sum(count for name, count in received.items() if name.startswith(prefix))


async def bare_and_drift(sim: ZWaveSim) -> dict[str, Any]:
    async with aiohttp.ClientSession() as session:
        client = Client(sim.url, session)
        await client.connect()
        ready = asyncio.Event()
        listening = asyncio.create_task(client.listen(ready))
        await ready.wait()
        assert client.driver is not None
        for waited in MODELS:
            node = client.driver.controller.nodes[waited]
            if not node.ready:
                interviewed = asyncio.Event()
                node.once("ready", lambda _, done=interviewed: done.set())
                await asyncio.wait_for(interviewed.wait(), 120)
        node = client.driver.controller.nodes[KWIKSET]
        bare_set: list[float] = []
        bare_set_get: list[float] = []
        for n in range(BARE):
            started = time.perf_counter()
            await node.async_invoke_cc_api(
                CommandClass.USER_CODE, "set", 200, 1, f"{6100 + n}", wait_for_result=True
            )
            bare_set.append(time.perf_counter() - started)
            await node.async_invoke_cc_api(CommandClass.USER_CODE, "get", 200, wait_for_result=True)
            bare_set_get.append(time.perf_counter() - started)
        await node.async_invoke_cc_api(CommandClass.USER_CODE, "clear", 200, wait_for_result=True)
        await client.disconnect()
        listening.cancel()

        found = asyncio.Event()
        network = ZWaveNetwork(
            sim.url, session, lambda lock: found.set(), allow_insecure_nodes=frozenset(MODELS)
        )
        network.start()
        await network.wait_connected(30)
        drift = {}
        for node, (_, pin) in MODELS.items():
            lock = network.locks[lock_ref(HOME_ID, node)]
            held = {slot: pin.format(7000 + slot) for slot in range(1, HELD + 1)}
            for slot, code in held.items():
                await lock.write_slot(slot, code, f"Guest {slot}")
            sim.act(node, "counts/reset")
            started = time.perf_counter()
            checksum = await lock.checksum()
            checksum_s = time.perf_counter() - started
            checksum_frames = sim.received(node)["total"]
            assert checksum is not None and checksum == lock.expected_checksum(held)
            sim.act(node, "counts/reset")
            started = time.perf_counter()
            await lock.read_slots()
            scan_s = time.perf_counter() - started
            scan_frames = sim.received(node)["total"]
            for slot in held:
                await lock.clear_slot(slot)
            drift[MODELS[node][0]] = {
                "codes_held": HELD,
                "checksum_frames": checksum_frames,
                "checksum_ms": round(checksum_s * 1000, 1),
                "full_scan_frames": scan_frames,
                "full_scan_ms": round(scan_s * 1000, 1),
            }
        await network.close()
    return {
        "bare_set": summary_ms(bare_set),
        "bare_set_then_get": summary_ms(bare_set_get),
        "drift_check": drift,
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as raw:
        tmp = Path(raw)
        (tmp / "sim").mkdir()
        sim = ZWaveSim(
            tmp / "sim",
            locks=[
                {"id": KWIKSET, "profile": "kwikset-250"},
                {"id": UC_LARGE, "profile": "uc-large"},
            ],
        )
        sim.start()
        try:
            bare = asyncio.run(bare_and_drift(sim))
            user_code = gateway_latency(sim, tmp, KWIKSET)
            user_credential = gateway_latency(sim, tmp / "uc", UC_LARGE)
        finally:
            sim.stop()
    p50 = user_code["create_to_set"]["p50_ms"]
    results = {
        "locks": "kwikset-250 (User Code v2) and uc-large (User Credential CC) on the simulated "
        "network, one process zwave-js",
        "user_code": user_code,
        "user_credential": user_credential,
        **bare,
        "overhead_ratio_p50": round(p50 / bare["bare_set_then_get"]["p50_ms"], 2),
    }
    write_results("zwave", results)


if __name__ == "__main__":
    main()
