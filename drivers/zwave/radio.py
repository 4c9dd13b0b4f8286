"""Talking to a Z-Wave node through the zwave-js server: what a failure of a call means for the
reconciler. A node that does not answer is offline, an error that retrying cannot cure is
permanent, anything else is transient (a timeout)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any

from zwave_js_server.const import NodeStatus
from zwave_js_server.exceptions import (
    BaseZwaveJSServerError,
    FailedCommand,
    FailedZWaveCommand,
)
from zwave_js_server.model.node import Node

from drivers.base import LockOffline, LockTimeout, PermanentDriverError
from drivers.zwave.node_values import we_are_cancelled

OPERATION_TIMEOUT = 30.0  # zwave-js has its own, shorter timeouts; this only bounds a hang
# zwave-js errors that will not go away by retrying (ZW0322 not supported, ZW0302 bad args...).
PERMANENT_ZWAVE_ERRORS = {300, 301, 302, 322, 323}
NODE_NOT_RESPONDING = {202, 204}


async def reachable_node(node: Node | None) -> Node:
    """The node, once it answers: a node zwave-js marked dead is pinged first."""
    if node is None:
        raise LockOffline("zwave-js server not connected")
    if node.status is NodeStatus.DEAD:
        try:
            alive = await asyncio.wait_for(node.async_ping(), OPERATION_TIMEOUT)
        except (BaseZwaveJSServerError, TimeoutError) as exc:
            raise LockOffline(f"node {node.node_id} is dead: {exc}") from None
        except asyncio.CancelledError:
            if we_are_cancelled():
                raise
            raise LockOffline(f"node {node.node_id}: connection lost") from None
        if not alive:
            raise LockOffline(f"node {node.node_id} is dead (no answer to a ping)")
    return node


async def guarded(node: Node, work: Awaitable[Any]) -> Any:
    """The result of one call to the node, its failure as a driver error."""
    try:
        return await asyncio.wait_for(work, OPERATION_TIMEOUT)
    except FailedZWaveCommand as exc:
        code = exc.zwave_error_code
        if code in PERMANENT_ZWAVE_ERRORS:
            raise PermanentDriverError(f"ZW{code:04d}: {exc.zwave_error_message}") from None
        if code in NODE_NOT_RESPONDING or node.status is NodeStatus.DEAD:
            raise LockOffline(f"ZW{code:04d}: {exc.zwave_error_message}") from None
        raise LockTimeout(f"ZW{code:04d}: {exc.zwave_error_message}") from None
    except TimeoutError:
        raise LockTimeout(f"node {node.node_id}: no result in {OPERATION_TIMEOUT} s") from None
    except FailedCommand as exc:
        if exc.error_code in ("invalid_params_passed_to_command", "unknown_command"):
            raise PermanentDriverError(f"zwave-js server: {exc}") from None
        raise LockTimeout(f"zwave-js server: {exc}") from None
    except BaseZwaveJSServerError as exc:
        raise LockOffline(f"zwave-js server: {exc}") from None
    except asyncio.CancelledError:
        if we_are_cancelled():
            raise
        raise LockOffline(f"node {node.node_id}: zwave-js server connection lost") from None
