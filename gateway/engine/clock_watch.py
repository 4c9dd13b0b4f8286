"""Watching the hub's clock: every lock re-plans when time moves against the monotonic clock,
the trusted time is kept saved, and the owner is told when the clock is not trusted.

Boundaries are armed on the monotonic clock, so a clock step is noticed here: a look every
second compares how far the wall clock and the trusted time moved with how far the monotonic
clock did (cheap: the clocks and one adjtimex query; the store only when something changed).
"""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime

from gateway.clock.trusted import ClockSample, TrustedClock
from gateway.domain.issues import has, with_issue, without
from gateway.store import devices
from gateway.store.db import Store

log = logging.getLogger(__name__)

CLOCK_WARNING = "provider_issue"
CLOCK_MESSAGE = (
    "The hub's clock is not synchronised (no NTP yet, or it jumped): time-bound codes "
    "follow the last trusted time until it is"
)
SAVE_EVERY = 60.0
LOOK_EVERY = 1.0
MOVED_BY = 1.0  # seconds a clock may gain or lose on the monotonic clock between two looks


def moved(before: ClockSample, after: ClockSample, tolerance: float = MOVED_BY) -> bool:
    """Whether the wall clock or the trusted time moved against the monotonic clock."""
    elapsed = after.mono - before.mono
    return any(
        abs((later - earlier).total_seconds() - elapsed) > tolerance
        for earlier, later in ((before.wall, after.wall), (before.now, after.now))
    )


def mark_clock(store: Store, trusted: bool, now: datetime) -> None:
    """Raise or clear the clock warning on every device."""
    with store.transaction() as conn:
        for device in devices.all_devices(conn):
            flagged = has(device.warnings, CLOCK_WARNING)
            if trusted and flagged:
                devices.save(
                    conn, replace(device, warnings=without(device.warnings, CLOCK_WARNING))
                )
            elif not trusted and not flagged:
                warnings = with_issue(device.warnings, CLOCK_WARNING, CLOCK_MESSAGE, now)
                devices.save(conn, replace(device, warnings=warnings))


async def watch_clock(
    store: Store,
    clock: TrustedClock,
    wake_all: Callable[[], None] = lambda: None,
    *,
    look_every: float = LOOK_EVERY,
    save_every: float = SAVE_EVERY,
) -> None:
    was_trusted: bool | None = None
    before = clock.sample()
    saved_at: float | None = None
    while True:
        after = clock.sample()
        if moved(before, after):
            log.info("hub clock moved against the monotonic clock: every lock re-plans")
            wake_all()
        before = after
        trusted = clock.trusted()
        if trusted != was_trusted or saved_at is None or after.mono - saved_at >= save_every:
            saved_at = after.mono
            if _save(store, clock, trusted, after.now) and trusted != was_trusted:
                log.log(
                    logging.INFO if trusted else logging.WARNING,
                    "hub clock %s",
                    "trusted" if trusted else "NOT synchronised",
                )
                was_trusted = trusted
        await asyncio.sleep(look_every)


def _save(store: Store, clock: TrustedClock, trusted: bool, now: datetime) -> bool:
    """Save the trusted time and the clock warning; False when the store failed (a full disk,
    another process's write lock): tried again at the next save, the watch goes on."""
    try:
        clock.save()
        mark_clock(store, trusted, now)
    except sqlite3.Error as exc:
        log.warning("saving the trusted time failed (%s); retrying later", exc)
        return False
    return True
