"""The hub side by side with Seam's own in-memory fake of its cloud API.

Seam publishes `@seamapi/fake-seam-connect` (pinned in bench/fake-seam/package-lock.json): its
cloud API held in memory, nothing written anywhere. This bench starts it and the hub (one
virtual lock in its own process, as a real lock is a device of its own; SQLite on disk, every
mutation committed before it answers), seeds 200 codes
on one lock of each, then times every call both serve, interleaved call by call over the same
keep-alive HTTP client setup, and reports the median ratio hub / fake per call.

Run: make bench-vs-fake   (or .venv/bin/python -m bench.vs_fake after npm ci in bench/fake-seam)
"""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, percentile, rss_mb, write_results
from tests.support.daemon import Daemon, free_port
from tests.support.virtual_server import VirtualLockServer

FAKE_DIR = ROOT / "bench" / "fake-seam"
FAKE_BIN = FAKE_DIR / "node_modules" / "@seamapi" / "fake-seam-connect" / "dist" / "server.js"
FAKE_KEY = "seam_apikey1_token"  # the fake's seeded workspace
FAKE_DEVICE = "august_device_1"
CODES = 200
ROUNDS = 300


@dataclass
class Server:
    name: str
    client: httpx.Client
    device_id: str
    code_ids: list[str]

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(path, json=body)
        if response.status_code != 200:
            raise RuntimeError(f"{self.name} {path}: {response.status_code} {response.text[:300]}")
        result: dict[str, Any] = response.json()
        return result


