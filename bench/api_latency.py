"""API latency and footprint with a realistic store: 50 locks x 200 codes.

Measures p50/p99 over HTTP (keep-alive, one client, sequential) of access_codes get, list
(100 codes of a lock, and 1,000 codes across locks), create and delete, devices get and list;
then the daemon's footprint: resident memory under use, cold start to READY (API answering
with every lock registered from the store), resident memory and CPU at idle after a restart.
The locks are virtual locks in their own process (hardware-sim/virtual/run), as real locks are
devices of their own: their memory is not the daemon's, and they keep their codes across a
restart of the daemon. Run: .venv/bin/python -m bench.api_latency
"""

from __future__ import annotations

import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from bench.common import rss_mb, summary_ms, write_results
from tests.support.daemon import Daemon
from tests.support.virtual_server import VirtualLockServer

LOCKS = 50
CODES_PER_LOCK = 200
ROUNDS = 500


def _config(path: Path, locks: VirtualLockServer) -> Path:
    path.write_text(f'[virtual_server]\nurl = "{locks.url}"\n')
    return path


def _timed(call: Callable[[], httpx.Response]) -> float:
    start = time.perf_counter()
    response = call()
    elapsed = time.perf_counter() - start
    response.raise_for_status()
    return elapsed


def _wait_until_programmed(locks: VirtualLockServer, count: int) -> None:
    """Measure the API in steady state: every seeded code is on its lock first. Asked of the
    locks, not of the daemon: a poll listing 10,000 events would be the daemon's biggest
    allocation of the run, and its resident size after the run would measure the poll."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if sum(len(locks.codes(f"bench-{i}")) for i in range(LOCKS)) >= count:
            return
        time.sleep(0.5)
    raise TimeoutError("seeded codes were not programmed")


def _cold_start(daemon: Daemon, lock_count: int) -> float:
    """Seconds from starting the process to the API answering with every lock registered."""
    start = time.perf_counter()
    daemon.start(timeout=60)
    client = httpx.Client(base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"})
    try:
        while True:
            response = client.get("/devices/list", params={"limit": 1000})
            if response.status_code == 200 and len(response.json()["devices"]) == lock_count:
                return time.perf_counter() - start
            time.sleep(0.005)
    finally:
        client.close()
        daemon.stop()


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _idle(daemon: Daemon, settle: float = 10.0, window: float = 30.0) -> tuple[float, float]:
    """Resident memory and CPU (% of one core) of a freshly started daemon left alone."""
    daemon.start(timeout=60)
    try:
        assert daemon.proc is not None
        pid = daemon.proc.pid
        time.sleep(settle)  # a bench, not a test: let start-up work finish, then watch
        before = _cpu_seconds(pid)
        time.sleep(window)
        cpu = (_cpu_seconds(pid) - before) / window * 100
        return rss_mb(pid), round(cpu, 2)
    finally:
        daemon.stop()


def main() -> None:
    locks = VirtualLockServer({f"bench-{i}": "zwave-250" for i in range(LOCKS)})
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        daemon = Daemon(data, config=_config(data / "bench.toml", locks), sim=False)
        daemon.start()
        try:
            client = httpx.Client(
                base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}
            )
            devices = [d["device_id"] for d in client.get("/devices/list").json()["devices"]]
            seed_start = time.perf_counter()
            ids: dict[str, list[str]] = {}
            for device_id in devices:
                ids[device_id] = [
                    client.post(
                        "/access_codes/create", json={"device_id": device_id, "name": f"Seed {n}"}
                    ).json()["access_code"]["access_code_id"]
                    for n in range(CODES_PER_LOCK)
                ]
            seed_seconds = time.perf_counter() - seed_start
            _wait_until_programmed(locks, LOCKS * CODES_PER_LOCK)
            target = devices[len(devices) // 2]
            some_code = ids[target][CODES_PER_LOCK // 2]

            gets = [
                _timed(
                    lambda: client.get("/access_codes/get", params={"access_code_id": some_code})
                )
                for _ in range(ROUNDS)
            ]
            lists = [
                _timed(
                    lambda: client.get(
                        "/access_codes/list", params={"device_id": target, "limit": 100}
                    )
                )
                for _ in range(ROUNDS)
            ]
            lists_1000 = [
                _timed(lambda: client.get("/access_codes/list", params={"limit": 1000}))
                for _ in range(ROUNDS // 5)
            ]
            device_gets = [
                _timed(lambda: client.get("/devices/get", params={"device_id": target}))
                for _ in range(ROUNDS)
            ]
            device_lists = [_timed(lambda: client.get("/devices/list")) for _ in range(ROUNDS)]
            creates: list[float] = []
            deletes: list[float] = []
            for n in range(ROUNDS):
                start = time.perf_counter()
                made = client.post(
                    "/access_codes/create", json={"device_id": target, "name": f"Bench {n}"}
                )
                creates.append(time.perf_counter() - start)
                made.raise_for_status()
                new_id = made.json()["access_code"]["access_code_id"]
                deletes.append(
                    _timed(
                        lambda new_id=new_id: client.request(  # type: ignore[misc]
                            "DELETE", "/access_codes/delete", params={"access_code_id": new_id}
                        )
                    )
                )
            assert daemon.proc is not None
            rss = rss_mb(daemon.proc.pid)
        finally:
            daemon.stop()
        starts = [_cold_start(daemon, len(devices)) for _ in range(5)]
        idle_rss, idle_cpu = _idle(daemon)
    locks.stop()
    write_results(
        "api_latency",
        {
            "machine": f"{platform.machine()} {platform.python_version()}",
            "store": {"locks": LOCKS, "codes_per_lock": CODES_PER_LOCK},
            "seed_creates_per_s": round(LOCKS * CODES_PER_LOCK / seed_seconds, 1),
            "get": summary_ms(gets),
            "list_100": summary_ms(lists),
            "list_1000": summary_ms(lists_1000),
            "device_get": summary_ms(device_gets),
            "device_list_50": summary_ms(device_lists),
            "create": summary_ms(creates),
            "delete": summary_ms(deletes),
            "daemon_rss_mb": rss,
            "cold_start_to_ready_s": {
                "p50": round(sorted(starts)[len(starts) // 2], 3),
                "max": round(max(starts), 3),
            },
            "idle_after_restart": {"rss_mb": idle_rss, "cpu_percent_of_a_core": idle_cpu},
        },
    )


if __name__ == "__main__":
    main()
