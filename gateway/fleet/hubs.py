"""`lockgw fleet hubs`: the hubs the broker holds retained statuses and announcements of."""

from __future__ import annotations

import asyncio
import contextlib
import secrets

import aiomqtt

from gateway.config import MqttConfig
from gateway.fleet.directory import Directory, Hub
from gateway.fleet.topics import FleetTopics
from gateway.host.mqtt_broker import client

# Retained messages arrive right after the subscription: once none came for QUIET seconds, the
# broker has given them all (or after AT_MOST, on a fleet of thousands).
QUIET, AT_MOST = 0.5, 10.0


async def read_hubs(settings: MqttConfig) -> list[Hub]:
    topics = FleetTopics(settings.base_topic)
    directory = Directory()
    identifier = f"{settings.client_id}-hubs-{secrets.token_hex(4)}"
    async with client(settings, identifier=identifier) as mqtt:
        await mqtt.subscribe([(topics.statuses, 1), (topics.announcements, 1)])
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(AT_MOST):
                messages = aiter(mqtt.messages)
                while True:
                    try:
                        message = await asyncio.wait_for(anext(messages), QUIET)
                    except TimeoutError:
                        break
                    _apply(directory, topics, message)
    return directory.sorted()


def _apply(directory: Directory, topics: FleetTopics, message: aiomqtt.Message) -> None:
    payload = message.payload if isinstance(message.payload, bytes) else b""
    place = topics.hub_topic(message.topic.value)
    if place is None:
        return
    hub_id, what = place
    if what == "status":
        directory.on_status(hub_id, payload)
    elif what == "hub":
        directory.on_announcement(hub_id, payload)


def table(hubs: list[Hub]) -> list[str]:
    """One line per hub, tab-separated, for people."""
    lines = ["hub_id\tonline\tversion\tlocks\tannounced_at"]
    for hub in hubs:
        lines.append(
            f"{hub.hub_id}\t{'online' if hub.online else 'offline'}\t{hub.version or '-'}\t"
            f"{hub.lock_count}\t{hub.announced_at or '-'}"
        )
    return lines
