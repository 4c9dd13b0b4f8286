"""Login attempts, rate-limited: a few wrong passwords per address per window, and a cap for
every address together (each guess costs 32 MiB of scrypt: the cap also spares the hub)."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

PER_ADDRESS = 5
EVERYONE = 30
WINDOW = 60.0  # seconds
_EVERYONE = "*"


class LoginLimiter:
    def __init__(
        self,
        *,
        per_address: int = PER_ADDRESS,
        everyone: int = EVERYONE,
        window: float = WINDOW,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limits = {_EVERYONE: everyone}
        self.per_address = per_address
        self.window = window
        self.monotonic = monotonic
        self.failures: dict[str, deque[float]] = {}

    def _recent(self, key: str) -> deque[float]:
        now = self.monotonic()
        found = self.failures.get(key)
        if found is None:
            return deque()
        while found and found[0] <= now - self.window:
            found.popleft()
        if not found:
            del self.failures[key]
        return found

    def retry_after(self, address: str) -> float | None:
        """Seconds until `address` may try again; None when it may try now."""
        waits = []
        for key in (address, _EVERYONE):
            recent = self._recent(key)
            if len(recent) >= self.limits.get(key, self.per_address):
                waits.append(recent[0] + self.window - self.monotonic())
        return max(waits) if waits else None

    def failed(self, address: str) -> None:
        now = self.monotonic()
        for key in (address, _EVERYONE):
            self.failures.setdefault(key, deque()).append(now)

    def succeeded(self, address: str) -> None:
        self.failures.pop(address, None)
