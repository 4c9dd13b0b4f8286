"""The hub on an MQTT broker: one connection (reconnected with backoff, a last will saying the
hub is offline), over which it keeps the retained state and Home Assistant's discovery current,
publishes the event outbox's share in order at QoS 1, and takes lock commands and API requests.

A fleet hub (`[mqtt] hub_id`, docs/FLEET.md) does all of it under `{base}/hubs/{hub_id}/`, also
keeps its announcement retained (gateway.mqtt.announce) and follows the fleet's webhooks
document (gateway.mqtt.fleet_webhooks).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import deque
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import aiomqtt
import orjson
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from gateway.config import MqttConfig
from gateway.host.mqtt_broker import client
from gateway.mqtt import api, discovery, fleet_webhooks
from gateway.mqtt.announce import announcement
from gateway.mqtt.state import state_payload
from gateway.mqtt.topics import LOCK, OFFLINE, ONLINE, UNLOCK, Topics
from gateway.service.bundle import Services
from gateway.service.faults import store_fault
from gateway.service.mqtt_events import MqttEvents, OutgoingEvent
from gateway.service.mqtt_state import MqttState
from gateway.wire.body import decode_object
from gateway.wire.errors import ApiError
from gateway.wire.requests import LockAction

log = logging.getLogger(__name__)

BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0
REFRESH_EVERY = 30.0  # state is published on every commit, and at least this often
# More than STATE_BURST readings of the state within STATE_BURST_WINDOW seconds: pause.
STATE_BURST, STATE_BURST_WINDOW, STATE_PAUSE = 5, 0.1, 0.05
BATCH = 100
BODY_MAX_BYTES = 256 * 1024  # an HTTP request's body (gateway/api/app.py, a fleet front's)
# A request over MQTT carries such a body in its envelope (route, request_id): room for both.
REQUEST_MAX_BYTES = BODY_MAX_BYTES + 4 * 1024


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode()


def _version() -> str:
    try:
        return version("lockgw")
    except PackageNotFoundError:
        return "unknown"


class MqttBridge:
    def __init__(
        self,
        settings: MqttConfig,
        services: Services,
        *,
        monotonic: Callable[[], float] | None = None,
    ) -> None:
        self.settings = settings
        self.services = services
        self.topics = Topics(settings.base_topic, settings.discovery_prefix, settings.hub_id)
        self.state = MqttState(services.store, services.clock)
        self.events = MqttEvents(services.store, services.clock)
        self._state_wake = asyncio.Event()
        self._events_wake = asyncio.Event()
        self._published: dict[str, bytes] = {}  # retained topic -> what the broker holds
        self._locks_seen: set[str] = set()
        self._announced: frozenset[str] | None = None  # the devices the broker holds announced
        self.connected = asyncio.Event()
        services.store.on_commit(self._changed)

    def _changed(self) -> None:
        self._state_wake.set()
        self._events_wake.set()

    async def run(self) -> None:
        """Connect, serve the connection until it drops, reconnect (0.5 s doubling to 10 s)."""
        if self.settings.hub_id is None:  # not (or no longer) in a fleet: no fleet webhooks
            fleet_webhooks.follow(self.services.webhooks, b"")
        delay = BACKOFF_FIRST
        while True:
            try:
                await self._connected_session()
            except aiomqtt.MqttError as exc:
                if self.connected.is_set():
                    delay = BACKOFF_FIRST
                log.warning(
                    "MQTT broker %s: %s; connecting again in %.1f s", self.settings.url, exc, delay
                )
            finally:
                self.connected.clear()
            await asyncio.sleep(delay)
            delay = min(BACKOFF_MAX, delay * 2)

    async def _connected_session(self) -> None:
        will = aiomqtt.Will(self.topics.hub_status, OFFLINE, qos=1, retain=True)
        async with client(self.settings, will=will) as mqtt:
            log.info("MQTT broker %s: connected", self.settings.url)
            self._published.clear()  # publish everything again on a fresh connection
            self._announced = None
            await mqtt.publish(self.topics.hub_status, ONLINE, qos=1, retain=True)
            fleet = [(self.topics.fleet_webhooks, 1)] if self.settings.hub_id else []
            await mqtt.subscribe(
                [
                    (self.topics.lock_commands, 1),
                    (self.topics.api_request, 1),
                    (self.topics.homeassistant_status, 1),
                    # Our own retained discovery, as the broker holds it: a lock forgotten while
                    # the hub was away is removed from Home Assistant too.
                    (self.topics.discoveries, 1),
                    *fleet,
                ]
            )
            self.connected.set()
            self._state_wake.set()
            self._events_wake.set()
            try:
                await self._serve(mqtt)
            except asyncio.CancelledError:  # the daemon stops: say so (a clean disconnect
                await self._say_offline(mqtt)  # sends no last will)
                raise

    async def _serve(self, mqtt: aiomqtt.Client) -> None:
        try:
            async with asyncio.TaskGroup() as group:
                group.create_task(self._listen(mqtt))
                group.create_task(self._keep_state(mqtt))
                group.create_task(self._drain_events(mqtt))
        except* aiomqtt.MqttError as dropped:  # the connection went: reconnect with backoff
            raise dropped.exceptions[0] from None

    async def _say_offline(self, mqtt: aiomqtt.Client) -> None:
        with contextlib.suppress(aiomqtt.MqttError, TimeoutError):
            await mqtt.publish(self.topics.hub_status, OFFLINE, qos=1, retain=True, timeout=1.0)

    # -- retained state and discovery ------------------------------------------------------

    async def _keep_state(self, mqtt: aiomqtt.Client) -> None:
        recent: deque[float] = deque(maxlen=STATE_BURST)
        while True:
            self._state_wake.clear()
            await self.publish_state(mqtt)
            # A few commits in a row (an action: its attempt, then the lock's report) are each
            # read at once; a sustained stream of them is read once per pause, not per commit.
            recent.append(time.monotonic())
            if len(recent) == STATE_BURST and recent[-1] - recent[0] < STATE_BURST_WINDOW:
                await asyncio.sleep(STATE_PAUSE)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._state_wake.wait(), REFRESH_EVERY)

    async def _retain(self, mqtt: aiomqtt.Client, topic: str, payload: bytes) -> None:
        """Publish retained, unless the broker already holds exactly this."""
        if self._published.get(topic) == payload:
            return
        await mqtt.publish(topic, payload, qos=1, retain=True)
        self._published[topic] = payload

    async def publish_state(self, mqtt: aiomqtt.Client) -> None:
        workspace_id = self.services.workspace_id
        topic, config = discovery.hub_config(self.topics, workspace_id)
        await self._retain(mqtt, topic, _json(config))
        locks = self.state.locks()
        current = {lock.device_id for lock in locks}
        for lock in locks:
            for topic, entity in discovery.lock_configs(self.topics, workspace_id, lock).items():
                await self._retain(mqtt, topic, b"" if entity is None else _json(entity))
            availability = ONLINE if lock.online else OFFLINE
            await self._retain(
                mqtt, self.topics.lock_availability(lock.device_id), availability.encode()
            )
            await self._retain(
                mqtt, self.topics.lock_state(lock.device_id), _json(state_payload(lock))
            )
        for gone in self._locks_seen - current:
            await self._forget(mqtt, gone)
        self._locks_seen = current
        await self._announce(mqtt)

    async def _announce(self, mqtt: aiomqtt.Client) -> None:
        """A fleet hub's announcement: at connect, and again only when its devices change."""
        hub_id = self.settings.hub_id
        if hub_id is None:
            return
        device_ids = frozenset(self.state.device_ids())
        if device_ids == self._announced:
            return
        payload = announcement(
            hub_id=hub_id,
            workspace_id=self.services.workspace_id,
            version=_version(),
            device_ids=device_ids,
            announced_at=self.services.clock.now(),
        )
        await mqtt.publish(self.topics.hub_announcement, _json(payload), qos=1, retain=True)
        self._announced = device_ids

    async def _forget(self, mqtt: aiomqtt.Client, device_id: str) -> None:
        """A lock the hub no longer has: its entities leave Home Assistant, its state is cleared."""
        for topic in (
            *discovery.removal_topics(self.topics, device_id),
            self.topics.lock_state(device_id),
            self.topics.lock_availability(device_id),
        ):
            await mqtt.publish(topic, b"", qos=1, retain=True)
            self._published.pop(topic, None)

    # -- the event outbox --------------------------------------------------------------------

    async def _drain_events(self, mqtt: aiomqtt.Client) -> None:
        while True:
            self._events_wake.clear()
            batch = self.events.next_batch(BATCH)
            if not batch:
                await self._events_wake.wait()
                continue
            for outgoing in batch:
                await self._publish_event(mqtt, outgoing)
            # The broker has acknowledged (PUBACK) every event of the batch, in order.
            self.events.acknowledge(batch[-1].seq)

    async def _publish_event(self, mqtt: aiomqtt.Client, outgoing: OutgoingEvent) -> None:
        if outgoing.body is None:
            return  # pruned before it could be sent: nothing left to say
        await mqtt.publish(self.topics.event(outgoing.event_type), _json(outgoing.body), qos=1)
        use = outgoing.keypad
        if use is not None:
            keypad = {
                "event_type": discovery.KEYPAD_EVENT_TYPES[0],
                "code_name": use.code_name,
                "access_code_id": use.access_code_id,
                "occurred_at": outgoing.body.get("occurred_at"),
            }
            await mqtt.publish(self.topics.lock_keypad(use.device_id), _json(keypad), qos=1)

    # -- what comes in -------------------------------------------------------------------------

    async def _listen(self, mqtt: aiomqtt.Client) -> None:
        async for message in mqtt.messages:
            topic = message.topic.value
            payload = message.payload if isinstance(message.payload, bytes) else b""
            if topic == self.topics.homeassistant_status:
                if payload.strip() == ONLINE.encode():
                    log.info("Home Assistant is online: publishing discovery again")
                    self._published.clear()
                    self._state_wake.set()
            elif (object_id := self.topics.object_of_discovery(topic)) is not None:
                if payload:
                    await self._drop_if_stale(mqtt, object_id)
            elif topic == self.topics.fleet_webhooks and self.settings.hub_id is not None:
                fleet_webhooks.follow(self.services.webhooks, payload)
            elif topic == self.topics.api_request:
                await self._api_request(mqtt, payload, message.properties)
            else:
                device_id = self.topics.device_of_command(topic)
                if device_id is not None:
                    self._command(device_id, payload)

    async def _drop_if_stale(self, mqtt: aiomqtt.Client, object_id: str) -> None:
        device_id = discovery.lock_of_object(object_id)
        if device_id is None or device_id in self.state.device_ids():
            return
        log.info("MQTT: lock %s is no longer on the hub: removing its discovery", device_id)
        await self._forget(mqtt, device_id)

    def _command(self, device_id: str, payload: bytes) -> None:
        word = payload.decode(errors="replace").strip().upper()
        if word not in (LOCK, UNLOCK):
            log.warning("MQTT command for lock %s: neither LOCK nor UNLOCK (ignored)", device_id)
            return
        try:
            self.services.devices.lock_action(LockAction(device_id=device_id), lock=word == LOCK)
        except ApiError as exc:
            log.warning("MQTT command %s for lock %s refused: %s", word, device_id, exc.message)

    async def _api_request(
        self, mqtt: aiomqtt.Client, payload: bytes, properties: Properties | None
    ) -> None:
        response_topic = getattr(properties, "ResponseTopic", None)
        correlation = getattr(properties, "CorrelationData", None)
        if not isinstance(response_topic, str) or not response_topic.startswith(
            self.topics.api_responses
        ):
            log.warning(
                "MQTT API request without a response topic under %s: ignored",
                self.topics.api_responses,
            )
            return
        status, body, replayed = await self._answer(payload)
        answer = Properties(PacketTypes.PUBLISH)  # type: ignore[no-untyped-call]
        if isinstance(correlation, bytes):
            answer.CorrelationData = correlation
        # replayed: the recorded answer of an earlier request with this request_id
        answer.UserProperty = [("status", str(status))] + ([("replayed", "true")] * replayed)
        answer.ContentType = "application/json"
        # orjson, as the HTTP API: an answer may hold codes already rendered (wire/rendered.py)
        payload = orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
        await mqtt.publish(response_topic, payload, qos=1, properties=answer)

    async def _answer(self, payload: bytes) -> tuple[int, dict[str, Any], bool]:
        """(status, body, replayed) as the HTTP API would answer the request."""
        if len(payload) > REQUEST_MAX_BYTES:
            error = ApiError(
                "request_too_large", f"The body exceeds {BODY_MAX_BYTES} bytes", status=413
            )
            return error.status, error.body(), False
        try:
            # Decoded within the HTTP API's bounds (depth, digits), refused the same way.
            answered = await api.answer(self.services, decode_object(payload))
            return answered.status, answered.body, answered.replayed
        except ApiError as refused:
            return refused.status, refused.body(), False
        except Exception as exc:
            fault = store_fault(exc)  # answered as the HTTP API answers it (gateway/api/app.py)
            if fault is None:
                log.exception("MQTT API request failed")
                error = ApiError("internal_error", "Internal error; see the hub's log", status=500)
            else:
                log.warning("store %s on an MQTT API request: %s", fault.kind.value, exc)
                status = 507 if fault.error_type == "hub_store_full" else 503
                error = ApiError(fault.error_type, fault.message, status=status)
            return error.status, error.body(), False
