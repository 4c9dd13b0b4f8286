"""Where the driver's BLE goes: the platform's bleak backends (BlueZ on a hub) unless other
backends are given (the emulator's bumble link in tests and `make run`)."""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bleak import BleakScanner
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner

PAIRING_SERVICE = "a92ee100-5501-11e4-916c-0800200c9a66"
USER_SERVICE = "a92ee200-5501-11e4-916c-0800200c9a66"
NUKI_SERVICES = (PAIRING_SERVICE, USER_SERVICE)


@dataclass(frozen=True)
class Found:
    address: str
    name: str | None
    rssi: int
    pairing_mode: bool


@dataclass(frozen=True)
class Radio:
    client_backend: type[BaseBleakClient] | None = None
    scanner_backend: type[BaseBleakScanner] | None = None

    def _scanner(self) -> dict[str, Any]:
        return {} if self.scanner_backend is None else {"backend": self.scanner_backend}

    async def find(self, address: str, seconds: float = 10.0) -> BLEDevice | None:
        return await BleakScanner.find_device_by_address(
            address, timeout=seconds, **self._scanner()
        )

    async def scan(self, seconds: float = 5.0) -> list[Found]:
        """Nuki locks advertising nearby (the pairing service while in pairing mode)."""
        seen = await BleakScanner.discover(timeout=seconds, return_adv=True, **self._scanner())
        found = [_found(device, adv) for device, adv in seen.values()]
        return sorted((f for f in found if f is not None), key=lambda f: -f.rssi)


def _found(device: BLEDevice, adv: AdvertisementData) -> Found | None:
    uuids = {u.lower() for u in adv.service_uuids}
    name = adv.local_name or device.name
    if not uuids & set(NUKI_SERVICES) and not (name or "").startswith("Nuki"):
        return None
    return Found(device.address, name, adv.rssi, PAIRING_SERVICE in uuids)


async def radio_from(factory: str | None, argument: str = "") -> Radio:
    """`module:function`, an async function of one string returning a Radio (the emulator's
    link for `make run`); none: the platform's own (BlueZ)."""
    if not factory:
        return Radio()
    module, _, name = factory.partition(":")
    make: Callable[[str], Awaitable[Radio]] = getattr(importlib.import_module(module), name)
    return await make(argument)
