"""Start-up: a hub's locks take their first look a few at a time (engine.locks:
FIRST_PASSES_AT_ONCE), so every lock's slots and codes are not all held in memory together,
and every lock still converges; a lock that does not answer does not keep the others waiting
beyond its own first pass."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from drivers.virtual import Faults, make_lock
from gateway.engine.locks import FIRST_PASSES_AT_ONCE
from tests.support.harness import Harness

LOCKS = FIRST_PASSES_AT_ONCE + 4


async def _until(probe: Callable[[], bool], seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not probe():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_a_few_locks_take_their_first_look_at_once_and_every_lock_gets_its_code(
    tmp_path: Path,
) -> None:
    hub = Harness(tmp_path)
    looking = 0
    most_at_once = 0
    codes = {}
    for n in range(LOCKS):
        faults = Faults(delay=0.02, offline=n == 0)  # the first lock never answers
        lock = make_lock("zwave-30", f"lock-{n}", f"Lock {n}", faults)
        device_id, _ = hub.add_lock(lock=lock)
        state = lock.state

        async def counted(state=state):  # type: ignore[no-untyped-def]
            nonlocal looking, most_at_once
            looking += 1
            most_at_once = max(most_at_once, looking)
            try:
                return await state()
            finally:
                looking -= 1

        lock.state = counted  # type: ignore[method-assign]
        codes[device_id] = (lock, hub.create(device_id, code=f"{4100 + n}", name=f"Guest {n}"))
    hub.locks.start()
    try:
        await _until(
            lambda: all(
                f"{4100 + n}" in lock.codes().values()
                for n, (lock, _) in enumerate(codes.values())
                if n > 0
            )
        )
    finally:
        await hub.locks.close()
        hub.close()
    assert most_at_once == FIRST_PASSES_AT_ONCE
