"""Waiting for an outcome without sleeping blindly: poll with a deadline."""

from __future__ import annotations

import time
from collections.abc import Callable


def eventually[T](probe: Callable[[], T], *, timeout: float = 15.0, interval: float = 0.02) -> T:
    """Call `probe` until it returns something truthy; fail with the last value at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s (last: {value!r})")
        time.sleep(interval)
