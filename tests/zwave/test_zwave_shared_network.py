"""lockgw shares the zwave-js server with another client (Home Assistant's Z-Wave JS): codes the
other client puts on a lock are unmanaged and never touched; a slot it overwrites while lockgw
owns it is put back like a keypad change; lockgw asks for no interview or full scan meanwhile.
The other client is a second zwave-js-server-python client, as Home Assistant's is."""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
import pytest
from seam import Seam
from zwave_js_server.client import Client

from tests.support.wait import eventually
from tests.support.zwave_sim import ZWaveSim
from tests.zwave.conftest import NODES, device_for
from tests.zwave.test_zwave_locks import _set

# What a lock hears during an interview (or a re-interview), never in normal operation.
INTERVIEW = (
    "Version",
    "ManufacturerSpecific",
    "NotificationCCSupported",
    "UserCodeCCUsersNumber",
    "UserCredentialCCUserCapabilities",
    "UserCredentialCCCredentialCapabilities",
)


async def _send(url: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    async with aiohttp.ClientSession() as session:
        client = Client(url, session)
        await client.connect()
        ready = asyncio.Event()
        listening = asyncio.create_task(client.listen(ready))
        await ready.wait()
        try:
            return [await client.async_send_command(message) for message in messages]
        finally:
            await client.disconnect()
            listening.cancel()


def _writes(kind: str, node: int, slot: int, pin: str) -> dict[str, Any]:
    """What the other client sends to put `pin` in `slot`, as Home Assistant does: a set_value
    of the User Code CC's slot, or the Access Control API."""
    if kind == "kwikset":  # Home Assistant's zwave_js.set_lock_usercode
        value_id = {"commandClass": 99, "property": "userCode", "propertyKey": slot}
        return {"command": "node.set_value", "nodeId": node, "valueId": value_id, "value": pin}
    return {"command": "endpoint.access_control.add_user", "nodeId": node, "userId": slot,
            "options": {"userName": "From HA", "active": True},
            "credential": {"credentialType": 1, "credentialSlot": slot, "data": pin}}  # fmt: skip


def _overwrites(kind: str, node: int, slot: int, pin: str) -> dict[str, Any]:
    if kind == "kwikset":
        return _writes(kind, node, slot, pin)
    return {"command": "endpoint.access_control.set_credential", "nodeId": node, "userId": slot,
            "credentialType": 1, "credentialSlot": slot, "data": pin}  # fmt: skip


@pytest.mark.parametrize(("kind", "foreign_slot"), [("kwikset", 60), ("uc-small", 9)])
def test_another_clients_codes_are_left_alone_and_our_slots_are_put_back(
    seam: Seam, fresh: ZWaveSim, kind: str, foreign_slot: int
) -> None:
    node = NODES[kind]
    device_id = device_for(seam, node)
    _, slot = _set(seam, fresh, node, "5174")
    fresh.act(node, "counts/reset")

    asyncio.run(
        _send(
            fresh.url,
            [_overwrites(kind, node, slot, "5175"), _writes(kind, node, foreign_slot, "5176")],
        )
    )

    eventually(lambda: fresh.codes(node).get(slot) == "5174", timeout=30)

    def unmanaged() -> bool:
        return any(c.code == "5176" for c in seam.access_codes.unmanaged.list(device_id=device_id))

    eventually(unmanaged, timeout=30)
    _set(seam, fresh, node, "5177")  # the lock's reconciler is done with the events before it
    assert fresh.codes(node)[foreign_slot] == "5176"
    heard = fresh.received(node)
    assert not [command for command in heard if command.startswith(INTERVIEW)], heard
