"""The hub's disk fills up, or another process holds the database: the API says so clearly,
nothing half-applies, the event loop keeps serving, and once the fault is gone every lock
converges with no daemon restart."""

from __future__ import annotations

import errno
import os
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from gateway.store.db import DB_FILE
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

LOCKS = {"flat-1": "zwave-250", "flat-2": "zwave-250"}


@pytest.fixture
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer(LOCKS, delay=0.02)  # programming takes a while, as on a radio
    yield server
    server.stop()


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """The hub's data dir on its own 16 MiB file system, so it can really fill up."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(mount)], check=True
    )
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def _start(data_dir: Path, server: VirtualLockServer) -> Daemon:
    config = data_dir / "lockgw.toml"
    config.write_text(f'[virtual_server]\nurl = "{server.url}"\n\n[pool]\nsize = 0\n')
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    return daemon


def _fill(disk: Path) -> Path:
    """Write a file until the file system says it is full."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    with filler.open("wb") as out:
        try:
            while True:
                out.write(chunk)
                out.flush()
        except OSError as exc:
            assert exc.errno == errno.ENOSPC, exc
    return filler


def _devices(seam: Seam) -> dict[str, str]:
    """Lock ref -> device_id (the virtual locks' names are their refs, titled)."""
    by_name = {d.display_name: d.device_id for d in seam.devices.list()}
    return {ref: by_name[ref.replace("-", " ").title()] for ref in LOCKS}


def _converged(seam: Seam, server: VirtualLockServer, ref: str, device_id: str) -> bool:
    codes = seam.access_codes.list(device_id=device_id)
    held = server.codes(ref)
    return all(c.status == "set" for c in codes) and sorted(held.values()) == sorted(
        c.code for c in codes
    )


def test_a_full_disk_mid_programming_answers_clearly_and_converges_once_freed(
    small_disk: Path, lock_server: VirtualLockServer, openapi: SeamOpenApi
) -> None:
    daemon = _start(small_disk, lock_server)
    try:
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            device_ids = _devices(seam)
            for n in range(30):
                ref = list(LOCKS)[n % 2]
                seam.access_codes.create(
                    device_id=device_ids[ref], name=f"Guest {n}", code=f"{4100 + n * 37}"
                )
            filler = _fill(small_disk)  # while the codes are being programmed
            with pytest.raises(SeamHttpApiError) as refused:
                seam.access_codes.create(device_id=device_ids["flat-1"], name="Late", code="9315")
            assert refused.value.status_code == 507
            assert refused.value.code == "hub_store_full"
            assert "disk is full" in str(refused.value)
            health = httpx.get(f"{daemon.url}/health").json()
            assert health["status"] == "degraded"
            assert health["components"]["store"] == "full"
            time.sleep(6)  # the fault itself: the disk stays full for 6 s
            filler.unlink()
            for ref, device_id in device_ids.items():
                eventually(
                    lambda r=ref, d=device_id: _converged(seam, lock_server, r, d),
                    timeout=60,
                    interval=0.2,
                )
                held = Counter(lock_server.codes(ref).values())
                assert len(held) == 15 and set(held.values()) == {1}, held
            assert "Late" not in {
                c.name for c in seam.access_codes.list(device_id=device_ids["flat-1"])
            }
            late = seam.access_codes.create(
                device_id=device_ids["flat-1"], name="Late", code="9315"
            )
            eventually(
                lambda: seam.access_codes.get(access_code_id=late.access_code_id).status == "set",
                timeout=30,
            )
            assert "9315" in lock_server.codes("flat-1").values()
            eventually(
                lambda: httpx.get(f"{daemon.url}/health").json()["components"]["store"] == "ok"
            )
        assert "store fault" in daemon.log()  # the reconcilers met the full disk too
        assert "Traceback" not in daemon.log()
    finally:
        daemon.kill()


def test_another_process_holding_the_database_neither_stalls_the_api_nor_fails_a_create(
    tmp_path: Path, lock_server: VirtualLockServer, openapi: SeamOpenApi
) -> None:
    daemon = _start(tmp_path, lock_server)
    try:
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            device_id = _devices(seam)["flat-2"]
            holder = sqlite3.connect(tmp_path / DB_FILE, isolation_level=None)
            holder.execute("BEGIN IMMEDIATE")  # e.g. a backup tool, or `sqlite3` by hand
            with ThreadPoolExecutor(1) as pool:
                created = pool.submit(
                    seam.access_codes.create,
                    device_id=device_id,
                    name="During the hold",
                    code="6271",
                )
                held_since = time.monotonic()
                # The event loop keeps serving while the write waits: each answer comes long
                # before the 5 s hold is over (a stalled loop would time these out).
                answers = 0
                while time.monotonic() - held_since < 5:
                    response = httpx.get(f"{daemon.url}/health", timeout=1.5)
                    assert response.status_code == 200
                    answers += 1
                assert not created.done()
                holder.execute("ROLLBACK")
                code = created.result(timeout=15)
            assert answers >= 3
            eventually(
                lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set",
                timeout=30,
            )
            assert "6271" in lock_server.codes("flat-2").values()
        assert "Traceback" not in daemon.log()
    finally:
        daemon.kill()
        os.sync()


def test_a_database_deleted_under_the_daemon_is_refused_not_silently_forgotten(
    tmp_path: Path, lock_server: VirtualLockServer
) -> None:
    daemon = _start(tmp_path, lock_server)
    try:
        client = httpx.Client(
            base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}
        )
        device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
        for leftover in tmp_path.glob(f"{DB_FILE}*"):
            leftover.unlink()  # by hand, by mistake
        response = client.post("/access_codes/create", json={"device_id": device_id})
        assert response.status_code == 503, response.text
        assert response.json()["error"]["type"] == "hub_store_io_error"
        assert httpx.get(f"{daemon.url}/health").json()["components"]["store"] == "io_error"
        doctor = subprocess.run(
            [sys.executable, "-m", "gateway", "doctor", "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert doctor.returncode == 1 and "MISSING" in doctor.stdout, doctor.stdout
        assert not (tmp_path / DB_FILE).exists()  # doctor did not make a new, empty one
    finally:
        daemon.kill()
    again = subprocess.run(
        [sys.executable, "-m", "gateway", "serve", "--data-dir", str(tmp_path), "--port", "0"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert again.returncode == 1 and "is missing from a data dir in use before" in again.stderr
    assert len(again.stderr.strip().splitlines()) == 1, again.stderr
