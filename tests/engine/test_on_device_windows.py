"""Locks that keep a code's window themselves: time-bound codes go on ahead of their start, with
the window, so the door opens at check-in even if the hub is down then."""

from __future__ import annotations

from datetime import timedelta

from drivers.base import Window
from gateway.domain.models import CodeStatus
from tests.support.harness import START, Harness, nuki_pin

H = timedelta(hours=1)


async def test_time_bound_code_is_programmed_ahead_with_its_window_and_opens_only_inside_it(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock("nuki")
    code = hub.create(device_id, code="583914", starts_at=START + 2 * H, ends_at=START + 5 * H)
    await hub.settle(device_id)

    assert list(lock.codes().values()) == ["583914"]
    assert list(lock.windows().values()) == [Window(START + 2 * H, START + 5 * H)]
    stored = hub.code(code.access_code_id)
    assert stored is not None
    assert stored.status is CodeStatus.UNSET and stored.is_scheduled_on_device
    assert hub.events(code.access_code_id) == [
        "access_code.created",
        "access_code.scheduled_on_device",
    ]
    assert not lock.keypad_unlock("583914", at=START + H), "the lock keeps the guest out early"
    assert lock.keypad_unlock("583914", at=START + 2 * H)

    # Check-in: nothing to send, the code is simply set now.
    hub.advance(2 * H)
    lock.operations.clear()
    await hub.settle(device_id)
    assert lock.operations == {}
    assert hub.code(code.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    assert hub.events(code.access_code_id)[-1] == "access_code.set_on_device"

    # Check-out: removed by the hub as well (the lock's window is the second line).
    hub.advance(3 * H)
    await hub.settle(device_id)
    assert lock.codes() == {}
    assert hub.code(code.access_code_id) is None


async def test_a_code_that_refuses_native_scheduling_is_programmed_at_its_start(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock("nuki")
    code = hub.create(
        device_id,
        code="583915",
        starts_at=START + H,
        ends_at=START + 3 * H,
        prefer_native_scheduling=False,
    )
    await hub.settle(device_id)
    assert lock.codes() == {}
    hub.advance(H)
    await hub.settle(device_id)
    assert lock.windows() == {1: None}
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET
    assert not stored.is_scheduled_on_device


async def test_a_longer_stay_rewrites_the_window_in_the_same_slot(hub: Harness) -> None:
    device_id, lock = hub.add_lock("nuki")
    code = hub.create(device_id, code="583916", starts_at=START + H, ends_at=START + 3 * H)
    await hub.settle(device_id)
    (slot,) = lock.codes()
    hub.update(code.access_code_id, ends_at=START + 30 * H)
    await hub.settle(device_id)
    assert lock.windows() == {slot: Window(START + H, START + 30 * H)}
    assert lock.codes() == {slot: "583916"}


async def test_a_code_due_now_takes_back_a_slot_lent_to_a_later_stay(hub: Harness) -> None:
    device_id, lock = hub.add_lock("nuki")
    slots = lock.capabilities.slot_count
    later = [
        hub.create(
            device_id, code=nuki_pin(n), starts_at=START + (10 + n) * H, ends_at=START + 200 * H
        )
        for n in range(slots)
    ]
    await hub.settle(device_id, max_passes=20)
    assert len(lock.codes()) == slots, "every future stay went on ahead while there was room"

    now = hub.create(device_id, code="919191")
    await hub.settle(device_id)
    stored = hub.code(now.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET and not stored.errors
    assert "919191" in lock.codes().values()
    latest = hub.code(later[-1].access_code_id)
    assert latest is not None and latest.status is CodeStatus.UNSET and not latest.errors
    assert latest.code not in lock.codes().values(), "the latest stay waits for its start"


async def test_guests_in_turn_with_one_pin_are_not_programmed_ahead_into_a_duplicate(
    hub: Harness,
) -> None:
    device_id, lock = hub.add_lock("nuki")
    first = hub.create(device_id, code="271828", starts_at=START, ends_at=START + 2 * H)
    second = hub.create(device_id, code="271828", starts_at=START + 2 * H, ends_at=START + 4 * H)
    await hub.settle(device_id)
    assert list(lock.codes().values()) == ["271828"]
    assert not hub.code(second.access_code_id).errors  # type: ignore[union-attr]

    hub.advance(2 * H)
    await hub.settle(device_id)
    assert list(lock.windows().values()) == [Window(START + 2 * H, START + 4 * H)]
    assert hub.code(first.access_code_id) is None
    assert hub.code(second.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    assert "access_code.failed_to_set_on_device" not in hub.events(second.access_code_id)
