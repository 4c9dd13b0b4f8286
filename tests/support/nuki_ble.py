"""A bumble virtual link with an emulated Nuki lock on it and a central for bleak (in-process)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bleak.backends.client import BaseBleakClient
from bumble.device import Device
from bumble.link import LocalLink
from nukisim.bleak_backend import bumble_backend
from nukisim.host import NukiPeripheral, new_device
from nukisim.model import NukiModel

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
