"""A gateway killed at any radio operation converges after restart: nothing lost, nothing
duplicated, nothing stale (the lock's memory survives the gateway, as real locks' does)."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from drivers.virtual.profiles import PROFILES
from gateway.domain.models import CodeStatus
from gateway.store import access_codes
from tests.support.crashing import CrashingLock, SimulatedCrash
from tests.support.harness import START, Harness

H = timedelta(hours=1)


def _lock() -> CrashingLock:
    return CrashingLock(ref="front", name="Front", capabilities=PROFILES["zwave-30"])


async def _scenario(tmp_path: Path, crash_at: int, after_effect: bool) -> None:
    lock = _lock()
    hub = Harness(tmp_path)
    device_id, _ = hub.add_lock(lock=lock)
    keep = hub.create(device_id, code="4817")
    leaving = hub.create(device_id, code="5920")
    ending = hub.create(device_id, code="6031", starts_at=START, ends_at=START + H)
    await hub.settle(device_id)
    hub.delete(leaving.access_code_id)
    hub.update(keep.access_code_id, code="4818")
    later = hub.create(device_id, code="7142", starts_at=START + H, ends_at=START + 5 * H)
    hub.advance(2 * H)
    lock.crash_at = crash_at
    lock.crash_after_effect = after_effect
    crashed = False
    try:
        await hub.settle(device_id)
    except SimulatedCrash:
        crashed = True
    assert crashed, "the scenario must really crash at that operation"
    clock = hub.clock
    hub.close()

    restarted = Harness(tmp_path, clock=clock)
    restarted.add_lock(lock=lock)
    await restarted.settle(device_id)
    held = lock.codes()
    assert sorted(held.values()) == ["4818", "7142"], f"crash={crashed} lock={held}"
    assert not [pin for pin, n in Counter(held.values()).items() if n > 1]
    for code in (keep, later):
        stored = restarted.code(code.access_code_id)
        assert stored is not None and stored.status is CodeStatus.SET
    assert restarted.code(leaving.access_code_id) is None
    assert restarted.code(ending.access_code_id) is None
    managed = [c for c in access_codes.for_device(restarted.store.conn, device_id) if c.is_managed]
    assert len(managed) == 2
    restarted.close()


@pytest.mark.parametrize("after_effect", [True, False], ids=["after-effect", "before-effect"])
@pytest.mark.parametrize("crash_at", range(1, 9))
async def test_crash_at_any_operation_then_restart_converges(
    tmp_path: Path, crash_at: int, after_effect: bool
) -> None:
    await _scenario(tmp_path, crash_at, after_effect)
