"""One BLE session with a Nuki lock over bleak: the thin shell around the sans-IO modules.

A session is opened per batch of operations and closed after it (locks drop idle links, and
the radio costs battery). Production leaves `backend` unset (BlueZ); tests pass a backend.
"""

from __future__ import annotations

import asyncio
import logging
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from bleak import BleakClient
from bleak.backends.client import BaseBleakClient
from bleak.backends.device import BLEDevice
from bleak.exc import BleakError
from bleak_retry_connector import establish_connection

from drivers.base import LockOffline, LockTimeout, Window
from drivers.nuki import messages as m
from drivers.nuki.frames import Command, FrameError, Reassembler, open_sealed, parse_plain, seal
from drivers.nuki.pairing import Credentials, Pairing

log = logging.getLogger(__name__)

PAIRING_CHAR = "a92ee101-5501-11e4-916c-0800200c9a66"
USER_CHAR = "a92ee202-5501-11e4-916c-0800200c9a66"
ANSWER_TIMEOUT = 10.0
VERIFY_SECURITY_PIN = 0x0020
UPDATE_TIME = 0x0021
Frame = tuple[int, bytes]


class NukiSession:
    def __init__(self, client: BleakClient, credentials: Credentials | None) -> None:
        self._client = client
        self._credentials = credentials
        self._frames: asyncio.Queue[Frame | None] = asyncio.Queue()
        self._plain = Reassembler(encrypted=False)
        self._sealed = Reassembler(encrypted=True)
        self.alive = True

    async def start(self) -> None:
        await self._client.start_notify(PAIRING_CHAR, self._on_plain)
        await self._client.start_notify(USER_CHAR, self._on_sealed)

    def _on_plain(self, _: Any, data: bytearray) -> None:
        for frame in self._plain.feed(bytes(data)):
            try:
                self._frames.put_nowait(parse_plain(frame))
            except FrameError as exc:
                log.warning("nuki: dropped a plain frame: %s", exc)

    def _on_sealed(self, _: Any, data: bytearray) -> None:
        if self._credentials is None:
            return
        for frame in self._sealed.feed(bytes(data)):
            try:
                _, command, payload = open_sealed(self._credentials.shared_key, frame)
            except FrameError as exc:
                log.warning("nuki: dropped an encrypted frame: %s", exc)
                continue
            self._frames.put_nowait((command, payload))

    def link_lost(self) -> None:
        self.alive = False
        self._frames.put_nowait(None)

    async def _next(self) -> Frame:
        try:
            frame = await asyncio.wait_for(self._frames.get(), ANSWER_TIMEOUT)
        except TimeoutError:
            raise LockTimeout(f"no answer from the lock in {ANSWER_TIMEOUT} s") from None
        if frame is None:
            raise LockOffline("the lock dropped the link")
        return frame

    async def _write(self, characteristic: str, data: bytes) -> None:
        try:
            await self._client.write_gatt_char(characteristic, data, response=True)
        except (BleakError, EOFError) as exc:
            raise LockOffline(f"write failed: {exc}") from None

    # -- pairing -----------------------------------------------------------------------------

    async def pair(self, pairing: Pairing) -> Credentials:
        outgoing: bytes | None = pairing.start()
        while outgoing is not None:
            await self._write(PAIRING_CHAR, outgoing)
            outgoing = pairing.receive(*await self._next())
        assert pairing.credentials is not None
        return pairing.credentials

    # -- encrypted commands ------------------------------------------------------------------

    async def _send(self, command: int, payload: bytes) -> None:
        creds = self._credentials
        assert creds is not None, "not paired"
        await self._write(USER_CHAR, seal(creds.shared_key, creds.auth_id_bytes, command, payload))

    async def _answer(self) -> Frame:
        command, payload = await self._next()
        if command == Command.ERROR_REPORT:
            code = payload[0]
            (failed,) = struct.unpack("<H", payload[1:3])
            raise m.error_for(code, failed)
        return command, payload

    async def _challenge(self) -> bytes:
        await self._send(Command.REQUEST_DATA, m.request_data(Command.CHALLENGE))
        command, payload = await self._answer()
        if command != Command.CHALLENGE:
            raise LockTimeout(f"expected a challenge, got 0x{command:04x}")
        return payload[:32]

    async def _secured(self, command: int, build: Callable[[bytes, int], bytes]) -> list[Frame]:
        """A command built with a fresh challenge nonce (and the security PIN, where the command
        carries one); its answers up to STATUS complete (STATUS accepted is one of them)."""
        assert self._credentials is not None
        nonce = await self._challenge()
        await self._send(command, build(nonce, self._credentials.security_pin))
        answers: list[Frame] = []
        while True:
            frame = await self._answer()
            if frame[0] == Command.STATUS and frame[1][:1] == bytes([m.STATUS_COMPLETE]):
                return answers
            answers.append(frame)

    async def list_codes(self) -> list[m.KeypadCode]:
        answers = await self._secured(
            Command.REQUEST_KEYPAD_CODES,
            lambda nonce, pin: m.request_keypad_codes(0, 0xFFFF, nonce, pin),
        )
        return [m.decode_keypad_entry(p) for c, p in answers if c == Command.KEYPAD_CODE]

    async def add_code(self, code: int, name: str | None, window: Window | None) -> int:
        answers = await self._secured(
            Command.ADD_KEYPAD_CODE,
            lambda nonce, pin: m.add_keypad_code(code, name, window, nonce, pin),
        )
        for command, payload in answers:
            if command == Command.KEYPAD_CODE_ID:
                return int(struct.unpack("<H", payload[:2])[0])
        raise LockTimeout("the lock did not say which id it gave the code")

    async def update_code(self, entry: m.KeypadCode) -> None:
        await self._secured(
            Command.UPDATE_KEYPAD_CODE, lambda nonce, pin: m.update_keypad_code(entry, nonce, pin)
        )

    async def remove_code(self, code_id: int) -> None:
        def build(nonce: bytes, pin: int) -> bytes:
            return m.remove_keypad_code(code_id, nonce, pin)

        await self._secured(Command.REMOVE_KEYPAD_CODE, build)

    async def verify_security_pin(self) -> None:
        """The lock answers K_ERROR_BAD_PIN (a permanent error) when the PIN is wrong."""
        await self._secured(VERIFY_SECURITY_PIN, lambda nonce, pin: nonce + struct.pack("<H", pin))

    async def set_time(self, now: datetime) -> None:
        def build(nonce: bytes, pin: int) -> bytes:
            return m.encode_date(now) + nonce + struct.pack("<H", pin)

        await self._secured(UPDATE_TIME, build)

    async def advanced_config(self) -> bytes:
        """REQUEST_ADVANCED_CONFIG carries the challenge nonce but no security PIN."""
        nonce = await self._challenge()
        await self._send(Command.REQUEST_ADVANCED_CONFIG, nonce)
        command, payload = await self._answer()
        if command != Command.ADVANCED_CONFIG or len(payload) < m.ADVANCED_CONFIG_LEN:
            raise LockTimeout(f"expected the lock's advanced config, got 0x{command:04x}")
        return payload

    async def set_advanced_config(self, advanced: bytes) -> None:
        await self._secured(
            Command.SET_ADVANCED_CONFIG,
            lambda nonce, pin: m.set_advanced_config(advanced, nonce, pin),
        )

    async def state(self) -> m.KeyturnerState:
        await self._send(Command.REQUEST_DATA, m.request_data(Command.KEYTURNER_STATES))
        command, payload = await self._answer()
        if command != Command.KEYTURNER_STATES:
            raise LockTimeout(f"expected the lock's state, got 0x{command:04x}")
        return m.decode_keyturner_state(payload)

    async def lock_action(self, action: m.LockAction) -> None:
        assert self._credentials is not None
        app_id = self._credentials.app_id

        def build(nonce: bytes, _pin: int) -> bytes:  # lock actions carry no security PIN
            return m.lock_action(action, app_id, nonce)

        await self._secured(Command.LOCK_ACTION, build)


@asynccontextmanager
async def session(
    device: BLEDevice,
    credentials: Credentials | None,
    backend: type[BaseBleakClient] | None = None,
    *,
    max_attempts: int = 3,
    connect_timeout: float = 10.0,
) -> AsyncIterator[NukiSession]:
    """Connect, subscribe, yield one session, disconnect."""
    holder: list[NukiSession] = []

    def lost(_: BleakClient) -> None:
        if holder:
            holder[0].link_lost()

    extra: dict[str, Any] = {} if backend is None else {"backend": backend}
    try:
        client = await establish_connection(
            BleakClient,
            device,
            f"Nuki {device.address}",
            disconnected_callback=lost,
            max_attempts=max_attempts,
            timeout=connect_timeout,
            **extra,
        )
    except (BleakError, TimeoutError) as exc:
        raise LockOffline(f"cannot reach the lock: {exc}") from None
    nuki = NukiSession(client, credentials)
    holder.append(nuki)
    try:
        await nuki.start()
        yield nuki
    finally:
        try:
            await client.disconnect()
        except (BleakError, EOFError, TimeoutError) as exc:
            log.debug("nuki: disconnect: %s", exc)
