"""Nuki over BLE on the emulated link (bumble, in-process): time for the gateway to program one
code and a batch of 20 (API-side create -> `set`, through the reconciler, the real driver and
bleak), BLE connections per batch, and the lock commands a code's life cycle costs, at the
usual MTU of 517 and at BLE's default of 23. The link has no air time: these figures are the
stack's and protocol's own cost (challenges, crypto, frames); a real lock adds its radio and
flash time per command.

Run: .venv/bin/python -m bench.nuki
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import summary_ms, write_results
from drivers.nuki.files import LockFiles
from drivers.nuki.lock import NukiLock
from gateway.domain.models import CodeStatus
from tests.support.harness import Harness, nuki_pin
from tests.support.nuki_ble import LOCK_ADDRESS, Air, nuki_air

ONE_RUNS = 20
BATCH = 20
BATCH_RUNS = 5


async def _run(mtu: int) -> dict[str, Any]:
    async with nuki_air(mtu=mtu) as air:
        credentials = await air.pair()
        with tempfile.TemporaryDirectory() as folder:
            tmp = Path(folder)
            hub = Harness(tmp)
            driver = NukiLock(credentials, "Bench", LockFiles.of(tmp, LOCK_ADDRESS), air.radio)
            device_id = hub.locks.add(driver).device_id
            await hub.settle(device_id)  # first read of the lock and its clock
            one, commands = await _one_by_one(hub, air, device_id)
            batch, connections = await _batches(hub, air, device_id)
            hub.close()
    return {
        "mtu": mtu,
        "program_one_code": summary_ms(one),
        f"program_{BATCH}_codes": summary_ms(batch),
        f"ble_connections_per_batch_of_{BATCH}": connections,
        "lock_commands_per_code_life_cycle": commands,
    }


async def _one_by_one(hub: Harness, air: Air, device_id: str) -> tuple[list[float], float]:
    samples: list[float] = []
    before = sum(air.model.received.values())
    for n in range(ONE_RUNS):
        start = time.perf_counter()
        code = hub.create(device_id, code=nuki_pin(n))
        await hub.settle(device_id)
        samples.append(time.perf_counter() - start)
        stored = hub.code(code.access_code_id)
        assert stored is not None and stored.status is CodeStatus.SET
        hub.delete(code.access_code_id)
        await hub.settle(device_id)
        assert hub.code(code.access_code_id) is None
    return samples, (sum(air.model.received.values()) - before) / ONE_RUNS


async def _batches(hub: Harness, air: Air, device_id: str) -> tuple[list[float], list[int]]:
    samples: list[float] = []
    connections: list[int] = []
    for run in range(BATCH_RUNS):
        connects = air.lock.connects
        start = time.perf_counter()
        codes = [hub.create(device_id, code=nuki_pin(1000 + run * BATCH + n)) for n in range(BATCH)]
        await hub.settle(device_id)
        samples.append(time.perf_counter() - start)
        connections.append(air.lock.connects - connects)
        assert all(
            hub.code(c.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
            for c in codes
        )
        for code in codes:
            hub.delete(code.access_code_id)
        await hub.settle(device_id)
    return samples, connections


def main() -> None:
    results = {"links": [asyncio.run(_run(mtu)) for mtu in (517, 23)]}
    write_results("nuki", results)


if __name__ == "__main__":
    main()