@contextmanager
def fake_seam() -> Iterator[httpx.Client]:
    if not FAKE_BIN.exists():
        raise SystemExit("run `npm ci` in bench/fake-seam first (make bench-vs-fake does)")
    port = free_port()
    proc = subprocess.Popen(
        ["node", str(FAKE_BIN), "--seed"],
        env={**os.environ, "PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = httpx.Client(
        base_url=f"http://127.0.0.1:{port}",
        headers={"Authorization": f"Bearer {FAKE_KEY}"},
        timeout=30,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                client.post("/devices/list", json={})
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield client
    finally:
        client.close()
        proc.terminate()
        proc.wait(10)


def _seed(server: Server) -> None:
    for n in range(CODES):
        made = server.post(
            "/access_codes/create",
            {"device_id": server.device_id, "name": f"Seed {n}", "code": f"{1000 + n * 7:04d}"},
        )
        server.code_ids.append(made["access_code"]["access_code_id"])


def _calls(server: Server) -> dict[str, Callable[[], object]]:
    device = {"device_id": server.device_id}
    code = {"access_code_id": server.code_ids[CODES // 2]}
    attempt = server.post("/locks/unlock_door", device)["action_attempt"]["action_attempt_id"]
    counter = iter(range(10**9))
    made: list[str] = []  # the code the last create made: update and delete take it next

    def create() -> None:
        n = next(counter)
        body = {**device, "name": f"Bench {n}", "code": f"{5000 + n % 4000}"}
        made.append(server.post("/access_codes/create", body)["access_code"]["access_code_id"])

    def update() -> None:
        server.post("/access_codes/update", {"access_code_id": made[-1], "name": "Renamed"})

    def delete() -> None:
        server.post("/access_codes/delete", {"access_code_id": made.pop()})

    return {
        "devices/get": lambda: server.post("/devices/get", device),
        "devices/list": lambda: server.post("/devices/list", {}),
        "locks/get": lambda: server.post("/locks/get", device),
        "locks/list": lambda: server.post("/locks/list", {}),
        "access_codes/get": lambda: server.post("/access_codes/get", code),
        "access_codes/list (200)": lambda: server.post("/access_codes/list", device),
        "action_attempts/get": lambda: server.post(
            "/action_attempts/get", {"action_attempt_id": attempt}
        ),
        "events/list": lambda: server.post(
            "/events/list", {**device, "since": "2000-01-01T00:00:00Z", "limit": 50}
        ),
        "access_codes/create": create,
        "access_codes/update": update,
        "access_codes/delete": delete,
    }


def commit_floor(data: Path, gap: float, rounds: int = 300) -> float:
    """The p50 of the least a durable change costs on this disk: one row committed to a SQLite
    WAL with synchronous=FULL (an fdatasync), `gap` seconds apart (the bench's cadence: the
    hub's disk rests while the fake answers). Every hub write pays this before it answers."""
    conn = sqlite3.connect(data / "floor.sqlite3", isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (n INTEGER)")
    samples = []
    for n in range(rounds):
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO t VALUES (?)", (n,))
        conn.execute("COMMIT")
        samples.append(time.perf_counter() - start)
        if gap:
            time.sleep(gap)
    conn.close()
    return round(percentile(samples, 50) * 1000, 3)


def _time(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main() -> None:
    locks = VirtualLockServer({"vs-fake": "zwave-250"})
    with tempfile.TemporaryDirectory() as tmp, fake_seam() as fake_client:
        data = Path(tmp)
        (data / "bench.toml").write_text(f'[virtual_server]\nurl = "{locks.url}"\n')
        daemon = Daemon(data, config=data / "bench.toml", sim=False)
        daemon.start()
        try:
            hub_client = httpx.Client(
                base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}, timeout=30
            )
            hub_device = hub_client.post("/devices/list", json={}).json()["devices"][0]
            hub = Server("hub", hub_client, hub_device["device_id"], [])
            fake = Server("fake", fake_client, FAKE_DEVICE, [])
            for server in (hub, fake):
                _seed(server)
            calls = {s.name: _calls(s) for s in (hub, fake)}
            samples: dict[str, dict[str, list[float]]] = {"hub": {}, "fake": {}}
            names = list(calls["hub"])
            for _ in range(ROUNDS):
                for name in names:  # interleaved: each call on the hub, then on the fake
                    for server in (hub, fake):
                        elapsed = _time(calls[server.name][name])
                        samples[server.name].setdefault(name, []).append(elapsed)
            assert daemon.proc is not None
            hub_rss = rss_mb(daemon.proc.pid)
        finally:
            daemon.stop()
            locks.stop()
        floor = {
            "back_to_back_ms": commit_floor(data, 0),
            "every_2_ms_ms": commit_floor(data, 0.002),
        }
    table: dict[str, dict[str, float]] = {}
    for name in samples["hub"]:
        hub_p50 = percentile(samples["hub"][name], 50) * 1000
        fake_p50 = percentile(samples["fake"][name], 50) * 1000
        table[name] = {
            "hub_p50_ms": round(hub_p50, 3),
            "hub_p99_ms": round(percentile(samples["hub"][name], 99) * 1000, 3),
            "fake_p50_ms": round(fake_p50, 3),
            "fake_p99_ms": round(percentile(samples["fake"][name], 99) * 1000, 3),
            "ratio_p50": round(hub_p50 / fake_p50, 2),
        }
    write_results(
        "vs_fake",
        {
            "machine": platform.machine(),
            "python": platform.python_version(),
            "fake": "@seamapi/fake-seam-connect 1.86.0 (in memory)",
            "hub": "lockgw, SQLite on disk, one virtual lock in its own process",
            "codes_on_the_lock": CODES,
            "rounds": ROUNDS,
            "hub_rss_mb": hub_rss,
            "durable_commit_p50": floor,
            "calls": table,
        },
    )
    width = max(len(n) for n in table)
    print(f"\n{'call':<{width}}  hub p50  fake p50  ratio")
    for name, row in table.items():
        print(
            f"{name:<{width}}  {row['hub_p50_ms']:6.2f}  {row['fake_p50_ms']:7.2f}  "
            f"{row['ratio_p50']:5.2f}"
        )
    print(
        f"a durable commit of one row on this disk (p50): {floor['back_to_back_ms']} ms back to "
        f"back, {floor['every_2_ms_ms']} ms every 2 ms"
    )


if __name__ == "__main__":
    main()
