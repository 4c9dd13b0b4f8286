"""A User Credential CC lock's slots over the radio, through zwave-js's Access Control API.

zwave-js-server-python 0.73.1 has no wrapper for the server's `endpoint.access_control.*`
commands, so the messages are sent as the server (3.10.2) expects them. Reads go to the lock
(never zwave-js's cache); a full read sweeps users and PIN credentials (one frame per user that
exists, plus one), and the drift check is one Credential Checksum Get.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from zwave_js_server.exceptions import BaseZwaveJSServerError
from zwave_js_server.model.node import Node

from drivers.base import Capabilities, DuplicateCode, InvalidCode, LockTimeout, SlotReading
from drivers.zwave.user_credential_translate import (
    LOCATION_EMPTY,
    LOCATION_OCCUPIED,
    OK,
    PIN_CODE,
    USER_CREDENTIAL_CC,
    CredentialFacts,
    credential_capabilities,
    credential_refusal,
    facts_from,
    pin_checksum,
    reading,
    readings,
    user_exists,
    user_name,
)

log = logging.getLogger(__name__)
Send = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
GENERAL_USER = 0
# The CC's values that say what the lock can do beyond zwave-js's capability summaries.
CAPABILITY_VALUES = (
    "supportedUserNameEncodings",
    "supportsUserSchedule",
    "supportsAllUsersChecksum",
    "supportsCredentialChecksum",
)


async def credential_facts(send: Send, node_id: int) -> CredentialFacts | None:
    """From zwave-js's cache of the lock's interview (no radio work). The CC's capability
    values are internal to zwave-js (not in the node's value list): asked one by one."""
    base = {"nodeId": node_id, "endpoint": 0}
    values: dict[str, Any] = {}
    for prop in CAPABILITY_VALUES:
        value_id = {"commandClass": USER_CREDENTIAL_CC, "endpoint": 0, "property": prop}
        answer = await send({"command": "node.get_value", "nodeId": node_id, "valueId": value_id})
        values[prop] = answer.get("value")
    users = await send({**base, "command": "endpoint.access_control.get_user_capabilities_cached"})
    creds = await send(
        {**base, "command": "endpoint.access_control.get_credential_capabilities_cached"}
    )
    return facts_from(users.get("capabilities") or {}, creds.get("capabilities") or {}, values)


async def user_credential_model(
    node: Node, capabilities: Capabilities, send: Send
) -> tuple[Capabilities, CredentialFacts | None]:
    """Which CC drives the lock: the User Credential CC when the node has it and zwave-js found
    PIN users on it (a lock in User Code mode reports none), else the User Code CC. `send`
    sends a server message (the connected client's `async_send_command`)."""
    if not any(cc.id == USER_CREDENTIAL_CC for cc in node.command_classes):
        return capabilities, None
    try:
        facts = await credential_facts(send, node.node_id)
    except BaseZwaveJSServerError as exc:
        log.warning("node %d: User Credential capabilities unknown: %s", node.node_id, exc)
        return capabilities, None
    if facts is None:
        return capabilities, None
    return credential_capabilities(facts, capabilities), facts


class UserCredentialSlots:
    """One lock's slots as users with one PIN credential each."""

    def __init__(self, send: Send, node_id: int, facts: CredentialFacts) -> None:
        self._send = send
        self.node_id = node_id
        self.facts = facts
        self._users: set[int] = set()  # users known to exist (from the last read or write)

    async def _command(self, command: str, **fields: Any) -> dict[str, Any]:
        message = {
            "command": f"endpoint.access_control.{command}",
            "nodeId": self.node_id,
            "endpoint": 0,
            **fields,
        }
        return await self._send(message)

    async def read_slot(self, slot: int) -> SlotReading:
        found = await self._command("get_credential", credentialType=PIN_CODE, credentialSlot=slot)
        credential = found.get("credential")
        user: Any = None
        if reading(slot, None, credential).occupied:
            self._users.add(slot)
        else:
            user = (await self._command("get_user", userId=slot)).get("user")
            (self._users.add if user_exists(user) else self._users.discard)(slot)
        return reading(slot, user, credential)

    async def read_slots(self, slots: range) -> list[SlotReading]:
        users = (await self._command("get_users")).get("users") or []
        creds = await self._command("get_credentials_by_type", credentialType=PIN_CODE)
        found = readings(slots, list(users), list(creds.get("credentials") or []))
        self._users = {r.slot for r in found if r.occupied}
        return found

    async def write(self, slot: int, code: str, name: str | None) -> SlotReading:
        """The slot's user (named) with `code` as its one PIN; the lock's verdict is the
        command's result (no read-back needed)."""
        named = user_name(name, slot, self.facts)
        options: dict[str, Any] = {"userName": named, "active": True}
        credential = {"credentialType": PIN_CODE, "credentialSlot": slot, "data": code}
        created = False
        if slot not in self._users:
            added = await self._command(
                "add_user",
                userId=slot,
                options={**options, "userType": GENERAL_USER},
                credential=credential,
            )
            result = added.get("result") or {}
            if result.get("user") == OK:
                created = True
                verdict = result.get("credential", OK)
            elif result.get("user") != LOCATION_OCCUPIED:
                raise LockTimeout(f"slot {slot}: the lock did not add the user ({result})")
        if not created:
            self._users.add(slot)
            changed = await self._command("set_user", userId=slot, options=options)
            if changed.get("result") != OK:
                await self._stale(slot)
            set_pin = await self._command("set_credential", userId=slot, **credential)
            verdict = set_pin.get("result")
        self._users.add(slot)
        if verdict in (LOCATION_OCCUPIED, LOCATION_EMPTY):
            await self._stale(slot)
        refusal = credential_refusal(verdict)
        if refusal is None:
            return SlotReading(slot=slot, occupied=True, code=code, name=named)
        if created:  # no user without its PIN left behind
            await self.clear(slot)
        if refusal == "duplicate":
            raise DuplicateCode(f"slot {slot}: the lock holds this PIN already")
        raise InvalidCode(f"slot {slot}: {refusal}")

    async def _stale(self, slot: int) -> None:
        """zwave-js chose Add or Modify from its cache, and the lock disagreed: the slot is read
        (which refreshes that cache) and the write is tried again later."""
        await self.read_slot(slot)
        raise LockTimeout(f"slot {slot}: zwave-js's view of the slot was stale; read it again")

    async def clear(self, slot: int) -> SlotReading | None:
        """The user goes, and its credentials with it. The lock's report of the deletion is
        the confirmation (an empty reading), when it sent one."""
        deleted = await self._command("delete_user", userId=slot)
        self._users.discard(slot)
        return SlotReading(slot=slot, occupied=False) if deleted.get("result") == OK else None

    async def checksum(self) -> int | None:
        if not self.facts.credential_checksum:
            return None
        answer = await self._send(
            {
                "command": "endpoint.invoke_cc_api",
                "nodeId": self.node_id,
                "endpoint": 0,
                "commandClass": USER_CREDENTIAL_CC,
                "methodName": "getCredentialChecksum",
                "args": [PIN_CODE],
            }
        )
        value = answer.get("response")
        return value if isinstance(value, int) else None

    def expected_checksum(self, codes: dict[int, str]) -> int | None:
        return pin_checksum(codes) if self.facts.credential_checksum else None
