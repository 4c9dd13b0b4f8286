"""Which hub(s) a call through a fleet front goes to (gateway.fleet.router, pure)."""

from __future__ import annotations

import json

import pytest

from gateway.fleet.directory import Directory
from gateway.fleet.learnt import LearntIds
from gateway.fleet.router import Ask, Find, Gather, One, Scatter, route_call
from gateway.wire.errors import ApiError


def announce(directory: Directory, hub_id: str, *device_ids: str, online: bool = True) -> None:
    body = {"protocol": 1, "hub_id": hub_id, "device_ids": list(device_ids), "version": "1"}
    directory.on_announcement(hub_id, json.dumps(body).encode())
    directory.on_status(hub_id, b"online" if online else b"offline")


@pytest.fixture
def fleet() -> Directory:
    directory = Directory()
    announce(directory, "villa-2", "d3")
    announce(directory, "villa-1", "d1", "d2")
    announce(directory, "villa-3", "d4", online=False)
    return directory


def refusal(call: object) -> ApiError:
    assert isinstance(call, ApiError)
    return call


def test_a_call_naming_a_device_goes_to_the_hub_that_announced_it(fleet: Directory) -> None:
    decision = route_call("/access_codes/create", {"device_id": "d3"}, fleet, LearntIds())
    assert decision == One("villa-2")


def test_a_device_no_hub_announced_is_device_not_found(fleet: Directory) -> None:
    with pytest.raises(ApiError) as caught:
        route_call("/locks/get", {"device_id": "nope"}, fleet, LearntIds())
    assert (caught.value.status, caught.value.error_type) == (404, "device_not_found")


def test_a_device_on_an_offline_hub_answers_hub_unreachable_naming_it(fleet: Directory) -> None:
    with pytest.raises(ApiError) as caught:
        route_call("/access_codes/create", {"device_id": "d4"}, fleet, LearntIds())
    assert (caught.value.status, caught.value.error_type) == (503, "hub_unreachable")
    assert "villa-3" in caught.value.message
    assert caught.value.data == {"hub_ids": ["villa-3"]}


def test_a_create_across_hubs_is_refused_devices_on_several_hubs(fleet: Directory) -> None:
    with pytest.raises(ApiError) as caught:
        route_call(
            "/access_codes/create_multiple", {"device_ids": ["d1", "d3"]}, fleet, LearntIds()
        )
    assert (caught.value.status, caught.value.error_type) == (400, "devices_on_several_hubs")
    assert caught.value.data == {"hub_ids": ["villa-1", "villa-2"]}


def test_a_grant_whose_location_spans_hubs_is_refused(fleet: Directory) -> None:
    params = {"location": {"device_ids": ["d1", "d3"]}, "requested_access_methods": []}
    with pytest.raises(ApiError) as caught:
        route_call("/access_grants/create", params, fleet, LearntIds())
    assert caught.value.error_type == "devices_on_several_hubs"


def test_a_list_naming_devices_on_several_hubs_gathers_from_those(fleet: Directory) -> None:
    decision = route_call("/devices/list", {"device_ids": ["d3", "d1", "d4"]}, fleet, LearntIds())
    assert decision == Gather(("villa-1", "villa-2"), ("villa-3",))


def test_a_list_naming_no_device_gathers_from_every_hub_in_hub_id_order(
    fleet: Directory,
) -> None:
    decision = route_call("/access_codes/list", {}, fleet, LearntIds())
    assert decision == Gather(("villa-1", "villa-2"), ("villa-3",))


def test_a_call_naming_an_id_learnt_from_a_hub_goes_to_that_hub(fleet: Directory) -> None:
    learnt = LearntIds()
    learnt.learn(
        {"access_code": {"access_code_id": "ac1", "device_id": "d3"}},
        "villa-2",
        fleet.hubs_of_device,
    )
    decision = route_call("/access_codes/delete", {"access_code_id": "ac1"}, fleet, learnt)
    assert decision == One("villa-2")


def test_an_id_never_seen_asks_every_online_hub(fleet: Directory) -> None:
    decision = route_call("/access_codes/get", {"access_code_id": "ac9"}, fleet, LearntIds())
    assert decision == Scatter(("villa-1", "villa-2"), ("villa-3",))


def test_an_id_never_seen_with_no_hub_online_is_hub_unreachable() -> None:
    directory = Directory()
    announce(directory, "villa-1", "d1", online=False)
    with pytest.raises(ApiError) as caught:
        route_call("/access_codes/get", {"access_code_id": "x"}, directory, LearntIds())
    assert caught.value.error_type == "hub_unreachable"


