"""A bleak client backend on a bumble central: the unmodified bleak API (and so the driver and
pyNukiBT) talks to peripherals on a bumble virtual link, with no Bluetooth hardware."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import Callable
from typing import Any, ClassVar

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, AdvertisementDataCallback, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import BleakError
from bumble.core import AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.gatt_client import CharacteristicProxy
from bumble.hci import Address

PROPERTY_NAMES = {
    0x02: "read",
    0x04: "write-without-response",
    0x08: "write",
    0x10: "notify",
    0x20: "indicate",
}


def bumble_backend(central: Device, *, mtu: int = 517) -> type[BaseBleakClient]:
    """A backend class bound to one bumble central device (bleak instantiates it itself).
    `mtu` is what the central asks for on connect; 23 keeps the BLE default."""

    class BumbleClient(_BumbleClient):
        _central = central
        _mtu = mtu

    return BumbleClient


class _BumbleClient(BaseBleakClient):
    """The client, bound to its central and MTU by bumble_backend."""

    _central: ClassVar[Device]
    _mtu: ClassVar[int]  # what the central asks for on connect; 23 keeps the BLE default

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        super().__init__(
            address_or_ble_device,
            disconnected_callback=kwargs.get("disconnected_callback"),
            timeout=kwargs.get("timeout", 10.0),
        )
        self._connection: Connection | None = None
        self._proxies: dict[int, CharacteristicProxy[bytes]] = {}

    @property
    def name(self) -> str:
        return self.address

    @property
    def mtu_size(self) -> int:
        return self._connection.att_mtu if self._connection is not None else 23

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        try:
            await asyncio.wait_for(self._connect(), self._timeout)
        except BleakError:
            raise
        except Exception as exc:  # bumble's own timeouts and link errors
            if self._central.is_le_connecting:
                with contextlib.suppress(Exception):
                    await self._central.cancel_connection()
            with contextlib.suppress(BleakError):
                await self.disconnect()
            raise BleakError(f"could not connect to {self.address}: {exc!r}") from None

    async def _connect(self) -> None:
        connection = await self._central.connect(Address(self.address))
        self._connection = connection
        connection.on(connection.EVENT_DISCONNECTION, self._on_disconnection)
        peer = Peer(connection)
        if self._mtu > 23:
            await peer.request_mtu(self._mtu)
        await peer.discover_services()
        self.services = await _services(peer, lambda: self.mtu_size - 3, self._proxies)

    def _on_disconnection(self, *_: Any) -> None:
        self._connection = None
        if self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        if self._connection is not None:
            connection, self._connection = self._connection, None
            try:
                await asyncio.wait_for(connection.disconnect(), 2.0)
            except Exception as exc:  # already gone
                raise BleakError(f"disconnect: {exc!r}") from None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        return None

    async def unpair(self) -> None:
        return None

    @property
    def is_connected(self) -> bool:
        return self._connection is not None

    def _proxy(self, characteristic: BleakGATTCharacteristic) -> CharacteristicProxy[bytes]:
        if self._connection is None:
            raise BleakError("not connected")
        return self._proxies[characteristic.handle]

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, **kwargs: Any
    ) -> bytearray:
        return bytearray(await self._proxy(characteristic).read_value())

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, **kwargs: Any
    ) -> bytearray:
        raise BleakError("descriptors are not supported by this backend")

    async def write_gatt_char(
        self, characteristic: BleakGATTCharacteristic, data: Any, response: bool
    ) -> None:
        try:
            await self._proxy(characteristic).write_value(bytes(data), with_response=response)
        except Exception as exc:
            if isinstance(exc, BleakError):
                raise
            raise BleakError(f"write failed: {exc}") from None

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        raise BleakError("descriptors are not supported by this backend")

    async def start_notify(
        self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any
    ) -> None:
        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        await self._proxy(characteristic).subscribe(deliver, prefer_notify=False)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        await self._proxy(characteristic).unsubscribe()


async def _services(
    peer: Peer,
    max_write: Callable[[], int],
    proxies: dict[int, CharacteristicProxy[bytes]],
) -> BleakGATTServiceCollection:
    """The peer's services and characteristics as bleak's, each characteristic's bumble proxy
    kept in `proxies` by handle."""
    collection = BleakGATTServiceCollection()
    for service in peer.services:
        await service.discover_characteristics()
        bleak_service = BleakGATTService(service, service.handle, str(service.uuid))
        collection.add_service(bleak_service)
        for char in service.characteristics:
            props = [n for bit, n in PROPERTY_NAMES.items() if char.properties & bit]
            bleak_char = BleakGATTCharacteristic(
                char,
                char.handle,
                _uuid(str(char.uuid)),
                props,  # type: ignore[arg-type]
                max_write,
                bleak_service,
            )
            collection.add_characteristic(bleak_char)
            proxies[char.handle] = char
    return collection


def bumble_scanner(central: Device) -> type[BaseBleakScanner]:
    """A scanner backend on the same central: advertisements on the bumble link, as bleak's."""

    class BumbleScanner(BaseBleakScanner):
        def __init__(
            self,
            detection_callback: AdvertisementDataCallback | None,
            service_uuids: list[str] | None,
            *args: Any,
            **kwargs: Any,
        ) -> None:
            super().__init__(detection_callback, service_uuids)

        async def start(self) -> None:
            self.seen_devices = {}
            central.on(central.EVENT_ADVERTISEMENT, self._on_advertisement)
            await central.start_scanning(filter_duplicates=False)

        async def stop(self) -> None:
            central.remove_listener(central.EVENT_ADVERTISEMENT, self._on_advertisement)
            with contextlib.suppress(Exception):
                await central.stop_scanning()

        def _on_advertisement(self, advert: Advertisement) -> None:
            data = advert.data
            name = data.get(AdvertisingData.COMPLETE_LOCAL_NAME)
            uuids: list[str] = []
            for kind in (
                AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
                AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
            ):
                uuids += [_uuid(str(u)) for u in data.get(kind) or []]
            if not self.is_allowed_uuid(uuids):
                return
            address = str(advert.address).split("/")[0]
            text = name if isinstance(name, str) else None
            adv = AdvertisementData(
                local_name=text,
                manufacturer_data={},
                service_data={},
                service_uuids=uuids,
                tx_power=None,
                rssi=advert.rssi,
                platform_data=(advert,),
            )
            device = self.create_or_update_device(address, address, text, advert, adv)
            self.call_detection_callbacks(device, adv)

    return BumbleScanner


def _uuid(text: str) -> str:
    try:
        return str(uuid.UUID(text))
    except ValueError:
        return text.lower()
