"""A lock never silently stops: a lock whose work makes no progress is shown as stalled
everywhere an owner looks, and converges by itself once the cause is gone."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

STALL_AFTER = 3


@pytest.fixture
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer({"porch": "zwave-30", "shed": "zwave-30"})
    yield server
    server.stop()


@pytest.fixture
def daemon(tmp_path: Path, lock_server: VirtualLockServer) -> Iterator[Daemon]:
    config = tmp_path / "lockgw.toml"
    config.write_text(
        f'[virtual_server]\nurl = "{lock_server.url}"\n\n[pool]\nsize = 0\n\n'
        f"[locks]\nstall_after_seconds = {STALL_AFTER}\n"
    )
    hub = Daemon(tmp_path, config=config, sim=False)
    hub.start()
    yield hub
    hub.kill()


def _stalled_gauge(daemon: Daemon, lock: str) -> str | None:
    for line in httpx.get(f"{daemon.url}/metrics").text.splitlines():
        if line.startswith(f'lockgw_lock_stalled{{lock="{lock}"}}'):
            return line.split()[-1]
    return None


def test_a_lock_whose_work_makes_no_progress_is_shown_stalled_and_recovers_by_itself(
    daemon: Daemon, lock_server: VirtualLockServer, openapi: SeamOpenApi, tmp_path: Path
) -> None:
    with checked_seam(daemon.url, daemon.key, openapi) as seam:
        devices = {d.display_name: d.device_id for d in seam.devices.list()}
        porch, shed = devices["Porch"], devices["Shed"]
        lock_server.faults("porch", offline=True)  # e.g. its batteries are flat
        code = seam.access_codes.create(device_id=porch, name="Cleaner", code="3817")
        idle = seam.access_codes.create(device_id=shed, name="Gardener", code="5902")

        def warned() -> bool:
            warnings = seam.devices.get(device_id=porch).warnings
            return any(w.warning_code == "device_communication_degraded" for w in warnings)

        eventually(warned, timeout=STALL_AFTER + 15)
        message = next(
            w.message
            for w in seam.devices.get(device_id=porch).warnings
            if w.warning_code == "device_communication_degraded"
        )
        assert "no progress" in message and "offline" in message.lower()
        waiting = seam.access_codes.get(access_code_id=code.access_code_id)
        assert waiting.status == "setting"
        assert "delay_in_setting_on_device" in {w.warning_code for w in waiting.warnings}
        health = httpx.get(f"{daemon.url}/health").json()
        assert health["status"] == "degraded" and health["components"]["locks"]["stalled"] == 1
        assert _stalled_gauge(daemon, "Porch") == "1.0"
        assert _stalled_gauge(daemon, "Shed") == "0.0"  # a lock with nothing waiting is fine
        assert not any(
            w.warning_code == "device_communication_degraded"
            for w in seam.devices.get(device_id=shed).warnings
        )
        assert seam.access_codes.get(access_code_id=idle.access_code_id).status == "set"
        assert any("ERROR" in line and "no progress" in line for line in daemon.output)
        doctor = subprocess.run(
            [sys.executable, "-m", "gateway", "doctor", "--data-dir", str(tmp_path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert "STALLED" in doctor.stdout and doctor.returncode != 0, doctor.stdout

        lock_server.faults("porch", offline=False)  # new batteries
        eventually(
            lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set",
            timeout=60,
        )
        eventually(lambda: not warned(), timeout=15)
        assert sorted(lock_server.codes("porch").values()) == ["3817"]
        eventually(
            lambda: httpx.get(f"{daemon.url}/health").json()["components"]["locks"]["stalled"] == 0
        )
        assert _stalled_gauge(daemon, "Porch") == "0.0"
