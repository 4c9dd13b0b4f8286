"""/locks/configure_auto_lock through the SDK, on the hub's simulated locks.

The setting goes to the lock through an action attempt (as lock_door does); the device shows
what the lock took, and a lock with auto-lock on locks itself after the delay.
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
name = "Auto front"
profile = "zwave-30"
ref = "auto-front"

[[virtual_locks]]
name = "Auto garage"
profile = "nuki"
ref = "auto-garage"

[[virtual_locks]]
name = "Auto settings"
profile = "zwave-250"
ref = "auto-settings"
"""


@pytest.fixture(scope="module")
def lock_server() -> Iterator[VirtualLockServer]:
    server = VirtualLockServer({"remote-door": "zwave-30"})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def auto_daemon(
    tmp_path_factory: pytest.TempPathFactory, lock_server: VirtualLockServer
) -> Iterator[Daemon]:
    config = CONFIG.format(url=lock_server.url)
    with daemon_with_config(tmp_path_factory.mktemp("auto-lock"), config) as daemon:
        yield daemon


@pytest.fixture
def sdk(auto_daemon: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(auto_daemon.url, auto_daemon.key, openapi) as client:
        yield client


@pytest.fixture
def ids(sdk: Seam) -> dict[str, str]:
    eventually(lambda: all(d.properties.online for d in sdk.devices.list()))
    return {d.display_name: d.device_id for d in sdk.devices.list()}


def _done(sdk: Seam, attempt: Any) -> Any:
    return eventually(
        lambda: (
            found
            if (found := sdk.action_attempts.get(action_attempt_id=attempt.action_attempt_id))
            and found.status != "pending"
            else None
        )
    )


def test_auto_lock_settings_show_on_the_device_once_the_lock_took_them(
    sdk: Seam, ids: dict[str, str]
) -> None:
    device_id = ids["Auto settings"]
    assert sdk.devices.get(device_id=device_id).can_configure_auto_lock is True
    attempt = sdk.locks.configure_auto_lock(
        device_id=device_id, auto_lock_enabled=True, auto_lock_delay_seconds=30
    )
    assert attempt.action_type == "CONFIGURE_AUTO_LOCK"
    assert _done(sdk, attempt).status == "success"
    properties = sdk.devices.get(device_id=device_id).properties
    assert properties.auto_lock_enabled is True
    assert properties.auto_lock_delay_seconds == 30
    off = sdk.locks.configure_auto_lock(device_id=device_id, auto_lock_enabled=False)
    assert _done(sdk, off).status == "success"
    properties = sdk.devices.get(device_id=device_id).properties
    assert properties.auto_lock_enabled is False
    assert getattr(properties, "auto_lock_delay_seconds", None) is None


def test_a_lock_with_auto_lock_on_locks_itself_after_the_delay(
    sdk: Seam, ids: dict[str, str]
) -> None:
    device_id = ids["Auto front"]
    on = sdk.locks.configure_auto_lock(
        device_id=device_id, auto_lock_enabled=True, auto_lock_delay_seconds=1
    )
    assert _done(sdk, on).status == "success"
    locked_before = len(sdk.events.list(device_id=device_id, event_type="lock.locked", since=SINCE))
    unlock = sdk.locks.unlock_door(device_id=device_id)
    assert _done(sdk, unlock).status == "success"

    def relocked() -> list[object]:  # events come newest first: those after the unlock
        events = sdk.events.list(device_id=device_id, event_type="lock.locked", since=SINCE)
        return events[: len(events) - locked_before]

    locked = eventually(relocked)
    assert locked[0].method == "automatic"  # the lock relocked itself: no hand, no key
    assert sdk.locks.get(device_id=device_id).properties.locked is True


def test_a_pin_entered_at_the_keypad_is_followed_by_the_auto_lock(
    sdk: Seam, ids: dict[str, str]
) -> None:
    device_id = ids["Auto garage"]
    on = sdk.locks.configure_auto_lock(
        device_id=device_id, auto_lock_enabled=True, auto_lock_delay_seconds=1
    )
    assert _done(sdk, on).status == "success"
    made = sdk.access_codes.simulate.create_unmanaged_access_code(
        device_id=device_id, name="Walker", code="468135"
    )
    sdk.locks.simulate.keypad_code_entry(device_id=device_id, code=made.code)
    unlocked = eventually(
        lambda: sdk.events.list(device_id=device_id, event_type="lock.unlocked", since=SINCE)
    )
    eventually(
        lambda: [
            e
            for e in sdk.events.list(device_id=device_id, event_type="lock.locked", since=SINCE)
            if e.occurred_at >= unlocked[0].occurred_at
        ]
    )
    assert sdk.locks.get(device_id=device_id).properties.locked is True


def test_enabling_auto_lock_without_a_delay_is_refused_naming_the_delay(
    sdk: Seam, ids: dict[str, str]
) -> None:
    with pytest.raises(SeamHttpApiError) as caught:
        sdk.locks.configure_auto_lock(device_id=ids["Auto settings"], auto_lock_enabled=True)
    assert caught.value.code == "invalid_input"
    assert "auto_lock_delay_seconds" in str(caught.value)


@pytest.mark.parametrize("delay", [0, 61])
def test_a_delay_outside_one_to_sixty_seconds_is_refused(
    sdk: Seam, ids: dict[str, str], delay: int
) -> None:
    with pytest.raises(SeamHttpApiError) as caught:
        sdk.locks.configure_auto_lock(
            device_id=ids["Auto settings"], auto_lock_enabled=True, auto_lock_delay_seconds=delay
        )
    assert caught.value.code == "invalid_input"
    assert "auto_lock_delay_seconds" in str(caught.value)


def test_a_lock_without_a_configurable_auto_lock_refuses_clearly(
    sdk: Seam, ids: dict[str, str]
) -> None:
    device_id = ids["Remote Door"]  # hardware-sim's lock server has no auto-lock operation
    assert sdk.devices.get(device_id=device_id).can_configure_auto_lock is False
    with pytest.raises(SeamHttpApiError) as caught:
        sdk.locks.configure_auto_lock(
            device_id=device_id, auto_lock_enabled=True, auto_lock_delay_seconds=10
        )
    assert caught.value.code == "invalid_input"
    assert "auto-lock" in str(caught.value)
