"""Devices and locks through the official SDK."""

from __future__ import annotations

from seam import Seam
from seam.exceptions import SeamHttpApiError


def test_locks_list_shows_every_configured_lock_with_its_code_rules(seam: Seam) -> None:
    locks = {lock.display_name: lock for lock in seam.locks.list()}
    assert set(locks) >= {"Front door", "Back door", "Garage", "Side door"}
    garage = locks["Garage"].properties
    assert garage.supported_code_lengths == [6]
    assert "no_zeros" in [c.constraint_type for c in garage.code_constraints]
    assert locks["Back door"].properties.max_active_codes_supported == 250
    assert all(lock.properties.online for lock in locks.values())


def test_device_get_by_id_and_by_name_return_the_same_lock(
    seam: Seam, locks: dict[str, str]
) -> None:
    by_id = seam.devices.get(device_id=locks["Back door"])
    by_name = seam.devices.get(name="Back door")
    assert by_id.device_id == by_name.device_id == locks["Back door"]
    assert "access_code" in by_id.capabilities_supported


def test_renaming_a_device_shows_the_new_name_everywhere(seam: Seam, locks: dict[str, str]) -> None:
    device_id = locks["Side door"]
    seam.devices.update(device_id=device_id, name="Side door (renamed)")
    try:
        assert seam.locks.get(device_id=device_id).display_name == "Side door (renamed)"
        assert device_id in {d.device_id for d in seam.devices.list()}
    finally:
        seam.devices.update(device_id=device_id, name="Side door")
    assert seam.devices.get(device_id=device_id).display_name == "Side door"


def test_devices_list_filters_by_manufacturer_and_ids(seam: Seam, locks: dict[str, str]) -> None:
    nuki = seam.devices.list(manufacturer="nuki")
    assert [d.device_id for d in nuki] == [locks["Garage"]]
    two = seam.devices.list(device_ids=[locks["Front door"], locks["Back door"]])
    assert {d.device_id for d in two} == {locks["Front door"], locks["Back door"]}


def test_unknown_device_is_a_404_device_not_found(seam: Seam) -> None:
    try:
        seam.devices.get(device_id="00000000-0000-4000-8000-000000000000")
    except SeamHttpApiError as exc:
        assert exc.status_code == 404
        assert exc.code == "device_not_found"
    else:
        raise AssertionError("expected device_not_found")


def test_lock_and_unlock_return_pending_action_attempts(seam: Seam, locks: dict[str, str]) -> None:
    attempt = seam.locks.unlock_door(device_id=locks["Front door"])
    assert attempt.action_type == "UNLOCK_DOOR"
    fetched = seam.action_attempts.get(action_attempt_id=attempt.action_attempt_id)
    assert fetched.action_attempt_id == attempt.action_attempt_id
    assert fetched.status in ("pending", "success")
    assert seam.locks.lock_door(device_id=locks["Front door"]).action_type == "LOCK_DOOR"
