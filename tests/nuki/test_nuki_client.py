"""Our bleak-based Nuki client against the bumble-hosted emulator: pairing, keypad codes with
windows, the lock's refusals and link faults, at the usual MTU and at BLE's default of 23."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from bleak.backends.device import BLEDevice

from drivers.base import DuplicateCode, InvalidCode, LockOffline, LockTimeout, Window
from drivers.nuki.client import session
from drivers.nuki.frames import Command
from drivers.nuki.messages import KeypadCode
from drivers.nuki.pairing import PairingRefused
from tests.support.nuki_ble import LOCK_ADDRESS, nuki_air

DEVICE = BLEDevice(LOCK_ADDRESS, "Nuki_1A2B3C4D", None)
STAY = Window(datetime(2026, 12, 1, 15, 0, tzinfo=UTC), datetime(2026, 12, 4, 10, 0, tzinfo=UTC))


@pytest.mark.parametrize("mtu", [517, 23])
async def test_pair_then_add_list_update_and_remove_codes_with_windows(mtu: int) -> None:
    async with nuki_air(mtu=mtu) as air:
        credentials = await air.pair()
        assert bytes.fromhex(credentials.auth_id) in air.model.authorizations
        async with session(DEVICE, credentials, air.backend) as link:
            code_id = await link.add_code(583914, "Guest Anna", STAY)
            plain_id = await link.add_code(716253, "Cleaner", None)
            listed = {c.code_id: c for c in await link.list_codes()}
            assert listed[code_id] == KeypadCode(code_id, 583914, "Guest Anna", True, STAY)
            assert listed[plain_id].window is None

            longer = Window(STAY.starts_at, STAY.ends_at + timedelta(days=2))
            await link.update_code(KeypadCode(code_id, 583915, "Guest Anna", True, longer))
            await link.remove_code(plain_id)
            assert await link.list_codes() == [
                KeypadCode(code_id, 583915, "Guest Anna", True, longer)
            ]
        assert air.model.keypad_enter(583915, STAY.starts_at + timedelta(hours=1))
        assert not air.model.keypad_enter(583915, STAY.starts_at - timedelta(hours=1))
        assert air.lock.connects == 2, "one BLE connection for pairing, one for the batch"


async def test_a_lock_out_of_pairing_mode_refuses_to_pair() -> None:
    async with nuki_air() as air:
        air.model.faults.refuse_pairing = True
        with pytest.raises(PairingRefused, match="pairing mode"):
            await air.pair()
        assert not air.model.authorizations


async def test_duplicate_and_invalid_codes_are_permanent_refusals() -> None:
    async with nuki_air() as air:
        credentials = await air.pair()
        async with session(DEVICE, credentials, air.backend) as link:
            await link.add_code(583914, "First", None)
            with pytest.raises(DuplicateCode):
                await link.add_code(583914, "Second", None)
            with pytest.raises(InvalidCode):
                await link.add_code(123456, "Starts with 12", None)
            with pytest.raises(InvalidCode):
                await link.add_code(503914, "Has a zero", None)
            assert [c.name for c in await link.list_codes()] == ["First"]


async def test_a_busy_lock_and_a_dropped_link_are_transient_and_the_next_session_works() -> None:
    async with nuki_air() as air:
        credentials = await air.pair()
        air.model.faults.busy = 1
        async with session(DEVICE, credentials, air.backend) as link:
            with pytest.raises(LockTimeout):
                await link.add_code(583914, "Busy", None)
        air.model.faults.drop_link_on.add(Command.ADD_KEYPAD_CODE)
        with pytest.raises(LockOffline):
            async with session(DEVICE, credentials, air.backend) as link:
                await link.add_code(583914, "Dropped", None)
        assert not air.model.codes
        async with session(DEVICE, credentials, air.backend) as link:
            await link.add_code(583914, "Retried", None)
            assert [c.name for c in await link.list_codes()] == ["Retried"]


async def test_an_out_of_range_lock_is_offline_not_an_error_of_the_code() -> None:
    async with nuki_air() as air:
        credentials = await air.pair()
        await air.lock.out_of_range(True)
        with pytest.raises(LockOffline):
            async with session(
                DEVICE, credentials, air.backend, max_attempts=1, connect_timeout=2.0
            ) as link:
                await link.list_codes()
