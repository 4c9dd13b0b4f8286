"""Unmanaged devices and codes, and devices' custom metadata, as the cloud has them (issue #17):
`devices.update(is_managed=False)` moves a device to `/devices/unmanaged/*`, its codes stay
declared and frozen, `devices.unmanaged.update(is_managed=True)` brings it back;
`access_codes.update(is_managed=False)` leaves a code on the lock as an unmanaged one.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from tests.e2e.parity.lockset import iso_in

# -- unmanaged devices ----------------------------------------------------------------------


def test_an_unmanaged_device_moves_to_devices_unmanaged_and_back(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity shed"]
    kept = seam.access_codes.create(device_id=device_id, code="583920", name="Cleaner")
    seam.devices.update(device_id=device_id, is_managed=False)

    assert device_id not in {d.device_id for d in seam.devices.list()}
    assert device_id not in {d.device_id for d in seam.locks.list()}
    with pytest.raises(SeamHttpApiError) as err:
        seam.devices.get(device_id=device_id)
    assert (err.value.code, err.value.status_code) == ("device_not_found", 404)
    assert "/devices/unmanaged" in str(err.value)

    unmanaged = seam.devices.unmanaged.get(device_id=device_id)
    assert (unmanaged.is_managed, unmanaged.properties.name) == (False, "Parity shed")
    assert seam.devices.unmanaged.get(name="Parity shed").device_id == device_id
    assert device_id in {d.device_id for d in seam.devices.unmanaged.list()}
    converted = seam.events.list(
        since=iso_in(timedelta(minutes=-5)), device_id=device_id,
        event_type="device.converted_to_unmanaged",
    )  # fmt: skip
    assert len(converted) == 1

    # Its codes stay declared, unchanged; nothing on it can change until it is managed again.
    assert seam.access_codes.get(access_code_id=kept.access_code_id).code == "583920"
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.create(device_id=device_id, code="583921")
    assert err.value.code == "device_not_found"
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.update(access_code_id=kept.access_code_id, name="Changed")
    assert err.value.code == "device_not_found"
    with pytest.raises(SeamHttpApiError) as err:
        seam.locks.unlock_door(device_id=device_id)
    assert err.value.code == "device_not_found"
    assert seam.access_codes.get(access_code_id=kept.access_code_id).name == "Cleaner"

    seam.devices.unmanaged.update(device_id=device_id, is_managed=True)
    assert seam.devices.get(device_id=device_id).is_managed is True
    assert device_id not in {d.device_id for d in seam.devices.unmanaged.list()}
    with pytest.raises(SeamHttpApiError) as err:
        seam.devices.unmanaged.get(device_id=device_id)
    assert err.value.code == "device_not_found"
    seam.access_codes.update(access_code_id=kept.access_code_id, name="Changed")
    assert seam.access_codes.get(access_code_id=kept.access_code_id).name == "Changed"


def test_unmanaged_update_of_a_managed_device_is_not_found(
    seam: Seam, locks: dict[str, str]
) -> None:
    with pytest.raises(SeamHttpApiError) as err:
        seam.devices.unmanaged.update(device_id=locks["Parity front"], is_managed=True)
    assert (err.value.code, err.value.status_code) == ("device_not_found", 404)


# -- custom metadata ------------------------------------------------------------------------


def test_custom_metadata_is_kept_merged_returned_and_filterable(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity porch"]
    seam.devices.update(
        device_id=device_id, custom_metadata={"property_id": "villa-7", "cleaned": True}
    )
    assert seam.devices.get(device_id=device_id).custom_metadata == {
        "property_id": "villa-7",
        "cleaned": True,
    }
    found = seam.devices.list(custom_metadata_has={"property_id": "villa-7"})
    assert [d.device_id for d in found] == [device_id]
    # The SDK's locks.list lacks the parameter the cloud's /locks/list takes.
    by_lock = seam.client.post("/locks/list", json={"custom_metadata_has": {"cleaned": True}})
    assert [d["device_id"] for d in by_lock["locks"]] == [device_id]
    assert seam.devices.list(custom_metadata_has={"property_id": "villa-8"}) == []

    # A later update adds and replaces keys; null removes one.
    seam.devices.update(device_id=device_id, custom_metadata={"cleaned": None, "floor": "2"})
    assert seam.devices.get(device_id=device_id).custom_metadata == {
        "property_id": "villa-7",
        "floor": "2",
    }
    assert seam.devices.list(custom_metadata_has={"cleaned": True}) == []

    # An unmanaged device keeps and shows its metadata, and takes more.
    seam.devices.update(device_id=device_id, is_managed=False)
    seam.devices.unmanaged.update(device_id=device_id, custom_metadata={"owner": "Ana"})
    shown = seam.devices.unmanaged.get(device_id=device_id).custom_metadata
    assert shown == {"property_id": "villa-7", "floor": "2", "owner": "Ana"}
    listed = seam.client.post(
        "/devices/unmanaged/list", json={"custom_metadata_has": {"owner": "Ana"}}
    )["devices"]
    assert [d["device_id"] for d in listed] == [device_id]
    seam.devices.unmanaged.update(device_id=device_id, is_managed=True)
    assert seam.devices.get(device_id=device_id).custom_metadata["owner"] == "Ana"


@pytest.mark.parametrize(
    "metadata",
    [
        pytest.param({f"k{n}": "v" for n in range(51)}, id="51-pairs"),
        pytest.param({"note": "x" * 501}, id="value-over-500"),
        pytest.param({"k" * 41: "v"}, id="key-over-40"),
        pytest.param({"count": 3}, id="number-value"),
    ],
)
def test_custom_metadata_beyond_the_clouds_limits_is_refused_naming_it(
    seam: Seam, locks: dict[str, str], metadata: dict[str, object]
) -> None:
    device_id = locks["Parity porch"]
    before = seam.devices.get(device_id=device_id).custom_metadata
    with pytest.raises(SeamHttpInvalidInputError) as err:
        seam.devices.update(device_id=device_id, custom_metadata=metadata)
    assert err.value.get_validation_error_messages("custom_metadata")
    assert seam.devices.get(device_id=device_id).custom_metadata == before


def test_custom_metadata_may_not_grow_past_50_pairs_over_several_updates(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity front"]
    seam.devices.update(device_id=device_id, custom_metadata={f"a{n}": "v" for n in range(40)})
    with pytest.raises(SeamHttpInvalidInputError) as err:
        seam.devices.update(device_id=device_id, custom_metadata={f"b{n}": "v" for n in range(11)})
    assert err.value.get_validation_error_messages("custom_metadata")
    removed = dict.fromkeys((f"a{n}" for n in range(40)), None)
    seam.devices.update(device_id=device_id, custom_metadata=removed)
    assert seam.devices.get(device_id=device_id).custom_metadata == {}


# -- a managed code made unmanaged ----------------------------------------------------------


def test_update_is_managed_false_leaves_the_code_on_the_lock_as_an_unmanaged_code(
    seam: Seam, locks: dict[str, str]
) -> None:
    device_id = locks["Parity cellar"]
    response = seam.client.post(
        "/access_codes/create", json={"device_id": device_id, "code": "740163", "name": "Kept"}
    )
    code_id = response["access_code"]["access_code_id"]
    seam.action_attempts.get(
        action_attempt_id=response["action_attempt"]["action_attempt_id"],
        wait_for_action_attempt=True,
    )
    assert seam.access_codes.get(access_code_id=code_id).status == "set"

    seam.access_codes.update(access_code_id=code_id, is_managed=False)

    assert code_id not in {c.access_code_id for c in seam.access_codes.list(device_id=device_id)}
    with pytest.raises(SeamHttpApiError) as err:
        seam.access_codes.get(access_code_id=code_id)
    assert err.value.code == "access_code_not_found"
    found = seam.access_codes.unmanaged.get(access_code_id=code_id)
    assert (found.code, found.is_managed, found.name) == ("740163", False, "Kept")
    # It stays on the lock: the hub neither clears nor rewrites it (a later read finds it).
    woken = seam.client.post(
        "/access_codes/create", json={"device_id": device_id, "name": "Wakes the lock"}
    )
    done = seam.action_attempts.get(
        action_attempt_id=woken["action_attempt"]["action_attempt_id"],
        wait_for_action_attempt=True,
    )
    assert done.status == "success"  # a whole pass of the lock's reconciler ran since
    on_lock = seam.access_codes.unmanaged.list(device_id=device_id)
    assert code_id in {c.access_code_id for c in on_lock}

    # And it can be managed again, in place.
    seam.access_codes.unmanaged.convert_to_managed(access_code_id=code_id)
    assert seam.access_codes.get(access_code_id=code_id).code == "740163"


def test_only_a_code_set_on_the_lock_can_become_unmanaged(
    seam: Seam, locks: dict[str, str]
) -> None:
    later = seam.access_codes.create(
        device_id=locks["Parity cellar"],
        name="Next week",
        starts_at=iso_in(timedelta(days=7)),
        ends_at=iso_in(timedelta(days=8)),
    )
    with pytest.raises(SeamHttpInvalidInputError) as err:
        seam.access_codes.update(access_code_id=later.access_code_id, is_managed=False)
    assert err.value.get_validation_error_messages("is_managed")
    assert seam.access_codes.get(access_code_id=later.access_code_id).is_managed is True
