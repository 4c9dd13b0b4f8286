"""`lockgw doctor` on an installed hub: each failure named with what to do about it (the daemon
down, the stick missing, a security key missing or readable by others)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gateway.config import Config
from gateway.service.doctor import Check, run_checks
from gateway.service.doctor_hub import KEY_NAMES
from gateway.store.db import Store
from tests.support.daemon import Daemon

GOOD_KEYS = "".join(f"{name}={n:032x}\n" for n, name in enumerate(KEY_NAMES, start=1))


def lockgw(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "gateway", *args], capture_output=True, text=True, check=False
    )


def server_dir(tmp_path: Path, stick: str, keys: str | None) -> Path:
    folder = tmp_path / "zwave-js-server"
    folder.mkdir()
    (folder / "server.env").write_text(f"# the stick\nZWAVE_STICK={stick}\n")
    if keys is not None:
        (folder / "keys.env").write_text(keys)
        (folder / "keys.env").chmod(0o600)
    return folder


def checks(tmp_path: Path, folder: Path) -> dict[str, Check]:
    data = tmp_path / "data"
    Store(data).close()
    found = run_checks(Config(data_dir=data), None, server_dir=folder)
    return {c.name: c for c in found}


def test_a_missing_stick_and_a_missing_key_are_named_with_their_fix(tmp_path: Path) -> None:
    keys = GOOD_KEYS.replace("ZWAVE_S2_ACCESS_CONTROL_KEY", "# gone")
    folder = server_dir(tmp_path, "/dev/serial/by-id/usb-0658_0200-if00-gone", keys)
    found = checks(tmp_path, folder)
    stick, key = found["Z-Wave stick"], found["Z-Wave keys"]
    assert stick.ok is False and "usb-0658_0200-if00-gone is missing" in stick.detail
    assert stick.fix is not None and "lockgw zwave ports" in stick.fix
    assert key.ok is False and "ZWAVE_S2_ACCESS_CONTROL_KEY missing" in key.detail
    assert key.fix is not None and "lockgw restore" in key.fix


def test_a_present_stick_and_four_private_keys_are_ok(tmp_path: Path) -> None:
    device = tmp_path / "ttyACM0"
    device.touch()
    folder = server_dir(tmp_path, str(device), GOOD_KEYS)
    found = checks(tmp_path, folder)
    assert found["Z-Wave stick"].ok is True
    assert found["Z-Wave keys"].ok is True
    (folder / "keys.env").chmod(0o644)
    loose = checks(tmp_path, folder)
    assert loose["Z-Wave keys"].ok is False
    assert loose["Z-Wave keys"].fix == f"chmod 600 {folder / 'keys.env'}"


def test_a_stick_never_set_says_how_to_set_it(tmp_path: Path) -> None:
    folder = server_dir(tmp_path, "/dev/serial/by-id/SET-ME", GOOD_KEYS)
    stick = checks(tmp_path, folder)["Z-Wave stick"]
    assert stick.ok is False and stick.fix is not None and "--zwave-stick" in stick.fix


def test_without_the_bundled_server_its_checks_do_not_apply(tmp_path: Path) -> None:
    found = checks(tmp_path, tmp_path / "no-such-folder")
    assert found["Z-Wave stick"].ok is None
    assert found["Z-Wave keys"].ok is None


def test_doctor_says_when_the_daemon_is_down_and_how_to_start_it(tmp_path: Path) -> None:
    data = tmp_path / "data"
    daemon = Daemon(data, sim=True)
    daemon.start()
    try:
        running = lockgw("doctor", "--json", "--data-dir", str(data))
    finally:
        daemon.stop()
    up = {c["name"]: c for c in json.loads(running.stdout)}["lockgw daemon"]
    assert up["ok"] == "ok" and "running (pid" in up["detail"]

    stopped = lockgw("doctor", "--data-dir", str(data))
    assert stopped.returncode == 1
    assert "lockgw daemon" in stopped.stdout and "not running" in stopped.stdout
    assert "fix lockgw daemon: sudo systemctl start lockgw" in stopped.stdout
