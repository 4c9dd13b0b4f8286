"""A call through a fleet front, against hubs that answer in-process (gateway.fleet.forward and
requester, no broker): retries, time-outs, a hub leaving, scatter and lists across hubs."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

import pytest
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from gateway.fleet.directory import Directory
from gateway.fleet.forward import Forwarder, Incoming
from gateway.fleet.learnt import LearntIds
from gateway.fleet.lists import FleetCursor
from gateway.fleet.requester import Requester, encode
from gateway.fleet.topics import FleetTopics
from gateway.wire.errors import ApiError

TOPICS = FleetTopics("lockgw")
# hub_id -> how it answers a request payload: (status, body), or None to stay silent
HubBehaviour = Callable[[dict[str, Any]], tuple[int, dict[str, Any]] | None]


class Fleet:
    def __init__(self, hubs: dict[str, HubBehaviour], **timing: float) -> None:
        self.hubs = hubs
        self.sent: list[tuple[str, dict[str, Any]]] = []
        self.asked = asyncio.Event()
        self.directory = Directory()
        for hub_id in hubs:
            self.directory.on_status(hub_id, b"online")
        self.requester = Requester(TOPICS, "front", "i1", self.publish, **timing)
        self.forwarder = Forwarder(self.directory, LearntIds(), self.requester)

    def announce(self, hub_id: str, *device_ids: str) -> None:
        body = {"protocol": 1, "hub_id": hub_id, "device_ids": list(device_ids)}
        self.directory.on_announcement(hub_id, json.dumps(body).encode())

    async def publish(self, topic: str, payload: bytes, properties: Properties) -> None:
        hub_id = topic.split("/")[2]
        request = json.loads(payload)
        self.sent.append((hub_id, request))
        self.asked.set()
        answer = self.hubs[hub_id](request)
        if answer is None:
            return
        status, body = answer
        reply = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        reply.CorrelationData = properties.CorrelationData
        reply.UserProperty = [("status", str(status))]
        response_topic = properties.ResponseTopic
        asyncio.get_running_loop().call_soon(
            self.requester.on_answer, response_topic, json.dumps(body).encode(), reply
        )


def silent(_request: dict[str, Any]) -> None:
    return None


def not_found(_request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    return 404, {"error": {"type": "access_code_not_found", "message": "no"}, "ok": False}


def knows(body: dict[str, Any]) -> HubBehaviour:
    return lambda _request: (200, {**body, "ok": True})


async def test_a_silent_hub_is_asked_again_with_the_same_request_id_then_times_out() -> None:
    fleet = Fleet({"villa-1": silent}, retry_after=0.05, give_up_after=0.2)
    fleet.announce("villa-1", "d1")
    with pytest.raises(ApiError) as caught:
        await fleet.forwarder.call(Incoming("/locks/get", body={"device_id": "d1"}))
    assert (caught.value.status, caught.value.error_type) == (504, "hub_timeout")
    assert len(fleet.sent) == 2
    assert fleet.sent[0][1]["request_id"] == fleet.sent[1][1]["request_id"]
    assert fleet.requester.waiting == 0


async def test_a_hub_going_offline_answers_the_call_waiting_on_it_at_once() -> None:
    fleet = Fleet({"villa-1": silent}, retry_after=30, give_up_after=60)
    fleet.announce("villa-1", "d1")
    call = asyncio.ensure_future(
        fleet.forwarder.call(Incoming("/locks/unlock_door", body={"device_id": "d1"}))
    )
    await fleet.asked.wait()
    fleet.requester.hub_offline("villa-1")
    with pytest.raises(ApiError) as caught:
        await asyncio.wait_for(call, 1.0)
    assert (caught.value.status, caught.value.error_type) == (503, "hub_unreachable")


async def test_the_hubs_answer_comes_back_with_its_status_and_hub() -> None:
    fleet = Fleet({"villa-1": knows({"device": {"device_id": "d1"}})})
    fleet.announce("villa-1", "d1")
    out = await fleet.forwarder.call(
        Incoming("/devices/get", query=(("device_id", "d1"),), request_id="r1")
    )
    assert (out.status, out.hub_id) == (200, "villa-1")
    assert fleet.sent == [
        ("villa-1", {"route": "/devices/get", "request_id": "r1", "query": [["device_id", "d1"]]})
    ]


async def test_an_unknown_id_is_answered_by_the_hub_that_knows_it_and_learnt() -> None:
    code = {"access_code": {"access_code_id": "ac1"}}
    fleet = Fleet({"villa-1": not_found, "villa-2": knows(code), "villa-3": not_found})
    out = await fleet.forwarder.call(Incoming("/access_codes/get", body={"access_code_id": "ac1"}))
    assert (out.status, out.hub_id) == (200, "villa-2")
    fleet.sent.clear()
    await fleet.forwarder.call(Incoming("/access_codes/get", body={"access_code_id": "ac1"}))
    assert [hub for hub, _ in fleet.sent] == ["villa-2"]  # learnt: asked of its hub only


async def test_an_id_no_hub_knows_is_the_hubs_404_naming_the_silent_ones() -> None:
    fleet = Fleet({"villa-1": not_found, "villa-2": silent}, retry_after=0.05, give_up_after=0.1)
    out = await fleet.forwarder.call(Incoming("/access_codes/get", body={"access_code_id": "x"}))
    assert out.status == 404 and out.body["error"]["type"] == "access_code_not_found"
    assert out.unreachable == ("villa-2",)


def paged(items: list[int]) -> HubBehaviour:
    """A hub listing `items` as access codes, `limit` per page, its cursor the next index."""

    def answer(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        body = request.get("body") or dict(request.get("query", []))
        start = int(body.get("page_cursor") or 0)
        end = start + int(body.get("limit", 500))
        more = end < len(items)
        pagination = {"has_next_page": more, "next_page_cursor": str(end) if more else None}
        return 200, {"access_codes": items[start:end], "pagination": pagination, "ok": True}

    return answer


async def test_a_list_pages_through_every_hub_in_hub_id_order() -> None:
    fleet = Fleet({"villa-2": paged([4, 5, 6]), "villa-1": paged([1, 2, 3])})
    seen: list[int] = []
    cursor = None
    while True:
        body: dict[str, Any] = {"limit": 2} | ({} if cursor is None else {"page_cursor": cursor})
        out = await fleet.forwarder.call(Incoming("/access_codes/list", body=body))
        seen += out.body["access_codes"]
        cursor = out.body["pagination"]["next_page_cursor"]
        if cursor is None:
            break
    assert seen == [1, 2, 3, 4, 5, 6]


async def test_a_list_leaves_out_an_offline_hub_and_says_so() -> None:
    fleet = Fleet({"villa-1": paged([1]), "villa-2": paged([2])})
    fleet.directory.on_status("villa-2", b"offline")
    out = await fleet.forwarder.call(Incoming("/access_codes/list", body={}))
    assert out.body["access_codes"] == [1] and out.unreachable == ("villa-2",)


async def test_events_of_every_hub_come_newest_first() -> None:
    def events(*stamps: str) -> HubBehaviour:
        found = [{"event_id": s, "occurred_at": s} for s in stamps]
        return lambda _request: (200, {"events": found, "ok": True})

    fleet = Fleet({"villa-1": events("3", "1"), "villa-2": events("4", "2")})
    out = await fleet.forwarder.call(
        Incoming("/events/list", query=(("limit", "3"), ("unstable_offset", "1")))
    )
    assert [e["event_id"] for e in out.body["events"]] == ["3", "2", "1"]
    asked = [request["query"] for _, request in fleet.sent]
    assert asked == [[["limit", "4"]], [["limit", "4"]]]


async def test_a_pin_change_for_a_code_never_seen_is_sent_to_its_hub_alone() -> None:
    def holds(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if request["route"] == "/access_codes/get":
            return 200, {"access_code": {"access_code_id": "ac1", "device_id": "d2"}, "ok": True}
        return 200, {"action_attempt": {"action_attempt_id": "aa1"}, "ok": True}

    fleet = Fleet({"villa-1": not_found, "villa-2": holds, "villa-3": not_found})
    fleet.announce("villa-2", "d2")
    body = {"access_code_id": "ac1", "code": "4321"}
    out = await fleet.forwarder.call(Incoming("/access_codes/update", body=body))
    assert (out.status, out.hub_id) == (200, "villa-2")
    with_pin = [hub for hub, request in fleet.sent if "4321" in json.dumps(request)]
    assert with_pin == ["villa-2"]
    assert sorted(hub for hub, r in fleet.sent if r["route"] == "/access_codes/get") == [
        "villa-1",
        "villa-2",
        "villa-3",
    ]


async def test_a_change_for_a_code_no_hub_holds_is_the_hubs_404_and_no_pin_is_sent() -> None:
    fleet = Fleet({"villa-1": not_found, "villa-2": not_found})
    body = {"access_code_id": "ac1", "code": "4321"}
    out = await fleet.forwarder.call(Incoming("/access_codes/update", body=body))
    assert out.status == 404 and out.body["error"]["type"] == "access_code_not_found"
    assert [r for _, r in fleet.sent if "4321" in json.dumps(r)] == []


async def test_a_hub_claiming_a_code_of_another_hubs_lock_is_not_believed() -> None:
    claim = knows({"access_code": {"access_code_id": "ac1", "device_id": "d2"}})
    fleet = Fleet({"villa-1": claim, "villa-2": not_found})
    fleet.announce("villa-2", "d2")
    out = await fleet.forwarder.call(
        Incoming("/access_codes/delete", body={"access_code_id": "ac1"})
    )
    assert out.status == 404  # villa-2 does not have it; villa-1's claim names villa-2's lock
    assert [r["route"] for _, r in fleet.sent] == ["/access_codes/get", "/access_codes/get"]


async def test_connected_accounts_of_every_hub_are_listed_once_each() -> None:
    def accounts(*ids: str) -> HubBehaviour:
        found = [{"connected_account_id": i} for i in ids]
        pagination = {"has_next_page": False, "next_page_cursor": None}
        return lambda _r: (200, {"connected_accounts": found, "pagination": pagination})

    fleet = Fleet({"villa-1": accounts("zwave", "nuki"), "villa-2": accounts("zwave")})
    out = await fleet.forwarder.call(Incoming("/connected_accounts/list", body={}))
    assert [a["connected_account_id"] for a in out.body["connected_accounts"]] == [
        "zwave",
        "nuki",
    ]


async def test_a_list_answer_gives_only_the_routes_own_list_key() -> None:
    def stuffed(_request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        pagination = {"has_next_page": False, "next_page_cursor": None}
        return 200, {
            "devices": [],
            "access_codes": [{"access_code_id": "x"}],
            "pagination": pagination,
        }

    fleet = Fleet({"villa-1": stuffed})
    out = await fleet.forwarder.call(Incoming("/devices/list", body={}))
    assert set(out.body) == {"devices", "pagination", "ok"}


async def test_a_cursor_naming_a_hub_the_fleet_does_not_have_is_refused() -> None:
    fleet = Fleet({"villa-1": paged([1])})
    cursor = FleetCursor("villa-9", None).encode()
    with pytest.raises(ApiError) as caught:
        await fleet.forwarder.call(Incoming("/access_codes/list", body={"page_cursor": cursor}))
    assert caught.value.validation_errors is not None
    assert "page_cursor" in caught.value.validation_errors
    assert not fleet.sent


def test_a_request_is_sent_as_utf8_not_ascii_escaped() -> None:
    assert encode({"name": "\u00e9"}) == '{"name":"\u00e9"}'.encode()
    assert encode({"n": 10**30}) == b'{"n":1000000000000000000000000000000}'


async def test_a_keyed_retry_of_a_delete_whose_code_is_gone_gets_the_first_answer() -> None:
    """Through a front that never saw the code (the first front died after the delete ran):
    no hub has the code any more; the hub that ran the delete replays its answer."""

    def replays(request: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        if request["route"] == "/access_codes/delete" and request["request_id"] == "k1":
            return 200, {"action_attempt": {"action_attempt_id": "aa1"}, "ok": True}
        return not_found(request)

    fleet = Fleet({"villa-1": not_found, "villa-2": replays})
    delete = {"access_code_id": "ac1"}
    out = await fleet.forwarder.call(
        Incoming("/access_codes/delete", body=delete, request_id="k1", keyed=True)
    )
    assert (out.status, out.hub_id) == (200, "villa-2")
    fleet.sent.clear()
    update = {"access_code_id": "ac1", "code": "4321"}
    out = await fleet.forwarder.call(
        Incoming("/access_codes/update", body=update, request_id="k2", keyed=True)
    )
    assert out.status == 404  # a PIN is never sent to every hub
    assert [r["route"] for _, r in fleet.sent] == ["/access_codes/get"] * 2
