"""Asking one hub over MQTT 5 request/response and waiting for its answer (docs/FLEET.md).

The request goes to the hub's `api/request` with this front's response topic and the request id
as CorrelationData. No answer after RETRY_AFTER: the same request (same id: the hub runs it at
most once) is published again; none after GIVE_UP_AFTER: 504 `hub_timeout`. A hub going offline
answers every call waiting on it 503 at once. Nothing is queued: a call that gave up is not
sent again later.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import orjson
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from gateway.fleet.router import hub_timeout, hub_unreachable
from gateway.fleet.topics import FleetTopics
from gateway.wire.errors import ApiError

log = logging.getLogger(__name__)

RETRY_AFTER = 2.0
GIVE_UP_AFTER = 8.0
ANSWER_MAX_BYTES = 16 * 1024 * 1024

Publish = Callable[[str, bytes, Properties], Awaitable[None]]


@dataclass(frozen=True)
class HubAnswer:
    hub_id: str
    status: int
    body: dict[str, Any]
    replayed: bool = False

    @property
    def succeeded(self) -> bool:
        return 200 <= self.status < 300


def broker_unreachable() -> ApiError:
    return ApiError(
        "broker_unreachable", "The fleet front is not connected to its MQTT broker", status=503
    )


@dataclass
class Requester:
    topics: FleetTopics
    user: str
    instance: str
    publish: Publish
    retry_after: float = RETRY_AFTER
    give_up_after: float = GIVE_UP_AFTER
    _waiting: dict[tuple[str, bytes], list[asyncio.Future[HubAnswer]]] = field(default_factory=dict)

    @property
    def waiting(self) -> int:
        return sum(len(futures) for futures in self._waiting.values())

    async def ask(self, hub_id: str, payload: dict[str, Any]) -> HubAnswer:
        """The hub's answer to `payload` ({"route", "body"|"query", "request_id"})."""
        correlation = str(payload["request_id"]).encode()
        key = (hub_id, correlation)
        answered: asyncio.Future[HubAnswer] = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(key, []).append(answered)
        properties = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        properties.ResponseTopic = self.topics.api_response(hub_id, self.user, self.instance)
        properties.CorrelationData = correlation
        properties.ContentType = "application/json"
        message = encode(payload)
        topic = self.topics.api_request(hub_id)
        try:
            await self.publish(topic, message, properties)
            try:
                return await asyncio.wait_for(asyncio.shield(answered), self.retry_after)
            except TimeoutError:
                log.info("fleet: hub %s silent on %s: asking again", hub_id, payload["route"])
            await self.publish(topic, message, properties)
            left = max(0.0, self.give_up_after - self.retry_after)
            try:
                return await asyncio.wait_for(asyncio.shield(answered), left)
            except TimeoutError:
                raise hub_timeout(hub_id) from None
        finally:
            futures = self._waiting.get(key, [])
            if answered in futures:
                futures.remove(answered)
            if not futures:
                self._waiting.pop(key, None)
            if not answered.done():
                answered.cancel()

    def on_answer(self, topic: str, payload: bytes, properties: Properties | None) -> None:
        """An answer on this front's response topic: the calls waiting for it get it."""
        place = self.topics.hub_topic(topic)
        correlation = getattr(properties, "CorrelationData", None)
        if place is None or not isinstance(correlation, bytes):
            return
        futures = self._waiting.get((place[0], correlation))
        if not futures:
            return  # an answer to a call that gave up, or to the first of two publishes
        answer = _answer(place[0], payload, properties)
        for answered in futures:
            if not answered.done():
                answered.set_result(answer)

    def hub_offline(self, hub_id: str) -> None:
        """The hub left the broker: whoever waits for it hears so now."""
        self._fail(lambda hub: hub == hub_id, hub_unreachable([hub_id]))

    def broker_lost(self) -> None:
        self._fail(lambda _hub: True, broker_unreachable())

    def _fail(self, which: Callable[[str], bool], error: ApiError) -> None:
        for (hub, _), futures in self._waiting.items():
            if which(hub):
                for answered in futures:
                    if not answered.done():
                        answered.set_exception(error)


def encode(payload: dict[str, Any]) -> bytes:
    """The request as UTF-8 JSON (not ASCII-escaped: a body within the front's size limit stays
    within the hub's). An integer past 64 bits, which orjson does not write, as json writes it."""
    try:
        return orjson.dumps(payload)
    except orjson.JSONEncodeError:
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def _answer(hub_id: str, payload: bytes, properties: Properties | None) -> HubAnswer:
    found = dict(getattr(properties, "UserProperty", None) or [])
    status_text = found.get("status", "")
    try:
        body = json.loads(payload) if len(payload) <= ANSWER_MAX_BYTES else None
    except ValueError:
        body = None
    if not status_text.isdigit() or not isinstance(body, dict):
        log.warning("fleet: hub %s answered something that is not an answer", hub_id)
        error = ApiError("internal_error", f"Hub {hub_id} answered something unreadable")
        return HubAnswer(hub_id, 502, error.body())
    return HubAnswer(hub_id, int(status_text), body, found.get("replayed") == "true")
