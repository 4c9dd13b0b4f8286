"""`lockgw fleet serve`: the front built once, served until SIGTERM (docs/FLEET.md)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import signal

from aiohttp import web
from paho.mqtt.properties import Properties

from gateway.config import Config, MqttConfig
from gateway.fleet.app import Front, build_app
from gateway.fleet.directory import Directory
from gateway.fleet.forward import Forwarder
from gateway.fleet.learnt import LearntIds
from gateway.fleet.link import FleetLink
from gateway.fleet.requester import Requester
from gateway.fleet.topics import FleetTopics
from gateway.fleet.webhooks import FrontWebhooks
from gateway.host.listener import listen
from gateway.service.front_keys import FrontKeys

log = logging.getLogger(__name__)

ANONYMOUS_USER = "front"  # the response topic's user level when the broker asks for no user


class NoBroker(Exception):
    """The front's config has no [mqtt] section: it has nothing to forward to."""


def _link(settings: MqttConfig, keys: FrontKeys) -> tuple[FleetLink, Front]:
    topics = FleetTopics(settings.base_topic)
    instance = secrets.token_hex(6)
    directory = Directory()
    link: FleetLink

    async def publish_request(topic: str, payload: bytes, properties: Properties) -> None:
        await link.publish(topic, payload, properties)

    async def publish_webhooks(document: bytes) -> None:
        await link.publish(topics.webhooks, document, retain=True)

    requester = Requester(topics, settings.username or ANONYMOUS_USER, instance, publish_request)
    webhooks = FrontWebhooks(publish_webhooks)
    link = FleetLink(
        settings,
        topics,
        directory,
        requester,
        instance=instance,
        webhooks=webhooks,
    )
    forwarder = Forwarder(directory, LearntIds(), requester, link.settled)
    front = Front(forwarder, directory, webhooks, keys, link.connected.is_set)
    return link, front


async def serve(config: Config) -> None:
    if config.mqtt is None:
        raise NoBroker("the config has no [mqtt] section: a front needs the fleet's broker")
    listener = listen(config.host, config.port)
    keys = FrontKeys(config.data_dir)
    link, front = _link(config.mqtt, keys)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    linking = asyncio.create_task(link.run(), name="fleet-link")
    runner = web.AppRunner(build_app(front), access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    await web.SockSite(runner, listener).start()
    url = f"http://{config.host}:{config.port}"
    log.info("lockgw fleet front listening on %s (broker %s)", url, config.mqtt.url)
    print(f"lockgw fleet: API on {url}", flush=True)
    try:
        await stop.wait()
    finally:
        log.info("lockgw fleet front shutting down")
        await runner.cleanup()
        linking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await linking
        keys.close()
        log.info("lockgw fleet front stopped")
