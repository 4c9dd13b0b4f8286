"""Convergence: 1000 time-bound codes over 20 simulated locks.

Measures, from the gateway's own event timestamps, the time from create to `set` and from
ends_at to removed from the lock, and counts the driver operations per code life cycle on the
locks themselves (they run in their own process with a per-operation radio delay).
Run: .venv/bin/python -m bench.convergence
"""

from __future__ import annotations

import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.common import write_results
from gateway.domain.timefmt import parse_iso, to_iso
from tests.support.daemon import Daemon
from tests.support.virtual_server import VirtualLockServer

LOCK_COUNT = 20
CODES = 1000
RADIO_DELAY = 0.05  # seconds per slot operation, about a Z-Wave user-code round trip
WINDOW = timedelta(seconds=40)


def _events(client: httpx.Client, event_type: str, since: datetime) -> list[dict[str, str]]:
    body = client.get(
        "/events/list",
        params={"since": to_iso(since), "event_type": event_type, "limit": 10_000},
    ).json()
    events: list[dict[str, str]] = body["events"]
    return events


def _summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pick(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 3)

    return {"n": len(ordered), "p50_s": pick(0.5), "p99_s": pick(0.99), "max_s": ordered[-1]}


def main() -> None:
    locks = {f"unit-{n:02d}": "zwave-250" for n in range(LOCK_COUNT)}
    server = VirtualLockServer(locks, delay=RADIO_DELAY)
    with tempfile.TemporaryDirectory() as tmp:
        config = Path(tmp) / "bench.toml"
        config.write_text(f'[virtual_server]\nurl = "{server.url}"\n')
        daemon = Daemon(Path(tmp), config=config, sim=False)
        daemon.start()
        try:
            client = httpx.Client(
                base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}, timeout=30
            )
            device_ids = [d["device_id"] for d in client.get("/devices/list").json()["devices"]]
            baseline = {ref: server.operations(ref) for ref in locks}
            start = datetime.now(UTC)
            ends_at = start + WINDOW
            for n in range(CODES):
                client.post(
                    "/access_codes/create",
                    json={
                        "device_id": device_ids[n % LOCK_COUNT],
                        "name": f"Guest {n}",
                        "starts_at": to_iso(start - timedelta(minutes=1)),
                        "ends_at": to_iso(ends_at),
                    },
                ).raise_for_status()
            created_s = (datetime.now(UTC) - start).total_seconds()
            deadline = time.monotonic() + 300
            while len(_events(client, "access_code.set_on_device", start)) < CODES:
                if time.monotonic() > deadline:
                    raise TimeoutError("codes not set in time")
                time.sleep(0.5)
            while len(_events(client, "access_code.removed_from_device", start)) < CODES:
                if time.monotonic() > deadline:
                    raise TimeoutError("codes not removed in time")
                time.sleep(0.5)
            created = {
                e["access_code_id"]: parse_iso(e["created_at"])
                for e in _events(client, "access_code.created", start)
            }
            set_s = [
                (parse_iso(e["created_at"]) - created[e["access_code_id"]]).total_seconds()
                for e in _events(client, "access_code.set_on_device", start)
            ]
            removed_s = [
                (parse_iso(e["created_at"]) - ends_at).total_seconds()
                for e in _events(client, "access_code.removed_from_device", start)
            ]
            ops: dict[str, int] = {}
            for ref in locks:
                after = server.operations(ref)
                for op, count in after.items():
                    ops[op] = ops.get(op, 0) + count - baseline[ref].get(op, 0)
        finally:
            daemon.stop()
            server.stop()
    per_code = {op: round(count / CODES, 3) for op, count in sorted(ops.items())}
    write_results(
        "convergence",
        {
            "locks": LOCK_COUNT,
            "codes": CODES,
            "radio_delay_s": RADIO_DELAY,
            "api_create_all_s": round(created_s, 2),
            "create_to_set": _summary(set_s),
            "ends_at_to_removed": _summary(removed_s),
            "driver_ops_per_code_life_cycle": per_code,
        },
    )


if __name__ == "__main__":
    main()
