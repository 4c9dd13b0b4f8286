"""The front's one connection to the fleet's broker (reconnected with backoff): it follows the
hubs' statuses and announcements, the fleet's webhooks document, and the answers addressed to
this front, and publishes requests and the webhooks document."""

from __future__ import annotations

import asyncio
import logging
from typing import Protocol

import aiomqtt
from paho.mqtt.properties import Properties

from gateway.config import MqttConfig
from gateway.fleet.directory import Directory
from gateway.fleet.requester import Requester, broker_unreachable
from gateway.fleet.topics import FleetTopics
from gateway.host.mqtt_broker import client

log = logging.getLogger(__name__)

BACKOFF_FIRST, BACKOFF_MAX = 0.5, 10.0
PUBLISH_TIMEOUT = 5.0
# The broker sends the retained statuses and announcements right after the subscription: calls
# wait this long after connecting, so that a device is not "not found" for want of them.
SETTLE = 0.5


class Follower(Protocol):
    """Who follows the fleet's webhooks document (gateway.fleet.webhooks.FrontWebhooks)."""

    def on_connected(self) -> None: ...

    def on_disconnected(self) -> None: ...

    def on_document(self, payload: bytes) -> None: ...


class FleetLink:
    def __init__(
        self,
        settings: MqttConfig,
        topics: FleetTopics,
        directory: Directory,
        requester: Requester,
        *,
        instance: str,
        webhooks: Follower,
    ) -> None:
        self.settings = settings
        self.topics = topics
        self.directory = directory
        self.requester = requester
        self.instance = instance
        self.webhooks = webhooks
        self.connected = asyncio.Event()
        self.settled = asyncio.Event()  # connected, and the retained messages had time to come
        self._settling: asyncio.TimerHandle | None = None
        self._mqtt: aiomqtt.Client | None = None

    async def run(self) -> None:
        delay = BACKOFF_FIRST
        while True:
            try:
                await self._session()
            except aiomqtt.MqttError as exc:
                if self.connected.is_set():
                    delay = BACKOFF_FIRST
                log.warning(
                    "fleet: MQTT broker %s: %s; connecting again in %.1f s",
                    self.settings.url,
                    exc,
                    delay,
                )
            finally:
                self._mqtt = None
                self.connected.clear()
                self.settled.clear()
                if self._settling is not None:
                    self._settling.cancel()
                self.webhooks.on_disconnected()
                self.requester.broker_lost()
            await asyncio.sleep(delay)
            delay = min(BACKOFF_MAX, delay * 2)

    async def _session(self) -> None:
        identifier = f"{self.settings.client_id}-front-{self.instance}"
        async with client(self.settings, identifier=identifier) as mqtt:
            log.info("fleet: MQTT broker %s: connected", self.settings.url)
            await mqtt.subscribe(
                [
                    (self.topics.statuses, 1),
                    (self.topics.announcements, 1),
                    (self.topics.webhooks, 1),
                    (self.topics.api_responses(self.requester.user, self.instance), 1),
                ]
            )
            self._mqtt = mqtt
            self.connected.set()
            self._settling = asyncio.get_running_loop().call_later(SETTLE, self.settled.set)
            self.webhooks.on_connected()
            async for message in mqtt.messages:
                payload = message.payload if isinstance(message.payload, bytes) else b""
                self.dispatch(message.topic.value, payload, message.properties)

    def dispatch(self, topic: str, payload: bytes, properties: Properties | None) -> None:
        if topic == self.topics.webhooks:
            self.webhooks.on_document(payload)
            return
        place = self.topics.hub_topic(topic)
        if place is None:
            return
        hub_id, what = place
        if what == "status":
            if self.directory.on_status(hub_id, payload):
                online = self.directory.is_online(hub_id)
                log.info("fleet: hub %s is %s", hub_id, "online" if online else "offline")
                if not online:
                    self.requester.hub_offline(hub_id)
        elif what == "hub":
            self.directory.on_announcement(hub_id, payload)
        elif what.startswith("api/response/"):
            self.requester.on_answer(topic, payload, properties)

    async def publish(
        self,
        topic: str,
        payload: bytes,
        properties: Properties | None = None,
        *,
        retain: bool = False,
    ) -> None:
        mqtt = self._mqtt
        if mqtt is None:
            raise broker_unreachable()
        try:
            await mqtt.publish(
                topic,
                payload,
                qos=1,
                retain=retain,
                properties=properties,
                timeout=PUBLISH_TIMEOUT,
            )
        except aiomqtt.MqttError:
            raise broker_unreachable() from None
