"""Webhooks: latency from a state change to the webhook received, and outbox throughput.

Run: .venv/bin/python -m bench.events
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

import httpx

from bench.common import summary_ms, write_results
from gateway.domain.timefmt import parse_iso
from gateway.webhooks.signing import new_secret
from tests.support.daemon import Daemon
from tests.support.receiver import Receiver

CODES = 200
BACKLOG_CODES = 500


def _daemon(tmp: Path, receiver: Receiver) -> tuple[Daemon, httpx.Client, str]:
    config = tmp / "bench.toml"
    config.write_text(
        '[[virtual_locks]]\nname = "Front"\nprofile = "zwave-250"\nref = "bench-front"\n\n'
        f'[[webhooks]]\nurl = "{receiver.url}"\nsecret = "{new_secret()}"\n\n'
        "[webhook_delivery]\nfirst_retry_seconds = 0.05\n"
    )
    daemon = Daemon(tmp, config=config, sim=False)
    daemon.start()
    client = httpx.Client(
        base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}, timeout=30
    )
    device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
    return daemon, client, device_id


def _events(client: httpx.Client) -> list[dict[str, object]]:
    params = {"since": "2000-01-01T00:00:00Z", "limit": 10000}
    events: list[dict[str, object]] = client.get("/events/list", params=params).json()["events"]
    return events


def _wait_for(receiver: Receiver, count: int, timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while len(receiver.snapshot()) < count:
        if time.monotonic() > deadline:
            raise TimeoutError(f"{len(receiver.snapshot())} of {count} webhooks")
        time.sleep(0.05)


def latency() -> dict[str, object]:
    receiver = Receiver()
    with tempfile.TemporaryDirectory() as tmp:
        daemon, client, device_id = _daemon(Path(tmp), receiver)
        try:
            for n in range(CODES):
                client.post("/access_codes/create", json={"device_id": device_id, "name": f"{n}"})
                time.sleep(0.01)  # a steady trickle, as real changes come
            total = len(_events(client))
            _wait_for(receiver, total)
            time.sleep(1.0)
            total = len(_events(client))
            _wait_for(receiver, total)
        finally:
            daemon.stop()
            receiver.stop()
    samples = []
    for hit in receiver.snapshot():
        event = json.loads(hit.body)
        samples.append(hit.at - parse_iso(event["created_at"]).timestamp())
    return summary_ms(samples)


def throughput() -> dict[str, float]:
    receiver = Receiver(up=False)
    with tempfile.TemporaryDirectory() as tmp:
        daemon, client, device_id = _daemon(Path(tmp), receiver)
        try:
            for n in range(BACKLOG_CODES):
                client.post("/access_codes/create", json={"device_id": device_id, "name": f"{n}"})
            events = _events(client)
            time.sleep(1.0)  # let every code reach the lock, so the backlog is complete
            total = len(_events(client))
            assert total >= len(events)
            receiver.up = True
            _wait_for(receiver, total)
            arrivals = [hit.at for hit in receiver.snapshot()]
            seconds = max(arrivals) - min(arrivals)  # from the first retry that got through
        finally:
            daemon.stop()
            receiver.stop()
    return {
        "backlog_events": total,
        "drain_s": round(seconds, 2),
        "events_per_s": round(total / seconds, 1),
    }


def main() -> None:
    write_results("events", {"delivery_latency": latency(), "outbox_drain": throughput()})


if __name__ == "__main__":
    main()
