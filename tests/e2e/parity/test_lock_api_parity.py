"""The lock-facing API as the cloud has it (issue #17): one shared PIN over unlike locks, the
cloud's duplicate error, and the calls an app written for the cloud makes (events/get,
action_attempts/list, update_multiple, report_device_constraints). Every answer goes through
the official SDK and Seam's OpenAPI document. Unmanaged devices and codes, and custom
metadata: test_unmanaged_devices_api.py (the daemon: conftest.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx
import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from tests.e2e.parity.lockset import LOCKS, accepted, iso_in

# -- create_multiple over locks with different rules ---------------------------------------


@pytest.mark.parametrize(
    "names",
    [
        pytest.param(["Parity front", "Parity garage"], id="zwave-first"),
        pytest.param(["Parity garage", "Parity front"], id="nuki-first"),
        pytest.param(["Parity back", "Parity front", "Parity garage"], id="nuki-last-of-three"),
    ],
)
def test_create_multiple_picks_one_pin_every_lock_accepts_whatever_their_order(
    seam: Seam, locks: dict[str, str], names: list[str]
) -> None:
    created = seam.access_codes.create_multiple(
        device_ids=[locks[n] for n in names], name="Shared stay"
    )
    assert len(created) == len(names)
    pins = {c.code for c in created}
    assert len(pins) == 1
    pin = pins.pop()
    assert pin is not None
    for name in names:
        assert accepted(pin, LOCKS[name]), (pin, name)
    assert len({c.common_code_key for c in created}) == 1
    assert created[0].common_code_key is not None


# -- the cloud's duplicate error ------------------------------------------------------------


def test_a_duplicate_pin_answers_the_clouds_duplicate_access_code_error(
    seam: Seam, raw: httpx.Client, locks: dict[str, str]
) -> None:
    device_id = locks["Parity back"]
    seam.access_codes.create(device_id=device_id, code="730519", name="First")
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.create(device_id=device_id, code="730519", name="Second")
    assert err.value.code == "duplicate_access_code"
    assert err.value.status_code == 409
    response = raw.post(
        "/access_codes/create", json={"device_id": device_id, "code": "730519", "name": "Third"}
    )
    assert response.status_code == 409
    body = response.json()
    assert body["ok"] is False
    assert body["error"]["type"] == "duplicate_access_code"
    assert "730519" not in body["error"]["message"]
    names = {c.name for c in seam.access_codes.list(device_id=device_id)}
    assert "Second" not in names and "Third" not in names


def test_updating_a_code_to_a_pin_in_use_answers_duplicate_access_code(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity back"]
    seam.access_codes.create(device_id=device_id, code="614280", name="Taken")
    other = seam.access_codes.create(device_id=device_id, code="614281", name="Other")
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.update(access_code_id=other.access_code_id, code="614280")
    assert err.value.code == "duplicate_access_code"
    assert seam.access_codes.get(access_code_id=other.access_code_id).code == "614281"


# -- events/get and action_attempts/list ----------------------------------------------------


def test_events_get_returns_the_event_by_id(seam: Seam, locks: dict[str, str]) -> None:
    code = seam.access_codes.create(device_id=locks["Parity back"], name="Evented")
    listed = seam.events.list(
        since=iso_in(timedelta(minutes=-5)),
        access_code_id=code.access_code_id,
        event_type="access_code.created",
    )
    assert len(listed) == 1
    event = seam.events.get(event_id=listed[0].event_id)
    assert (event.event_id, event.event_type) == (listed[0].event_id, "access_code.created")
    assert event.access_code_id == code.access_code_id
    with pytest.raises(SeamHttpApiError) as err:
        seam.events.get(event_id="00000000-0000-4000-8000-000000000000")
    assert (err.value.code, err.value.status_code) == ("event_not_found", 404)


def test_action_attempts_list_returns_the_attempts_asked_for_page_by_page(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity back"]
    ids = [
        seam.client.post("/access_codes/create", json={"device_id": device_id})["action_attempt"][
            "action_attempt_id"
        ]
        for _ in range(3)
    ]
    listed = seam.action_attempts.list(action_attempt_ids=ids)
    assert [a.action_attempt_id for a in listed] == ids
    assert {a.action_type for a in listed} == {"CREATE_ACCESS_CODE"}

    first = seam.client.post("/action_attempts/list", json={"action_attempt_ids": ids, "limit": 2})
    assert first["pagination"]["has_next_page"] is True
    rest = seam.client.post(
        "/action_attempts/list",
        json={"action_attempt_ids": ids, "page_cursor": first["pagination"]["next_page_cursor"]},
    )
    paged = [a["action_attempt_id"] for a in first["action_attempts"] + rest["action_attempts"]]
    assert paged == ids
    assert rest["pagination"]["has_next_page"] is False
    by_device = seam.action_attempts.list(device_id=device_id)
    assert set(ids) <= {a.action_attempt_id for a in by_device}
    assert seam.action_attempts.list(action_attempt_ids=[ids[0]])[0].action_attempt_id == ids[0]


# -- update_multiple ------------------------------------------------------------------------


def test_update_multiple_changes_every_code_of_the_group(seam: Seam, locks: dict[str, str]) -> None:
    created = seam.access_codes.create_multiple(
        device_ids=[locks["Parity front"], locks["Parity garage"]], name="Guest"
    )
    key = created[0].common_code_key
    assert key is not None
    starts, ends = iso_in(timedelta(days=2)), iso_in(timedelta(days=4))
    seam.access_codes.update_multiple(
        common_code_key=key, name="Guest (moved)", starts_at=starts, ends_at=ends
    )
    for code in created:
        now = seam.access_codes.get(access_code_id=code.access_code_id)
        assert (now.name, now.type, now.code) == ("Guest (moved)", "time_bound", code.code)
        assert now.starts_at is not None and now.ends_at is not None
        assert abs(datetime.fromisoformat(now.ends_at) - datetime.fromisoformat(ends)) < timedelta(
            seconds=1
        )
        assert now.common_code_key == key


def test_update_multiple_changes_no_code_when_one_lock_refuses(
    seam: Seam, locks: dict[str, str]
) -> None:
    front, back = locks["Parity front"], locks["Parity back"]
    created = seam.access_codes.create_multiple(
        device_ids=[front, back],
        name="Stay",
        starts_at=iso_in(timedelta(days=10)),
        ends_at=iso_in(timedelta(days=11)),
    )
    key, pin = created[0].common_code_key, created[0].code
    assert key is not None and pin is not None
    # The same PIN, later, on the back door only: allowed, the windows do not overlap.
    seam.access_codes.create(
        device_id=back,
        code=pin,
        name="Next stay",
        starts_at=iso_in(timedelta(days=12)),
        ends_at=iso_in(timedelta(days=13)),
    )
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.update_multiple(common_code_key=key, ends_at=iso_in(timedelta(days=12.5)))
    assert err.value.code == "duplicate_access_code"
    for code in created:
        now = seam.access_codes.get(access_code_id=code.access_code_id)
        assert now.ends_at == code.ends_at


def test_update_multiple_of_an_unknown_group_is_not_found(seam: Seam) -> None:
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.update_multiple(common_code_key="no-such-group", name="x")
    assert (err.value.code, err.value.status_code) == ("access_code_not_found", 404)


# -- report_device_constraints --------------------------------------------------------------


def test_reported_code_lengths_narrow_what_the_hub_picks_and_accepts(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity attic"]
    assert seam.devices.get(device_id=device_id).properties.supported_code_lengths == [
        4, 5, 6, 7, 8
    ]  # fmt: skip
    seam.access_codes.report_device_constraints(device_id=device_id, supported_code_lengths=[6])
    assert seam.devices.get(device_id=device_id).properties.supported_code_lengths == [6]
    for _ in range(3):
        assert len(seam.access_codes.create(device_id=device_id).code or "") == 6
    with pytest.raises(SeamHttpInvalidInputError) as err:
        seam.access_codes.create(device_id=device_id, code="4827")
    assert err.value.get_validation_error_messages("code")

    seam.access_codes.report_device_constraints(
        device_id=device_id, min_code_length=5, max_code_length=20
    )
    assert seam.devices.get(device_id=device_id).properties.supported_code_lengths == [
        5, 6, 7, 8
    ]  # fmt: skip
    assert len(seam.access_codes.create(device_id=device_id, code="48275").code or "") == 5


def test_report_device_constraints_is_refused_where_the_lock_reports_its_own_length(
    seam: Seam, locks: dict[str, str]
) -> None:
    with pytest.raises(SeamHttpInvalidInputError) as err:
        seam.access_codes.report_device_constraints(
            device_id=locks["Parity garage"], supported_code_lengths=[4]
        )
    assert "reads it from the lock" in err.value.get_validation_error_messages("device_id")[0]
    assert seam.devices.get(device_id=locks["Parity garage"]).properties.supported_code_lengths == [
        6
    ]


@pytest.mark.parametrize(
    ("report", "field"),
    [
        ({"supported_code_lengths": [9, 10]}, "supported_code_lengths"),
        ({"min_code_length": 9}, "min_code_length"),
        ({"min_code_length": 7, "max_code_length": 5}, "max_code_length"),
        ({}, "supported_code_lengths"),
        ({"supported_code_lengths": [6], "max_code_length": 8}, "supported_code_lengths"),
    ],
)
def test_a_report_the_lock_cannot_honour_is_refused_naming_the_field(
    seam: Seam, locks: dict[str, str], report: dict[str, object], field: str
) -> None:
    device_id = locks["Parity back"]
    with pytest.raises(SeamHttpInvalidInputError) as err:
        seam.access_codes.report_device_constraints(device_id=device_id, **report)  # type: ignore[arg-type]
    assert err.value.get_validation_error_messages(field)
    assert seam.devices.get(device_id=device_id).properties.supported_code_lengths == [
        4, 5, 6, 7, 8
    ]  # fmt: skip
