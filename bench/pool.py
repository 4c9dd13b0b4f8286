"""Backup pool: pull latency over HTTP with the lock offline, and how fast a pool fills.

Run: .venv/bin/python -m bench.pool
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

import httpx

from bench.common import summary_ms, write_results
from tests.support.daemon import Daemon
from tests.support.virtual_server import VirtualLockServer

RADIO_DELAY = 0.05
PULLS = 200


def _gateway(tmp: Path, server: VirtualLockServer, pool_size: int) -> tuple[Daemon, httpx.Client]:
    config = tmp / "bench.toml"
    config.write_text(f'[virtual_server]\nurl = "{server.url}"\n\n[pool]\nsize = {pool_size}\n')
    daemon = Daemon(tmp, config=config, sim=False)
    daemon.start()
    client = httpx.Client(
        base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}, timeout=30
    )
    return daemon, client


def _guest(client: httpx.Client, device_id: str, pool: bool = True) -> str:
    body = client.post(
        "/access_codes/create",
        json={
            "device_id": device_id,
            "starts_at": "2000-01-01T00:00:00Z",
            "ends_at": "2099-01-01T00:00:00Z",
            "use_backup_access_code_pool": pool,
        },
    ).json()
    return str(body["access_code"]["access_code_id"])


def _pool_full(client: httpx.Client, device_id: str) -> bool:
    device = client.get("/devices/get", params={"device_id": device_id}).json()["device"]
    issues = {e["error_code"] for e in device["errors"]} | {
        w["warning_code"] for w in device["warnings"]
    }
    return not issues & {"empty_backup_access_code_pool", "partial_backup_access_code_pool"}


def _wait(predicate: object, timeout: float = 300) -> float:
    start = time.perf_counter()
    while not predicate():  # type: ignore[operator]
        if time.perf_counter() - start > timeout:
            raise TimeoutError
        time.sleep(0.02)
    return time.perf_counter() - start


def fill_times() -> dict[str, float]:
    server = VirtualLockServer({"front": "zwave-30"}, delay=RADIO_DELAY)
    with tempfile.TemporaryDirectory() as tmp:
        daemon, client = _gateway(Path(tmp), server, pool_size=5)
        try:
            device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
            start = time.perf_counter()
            guest = _guest(client, device_id)
            _wait(lambda: _pool_full(client, device_id))
            first_fill = time.perf_counter() - start
            client.post("/access_codes/pull_backup_access_code", json={"access_code_id": guest})
            refill = _wait(lambda: _pool_full(client, device_id))
        finally:
            daemon.stop()
            server.stop()
    return {"fill_5_from_empty_s": round(first_fill, 3), "refill_after_pull_s": round(refill, 3)}


def pull_latency() -> dict[str, object]:
    server = VirtualLockServer({"front": "zwave-250"}, delay=0.0)
    with tempfile.TemporaryDirectory() as tmp:
        daemon, client = _gateway(Path(tmp), server, pool_size=PULLS)
        try:
            device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
            _guest(client, device_id)
            _wait(lambda: _pool_full(client, device_id))
            server.faults("front", offline=True)
            guests = [_guest(client, device_id, pool=False) for _ in range(PULLS)]
            first, again = [], []
            for guest in guests:
                for samples in (first, again):
                    start = time.perf_counter()
                    reply = client.post(
                        "/access_codes/pull_backup_access_code", json={"access_code_id": guest}
                    )
                    samples.append(time.perf_counter() - start)
                    if reply.status_code != 200:
                        raise RuntimeError(reply.text)
            device = client.get("/devices/get", params={"device_id": device_id}).json()["device"]
            offline = device["properties"]["online"] is False
        finally:
            daemon.stop()
            server.stop()
    return {
        "lock_offline": offline,
        "first_pull": summary_ms(first),
        "second_pull_same_code": summary_ms(again),
    }


def main() -> None:
    write_results(
        "pool",
        {"radio_delay_s": RADIO_DELAY, **fill_times(), "pull_over_http": pull_latency()},
    )


if __name__ == "__main__":
    main()
