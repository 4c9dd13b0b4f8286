"""Auto-lock on a Nuki lock: the driver sets it in the lock's advanced config over BLE (bumble's
emulated lock, bleak on the hub's side) and what the lock then reports is what the hub shows;
end to end, the SDK's configure_auto_lock reaches a lock paired with `lockgw ble pair`."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from pyNukiBT.const import NukiLockConst
from seam import Seam

from drivers.base import AutoLock, PermanentDriverError
from drivers.nuki.files import LockFiles
from drivers.nuki.lock import NukiLock
from drivers.nuki.messages import (
    AutoLockConfig,
    auto_lock_of,
    encode_advanced_config,
    set_advanced_config,
)
from drivers.nuki.pairing import Credentials
from tests.support.daemon import Daemon
from tests.support.nuki_ble import LOCK_ADDRESS, Air, nuki_air
from tests.support.nuki_process import ADDRESS, ENV, NukiEmulator, lockgw
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually

SECURITY_PIN = "4711"


def test_the_advanced_config_layout_matches_pynukibt() -> None:
    """An independent codec (pyNukiBT's) reads our auto-lock fields where we put them, and
    builds the same SET_ADVANCED_CONFIG payload: the emulator shares our codec, this does not."""
    ours = encode_advanced_config(AutoLockConfig(enabled=True, timeout_seconds=45))
    parsed = dict(NukiLockConst.AdvancedConfig.parse(ours))
    assert (parsed["auto_lock_enabled"], parsed["auto_lock_timeout"]) == (1, 45)
    theirs = NukiLockConst.AdvancedConfig.build(
        {**parsed, "auto_lock_enabled": 0, "auto_lock_timeout": 90}
    )
    assert auto_lock_of(theirs) == AutoLockConfig(enabled=False, timeout_seconds=90)
    fields = {k: v for k, v in parsed.items() if k not in ("_io", "total_degrees")}
    nonce = bytes(range(32))
    expected = NukiLockConst.NewAdvancedConfig.build(
        {
            **fields,
            "motor_speed": None,
            "night_mode_slow_speed": None,
            "nonce": nonce,
            "security_pin": 4711,
        }
    )
    assert set_advanced_config(ours, nonce, 4711) == expected


@pytest.fixture
async def air() -> AsyncIterator[Air]:
    async with nuki_air() as air:
        yield air


@pytest.fixture
async def credentials(air: Air) -> Credentials:
    return await air.pair()


def _driver(air: Air, credentials: Credentials, data_dir: Path) -> NukiLock:
    files = LockFiles.of(data_dir, LOCK_ADDRESS)
    return NukiLock(
        credentials, "Front door", files, air.radio, find_timeout=2.0, connect_timeout=2.0
    )


async def test_the_lock_keeps_the_auto_lock_it_was_given_and_nothing_else_changes(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    lock = _driver(air, credentials, tmp_path)
    assert lock.info.capabilities.can_configure_auto_lock
    before = air.model.advanced_config
    took = await lock.configure_auto_lock(AutoLock(enabled=True, delay_seconds=45))
    assert took == AutoLock(enabled=True, delay_seconds=45)
    assert air.model.auto_lock == AutoLockConfig(enabled=True, timeout_seconds=45)
    after = air.model.advanced_config
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert set(changed) <= {17, 18, 28}, "only the auto-lock fields changed"


async def test_turning_auto_lock_off_keeps_the_locks_timeout(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    lock = _driver(air, credentials, tmp_path)
    await lock.configure_auto_lock(AutoLock(enabled=True, delay_seconds=20))
    took = await lock.configure_auto_lock(AutoLock(enabled=False))
    assert took == AutoLock(enabled=False)
    assert air.model.auto_lock == AutoLockConfig(enabled=False, timeout_seconds=20)


async def test_a_wrong_security_pin_is_a_permanent_refusal(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    air.model.security_pin = credentials.security_pin + 1
    lock = _driver(air, credentials, tmp_path)
    with pytest.raises(PermanentDriverError):  # the reconciler resolves the attempt as failed
        await lock.configure_auto_lock(AutoLock(enabled=True, delay_seconds=10))
    assert air.model.auto_lock.enabled is False


@pytest.mark.e2e
def test_configure_auto_lock_through_the_sdk_reaches_a_paired_nuki(
    tmp_path: Path, openapi: SeamOpenApi
) -> None:
    emulator = NukiEmulator(tmp_path, int(SECURITY_PIN))
    emulator.start()
    data_dir = tmp_path / "hub"
    data_dir.mkdir()
    config = data_dir / "lockgw.toml"
    config.write_text(emulator.config)
    common = ["--data-dir", str(data_dir), "--config", str(config)]
    paired = lockgw("ble", "pair", ADDRESS, "--pin", SECURITY_PIN, "--name", "Gate", *common)
    assert paired.returncode == 0, paired.stderr
    daemon = Daemon(data_dir, config=config, sim=False, env=ENV)
    daemon.start()
    try:
        with checked_seam(daemon.url, daemon.key, openapi) as seam:
            gate = eventually(
                lambda: next((d for d in seam.locks.list() if d.display_name == "Gate"), None),
                timeout=30,
            )
            assert gate.can_configure_auto_lock is True
            attempt = seam.locks.configure_auto_lock(
                device_id=gate.device_id, auto_lock_enabled=True, auto_lock_delay_seconds=40
            )
            done = eventually(lambda: _finished(seam, attempt.action_attempt_id), timeout=30)
            assert done.status == "success", done
            assert _emulated_auto_lock(emulator) == AutoLockConfig(True, 40)
            properties = seam.devices.get(device_id=gate.device_id).properties
            assert (properties.auto_lock_enabled, properties.auto_lock_delay_seconds) == (True, 40)
    finally:
        assert daemon.stop() == 0, daemon.log()
        emulator.stop()
    assert SECURITY_PIN not in daemon.log()


def _finished(seam: Seam, action_attempt_id: str) -> Any:
    found = seam.action_attempts.get(action_attempt_id=action_attempt_id)
    return None if found.status == "pending" else found


def _emulated_auto_lock(emulator: NukiEmulator) -> AutoLockConfig:
    state = json.loads(emulator.state.read_text())
    return auto_lock_of(bytes.fromhex(state["advanced_config"]))
