"""A lock's next boundary is armed in the time the engine plans with, never in wall time."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from gateway.clock import ManualClock
from gateway.engine.schedule import Boundaries

T0 = datetime(2021, 3, 1, 9, tzinfo=UTC)  # far from the wall clock of the machine


async def test_a_boundary_an_hour_ahead_of_the_engines_clock_fires_in_an_hour() -> None:
    boundaries = Boundaries(lambda device_id: None, ManualClock(T0))
    boundaries.start()
    boundaries.schedule("door", T0 + timedelta(hours=1))
    pending = boundaries.pending("door")
    assert pending is not None and 3599 < pending <= 3600
    boundaries.stop()
    assert boundaries.pending("door") is None


async def test_a_boundary_already_due_wakes_its_lock_at_once() -> None:
    woken: asyncio.Queue[str] = asyncio.Queue()
    boundaries = Boundaries(woken.put_nowait, ManualClock(T0))
    boundaries.start()
    boundaries.schedule("door", T0 - timedelta(seconds=1))
    assert await asyncio.wait_for(woken.get(), 5) == "door"
    assert boundaries.pending("door") is None


async def test_a_new_boundary_replaces_the_earlier_one_and_none_clears_it() -> None:
    boundaries = Boundaries(lambda device_id: None, ManualClock(T0))
    boundaries.start()
    boundaries.schedule("door", T0 + timedelta(hours=5))
    boundaries.schedule("door", T0 + timedelta(minutes=10))
    pending = boundaries.pending("door")
    assert pending is not None and pending <= 600
    boundaries.schedule("door", None)
    assert boundaries.pending("door") is None
