"""Z-Wave locks end to end: the official SDK -> lockgw -> zwave-js server -> simulated locks.
What a user sees through the API is checked against what the simulated lock really holds."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

import pytest
from seam import Seam
from seam.exceptions import SeamHttpInvalidInputError

from gateway.config import Config
from gateway.service.doctor import run_checks
from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim
from tests.zwave.conftest import NODES, USER_CREDENTIAL, device_for

# The PINs each lock takes: uc-large wants 6 to 10 digits.
LONGER = {"uc-large": "13"}


def pin_for(kind: str, pin: str) -> str:
    return pin + LONGER.get(kind, "")


def _status(seam: Seam, access_code_id: str) -> str:
    return str(seam.access_codes.get(access_code_id=access_code_id).status)


class Placed(NamedTuple):
    access_code_id: str
    slot: int  # where the lock holds it


def _set(seam: Seam, zwave: ZWaveSim, node: int, code: str, name: str = "Guest") -> Placed:
    device_id = device_for(seam, node)
    created = seam.access_codes.create(device_id=device_id, code=code, name=name)
    eventually(lambda: _status(seam, created.access_code_id) == "set", timeout=30)
    slots = [slot for slot, held in zwave.codes(node).items() if held == code]
    assert len(slots) == 1, slots
    return Placed(created.access_code_id, slots[0])


@pytest.mark.parametrize("kind", ["schlage", "kwikset", "yale", "masked", "slow", *USER_CREDENTIAL])
def test_a_code_is_set_on_the_lock_and_removed_when_deleted(
    seam: Seam, fresh: ZWaveSim, kind: str
) -> None:
    node = NODES[kind]
    fresh.act(node, "counts/reset")
    access_code_id, slot = _set(seam, fresh, node, pin_for(kind, "4826"))
    if kind == "kwikset":  # User Code v2: Extended User Code Set
        assert fresh.received(node).get("UserCodeCCExtendedUserCodeSet", 0) >= 1
    if kind in USER_CREDENTIAL:  # a user with one PIN credential; never the old CC
        received = fresh.received(node)
        assert received.get("UserCredentialCCCredentialSet", 0) == 1, received
        assert not any(command.startswith("UserCode") for command in received), received
    seam.access_codes.delete(access_code_id=access_code_id)
    eventually(lambda: slot not in fresh.codes(node), timeout=30)


def test_locks_describe_themselves_from_the_node(seam: Seam, fresh: ZWaveSim) -> None:
    schlage = seam.devices.get(device_id=device_for(seam, NODES["schlage"]))
    kwikset = seam.devices.get(device_id=device_for(seam, NODES["kwikset"]))
    assert schlage.device_type == "schlage_lock" and kwikset.device_type == "kwikset_lock"
    assert schlage.properties.online and kwikset.properties.online
    # Schlage: exact length from configuration parameter 16 (4 by default).
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        seam.access_codes.create(device_id=schlage.device_id, code="482613")
    assert "code" in str(refused.value)
    assert not any(c == "482613" for c in fresh.codes(NODES["schlage"]).values())


@pytest.mark.parametrize(
    ("kind", "pin", "action", "changed_to", "report"),
    [
        pytest.param("kwikset", "5927", "keypad/set", "1111", "report",
                     id="changed-with-a-report"),
        pytest.param("schlage", "6038", "keypad/delete", None, "notification",
                     id="deleted-with-a-notification"),
        pytest.param("masked", "2741", "keypad/set", "2742", "both",
                     id="masked-lock-changed-seen-through-its-notification"),
        pytest.param("uc-small", "5927", "keypad/set", "1111", "report",
                     id="credential-changed-with-a-credential-report"),
        pytest.param("uc-large", "603812", "keypad/delete", None, "report",
                     id="user-deleted-with-a-credential-report"),
        pytest.param("uc-and-user-code", "6038", "keypad/delete", None, "notification",
                     id="user-deleted-with-a-notification-on-a-lock-with-both-ccs"),
        pytest.param("uc-no-checksum", "2741", "keypad/set", "2742", "both",
                     id="credential-changed-seen-through-report-and-notification"),
    ],
)  # fmt: skip
def test_a_code_changed_or_deleted_at_the_keypad_is_put_back(
    seam: Seam,
    fresh: ZWaveSim,
    kind: str,
    pin: str,
    action: str,
    changed_to: str | None,
    report: str,
) -> None:
    node = NODES[kind]
    _, slot = _set(seam, fresh, node, pin)
    change = {} if changed_to is None else {"code": changed_to}
    fresh.act(node, action, slot=slot, report=report, **change)
    eventually(lambda: fresh.codes(node).get(slot) == pin, timeout=30)


@pytest.mark.parametrize("kind", ["kwikset", "uc-small"])
def test_a_code_changed_at_the_keypad_is_accepted_where_its_owner_allows_it(
    seam: Seam, fresh: ZWaveSim, kind: str
) -> None:
    node = NODES[kind]
    created = seam.access_codes.create(
        device_id=device_for(seam, node), code="3816", allow_external_modification=True
    )
    eventually(lambda: _status(seam, created.access_code_id) == "set", timeout=30)
    slot = next(slot for slot, held in fresh.codes(node).items() if held == "3816")
    fresh.act(node, "keypad/set", slot=slot, code="3817", report="report")

    def accepted() -> bool:
        code = seam.access_codes.get(access_code_id=created.access_code_id)
        warned = {w.warning_code for w in code.warnings}
        return code.code == "3817" and "external_modification_in_effect" in warned

    eventually(accepted, timeout=30)
    assert fresh.codes(node)[slot] == "3817"  # the lock keeps what was typed at it


@pytest.mark.parametrize(("kind", "slot"), [("kwikset", 40), ("uc-large", 200), ("uc-small", 7)])
def test_a_code_added_at_the_keypad_shows_up_as_unmanaged(
    seam: Seam, fresh: ZWaveSim, kind: str, slot: int
) -> None:
    node = NODES[kind]
    pin = pin_for(kind, "7149")
    device_id = device_for(seam, node)
    fresh.act(node, "keypad/set", slot=slot, code=pin, report="notification")

    def listed() -> bool:
        codes = seam.access_codes.unmanaged.list(device_id=device_id)
        return any(c.code == pin for c in codes)

    eventually(listed, timeout=30)
    assert fresh.codes(node)[slot] == pin  # never overwritten


def _barrier(seam: Seam, zwave: ZWaveSim, node: int, code: str) -> None:
    """Another code on the same lock, set: the lock's reconciler works in order, so whatever
    it was going to do about earlier events is done by then."""
    _set(seam, zwave, node, code, name="Barrier")


@pytest.mark.parametrize("kind", ["kwikset", "uc-small"])
def test_a_dead_node_comes_back_and_everything_converges(
    seam: Seam, fresh: ZWaveSim, kind: str
) -> None:
    node = NODES[kind]
    device_id = device_for(seam, node)
    _, slot = _set(seam, fresh, node, "8250")
    fresh.act(node, "dead")
    late = seam.access_codes.create(device_id=device_id, code="8377", name="While dead")
    eventually(lambda: not seam.devices.get(device_id=device_id).properties.online, timeout=30)
    assert _status(seam, late.access_code_id) == "setting"
    # While nobody could hear it, someone changed a code at the keypad, silently.
    fresh.act(node, "keypad/set", slot=slot, code="8251", report="none")
    fresh.act(node, "alive")
    eventually(lambda: _status(seam, late.access_code_id) == "set", timeout=60)
    eventually(lambda: fresh.codes(node).get(slot) == "8250", timeout=30)
    assert sorted(fresh.codes(node).values()) == ["8250", "8377"]
    assert seam.devices.get(device_id=device_id).properties.online


@pytest.mark.parametrize(
    ("kind", "slot", "set_command"),
    [("duplicate", 30, "UserCodeCCSet"), ("uc-small", 10, "UserCredentialCCCredentialSet")],
)
def test_a_duplicate_pin_is_refused_by_the_lock_and_not_retried(
    seam: Seam, fresh: ZWaveSim, kind: str, slot: int, set_command: str
) -> None:
    node = NODES[kind]
    device_id = device_for(seam, node)
    fresh.act(node, "keypad/set", slot=slot, code="9361", report="none")
    fresh.act(node, "counts/reset")
    # The gateway does not know this PIN yet (no report): the lock itself refuses it.
    created = seam.access_codes.create(device_id=device_id, code="9361", name="Dup")

    def refused() -> bool:
        code = seam.access_codes.get(access_code_id=created.access_code_id)
        return any(e.error_code == "duplicate_code_on_device" for e in code.errors)

    eventually(refused, timeout=30)
    _barrier(seam, fresh, node, "4058")
    assert list(fresh.codes(node).values()).count("9361") == 1
    assert fresh.received(node).get(set_command, 0) == 2  # the refused one, the barrier


def test_masked_read_back_is_set_once_and_never_rewritten(seam: Seam, fresh: ZWaveSim) -> None:
    node = NODES["masked"]
    fresh.act(node, "counts/reset")
    _set(seam, fresh, node, "3572")
    # zwave-js reads the slot back on its own and gets "**********": that is our write's echo,
    # not a change at the keypad, so nothing is written again.
    _barrier(seam, fresh, node, "3690")
    assert fresh.received(node).get("UserCodeCCSet", 0) == 2
    assert sorted(fresh.codes(node).values()) == ["3572", "3690"]


@pytest.mark.parametrize("kind", ["kwikset", "uc-small"])
def test_a_keypad_unlock_is_attributed_to_the_access_code(
    seam: Seam, fresh: ZWaveSim, kind: str
) -> None:
    node = NODES[kind]
    access_code_id, slot = _set(seam, fresh, node, "2483")
    fresh.act(node, "keypad/unlock", slot=slot)

    def unlocked_by_code() -> bool:
        events = seam.events.list(device_id=device_for(seam, node), since="2000-01-01T00:00:00Z")
        return any(
            e.event_type == "lock.unlocked" and getattr(e, "access_code_id", None) == access_code_id
            for e in events
        )

    eventually(unlocked_by_code, timeout=30)


def test_lock_and_unlock_door_go_through_the_door_lock_cc(seam: Seam, fresh: ZWaveSim) -> None:
    device_id = device_for(seam, NODES["schlage"])
    for action, locked in ((seam.locks.lock_door, True), (seam.locks.unlock_door, False)):
        attempt = action(device_id=device_id)

        def done(action_attempt_id: str = attempt.action_attempt_id) -> str:
            status = seam.action_attempts.get(action_attempt_id=action_attempt_id).status
            return "" if status == "pending" else str(status)

        assert eventually(done, timeout=30) == "success"
        assert fresh.node(NODES["schlage"])["door_mode"] == (0xFF if locked else 0x00)
        eventually(
            lambda want=locked: seam.locks.get(device_id=device_id).properties.locked == want,
            timeout=10,
        )


def test_doctor_hears_the_zwave_js_server_greet_it(zwave: ZWaveSim, tmp_path: Path) -> None:
    checks = {c.name: c for c in run_checks(Config(data_dir=tmp_path, zwave_url=zwave.url), None)}
    assert checks["zwave-js server"].ok is True, checks["zwave-js server"].detail
