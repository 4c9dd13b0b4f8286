"""Fleet (docs/FLEET.md): what a front and its broker cost and carry. One real Mosquitto with the
fleet's ACL, a few real hub daemons and many simulated hubs (bench/fleet_sim_hub.py: each its
own MQTT connection speaking the hub side of the protocol), one front then two.

- overhead: the same calls on a real hub, made directly on its HTTP API and through a front
  (p50/p99 of each, and the difference);
- through a front to simulated hubs (no hub work: the front and the broker alone), a call
  naming an id no front has seen (asked of every hub at once) and a walk of every hub's devices;
- throughput: concurrent clients for a few seconds on one front, then on two fronts, with the
  CPU each process spent per call (what bounds one front and one broker on a bigger machine).

Run: .venv/bin/python -m bench.fleet [--hubs 500]  (make bench-fleet)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import httpx

from bench.common import ROOT, rss_mb, summary_ms, write_results
from bench.fleet_sim_hub import device_ids, hub_id
from tests.fleet.conftest import FRONT_USERS, fleet_broker
from tests.mqtt.broker import Mosquitto
from tests.support.daemon import Daemon
from tests.support.fleet import Front
from tests.support.process import wait_for_ready

SIM_PASSWORD = "sim-hub-secret"
FRONT_PASSWORD = "front-broker-secret"
REAL_HUBS = ("real-1", "real-2", "real-3")
SIM_PROCESSES = 2
SIM_DEVICES = 3
SAMPLES = 200
FAN_OUT_SAMPLES = 20
LOAD_SECONDS = 8.0
CONCURRENCY = 32
UNKNOWN_ID = "5f2c7a10-0c1e-4d5b-9a77-000000000000"


def _raise_fd_limit() -> int:
    """Mosquitto (started from here) and the sims hold a socket per hub: the hard limit."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _broker(folder: Path, sim_hubs: int) -> Mosquitto:
    """Set up as docs/mqtt-fleet-acl.example says (a user per hub and per front, client id =
    user name), Nagle off, no cap on connections."""
    users = {hub_id(i): SIM_PASSWORD for i in range(sim_hubs)}
    users |= {h: f"{h}-secret" for h in REAL_HUBS} | {u: FRONT_PASSWORD for u in FRONT_USERS}
    broker = fleet_broker(folder, users, FRONT_USERS)
    lines = [
        line + ("\nmax_connections -1" if line.startswith("listener ") else "")
        for line in broker.config.read_text().splitlines()
    ]
    broker.config.write_text("\n".join(lines) + "\n")
    broker.start()
    return broker


def _real_hub(folder: Path, broker: Mosquitto, name: str) -> Daemon:
    folder.mkdir()
    config = folder / "lockgw.toml"
    config.write_text(
        f'[mqtt]\nurl = "mqtt://127.0.0.1:{broker.port}"\nusername = "{name}"\n'
        f'password = "{name}-secret"\nhub_id = "{name}"\n\n[pool]\nsize = 0\n'
        + "".join(
            f'\n[[virtual_locks]]\nname = "{name} {n}"\nprofile = "zwave-250"\nref = "{name}-{n}"\n'
            for n in range(2)
        )
    )
    (folder / "data").mkdir()
    hub = Daemon(folder / "data", config=config, sim=False)
    hub.start()
    return hub


def _front(folder: Path, broker: Mosquitto, user: str, key_from: Front | None) -> Front:
    folder.mkdir()
    config = folder / "front.toml"
    config.write_text(
        f'[log]\nlevel = "WARNING"\n\n[mqtt]\nurl = "mqtt://127.0.0.1:{broker.port}"\n'
        f'username = "{user}"\npassword = "{FRONT_PASSWORD}"\n'
    )
    if key_from is None:
        (folder / "data").mkdir()
    front = Front(folder / "data", config=config, key_from=key_from)
    front.start()
    return front


