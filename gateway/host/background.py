"""The daemon's background loops (webhook delivery, retention, the clock watch...), each kept
alive until shutdown: one that ends by anything but shutdown is logged with its cause and
started again with backoff, so no loop silently stops."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

RESTART_FIRST, RESTART_MAX = 1.0, 60.0


class Background:
    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False
        self.restarts: dict[str, int] = {}

    def keep(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        self._tasks.append(asyncio.create_task(self._keep(name, run), name=name))

    async def _keep(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        delay = RESTART_FIRST
        loop = asyncio.get_running_loop()
        while not self._closing:
            began = loop.time()
            try:
                await run()
                cause = "it returned"
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                cause = f"{type(exc).__name__}: {exc}"
                log.error("%s failed", name, exc_info=exc)
            if self._closing:
                return
            if loop.time() - began > RESTART_MAX:
                delay = RESTART_FIRST  # it had been running fine: quick restart again
            self.restarts[name] = self.restarts.get(name, 0) + 1
            log.error("%s stopped (%s); restarting in %.0f s", name, cause, delay)
            await asyncio.sleep(delay)
            delay = min(RESTART_MAX, delay * 2)

    async def close(self) -> None:
        """Cancel every loop and wait for each to end (none raises out of here)."""
        self._closing = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
