"""The daemon side: a LockDriver whose lock lives in the virtual-lock server process."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import aiohttp

from drivers import base
from drivers.base import (
    Capabilities,
    LockDriver,
    LockEvent,
    LockInfo,
    LockOffline,
    LockState,
    SlotReading,
    Window,
)
from drivers.checksum import user_code_checksum
from drivers.remote.wire import reading_from_json, window_to_json

_ERRORS: dict[str, type[base.DriverError]] = {
    cls.__name__: cls
    for cls in (
        base.LockOffline,
        base.LockTimeout,
        base.DuplicateCode,
        base.NoSpace,
        base.InvalidCode,
        base.PermanentDriverError,
        base.TransientDriverError,
    )
}


class RemoteLock(LockDriver):
    def __init__(
        self, session: aiohttp.ClientSession, url: str, ref: str, name: str, caps: Capabilities
    ) -> None:
        self._session = session
        self._url = f"{url}/locks/{ref}/op"
        # The lock server's protocol has no auto-lock operation: not offered through it.
        caps = dataclasses.replace(caps, can_configure_auto_lock=False)
        self._info = LockInfo(driver="virtual", ref=ref, name=name, capabilities=caps)
        self._closed = asyncio.Event()

    @classmethod
    async def discover(cls, session: aiohttp.ClientSession, url: str) -> list[RemoteLock]:
        async with session.get(f"{url}/locks") as response:
            listed = await response.json()
        return [
            cls(
                session,
                url,
                item["ref"],
                item["name"],
                Capabilities.from_dict(item["capabilities"]),
            )
            for item in listed
        ]

    @property
    def info(self) -> LockInfo:
        return self._info

    async def _op(self, op: str, **body: Any) -> Any:
        try:
            async with self._session.post(f"{self._url}/{op}", json=body) as response:
                reply = await response.json()
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise LockOffline(f"virtual lock server unreachable: {exc}") from None
        if not reply["ok"]:
            raise _ERRORS.get(reply["error"], base.DriverError)(reply["message"])
        return reply["result"]

    async def state(self) -> LockState:
        data = await self._op("state")
        return LockState(
            online=data["online"], locked=data["locked"], battery_level=data["battery"]
        )

    async def read_slots(self) -> list[SlotReading]:
        return [reading_from_json(r) for r in await self._op("read_slots")]

    async def read_slot(self, slot: int) -> SlotReading:
        return reading_from_json(await self._op("read_slot", slot=slot))

    async def write_slot(
        self, slot: int, code: str, name: str | None, window: Window | None = None
    ) -> None:
        await self._op("write_slot", slot=slot, code=code, name=name, window=window_to_json(window))

    async def clear_slot(self, slot: int) -> None:
        await self._op("clear_slot", slot=slot)

    async def checksum(self) -> int | None:
        result = await self._op("checksum")
        return None if result is None else int(result)

    def expected_checksum(self, codes: dict[int, str]) -> int | None:
        return user_code_checksum(codes) if self._info.capabilities.has_checksum else None

    async def set_locked(self, locked: bool) -> None:
        await self._op("set_locked", locked=locked)

    async def events(self) -> AsyncIterator[LockEvent]:
        await self._closed.wait()
        return
        yield  # an async generator with no events (the crash tests need none)

    async def close(self) -> None:
        self._closed.set()
