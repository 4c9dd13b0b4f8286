"""The front's own surface, on a real fleet (tests/fleet/conftest.py): its health, auth and
error shapes, its workspace, the hub header on single-hub answers, events across hubs, the
Idempotency-Key, and `lockgw fleet hubs`."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from seam import Seam

from tests.fleet.conftest import HUBS, Fleet, front_http, health, hub_http

pytestmark = pytest.mark.e2e


def test_health_shows_the_broker_and_every_hub_online_without_a_key(healthy: Fleet) -> None:
    body = health(healthy.fronts[0])
    assert body["broker"] == "connected"
    hubs = body["hubs"]
    assert isinstance(hubs, list)
    assert [(h["hub_id"], h["online"], h["lock_count"]) for h in hubs] == [
        (hub_id, True, 2) for hub_id in HUBS
    ]


def test_a_front_refuses_a_bad_key_and_an_unknown_endpoint_as_a_hub_does(
    healthy: Fleet,
) -> None:
    with front_http(healthy.fronts[0]) as raw:
        unknown = raw.post("/no_such/thing", json={})
        wrong = raw.post("/devices/list", json={}, headers={"Authorization": "Bearer seam_x"})
        cloud_only = raw.post("/acs/systems/list", json={})
    assert (unknown.status_code, unknown.json()["error"]["type"]) == (404, "endpoint_not_found")
    assert (wrong.status_code, wrong.json()["error"]["type"]) == (401, "unauthorized")
    assert cloud_only.json()["error"]["type"] == "not_available_on_local_hub"


def test_the_workspace_is_the_fronts_own_and_the_same_through_both_fronts(
    front_a: Seam, front_b: Seam
) -> None:
    first, second = front_a.workspaces.get(), front_b.workspaces.get()
    assert first.workspace_id == second.workspace_id  # the fronts share one key store
    assert first.name == "lockgw fleet"


def test_a_single_hub_answer_names_its_hub_in_a_header(healthy: Fleet) -> None:
    device_id = healthy.devices["hub-b"][0]
    with front_http(healthy.fronts[0]) as raw:
        got = raw.get("/devices/get", params={"device_id": device_id})
    assert got.status_code == 200, got.text
    assert got.headers["Lockgw-Hub"] == "hub-b"
    assert got.json()["device"]["device_id"] == device_id


def test_events_of_every_hub_come_newest_first_through_a_front(
    healthy: Fleet, front_a: Seam, tag: str
) -> None:
    for hub_id in HUBS:
        front_a.access_codes.create(device_id=healthy.devices[hub_id][0], name=f"{tag} e")
    since = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    events = front_a.events.list(event_type="access_code.created", since=since, limit=50)
    devices = {e.device_id for e in events}
    assert {healthy.devices[h][0] for h in HUBS} <= devices
    stamps = [e.occurred_at for e in events]
    assert stamps == sorted(stamps, reverse=True)


def test_the_same_idempotency_key_through_either_front_makes_one_code(
    healthy: Fleet, tag: str
) -> None:
    device_id = healthy.devices["hub-a"][1]
    create = {"device_id": device_id, "name": f"{tag} once", "code": "482915"}
    key = {"Idempotency-Key": f"{tag}-k"}
    with front_http(healthy.fronts[0]) as a, front_http(healthy.fronts[1]) as b:
        first = a.post("/access_codes/create", json=create, headers=key)
        again = b.post("/access_codes/create", json=create, headers=key)
    assert first.status_code == again.status_code == 200, (first.text, again.text)
    assert first.json()["access_code"] == again.json()["access_code"]
    with hub_http(healthy.hubs["hub-a"]) as lan:
        on_hub = lan.post("/access_codes/list", json={"search": tag}).json()["access_codes"]
    assert len(on_hub) == 1


def test_fleet_hubs_lists_every_hub_online_with_its_locks(healthy: Fleet) -> None:
    config = healthy.fronts[0].config
    out = subprocess.run(
        [sys.executable, "-m", "gateway", "fleet", "hubs", "--config", str(config), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    hubs = json.loads(out)
    assert [(h["hub_id"], h["online"], h["lock_count"]) for h in hubs] == [
        (hub_id, True, 2) for hub_id in HUBS
    ]
    assert all(h["announced_at"] and h["version"] for h in hubs)
