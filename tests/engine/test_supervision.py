"""A reconciler that dies is restarted, with the cause in the log; nothing waits on it forever."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from drivers.base import SlotReading
from drivers.virtual import Faults, VirtualLock
from drivers.virtual.profiles import PROFILES
from tests.support.harness import Harness


class BuggyOnce(VirtualLock):
    """A driver whose first full read fails with an error nobody planned for (a bug)."""

    failures_left = 1

    async def read_slots(self) -> list[SlotReading]:
        if self.failures_left:
            self.failures_left -= 1
            raise RuntimeError("driver bug: unexpected frame")
        return await super().read_slots()


async def _until(probe: object, seconds: float = 10.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not probe():  # type: ignore[operator]
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.02)


async def test_a_reconciler_that_dies_is_restarted_and_programs_its_codes(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    hub = Harness(tmp_path)
    lock = BuggyOnce(ref="porch", name="Porch", capabilities=PROFILES["zwave-30"], faults=Faults())
    device_id, _ = hub.add_lock(lock=lock)
    code = hub.create(device_id, code="3817", name="Cleaner")
    with caplog.at_level(logging.ERROR):
        hub.locks.start()
        try:
            await _until(lambda: "3817" in lock.codes().values())
            await _until(lambda: (c := hub.code(code.access_code_id)) and c.status == "set")
        finally:
            await hub.locks.close()
    assert hub.locks.supervisor.restarts[device_id] == 1
    assert any(
        "driver bug" in r.getMessage() and r.levelno == logging.ERROR for r in caplog.records
    )
