"""Locks that are offline, slow, full, or refuse codes: no loops, clear errors, convergence."""

from __future__ import annotations

from datetime import timedelta

from gateway.domain.models import CodeStatus
from gateway.store import slots
from gateway.wire.requests import CreateMultipleAccessCodes
from tests.support.harness import Harness


def _codes(issues: list) -> set[str]:  # type: ignore[type-arg]
    return {i.code for i in issues}


async def test_offline_lock_marks_device_and_codes_then_converges_when_back(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.set_online(False)
    code = hub.create(device_id, code="4817")
    result = await hub.settle(device_id)
    assert result.failed
    assert hub.reconciler(device_id).backoff_delay() > 0
    device = hub.device(device_id)
    assert device.online is False and "device_offline" in _codes(device.errors)
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SETTING
    assert "device_offline" in _codes(stored.errors)
    assert "delay_in_setting_on_device" in _codes(stored.warnings)
    assert "device.disconnected" in hub.events()

    lock.set_online(True)
    hub.reconciler(device_id).on_lock_event(next_event(lock))
    await hub.settle(device_id)
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET
    assert stored.errors == [] and stored.warnings == []
    assert hub.device(device_id).online is True
    assert list(lock.codes().values()) == ["4817"]
    assert "device.connected" in hub.events()


def next_event(lock):  # type: ignore[no-untyped-def]
    """The newest event the virtual lock emitted (tests hand it to the reconciler)."""
    items = []
    while not lock._events.empty():
        items.append(lock._events.get_nowait())
    return items[-1]


async def test_timeouts_back_off_exponentially_and_recover(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    reconciler = hub.reconciler(device_id)
    lock.faults.timeouts = 3
    hub.create(device_id, code="5926")
    delays = []
    for _ in range(3):
        assert (await reconciler.reconcile_once()).failed
        delays.append(reconciler.backoff_delay())
    assert delays[0] < delays[2]
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["5926"]
    assert reconciler.backoff_delay() == 0


async def test_duplicate_rejected_by_the_lock_is_an_error_not_a_retry_loop(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.keypad_set(20, "9370", notify=False)  # set at the keypad, unseen by the gateway
    code = hub.create(device_id, code="9370")
    for _ in range(5):
        await hub.reconciler(device_id).reconcile_once()
    assert lock.operations["write_slot"] == 1
    stored = hub.code(code.access_code_id)
    assert stored is not None
    assert "duplicate_code_on_device" in _codes(stored.errors)
    assert stored.status is CodeStatus.SETTING
    assert "access_code.failed_to_set_on_device" in hub.events(code.access_code_id)

    hub.update(code.access_code_id, code="9371")
    await hub.settle(device_id)
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET and stored.errors == []


async def test_no_space_on_the_lock_is_an_error_not_a_retry_loop(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.faults.no_space = True
    code = hub.create(device_id, code="6284")
    for _ in range(4):
        await hub.reconciler(device_id).reconcile_once()
    assert lock.operations["write_slot"] == 1
    stored = hub.code(code.access_code_id)
    assert stored is not None
    assert "no_space_for_access_code_on_device" in _codes(stored.errors)


async def test_every_slot_taken_reports_no_space_without_radio_work(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    for slot in lock.capabilities.slots:
        lock.keypad_set(slot, f"{1000 + slot * 7}", notify=False)
    await hub.settle(device_id)
    code = hub.create(device_id, code="8080")
    lock.operations.clear()
    await hub.settle(device_id)
    assert lock.operations["write_slot"] == 0
    stored = hub.code(code.access_code_id)
    assert stored is not None
    assert "no_space_for_access_code_on_device" in _codes(stored.errors)


async def test_a_slot_that_never_keeps_its_code_trips_the_breaker(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.faults.ignore_writes = True
    code = hub.create(device_id, code="1793")
    for _ in range(8):
        await hub.reconciler(device_id).reconcile_once()
    assert lock.operations["write_slot"] == 3, "the breaker stops writes after 3 failures"
    stored = hub.code(code.access_code_id)
    assert stored is not None and "failed_to_set_on_device" in _codes(stored.errors)
    suspended = slots.for_device(hub.store.conn, device_id)
    assert len(suspended) == 1


async def test_a_lock_reporting_stale_empty_after_a_set_is_confirmed_by_a_second_read(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.faults.stale_status_after_set = True
    lock.operations.clear()
    code = hub.create(device_id, code="2649")
    await hub.settle(device_id)
    assert lock.operations["write_slot"] == 1
    assert hub.code(code.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]


async def test_masked_read_back_confirms_and_never_loops(hub: Harness) -> None:
    device_id, lock = hub.add_lock("zwave-masked")
    lock.keypad_set(1, "5555", notify=False)
    await hub.settle(device_id)
    code = hub.create(device_id, code="7351")
    await hub.settle(device_id)
    assert hub.code(code.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    lock.operations.clear()
    for _ in range(5):
        await hub.reconciler(device_id).reconcile_once()
    assert lock.operations["write_slot"] == 0
    assert lock.operations["read_slot"] == 0
    unmanaged = hub.services.unmanaged
    assert unmanaged is not None
    assert lock.codes()[1] == "5555", "the unmanaged code was never overwritten"


async def test_a_slow_lock_gets_a_delay_warning_then_loses_it_when_done(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.faults.timeouts = 1
    code = hub.create(device_id, code="3827")
    lock.faults.offline = False
    reconciler = hub.reconciler(device_id)
    result = await reconciler.reconcile_once()  # times out: retried later
    assert result.failed
    hub.advance(timedelta(minutes=3))
    lock.faults.timeouts = 1
    await reconciler.reconcile_once()
    stored = hub.code(code.access_code_id)
    assert stored is not None
    assert "delay_in_setting_on_device" in _codes(stored.warnings)
    assert "access_code.delay_in_setting_on_device" in hub.events(code.access_code_id)
    await hub.settle(device_id)
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET and stored.warnings == []


async def test_a_clear_the_lock_does_not_take_is_retried_then_reported_without_hammering(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock()
    code = hub.create(device_id, code="6650")
    await hub.settle(device_id)
    lock.faults.ignore_clears = True
    hub.delete(code.access_code_id)
    for _ in range(8):
        await hub.reconciler(device_id).reconcile_once()
    assert lock.operations["clear_slot"] == 3
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.REMOVING
    assert "failed_to_remove_from_device" in _codes(stored.errors)
    assert "access_code.failed_to_remove_from_device" in hub.events(code.access_code_id)

    lock.faults.ignore_clears = False
    hub.advance(timedelta(minutes=31))
    await hub.settle(device_id)
    assert lock.codes() == {}
    assert hub.code(code.access_code_id) is None


async def test_one_unreachable_lock_never_holds_up_another(hub: Harness) -> None:
    front_id, front = hub.add_lock(ref="front")
    back_id, back = hub.add_lock(ref="back")
    front.faults.offline = True
    shared = hub.services.access_codes.create_multiple(
        CreateMultipleAccessCodes(device_ids=[front_id, back_id], code="7419")
    )
    await hub.settle(front_id)
    await hub.settle(back_id)
    assert list(back.codes().values()) == ["7419"]
    assert front.codes() == {}
    by_device = {c.device_id: hub.code(c.access_code_id) for c in shared}
    assert by_device[back_id].status is CodeStatus.SET  # type: ignore[union-attr]
    assert by_device[front_id].status is CodeStatus.SETTING  # type: ignore[union-attr]
