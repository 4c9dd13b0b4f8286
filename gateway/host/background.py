"""The daemon's background loops (webhook delivery, retention, the clock watch...), each kept
alive until shutdown: one that ends by anything but shutdown is logged with its cause and
started again with backoff, so no loop silently stops."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)

RESTART_FIRST, RESTART_MAX = 1.0, 60.0
# A task that ran this long before it ended was healthy: its next restart is quick again.
HEALTHY_RUN = 60.0


async def keep_running(
    name: str,
    run: Callable[[], Awaitable[None]],
    *,
    stopping: Callable[[], bool],
    restart_on_return: bool = True,
    restarted: Callable[[], None] = lambda: None,
    monotonic: Callable[[], float] = time.monotonic,
) -> None:
    """Run `run` until `stopping()`; whenever it ends by anything else (an exception, a return,
    a cancellation that came from inside it, e.g. a dropped connection cancelling the command
    it awaited), log the cause, wait (1 s doubling to 60 s) and run it again, then call
    `restarted`. Only this task's own cancellation ends it."""
    delay = RESTART_FIRST
    while not stopping():
        began = monotonic()
        try:
            await run()
            if stopping() or not restart_on_return:
                return
            cause = "it returned"
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if stopping() or (task is not None and task.cancelling()):
                raise
            cause = "it was cancelled from inside (a connection dropped mid-operation?)"
        except Exception as exc:
            cause = f"{type(exc).__name__}: {exc}"
            log.error("%s failed", name, exc_info=exc)
        if monotonic() - began > HEALTHY_RUN:
            delay = RESTART_FIRST
        log.error("%s stopped (%s); restarting in %.0f s", name, cause, delay)
        await asyncio.sleep(delay)
        delay = min(RESTART_MAX, delay * 2)
        restarted()


class Background:
    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[None]] = []
        self._closing = False

    def keep(self, name: str, run: Callable[[], Awaitable[None]]) -> None:
        loop = keep_running(name, run, stopping=lambda: self._closing)
        self._tasks.append(asyncio.create_task(loop, name=name))

    async def close(self) -> None:
        """Cancel every loop and wait for each to end (none raises out of here)."""
        self._closing = True
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
