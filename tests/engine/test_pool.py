"""The backup code pool: activated by a code, programmed in advance, pulled without radio work,
refilled, removed after use, and reported on."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from gateway.domain.models import CodeStatus
from gateway.store import access_codes
from gateway.store import pool as pool_store
from gateway.wire.errors import ApiError
from gateway.wire.requests import UpdateDevice
from tests.support.harness import START, Harness

H = timedelta(hours=1)


def _issues(hub: Harness, device_id: str) -> set[str]:
    device = hub.device(device_id)
    return {i.code for i in device.errors} | {w.code for w in device.warnings}


async def _pooled(hub: Harness, profile: str = "zwave-30"):  # type: ignore[no-untyped-def]
    device_id, lock = hub.add_lock(profile)
    guest = hub.create(
        device_id,
        code="4817",
        starts_at=START,
        ends_at=START + 48 * H,
        use_backup_access_code_pool=True,
    )
    await hub.settle(device_id)
    return device_id, lock, guest


async def test_a_code_asking_for_the_pool_activates_and_fills_it_in_the_top_slots(
    hub: Harness,
) -> None:
    device_id, lock, guest = await _pooled(hub)
    assert hub.device(device_id).backup_access_code_pool_enabled
    held = lock.codes()
    assert sorted(held) == [1, 26, 27, 28, 29, 30]
    assert held[1] == "4817"
    assert pool_store.ready(hub.store.conn, device_id) == 5
    assert not [pin for pin, n in Counter(held.values()).items() if n > 1]
    assert (
        _issues(hub, device_id)
        & {"empty_backup_access_code_pool", "partial_backup_access_code_pool"}
        == set()
    )
    # pool codes are secrets: no events about them
    pool_ids = set(pool_store.unpulled_ids(hub.store.conn, device_id))
    assert not pool_ids & {e for e in _event_code_ids(hub)}
    assert guest.access_code_id in _event_code_ids(hub)


def _event_code_ids(hub: Harness) -> set[str]:
    from gateway.store import events

    found = events.query(hub.store.conn, since=START - H, limit=10_000)
    return {e.access_code_id for e in found if e.access_code_id}


async def test_pull_needs_no_radio_and_works_while_the_lock_is_offline(hub: Harness) -> None:
    _device_id, lock, guest = await _pooled(hub)
    lock.set_online(False)
    lock.operations.clear()
    original, backup = hub.services.backup_pool.pull(guest.access_code_id)
    assert lock.operations == {}
    assert backup.is_backup and backup.status is CodeStatus.SET
    assert backup.code in lock.codes().values()
    assert (backup.starts_at, backup.ends_at) == (hub.clock.now(), guest.ends_at)
    assert original.pulled_backup_access_code_id == backup.access_code_id
    again_original, again_backup = hub.services.backup_pool.pull(guest.access_code_id)
    assert again_backup.access_code_id == backup.access_code_id
    assert again_original.pulled_backup_access_code_id == backup.access_code_id


async def test_the_pool_is_refilled_and_the_pulled_backup_leaves_at_ends_at(
    hub: Harness,
) -> None:
    device_id, lock, guest = await _pooled(hub)
    _, backup = hub.services.backup_pool.pull(guest.access_code_id)
    await hub.settle(device_id)
    assert pool_store.ready(hub.store.conn, device_id) == 5
    assert len(lock.codes()) == 7
    assert "partial_backup_access_code_pool" not in _issues(hub, device_id)

    hub.advance(49 * H)
    await hub.settle(device_id)
    assert backup.code not in lock.codes().values(), "a handed-out code never stays"
    assert hub.code(backup.access_code_id) is None
    assert pool_store.ready(hub.store.conn, device_id) == 5


async def test_the_pulled_backup_follows_the_original_ends_at(hub: Harness) -> None:
    _device_id, _lock, guest = await _pooled(hub)
    _, backup = hub.services.backup_pool.pull(guest.access_code_id)
    hub.update(guest.access_code_id, ends_at=START + 72 * H)
    stored = hub.code(backup.access_code_id)
    assert stored is not None and stored.ends_at == START + 72 * H


async def test_an_exhausted_pool_is_an_error_and_pull_fails_clearly(hub: Harness) -> None:
    device_id, lock, _ = await _pooled(hub)
    lock.set_online(False)
    guests = [hub.create(device_id, starts_at=START, ends_at=START + 5 * H) for _ in range(6)]
    for guest in guests[:5]:
        hub.services.backup_pool.pull(guest.access_code_id)
    await hub.settle(device_id)
    assert "empty_backup_access_code_pool" in _issues(hub, device_id)
    assert "many_active_backup_codes" in _issues(hub, device_id)
    with pytest.raises(ApiError) as err:
        hub.services.backup_pool.pull(guests[5].access_code_id)
    assert err.value.error_type == "no_backup_access_code_available"


async def test_only_time_bound_codes_can_pull_a_backup(hub: Harness) -> None:
    device_id, _lock, _ = await _pooled(hub)
    ongoing = hub.create(device_id, code="5920")
    with pytest.raises(ApiError) as err:
        hub.services.backup_pool.pull(ongoing.access_code_id)
    assert err.value.error_type == "invalid_input"


async def test_pool_codes_are_never_listed_or_reused_for_guests(hub: Harness) -> None:
    device_id, _lock, _ = await _pooled(hub)
    pool_pins = {c.code for c in access_codes.for_device(hub.store.conn, device_id) if c.in_pool}
    listed, _ = access_codes.page(hub.store.conn, managed=True, device_ids=[device_id], limit=100)
    assert not {c.code for c in listed} & pool_pins
    for pin in pool_pins:
        with pytest.raises(ApiError):
            hub.create(device_id, code=pin)


async def test_unmanaging_the_lock_removes_its_backup_codes(hub: Harness) -> None:
    device_id, lock, guest = await _pooled(hub)
    hub.services.devices.update(UpdateDevice(device_id=device_id, is_managed=False))
    await hub.settle(device_id)
    assert list(lock.codes().values()) == [guest.code]
    assert pool_store.waiting(hub.store.conn, device_id) == 0
    assert not hub.device(device_id).backup_access_code_pool_enabled


async def test_the_pool_cannot_be_turned_off_while_the_lock_is_managed(hub: Harness) -> None:
    device_id, _lock, _ = await _pooled(hub)
    with pytest.raises(ApiError):
        hub.services.devices.update(
            UpdateDevice(device_id=device_id, backup_access_code_pool_enabled=False)
        )


async def test_a_refill_the_lock_refuses_shows_a_partial_pool(hub: Harness) -> None:
    device_id, lock, guest = await _pooled(hub)
    hub.services.backup_pool.pull(guest.access_code_id)
    lock.faults.no_space = True
    await hub.settle(device_id)
    assert "partial_backup_access_code_pool" in _issues(hub, device_id)
    lock.faults.no_space = False
    hub.advance(25 * H)
    await hub.settle(device_id)
    assert "partial_backup_access_code_pool" not in _issues(hub, device_id)


async def test_a_pool_code_used_at_the_keypad_stays_secret_in_events(hub: Harness) -> None:
    from drivers.base import LockEvent, LockEventKind
    from gateway.store import events

    device_id, lock, _ = await _pooled(hub)
    secret = next(c for c in access_codes.for_device(hub.store.conn, device_id) if c.in_pool)
    slot = next(s for s, pin in lock.codes().items() if pin == secret.code)
    hub.reconciler(device_id).on_lock_event(LockEvent(LockEventKind.CODE_USED, slot=slot))
    unlocked = events.query(hub.store.conn, since=START - H, event_types=["lock.unlocked"], limit=5)
    assert len(unlocked) == 1
    assert unlocked[0].access_code_id is None
