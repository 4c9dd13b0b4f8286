"""The gateway's reconciler keeping an emulated Nuki lock equal to the declared state, through
the real driver over BLE: windows on the lock, the backup pool, a change made in the Nuki app,
deletion, a dropped link and a restart."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from nukisim.model import valid_keypad_code

from drivers.base import Window
from drivers.nuki.files import LockFiles
from drivers.nuki.frames import Command
from drivers.nuki.lock import NukiLock
from drivers.nuki.pairing import Credentials
from gateway.domain.models import CodeStatus
from gateway.store import pool as pool_store
from tests.support.harness import START, Harness
from tests.support.nuki_ble import LOCK_ADDRESS, Air, nuki_air

H = timedelta(hours=1)


@pytest.fixture
async def air() -> AsyncIterator[Air]:
    async with nuki_air() as air:
        yield air


def _lock(air: Air, credentials: Credentials, data_dir: Path) -> NukiLock:
    return NukiLock(
        credentials,
        "Front door",
        LockFiles.of(data_dir, LOCK_ADDRESS),
        air.radio,
        find_timeout=2.0,
        connect_timeout=2.0,
    )


def _held(air: Air) -> dict[int, Window | None]:
    return {code.code: code.window for code in air.model.codes.values()}


async def _paired_hub(air: Air, tmp_path: Path) -> tuple[Credentials, Harness, str]:
    credentials = await air.pair()
    hub = Harness(tmp_path)
    return credentials, hub, hub.locks.add(_lock(air, credentials, tmp_path)).device_id


async def test_the_reconciler_keeps_a_nuki_lock_equal_to_the_declared_codes(
    air: Air, tmp_path: Path
) -> None:
    credentials, hub, device_id = await _paired_hub(air, tmp_path)
    cleaner = hub.create(device_id, code="716253", name="Cleaner")
    stay = hub.create(
        device_id,
        code="583914",
        name="Guest Anna",
        starts_at=START + 2 * H,
        ends_at=START + 26 * H,
        use_backup_access_code_pool=True,
    )
    connects = air.lock.connects
    reconciler = hub.reconciler(device_id)
    passes = reconciler.passes
    await hub.settle(device_id)

    held = _held(air)
    assert held[716253] is None
    assert held[583914] == Window(START + 2 * H, START + 26 * H), "the lock keeps the window"
    assert len(held) == 2 + 5, "and the five backup codes"
    assert pool_store.ready(hub.store.conn, device_id) == 5
    assert all(valid_keypad_code(pin) for pin in held), "6 digits of 1-9, not starting 12"
    assert air.lock.connects - connects <= reconciler.passes - passes, "one link per pass"
    ahead = hub.code(stay.access_code_id)
    assert ahead is not None and ahead.status is CodeStatus.UNSET and ahead.is_scheduled_on_device
    assert hub.code(cleaner.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    assert not air.model.keypad_enter(583914, START + H)
    assert air.model.keypad_enter(583914, START + 3 * H)

    # Someone deletes the cleaner's code in the Nuki app; the periodic check puts it back.
    (app_removed,) = [i for i, c in air.model.codes.items() if c.code == 716253]
    del air.model.codes[app_removed]
    hub.advance(7 * H)
    await hub.settle(device_id)
    assert 716253 in _held(air)
    assert hub.code(stay.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]

    hub.delete(stay.access_code_id)
    await hub.settle(device_id)
    assert 583914 not in _held(air)
    assert hub.code(stay.access_code_id) is None
    before_restart = _held(air)
    hub.close()

    # A restart (new process: new store connection, new driver) finds everything in place.
    again = Harness(tmp_path, clock=hub.clock)
    device_id = again.locks.add(_lock(air, credentials, tmp_path)).device_id
    writes = air.model.received.get(Command.ADD_KEYPAD_CODE, 0)
    await again.settle(device_id)
    assert _held(air) == before_restart
    assert air.model.received.get(Command.ADD_KEYPAD_CODE, 0) == writes, "nothing re-sent"
    assert again.code(cleaner.access_code_id).status is CodeStatus.SET  # type: ignore[union-attr]
    again.close()


async def test_a_link_dropped_in_the_middle_of_an_add_converges_with_each_code_once(
    air: Air, tmp_path: Path
) -> None:
    _, hub, device_id = await _paired_hub(air, tmp_path)
    pins = ["583914", "716253", "829374", "937485"]
    codes = [hub.create(device_id, code=pin) for pin in pins]
    air.model.faults.drop_link_on.add(Command.ADD_KEYPAD_CODE)
    first = await hub.reconciler(device_id).reconcile_once()
    assert first.failed, "the dropped link fails the pass (and it is retried)"
    await hub.settle(device_id)
    assert Counter(c.code for c in air.model.codes.values()) == Counter(int(p) for p in pins)
    for code in codes:
        stored = hub.code(code.access_code_id)
        assert stored is not None and stored.status is CodeStatus.SET and not stored.errors
    hub.close()
