"""The cloud sandbox's simulate calls against the hub's simulated locks, through the SDK.

An app developer tests against the hub as against Seam's sandbox: a code typed at the keypad
becomes an unmanaged code, a PIN entered opens the door with the code named in the event, a
lock goes out of reach and comes back, a lock is removed. A lock the hub does not simulate
refuses every simulate call.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from tests.support.daemon import Daemon, daemon_with_config
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.virtual_server import VirtualLockServer
from tests.support.wait import eventually

SINCE = "2000-01-01T00:00:00Z"

CONFIG = """
[virtual_server]
url = "{url}"

[[virtual_locks]]
name = "Sim keypad"
profile = "zwave-30"
ref = "sim-keypad"
codes = [{{ slot = 1, code = "4711" }}]

[[virtual_locks]]
name = "Sim entry"
profile = "zwave-250"
ref = "sim-entry"

[[virtual_locks]]
name = "Sim nuki"
profile = "nuki"
ref = "sim-nuki"

[[virtual_locks]]
name = "Sim flaky"
profile = "zwave-30"
ref = "sim-flaky"

[[virtual_locks]]
name = "Sim wrong pin"
profile = "zwave-30"
ref = "sim-wrong-pin"

[[virtual_locks]]
name = "Sim leaving"
profile = "zwave-30"
ref = "sim-leaving"
"""


@pytest.fixture(scope="module")
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer({"remote-door": "zwave-30"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def sim_daemon(
    tmp_path_factory: pytest.TempPathFactory, lock_server: VirtualLockServer
) -> Iterator[Daemon]:
    config = CONFIG.format(url=lock_server.url)
    with daemon_with_config(tmp_path_factory.mktemp("simulate"), config) as daemon:
        yield daemon


@pytest.fixture
def sdk(sim_daemon: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(sim_daemon.url, sim_daemon.key, openapi) as client:
        yield client


@pytest.fixture
def ids(sdk: Seam) -> dict[str, str]:
    found = {d.display_name: d.device_id for d in sdk.devices.list()}
    eventually(lambda: all(d.properties.online for d in sdk.devices.list()))
    return found


def _events(sdk: Seam, device_id: str, event_type: str) -> list[Any]:
    return list(sdk.events.list(device_id=device_id, event_type=event_type, since=SINCE))


def _refusal(call: Any) -> SeamHttpApiError:
    with pytest.raises(SeamHttpApiError) as caught:
        call()
    return caught.value


def test_a_code_typed_at_the_keypad_shows_as_an_unmanaged_code(
    sdk: Seam, ids: dict[str, str]
) -> None:
    device_id = ids["Sim keypad"]
    made = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=device_id, name="Cleaner", code="2468"
    )
    assert made.is_managed is False
    assert (made.code, made.name, made.device_id) == ("2468", "Cleaner", device_id)
    unmanaged = sdk.access_codes.unmanaged.list(device_id=device_id)
    assert made.access_code_id in {c.access_code_id for c in unmanaged}
    assert made.access_code_id not in {
        c.access_code_id for c in sdk.access_codes.list(device_id=device_id)
    }
    created = _events(sdk, device_id, "access_code.unmanaged.created")
    assert made.access_code_id in {e.access_code_id for e in created}
    # The keypad's own code (slot 1) is still there: the simulated code took a free slot.
    assert {"4711", "2468"} <= {c.code for c in unmanaged}


def test_the_keypad_refuses_a_pin_the_lock_already_holds(sdk: Seam, ids: dict[str, str]) -> None:
    error = _refusal(
        lambda: sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id=ids["Sim keypad"], name="Copy", code="4711"
        )
    )
    assert error.code == "duplicate_access_code"


def test_a_simulated_code_keeps_the_name_it_was_given_on_a_lock_that_stores_names(
    sdk: Seam, ids: dict[str, str]
) -> None:
    made = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=ids["Sim nuki"], name="Gardener", code="735194"
    )
    again = sdk.access_codes.unmanaged.get(access_code_id=made.access_code_id)
    assert (again.name, again.code) == ("Gardener", "735194")


def test_a_code_the_lock_cannot_hold_is_refused_naming_the_code(
    sdk: Seam, ids: dict[str, str]
) -> None:
    error = _refusal(
        lambda: sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id=ids["Sim nuki"], name="Zeros", code="102030"
        )
    )
    assert error.code == "invalid_input"
    assert "code" in str(error)


def test_entering_a_managed_code_unlocks_and_names_the_code(sdk: Seam, ids: dict[str, str]) -> None:
    device_id = ids["Sim entry"]
    code = sdk.access_codes.create(device_id=device_id, name="Guest", code="13579")
    eventually(lambda: sdk.access_codes.get(access_code_id=code.access_code_id).status == "set")
    attempt = sdk.locks.simulate.keypad_code_entry(device_id=device_id, code="13579")
    assert attempt.action_type == "SIMULATE_KEYPAD_CODE_ENTRY"
    done = sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id)
    assert done.status == "success"
    unlocked = eventually(lambda: _events(sdk, device_id, "lock.unlocked"))
    assert unlocked[0].access_code_id == code.access_code_id
    assert unlocked[0].method == "keycode"
    assert sdk.locks.get(device_id=device_id).properties.locked is False


def test_a_wrong_pin_leaves_the_door_locked(sdk: Seam, ids: dict[str, str]) -> None:
    device_id = ids["Sim wrong pin"]
    sdk.locks.lock_door(device_id=device_id)
    eventually(lambda: sdk.locks.get(device_id=device_id).properties.locked is True)
    before = len(_events(sdk, device_id, "lock.locked"))
    attempt = sdk.locks.simulate.keypad_code_entry(device_id=device_id, code="9999")
    assert attempt.status == "success"
    # The lock reports in order: once the lock button's report is in, a wrong PIN's unlock
    # would be in too.
    sdk.locks.simulate.manual_lock_via_keypad(device_id=device_id)
    eventually(lambda: len(_events(sdk, device_id, "lock.locked")) > before)
    assert _events(sdk, device_id, "lock.unlocked") == []
    assert sdk.locks.get(device_id=device_id).properties.locked is True


def test_the_keypad_lock_button_locks_the_door(sdk: Seam, ids: dict[str, str]) -> None:
    device_id = ids["Sim keypad"]
    sdk.locks.simulate.keypad_code_entry(device_id=device_id, code="4711")
    eventually(lambda: sdk.locks.get(device_id=device_id).properties.locked is False)
    keypad = _events(sdk, device_id, "lock.unlocked")[0]
    owner = sdk.access_codes.unmanaged.get(device_id=device_id, code="4711")
    assert keypad.access_code_id == owner.access_code_id
    attempt = sdk.locks.simulate.manual_lock_via_keypad(device_id=device_id)
    assert attempt.action_type == "SIMULATE_MANUAL_LOCK_VIA_KEYPAD"
    eventually(lambda: sdk.locks.get(device_id=device_id).properties.locked is True)
    locked = _events(sdk, device_id, "lock.locked")[0]
    assert locked.method == "manual"


def test_a_disconnected_lock_goes_offline_and_its_codes_wait_until_it_is_back(
    sdk: Seam, ids: dict[str, str]
) -> None:
    device_id = ids["Sim flaky"]
    sdk.devices.simulate.disconnect(device_id=device_id)
    eventually(lambda: sdk.devices.get(device_id=device_id).properties.online is False)
    assert _events(sdk, device_id, "device.disconnected")
    code = sdk.access_codes.create(device_id=device_id, name="Late", code="86420")
    waiting = sdk.access_codes.get(access_code_id=code.access_code_id)
    assert waiting.status == "setting"
    sdk.devices.simulate.connect(device_id=device_id)
    eventually(lambda: sdk.devices.get(device_id=device_id).properties.online is True)
    eventually(lambda: sdk.access_codes.get(access_code_id=code.access_code_id).status == "set")
    assert _events(sdk, device_id, "device.connected")


def test_a_removed_lock_is_gone_from_the_hub(sdk: Seam, ids: dict[str, str]) -> None:
    device_id = ids["Sim leaving"]
    code = sdk.access_codes.create(device_id=device_id, name="Doomed", code="24680")
    sdk.devices.simulate.remove(device_id=device_id)
    error = _refusal(lambda: sdk.devices.get(device_id=device_id))
    assert error.code == "device_not_found"
    assert device_id not in {d.device_id for d in sdk.devices.list()}
    gone = _refusal(lambda: sdk.access_codes.get(access_code_id=code.access_code_id))
    assert gone.code == "access_code_not_found"
    removed = sdk.events.list(event_type="device.removed", since=SINCE)
    assert device_id in {e.device_id for e in removed}
    again = _refusal(lambda: sdk.devices.simulate.connect(device_id=device_id))
    assert again.code == "device_not_found"


def test_simulate_calls_on_a_lock_the_hub_does_not_simulate_are_refused(
    sdk: Seam, ids: dict[str, str], lock_server: VirtualLockServer
) -> None:
    device_id = ids["Remote Door"]  # hardware-sim's lock server: reached over the network
    calls = [
        lambda: sdk.access_codes.simulate.create_unmanaged_access_code(
            device_id=device_id, name="X", code="1234"
        ),
        lambda: sdk.locks.simulate.keypad_code_entry(device_id=device_id, code="1234"),
        lambda: sdk.locks.simulate.manual_lock_via_keypad(device_id=device_id),
        lambda: sdk.devices.simulate.connect(device_id=device_id),
        lambda: sdk.devices.simulate.disconnect(device_id=device_id),
        lambda: sdk.devices.simulate.remove(device_id=device_id),
    ]
    for call in calls:
        error = _refusal(call)
        assert error.code == "device_not_simulated"
        assert "simulate calls work only on simulated locks" in str(error)
    assert sdk.devices.get(device_id=device_id).properties.online is True
    assert lock_server.codes("remote-door") == {}


def test_simulate_calls_the_hub_cannot_act_out_are_refused(sdk: Seam, ids: dict[str, str]) -> None:
    device_id = ids["Sim keypad"]
    for call in (
        lambda: sdk.devices.simulate.connect_to_hub(device_id=device_id),
        lambda: sdk.devices.simulate.disconnect_from_hub(device_id=device_id),
        lambda: sdk.devices.simulate.paid_subscription(device_id=device_id, is_expired=True),
    ):
        error = _refusal(call)
        assert error.code != "endpoint_not_found"
        assert "hub" in str(error)
