"""The connection to the zwave-js server: connect, find the lock nodes, reconnect with backoff.

Lock drivers outlive connections: when the server restarts, each ZWaveLock loses its node
(and says it is offline), and the next connection hands it the new node object (and it says
it is online, which makes the reconciler read the lock again).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from collections.abc import Callable, Coroutine
from typing import Any

import aiohttp
from zwave_js_server.client import Client
from zwave_js_server.const import CommandClass
from zwave_js_server.exceptions import BaseZwaveJSServerError
from zwave_js_server.model.node import Node

from drivers.zwave.facts import (
    SCHLAGE_CODE_LENGTH_PARAM,
    NodeFacts,
    brand,
    capabilities,
    lock_ref,
)
from drivers.zwave.lock import ZWaveLock
from drivers.zwave.node_values import cached_value
from drivers.zwave.user_credential import user_credential_model
from drivers.zwave.user_credential_translate import USER_CREDENTIAL_CC

log = logging.getLogger(__name__)

# A local server is cheap to knock on: back within seconds of its restart (an update).
RETRY_FIRST, RETRY_MAX = 0.5, 5.0


class ZWaveNetwork:
    def __init__(
        self,
        url: str,
        session: aiohttp.ClientSession,
        on_new_lock: Callable[[ZWaveLock], object],
        allow_insecure_nodes: frozenset[int] = frozenset(),
    ) -> None:
        # Nodes whose owner lets PINs be sent to them although they were included without
        # S2 Access Control or S0 ([zwave] allow_insecure_nodes).
        self.allow_insecure_nodes = allow_insecure_nodes
        self.url = url
        self.session = session
        self.on_new_lock = on_new_lock
        self.locks: dict[str, ZWaveLock] = {}
        self.connected = asyncio.Event()
        self.client: Client | None = None
        self._task: asyncio.Task[None] | None = None
        self._pending: set[asyncio.Task[None]] = set()

    def adopt(self, lock: ZWaveLock) -> None:
        """A lock known from an earlier run: its node is bound once the server is reached."""
        self.locks[lock.info.ref] = lock

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="zwave-network")

    async def wait_connected(self, seconds: float) -> bool:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self.connected.wait(), seconds)
        return self.connected.is_set()

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        if self.client is not None:
            with contextlib.suppress(Exception):
                await self.client.disconnect()

    async def _run(self) -> None:
        delay = RETRY_FIRST
        while True:
            try:
                await self._session()
                delay = RETRY_FIRST  # it was up: reconnect quickly
            except (BaseZwaveJSServerError, aiohttp.ClientError, OSError) as exc:
                log.warning("zwave-js server %s: %s; retrying in %.1f s", self.url, exc, delay)
            finally:
                self.connected.clear()
                for lock in self.locks.values():
                    lock.unbind()
            await asyncio.sleep(delay * random.uniform(0.8, 1.2))
            delay = min(RETRY_MAX, delay * 2)

    async def _session(self) -> None:
        client = Client(self.url, self.session)
        self.client = client
        await client.connect()
        ready = asyncio.Event()
        listening = asyncio.create_task(client.listen(ready))
        waiting = asyncio.create_task(ready.wait())
        done, _ = await asyncio.wait({listening, waiting}, return_when=asyncio.FIRST_COMPLETED)
        if waiting not in done:
            waiting.cancel()
            await listening  # raises what went wrong
            return
        assert client.driver is not None
        controller = client.driver.controller
        log.info(
            "zwave-js server %s: home %08x, %d nodes",
            self.url,
            controller.home_id or 0,
            len(controller.nodes),
        )
        for node in controller.nodes.values():
            await self._take(client, node)
        controller.on("node added", lambda event: self._node_added(client, event))
        self.connected.set()
        await listening

    def _node_added(self, client: Client, event: dict[str, Any]) -> None:
        node = event.get("node")
        if isinstance(node, Node):
            node.once("ready", lambda _: self._later(self._take(client, node)))

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._pending.add(task)
        task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task[None]) -> None:
        self._pending.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("zwave: taking a node failed", exc_info=task.exception())

    async def _take(self, client: Client, node: Node) -> None:
        """A node with the User Code CC is a lock; bind it (once its interview is done)."""
        if not node.ready:  # its command classes are known once the interview is done
            node.once("ready", lambda _: self._later(self._take(client, node)))
            return
        if not any(
            cc.id in (CommandClass.USER_CODE, USER_CREDENTIAL_CC) for cc in node.command_classes
        ):
            return
        assert client.driver is not None
        facts = await node_facts(client.driver.controller.home_id or 0, node)
        ref = lock_ref(facts.home_id, facts.node_id)
        caps, credentials = await user_credential_model(
            node, capabilities(facts), client.async_send_command
        )
        lock = self.locks.get(ref)
        new = lock is None
        if lock is None:
            name = node.name or f"{brand(facts).title()} lock (node {node.node_id})"
            lock = self.locks[ref] = ZWaveLock(ref, name, caps)
        lock.bind(
            node,
            caps,
            credentials,
            allow_insecure=node.node_id in self.allow_insecure_nodes,
        )
        if new:
            self.on_new_lock(lock)


async def node_facts(home_id: int, node: Node) -> NodeFacts:
    versions = {cc.id: cc.version for cc in node.command_classes}
    users = sum(
        1
        for v in node.values.values()
        if v.command_class == CommandClass.USER_CODE and v.property_ == "userIdStatus"
    )
    if users == 0 and CommandClass.USER_CODE in versions:
        users = int(await _ask(node, CommandClass.USER_CODE, "getUsersCount") or 0)
    exact = None
    if node.manufacturer_id == 0x003B and CommandClass.CONFIGURATION in versions:
        length = await _ask(node, CommandClass.CONFIGURATION, "get", SCHLAGE_CODE_LENGTH_PARAM)
        exact = length if isinstance(length, int) and 4 <= length <= 10 else None
    year_day_slots: Any = 0
    if CommandClass.SCHEDULE_ENTRY_LOCK in versions:
        year_day_slots = cached_value(node, CommandClass.SCHEDULE_ENTRY_LOCK, "numYearDaySlots")
        if year_day_slots is None:
            counts = await _ask(node, CommandClass.SCHEDULE_ENTRY_LOCK, "getNumSlots")
            year_day_slots = counts.get("numYearDaySlots") if isinstance(counts, dict) else 0
    config = node.device_config
    return NodeFacts(
        has_auto_relock=await _has_auto_relock(node, versions),
        home_id=home_id,
        node_id=node.node_id,
        manufacturer_id=node.manufacturer_id,
        product_type=node.product_type,
        product_id=node.product_id,
        label=(config.label if config is not None and config.label else None),
        users=users,
        user_code_version=versions.get(CommandClass.USER_CODE, 1),
        exact_length=exact,
        has_year_day_schedules=bool(year_day_slots),
    )


async def _has_auto_relock(node: Node, versions: dict[int, int]) -> bool:
    """Door Lock CC v4 and a lock that says it relocks by itself (zwave-js creates the
    `autoRelockTime` value only then; otherwise the lock is asked)."""
    if versions.get(CommandClass.DOOR_LOCK, 0) < 4:
        return False
    if any(
        v.command_class == CommandClass.DOOR_LOCK and v.property_ == "autoRelockTime"
        for v in node.values.values()
    ):
        return True
    found = await _ask(node, CommandClass.DOOR_LOCK, "getCapabilities")
    return isinstance(found, dict) and bool(found.get("autoRelockSupported"))


async def _ask(node: Node, cc: CommandClass, method: str, *args: Any) -> Any:
    try:
        return await node.async_invoke_cc_api(cc, method, *args, wait_for_result=True)
    except BaseZwaveJSServerError as exc:
        log.warning("node %d: %s.%s failed: %s", node.node_id, cc.name, method, exc)
        return None
