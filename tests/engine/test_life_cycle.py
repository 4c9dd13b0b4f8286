"""Codes reach the lock, stay right, and leave on time: the reconciler on virtual locks."""

from __future__ import annotations

from datetime import timedelta

from gateway.domain.models import CodeStatus
from tests.support.harness import START, Harness

H = timedelta(hours=1)


async def test_ongoing_code_is_set_with_one_write_and_one_confirmation(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.operations.clear()
    code = hub.create(device_id, code="4817", name="Cleaner")
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["4817"]
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET
    assert stored.pending_mutations == []
    assert lock.operations == {"write_slot": 1, "read_slot": 1}
    assert hub.events(code.access_code_id) == ["access_code.created", "access_code.set_on_device"]


async def test_time_bound_code_is_programmed_at_start_and_removed_then_deleted_at_end(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    code = hub.create(device_id, code="5293", starts_at=START + H, ends_at=START + 3 * H)
    result = await hub.settle(device_id)
    assert result.next_wake == START + H
    assert lock.codes() == {}
    assert hub.code(code.access_code_id).status is CodeStatus.UNSET  # type: ignore[union-attr]

    hub.advance(H)
    lock.operations.clear()
    result = await hub.settle(device_id)
    assert list(lock.codes().values()) == ["5293"]
    assert hub.code(code.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    assert result.next_wake == START + 3 * H

    hub.advance(2 * H)
    await hub.settle(device_id)
    assert lock.codes() == {}
    assert hub.code(code.access_code_id) is None
    assert lock.operations == {"write_slot": 1, "clear_slot": 1, "read_slot": 2}
    assert hub.events(code.access_code_id)[-2:] == [
        "access_code.removed_from_device",
        "access_code.deleted",
    ]


async def test_anything_due_while_the_hub_was_down_is_done_on_the_first_pass(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock()
    expired = hub.create(device_id, code="6102", starts_at=START + H, ends_at=START + 2 * H)
    started = hub.create(device_id, code="6103", starts_at=START + H, ends_at=START + 9 * H)
    hub.advance(3 * H)
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["6103"]
    assert hub.code(expired.access_code_id) is None
    assert hub.code(started.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]


async def test_update_rewrites_the_same_slot_and_nothing_else(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    code = hub.create(device_id, code="7391")
    await hub.settle(device_id)
    (slot,) = lock.codes()
    lock.operations.clear()
    hub.update(code.access_code_id, code="7392")
    await hub.settle(device_id)
    assert lock.codes() == {slot: "7392"}
    assert lock.operations == {"write_slot": 1, "read_slot": 1}

    lock.operations.clear()
    hub.update(code.access_code_id, name="Renamed")
    await hub.settle(device_id)
    assert lock.operations == {}, "a name the lock does not keep needs no radio work"


async def test_delete_clears_the_slot_and_forgets_the_code(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    code = hub.create(device_id, code="8264")
    await hub.settle(device_id)
    hub.delete(code.access_code_id)
    assert hub.code(code.access_code_id).status is CodeStatus.REMOVING  # type: ignore[union-attr]
    await hub.settle(device_id)
    assert lock.codes() == {}
    assert hub.code(code.access_code_id) is None


async def test_a_pin_moving_to_a_new_code_is_cleared_before_it_is_written(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    old = hub.create(device_id, code="3141")
    await hub.settle(device_id)
    hub.delete(old.access_code_id)
    new = hub.create(device_id, code="3141")
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["3141"]
    assert hub.code(new.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    assert "access_code.failed_to_set_on_device" not in hub.events(new.access_code_id)


async def test_two_guests_with_the_same_pin_in_turn_never_overlap_on_the_lock(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock()
    first = hub.create(device_id, code="2718", starts_at=START, ends_at=START + 2 * H)
    second = hub.create(device_id, code="2718", starts_at=START + 2 * H, ends_at=START + 4 * H)
    await hub.settle(device_id)
    hub.advance(2 * H)
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["2718"]
    assert hub.code(first.access_code_id) is None
    assert hub.code(second.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
