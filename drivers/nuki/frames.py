"""Nuki BLE frames (sans-IO): commands, CRC, plain and encrypted framing, reassembly.

Plain frame (pairing characteristic): command u16 LE | payload | CRC-16/CCITT-FALSE u16 LE.
Encrypted frame (user-data characteristic): nonce(24) | auth_id(4) | length u16 LE |
secretbox(shared key, nonce, auth_id(4) | command u16 LE | payload | CRC u16 LE).
The shared key is crypto_box_beforenm(lock public key, our secret key).
"""

from __future__ import annotations

import struct
from enum import IntEnum

import nacl.exceptions
import nacl.secret
import nacl.utils

from drivers.checksum import crc16_ccitt

NONCE_LEN = 24
HEADER_LEN = NONCE_LEN + 4 + 2


class Command(IntEnum):
    REQUEST_DATA = 0x0001
    PUBLIC_KEY = 0x0003
    CHALLENGE = 0x0004
    AUTHORIZATION_AUTHENTICATOR = 0x0005
    AUTHORIZATION_DATA = 0x0006
    AUTHORIZATION_ID = 0x0007
    KEYTURNER_STATES = 0x000C
    LOCK_ACTION = 0x000D
    STATUS = 0x000E
    ERROR_REPORT = 0x0012
    REQUEST_CONFIG = 0x0014
    CONFIG = 0x0015
    AUTHORIZATION_ID_CONFIRMATION = 0x001E
    ADD_KEYPAD_CODE = 0x0041
    KEYPAD_CODE_ID = 0x0042
    REQUEST_KEYPAD_CODES = 0x0043
    KEYPAD_CODE_COUNT = 0x0044
    KEYPAD_CODE = 0x0045
    UPDATE_KEYPAD_CODE = 0x0046
    REMOVE_KEYPAD_CODE = 0x0047
    SET_ADVANCED_CONFIG = 0x0035
    REQUEST_ADVANCED_CONFIG = 0x0036
    ADVANCED_CONFIG = 0x0037


# Sizes of plain frames the lock sends during pairing (command + payload + CRC), so a frame
# split across several indications (ATT MTU 23: 20 bytes each) can be put back together.
PLAIN_SIZES: dict[int, int] = {
    Command.PUBLIC_KEY: 2 + 32 + 2,
    Command.CHALLENGE: 2 + 32 + 2,
    Command.AUTHORIZATION_ID: 2 + 32 + 4 + 16 + 32 + 2,
    Command.STATUS: 2 + 1 + 2,
    Command.ERROR_REPORT: 2 + 1 + 2 + 2,
}


class FrameError(Exception):
    """A frame that does not parse: bad CRC, short, or not decryptable with our key."""


def crc16(data: bytes) -> int:
    """CRC-16/CCITT-FALSE: polynomial 0x1021, initial value 0xFFFF, no reflection."""
    return crc16_ccitt(data, 0xFFFF)


def _with_crc(body: bytes) -> bytes:
    return body + struct.pack("<H", crc16(body))


def _checked(frame: bytes) -> bytes:
    if len(frame) < 4:
        raise FrameError(f"frame of {len(frame)} bytes is too short")
    body, (crc,) = frame[:-2], struct.unpack("<H", frame[-2:])
    if crc16(body) != crc:
        raise FrameError("CRC mismatch")
    return body


def plain(command: int, payload: bytes = b"") -> bytes:
    return _with_crc(struct.pack("<H", command) + payload)


def parse_plain(frame: bytes) -> tuple[int, bytes]:
    body = _checked(frame)
    return struct.unpack("<H", body[:2])[0], body[2:]


def seal(
    shared_key: bytes, auth_id: bytes, command: int, payload: bytes, nonce: bytes | None = None
) -> bytes:
    nonce = nonce if nonce is not None else nacl.utils.random(NONCE_LEN)
    inner = _with_crc(auth_id + struct.pack("<H", command) + payload)
    box = nacl.secret.SecretBox(shared_key).encrypt(inner, nonce).ciphertext
    return nonce + auth_id + struct.pack("<H", len(box)) + box


def auth_id_of(frame: bytes) -> bytes:
    """The authorization id in an encrypted frame's clear header (which key opens it)."""
    if len(frame) < HEADER_LEN:
        raise FrameError("encrypted frame too short")
    return frame[NONCE_LEN : NONCE_LEN + 4]


def open_sealed(shared_key: bytes, frame: bytes) -> tuple[bytes, int, bytes]:
    """(auth_id, command, payload) of an encrypted frame."""
    if len(frame) < HEADER_LEN:
        raise FrameError("encrypted frame too short")
    nonce, (length,) = frame[:NONCE_LEN], struct.unpack("<H", frame[NONCE_LEN + 4 : HEADER_LEN])
    box = frame[HEADER_LEN:]
    if len(box) != length:
        raise FrameError(f"encrypted length {len(box)}, header says {length}")
    try:
        inner = nacl.secret.SecretBox(shared_key).decrypt(box, nonce)
    except nacl.exceptions.CryptoError:
        raise FrameError("not decryptable with this key") from None
    body = _checked(inner)
    return body[:4], struct.unpack("<H", body[4:6])[0], body[6:]


class Reassembler:
    """Bytes as they arrive in indications -> whole frames (one per call that completes one)."""

    def __init__(self, *, encrypted: bool) -> None:
        self.encrypted = encrypted
        self._buffer = b""

    def feed(self, chunk: bytes) -> list[bytes]:
        self._buffer += chunk
        frames = []
        while (size := self._size()) is not None and len(self._buffer) >= size:
            frames.append(self._buffer[:size])
            self._buffer = self._buffer[size:]
        return frames

    def _size(self) -> int | None:
        if self.encrypted:
            if len(self._buffer) < HEADER_LEN:
                return None
            (length,) = struct.unpack("<H", self._buffer[NONCE_LEN + 4 : HEADER_LEN])
            return HEADER_LEN + int(length)
        if len(self._buffer) < 2:
            return None
        (command,) = struct.unpack("<H", self._buffer[:2])
        return PLAIN_SIZES.get(int(command), len(self._buffer))
