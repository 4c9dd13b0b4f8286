"""A clock that never goes backwards and knows when it cannot be trusted.

A Pi has no real-time clock: it boots with the time it last saved (or 1970) and jumps when NTP
syncs. Trusting such a clock would re-program an expired guest code, or delete a valid one. So:
- the last trusted time is persisted; after a restart the clock never reads earlier than it;
- while the wall clock is behind the trusted time (it went backwards, or has not synced yet),
  time is the trusted time advanced by the monotonic clock;
- whether the kernel considers the clock synchronised (adjtimex) is exposed, so the hub can
  warn its owner.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from gateway.store.db import Store
from gateway.timefmt import parse_iso, to_iso

TOLERANCE = timedelta(seconds=2)
_TIME_ERROR = 5  # adjtimex(): "clock not synchronised"


def kernel_clock_synchronised() -> bool | None:
    """True/False from adjtimex(2) on Linux; None where that cannot be asked."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        buffer = ctypes.create_string_buffer(512)  # struct timex, zeroed: modes = 0 (read only)
        state = libc.adjtimex(buffer)
    except (OSError, AttributeError):
        return None
    if state < 0:
        return None
    return bool(state != _TIME_ERROR)


class TrustedClock:
    def __init__(
        self,
        store: Store,
        wall: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
        synchronised: Callable[[], bool | None] = kernel_clock_synchronised,
    ) -> None:
        self._store = store
        self._wall = wall
        self._monotonic = monotonic
        self._synchronised = synchronised
        saved = store.get_meta("last_trusted_time")
        floor = parse_iso(saved) if saved else datetime(1970, 1, 1, tzinfo=UTC)
        self._anchor = (floor, monotonic())
        self.behind = False

    def now(self) -> datetime:
        wall = self._wall()
        anchor_time, anchor_mono = self._anchor
        trusted = anchor_time + timedelta(seconds=self._monotonic() - anchor_mono)
        if wall + TOLERANCE >= trusted:
            self._anchor = (wall, self._monotonic())
            self.behind = False
            return wall
        self.behind = True
        return trusted

    def trusted(self) -> bool:
        """Whether the wall clock can be believed right now."""
        return not self.behind and self._synchronised() is not False

    def save(self) -> None:
        """Persist the current time as trusted (called periodically and at shutdown)."""
        moment = self.now()
        with self._store.transaction() as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('last_trusted_time', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (to_iso(moment),),
            )
