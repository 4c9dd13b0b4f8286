"""Keeping the trusted time saved, and telling the owner when the hub's clock is not trusted."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace

from gateway.domain.issues import has, with_issue, without
from gateway.store import devices
from gateway.store.db import Store
from gateway.trusted_clock import TrustedClock

log = logging.getLogger(__name__)

CLOCK_WARNING = "provider_issue"
CLOCK_MESSAGE = (
    "The hub's clock is not synchronised (no NTP yet, or it went backwards): time-bound codes "
    "follow the last trusted time until it is"
)
SAVE_EVERY = 60.0


def mark_clock(store: Store, clock: TrustedClock) -> bool:
    """Raise or clear the clock warning on every device; returns whether the clock is trusted."""
    trusted = clock.trusted()
    now = clock.now()
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
    return trusted


async def watch_clock(store: Store, clock: TrustedClock, every: float = SAVE_EVERY) -> None:
    was_trusted: bool | None = None
    while True:
        clock.save()
        trusted = mark_clock(store, clock)
        if trusted != was_trusted:
            log.log(logging.INFO if trusted else logging.WARNING,
                    "hub clock %s", "trusted" if trusted else "NOT synchronised")  # fmt: skip
            was_trusted = trusted
        await asyncio.sleep(every)
