"""The owner's commands on the hub, run as the owner runs them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from gateway.config import Config
from gateway.service.doctor import run_checks
from gateway.store import devices
from gateway.store.db import Store
from tests.support.api import code_status
from tests.support.daemon import Daemon, free_port
from tests.support.harness import Harness
from tests.support.wait import eventually


def lockgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args], capture_output=True, text=True, check=False
    )


async def test_doctor_reports_each_failure_it_checks_for(tmp_path: Path) -> None:
    hub = Harness(tmp_path / "data")
    device_id, lock = hub.add_lock()
    lock.faults.offline = True
    await hub.reconciler(device_id).reconcile_once()
    closed = free_port()
    config = Config(data_dir=tmp_path / "data", zwave_url=f"ws://127.0.0.1:{closed}")
    no_adapter = tmp_path / "sys-bluetooth"
    checks = {c.name: c for c in run_checks(config, hub.store, sysfs=no_adapter)}
    assert checks["zwave-js server"].ok is False
    assert checks["BLE adapter"].ok is False
    assert checks["database"].ok is True
    assert checks["disk space"].ok is True
    assert checks[f"lock {hub.device(device_id).name}"].ok is False
    assert checks["clock"].ok in (True, False, None)

    (no_adapter / "hci0").mkdir(parents=True)
    lock.faults.offline = False
    await hub.reconciler(device_id).reconcile_once()
    checks = {c.name: c for c in run_checks(config, hub.store, sysfs=no_adapter)}
    assert checks["BLE adapter"].ok is True
    assert checks[f"lock {hub.device(device_id).name}"].ok is True
    hub.close()


def test_doctor_exits_non_zero_and_speaks_json_for_scripts(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text(f'[zwave]\nurl = "ws://127.0.0.1:{free_port()}"\n')
    Store(tmp_path).close()  # an installed hub (doctor never creates a database itself)
    result = lockgw("doctor", "--json", "--config", str(config), "--data-dir", str(tmp_path))
    assert result.returncode == 1
    checks = {c["name"]: c for c in json.loads(result.stdout)}
    assert checks["zwave-js server"]["ok"] == "FAIL"
    assert checks["database"]["ok"] == "ok"


def test_init_writes_the_config_and_the_first_key(tmp_path: Path) -> None:
    result = lockgw(
        "init", "--config-dir", str(tmp_path / "etc"), "--data-dir", str(tmp_path / "var")
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("seam_lgw_")
    assert str(tmp_path / "var") in (tmp_path / "etc" / "config.toml").read_text()


def test_codes_created_from_the_cli_reach_the_lock_of_a_running_daemon(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path, sim=True)
    daemon.start()
    try:
        listed = lockgw("devices", "list", "--json", "--data-dir", str(tmp_path))
        device_id = json.loads(listed.stdout)[0]["device_id"]
        made = lockgw(
            "codes",
            "create",
            "--device",
            device_id,
            "--code",
            "731942",
            "--name",
            "Cleaner",
            "--json",
            "--data-dir",
            str(tmp_path),
        )
        assert made.returncode == 0, made.stderr
        code_id = json.loads(made.stdout)[0]["access_code_id"]
        client = httpx.Client(
            base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"}
        )
        eventually(lambda: code_status(client, code_id) == "set")
        bad = lockgw(
            "codes", "create", "--device", device_id, "--code", "12", "--data-dir", str(tmp_path)
        )
        assert bad.returncode == 2
        assert "code" in bad.stderr
        table = lockgw("codes", "list", "--device", device_id, "--data-dir", str(tmp_path))
        assert "Cleaner" in table.stdout and "ACCESS_CODE_ID" in table.stdout
        pool = lockgw("pool", "status", "--json", "--data-dir", str(tmp_path))
        assert {row["device_id"] for row in json.loads(pool.stdout)} >= {device_id}
    finally:
        daemon.stop()


def test_backup_then_restore_round_trips_a_live_database(tmp_path: Path) -> None:
    daemon = Daemon(tmp_path, sim=True)
    daemon.start()
    client = httpx.Client(base_url=daemon.url, headers={"Authorization": f"Bearer {daemon.key}"})
    device_id = client.get("/devices/list").json()["devices"][0]["device_id"]
    kept = client.post("/access_codes/create", json={"device_id": device_id, "name": "Kept"})
    backup = tmp_path / "backup.sqlite3"
    assert lockgw("backup", str(backup), "--data-dir", str(tmp_path)).returncode == 0
    client.post("/access_codes/create", json={"device_id": device_id, "name": "After backup"})
    assert daemon.stop() == 0
    assert lockgw("restore", str(backup), "--data-dir", str(tmp_path)).returncode == 0
    store = Store(tmp_path)
    names = {
        row[0] for row in store.conn.execute("SELECT name FROM access_codes WHERE is_managed = 1")
    }
    assert "Kept" in names and "After backup" not in names
    assert kept.json()["access_code"]["access_code_id"] in {
        row[0] for row in store.conn.execute("SELECT access_code_id FROM access_codes")
    }
    assert devices.all_devices(store.conn)
    store.close()


def test_doctor_calls_a_zwave_js_server_that_accepts_but_never_answers_hung(
    tmp_path: Path,
) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel accepts connections; nobody ever speaks
        port = silent.getsockname()[1]
        checks = {
            c.name: c
            for c in run_checks(Config(data_dir=tmp_path, zwave_url=f"ws://127.0.0.1:{port}"), None)
        }
    assert checks["zwave-js server"].ok is False
    assert "said nothing" in checks["zwave-js server"].detail
