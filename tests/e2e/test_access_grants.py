"""Access Grants in code mode through the official SDK, as Seam's guide walks them: a guest's
grant over two doors gives one PIN that is set on both locks, follows the grant's window, and
leaves both locks when the grant goes. Every answer is checked against Seam's OpenAPI document.

The daemon is this module's own, with the locks the flows need: a Z-Wave lock (4 to 8 digits)
and a Nuki (6 digits of 1-9, not starting with 12) share only 6-digit codes without 0.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError, SeamHttpInvalidInputError

from tests.support.daemon import Daemon, daemon_with_config
from tests.support.openapi import SeamOpenApi, checked_seam
from tests.support.wait import eventually

GRANTS_CONFIG = """
[[virtual_locks]]
name = "Front door"
profile = "zwave-30"
ref = "grant-front"

[[virtual_locks]]
name = "Garage"
profile = "nuki"
ref = "grant-garage"

[[virtual_locks]]
name = "Back door"
profile = "zwave-250"
ref = "grant-back"

[[virtual_locks]]
name = "Shed"
profile = "zwave-30"
ref = "grant-shed"
"""


@pytest.fixture(scope="module")
def daemon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Daemon]:
    with daemon_with_config(tmp_path_factory.mktemp("grants-daemon"), GRANTS_CONFIG) as gateway:
        yield gateway


@pytest.fixture
def seam(daemon: Daemon, openapi: SeamOpenApi) -> Iterator[Seam]:
    with checked_seam(daemon.url, daemon.key, openapi) as client:
        yield client


@pytest.fixture
def locks(seam: Seam) -> dict[str, str]:
    return {d.display_name: d.device_id for d in seam.locks.list()}


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def _grant_codes(seam: Seam, device_id: str, pin: str) -> list[dict[str, object]]:
    """The managed codes on a lock that carry `pin` (raw bodies: status, window, code)."""
    body = seam.client.post("/access_codes/list", json={"device_id": device_id})
    return [c for c in body["access_codes"] if c["code"] == pin]


def _codes_set(seam: Seam, device_ids: list[str], pin: str) -> list[dict[str, object]] | None:
    codes = [c for d in device_ids for c in _grant_codes(seam, d, pin)]
    if len(codes) == len(device_ids) and all(c["status"] == "set" for c in codes):
        return codes
    return None


def test_a_guests_grant_over_two_doors_sets_one_pin_on_both_follows_its_window_and_leaves(
    seam: Seam, locks: dict[str, str]
) -> None:
    doors = [locks["Front door"], locks["Garage"]]
    starts, ends = _iso(timedelta(minutes=-1)), _iso(timedelta(days=2))
    grant = seam.access_grants.create(
        user_identity={"full_name": "Jane Guest", "email_address": "jane@example.com"},
        device_ids=doors,
        requested_access_methods=[{"mode": "code"}],
        starts_at=starts,
        ends_at=ends,
        name="Jane's stay",
    )
    assert len(grant.access_method_ids) == 1
    assert grant.requested_access_methods[0]["mode"] == "code"
    assert grant.requested_access_methods[0]["created_access_method_ids"] == grant.access_method_ids
    method = seam.access_methods.get(access_method_id=grant.access_method_ids[0])
    pin = method.code
    assert method.mode == "code" and method.is_issued and method.issued_at is not None
    # One PIN that both locks accept: 6 digits (Nuki), no 0, not starting with 12.
    assert pin is not None and len(pin) == 6 and "0" not in pin and not pin.startswith("12")

    codes = eventually(lambda: _codes_set(seam, doors, pin), timeout=30)
    assert {c["device_id"] for c in codes} == set(doors)
    assert all(c["name"] == "Jane's stay" for c in codes)
    first_ends = {c["ends_at"] for c in codes}
    # The grant's codes, as the cloud lists them: by grant and by access method.
    by_grant = seam.access_codes.list(access_grant_id=grant.access_grant_id)
    by_method = seam.access_codes.list(access_method_id=method.access_method_id)
    assert {c.access_code_id for c in by_grant} == {c["access_code_id"] for c in codes}
    assert {c.access_code_id for c in by_method} == {c["access_code_id"] for c in codes}
    assert seam.access_codes.list(access_grant_id=str(uuid.uuid4())) == []

    later = _iso(timedelta(days=5))
    seam.access_grants.update(access_grant_id=grant.access_grant_id, ends_at=later)
    assert seam.access_grants.get(access_grant_id=grant.access_grant_id).ends_at is not None

    def extended() -> list[dict[str, object]] | None:
        now = [c for d in doors for c in _grant_codes(seam, d, pin)]
        ok = len(now) == 2 and all(
            c["ends_at"] not in first_ends and c["status"] == "set" for c in now
        )
        return now if ok else None

    codes = eventually(extended, timeout=30)
    for c in codes:
        moved = datetime.fromisoformat(str(c["ends_at"])) - datetime.fromisoformat(later)
        assert abs(moved.total_seconds()) < 1, c["ends_at"]

    seam.access_grants.delete(access_grant_id=grant.access_grant_id)
    eventually(lambda: all(not _grant_codes(seam, d, pin) for d in doors), timeout=30)
    with pytest.raises(SeamHttpApiError) as gone:
        seam.access_grants.get(access_grant_id=grant.access_grant_id)
    assert gone.value.code == "access_grant_not_found"
    with pytest.raises(SeamHttpApiError):
        seam.access_methods.get(access_method_id=method.access_method_id)


def test_a_requested_pin_is_used_on_every_lock_or_refused_naming_requested_access_methods(
    seam: Seam, locks: dict[str, str]
) -> None:
    doors = [locks["Front door"], locks["Garage"]]
    user = seam.user_identities.create(full_name="Pin Picker")
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        seam.access_grants.create(
            user_identity_id=user.user_identity_id,
            device_ids=doors,
            requested_access_methods=[{"mode": "code", "code": "4071"}],  # too short for Nuki
            ends_at=_iso(timedelta(days=1)),
        )
    assert {v.parameter_name for v in refused.value.validation_errors} == {
        "requested_access_methods"
    }
    assert seam.access_grants.list(user_identity_id=user.user_identity_id) == []
    grant = seam.access_grants.create(
        user_identity_id=user.user_identity_id,
        device_ids=doors,
        requested_access_methods=[{"mode": "code", "code": "736495"}],
        ends_at=_iso(timedelta(days=1)),
    )
    method = seam.access_methods.list(access_grant_id=grant.access_grant_id)[0]
    assert method.code == "736495"
    eventually(lambda: _codes_set(seam, doors, "736495"), timeout=30)
    seam.access_methods.delete(access_method_id=method.access_method_id)
    eventually(lambda: all(not _grant_codes(seam, d, "736495") for d in doors), timeout=30)
    assert seam.access_grants.get(access_grant_id=grant.access_grant_id).access_method_ids == []
    seam.access_grants.delete(access_grant_id=grant.access_grant_id)


def test_a_grant_whose_pin_clashes_on_one_lock_stores_nothing_on_any_lock(
    seam: Seam, locks: dict[str, str]
) -> None:
    seam.access_codes.create(device_id=locks["Garage"], code="583926", name="Owner")
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        seam.access_grants.create(
            user_identity={"full_name": "Clashing Guest"},
            device_ids=[locks["Front door"], locks["Garage"]],
            requested_access_methods=[{"mode": "code", "code": "583926"}],
            ends_at=_iso(timedelta(days=1)),
        )
    assert {v.parameter_name for v in refused.value.validation_errors} == {
        "requested_access_methods"
    }
    assert _grant_codes(seam, locks["Front door"], "583926") == []
    assert seam.user_identities.list(search="Clashing Guest") == []


@pytest.mark.parametrize("mode", ["card", "mobile_key", "cloud_key"])
def test_card_and_mobile_key_modes_are_refused_and_nothing_is_stored(
    seam: Seam, locks: dict[str, str], mode: str
) -> None:
    before_users = len(seam.user_identities.list())
    before_grants = len(seam.access_grants.list())
    before_codes = len(seam.access_codes.list(device_id=locks["Front door"]))
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        seam.access_grants.create(
            user_identity={"full_name": f"Card holder {mode}"},
            device_ids=[locks["Front door"]],
            requested_access_methods=[{"mode": "code"}, {"mode": mode}],
        )
    assert refused.value.status_code == 400
    assert {v.parameter_name for v in refused.value.validation_errors} == {
        "requested_access_methods"
    }
    assert mode in str(refused.value)
    assert len(seam.user_identities.list()) == before_users
    assert len(seam.access_grants.list()) == before_grants
    assert len(seam.access_codes.list(device_id=locks["Front door"])) == before_codes


def test_user_identity_crud_and_access_to_a_device(seam: Seam, locks: dict[str, str]) -> None:
    user = seam.user_identities.create(
        full_name="Sam Owner", email_address="sam@example.com", user_identity_key="sam-1"
    )
    assert user.display_name == "Sam Owner"
    assert seam.user_identities.get(user_identity_key="sam-1").user_identity_id == (
        user.user_identity_id
    )
    with pytest.raises(SeamHttpApiError) as clash:
        seam.user_identities.create(email_address="sam@example.com")
    assert clash.value.status_code == 400
    seam.user_identities.update(user_identity_id=user.user_identity_id, phone_number="+15555550100")
    fetched = seam.user_identities.get(user_identity_id=user.user_identity_id)
    assert (fetched.phone_number, fetched.email_address) == ("+15555550100", "sam@example.com")
    assert user.user_identity_id in [
        u.user_identity_id for u in seam.user_identities.list(search="Sam")
    ]

    seam.user_identities.grant_access_to_device(
        user_identity_id=user.user_identity_id, device_id=locks["Shed"]
    )
    accessible = seam.user_identities.list_accessible_devices(
        user_identity_id=user.user_identity_id
    )
    assert [d.device_id for d in accessible] == [locks["Shed"]]
    seam.user_identities.revoke_access_to_device(
        user_identity_id=user.user_identity_id, device_id=locks["Shed"]
    )
    assert (
        seam.user_identities.list_accessible_devices(user_identity_id=user.user_identity_id) == []
    )

    seam.user_identities.delete(user_identity_id=user.user_identity_id)
    with pytest.raises(SeamHttpApiError) as gone:
        seam.user_identities.get(user_identity_id=user.user_identity_id)
    assert gone.value.code == "user_identity_not_found"


def test_revoking_a_users_access_to_one_lock_removes_the_grant_code_from_that_lock_only(
    seam: Seam, locks: dict[str, str]
) -> None:
    doors = [locks["Back door"], locks["Shed"]]
    user = seam.user_identities.create(full_name="Revoked Later")
    grant = seam.access_grants.create(
        user_identity_id=user.user_identity_id,
        device_ids=doors,
        requested_access_methods=[{"mode": "code"}],
        ends_at=_iso(timedelta(days=1)),
    )
    pin = seam.access_methods.get(access_method_id=grant.access_method_ids[0]).code
    assert pin is not None
    eventually(lambda: _codes_set(seam, doors, pin), timeout=30)

    seam.user_identities.revoke_access_to_device(
        user_identity_id=user.user_identity_id, device_id=locks["Shed"]
    )
    eventually(lambda: not _grant_codes(seam, locks["Shed"], pin), timeout=30)
    assert [c["status"] for c in _grant_codes(seam, locks["Back door"], pin)] == ["set"]
    accessible = seam.user_identities.list_accessible_devices(
        user_identity_id=user.user_identity_id
    )
    assert [d.device_id for d in accessible] == [locks["Back door"]]

    seam.user_identities.grant_access_to_device(
        user_identity_id=user.user_identity_id, device_id=locks["Shed"]
    )
    eventually(lambda: _codes_set(seam, doors, pin), timeout=30)

    seam.user_identities.delete(user_identity_id=user.user_identity_id)
    eventually(lambda: all(not _grant_codes(seam, d, pin) for d in doors), timeout=30)
    assert seam.access_grants.list(user_identity_id=user.user_identity_id) == []


def test_a_grant_over_a_space_of_two_locks_follows_the_locks_of_the_space(
    seam: Seam, locks: dict[str, str]
) -> None:
    space = seam.spaces.create(
        name="Cottage", space_key="cottage", device_ids=[locks["Front door"], locks["Back door"]]
    )
    assert space.device_count == 2
    assert seam.spaces.get(space_key="cottage").space_id == space.space_id
    assert space.space_id in [s.space_id for s in seam.spaces.list()]
    grant = seam.access_grants.create(
        user_identity={"full_name": "Cottage Guest"},
        space_ids=[space.space_id],
        requested_access_methods=[{"mode": "code"}],
        starts_at=_iso(timedelta(minutes=-1)),
        ends_at=_iso(timedelta(days=3)),
    )
    assert grant.space_ids == [space.space_id]
    pin = seam.access_methods.get(access_method_id=grant.access_method_ids[0]).code
    assert pin is not None
    both = [locks["Front door"], locks["Back door"]]
    eventually(lambda: _codes_set(seam, both, pin), timeout=30)
    assert [g.access_grant_id for g in seam.access_grants.list(space_id=space.space_id)] == [
        grant.access_grant_id
    ]

    related = seam.access_grants.get_related(access_grant_ids=[grant.access_grant_id])
    assert [s["space_id"] for s in related.spaces] == [space.space_id]
    assert sorted(d["device_id"] for d in related.devices) == sorted(both)
    assert [u["user_identity_id"] for u in related.user_identities] == [grant.user_identity_id]
    assert [m["access_method_id"] for m in related.access_methods] == grant.access_method_ids
    of_space = seam.spaces.get_related(space_ids=[space.space_id], include=["devices"])
    assert sorted(d["device_id"] for d in of_space.devices) == sorted(both)
    assert of_space.access_methods is None
    of_method = seam.access_methods.get_related(access_method_ids=grant.access_method_ids)
    assert [g["access_grant_id"] for g in of_method.access_grants] == [grant.access_grant_id]

    seam.spaces.remove_devices(space_id=space.space_id, device_ids=[locks["Back door"]])
    eventually(lambda: not _grant_codes(seam, locks["Back door"], pin), timeout=30)
    assert [c["status"] for c in _grant_codes(seam, locks["Front door"], pin)] == ["set"]
    assert seam.spaces.get(space_id=space.space_id).device_count == 1

    seam.spaces.add_devices(space_id=space.space_id, device_ids=[locks["Shed"]])
    eventually(lambda: _codes_set(seam, [locks["Front door"], locks["Shed"]], pin), timeout=30)

    seam.spaces.delete(space_id=space.space_id)
    eventually(
        lambda: all(not _grant_codes(seam, d, pin) for d in [locks["Front door"], locks["Shed"]]),
        timeout=30,
    )
    assert seam.access_grants.get(access_grant_id=grant.access_grant_id).space_ids == []
    seam.access_grants.delete(access_grant_id=grant.access_grant_id)


def test_access_grant_and_access_method_events_appear_in_events_list(
    seam: Seam, locks: dict[str, str]
) -> None:
    since = _iso(timedelta(seconds=-5))
    grant = seam.access_grants.create(
        user_identity={"full_name": "Event Watcher"},
        device_ids=[locks["Back door"]],
        requested_access_methods=[{"mode": "code"}],
        ends_at=_iso(timedelta(days=1)),
    )
    seam.access_grants.update(
        access_grant_id=grant.access_grant_id, ends_at=_iso(timedelta(days=2))
    )
    seam.access_grants.delete(access_grant_id=grant.access_grant_id)
    wanted = [
        "access_grant.created",
        "access_method.created",
        "access_method.issued",
        "access_grant.access_times_changed",
        "access_method.deleted",
        "access_grant.deleted",
    ]
    events = seam.events.list(since=since, event_types=wanted)
    mine = [
        e
        for e in events
        if getattr(e, "access_grant_id", None) == grant.access_grant_id
        or grant.access_grant_id in (getattr(e, "access_grant_ids", None) or [])
    ]
    assert sorted(e.event_type for e in mine) == sorted(wanted)
    # The same events, asked for by grant: the cloud's events/list access_grant_id filter.
    by_grant = seam.events.list(since=since, access_grant_id=grant.access_grant_id)
    assert sorted(e.event_id for e in by_grant) == sorted(e.event_id for e in mine)


def test_request_access_methods_adds_a_second_pin_on_every_lock_and_refuses_other_modes(
    seam: Seam, locks: dict[str, str]
) -> None:
    doors = [locks["Front door"], locks["Garage"]]
    grant = seam.access_grants.create(
        user_identity={"full_name": "Two Pins"},
        device_ids=doors,
        requested_access_methods=[{"mode": "code"}],
        ends_at=_iso(timedelta(days=1)),
    )
    with pytest.raises(SeamHttpInvalidInputError) as refused:
        seam.access_grants.request_access_methods(
            access_grant_id=grant.access_grant_id,
            requested_access_methods=[{"mode": "mobile_key"}],
        )
    assert {v.parameter_name for v in refused.value.validation_errors} == {
        "requested_access_methods"
    }
    more = seam.access_grants.request_access_methods(
        access_grant_id=grant.access_grant_id, requested_access_methods=[{"mode": "code"}]
    )
    assert len(more.access_method_ids) == 2
    assert len(more.requested_access_methods) == 2
    pins = [m.code for m in seam.access_methods.list(access_grant_id=grant.access_grant_id)]
    assert len(set(pins)) == 2
    for pin in pins:
        assert pin is not None
        eventually(lambda pin=pin: _codes_set(seam, doors, pin), timeout=30)
    by_lock = seam.access_methods.list(access_grant_id=grant.access_grant_id, device_id=doors[1])
    assert sorted(m.code or "" for m in by_lock) == sorted(p or "" for p in pins)
    seam.access_methods.delete(access_grant_id=grant.access_grant_id)
    for pin in pins:
        assert pin is not None
        eventually(lambda pin=pin: all(not _grant_codes(seam, d, pin) for d in doors), timeout=30)
    seam.access_grants.delete(access_grant_id=grant.access_grant_id)


def test_a_lock_joining_a_space_where_the_grants_pin_is_taken_is_reported_on_the_grant(
    seam: Seam, locks: dict[str, str]
) -> None:
    since = _iso(timedelta(seconds=-5))
    seam.access_codes.create(device_id=locks["Back door"], code="918273", name="Taken")
    space = seam.spaces.create(name="Annex", device_ids=[locks["Front door"]])
    grant = seam.access_grants.create(
        user_identity={"full_name": "Annex Guest"},
        space_ids=[space.space_id],
        requested_access_methods=[{"mode": "code", "code": "918273"}],
        ends_at=_iso(timedelta(days=1)),
    )
    assert grant.errors == []
    seam.spaces.add_devices(space_id=space.space_id, device_ids=[locks["Back door"]])
    errors = seam.access_grants.get(access_grant_id=grant.access_grant_id).errors
    assert [(e["error_code"], e["missing_device_ids"]) for e in errors] == [
        ("cannot_create_requested_access_methods", [locks["Back door"]])
    ]
    events = seam.events.list(
        since=since, event_type="access_grant.could_not_create_requested_access_methods"
    )
    assert [e.access_grant_id for e in events] == [grant.access_grant_id]
    # The lock leaving the space again clears the error; the grant's own lock kept its code.
    seam.spaces.remove_devices(space_id=space.space_id, device_ids=[locks["Back door"]])
    assert seam.access_grants.get(access_grant_id=grant.access_grant_id).errors == []
    assert len(_grant_codes(seam, locks["Back door"], "918273")) == 1
    assert len(_grant_codes(seam, locks["Front door"], "918273")) == 1
    seam.access_grants.delete(access_grant_id=grant.access_grant_id)
    seam.spaces.delete(space_id=space.space_id)
