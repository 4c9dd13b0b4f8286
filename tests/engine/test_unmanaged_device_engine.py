"""While a device is unmanaged the hub writes nothing new on it, yet a code whose time is over
still comes off (no stale code stays on a lock); managed again, the lock is brought back to
what is declared."""

from __future__ import annotations

from datetime import timedelta

from gateway.wire.requests import UpdateDevice, UpdateUnmanagedDevice
from tests.support.harness import START, Harness


async def test_an_unmanaged_lock_gets_no_new_code_but_loses_an_expired_one(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    hub.create(device_id, code="4817", starts_at=START, ends_at=START + timedelta(hours=2))
    later = hub.create(
        device_id,
        code="5920",
        starts_at=START + timedelta(hours=1),
        ends_at=START + timedelta(days=2),
    )
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["4817"]

    hub.services.devices.update(UpdateDevice(device_id=device_id, is_managed=False))
    hub.advance(timedelta(hours=3))  # the first code's time is over, the second's has come
    await hub.settle(device_id)
    assert list(lock.codes().values()) == []  # the expired code went; the new one waits

    hub.services.devices.unmanaged_update(
        UpdateUnmanagedDevice(device_id=device_id, is_managed=True)
    )
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["5920"]
    stored = hub.code(later.access_code_id)
    assert stored is not None and stored.status.value == "set"


async def test_unmanaging_a_lock_still_takes_its_unpulled_backup_codes_off(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    hub.services.devices.update(
        UpdateDevice(device_id=device_id, backup_access_code_pool_enabled=True)
    )
    await hub.settle(device_id)
    assert len(lock.codes()) == 5  # the pool
    hub.services.devices.update(UpdateDevice(device_id=device_id, is_managed=False))
    await hub.settle(device_id)
    assert lock.codes() == {}
