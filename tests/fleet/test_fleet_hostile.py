"""The fleet (docs/FLEET.md) as a careless user and a hostile client or hub meet it: bad input at
a front refused as a hub refuses it, naming the field; forged cursors; Idempotency-Key abuse;
request ids abused on a hub's MQTT API; a hub user forging another hub's devices or client id;
PINs sent only to the hub that holds the lock; lists across hubs that come and go; no PIN or
key in a front's log even at DEBUG.

Tests marked xfail(strict=True) show a defect the front or the fleet's broker setup still has
(the reason says what a user sees); the others guard behaviour that is right."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from seam import Seam

from tests.fleet.conftest import (
    FLEET_ACL,
    FLEET_USERS,
    HUBS,
    Fleet,
    front_http,
    health,
    hub_http,
    online_hubs,
)
from tests.mqtt.broker import Mosquitto, Received, Recorder
from tests.support import secrets_seen
from tests.support.daemon import create_key
from tests.support.fleet import Front
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e

ROOT = "lockgw"


def since() -> str:
    return (datetime.now(UTC) - timedelta(hours=1)).isoformat()


def refusal(response: httpx.Response) -> tuple[int, str, list[str]]:
    """(status, error type, the fields the error names)."""
    error = response.json().get("error")
    if not isinstance(error, dict):  # not refused at all
        return response.status_code, "", []
    named = [k for k in error.get("validation_errors") or {} if k != "_errors"]
    return response.status_code, error["type"], named


def on_lan(fleet: Fleet, hub_id: str, path: str, body: dict[str, Any]) -> httpx.Response:
    with hub_http(fleet.hubs[hub_id]) as lan:
        return lan.post(path, json=body)


# -- bad input at the front: refused as a hub refuses it, naming the field ----------------------


def test_a_code_created_without_a_device_is_refused_naming_device_id(healthy: Fleet) -> None:
    body = {"name": "no lock", "code": "381946"}
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post("/access_codes/create", json=body)
    hub = on_lan(healthy, "hub-a", "/access_codes/create", body)
    assert refusal(hub) == (400, "invalid_input", ["device_id"])
    assert refusal(front) == refusal(hub), front.text


def test_a_device_id_of_the_wrong_type_is_refused_naming_device_id(healthy: Fleet) -> None:
    body = {"device_id": 5, "code": "381946"}
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post("/access_codes/create", json=body)
    hub = on_lan(healthy, "hub-a", "/access_codes/create", body)
    assert refusal(hub) == (400, "invalid_input", ["device_id"])
    assert refusal(front) == refusal(hub), front.text


def test_a_device_id_of_the_wrong_type_on_a_read_is_refused_naming_it(healthy: Fleet) -> None:
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post("/devices/get", json={"device_id": 5})
    assert refusal(front) == (400, "invalid_input", ["device_id"])


@pytest.mark.parametrize("path", ["/devices/list", "/access_codes/list"])
def test_a_limit_given_as_text_in_a_json_body_is_refused_as_a_hub_refuses_it(
    healthy: Fleet, path: str
) -> None:
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post(path, json={"limit": "2"})
    hub = on_lan(healthy, "hub-a", path, {"limit": "2"})
    assert refusal(hub) == (400, "invalid_input", ["limit"])
    assert refusal(front) == refusal(hub), front.text


def test_a_page_cursor_that_is_not_text_is_refused_not_taken_as_the_first_page(
    healthy: Fleet,
) -> None:
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post("/devices/list", json={"page_cursor": 5, "limit": 1})
    assert refusal(front) == (400, "invalid_input", ["page_cursor"]), front.text


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": 10_001}, {"limit": -3}, {"bogus": 1}],
    ids=["limit-0", "limit-over-max", "limit-negative", "unknown-parameter"],
)
def test_a_bad_list_parameter_is_refused_naming_it_as_a_hub_does(
    healthy: Fleet, params: dict[str, Any]
) -> None:
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post("/access_codes/list", json=params)
    hub = on_lan(healthy, "hub-a", "/access_codes/list", params)
    assert refusal(hub)[0] == 400
    assert refusal(front) == refusal(hub), front.text


@pytest.mark.parametrize(
    "params",
    [{"limit": 0}, {"limit": "many"}, {"limit": 20_000}, {"unstable_offset": -1}],
    ids=["limit-0", "limit-text", "limit-over-max", "offset-negative"],
)
def test_events_list_refuses_a_limit_or_offset_a_hub_refuses(
    healthy: Fleet, params: dict[str, Any]
) -> None:
    body = {"since": since(), **params}
    with front_http(healthy.fronts[0]) as raw:
        front = raw.post("/events/list", json=body)
    hub = on_lan(healthy, "hub-a", "/events/list", body)
    assert refusal(hub)[0] == 400
    assert refusal(front) == refusal(hub), front.text


def test_bodies_too_big_not_objects_or_with_a_bad_idempotency_key_are_refused(
    healthy: Fleet,
) -> None:
    json_header = {"Content-Type": "application/json"}
    with front_http(healthy.fronts[0]) as raw:
        huge = raw.post(
            "/devices/list", content=b'{"x":"' + b"a" * 300_000 + b'"}', headers=json_header
        )
        array = raw.post("/devices/list", content=b"[1, 2]", headers=json_header)
        broken = raw.post("/devices/list", content=b'{"limit": ', headers=json_header)
        long_key = raw.post("/devices/list", json={}, headers={"Idempotency-Key": "k" * 256})
        no_hub = raw.post("/devices/list", json={}, headers={"Lockgw-Hub": "hub-zz"})
    assert (huge.status_code, huge.json()["error"]["type"]) == (413, "request_too_large")
    assert (array.status_code, array.json()["error"]["type"]) == (400, "invalid_input")
    assert (broken.status_code, broken.json()["error"]["type"]) == (400, "invalid_input")
    assert refusal(long_key) == (400, "invalid_input", ["Idempotency-Key"])
    assert (no_hub.status_code, no_hub.json()["error"]["type"]) == (404, "hub_not_found")


def test_a_body_in_the_fronts_size_limit_is_not_refused_as_too_large_by_the_hub(
    healthy: Fleet,
) -> None:
    """A name of 60,000 accented letters (120 kB of UTF-8, under the front's 256 kB): a hub on
    its LAN refuses the name as too long, naming it; through a front the same answer."""
    body = json.dumps(
        {"device_id": healthy.devices["hub-a"][0], "name": "\u00e9" * 60_000}, ensure_ascii=False
    ).encode()
    headers = {"Content-Type": "application/json"}
    with front_http(healthy.fronts[0]) as raw, hub_http(healthy.hubs["hub-a"]) as lan:
        front = raw.post("/access_codes/create", content=body, headers=headers)
        hub = lan.post("/access_codes/create", content=body, headers=headers)
    assert refusal(hub) == (400, "invalid_input", ["name"])
    assert refusal(front) == refusal(hub), front.text


def test_a_get_cannot_create_a_code_through_a_front_as_it_cannot_on_a_hub(
    healthy: Fleet, tag: str
) -> None:
    query = {"device_id": healthy.devices["hub-a"][1], "name": f"{tag} get", "code": "660913"}
    with front_http(healthy.fronts[0]) as raw, hub_http(healthy.hubs["hub-a"]) as lan:
        hub = lan.get("/access_codes/create", params=query)
        front = raw.get("/access_codes/create", params=query)
    assert (hub.status_code, hub.json()["error"]["type"]) == (405, "method_not_allowed")
    made = on_lan(healthy, "hub-a", "/access_codes/list", {"search": tag}).json()
    assert made["access_codes"] == [], front.text
    assert front.status_code == 405, front.text


# -- cursors -----------------------------------------------------------------------------------


def fleet_cursor(hub: str, cursor: str | None) -> str:
    raw = json.dumps({"hub": hub, "cursor": cursor}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "!!!!",
        "e30",  # {} in base64: no hub
        base64.urlsafe_b64encode(b"[1,2]").decode(),
        "x" * 2000,
        fleet_cursor("hub-b", "not-a-cursor-of-hub-b"),  # a hub's own cursor forged
        fleet_cursor("hub-zz", None),  # a hub the fleet does not have
    ],
    ids=["not-base64", "no-hub", "not-an-object", "too-long", "forged-hub-cursor", "no-such-hub"],
)
def test_a_cursor_the_fleet_did_not_issue_is_refused_naming_page_cursor(
    healthy: Fleet, cursor: str
) -> None:
    with front_http(healthy.fronts[0]) as raw:
        got = raw.post("/devices/list", json={"page_cursor": cursor, "limit": 1})
    assert refusal(got) == (400, "invalid_input", ["page_cursor"]), got.text


def test_a_walk_started_at_one_front_goes_on_at_the_other(healthy: Fleet) -> None:
    walked: list[str] = []
    cursor: str | None = None
    for n in range(10):
        with front_http(healthy.fronts[n % 2]) as raw:
            got = raw.post("/devices/list", json={"limit": 4, "page_cursor": cursor})
        assert got.status_code == 200, got.text
        walked += [d["device_id"] for d in got.json()["devices"]]
        cursor = got.json()["pagination"]["next_page_cursor"]
        if cursor is None:
            break
    assert sorted(walked) == sorted(d for ids in healthy.devices.values() for d in ids)


def test_every_list_across_hubs_is_shaped_as_seams_schema_says(front_a: Seam) -> None:
    """Each list gathered from every hub passes the schema check of the `front_a` fixture."""
    front_a.locks.list()
    front_a.devices.list(limit=3)
    front_a.devices.unmanaged.list()
    front_a.user_identities.list()
    front_a.spaces.list()
    front_a.access_grants.list()
    front_a.events.list(since=since(), limit=5)


def test_connected_accounts_through_a_front_list_each_account_once(front_a: Seam) -> None:
    ids = [a.connected_account_id for a in front_a.connected_accounts.list()]
    assert ids and len(ids) == len(set(ids)), ids


def test_the_sdks_paginator_goes_on_past_a_hub_that_left_mid_walk(
    healthy: Fleet, front_a: Seam
) -> None:
    """Pages of one device: hub-b's link is cut once the walk has reached hub-b's turn; the
    walk ends with hub-a's and hub-c's devices, each once, and no error."""
    paginator = front_a.create_paginator(front_a.devices.list, {"limit": 1})
    page, pagination = paginator.first_page()
    walked = [d.device_id for d in page]
    while pagination is not None and pagination.has_next_page and len(walked) < 2:
        assert pagination.next_page_cursor
        page, pagination = paginator.next_page(pagination.next_page_cursor)
        walked += [d.device_id for d in page]
    assert sorted(walked) == sorted(healthy.devices["hub-a"])
    healthy.proxies["hub-b"].cut()
    try:
        eventually(lambda: "hub-b" not in online_hubs(healthy.fronts[0]), timeout=30)
        while pagination is not None and pagination.has_next_page:
            assert pagination.next_page_cursor
            page, pagination = paginator.next_page(pagination.next_page_cursor)
            walked += [d.device_id for d in page]
    finally:
        healthy.proxies["hub-b"].restore()
    assert sorted(walked) == sorted(healthy.devices["hub-a"] + healthy.devices["hub-c"])


# -- events across hubs ------------------------------------------------------------------------


def _newest_first(event: dict[str, Any]) -> tuple[str, str]:
    return event["occurred_at"], event["event_id"]


def test_a_window_of_events_through_a_front_is_that_window_of_every_hubs_events_merged(
    healthy: Fleet, front_a: Seam, tag: str
) -> None:
    for hub_id in HUBS:
        for device_id in healthy.devices[hub_id]:
            front_a.access_codes.create(device_id=device_id, name=f"{tag} ev")
    end = datetime.now(UTC).isoformat()
    window = {"between": [since(), end], "event_type": "access_code.created"}
    every: list[dict[str, Any]] = []
    for hub_id in HUBS:
        got = on_lan(healthy, hub_id, "/events/list", {**window, "limit": 10_000})
        assert got.status_code == 200, got.text
        every += got.json()["events"]
    every.sort(key=_newest_first, reverse=True)
    assert len(every) >= 6
    with front_http(healthy.fronts[1]) as raw:
        page = raw.post("/events/list", json={**window, "limit": 4, "unstable_offset": 1})
        whole = raw.post("/events/list", json=window)
    assert page.status_code == 200, page.text
    assert [e["event_id"] for e in page.json()["events"]] == [e["event_id"] for e in every[1:5]]
    assert [e["event_id"] for e in whole.json()["events"]] == [e["event_id"] for e in every]


# -- nothing half-applied -------------------------------------------------------------------------


def test_a_create_on_locks_of_two_hubs_is_refused_and_nothing_is_made_on_either(
    healthy: Fleet, tag: str
) -> None:
    two_hubs = [healthy.devices["hub-a"][1], healthy.devices["hub-b"][1]]
    with front_http(healthy.fronts[0]) as raw:
        multiple = raw.post(
            "/access_codes/create_multiple", json={"device_ids": two_hubs, "name": f"{tag} m"}
        )
        grant = raw.post(
            "/access_grants/create",
            json={
                "user_identity": {"full_name": f"{tag} guest"},
                "location": {"device_ids": two_hubs},
                "requested_access_methods": [{"mode": "code"}],
            },
        )
        one_unknown = raw.post(
            "/access_codes/create_multiple",
            json={"device_ids": [two_hubs[0], str(uuid.uuid4())], "name": f"{tag} u"},
        )
    for refused in (multiple, grant):
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"]["type"] == "devices_on_several_hubs"
        assert refused.json()["error"]["data"]["hub_ids"] == ["hub-a", "hub-b"]
    assert (one_unknown.status_code, one_unknown.json()["error"]["type"]) == (
        404,
        "device_not_found",
    )
    for hub_id in HUBS:
        codes = on_lan(healthy, hub_id, "/access_codes/list", {"search": tag}).json()
        assert codes["access_codes"] == [], hub_id
        people = on_lan(healthy, hub_id, "/user_identities/list", {}).json()["user_identities"]
        assert [p for p in people if tag in (p.get("full_name") or "")] == [], hub_id


def test_a_grant_on_spaces_of_two_hubs_is_refused_and_nothing_is_made_on_either(
    healthy: Fleet, tag: str
) -> None:
    spaces = []
    with front_http(healthy.fronts[0]) as raw:
        for hub_id in ("hub-a", "hub-b"):
            made = raw.post(
                "/spaces/create",
                json={"name": f"{tag} {hub_id}", "device_ids": [healthy.devices[hub_id][0]]},
            )
            assert made.status_code == 200, made.text
            spaces.append(made.json()["space"]["space_id"])
        grant = raw.post(
            "/access_grants/create",
            json={
                "user_identity": {"full_name": f"{tag} guest"},
                "space_ids": spaces,
                "requested_access_methods": [{"mode": "code"}],
            },
        )
    for hub_id in HUBS:
        people = on_lan(healthy, hub_id, "/user_identities/list", {}).json()["user_identities"]
        assert [p for p in people if tag in (p.get("full_name") or "")] == [], (hub_id, grant.text)
    assert grant.status_code == 400, grant.text
    assert grant.json()["error"]["type"] == "devices_on_several_hubs"


def test_a_create_naming_no_lock_goes_to_the_hub_named_and_is_found_through_either_front(
    healthy: Fleet, tag: str
) -> None:
    with front_http(healthy.fronts[0]) as a, front_http(healthy.fronts[1]) as b:
        made = a.post(
            "/user_identities/create",
            json={"full_name": f"{tag} guest"},
            headers={"Lockgw-Hub": "hub-c"},
        )
        assert made.status_code == 200, made.text
        assert made.headers["Lockgw-Hub"] == "hub-c"
        person = made.json()["user_identity"]["user_identity_id"]
        found = b.post("/user_identities/get", json={"user_identity_id": person})
        missing = b.post("/user_identities/get", json={"user_identity_id": str(uuid.uuid4())})
    assert (found.status_code, found.headers["Lockgw-Hub"]) == (200, "hub-c"), found.text
    assert missing.status_code == 404, missing.text
    people = on_lan(healthy, "hub-c", "/user_identities/list", {}).json()["user_identities"]
    assert person in [p["user_identity_id"] for p in people]


# -- Idempotency-Key abuse ---------------------------------------------------------------------


def test_an_idempotency_key_reused_on_another_route_is_refused_naming_the_header(
    healthy: Fleet, tag: str
) -> None:
    device_id = healthy.devices["hub-a"][0]
    key = {"Idempotency-Key": f"{tag}-key"}
    with front_http(healthy.fronts[0]) as raw:
        made = raw.post(
            "/access_codes/create", json={"device_id": device_id, "name": tag}, headers=key
        )
        assert made.status_code == 200, made.text
        code_id = made.json()["access_code"]["access_code_id"]
        reused = raw.post(
            "/access_codes/update", json={"access_code_id": code_id, "name": "x"}, headers=key
        )
    assert reused.status_code == 409, reused.text
    error = reused.json()["error"]
    assert "request_id" not in json.dumps(error)
    assert refusal(reused)[2] == ["Idempotency-Key"]


def test_an_idempotency_key_reused_with_another_body_is_refused_not_answered_with_the_first(
    healthy: Fleet, tag: str
) -> None:
    device_id = healthy.devices["hub-c"][0]
    key = {"Idempotency-Key": f"{tag}-key"}
    with front_http(healthy.fronts[0]) as raw:
        first = raw.post(
            "/access_codes/create",
            json={"device_id": device_id, "name": f"{tag} one", "code": "640172"},
            headers=key,
        )
        second = raw.post(
            "/access_codes/create",
            json={"device_id": device_id, "name": f"{tag} two", "code": "640173"},
            headers=key,
        )
    assert first.status_code == 200, first.text
    assert second.status_code in (409, 422), second.text


def test_the_same_idempotency_key_under_two_api_keys_makes_two_codes(
    healthy: Fleet, tag: str
) -> None:
    front = healthy.fronts[0]
    other_key = create_key(front.data_dir, name=f"{tag}-second")
    secrets_seen.KEYS.update({other_key, other_key.rsplit("_", 1)[-1]})
    device_id = healthy.devices["hub-b"][0]
    body = {"device_id": device_id, "name": f"{tag} mine"}
    key = {"Idempotency-Key": "order-1"}  # two tenants' apps both count orders from 1
    with front_http(front) as mine:
        first = mine.post("/access_codes/create", json=body, headers=key)
        theirs = mine.post(
            "/access_codes/create",
            json=body,
            headers={**key, "Authorization": f"Bearer {other_key}"},
        )
        again = mine.post("/access_codes/create", json=body, headers=key)
    assert first.status_code == theirs.status_code == again.status_code == 200
    ids = [r.json()["access_code"]["access_code_id"] for r in (first, theirs, again)]
    assert ids[0] != ids[1] and ids[0] == ids[2]
    listed = on_lan(healthy, "hub-b", "/access_codes/list", {"search": tag}).json()
    assert sorted(c["access_code_id"] for c in listed["access_codes"]) == sorted(ids[:2])


def test_one_idempotency_key_sent_at_once_through_both_fronts_makes_one_code(
    healthy: Fleet, tag: str
) -> None:
    body = {"device_id": healthy.devices["hub-c"][1], "name": f"{tag} race", "code": "530977"}
    key = {"Idempotency-Key": f"{tag}-race"}

    def create(n: int) -> httpx.Response:
        with front_http(healthy.fronts[n % 2]) as raw:
            return raw.post("/access_codes/create", json=body, headers=key)

    with ThreadPoolExecutor(6) as pool:
        answers = list(pool.map(create, range(6)))
    assert [a.status_code for a in answers] == [200] * 6, [a.text for a in answers]
    assert len({a.json()["access_code"]["access_code_id"] for a in answers}) == 1
    listed = on_lan(healthy, "hub-c", "/access_codes/list", {"search": tag}).json()
    assert len(listed["access_codes"]) == 1


def test_a_delete_retried_through_a_front_that_asks_every_hub_gives_the_first_answer(
    healthy: Fleet, tag: str
) -> None:
    """Front B never saw the code: it asks every hub; the retry (same key) is answered 200 by
    the hub that deleted it, not 404 by the hubs that never had it."""
    with front_http(healthy.fronts[0]) as a, front_http(healthy.fronts[1]) as b:
        made = a.post(
            "/access_codes/create",
            json={"device_id": healthy.devices["hub-b"][0], "name": f"{tag} gone"},
        )
        code_id = made.json()["access_code"]["access_code_id"]
        key = {"Idempotency-Key": f"{tag}-delete"}
        first = b.post("/access_codes/delete", json={"access_code_id": code_id}, headers=key)
        again = b.post("/access_codes/delete", json={"access_code_id": code_id}, headers=key)
        fresh = b.post("/access_codes/delete", json={"access_code_id": code_id})
    assert (first.status_code, again.status_code) == (200, 200), (first.text, again.text)
    assert first.json() == again.json()
    assert fresh.status_code == 404, fresh.text


def test_the_sdk_deletes_a_code_through_a_front_that_never_saw_it(
    healthy: Fleet, front_a: Seam, front_b: Seam, tag: str
) -> None:
    """The SDK sends a DELETE's parameters in the query string with `_strict=true`."""
    code = front_a.access_codes.create(device_id=healthy.devices["hub-c"][0], name=f"{tag} d")
    front_b.access_codes.delete(access_code_id=code.access_code_id)
    eventually(
        lambda: (
            on_lan(healthy, "hub-c", "/access_codes/list", {"search": tag}).json()["access_codes"]
            == []
        )
    )


# -- a hub's MQTT API: request ids ------------------------------------------------------------


@dataclass
class MqttApi:
    """Asks hubs over MQTT 5 as a front does (the fronts' broker user), answers in order."""

    client: Recorder
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def ask(self, hub_id: str, request: object, correlation: bytes) -> Received:
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        properties.ResponseTopic = f"{ROOT}/hubs/{hub_id}/api/response/front/{self.instance}"
        properties.CorrelationData = correlation
        self.client.publish(f"{ROOT}/hubs/{hub_id}/api/request", json.dumps(request), properties)

        def answered() -> Received | None:
            for message in self.client.messages:
                if getattr(message.properties, "CorrelationData", None) == correlation:
                    return message
            return None

        found = eventually(answered, timeout=15)
        self.client.messages.remove(found)
        return found


def status_of(answer: Received) -> dict[str, str]:
    return dict(getattr(answer.properties, "UserProperty", None) or [])


@pytest.fixture
def mqtt_api(healthy: Fleet) -> Iterator[MqttApi]:
    client = Recorder(healthy.broker, "front", [f"{ROOT}/hubs/+/api/response/front/#"]).start()
    try:
        yield MqttApi(client)
    finally:
        client.stop()


@pytest.mark.parametrize(
    "request_id", ["x" * 65, "", 7, ["a"]], ids=["65-chars", "empty", "number", "list"]
)
def test_a_hub_refuses_a_bad_request_id_naming_it_and_creates_nothing(
    healthy: Fleet, mqtt_api: MqttApi, tag: str, request_id: object
) -> None:
    body = {"device_id": healthy.devices["hub-a"][0], "name": f"{tag} bad id"}
    answer = mqtt_api.ask(
        "hub-a",
        {"route": "/access_codes/create", "body": body, "request_id": request_id},
        b"bad-" + tag.encode(),
    )
    assert status_of(answer)["status"] == "400"
    assert list(answer.json()["error"]["validation_errors"]) == ["_errors", "request_id"]
    assert (
        on_lan(healthy, "hub-a", "/access_codes/list", {"search": tag}).json()["access_codes"] == []
    )


def test_a_request_id_runs_once_per_route_and_is_refused_for_another(
    healthy: Fleet, mqtt_api: MqttApi, tag: str
) -> None:
    request_id = f"{tag}-" + "r" * 54  # 64 characters: the longest a hub takes
    assert len(request_id) == 64
    create = {
        "route": "/access_codes/create",
        "body": {"device_id": healthy.devices["hub-a"][1], "name": f"{tag} once"},
        "request_id": request_id,
    }
    first = mqtt_api.ask("hub-a", create, b"1")
    again = mqtt_api.ask("hub-a", create, b"2")
    assert status_of(first) == {"status": "200"}
    assert status_of(again) == {"status": "200", "replayed": "true"}
    assert first.json() == again.json()
    other = mqtt_api.ask(
        "hub-a",
        {
            "route": "/access_codes/delete",
            "body": {"access_code_id": first.json()["access_code"]["access_code_id"]},
            "request_id": request_id,
        },
        b"3",
    )
    assert status_of(other)["status"] == "409"
    assert other.json()["error"]["type"] == "request_id_reused"
    listed = on_lan(healthy, "hub-a", "/access_codes/list", {"search": tag}).json()
    assert [c["access_code_id"] for c in listed["access_codes"]] == [
        first.json()["access_code"]["access_code_id"]
    ]


def test_a_hub_refuses_a_request_that_is_not_an_object_or_names_no_route(
    mqtt_api: MqttApi,
) -> None:
    for n, (request, field_named) in enumerate(
        [
            ([1, 2], "_errors"),
            ({"route": "/no/such", "body": {}}, "route"),
            ({"route": "/devices/list", "body": [1]}, "body"),
            ({"route": "/devices/list", "query": [["limit"]]}, "query"),
            ({"route": "/devices/list", "query": [], "body": {}}, "query"),
        ]
    ):
        answer = mqtt_api.ask("hub-a", request, f"shape-{n}".encode())
        assert status_of(answer)["status"] == "400", request
        assert field_named in answer.json()["error"]["validation_errors"], request


# -- hostile hubs: forged devices, another hub's client id, PINs sent to every hub -------------


@dataclass
class Login:
    """Credentials for tests.mqtt.broker.Recorder (which reads `port` and `users`)."""

    port: int
    users: dict[str, str]


def add_broker_user(broker: Mosquitto, user: str, password: str) -> Login:
    """A new broker user (a hub being added to the fleet): password file, then SIGHUP."""
    subprocess.run(
        ["mosquitto_passwd", "-b", str(broker.folder / "passwords"), user, password],
        check=True,
        capture_output=True,
    )
    assert broker.proc is not None
    broker.proc.send_signal(signal.SIGHUP)
    return Login(broker.port, {user: password})


def announcement(hub_id: str, device_ids: list[str]) -> str:
    return json.dumps(
        {
            "protocol": 1,
            "hub_id": hub_id,
            "workspace_id": str(uuid.uuid4()),
            "version": "0.1.0",
            "device_ids": device_ids,
            "lock_count": len(device_ids),
            "announced_at": datetime.now(UTC).isoformat(),
        }
    )


@contextmanager
def rogue_hub(
    fleet: Fleet, device_ids: list[str], answer: dict[str, Any] | None = None
) -> Iterator[Recorder]:
    """A new broker user hub-z of the fleet (a hub added to the fleet, then compromised): online,
    announcing `device_ids`; it answers every request with 200 and `answer` (None: silent).
    Gone from every front when the block ends."""
    login = add_broker_user(fleet.broker, "hub-z", "hub-z-broker-secret")
    rogue = eventually(
        lambda: _started(Recorder(login, "hub-z", [f"{ROOT}/hubs/hub-z/api/request"])),  # type: ignore[arg-type]
        timeout=40,
    )
    if answer is not None:
        recording = rogue.client.on_message

        def answering(client: Any, data: Any, message: Any) -> None:
            recording(client, data, message)
            properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
            properties.CorrelationData = message.properties.CorrelationData
            properties.UserProperty = [("status", "200")]
            client.publish(
                message.properties.ResponseTopic, json.dumps(answer), qos=1, properties=properties
            )

        rogue.client.on_message = answering
    try:
        rogue.client.publish(f"{ROOT}/hubs/hub-z/status", "online", qos=1, retain=True)
        rogue.client.publish(
            f"{ROOT}/hubs/hub-z/hub", announcement("hub-z", device_ids), qos=1, retain=True
        ).wait_for_publish(10)
        for front in fleet.fronts:
            eventually(lambda front=front: "hub-z" in online_hubs(front), timeout=10)
        yield rogue
    finally:
        rogue.client.publish(f"{ROOT}/hubs/hub-z/status", b"", qos=1, retain=True)
        rogue.client.publish(f"{ROOT}/hubs/hub-z/hub", b"", qos=1, retain=True).wait_for_publish(10)
        rogue.stop()
        for front in fleet.fronts:
            eventually(lambda front=front: health(front)["hubs_known"] == len(HUBS), timeout=10)


def _started(recorder: Recorder) -> Recorder | None:
    try:
        return recorder.start()
    except (AssertionError, OSError):
        recorder.client.loop_stop()
        return None


def test_a_lock_announced_by_a_second_hub_is_refused_naming_both_and_no_pin_leaves(
    healthy: Fleet, tag: str
) -> None:
    """Which of two hubs announcing a lock holds it, the front cannot tell: it refuses the
    lock's calls (409 device_on_several_hubs naming both) rather than guess, and sends the PIN
    to neither; once the second hub stops announcing it, the lock's calls reach its hub."""
    victim = healthy.devices["hub-a"][0]
    body = {"device_id": victim, "name": tag, "code": "915372"}
    with rogue_hub(healthy, [victim]) as rogue, front_http(healthy.fronts[0]) as raw:
        refused = raw.post("/access_codes/create", json=body)
        leaked = [m for m in rogue.messages if b"915372" in m.payload]
    assert refused.status_code == 409, refused.text
    error = refused.json()["error"]
    assert (error["type"], error["data"]["hub_ids"]) == (
        "device_on_several_hubs",
        ["hub-a", "hub-z"],
    )
    assert leaked == []
    with front_http(healthy.fronts[0]) as raw:
        made = raw.post("/access_codes/create", json=body)
    assert (made.status_code, made.headers.get("Lockgw-Hub")) == (200, "hub-a"), made.text


def test_a_hub_naming_another_hubs_code_in_an_answer_does_not_get_that_codes_calls(
    healthy: Fleet, tag: str
) -> None:
    with front_http(healthy.fronts[0]) as raw:
        made = raw.post(
            "/access_codes/create",
            json={"device_id": healthy.devices["hub-a"][1], "name": tag, "code": "457120"},
        )
        assert made.status_code == 200, made.text
        code_id = made.json()["access_code"]["access_code_id"]
        claim = {
            "devices": [],
            "access_codes": [{"access_code_id": code_id}],
            "pagination": {"has_next_page": False, "next_page_cursor": None},
            "ok": True,
        }
        with rogue_hub(healthy, [], answer=claim) as rogue:
            assert raw.post("/devices/list", json={}).status_code == 200  # asks hub-z too
            changed = raw.post(
                "/access_codes/update", json={"access_code_id": code_id, "code": "457121"}
            )
            leaked = [m for m in rogue.messages if b"457121" in m.payload]
    assert (changed.status_code, changed.headers.get("Lockgw-Hub")) == (200, "hub-a"), changed.text
    assert leaked == []
    on_hub = on_lan(healthy, "hub-a", "/access_codes/get", {"access_code_id": code_id}).json()
    assert on_hub["access_code"]["code"] == "457121"


# What docs/mqtt-fleet-acl.example says mosquitto.conf must also hold.
FLEET_BROKER_SETTINGS = "use_username_as_clientid true"


def test_another_hubs_user_cannot_knock_a_hub_off_with_its_client_id(tmp_path: Path) -> None:
    """An ACL cannot bind a client id to its user, and a broker hands a client id's session to
    whoever connects with it last: any fleet user connecting as `lockgw-hub-a` would make the
    broker publish hub-a's last will (every front then sees hub-a offline). The broker set up
    as docs/mqtt-fleet-acl.example says (use_username_as_clientid) gives every client its user
    name as its id, so an impostor is only ever itself."""
    broker = Mosquitto(tmp_path, acl=FLEET_ACL, users=FLEET_USERS, settings=FLEET_BROKER_SETTINGS)
    broker.start()
    hub = Recorder(broker, "hub-a", [f"{ROOT}/hubs/hub-a/api/request"], client_id="lockgw-hub-a")
    hub.client.will_set(f"{ROOT}/hubs/hub-a/status", b"offline", qos=1, retain=True)
    watcher = Recorder(broker, "front", [f"{ROOT}/hubs/hub-a/status"])
    impostor = Recorder(broker, "hub-c", [], client_id="lockgw-hub-a")
    connacks: list[object] = []
    impostor.client.on_connect = lambda *args: connacks.append(args[3])
    try:
        hub.start()
        hub.client.publish(f"{ROOT}/hubs/hub-a/status", b"online", qos=1, retain=True)
        watcher.start()
        eventually(lambda: watcher.last(f"{ROOT}/hubs/hub-a/status") is not None)
        impostor.client.connect("127.0.0.1", broker.port)
        impostor.client.loop_start()
        eventually(lambda: connacks, timeout=10)
        # A subscription's answer comes after whatever the broker had queued for the watcher
        # (hub-a's last will, had the broker taken hub-a's session over).
        watcher.subscribed.clear()
        watcher.client.subscribe(f"{ROOT}/hubs/hub-b/status", 1)
        assert watcher.subscribed.wait(10)
        said = [m.payload for m in watcher.on(f"{ROOT}/hubs/hub-a/status")]
        assert said and b"offline" not in said
        assert hub.client.is_connected()
    finally:
        impostor.client.disconnect()
        impostor.client.loop_stop()
        for client in (watcher, hub):
            client.stop()
        broker.stop()


def test_a_pin_changed_through_a_front_that_never_saw_the_code_reaches_only_its_hub(
    healthy: Fleet, tag: str
) -> None:
    spy = Recorder(healthy.broker, "hub-b", [f"{ROOT}/hubs/hub-b/api/request"]).start()
    try:
        with front_http(healthy.fronts[0]) as a, front_http(healthy.fronts[1]) as b:
            made = a.post(
                "/access_codes/create",
                json={"device_id": healthy.devices["hub-a"][0], "name": tag, "code": "270481"},
            )
            assert made.status_code == 200, made.text
            code_id = made.json()["access_code"]["access_code_id"]
            changed = b.post(
                "/access_codes/update", json={"access_code_id": code_id, "code": "270482"}
            )
            assert changed.status_code == 200, changed.text
            # A request for hub-b from the same front comes after whatever it sent before.
            marker = healthy.devices["hub-b"][0]
            assert b.post("/devices/get", json={"device_id": marker}).status_code == 200
        eventually(lambda: any(marker.encode() in m.payload for m in spy.messages))
        assert [m.payload for m in spy.messages if b"270482" in m.payload] == []
    finally:
        spy.stop()


def test_a_hub_user_subscribed_to_everything_sees_no_other_hubs_pins(
    healthy: Fleet, tag: str
) -> None:
    """The broker's ACL (docs/mqtt-fleet-acl.example) delivers a hub's user nothing of another
    hub's requests, answers or state: a PIN made for hub-a's lock never reaches hub-b's user."""
    spy = Recorder(healthy.broker, "hub-b", ["#"]).start()
    try:
        with front_http(healthy.fronts[0]) as raw:
            made = raw.post(
                "/access_codes/create",
                json={"device_id": healthy.devices["hub-a"][1], "name": tag, "code": "318265"},
            )
            assert made.status_code == 200, made.text
            changed = raw.post(
                "/access_codes/update",
                json={
                    "access_code_id": made.json()["access_code"]["access_code_id"],
                    "code": "318266",
                },
            )
            assert changed.status_code == 200, changed.text
            marker = healthy.devices["hub-b"][1]
            assert raw.post("/devices/get", json={"device_id": marker}).status_code == 200
        eventually(lambda: any(marker.encode() in m.payload for m in spy.messages))
        seen = [m.topic for m in spy.messages if b"31826" in m.payload]
        assert seen == []
        assert {m.topic.split("/")[2] for m in spy.on(f"{ROOT}/hubs/#")} <= {"hub-b"}
    finally:
        spy.stop()


# -- two fronts writing the fleet's webhooks at once ------------------------------------------


def test_webhooks_created_at_once_through_two_fronts_are_all_kept(healthy: Fleet, tag: str) -> None:
    urls = {f"http://127.0.0.1:9/{tag}/{side}{n}" for side in "ab" for n in range(12)}
    made: list[str] = []

    def create(url: str) -> None:
        front = healthy.fronts[0] if f"/{tag}/a" in url else healthy.fronts[1]
        with front_http(front) as raw:
            got = raw.post("/webhooks/create", json={"url": url, "event_types": ["lock.locked"]})
        assert got.status_code == 200, got.text
        made.append(got.json()["webhook"]["webhook_id"])

    try:
        with ThreadPoolExecutor(len(urls)) as pool:
            list(pool.map(create, sorted(urls)))

        def kept(front: Front) -> set[str]:
            with front_http(front) as raw:
                hooks = raw.post("/webhooks/list", json={}).json()["webhooks"]
            return {h["url"] for h in hooks if f"/{tag}/" in h["url"]}

        # once both fronts hold the same retained document, it is what the fleet keeps
        eventually(lambda: kept(healthy.fronts[0]) == kept(healthy.fronts[1]), timeout=10)
        lost = urls - kept(healthy.fronts[0])
        assert lost == set(), f"{len(made)} answered 200, lost: {sorted(lost)}"
    finally:
        with front_http(healthy.fronts[0]) as raw:
            for hook in raw.post("/webhooks/list", json={}).json()["webhooks"]:
                if f"/{tag}/" in hook["url"]:
                    raw.post("/webhooks/delete", json={"webhook_id": hook["webhook_id"]})


# -- no PIN or key in a front's log, even at DEBUG --------------------------------------------


def test_a_front_logging_at_debug_writes_no_pin_and_no_key(
    healthy: Fleet, tmp_path: Path, tag: str
) -> None:
    first = healthy.fronts[0]
    assert first.config is not None
    config = tmp_path / "front.toml"
    config.write_text(first.config.read_text() + '\n[log]\nlevel = "DEBUG"\n')
    front = Front(tmp_path / "data", config=config, key_from=first)
    front.start()
    try:
        eventually(lambda: online_hubs(front) >= set(HUBS), timeout=30)
        too_long = "8046" * 6  # refused: the refusal must not be logged with it
        pins = {"804613", "804614", too_long}
        with front_http(front) as raw:
            made = raw.post(
                "/access_codes/create",
                json={"device_id": healthy.devices["hub-b"][1], "name": tag, "code": "804613"},
                headers={"Idempotency-Key": f"{tag}-idem"},
            )
            assert made.status_code == 200, made.text
            code_id = made.json()["access_code"]["access_code_id"]
            assert (
                raw.post(
                    "/access_codes/update", json={"access_code_id": code_id, "code": "804614"}
                ).status_code
                == 200
            )
            assert raw.get("/access_codes/get", params={"access_code_id": code_id}).is_success
            refused = raw.post(
                "/access_codes/create",
                json={"device_id": healthy.devices["hub-b"][1], "code": too_long},
            )
            assert refused.status_code == 400, refused.text
            raw.post("/devices/list", json={}, headers={"Authorization": "Bearer seam_bad_key"})
    finally:
        assert front.stop() == 0
    assert "DEBUG" in front.log(), front.log()[-2000:]
    keys = {first.key, first.key.rsplit("_", 1)[-1], "seam_bad_key"}
    assert secrets_seen.leaks(pins=pins, keys=keys, logs=[front.output]) == []
