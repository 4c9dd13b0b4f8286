"""Waking reconcilers at schedule boundaries (starts_at, ends_at, retries).

Nothing about "when" lives only here: each reconciler pass computes its lock's next boundary
from the store and hands it over, so the schedule is rebuilt by the first pass after start-up,
and anything that fell due while the daemon was down is done by that pass at once.

A boundary is armed as a delay on the event loop's monotonic clock, counted from the clock the
engine plans with (the trusted clock): a wall clock that jumps cannot fire it early, and when
the trusted time itself moves against the monotonic clock the clock watcher wakes every lock,
whose next pass re-arms its boundary.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from gateway.clock import Clock, SystemClock


class Boundaries:
    def __init__(self, wake: Callable[[str], None], clock: Clock | None = None) -> None:
        self._wake = wake
        self.clock: Clock = clock or SystemClock()
        self._timers: dict[str, asyncio.TimerHandle] = {}
        self._stopped = True  # nothing is armed before start()

    def start(self) -> None:
        self._stopped = False

    def stop(self) -> None:
        self._stopped = True
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()

    def schedule(self, device_id: str, when: datetime | None) -> None:
        """Wake `device_id` at `when` (in the engine's clock), replacing its earlier boundary."""
        earlier = self._timers.pop(device_id, None)
        if earlier is not None:
            earlier.cancel()
        if when is None or self._stopped:
            return
        delay = max(0.0, (when - self.clock.now()).total_seconds())
        loop = asyncio.get_running_loop()
        self._timers[device_id] = loop.call_later(delay, self._fire, device_id)

    def pending(self, device_id: str) -> float | None:
        """Seconds until `device_id`'s boundary on the monotonic clock (None: none armed)."""
        timer = self._timers.get(device_id)
        if timer is None:
            return None
        return max(0.0, timer.when() - asyncio.get_running_loop().time())

    def _fire(self, device_id: str) -> None:
        self._timers.pop(device_id, None)
        self._wake(device_id)
