"""What a node's cached values say (door, battery), and telling a lost connection from our own
cancellation."""

from __future__ import annotations

import asyncio
from typing import Any

from zwave_js_server.const import CommandClass
from zwave_js_server.model.node import Node
from zwave_js_server.model.value import get_value_id_str

SECURED = 0xFF


def we_are_cancelled() -> bool:
    """zwave-js-server-python cancels the commands in flight when its connection drops: that
    cancellation is a lost connection, not a request to stop the caller (which would end the
    lock's reconciler). Only our own task being cancelled is passed on."""
    task = asyncio.current_task()
    return task is not None and task.cancelling() > 0


def cached_value(node: Node, cc: CommandClass, prop: str) -> Any:
    """A node value from zwave-js's cache (None when it has none)."""
    value = node.values.get(get_value_id_str(node, cc, prop))
    return None if value is None else value.value


def locked_from_cache(node: Node) -> bool | None:
    mode = cached_value(node, CommandClass.DOOR_LOCK, "currentMode")
    return None if mode is None else mode == SECURED


def battery_from_cache(node: Node) -> float | None:
    level = cached_value(node, CommandClass.BATTERY, "level")
    return None if not isinstance(level, int | float) else max(0.0, min(1.0, level / 100))
