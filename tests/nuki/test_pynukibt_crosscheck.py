"""An independent client checks the emulator: the unmodified pyNukiBT pairs with it over bleak
and its encrypted frames decode, so the emulator is not only checked against our own driver."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import bleak
import nacl.public
import pytest
from bleak.backends.device import BLEDevice
from pyNukiBT import NukiDevice

from drivers.base import Window
from tests.support.nuki_ble import LOCK_ADDRESS, SECURITY_PIN, nuki_air

WEEKDAYS = {
    "monday": 1,
    "tuesday": 1,
    "wednesday": 1,
    "thursday": 1,
    "friday": 1,
    "saturday": 1,
    "sunday": 1,
}


@pytest.fixture
def platform_backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[type]]:
    """pyNukiBT builds its BleakClient without a backend: bleak's platform lookup returns ours."""
    chosen: list[type] = []
    monkeypatch.setattr(bleak, "get_platform_client_backend_type", lambda: (chosen[0], "bumble"))
    yield chosen


async def test_pynukibt_pairs_with_the_emulator_and_its_commands_are_understood(
    platform_backend: list[type],
) -> None:
    async with nuki_air() as air:
        platform_backend.append(air.backend)
        keys = nacl.public.PrivateKey.generate()
        client = NukiDevice(
            LOCK_ADDRESS,
            None,
            None,
            bytes(keys.public_key),
            bytes(keys),
            app_id=0x5A5A5A5A,
            name="pyNukiBT cross-check",
            ble_device=BLEDevice(LOCK_ADDRESS, "Nuki", None),
        )
        await client.connect()
        paired = await client.pair()
        assert paired["nuki_public_key"] == air.model.public_key
        assert paired["auth_id"] in air.model.authorizations

        assert await client.verify_security_pin(SECURITY_PIN) is True
        assert await client.verify_security_pin(SECURITY_PIN + 1) is False
        await client.update_state()
        assert client.keyturner_state["lock_state"] == "LOCKED"
        await client.lock()
        assert air.model.lock_state == 0x01
        await client.unlock()
        assert air.model.lock_state == 0x03

        # A keypad code with a window, framed by pyNukiBT's own encoder, as the emulator reads it.
        challenge = await client._send_encrypted_command(
            client._const.NukiCommand.REQUEST_DATA,
            {"command": client._const.NukiCommand.CHALLENGE},
            expected_response=client._const.NukiCommand.CHALLENGE,
        )
        await client._send_encrypted_command(
            client._const.NukiCommand.ADD_KEYPAD_CODE,
            {
                "code": 583914,
                "name": "Guest 7",
                "time_limited": 1,
                "allowed_from_date": datetime(2026, 12, 1, 15, 0),
                "allowed_until_date": datetime(2026, 12, 4, 10, 30),
                "allowed_weekdays": WEEKDAYS,
                "allowed_from_time": {"hour": 0, "minute": 0},
                "allowed_until_time": {"hour": 0, "minute": 0},
                "nonce": challenge["nonce"],
                "security_pin": SECURITY_PIN,
            },
            expected_response=client._const.NukiCommand.KEYPAD_CODE_ID,
        )
        (added,) = air.model.codes.values()
        assert (added.code, added.name) == (583914, "Guest 7")
        assert added.window == Window(
            datetime(2026, 12, 1, 15, 0, tzinfo=UTC), datetime(2026, 12, 4, 10, 30, tzinfo=UTC)
        )
        await client.disconnect()