def test_a_create_naming_no_device_needs_the_hub_named_when_the_fleet_has_several(
    fleet: Directory,
) -> None:
    with pytest.raises(ApiError) as caught:
        route_call("/user_identities/create", {"full_name": "A"}, fleet, LearntIds())
    assert (caught.value.status, caught.value.error_type) == (400, "hub_required")
    decision = route_call(
        "/user_identities/create", {"full_name": "A"}, fleet, LearntIds(), hub_named="villa-2"
    )
    assert decision == One("villa-2")


def test_a_hub_named_that_the_fleet_does_not_have_is_hub_not_found(fleet: Directory) -> None:
    with pytest.raises(ApiError) as caught:
        route_call("/locks/list", {}, fleet, LearntIds(), hub_named="villa-9")
    assert (caught.value.status, caught.value.error_type) == (404, "hub_not_found")


def test_learnt_ids_are_bounded_forgetting_the_least_recently_used() -> None:
    learnt = LearntIds(capacity=2)
    learnt.remember("a", "h1")
    learnt.remember("b", "h1")
    assert learnt.hub_of("a") == "h1"  # used: "b" is now the oldest
    learnt.remember("c", "h2")
    assert (learnt.hub_of("a"), learnt.hub_of("b"), learnt.hub_of("c")) == ("h1", None, "h2")
    assert len(learnt) == 2


def test_ids_are_learnt_at_any_depth_but_not_workspace_or_device_ids(fleet: Directory) -> None:
    learnt = LearntIds()
    learnt.learn(
        {
            "workspace_id": "w",
            "access_codes": [{"access_code_id": "ac1", "device_id": "d1"}],
            "action_attempt": {"action_attempt_id": "aa1", "result": {"access_code_id": "ac2"}},
        },
        "villa-1",
        fleet.hubs_of_device,
    )
    assert [learnt.hub_of(i) for i in ("ac1", "aa1", "ac2")] == ["villa-1"] * 3
    assert learnt.hub_of("w") is None and learnt.hub_of("d1") is None


def test_a_device_announced_by_two_hubs_is_refused_naming_both_whatever_the_order(
    fleet: Directory,
) -> None:
    announce(fleet, "villa-0", "d3")  # before villa-2 in hub_id order
    announce(fleet, "villa-9", "d3")  # and after it
    with pytest.raises(ApiError) as caught:
        route_call("/access_codes/create", {"device_id": "d3"}, fleet, LearntIds())
    assert (caught.value.status, caught.value.error_type) == (409, "device_on_several_hubs")
    assert caught.value.data == {"device_id": "d3", "hub_ids": ["villa-0", "villa-2", "villa-9"]}
    announce(fleet, "villa-0")
    announce(fleet, "villa-9")
    assert route_call("/locks/get", {"device_id": "d3"}, fleet, LearntIds()) == One("villa-2")


def test_an_answer_naming_a_device_of_another_hub_teaches_nothing(fleet: Directory) -> None:
    learnt = LearntIds()
    learnt.learn(
        {"access_code": {"access_code_id": "ac1", "device_id": "d1"}},
        "villa-2",
        fleet.hubs_of_device,
    )
    assert learnt.hub_of("ac1") is None


def test_an_id_learnt_from_its_devices_hub_is_not_moved_by_another_hubs_answer(
    fleet: Directory,
) -> None:
    learnt = LearntIds()
    learnt.learn(
        {"access_code": {"access_code_id": "ac1", "device_id": "d1"}},
        "villa-1",
        fleet.hubs_of_device,
    )
    learnt.learn({"access_codes": [{"access_code_id": "ac1"}]}, "villa-2", fleet.hubs_of_device)
    assert learnt.hub_of("ac1") == "villa-1"


def test_a_change_naming_an_id_never_seen_first_finds_its_hub_with_the_read_only_get(
    fleet: Directory,
) -> None:
    params = {"access_code_id": "ac9", "code": "1234"}
    decision = route_call("/access_codes/update", params, fleet, LearntIds())
    assert decision == Find((Ask("/access_codes/get", "access_code_id", "ac9"),))
    found = {"ac9": "villa-2"}
    assert route_call("/access_codes/update", params, fleet, LearntIds(), found=found) == One(
        "villa-2"
    )


def test_a_grant_on_spaces_of_two_hubs_is_refused_devices_on_several_hubs(
    fleet: Directory,
) -> None:
    params = {"space_ids": ["s1", "s2"], "requested_access_methods": [{"mode": "code"}]}
    decision = route_call("/access_grants/create", params, fleet, LearntIds())
    assert decision == Find(
        (Ask("/spaces/get", "space_id", "s1"), Ask("/spaces/get", "space_id", "s2"))
    )
    found = {"s1": "villa-1", "s2": "villa-2"}
    with pytest.raises(ApiError) as caught:
        route_call("/access_grants/create", params, fleet, LearntIds(), found=found)
    assert (caught.value.status, caught.value.error_type) == (400, "devices_on_several_hubs")
    assert caught.value.data == {"hub_ids": ["villa-1", "villa-2"]}
