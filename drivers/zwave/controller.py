"""The Z-Wave controller as an owner works it, beside the daemon: a short connection of its own to
the zwave-js server, a node's ping and route rebuild, and the controller's memory (NVM) backed up
and restored.

The daemon keeps its own connection meanwhile (zwave-js serves several clients); what one client
changes (a node added or removed) every client hears, so the daemon adopts a new lock by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
from zwave_js_server.client import Client
from zwave_js_server.const import SecurityClass
from zwave_js_server.exceptions import BaseZwaveJSServerError
from zwave_js_server.model.node import Node

CONNECT_SECONDS = 15.0

SECURITY_NAMES = {
    SecurityClass.S2_ACCESS_CONTROL: "S2 Access Control",
    SecurityClass.S2_AUTHENTICATED: "S2 Authenticated",
    SecurityClass.S2_UNAUTHENTICATED: "S2 Unauthenticated",
    SecurityClass.S0_LEGACY: "S0",
    SecurityClass.NONE: "no security",
}


class ControllerError(Exception):
    """What went wrong, in one line an owner can act on."""


def security_name(security: SecurityClass | None) -> str:
    return "not known yet" if security is None else SECURITY_NAMES.get(security, security.name)


@contextlib.asynccontextmanager
async def connected(url: str, seconds: float = CONNECT_SECONDS) -> AsyncIterator[Client]:
    """A client of the zwave-js server at `url`, listening (events arrive) until the block ends."""
    async with aiohttp.ClientSession() as session:
        client = Client(url, session)
        try:
            await asyncio.wait_for(client.connect(), seconds)
        except (BaseZwaveJSServerError, aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise ControllerError(
                f"zwave-js server {url}: {_why(exc)} (is it running? "
                "`systemctl status zwave-js-server`, and [zwave] url in the config)"
            ) from None
        ready = asyncio.Event()
        listening = asyncio.create_task(client.listen(ready))
        try:
            await _until_ready(url, listening, ready, seconds)
            yield client
        finally:
            listening.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await listening
            with contextlib.suppress(Exception):
                await client.disconnect()


async def _until_ready(
    url: str, listening: asyncio.Task[None], ready: asyncio.Event, seconds: float
) -> None:
    waiting = asyncio.create_task(ready.wait())
    done, _ = await asyncio.wait(
        {listening, waiting}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED
    )
    if waiting in done:
        return
    waiting.cancel()
    if listening in done and listening.exception() is not None:
        raise ControllerError(f"zwave-js server {url}: {_why(listening.exception())}")
    raise ControllerError(f"zwave-js server {url}: its driver was not ready in {seconds:.0f} s")


def _why(exc: BaseException | None) -> str:
    if isinstance(exc, TimeoutError):
        return "no answer"
    return str(getattr(exc, "strerror", None) or exc or type(exc).__name__)


def node_of(client: Client, node_id: int) -> Node:
    assert client.driver is not None
    node = client.driver.controller.nodes.get(node_id)
    if node is None or node_id == client.driver.controller.own_node_id:
        known = sorted(
            n for n in client.driver.controller.nodes if n != client.driver.controller.own_node_id
        )
        raise ControllerError(f"no node {node_id} on this network (nodes: {known or 'none'})")
    return node


@dataclass(frozen=True)
class Ping:
    node_id: int
    answered: bool
    status: str  # zwave-js's word: alive, asleep, dead, unknown


async def ping(client: Client, node_id: int) -> Ping:
    node = node_of(client, node_id)
    try:
        answered = await node.async_ping()
    except BaseZwaveJSServerError as exc:
        raise ControllerError(f"node {node_id}: ping failed: {exc}") from None
    return Ping(node_id, answered, node.status.name.lower())


async def rebuild_routes(client: Client, node_id: int) -> bool:
    """Rebuild one node's routes (zwave-js's "heal"); whether the controller says it worked."""
    node = node_of(client, node_id)
    assert client.driver is not None
    try:
        return await client.driver.controller.async_rebuild_node_routes(node)
    except BaseZwaveJSServerError as exc:
        raise ControllerError(f"node {node_id}: rebuilding its routes failed: {exc}") from None


async def backup_nvm(client: Client) -> bytes:
    """The controller's memory (which nodes belong to the network, its home id), raw."""
    assert client.driver is not None
    try:
        return await client.driver.controller.async_backup_nvm_raw()
    except BaseZwaveJSServerError as exc:
        raise ControllerError(f"the controller's memory (NVM) could not be read: {exc}") from None


async def restore_nvm(client: Client, data: bytes) -> None:
    """Write `data` (from backup_nvm) into the controller: it replaces its whole memory."""
    assert client.driver is not None
    try:
        await client.driver.controller.async_restore_nvm(data)
    except BaseZwaveJSServerError as exc:
        raise ControllerError(f"the controller's memory (NVM) was not restored: {exc}") from None
