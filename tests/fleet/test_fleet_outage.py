"""A hub whose internet link is cut: calls for it fail clearly at the front (at once when the
broker saw the link close, after the front's timeout when bytes silently stop), lists say which
hub they leave out, and the hub itself keeps answering on its LAN. Once the link is back, a
client retrying with the same Idempotency-Key gets one outcome, never two codes."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam
from seam.exceptions import SeamHttpApiError

from tests.fleet.conftest import Fleet, answered, front_http, hub_http, online_hubs
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e

# The front asks a silent hub again after 2 s and gives up after 8 s (docs/FLEET.md).
GIVE_UP_AFTER = 8.0


def _iso(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def test_a_backup_pulled_on_a_hub_whose_link_is_cut_fails_at_the_front_and_works_on_its_lan(
    healthy: Fleet, front_a: Seam, tag: str
) -> None:
    device_id = healthy.devices["hub-c"][0]
    guest = front_a.access_codes.create(
        device_id=device_id,
        name=f"{tag} guest",
        starts_at=_iso(timedelta(minutes=-1)),
        ends_at=_iso(timedelta(days=2)),
        use_backup_access_code_pool=True,
    )
    eventually(
        lambda: (
            front_a.access_codes.get(
                access_code_id=guest.access_code_id
            ).is_backup_access_code_available
        ),
        timeout=30,
    )
    healthy.proxies["hub-c"].cut()
    front = healthy.fronts[0]
    eventually(lambda: "hub-c" not in online_hubs(front))

    started = time.monotonic()
    with pytest.raises(SeamHttpApiError) as refused:
        front_a.access_codes.pull_backup_access_code(access_code_id=guest.access_code_id)
    assert time.monotonic() - started < 2.0  # at once: the front knows the hub is offline
    assert (refused.value.status_code, refused.value.code) == (503, "hub_unreachable")
    assert "hub-c" in str(refused.value)

    with hub_http(healthy.hubs["hub-c"]) as lan:  # the hub, asked on its LAN, still answers
        pulled = lan.post(
            "/access_codes/pull_backup_access_code", json={"access_code_id": guest.access_code_id}
        )
        assert pulled.status_code == 200, pulled.text
        backup_id = pulled.json()["backup_access_code"]["access_code_id"]

    with front_http(front) as raw:  # lists leave the hub out and say so
        listed = raw.get("/devices/list")
        assert listed.status_code == 200
        assert listed.headers["Lockgw-Hubs-Unreachable"] == "hub-c"
    walked = front_a.create_paginator(front_a.devices.list, {"limit": 10}).flatten_to_list()
    assert sorted(d.device_id for d in walked) == sorted(
        healthy.devices["hub-a"] + healthy.devices["hub-b"]
    )

    healthy.proxies["hub-c"].restore()
    eventually(lambda: "hub-c" in online_hubs(front), timeout=30)
    # what the hub did alone is what the fleet sees once it is back
    after = front_a.access_codes.get(access_code_id=guest.access_code_id)
    assert after.pulled_backup_access_code_id == backup_id


def test_a_hub_whose_link_silently_drops_times_out_at_the_front_and_a_retry_creates_once(
    healthy: Fleet, tag: str
) -> None:
    device_id = healthy.devices["hub-b"][1]
    proxy, front = healthy.proxies["hub-b"], healthy.fronts[0]
    proxy.black_hole()
    create = {"device_id": device_id, "name": f"{tag} late", "code": "730519"}
    key = {"Idempotency-Key": f"{tag}-create"}
    with front_http(front) as raw:
        started = time.monotonic()
        first = raw.post("/access_codes/create", json=create, headers=key)
        waited = time.monotonic() - started
        assert (first.status_code, first.json()["error"]["type"]) == (504, "hub_timeout")
        assert "hub-b" in first.json()["error"]["message"]
        assert GIVE_UP_AFTER - 0.5 < waited < GIVE_UP_AFTER + 5

        with hub_http(healthy.hubs["hub-b"]) as lan:  # alone, the hub still answers
            assert lan.get("/devices/list").status_code == 200

            proxy.restore()
            # the request the broker had sent may still reach the hub (TCP delivers late what it
            # held): the client's retry with the same key gets that one code, or makes it now
            again = eventually(lambda: answered(raw, "/access_codes/create", create, key))
            on_hub = lan.post("/access_codes/list", json={"search": tag}).json()["access_codes"]
    assert [c["access_code_id"] for c in on_hub] == [again.json()["access_code"]["access_code_id"]]
