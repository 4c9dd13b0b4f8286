"""The Nuki driver as the gateway sees it: numbered slots over the lock's own code ids, kept
across restarts, one BLE connection per batch, and the lock's windows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drivers.base import DuplicateCode, LockOffline, SlotReading, Window
from drivers.nuki.files import LockFiles
from drivers.nuki.frames import Command
from drivers.nuki.lock import NukiLock
from drivers.nuki.messages import KeypadCode
from drivers.nuki.pairing import Credentials
from drivers.nuki.slot_map import SlotMap
from tests.support.nuki_ble import LOCK_ADDRESS, Air, nuki_air

STAY = Window(
    datetime(2026, 12, 1, 15, 0, 0, 250_000, tzinfo=UTC),
    datetime(2026, 12, 4, 10, 0, 0, 750_000, tzinfo=UTC),
)


@pytest.fixture
async def air() -> AsyncIterator[Air]:
    async with nuki_air() as air:
        yield air


@pytest.fixture
async def credentials(air: Air) -> Credentials:
    return await air.pair()


def _driver(air: Air, credentials: Credentials, data_dir: Path) -> NukiLock:
    files = LockFiles.of(data_dir, LOCK_ADDRESS)
    return NukiLock(
        credentials, "Front door", files, air.radio, find_timeout=2.0, connect_timeout=2.0
    )


def _occupied(readings: list[SlotReading]) -> dict[int, str | None]:
    return {r.slot: r.code for r in readings if r.occupied}


async def test_codes_keep_their_slots_across_a_restart_and_a_batch_is_one_connection(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    lock = _driver(air, credentials, tmp_path)
    before = air.lock.connects
    async with lock.batch():
        await lock.write_slot(3, "583914", "Guest Anna", STAY)
        await lock.write_slot(1, "716253", "Cleaner")
        assert (await lock.read_slot(3)).window == STAY, "the declared window reads back"
        await lock.write_slot(2, "829374", "Owner")
        await lock.clear_slot(1)
    assert air.lock.connects - before == 1, "one BLE connection for the whole batch"
    anna = next(c for c in air.model.codes.values() if c.code == 583914)
    assert anna.window is not None and anna.window.starts_at == datetime(
        2026, 12, 1, 15, 0, 1, tzinfo=UTC
    ), "the lock keeps whole seconds, rounded inwards"
    assert air.model.keypad_enter(583914, STAY.starts_at + timedelta(hours=1))
    assert not air.model.keypad_enter(583914, STAY.ends_at)

    restarted = _driver(air, credentials, tmp_path)
    readings = await restarted.read_slots()
    assert _occupied(readings) == {2: "829374", 3: "583914"}
    assert readings[2].name == "Guest Anna"
    assert air.model.clock_set_to is not None, "the lock's clock was set"


async def test_a_code_added_in_the_nuki_app_shows_in_a_free_slot_and_is_never_overwritten(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    lock = _driver(air, credentials, tmp_path)
    await lock.write_slot(1, "583914", "Guest")
    air.model.codes[99] = KeypadCode(99, 917263, "Added in the app", True, None)
    async with lock.batch():
        # The caller still believes slot 2 free: the app's code moves aside, nothing is lost.
        await lock.write_slot(2, "716253", "Cleaner")
        readings = await lock.read_slots()
    assert _occupied(readings) == {1: "583914", 2: "716253", 3: "917263"}
    assert sorted(c.code for c in air.model.codes.values()) == [583914, 716253, 917263]


async def test_a_code_the_lock_took_just_before_a_crash_returns_to_its_slot(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    # The add was in flight (recorded as pending) when the hub died; the lock had taken it.
    files = LockFiles.of(tmp_path, LOCK_ADDRESS)
    files.save_slot_map(SlotMap(salt="a1b2").adding(7, 583914))
    air.model.codes[1] = KeypadCode(1, 716253, "From the app", True, None)
    air.model.codes[2] = KeypadCode(2, 583914, "Guest", True, None)
    lock = _driver(air, credentials, tmp_path)
    assert _occupied(await lock.read_slots()) == {1: "716253", 7: "583914"}
    assert "583914" not in (tmp_path / "nuki").joinpath(files.folder.name, "slots.json").read_text()


async def test_a_refused_duplicate_leaves_the_slot_empty_and_a_dropped_link_loses_nothing(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    lock = _driver(air, credentials, tmp_path)
    await lock.write_slot(1, "583914", "Guest")
    with pytest.raises(DuplicateCode):
        await lock.write_slot(2, "583914", "Again")
    assert not (await lock.read_slot(2)).occupied

    air.model.faults.drop_link_on.add(Command.ADD_KEYPAD_CODE)
    with pytest.raises(LockOffline):
        async with lock.batch():
            await lock.write_slot(2, "716253", "Cleaner")
    async with lock.batch():
        await lock.write_slot(2, "716253", "Cleaner")
        assert _occupied(await lock.read_slots()) == {1: "583914", 2: "716253"}


async def test_a_lock_out_of_range_is_offline(
    air: Air, credentials: Credentials, tmp_path: Path
) -> None:
    lock = _driver(air, credentials, tmp_path)
    await air.lock.out_of_range(True)
    with pytest.raises(LockOffline):
        await lock.read_slots()
