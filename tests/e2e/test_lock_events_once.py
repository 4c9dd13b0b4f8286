"""One physical change of the bolt, one event: a lock_door or unlock_door through the SDK
records `lock.locked` / `lock.unlocked` once, as the cloud does (method "remote", with the
action attempt), not a second time when the lock reports the change it was told to make."""

from __future__ import annotations

from typing import Any

from seam import Seam

from tests.support.wait import eventually

SINCE = "2000-01-01T00:00:00Z"
BOLT = ("lock.locked", "lock.unlocked")


def _bolt_events(seam: Seam, device_id: str) -> list[Any]:
    return [
        e
        for t in BOLT
        for e in seam.events.list(device_id=device_id, event_type=t, since=SINCE, limit=500)
    ]


def _succeeded(seam: Seam, attempt: Any) -> str:
    def done() -> str | None:
        found = seam.action_attempts.get(action_attempt_id=attempt.action_attempt_id)
        return found.status if found.status != "pending" else None

    assert eventually(done) == "success"
    return str(attempt.action_attempt_id)


def test_each_lock_and_unlock_through_the_api_is_one_event_with_its_action_attempt(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Back door"]
    before = {e.event_id for e in _bolt_events(seam, device_id)}
    first = _succeeded(seam, seam.locks.unlock_door(device_id=device_id))
    second = _succeeded(seam, seam.locks.lock_door(device_id=device_id))
    third = _succeeded(seam, seam.locks.unlock_door(device_id=device_id))
    # The lock reports in order: once the keypad button's report is in, the reports of the
    # three actions before it have been taken in too.
    seam.locks.simulate.manual_lock_via_keypad(device_id=device_id)

    def new_events() -> list[Any] | None:
        found = [e for e in _bolt_events(seam, device_id) if e.event_id not in before]
        manual = [e for e in found if e.event_type == "lock.locked" and e.method == "manual"]
        return found if manual else None

    found = eventually(new_events)
    seen = sorted(
        (e.event_type, e.method, getattr(e, "action_attempt_id", None) or "") for e in found
    )
    assert seen == sorted(
        [
            ("lock.unlocked", "remote", first),
            ("lock.locked", "remote", second),
            ("lock.unlocked", "remote", third),
            ("lock.locked", "manual", ""),
        ]
    )
    assert seam.locks.get(device_id=device_id).properties.locked is True
