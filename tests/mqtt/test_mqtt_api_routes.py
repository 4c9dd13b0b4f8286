"""The whole API over MQTT 5 (the route table both the HTTP API and the MQTT API run): every
route answers as HTTP answers, a GET's query travels as ordered pairs, and a request carrying a
request_id is applied once, even when it is sent again or the hub is killed after committing."""

from __future__ import annotations

import itertools
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from gateway.calls.table import ROUTES
from tests.mqtt.broker import Received, Recorder
from tests.support.daemon import Daemon
from tests.support.wait import eventually

pytestmark = pytest.mark.e2e

RESPONSES = "lockgw/api/response/controller/routes"
_ids = itertools.count(1)


@dataclass
class Answer:
    status: int
    body: dict[str, Any]
    replayed: bool


def mqtt(controller: Recorder, route: str, resend_every: float = 0.0, **request: Any) -> Answer:
    """One request ({"route", "body"|"query", "request_id"?}) and its answer. `resend_every`:
    publish the same request again while unanswered, as a fleet front does (only for a request
    carrying a request_id: the hub applies it once)."""
    correlation = f"routes-{next(_ids)}".encode()
    properties = Properties(PacketTypes.PUBLISH)
    properties.ResponseTopic = RESPONSES
    properties.CorrelationData = correlation
    payload = json.dumps({"route": route, **request})
    controller.publish("lockgw/api/request", payload, properties)
    polls = itertools.count(1)

    def answered() -> Received | None:
        for message in controller.on(RESPONSES):
            if getattr(message.properties, "CorrelationData", None) == correlation:
                return message
        if resend_every and next(polls) % int(resend_every / 0.02) == 0:
            controller.publish("lockgw/api/request", payload, properties)
        return None

    message = eventually(answered, timeout=30)
    user = dict(message.properties.UserProperty)
    return Answer(int(user["status"]), message.json(), user.get("replayed") == "true")


def http(daemon: Daemon, method: str, route: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"Bearer {daemon.key}"}
    return httpx.request(method, f"{daemon.url}{route}", headers=headers, **kwargs)


def codes_named(daemon: Daemon, device_id: str, name: str) -> list[str]:
    listed = http(daemon, "POST", "/access_codes/list", json={"device_id": device_id}).json()
    return [c["access_code_id"] for c in listed["access_codes"] if c["name"] == name]


@pytest.fixture(scope="module", autouse=True)
def hub_listening(daemon: Daemon, controller: Recorder) -> None:
    """The hub answers once its MQTT session is up (after its HTTP API is): a read-only
    request, sent again until answered, says so."""
    assert mqtt(controller, "/workspaces/get", resend_every=1.0, body={}).status == 200


@pytest.mark.parametrize("route", [route.path for route in ROUTES])
def test_every_route_of_the_http_api_answers_over_mqtt_as_http_does(
    daemon: Daemon, controller: Recorder, route: str
) -> None:
    """A parameter no route knows: each route refuses it, over both transports alike (nothing
    is changed, so the answers can be compared for every route, simulate calls included)."""
    body = {"no_such_parameter": 1}
    over_mqtt = mqtt(controller, route, body=body)
    over_http = http(daemon, "POST", route, json=body)
    assert over_mqtt.status == over_http.status_code == 400
    assert over_mqtt.body == over_http.json()
    assert "no_such_parameter" in over_mqtt.body["error"]["validation_errors"]


