"""Codes found on a lock that the gateway did not put there."""

from __future__ import annotations

from seam import Seam


def test_codes_set_at_the_keypad_are_listed_as_unmanaged(seam: Seam, locks: dict[str, str]) -> None:
    found = seam.access_codes.unmanaged.list(device_id=locks["Front door"])
    assert "4711" in {c.code for c in found}
    owner = seam.access_codes.unmanaged.get(device_id=locks["Front door"], code="4711")
    assert owner.is_managed is False
    again = seam.access_codes.unmanaged.get(access_code_id=owner.access_code_id)
    assert again.code == "4711"
    managed = seam.access_codes.list(device_id=locks["Front door"])
    assert owner.access_code_id not in {c.access_code_id for c in managed}


def test_convert_to_managed_adopts_the_code_in_place(seam: Seam, locks: dict[str, str]) -> None:
    found = seam.access_codes.unmanaged.get(device_id=locks["Front door"], code="8642")
    seam.access_codes.unmanaged.convert_to_managed(access_code_id=found.access_code_id)
    adopted = seam.access_codes.get(access_code_id=found.access_code_id)
    assert adopted.is_managed is True
    assert adopted.code == "8642"
    assert adopted.status == "set"
    remaining = seam.access_codes.unmanaged.list(device_id=locks["Front door"])
    assert found.access_code_id not in {c.access_code_id for c in remaining}


def test_unmanaged_update_without_managing_changes_nothing(
    seam: Seam, locks: dict[str, str]
) -> None:
    owner = seam.access_codes.unmanaged.get(device_id=locks["Front door"], code="4711")
    seam.access_codes.unmanaged.update(access_code_id=owner.access_code_id, is_managed=False)
    assert seam.access_codes.unmanaged.get(access_code_id=owner.access_code_id).code == "4711"


def test_unmanaged_delete_clears_the_slot_on_the_lock(seam: Seam, locks: dict[str, str]) -> None:
    found = seam.access_codes.unmanaged.get(device_id=locks["Front door"], code="5190")
    response = seam.client.delete(
        "/access_codes/unmanaged/delete", params={"access_code_id": found.access_code_id}
    )
    attempt = response["action_attempt"]
    assert attempt["action_type"] == "DELETE_ACCESS_CODE"
    done = seam.action_attempts.get(
        action_attempt_id=attempt["action_attempt_id"], wait_for_action_attempt=True
    )
    assert done.status == "success"
    remaining = seam.access_codes.unmanaged.list(device_id=locks["Front door"])
    assert "5190" not in {c.code for c in remaining}