def _sims(broker: Mosquitto, hubs: int, template: Path) -> list[subprocess.Popen[str]]:
    procs = []
    per = -(-hubs // SIM_PROCESSES)
    for first in range(0, hubs, per):
        proc = subprocess.Popen(
            [
                sys.executable, "-m", "bench.fleet_sim_hub", "--port", str(broker.port),
                "--first", str(first), "--count", str(min(per, hubs - first)),
                "--devices", str(SIM_DEVICES), "--password", SIM_PASSWORD,
                "--device-template", str(template),
            ],
            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        procs.append(proc)
    for proc in procs:
        wait_for_ready(proc, "sim hubs:", [], 300, "simulated hubs")
    return procs


def _online(front: Front) -> int:
    hubs = httpx.get(f"{front.url}/health", timeout=30).json()["hubs"]
    return sum(1 for h in hubs if h["online"])


def _wait(probe: Callable[[], bool], what: str, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not probe():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.05)


def _client(runner: Daemon) -> httpx.Client:
    auth = {"Authorization": f"Bearer {runner.key}"}
    return httpx.Client(base_url=runner.url, headers=auth, timeout=60)


def _timed(call: Callable[[], httpx.Response], samples: int) -> list[float]:
    for _ in range(10):  # warm up: connections, caches, the front learning ids
        call().raise_for_status()
    taken = []
    for _ in range(samples):
        started = time.perf_counter()
        response = call()
        taken.append(time.perf_counter() - started)
        if response.status_code >= 300:
            raise RuntimeError(f"{response.request.url}: {response.status_code} {response.text}")
    return taken


def _calls(client: httpx.Client, device_id: str) -> dict[str, Callable[[], httpx.Response]]:
    names = iter(range(10**9))
    return {
        "devices/get": lambda: client.get("/devices/get", params={"device_id": device_id}),
        "access_codes/list": lambda: client.get(
            "/access_codes/list", params={"device_id": device_id}
        ),
        "access_codes/create": lambda: client.post(
            "/access_codes/create", json={"device_id": device_id, "name": f"B{next(names)}"}
        ),
    }


def overhead(hub: Daemon, front: Front, device_id: str) -> dict[str, Any]:
    """The same calls directly on the hub and through the front (interleaved per kind)."""
    found: dict[str, Any] = {}
    with _client(hub) as direct, _client(front) as via:
        for (name, on_hub), on_front in zip(
            _calls(direct, device_id).items(), _calls(via, device_id).values(), strict=True
        ):
            d, f = summary_ms(_timed(on_hub, SAMPLES)), summary_ms(_timed(on_front, SAMPLES))
            found[name] = {
                "direct": d,
                "through_front": f,
                "overhead_p50_ms": round(f["p50_ms"] - d["p50_ms"], 3),
                "overhead_p99_ms": round(f["p99_ms"] - d["p99_ms"], 3),
            }
    return found


def across_fleet(front: Front, sim_devices: list[str]) -> dict[str, Any]:
    with _client(front) as via:
        get = summary_ms(
            _timed(
                lambda: via.get("/devices/get", params={"device_id": random.choice(sim_devices)}),
                SAMPLES,
            )
        )

        def unknown() -> httpx.Response:
            response = via.get("/access_codes/get", params={"access_code_id": UNKNOWN_ID})
            assert response.status_code == 404, response.text
            return httpx.Response(200, request=response.request)

        fan_out = summary_ms(_timed(unknown, FAN_OUT_SAMPLES))
        since = {"since": datetime.now(UTC).replace(hour=0, minute=0).isoformat(), "limit": "50"}
        events = summary_ms(_timed(lambda: via.get("/events/list", params=since), FAN_OUT_SAMPLES))
        started, devices, pages, cursor = time.perf_counter(), 0, 0, None
        while True:
            params = {"limit": "500"} | ({"page_cursor": cursor} if cursor else {})
            page = via.get("/devices/list", params=params).json()
            devices, pages = devices + len(page["devices"]), pages + 1
            cursor = page["pagination"]["next_page_cursor"]
            if not cursor:
                break
        walk = time.perf_counter() - started
    return {
        "devices_get_on_a_simulated_hub": get,
        "access_codes_get_unknown_id_asks_every_hub": fan_out,
        "events_list_merges_every_hub": events,
        "walk_every_device": {
            "devices": devices,
            "pages_of_500": pages,
            "seconds": round(walk, 3),
        },
    }


async def _load(targets: Sequence[Daemon], device_ids: list[str], seconds: float) -> list[int]:
    """CONCURRENCY clients spread over the targets (fronts, or a hub), devices/get on random
    devices; the calls each target answered."""
    done = [0] * len(targets)
    failed = 0
    stop_at = time.monotonic() + seconds

    async def worker(n: int, session: aiohttp.ClientSession) -> None:
        nonlocal failed
        which = n % len(targets)
        url, auth = f"{targets[which].url}/devices/get", f"Bearer {targets[which].key}"
        while time.monotonic() < stop_at:
            params = {"device_id": random.choice(device_ids)}
            async with session.get(url, params=params, headers={"Authorization": auth}) as answer:
                await answer.read()
                if answer.status == 200:
                    done[which] += 1
                else:
                    failed += 1

    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(worker(n, session) for n in range(CONCURRENCY)))
    if failed:
        raise RuntimeError(f"{failed} calls failed under load")
    return done


def throughput(
    targets: Sequence[Daemon], device_ids: list[str], pids: dict[str, int]
) -> dict[str, Any]:
    """Calls per second under load, and the CPU each process spent per call."""
    before = {name: _cpu_seconds(pid) for name, pid in pids.items()}
    started = time.monotonic()
    done = asyncio.run(_load(targets, device_ids, LOAD_SECONDS))
    elapsed = time.monotonic() - started
    calls = sum(done)
    cpu = {name: _cpu_seconds(pid) - before[name] for name, pid in pids.items()}
    return {
        "concurrent_clients": CONCURRENCY,
        "seconds": round(elapsed, 2),
        "calls_per_second": round(calls / elapsed, 1),
        "calls_per_second_per_target": [round(n / elapsed, 1) for n in done],
        "cpu_ms_per_call": {name: round(1000 * spent / calls, 3) for name, spent in cpu.items()},
        "cpu_share": {name: round(spent / elapsed, 2) for name, spent in cpu.items()},
        # A single-threaded process on a core of its own tops out near this many calls a second.
        "calls_per_cpu_second": {
            name: round(calls / spent) for name, spent in cpu.items() if spent > 0.1
        },
    }


def _pid(runner: Daemon) -> int:
    assert runner.proc is not None
    return runner.proc.pid


def main() -> None:
    parser = argparse.ArgumentParser(description="fleet bench")
    parser.add_argument("--hubs", type=int, default=500, help="simulated hubs")
    args = parser.parse_args()
    fd_limit = _raise_fd_limit()
    results: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "fd_limit": fd_limit},
        "simulated_hubs": args.hubs,
        "real_hubs": len(REAL_HUBS),
    }
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        (folder / "broker").mkdir()
        broker = _broker(folder / "broker", args.hubs)
        hubs: list[Daemon] = []
        fronts: list[Front] = []
        sims: list[subprocess.Popen[str]] = []
        try:
            hubs = [_real_hub(folder / name, broker, name) for name in REAL_HUBS]
            with _client(hubs[0]) as direct:
                device = direct.get("/devices/list").json()["devices"][0]
            template = folder / "device.json"
            template.write_text(json.dumps(device))
            started = time.monotonic()
            sims = _sims(broker, args.hubs, template)
            results["sim_hubs_connected_seconds"] = round(time.monotonic() - started, 2)
            fleet_size = args.hubs + len(REAL_HUBS)
            started = time.monotonic()
            fronts.append(_front(folder / "front-1", broker, FRONT_USERS[0], None))
            _wait(lambda: _online(fronts[0]) == fleet_size, "the front learns every hub")
            results["front_start_to_every_hub_known_seconds"] = round(time.monotonic() - started, 2)
            sim_devices = [d for i in range(args.hubs) for d in device_ids(hub_id(i), SIM_DEVICES)]
            results["overhead_on_a_real_hub"] = overhead(hubs[0], fronts[0], device["device_id"])
            results["through_one_front"] = across_fleet(fronts[0], sim_devices)
            assert broker.proc is not None
            others = {"mosquitto": broker.proc.pid, "load_generator": os.getpid()}
            others |= {f"sims_{n + 1}": p.pid for n, p in enumerate(sims)}
            results["throughput_direct_on_a_real_hub"] = throughput(
                [hubs[0]], [device["device_id"]], {"hub": _pid(hubs[0]), **others}
            )
            results["throughput_one_front"] = throughput(
                fronts, sim_devices, {"front_1": _pid(fronts[0]), **others}
            )
            fronts.append(_front(folder / "front-2", broker, FRONT_USERS[1], fronts[0]))
            _wait(lambda: _online(fronts[1]) == fleet_size, "the second front learns every hub")
            front_pids = {f"front_{n + 1}": _pid(f) for n, f in enumerate(fronts)}
            results["throughput_two_fronts"] = throughput(
                fronts, sim_devices, {**front_pids, **others}
            )
            results["rss_mb"] = {
                "mosquitto": rss_mb(broker.proc.pid),
                "front": [rss_mb(_pid(f)) for f in fronts],
                "sim_process": [rss_mb(p.pid) for p in sims],
                "real_hub": rss_mb(_pid(hubs[0])),
            }
        finally:
            for runner in [*fronts, *hubs]:
                runner.stop()
            for proc in sims:
                proc.terminate()
                proc.wait(30)
            broker.stop()
    write_results("fleet", results)


if __name__ == "__main__":
    main()
