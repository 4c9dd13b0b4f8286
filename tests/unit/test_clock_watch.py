"""Every lock re-plans when the hub's time moves against the monotonic clock, and only then."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from gateway.clock.trusted import HOLD, ClockSample, TrustedClock
from gateway.engine.clock_watch import moved, watch_clock
from gateway.store.db import Store

T0 = datetime(2026, 7, 1, 12, tzinfo=UTC)


def _sample(mono: float, wall_off: float = 0.0, now_off: float = 0.0) -> ClockSample:
    return ClockSample(
        wall=T0 + timedelta(seconds=mono + wall_off),
        mono=mono,
        now=T0 + timedelta(seconds=mono + now_off),
    )


CASES = {
    "both clocks in step with the monotonic one": (_sample(1.0), False),
    "a little NTP slewing": (_sample(1.0, wall_off=0.3, now_off=0.3), False),
    "the wall clock stepped ahead (not believed)": (_sample(1.0, wall_off=7200), True),
    "the wall clock stepped back": (_sample(1.0, wall_off=-60, now_off=0), True),
    "the trusted time moved (a held jump believed)": (_sample(1.0, now_off=1800), True),
}


@pytest.mark.parametrize(("after", "expected"), CASES.values(), ids=CASES.keys())
def test_a_step_of_either_clock_is_noticed(after: ClockSample, expected: bool) -> None:
    assert moved(_sample(0.0), after) is expected


class Sources:
    def __init__(self) -> None:
        self.wall = T0
        self.mono = 50.0

    def tick(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


async def test_a_wall_clock_jump_wakes_every_lock_and_so_does_believing_it(
    tmp_path: Path,
) -> None:
    src = Sources()
    store = Store(tmp_path)
    clock = TrustedClock(
        store, wall=lambda: src.wall, monotonic=lambda: src.mono, synchronised=lambda: None
    )
    woken = asyncio.Event()
    watcher = asyncio.create_task(watch_clock(store, clock, woken.set, look_every=0.001))
    await asyncio.sleep(0)  # one turn of the loop: the watcher has had its first looks
    assert not woken.is_set()

    src.wall += timedelta(hours=2)
    await asyncio.wait_for(woken.wait(), 5)
    assert clock.now() == T0  # noticed, not believed
    woken.clear()

    src.tick(HOLD.total_seconds())  # the jump held steady: believed, the time moves
    await asyncio.wait_for(woken.wait(), 5)
    assert clock.now() == T0 + timedelta(hours=2) + HOLD
    watcher.cancel()
    store.close()
