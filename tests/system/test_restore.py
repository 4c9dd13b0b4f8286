"""`lockgw restore`: refused while the daemon runs; offline, the next start checks every lock
against the restored store (the locks live in their own process and keep their codes)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.support.api import client_for, code_status
from tests.support.daemon import Daemon
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

REF = "front"


def lockgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args], capture_output=True, text=True, check=False
    )


@pytest.fixture(params=["zwave-250", "zwave-30"], ids=["checksum-lock", "no-checksum-lock"])
def lock_server(request: pytest.FixtureRequest) -> Iterator[VirtualLockServer]:
    server = VirtualLockServer({REF: request.param})
    yield server
    server.stop()


def _daemon(tmp_path: Path, lock_server: VirtualLockServer) -> Daemon:
    config = tmp_path / "lockgw.toml"
    config.write_text(f'[virtual_server]\nurl = "{lock_server.url}"\n')
    daemon = Daemon(tmp_path / "data", config=config, sim=False)
    daemon.start()
    return daemon


def _device_id(client: httpx.Client) -> str:
    return str(client.get("/devices/list").json()["devices"][0]["device_id"])


def _create_set(client: httpx.Client, device_id: str, name: str, pin: str) -> dict[str, Any]:
    body = {"device_id": device_id, "name": name, "code": pin}
    code: dict[str, Any] = client.post("/access_codes/create", json=body).json()["access_code"]
    eventually(lambda: code_status(client, code["access_code_id"]) == "set")
    return code


def _unmanaged_pins(client: httpx.Client, device_id: str) -> set[str]:
    body = client.get("/access_codes/unmanaged/list", params={"device_id": device_id}).json()
    return {c["code"] for c in body["access_codes"]}


def _slot_of(lock_server: VirtualLockServer, pin: str) -> int | None:
    return next((s for s, p in lock_server.codes(REF).items() if p == pin), None)


def test_restore_is_refused_while_the_daemon_runs_and_changes_nothing(
    tmp_path: Path, lock_server: VirtualLockServer
) -> None:
    daemon = _daemon(tmp_path, lock_server)
    data = str(daemon.data_dir)
    try:
        assert daemon.proc is not None
        client = client_for(daemon)
        device_id = _device_id(client)
        backup = tmp_path / "backup.sqlite3"
        assert lockgw("backup", str(backup), "--data-dir", data).returncode == 0
        after = _create_set(client, device_id, "After backup", "482913")

        refused = lockgw("restore", str(backup), "--data-dir", data)

        assert refused.returncode != 0
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1 and f"pid {daemon.proc.pid}" in lines[0], refused.stderr
        assert code_status(client, after["access_code_id"]) == "set"
        later = _create_set(client, device_id, "Later", "730561")
        assert set(lock_server.codes(REF).values()) == {"482913", "730561"}
        assert code_status(client, later["access_code_id"]) == "set"
    finally:
        assert daemon.stop() == 0, daemon.log()


def test_after_an_offline_restore_a_code_made_since_the_backup_is_unmanaged_and_kept(
    tmp_path: Path, lock_server: VirtualLockServer
) -> None:
    daemon = _daemon(tmp_path, lock_server)
    data = str(daemon.data_dir)
    client = client_for(daemon)
    device_id = _device_id(client)
    kept = _create_set(client, device_id, "Kept", "615243")
    backup = tmp_path / "backup.sqlite3"
    assert lockgw("backup", str(backup), "--data-dir", data).returncode == 0
    _create_set(client, device_id, "After backup", "482913")
    slot_b = _slot_of(lock_server, "482913")
    assert daemon.stop() == 0, daemon.log()

    restored = lockgw("restore", str(backup), "--data-dir", data)
    assert restored.returncode == 0, restored.stderr
    daemon.start()
    try:
        client = client_for(daemon)
        eventually(lambda: "482913" in _unmanaged_pins(client, device_id))
        assert code_status(client, kept["access_code_id"]) == "set"
        assert "482913" not in {
            c["code"]
            for c in client.get("/access_codes/list", params={"device_id": device_id}).json()[
                "access_codes"
            ]
        }
        new = _create_set(client, device_id, "New guest", "907135")
        assert _slot_of(lock_server, "482913") == slot_b
        assert _slot_of(lock_server, "907135") not in (None, slot_b)
        assert set(lock_server.codes(REF).values()) == {"615243", "482913", "907135"}
        assert code_status(client, new["access_code_id"]) == "set"
    finally:
        assert daemon.stop() == 0, daemon.log()


def test_after_an_offline_restore_a_code_in_a_slot_the_backup_gave_another_code_is_kept(
    tmp_path: Path, lock_server: VirtualLockServer
) -> None:
    """The backup's code was deleted later and its slot reused: after the restore the slot's
    new code becomes unmanaged (never overwritten) and the backup's code is programmed again,
    without being reported as changed at the keypad."""
    daemon = _daemon(tmp_path, lock_server)
    data = str(daemon.data_dir)
    client = client_for(daemon)
    device_id = _device_id(client)
    gone = _create_set(client, device_id, "Deleted after backup", "615243")
    backup = tmp_path / "backup.sqlite3"
    assert lockgw("backup", str(backup), "--data-dir", data).returncode == 0
    slot_a = _slot_of(lock_server, "615243")
    client.request(
        "DELETE", "/access_codes/delete", params={"access_code_id": gone["access_code_id"]}
    )
    eventually(lambda: _slot_of(lock_server, "615243") is None)
    _create_set(client, device_id, "After backup", "482913")
    assert _slot_of(lock_server, "482913") == slot_a
    assert daemon.stop() == 0, daemon.log()

    assert lockgw("restore", str(backup), "--data-dir", data).returncode == 0
    daemon.start()
    try:
        client = client_for(daemon)
        eventually(lambda: "482913" in _unmanaged_pins(client, device_id))
        eventually(lambda: code_status(client, gone["access_code_id"]) == "set")
        assert _slot_of(lock_server, "482913") == slot_a
        assert _slot_of(lock_server, "615243") not in (None, slot_a)
        body = client.get("/access_codes/get", params={"access_code_id": gone["access_code_id"]})
        assert body.json()["access_code"]["errors"] == []
    finally:
        assert daemon.stop() == 0, daemon.log()
