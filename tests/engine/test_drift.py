"""Changes made at the keypad: detected, put right (or accepted when allowed), never looped."""

from __future__ import annotations

from datetime import timedelta

from drivers.base import LockEvent, LockEventKind
from gateway.domain.models import CodeStatus
from gateway.store import access_codes, events
from gateway.wire.requests import ConvertUnmanagedAccessCode
from tests.support.harness import START, Harness


def _errors(hub: Harness, access_code_id: str) -> set[str]:
    code = hub.code(access_code_id)
    assert code is not None
    return {e.code for e in code.errors}


async def _set_code(hub: Harness, profile: str = "zwave-30", **params: object):  # type: ignore[no-untyped-def]
    device_id, lock = hub.add_lock(profile)
    code = hub.create(device_id, **params)
    await hub.settle(device_id)
    (slot,) = lock.codes()
    return device_id, lock, code, slot


def _tell(hub: Harness, device_id: str, slot: int) -> None:
    hub.reconciler(device_id).on_lock_event(LockEvent(LockEventKind.SLOT_CHANGED, slot=slot))


async def test_code_changed_at_the_keypad_is_put_back_and_flagged(hub: Harness) -> None:
    device_id, lock, code, slot = await _set_code(hub, code="4817")
    lock.keypad_set(slot, "9999", notify=False)
    _tell(hub, device_id, slot)
    first = await hub.reconciler(device_id).reconcile_once()
    assert first.operations == 2  # one write back, one confirmation
    assert lock.codes()[slot] == "4817"
    assert "access_code.modified_external_to_seam" in hub.events(code.access_code_id)
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.status is CodeStatus.SET
    assert "conflicting_external_modification" not in _errors(hub, code.access_code_id)


async def test_code_deleted_at_the_keypad_is_set_again(hub: Harness) -> None:
    device_id, lock, code, slot = await _set_code(hub, code="5381")
    lock.keypad_clear(slot, notify=False)
    _tell(hub, device_id, slot)
    await hub.settle(device_id)
    assert lock.codes() == {slot: "5381"}
    assert "access_code.deleted_external_to_seam" in hub.events(code.access_code_id)


async def test_allowed_external_modification_is_accepted_with_a_warning(hub: Harness) -> None:
    device_id, lock, code, slot = await _set_code(
        hub, code="6142", allow_external_modification=True
    )
    lock.keypad_set(slot, "6143", notify=False)
    _tell(hub, device_id, slot)
    lock.operations.clear()
    await hub.settle(device_id)
    assert lock.operations["write_slot"] == 0
    stored = hub.code(code.access_code_id)
    assert stored is not None and stored.code == "6143"
    assert "external_modification_in_effect" in {w.code for w in stored.warnings}


async def test_change_without_any_report_is_found_by_the_periodic_check(hub: Harness) -> None:
    device_id, lock, _code, slot = await _set_code(hub, code="7034")
    lock.keypad_set(slot, "7035", notify=False)
    await hub.settle(device_id)
    assert lock.codes()[slot] == "7035", "nothing is re-read before the drift check is due"
    hub.advance(timedelta(hours=7))
    await hub.settle(device_id)
    assert lock.codes()[slot] == "7034"


async def test_checksum_locks_check_drift_with_one_frame_not_a_full_scan(hub: Harness) -> None:
    device_id, lock, _code, slot = await _set_code(hub, "zwave-250", code="8156")
    lock.operations.clear()
    hub.advance(timedelta(hours=7))
    await hub.settle(device_id)
    assert lock.operations == {"checksum": 1}
    lock.keypad_set(slot, "8157", notify=False)
    lock.operations.clear()
    hub.advance(timedelta(hours=7))
    await hub.settle(device_id)
    assert lock.codes()[slot] == "8156"
    assert lock.operations["checksum"] == 1  # a mismatch is not asked twice before the scan


async def test_codes_found_on_the_lock_are_unmanaged_and_never_overwritten(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    lock.keypad_set(1, "1357", notify=False)
    await hub.settle(device_id)
    for n in range(3):
        hub.create(device_id, code=f"246{n}")
    await hub.settle(device_id)
    assert lock.codes()[1] == "1357"
    unmanaged = [c for c in access_codes.for_device(hub.store.conn, device_id) if not c.is_managed]
    assert [c.code for c in unmanaged] == ["1357"]


async def test_a_code_added_at_the_keypad_later_shows_up_as_unmanaged(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    await hub.settle(device_id)
    lock.keypad_set(12, "8642")
    _tell(hub, device_id, 12)
    await hub.settle(device_id)
    found = access_codes.find_by_code(hub.store.conn, device_id, "8642", managed=False)
    assert found is not None
    assert "access_code.unmanaged.created" in hub.events(found.access_code_id)


async def test_converted_code_is_kept_in_place_and_then_managed(hub: Harness) -> None:
    device_id, lock = hub.add_lock()
    lock.keypad_set(4, "9031", notify=False)
    await hub.settle(device_id)
    found = access_codes.find_by_code(hub.store.conn, device_id, "9031", managed=False)
    assert found is not None
    hub.services.unmanaged.convert_to_managed(
        ConvertUnmanagedAccessCode(access_code_id=found.access_code_id)
    )
    lock.operations.clear()
    await hub.settle(device_id)
    assert lock.operations["write_slot"] == 0
    lock.keypad_set(4, "9032", notify=False)
    _tell(hub, device_id, 4)
    await hub.settle(device_id)
    assert lock.codes()[4] == "9031", "an adopted code is now kept as declared"


async def test_a_keypad_unlock_is_attributed_to_the_access_code_in_that_slot(
    hub: Harness,
) -> None:
    device_id, lock, code, _slot = await _set_code(hub, code="3690")
    assert lock.keypad_unlock("3690")
    event = lock._events.get_nowait()
    while event.kind is not LockEventKind.CODE_USED:
        event = lock._events.get_nowait()
    hub.reconciler(device_id).on_lock_event(event)
    found = events.query(hub.store.conn, since=START, event_types=["lock.unlocked"], limit=10)
    assert [(e.access_code_id, e.payload["method"]) for e in found] == [
        (code.access_code_id, "keycode")
    ]
    assert hub.device(device_id).locked is False
