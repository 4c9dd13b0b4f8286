"""On-device windows on a Window Entry Lock (year-day) node: time-bound codes carry their
window into the lock, which lets the guest in only inside it, whatever the hub does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam

from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim
from tests.zwave.conftest import NODES, device_for

YALE = NODES["yale"]
H = timedelta(hours=1)


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _slot_of(zwave: ZWaveSim, pin: str) -> int:
    def placed() -> int | None:
        slots = [slot for slot, held in zwave.codes(YALE).items() if held == pin]
        return slots[0] if len(slots) == 1 else None

    eventually(lambda: placed() is not None, timeout=30)
    slot = placed()
    assert slot is not None
    return slot


def test_a_later_stay_is_on_the_lock_ahead_and_the_lock_keeps_the_guest_out_until_check_in(
    seam: Seam, fresh: ZWaveSim
) -> None:
    device_id = device_for(seam, YALE)
    fresh.act(YALE, "time-offset", minutes=120)  # the lock believes it is two hours east
    fresh.act(YALE, "dead")
    fresh.act(YALE, "alive", announce=True)  # back (new batteries): its time is set again
    now = datetime.now(UTC)
    starts_at, ends_at = _minute(now) + 2 * H, _minute(now) + 26 * H
    later = seam.access_codes.create(
        device_id=device_id,
        code="6174",
        name="Later",
        starts_at=starts_at.isoformat(),
        ends_at=ends_at.isoformat(),
    )
    slot = _slot_of(fresh, "6174")

    def scheduled() -> bool:
        code = seam.access_codes.get(access_code_id=later.access_code_id)
        return bool(code.is_scheduled_on_device)

    eventually(scheduled, timeout=30)
    code = seam.access_codes.get(access_code_id=later.access_code_id)
    assert code.status == "unset", "not usable before check-in, as the cloud reports it"
    assert fresh.windows(YALE)[slot] == {
        "starts_at": starts_at.isoformat().replace("+00:00", ".000Z"),
        "ends_at": ends_at.isoformat().replace("+00:00", ".000Z"),
        "enabled": True,
    }
    assert fresh.node(YALE)["time_offset_minutes"] == 0
    assert not fresh.unlock(YALE, slot), "the lock itself refuses the code before its window"
    events = seam.events.list(access_code_id=later.access_code_id, since=(now - H).isoformat())
    assert "access_code.scheduled_on_device" in {e.event_type for e in events}

    # A stay already running: set now, and it opens the door.
    current = seam.access_codes.create(
        device_id=device_id,
        code="6175",
        name="Now",
        starts_at=(now - H).isoformat(),
        ends_at=(now + H).isoformat(),
    )
    eventually(
        lambda: seam.access_codes.get(access_code_id=current.access_code_id).status == "set",
        timeout=30,
    )
    assert fresh.unlock(YALE, _slot_of(fresh, "6175"))


def test_an_extended_stay_moves_the_window_on_the_lock_and_ongoing_codes_have_none(
    seam: Seam, fresh: ZWaveSim
) -> None:
    device_id = device_for(seam, YALE)
    now = _minute(datetime.now(UTC))
    stay = seam.access_codes.create(
        device_id=device_id,
        code="5281",
        starts_at=(now - H).isoformat(),
        ends_at=(now + H).isoformat(),
    )
    slot = _slot_of(fresh, "5281")
    eventually(lambda: slot in fresh.windows(YALE), timeout=30)
    seam.access_codes.update(access_code_id=stay.access_code_id, ends_at=(now + 30 * H).isoformat())

    def moved() -> bool:
        window = fresh.windows(YALE).get(slot)
        return window is not None and window["ends_at"].startswith(
            (now + 30 * H).strftime("%Y-%m-%dT%H:%M")
        )

    eventually(moved, timeout=30)
    assert fresh.codes(YALE)[slot] == "5281"

    seam.access_codes.delete(access_code_id=stay.access_code_id)
    eventually(lambda: slot not in fresh.codes(YALE), timeout=30)
    cleaner = seam.access_codes.create(device_id=device_id, code="5282", name="Cleaner")
    cleaner_slot = _slot_of(fresh, "5282")
    eventually(
        lambda: seam.access_codes.get(access_code_id=cleaner.access_code_id).status == "set",
        timeout=30,
    )
    assert (
        cleaner_slot not in fresh.windows(YALE) or not fresh.windows(YALE)[cleaner_slot]["enabled"]
    ), "a code without a window must not inherit an old one"
    assert fresh.unlock(YALE, cleaner_slot)


@pytest.mark.parametrize(
    ("kind", "pins"), [("uc-small", ("7301", "7302")), ("uc-large", ("730100", "730200"))]
)
def test_a_lock_without_on_device_windows_holds_a_time_bound_code_only_inside_its_window(
    seam: Seam, fresh: ZWaveSim, kind: str, pins: tuple[str, str]
) -> None:
    """A User Credential lock's user schedules are not reachable through zwave-js: the hub keeps
    the time, as for any lock without on-device windows."""
    node = NODES[kind]
    device_id = device_for(seam, node)
    now = datetime.now(UTC)
    later = seam.access_codes.create(
        device_id=device_id,
        code=pins[0],
        starts_at=(now + 2 * H).isoformat(),
        ends_at=(now + 26 * H).isoformat(),
    )
    ending = seam.access_codes.create(
        device_id=device_id,
        code=pins[1],
        starts_at=(now - H).isoformat(),
        ends_at=(now + timedelta(seconds=10)).isoformat(),
    )
    eventually(
        lambda: seam.access_codes.get(access_code_id=ending.access_code_id).status == "set",
        timeout=30,
    )
    assert pins[1] in fresh.codes(node).values()
    eventually(lambda: pins[1] not in fresh.codes(node).values(), timeout=40)
    code = seam.access_codes.get(access_code_id=later.access_code_id)
    assert code.status == "unset" and not code.is_scheduled_on_device
    assert pins[0] not in fresh.codes(node).values()