def test_a_code_created_over_mqtt_reads_the_same_over_both_and_is_deleted(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    back = locks["Back door"]
    created = mqtt(
        controller, "/access_codes/create", body={"device_id": back, "name": "Both", "code": "2468"}
    )
    assert created.status == 200 and created.body["ok"] is True
    code_id = created.body["access_code"]["access_code_id"]

    def same_over_both() -> dict[str, Any] | None:
        over_mqtt = mqtt(controller, "/access_codes/get", query=[["access_code_id", code_id]])
        over_http = http(daemon, "GET", "/access_codes/get", params={"access_code_id": code_id})
        return over_mqtt.body if over_mqtt.body == over_http.json() else None

    assert eventually(same_over_both)["access_code"]["code"] == "2468"
    deleted = mqtt(controller, "/access_codes/delete", body={"access_code_id": code_id})
    assert deleted.status == 200
    assert deleted.body["action_attempt"]["action_type"] == "DELETE_ACCESS_CODE"


def test_a_list_pages_over_mqtt_by_query_and_by_body_as_over_http(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    shed = locks["Shed"]
    for index in range(3):
        body = {"device_id": shed, "name": f"Page {index}", "code": f"{5100 + index}"}
        assert mqtt(controller, "/access_codes/create", body=body).status == 200
    first = mqtt(controller, "/access_codes/list", query=[["device_id", shed], ["limit", "2"]])
    over_http = http(daemon, "GET", "/access_codes/list", params={"device_id": shed, "limit": 2})
    assert first.status == 200 and len(first.body["access_codes"]) == 2
    paging, http_paging = first.body["pagination"], over_http.json()["pagination"]
    assert paging["has_next_page"] is True and paging["next_page_url"] is None
    assert paging["next_page_cursor"] == http_paging["next_page_cursor"]
    assert "page_cursor=" in http_paging["next_page_url"]  # HTTP names its own next page
    ids = [c["access_code_id"] for c in first.body["access_codes"]]
    assert ids == [c["access_code_id"] for c in over_http.json()["access_codes"]]
    cursor = paging["next_page_cursor"]
    by_query = mqtt(
        controller,
        "/access_codes/list",
        query=[["device_id", shed], ["limit", "2"], ["page_cursor", cursor]],
    )
    by_body = mqtt(
        controller,
        "/access_codes/list",
        body={"device_id": shed, "limit": 2, "page_cursor": cursor},
    )
    assert by_query.body == by_body.body
    rest = [c["access_code_id"] for c in by_query.body["access_codes"]]
    assert rest and not set(rest) & set(ids)
    # A query's values are strings converted for the model; a body is strict, as over HTTP.
    strict = mqtt(controller, "/access_codes/list", body={"device_id": shed, "limit": "2"})
    assert strict.status == 400 and "limit" in strict.body["error"]["validation_errors"]


def test_user_identities_and_their_access_answer_over_mqtt(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    front = locks["Front door"]
    user = mqtt(controller, "/user_identities/create", body={"full_name": "Ada Over Mqtt"})
    assert user.status == 200
    user_id = user.body["user_identity"]["user_identity_id"]
    granted = mqtt(
        controller,
        "/user_identities/grant_access_to_device",
        body={"user_identity_id": user_id, "device_id": front},
    )
    assert (granted.status, granted.body) == (200, {"ok": True})
    over_mqtt = mqtt(
        controller,
        "/user_identities/list_accessible_devices",
        query=[["user_identity_id", user_id]],
    )
    over_http = http(
        daemon,
        "GET",
        "/user_identities/list_accessible_devices",
        params={"user_identity_id": user_id},
    )
    assert [d["device_id"] for d in over_mqtt.body["accessible_devices"]] == [front]
    assert [d["device_id"] for d in over_http.json()["accessible_devices"]] == [front]


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        ({"route": "/no/such/route", "body": {}}, "route"),
        ({"route": "/workspaces/create", "body": {}}, "route"),
        ({"route": "/devices/list", "query": {"limit": "1"}}, "query"),
        ({"route": "/devices/list", "query": [["limit", 1]]}, "query"),
        ({"route": "/devices/list", "body": {}, "query": []}, "query"),
        ({"route": "/access_codes/create", "body": {}, "request_id": ""}, "request_id"),
        ({"route": "/access_codes/create", "body": {}, "request_id": "x" * 65}, "request_id"),
    ],
)
def test_a_malformed_request_is_refused_naming_its_field(
    daemon: Daemon, controller: Recorder, request_: dict[str, Any], field: str
) -> None:
    route = request_.pop("route")
    refused = mqtt(controller, route, **request_)
    assert refused.status == 400
    assert field in refused.body["error"]["validation_errors"]


def test_a_create_sent_twice_with_one_request_id_creates_one_code(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    back = locks["Back door"]
    body = {"device_id": back, "name": "Once only", "code": "8642"}
    first = mqtt(controller, "/access_codes/create", body=body, request_id="create-once-1")
    second = mqtt(controller, "/access_codes/create", body=body, request_id="create-once-1")
    assert (first.status, first.replayed) == (200, False)
    assert (second.status, second.replayed) == (200, True)
    assert second.body == first.body
    assert codes_named(daemon, back, "Once only") == [first.body["access_code"]["access_code_id"]]
    # Read-only routes simply run again (a request_id changes nothing there).
    read = mqtt(controller, "/devices/list", query=[], request_id="create-once-1")
    assert (read.status, read.replayed) == (200, False)
    # The same id for another route that changes something: refused, nothing applied.
    other = mqtt(
        controller,
        "/access_codes/delete",
        body={"access_code_id": first.body["access_code"]["access_code_id"]},
        request_id="create-once-1",
    )
    assert other.status == 409 and other.body["error"]["type"] == "request_id_reused"
    assert "request_id" in other.body["error"]["validation_errors"]
    assert codes_named(daemon, back, "Once only") == [first.body["access_code"]["access_code_id"]]


def test_a_refused_request_is_not_recorded_and_its_id_may_succeed_later(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    back = locks["Back door"]
    refused = mqtt(
        controller,
        "/access_codes/create",
        body={"device_id": back, "name": "Second try", "code": "12"},
        request_id="second-try-1",
    )
    assert refused.status == 400
    fixed = mqtt(
        controller,
        "/access_codes/create",
        body={"device_id": back, "name": "Second try", "code": "1357"},
        request_id="second-try-1",
    )
    assert (fixed.status, fixed.replayed) == (200, False)


def _recorded(daemon: Daemon, request_id: str) -> bool:
    conn = sqlite3.connect(f"file:{daemon.data_dir / 'lockgw.sqlite3'}?mode=ro", uri=True)
    try:
        found = conn.execute("SELECT 1 FROM api_answers WHERE request_id = ?", (request_id,))
        return found.fetchone() is not None
    except sqlite3.OperationalError:  # the writer holds its lock for a moment: look again
        return False
    finally:
        conn.close()


def test_a_create_retried_after_the_hub_was_killed_having_committed_is_not_applied_twice(
    daemon: Daemon, controller: Recorder, locks: dict[str, str]
) -> None:
    """The hub is killed (SIGKILL) as soon as the create and its answer are in its store (its
    answer may or may not have left); the retry with the same request_id gets that answer."""
    back = locks["Back door"]
    body = {"device_id": back, "name": "Survives a kill", "code": "9753"}
    properties = Properties(PacketTypes.PUBLISH)
    properties.ResponseTopic = f"{RESPONSES}/killed"
    properties.CorrelationData = b"killed"
    request = {"route": "/access_codes/create", "body": body, "request_id": "kill-1"}
    controller.publish("lockgw/api/request", json.dumps(request), properties)
    eventually(lambda: _recorded(daemon, "kill-1"), interval=0.005)
    daemon.kill()
    offline = len(controller.on("lockgw/status"))
    daemon.start()
    eventually(
        lambda: [m.payload for m in controller.on("lockgw/status")[offline:]][-1:] == [b"online"]
    )
    retried = mqtt(
        controller, "/access_codes/create", resend_every=2.0, body=body, request_id="kill-1"
    )
    assert (retried.status, retried.replayed) == (200, True)
    code_id = retried.body["access_code"]["access_code_id"]
    assert codes_named(daemon, back, "Survives a kill") == [code_id]
