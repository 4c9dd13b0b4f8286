"""The daemon's own loops (webhook delivery, the clock watch) meet a store fault: each goes on
with a pause and one log line, never a storm and never a silent stop."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from gateway.clock.trusted import TrustedClock
from gateway.engine.clock_watch import watch_clock
from gateway.store.db import DB_FILE, Store
from tests.support.api import client_for
from tests.support.daemon import Daemon
from tests.support.receiver import Receiver
from tests.support.wait import eventually

LOCK = '[[virtual_locks]]\nname = "Front door"\nprofile = "zwave-30"\nref = "faults-front"\n'


@pytest.fixture
def slow_receiver() -> Iterator[Receiver]:
    server = Receiver(delay=1.0)  # the POST is in flight while the store gets locked
    yield server
    server.stop()


def test_a_delivery_that_cannot_be_recorded_is_not_resent_in_a_storm(
    tmp_path: Path, slow_receiver: Receiver
) -> None:
    config = tmp_path / "lockgw.toml"
    config.write_text(
        f'{LOCK}\n[[webhooks]]\nurl = "{slow_receiver.url}"\nsecret = '
        '"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"\n'
    )
    daemon = Daemon(tmp_path, config=config, sim=False)
    daemon.start()
    try:
        client = client_for(daemon)
        device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
        assert client.post("/access_codes/create", json={"device_id": device_id}).is_success
        eventually(lambda: slow_receiver.received or None, timeout=15)  # deliveries flow
        before = len(slow_receiver.snapshot())
        assert client.post("/access_codes/create", json={"device_id": device_id}).is_success
        holder = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the outcome of the POST now in flight cannot be saved
        held_since = time.monotonic()
        eventually(lambda: time.monotonic() - held_since > 8 or None, timeout=12, interval=0.2)
        during = slow_receiver.snapshot()[before:]
        holder.execute("ROLLBACK")
        per_message = Counter(json.loads(r.body)["event_id"] for r in during)
        assert per_message and max(per_message.values()) <= 4, per_message  # not a storm
        log = daemon.log()
        assert log.count("recording a delivery failed") <= 4
        assert "Task exception was never retrieved" not in log and "Traceback" not in log
    finally:
        daemon.kill()


async def test_the_clock_watch_outlives_a_store_fault_and_saves_again_after_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    store = Store(tmp_path)
    store.wait_when_busy(10)
    clock = TrustedClock(store)
    holder = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    watch = asyncio.create_task(watch_clock(store, clock, look_every=0.01, save_every=0.05))
    try:
        with caplog.at_level(logging.WARNING):
            for _ in range(500):
                if "saving the trusted time failed" in caplog.text:
                    break
                await asyncio.sleep(0.01)
        assert "saving the trusted time failed" in caplog.text
        assert not watch.done()
        holder.execute("ROLLBACK")
        for _ in range(500):
            if store.get_meta("last_trusted_time") is not None:
                break
            await asyncio.sleep(0.01)
        assert store.get_meta("last_trusted_time") is not None
        assert not watch.done()
    finally:
        watch.cancel()
        store.close()


def test_a_daemon_started_on_a_full_disk_says_so_in_one_line(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    disk.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(disk)], check=True)
    try:
        with (disk / "filler").open("wb") as out:
            try:
                while True:
                    out.write(b"\0" * 65536)
                    out.flush()
            except OSError:
                pass
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "gateway",
                "serve",
                "--data-dir",
                str(disk / "hub"),
                "--port",
                "0",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 1 and len(lines) == 1, result.stderr
        assert "No space left" in lines[0] or "disk is full" in lines[0]
        assert "Traceback" not in result.stderr
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)
