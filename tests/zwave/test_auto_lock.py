"""Auto-lock on Z-Wave locks, through the SDK, on a real zwave-js server with simulated nodes.

A lock with Door Lock CC v4 auto-relock takes the setting into its Door Lock configuration (the
simulated node's memory shows it); a lock without it refuses clearly. Simulate calls on a
Z-Wave lock are refused: the hub does not simulate its radio's locks.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from drivers.zwave.facts import lock_ref
from gateway.engine.locks import device_id_for
from tests.support.daemon import Daemon
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim
from tests.zwave.conftest import HOME_ID, zwave_config

RELOCK_NODE, PLAIN_NODE = 2, 3
LOCKS = [{"id": RELOCK_NODE, "profile": "auto-relock"}, {"id": PLAIN_NODE, "profile": "slow"}]


@pytest.fixture(scope="module")
def network(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ZWaveSim]:
    sim = ZWaveSim(tmp_path_factory.mktemp("zwave-auto-lock"), LOCKS)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture(scope="module")
def hub(network: ZWaveSim, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    data_dir = tmp_path_factory.mktemp("zwave-auto-lock-daemon")
    config = data_dir / "lockgw.toml"
    config.write_text(zwave_config(network))
    daemon = Daemon(data_dir, config=config, sim=False)
    daemon.start()
    yield daemon
    assert daemon.stop() == 0, daemon.log()


@pytest.fixture
def sdk(hub: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(hub.url, hub.key, openapi) as client:
        yield client


def _device(sdk: Seam, node_id: int) -> str:
    device_id = device_id_for("zwave", lock_ref(HOME_ID, node_id))
    eventually(
        lambda: any(d.device_id == device_id and d.properties.online for d in sdk.devices.list()),
        timeout=90,
    )
    return device_id


def _done(sdk: Seam, attempt: Any) -> Any:
    return eventually(
        lambda: (
            found
            if (found := sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id))
            and found.status != "pending"
            else None
        ),
        timeout=30,
    )


def test_a_door_lock_v4_lock_keeps_the_auto_relock_time_it_was_given(
    sdk: Seam, network: ZWaveSim
) -> None:
    device_id = _device(sdk, RELOCK_NODE)
    assert sdk.devices.get(device_id=device_id).can_configure_auto_lock is True
    attempt = sdk.locks.configure_auto_lock(
        device_id=device_id, auto_lock_enabled=True, auto_lock_delay_seconds=45
    )
    assert attempt.action_type == "CONFIGURE_AUTO_LOCK"
    assert _done(sdk, attempt).status == "success"
    assert network.node(RELOCK_NODE)["auto_relock_time"] == 45
    properties = sdk.devices.get(device_id=device_id).properties
    assert (properties.auto_lock_enabled, properties.auto_lock_delay_seconds) == (True, 45)

    off = sdk.locks.configure_auto_lock(device_id=device_id, auto_lock_enabled=False)
    assert _done(sdk, off).status == "success"
    assert network.node(RELOCK_NODE)["auto_relock_time"] == 0
    assert sdk.devices.get(device_id=device_id).properties.auto_lock_enabled is False


def test_a_lock_without_auto_relock_refuses_the_setting_clearly(sdk: Seam) -> None:
    device_id = _device(sdk, PLAIN_NODE)
    assert sdk.devices.get(device_id=device_id).can_configure_auto_lock is False
    with pytest.raises(SeamHttpApiError) as caught:
        sdk.locks.configure_auto_lock(
            device_id=device_id, auto_lock_enabled=True, auto_lock_delay_seconds=10
        )
    assert caught.value.code == "invalid_input"
    assert "auto-lock" in str(caught.value)


def test_simulate_calls_on_a_zwave_lock_are_refused(sdk: Seam, network: ZWaveSim) -> None:
    device_id = _device(sdk, RELOCK_NODE)
    calls = [
        lambda: sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id=device_id, name="X", code="1234"
        ),
        lambda: sdk.locks.simulate.keypad_code_entry(device_id=device_id, code="1234"),
        lambda: sdk.locks.simulate.manual_lock_via_keypad(device_id=device_id),
        lambda: sdk.devices.simulate.disconnect(device_id=device_id),
        lambda: sdk.devices.simulate.remove(device_id=device_id),
    ]
    for call in calls:
        with pytest.raises(SeamHttpApiError) as caught:
            call()
        assert caught.value.code == "device_not_simulated"
        assert "simulate calls work only on simulated locks" in str(caught.value)
    assert network.codes(RELOCK_NODE) == {}
    assert sdk.devices.get(device_id=device_id).properties.online is True
