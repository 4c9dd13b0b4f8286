"""The official SDK against a front: codes created on locks of different hubs land on the hub
that owns each lock, are seen through either front, and the SDK's paginator walks lists that
span every hub."""

from __future__ import annotations

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from tests.fleet.conftest import HUBS, Fleet, hub_http

pytestmark = pytest.mark.e2e


def test_codes_created_through_a_front_land_on_the_hub_of_each_lock(
    healthy: Fleet, front_a: Seam, front_b: Seam, tag: str
) -> None:
    made = {}
    for n, hub_id in enumerate(HUBS):
        device_id = healthy.devices[hub_id][0]
        made[hub_id] = front_a.access_codes.create(
            device_id=device_id, name=f"{tag} {hub_id}", code=f"{5300 + n}41"
        )
        assert made[hub_id].device_id == device_id
    for hub_id, code in made.items():
        with hub_http(healthy.hubs[hub_id]) as lan:
            on_hub = lan.post("/access_codes/list", json={"search": tag}).json()["access_codes"]
        assert [c["access_code_id"] for c in on_hub] == [code.access_code_id], hub_id
        # the other front never saw this code: it finds the hub that holds it
        again = front_b.access_codes.get(access_code_id=code.access_code_id)
        assert (again.name, again.device_id) == (code.name, code.device_id)


def test_the_sdks_paginator_walks_devices_and_codes_across_every_hub(
    healthy: Fleet, front_a: Seam, tag: str
) -> None:
    every_device = [d for hub_id in HUBS for d in healthy.devices[hub_id]]
    walked = front_a.create_paginator(front_a.devices.list, {"limit": 1}).flatten_to_list()
    assert sorted(d.device_id for d in walked) == sorted(every_device)
    assert len({d.device_id for d in walked}) == len(walked)  # no device twice across pages

    made = set()
    for hub_id in HUBS:
        for device_id in healthy.devices[hub_id]:
            made.add(
                front_a.access_codes.create(device_id=device_id, name=f"{tag} x").access_code_id
            )
    paginator = front_a.create_paginator(front_a.access_codes.list, {"search": tag, "limit": 2})
    assert sorted(c.access_code_id for c in paginator.flatten_to_list()) == sorted(made)
    page, pagination = paginator.first_page()
    sizes = [len(page)]
    while pagination is not None and pagination.has_next_page:
        assert pagination.next_page_cursor
        page, pagination = paginator.next_page(pagination.next_page_cursor)
        sizes.append(len(page))
    assert sum(sizes) == len(made) and max(sizes) <= 2  # pages of two across hub boundaries


def test_one_list_call_without_a_limit_gives_the_locks_of_every_hub(
    healthy: Fleet, front_a: Seam
) -> None:
    """An app written for the cloud lists its locks in one call (Seam's default page is large);
    a fleet of a few hubs must not answer only the first hub's."""
    every_device = sorted(d for hub_id in HUBS for d in healthy.devices[hub_id])
    assert sorted(d.device_id for d in front_a.locks.list()) == every_device
    assert sorted(d.device_id for d in front_a.devices.list()) == every_device


def test_a_lock_no_hub_announced_is_not_found_as_a_hub_would_say(front_a: Seam) -> None:
    with pytest.raises(SeamHttpApiError) as refused:
        front_a.access_codes.create(device_id="0b0e5ed6-5f2c-4a3e-9d6f-3c8a1f0e9b11", name="x")
    assert refused.value.status_code == 404
    assert refused.value.code == "device_not_found"


def test_a_create_on_locks_of_two_hubs_at_once_is_refused(healthy: Fleet, front_a: Seam) -> None:
    two_hubs = [healthy.devices["hub-a"][0], healthy.devices["hub-b"][0]]
    with pytest.raises(SeamHttpApiError) as refused:
        front_a.access_codes.create_multiple(device_ids=two_hubs, name="Everywhere")
    assert refused.value.status_code == 400
    assert refused.value.code == "devices_on_several_hubs"
