"""Setting up a Nuki lock as a user does: `lockgw ble scan`, `lockgw ble pair`, and the running
daemon adopting the paired lock as a device that Seam's SDK then programs. The emulator runs as
its own process, reached over loopback TCP (as in `make run`)."""

from __future__ import annotations

import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from seam import Seam

from tests.support.daemon import Daemon
from tests.support.nuki_process import ADDRESS, ENV, NukiEmulator, lockgw
from tests.support.openapi import SeamOpenApi, checked_seam

pytestmark = pytest.mark.e2e
SECURITY_PIN = "4711"


def _eventually(check: Callable[[], bool], what: str, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.1)


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[NukiEmulator]:
    lock = NukiEmulator(tmp_path, int(SECURITY_PIN))
    lock.start()
    yield lock
    lock.stop()


def test_scan_pair_and_the_daemon_programs_the_paired_lock(
    emulator: NukiEmulator, tmp_path: Path, openapi: SeamOpenApi
) -> None:
    data_dir = tmp_path / "hub"
    data_dir.mkdir()
    config = data_dir / "lockgw.toml"
    config.write_text(emulator.config)
    common = ["--data-dir", str(data_dir), "--config", str(config)]

    scan = lockgw("ble", "scan", "--seconds", "1", *common)
    assert scan.returncode == 0, scan.stderr
    assert f"{ADDRESS}\tNuki_1A2B3C4D" in scan.stdout and "\tyes" in scan.stdout

    daemon = Daemon(data_dir, config=config, sim=False, env=ENV)
    daemon.start()
    try:
        wrong = lockgw("ble", "pair", ADDRESS, "--pin", "1111", *common)
        assert wrong.returncode == 1 and "security PIN" in wrong.stderr
        assert not (data_dir / "nuki").exists() or not any((data_dir / "nuki").rglob("*.json"))

        paired = lockgw(
            "ble", "pair", ADDRESS, "--pin", SECURITY_PIN, "--name", "Front gate", *common
        )
        assert paired.returncode == 0, paired.stderr
        credentials = next((data_dir / "nuki").rglob("credentials.json"))
        assert stat.S_IMODE(credentials.stat().st_mode) == 0o600
        assert SECURITY_PIN not in paired.stdout + paired.stderr

        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            _eventually(
                lambda: _gate(seam) is not None, "the paired lock became a device\n" + daemon.log()
            )
            gate = _gate(seam)
            assert gate is not None
            code = seam.access_codes.create(device_id=gate, code="583914", name="Guest")
            _eventually(
                lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set",
                "the code is set on the lock",
            )
            assert emulator.codes()[583914]["name"] == "Guest"
            seam.access_codes.delete(access_code_id=code.access_code_id)
            _eventually(lambda: 583914 not in emulator.codes(), "the code left the lock")
    finally:
        assert daemon.stop() == 0, daemon.log()
    assert "583914" not in daemon.log(), "no PIN in the daemon's log"
    assert SECURITY_PIN not in daemon.log()


def _gate(seam: Seam) -> str | None:
    for device in seam.locks.list():
        if device.display_name == "Front gate":
            return device.device_id
    return None
