"""The emulated Nuki lock as a BLE peripheral on a bumble virtual controller.

GATT as the real Smart Lock 1.0-4.0: pairing service a92ee100 (characteristic a92ee101) and
user-data service a92ee200 (characteristic a92ee202), both written with response and answered
by indications, cut to the connection's ATT MTU like any peripheral must.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from bumble.controller import Controller
from bumble.core import AdvertisingData
from bumble.device import Connection, Device
from bumble.gatt import Characteristic, CharacteristicValue, Service
from bumble.hci import Address
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink

from drivers.nuki.client import PAIRING_CHAR, USER_CHAR
from drivers.nuki.radio import PAIRING_SERVICE, USER_SERVICE
from nukisim.model import NukiModel, Reply

log = logging.getLogger(__name__)


def new_device(link: LocalLink, address: str, name: str) -> tuple[Device, Controller]:
    controller = Controller(name, link=link, public_address=address)
    device = Device(
        name=name, address=Address(address), host=Host(controller, AsyncPipeSink(controller))
    )
    return device, controller


class NukiPeripheral:
    def __init__(self, link: LocalLink, address: str, name: str, model: NukiModel) -> None:
        self.link, self.address, self.name, self.model = link, address, name, model
        self.device, self.controller = new_device(link, address, name)
        self.connections: list[Connection] = []
        self.connects = 0  # BLE connections made to the lock (the bench counts them)
        self._tasks: set[asyncio.Task[None]] = set()
        self.pairing_char = self._characteristic(PAIRING_CHAR, self.model.on_pairing_write)
        self.user_char = self._characteristic(USER_CHAR, self.model.on_user_write)
        self.device.add_services(
            [
                Service(PAIRING_SERVICE, [self.pairing_char]),
                Service(USER_SERVICE, [self.user_char]),
            ]
        )
        self.device.on(self.device.EVENT_CONNECTION, self._on_connection)

    def _characteristic(
        self, uuid: str, handler: Callable[[bytes], Reply]
    ) -> Characteristic[bytes]:
        def on_write(connection: Connection, value: bytes) -> None:
            reply = handler(bytes(value))
            task = asyncio.get_running_loop().create_task(self._answer(connection, uuid, reply))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

        return Characteristic(
            uuid,
            Characteristic.Properties.WRITE | Characteristic.Properties.INDICATE,
            Characteristic.WRITEABLE,
            CharacteristicValue(write=on_write),
        )

    async def _answer(self, connection: Connection, uuid: str, reply: Reply) -> None:
        if reply.drop_link:
            await connection.disconnect()
            return
        characteristic = self.pairing_char if uuid == PAIRING_CHAR else self.user_char
        size = connection.att_mtu - 3
        for frame in reply.frames:
            for start in range(0, len(frame), size):
                await self.device.indicate_subscriber(
                    connection, characteristic, frame[start : start + size]
                )

    def _on_connection(self, connection: Connection) -> None:
        self.connects += 1
        self.connections.append(connection)
        connection.on(
            connection.EVENT_DISCONNECTION, lambda *_: self.connections.remove(connection)
        )

    async def start(self) -> None:
        await self.device.power_on()
        await self._advertise()

    async def _advertise(self) -> None:
        """The user service always; the pairing service too while the lock is in pairing mode
        (as a real lock does), every 100 ms."""
        services = [USER_SERVICE] + ([] if self.model.faults.refuse_pairing else [PAIRING_SERVICE])
        uuids = b"".join(bytes.fromhex(u.replace("-", ""))[::-1] for u in services)
        data = AdvertisingData(
            [
                (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode()),
                (AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, uuids),
            ]
        )
        await self.device.start_advertising(
            advertising_data=bytes(data),
            auto_restart=True,
            advertising_interval_min=100,
            advertising_interval_max=100,
        )

    async def out_of_range(self, gone: bool) -> None:
        """Out of range: the link drops, the lock is not heard and nobody reaches it until it
        is back."""
        self.model.faults.out_of_range = gone
        controller = self.controller
        if gone:
            await self.device.stop_advertising()
            for connection in list(self.connections):
                await connection.disconnect()
            self.link.remove_controller(controller)
        else:
            self.link.add_controller(controller)
            await self._advertise()
