"""A bumble virtual link with an emulated Nuki lock on it and a central for bleak (in-process)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bumble.device import Device
from bumble.link import LocalLink
from nukisim.bleak_backend import bumble_backend, bumble_scanner
from nukisim.host import NukiPeripheral, new_device
from nukisim.model import NukiModel

from drivers.nuki.client import session
from drivers.nuki.pairing import Credentials, Pairing
from drivers.nuki.radio import Radio

LOCK_ADDRESS = "F0:F0:F0:F0:F0:01"
HUB_ADDRESS = "F0:F0:F0:F0:F0:0A"
SECURITY_PIN = 4711


@dataclass
class Air:
    link: LocalLink
    lock: NukiPeripheral
    central: Device
    backend: type[BaseBleakClient]

    @property
    def model(self) -> NukiModel:
        return self.lock.model

    @property
    def radio(self) -> Radio:
        return Radio(self.backend, bumble_scanner(self.central))

    async def pair(self) -> Credentials:
        device = BLEDevice(LOCK_ADDRESS, "Nuki_1A2B3C4D", None)
        async with session(device, None, self.backend) as link:
            return await link.pair(Pairing(LOCK_ADDRESS, "lockgw", 0x10C6, SECURITY_PIN))


@asynccontextmanager
async def nuki_air(*, mtu: int = 517, max_codes: int = 100) -> AsyncIterator[Air]:
    link = LocalLink()
    model = NukiModel(security_pin=SECURITY_PIN, max_codes=max_codes)
    lock = NukiPeripheral(link, LOCK_ADDRESS, "Nuki_1A2B3C4D", model)
    await lock.start()
    central, _ = new_device(link, HUB_ADDRESS, "hub")
    await central.power_on()
    try:
        yield Air(link, lock, central, bumble_backend(central, mtu=mtu))
    finally:
        await central.power_off()
        await lock.device.power_off()
