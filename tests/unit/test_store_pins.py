"""The store's narrow PIN reads (what create, update and grants check a PIN against) answer
what the domain rules make of every code of the lock, and read a code back as it was written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from drivers.base import Capabilities, CodeRules
from gateway.domain.models import POOL, AccessCode, CodeStatus, Device, Issue, Mutation
from gateway.domain.rules import taken_pins
from gateway.store import access_codes, devices
from gateway.store.db import Store

NOW = datetime(2026, 12, 2, 20, 0, 0, 123000, tzinfo=UTC)
LOCK, OTHER = "lock-1", "lock-2"


def _device(device_id: str) -> Device:
    caps = Capabilities(
        slot_count=30, code_rules=CodeRules(lengths=(4,)), manufacturer="x", model="y"
    )
    return Device(device_id, "virtual", device_id, device_id, caps, NOW)


def _code(n: int, device_id: str, pin: str | None, **fields: object) -> AccessCode:
    code = AccessCode(f"code-{device_id}-{n}", device_id, f"Guest {n}", pin, NOW, CodeStatus.SET)
    for name, value in fields.items():
        setattr(code, name, value)
    return code


def _store(tmp_path: Path) -> Store:
    store = Store(tmp_path)
    window = (NOW + timedelta(days=1), NOW + timedelta(days=2))
    with store.transaction() as conn:
        for device_id in (LOCK, OTHER):
            devices.upsert(conn, _device(device_id))
        for code in (
            _code(1, LOCK, "1357"),
            _code(2, LOCK, "2468", starts_at=window[0], ends_at=window[1]),
            _code(3, LOCK, "2468", deleting=True, status=CodeStatus.REMOVING),  # leaving
            _code(4, LOCK, "9753", pool_state=POOL),
            _code(5, LOCK, "8642", is_managed=False),
            _code(6, LOCK, None, status=CodeStatus.UNKNOWN),  # masked: PIN unknown
            _code(7, OTHER, "1111"),
        ):
            access_codes.insert(conn, code)
    return store


def test_the_pins_a_new_code_must_avoid_are_those_the_rules_name(tmp_path: Path) -> None:
    store = _store(tmp_path)
    taken = access_codes.taken_pins(store.conn, LOCK)
    assert taken == taken_pins(access_codes.pin_uses(store.conn, LOCK))
    assert taken == {"1357", "2468", "9753", "8642"}


def test_the_codes_holding_a_pin_are_those_of_every_code_with_it(tmp_path: Path) -> None:
    store = _store(tmp_path)
    every = access_codes.pin_uses(store.conn, LOCK)
    for pin in ("1357", "2468", "8642", "1111", "0000"):
        holding = access_codes.pin_uses(store.conn, LOCK, pin=pin)
        assert holding == [use for use in every if use.code == pin]
    assert [use.deleting for use in access_codes.pin_uses(store.conn, LOCK, "2468")] == [
        False,
        True,
    ]


def test_a_code_reads_back_as_it_was_written(tmp_path: Path) -> None:
    store = _store(tmp_path)
    code = _code(
        8,
        LOCK,
        "4826",
        starts_at=NOW,
        ends_at=NOW + timedelta(hours=5),
        common_code_key="family",
        is_external_modification_allowed=True,
        use_backup_access_code_pool=True,
        prefer_native_scheduling=False,
        is_scheduled_on_device=True,
        appearance_name="Guest 8",
        errors=[Issue("failed_to_set_on_device", "refused", NOW, {"extra": 1})],
        warnings=[Issue("code_modified_external_to_seam", "changed", NOW)],
        pending_mutations=[Mutation("creating", "being set", NOW)],
    )
    with store.transaction() as conn:
        access_codes.insert(conn, code)
    assert access_codes.get(store.conn, code.access_code_id) == code
    assert access_codes.get(store.conn, "code-lock-1-3") == _code(
        3, LOCK, "2468", deleting=True, status=CodeStatus.REMOVING
    )
