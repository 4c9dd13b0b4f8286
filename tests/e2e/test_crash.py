"""kill -9 at random moments while 200 codes are being programmed on locks that live in another
process: after restart everything converges, with nothing lost, duplicated or stale."""

from __future__ import annotations

import random
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.daemon import Daemon
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

LOCKS = {f"unit-{n}": "zwave-250" for n in range(4)}
CODES = 200
CYCLES = 20


@pytest.fixture
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer(LOCKS, delay=0.01)
    yield server
    server.stop()


def _client(daemon: Daemon) -> httpx.Client:
    return httpx.Client(
        base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}, timeout=10
    )


def _all_codes(client: httpx.Client, device_ids: list[str]) -> dict[str, dict[str, str]]:
    found = {}
    for device_id in device_ids:
        body = client.get("/access_codes/list", params={"device_id": device_id}).json()
        for code in body["access_codes"]:
            found[code["access_code_id"]] = code
    return found


def test_kill_9_at_random_moments_then_restart_converges(
    tmp_path: Path, lock_server: VirtualLockServer
) -> None:
    rng = random.Random(20261121)
    config = tmp_path / "lockgw.toml"
    config.write_text(f'[virtual_server]\nurl = "{lock_server.url}"\n')
    daemon = Daemon(tmp_path, config=config, sim=False)
    daemon.start()
    client = _client(daemon)
    devices = {
        d["device_id"]: d["display_name"] for d in client.get("/devices/list").json()["devices"]
    }
    device_ids = sorted(devices)
    declared: dict[str, str] = {}  # access_code_id -> PIN
    for n in range(CODES):
        body = client.post(
            "/access_codes/create",
            json={"device_id": device_ids[n % len(device_ids)], "name": f"Guest {n}"},
        ).json()
        declared[body["access_code"]["access_code_id"]] = body["access_code"]["code"]
    deleted: set[str] = set()

    kills = 0
    for cycle in range(CYCLES):
        time.sleep(rng.uniform(0.0, 0.4))  # let it program for a random while, then pull the plug
        daemon.kill()
        kills += 1
        daemon.start()
        client = _client(daemon)
        # Change the declaration between crashes too: some deletes, some new codes.
        victims = rng.sample(sorted(set(declared) - deleted), 5)
        for access_code_id in victims:
            client.request(
                "DELETE", "/access_codes/delete", params={"access_code_id": access_code_id}
            )
            deleted.add(access_code_id)
        body = client.post(
            "/access_codes/create",
            json={"device_id": rng.choice(device_ids), "name": f"Late {cycle}"},
        ).json()
        declared[body["access_code"]["access_code_id"]] = body["access_code"]["code"]
    assert kills >= 20

    live = {i: pin for i, pin in declared.items() if i not in deleted}

    def converged() -> bool:
        codes = _all_codes(client, device_ids)
        return set(codes) == set(live) and all(c["status"] == "set" for c in codes.values())

    eventually(converged, timeout=60, interval=0.2)
    codes = _all_codes(client, device_ids)
    assert {i: c["code"] for i, c in codes.items()} == live, "a code was lost or changed"
    on_locks: dict[str, list[str]] = {}
    for device_id in device_ids:
        ref = next(r for r in LOCKS if r.replace("-", " ").title() == devices[device_id])
        held = lock_server.codes(ref)
        assert not [p for p, n in Counter(held.values()).items() if n > 1], (
            "duplicate PIN on a lock"
        )
        on_locks[device_id] = sorted(held.values())
        expected = sorted(live[i] for i, c in codes.items() if c["device_id"] == device_id)
        assert on_locks[device_id] == expected, "a lock holds a stale or missing code"
    assert daemon.stop() == 0
