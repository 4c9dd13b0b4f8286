"""Managed access codes through the official SDK: what an app written for the cloud does."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from tests.support.wait import eventually


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def test_create_answers_setting_at_once_and_the_code_becomes_set_on_the_lock(
    seam: Seam, locks: dict[str, str]
) -> None:
    response = seam.client.post(
        "/access_codes/create",
        json={"device_id": locks["Back door"], "name": "Cleaner", "code": "480315"},
    )
    code = response["access_code"]
    assert code["status"] == "setting"
    assert [m["mutation_code"] for m in code["pending_mutations"]] == ["creating"]
    assert (code["type"], code["code"], code["is_managed"]) == ("ongoing", "480315", True)
    attempt = response["action_attempt"]
    assert (attempt["action_type"], attempt["status"]) == ("CREATE_ACCESS_CODE", "pending")

    done = seam.action_attempts.get(
        action_attempt_id=attempt["action_attempt_id"], wait_for_action_attempt=True
    )
    assert done.status == "success"
    assert done.result["access_code"]["status"] == "set"
    fetched = seam.access_codes.get(access_code_id=code["access_code_id"])
    assert (fetched.status, fetched.name, fetched.pending_mutations) == ("set", "Cleaner", [])
    set_events = seam.events.list(
        since=_iso(timedelta(minutes=-5)),
        access_code_id=code["access_code_id"],
        event_type="access_code.set_on_device",
    )
    assert [e.code for e in set_events] == ["480315"]


def test_time_bound_code_starting_later_is_unset_until_then(
    seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.access_codes.create(
        device_id=locks["Back door"],
        name="Guest Smith",
        starts_at=_iso(timedelta(days=2)),
        ends_at=_iso(timedelta(days=5)),
    )
    assert code.type == "time_bound"
    assert code.status == "unset"
    assert code.starts_at is not None and code.ends_at is not None
    assert code.code is not None and code.code.isdigit()


def test_code_picked_by_the_gateway_obeys_the_lock_rules(seam: Seam, locks: dict[str, str]) -> None:
    for _ in range(5):
        code = seam.access_codes.create(device_id=locks["Garage"], name="Picked")
        assert code.code is not None
        assert len(code.code) == 6
        assert "0" not in code.code
        assert not code.code.startswith("12")


def test_preferred_code_length_is_honoured_when_the_lock_allows_it(
    seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.access_codes.create(device_id=locks["Back door"], preferred_code_length=7)
    assert code.code is not None and len(code.code) == 7


def test_generate_code_gives_a_valid_pin_and_stores_nothing(
    seam: Seam, locks: dict[str, str]
) -> None:
    before = len(seam.access_codes.list(device_id=locks["Garage"]))
    generated = seam.access_codes.generate_code(device_id=locks["Garage"])
    assert generated.code is not None and len(generated.code) == 6 and "0" not in generated.code
    assert len(seam.access_codes.list(device_id=locks["Garage"])) == before


def test_get_by_device_and_code_finds_the_code(seam: Seam, locks: dict[str, str]) -> None:
    created = seam.access_codes.create(device_id=locks["Back door"], code="630071")
    found = seam.access_codes.get(device_id=locks["Back door"], code="630071")
    assert found.access_code_id == created.access_code_id


def test_list_filters_by_ids_and_pages_with_a_cursor(seam: Seam, locks: dict[str, str]) -> None:
    device_id = locks["Front door"]
    made = [
        seam.access_codes.create(device_id=device_id, name=f"Paged {i}").access_code_id
        for i in range(3)
    ]
    picked = seam.access_codes.list(access_code_ids=made[:2])
    assert {c.access_code_id for c in picked} == set(made[:2])

    first = seam.client.get("/access_codes/list", params={"device_id": device_id, "limit": 2})
    assert first["pagination"]["has_next_page"] is True
    seen = [c["access_code_id"] for c in first["access_codes"]]
    cursor = first["pagination"]["next_page_cursor"]
    while cursor:
        page = seam.client.get(
            "/access_codes/list", params={"device_id": device_id, "limit": 2, "page_cursor": cursor}
        )
        seen += [c["access_code_id"] for c in page["access_codes"]]
        cursor = page["pagination"]["next_page_cursor"]
    assert len(seen) == len(set(seen))
    assert set(made) <= set(seen)


def test_update_changes_name_code_and_times(seam: Seam, locks: dict[str, str]) -> None:
    code = seam.access_codes.create(device_id=locks["Back door"], name="Before", code="715593")
    response = seam.client.patch(
        "/access_codes/update",
        json={"access_code_id": code.access_code_id, "name": "After", "code": "715594"},
    )
    assert response["action_attempt"]["action_type"] == "UPDATE_ACCESS_CODE"
    done = seam.action_attempts.get(
        action_attempt_id=response["action_attempt"]["action_attempt_id"],
        wait_for_action_attempt=True,
    )
    assert done.result["access_code"]["code"] == "715594"
    updated = seam.access_codes.get(access_code_id=code.access_code_id)
    assert (updated.name, updated.code, updated.status) == ("After", "715594", "set")

    starts, ends = _iso(timedelta(days=1)), _iso(timedelta(days=3))
    seam.access_codes.update(access_code_id=code.access_code_id, starts_at=starts, ends_at=ends)
    timed = seam.access_codes.get(access_code_id=code.access_code_id)
    assert timed.type == "time_bound"
    assert timed.status == "unset"

    seam.access_codes.update(access_code_id=code.access_code_id, type="ongoing")
    assert seam.access_codes.get(access_code_id=code.access_code_id).type == "ongoing"


def test_delete_of_a_code_not_yet_on_the_lock_is_immediate(
    seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.access_codes.create(
        device_id=locks["Back door"],
        starts_at=_iso(timedelta(days=1)),
        ends_at=_iso(timedelta(days=2)),
    )
    seam.access_codes.delete(access_code_id=code.access_code_id)
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.get(access_code_id=code.access_code_id)
    assert err.value.code == "access_code_not_found"
    deleted = seam.events.list(
        since=_iso(timedelta(minutes=-5)),
        access_code_id=code.access_code_id,
        event_type="access_code.deleted",
    )
    assert len(deleted) == 1


def test_create_multiple_shares_one_code_and_a_common_key(
    seam: Seam, locks: dict[str, str]
) -> None:
    created = seam.access_codes.create_multiple(
        device_ids=[locks["Front door"], locks["Back door"]], name="Family"
    )
    assert len(created) == 2
    assert len({c.code for c in created}) == 1
    assert created[0].common_code_key is not None
    assert len({c.common_code_key for c in created}) == 1


def test_create_multiple_falls_back_to_random_codes_when_asked(
    seam: Seam, locks: dict[str, str]
) -> None:
    created = seam.access_codes.create_multiple(
        device_ids=[locks["Front door"], locks["Garage"]],
        code="4090",
        behavior_when_code_cannot_be_shared="create_random_code",
    )
    codes = {seam.devices.get(device_id=c.device_id).display_name: c.code for c in created}
    assert codes["Front door"] == "4090"
    assert codes["Garage"] is not None and len(codes["Garage"]) == 6


def test_create_multiple_refuses_an_unshareable_code_by_default_and_writes_nothing(
    seam: Seam, locks: dict[str, str]
) -> None:
    def count() -> int:
        return sum(
            len(seam.access_codes.list(device_id=locks[name])) for name in ("Front door", "Garage")
        )

    before = count()
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.create_multiple(
            device_ids=[locks["Front door"], locks["Garage"]], code="4091"
        )
    assert err.value.code == "invalid_input"
    assert count() == before


def test_common_code_key_reuses_the_code_of_its_group(seam: Seam, locks: dict[str, str]) -> None:
    first = seam.access_codes.create(device_id=locks["Front door"], common_code_key="stay-42")
    second = seam.access_codes.create(device_id=locks["Back door"], common_code_key="stay-42")
    assert first.code == second.code


def test_events_list_filters_by_type_and_code(seam: Seam, locks: dict[str, str]) -> None:
    code = seam.access_codes.create(device_id=locks["Back door"], name="Evented")
    eventually(lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set")
    since = _iso(timedelta(minutes=-5))
    created = seam.events.list(since=since, event_types=["access_code.created"])
    assert code.access_code_id in {e.access_code_id for e in created}
    assert {e.event_type for e in created} == {"access_code.created"}
    mine = seam.events.list(since=since, access_code_ids=[code.access_code_id])
    # newest first
    assert [e.event_type for e in mine] == ["access_code.set_on_device", "access_code.created"]
    assert {e.device_id for e in mine} == {locks["Back door"]}


def test_delete_of_a_code_on_the_lock_removes_it_then_forgets_it(
    seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.access_codes.create(device_id=locks["Back door"], code="902741")
    eventually(lambda: seam.access_codes.get(access_code_id=code.access_code_id).status == "set")
    attempt = seam.client.delete(
        "/access_codes/delete", params={"access_code_id": code.access_code_id}
    )["action_attempt"]
    done = seam.action_attempts.get(
        action_attempt_id=attempt["action_attempt_id"], wait_for_action_attempt=True
    )
    assert done.status == "success"
    with pytest.raises(SeamHttpApiError):
        seam.access_codes.get(access_code_id=code.access_code_id)
    history = seam.events.list(
        since=_iso(timedelta(minutes=-5)), access_code_id=code.access_code_id
    )
    assert {"access_code.removed_from_device", "access_code.deleted"} <= {
        e.event_type for e in history
    }


def test_appearance_shows_the_name_as_a_lock_that_keeps_names_shows_it(
    seam: Seam, locks: dict[str, str]
) -> None:
    code = seam.client.post(
        "/access_codes/create",
        json={"device_id": locks["Garage"], "name": "The Smith family, summer 2026"},
    )["access_code"]
    assert code["appearance"] == {"name": "The Smith family, su"}
    plain = seam.client.post(
        "/access_codes/create", json={"device_id": locks["Back door"], "name": "No names here"}
    )["access_code"]
    assert "appearance" not in plain
