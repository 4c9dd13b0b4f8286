"""A Z-Wave lock's auto-relock (Door Lock CC v4), over the lock driver's CC API calls."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from zwave_js_server.const import CommandClass

from drivers.base import AutoLock, LockTimeout, PermanentDriverError

Call = Callable[..., Awaitable[Any]]
# Door Lock CC configuration fields a Configuration Set carries (zwave-js's names).
DOOR_LOCK_CONFIG_FIELDS = (
    "operationType",
    "outsideHandlesCanOpenDoorConfiguration",
    "insideHandlesCanOpenDoorConfiguration",
    "lockTimeoutConfiguration",
    "autoRelockTime",
    "holdAndReleaseTime",
    "twistAssist",
    "blockToBlock",
)
MAX_RELOCK_SECONDS = 0xFFFF


async def configure_auto_relock(call: Call, setting: AutoLock) -> AutoLock:
    """The configuration is read, its auto-relock time changed (0 turns auto-relock off) and
    written back whole, then read again: what the lock reports is what it took."""
    current = await call(CommandClass.DOOR_LOCK, "getConfiguration")
    if not isinstance(current, dict):
        raise LockTimeout("the lock did not report its Door Lock configuration")
    seconds = 0
    if setting.enabled:
        seconds = min(MAX_RELOCK_SECONDS, max(1, round(setting.delay_seconds or 1)))
    wanted = {k: v for k, v in current.items() if k in DOOR_LOCK_CONFIG_FIELDS}
    wanted["autoRelockTime"] = seconds
    await call(CommandClass.DOOR_LOCK, "setConfiguration", wanted)
    took = await call(CommandClass.DOOR_LOCK, "getConfiguration")
    relock = took.get("autoRelockTime") if isinstance(took, dict) else None
    if relock != seconds:
        raise PermanentDriverError(
            f"the lock reports an auto-relock time of {relock} s after {seconds} s was set"
        )
    return AutoLock(enabled=seconds > 0, delay_seconds=float(seconds) if seconds else None)
