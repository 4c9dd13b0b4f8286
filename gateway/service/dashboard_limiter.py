"""Login attempts, rate-limited: a few wrong passwords per address per window, and a cap for
every address together (each guess costs 32 MiB of scrypt: the cap also spares the hub).

The daemon keeps the failures in the store (`StoredFailures`), timed by the wall clock, so a
restart (or a crash a guesser provokes) does not hand out a fresh set of guesses. Kept in
memory (`MemoryFailures`, the default) they are timed by any clock of seconds."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from typing import Protocol

from gateway.clock import Clock
from gateway.store import owner as rows
from gateway.store.db import Store

PER_ADDRESS = 5
EVERYONE = 30
WINDOW = 60.0  # seconds
_EVERYONE = "*"


class Failures(Protocol):
    """Where the wrong passwords are counted: per address, and "*" for everyone together."""

    def recent(self, key: str, since: float) -> list[float]:
        """When `key` failed after `since`, oldest first."""
        ...

    def add(self, keys: tuple[str, ...], at: float, forget_before: float) -> None: ...

    def clear(self, key: str) -> None: ...


class MemoryFailures:
    def __init__(self) -> None:
        self.failures: dict[str, deque[float]] = {}

    def recent(self, key: str, since: float) -> list[float]:
        found = self.failures.get(key)
        if found is None:
            return []
        while found and found[0] <= since:
            found.popleft()
        if not found:
            del self.failures[key]
        return list(found)

    def add(self, keys: tuple[str, ...], at: float, forget_before: float) -> None:
        for key in keys:
            self.failures.setdefault(key, deque()).append(at)

    def clear(self, key: str) -> None:
        self.failures.pop(key, None)


class StoredFailures:
    """In the store (one small transaction per wrong password: a guesser held back by the
    limit writes nothing more)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def recent(self, key: str, since: float) -> list[float]:
        return rows.login_failures(self.store.conn, key, since)

    def add(self, keys: tuple[str, ...], at: float, forget_before: float) -> None:
        with self.store.transaction() as conn:
            rows.add_login_failure(conn, keys, at, forget_before)

    def clear(self, key: str) -> None:
        if self.recent(key, 0.0):
            with self.store.transaction() as conn:
                rows.clear_login_failures(conn, key)


class LoginLimiter:
    def __init__(
        self,
        *,
        per_address: int = PER_ADDRESS,
        everyone: int = EVERYONE,
        window: float = WINDOW,
        monotonic: Callable[[], float] = time.monotonic,
        failures: Failures | None = None,
    ) -> None:
        """`monotonic`: the clock the window is measured on, in seconds; failures kept across
        restarts need one that means the same after a restart (`stored`)."""
        self.limits = {_EVERYONE: everyone}
        self.per_address = per_address
        self.window = window
        self.monotonic = monotonic
        self.failures: Failures = failures if failures is not None else MemoryFailures()

    @classmethod
    def stored(cls, store: Store, clock: Clock) -> LoginLimiter:
        """The daemon's limiter: failures in the store, timed by the hub's clock."""
        return cls(monotonic=lambda: clock.now().timestamp(), failures=StoredFailures(store))

    def retry_after(self, address: str) -> float | None:
        """Seconds until `address` may try again; None when it may try now."""
        now = self.monotonic()
        waits = []
        for key in (address, _EVERYONE):
            recent = self.failures.recent(key, now - self.window)
            if len(recent) >= self.limits.get(key, self.per_address):
                waits.append(recent[0] + self.window - now)
        return max(waits) if waits else None

    def failed(self, address: str) -> None:
        now = self.monotonic()
        self.failures.add((address, _EVERYONE), now, now - self.window)

    def succeeded(self, address: str) -> None:
        self.failures.clear(address)
