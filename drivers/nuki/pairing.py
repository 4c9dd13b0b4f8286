"""Pairing with a Nuki lock in pairing mode (sans-IO): frames in, the next frame or the
credentials out. Every key and authenticator is computed here; the transport only moves bytes.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import struct
from dataclasses import asdict, dataclass
from enum import Enum, auto
from functools import cached_property

import nacl.public
import nacl.utils
from nacl.bindings import crypto_box_beforenm

from drivers.base import PermanentDriverError
from drivers.nuki.frames import Command, plain
from drivers.nuki.messages import STATUS_COMPLETE, ErrorCode, request_data

ID_TYPE_APP = 0x00


class PairingRefused(PermanentDriverError):
    """The lock is not in pairing mode, or it rejected our authenticator."""


@dataclass(frozen=True)
class Credentials:
    """What pairing leaves us with; stored in the data dir (mode 0600), never logged."""

    address: str
    lock_public_key: str  # hex
    our_secret_key: str  # hex
    auth_id: str  # hex, 4 bytes
    app_id: int
    security_pin: int

    @cached_property
    def shared_key(self) -> bytes:
        """Computed once per stored credential, not once per frame."""
        return bytes(
            crypto_box_beforenm(
                bytes.fromhex(self.lock_public_key), bytes.fromhex(self.our_secret_key)
            )
        )

    @property
    def auth_id_bytes(self) -> bytes:
        return bytes.fromhex(self.auth_id)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2)

    @classmethod
    def from_json(cls, text: str) -> Credentials:
        return cls(**json.loads(text))


def authenticator(shared_key: bytes, *parts: bytes) -> bytes:
    return hmac.new(shared_key, b"".join(parts), hashlib.sha256).digest()


class _Step(Enum):
    PUBLIC_KEY = auto()
    FIRST_CHALLENGE = auto()
    SECOND_CHALLENGE = auto()
    AUTHORIZATION_ID = auto()
    STATUS = auto()
    DONE = auto()


class Pairing:
    def __init__(
        self,
        address: str,
        name: str,
        app_id: int,
        security_pin: int,
        secret_key: nacl.public.PrivateKey | None = None,
        nonce: bytes | None = None,
    ) -> None:
        self.address, self.name, self.app_id, self.pin = address, name, app_id, security_pin
        self._sk = secret_key or nacl.public.PrivateKey.generate()
        self._pk = bytes(self._sk.public_key)
        self._nonce = nonce or nacl.utils.random(32)
        self._step = _Step.PUBLIC_KEY
        self._lock_pk = b""
        self._shared = b""
        self._auth_id = b""
        self.credentials: Credentials | None = None

    def start(self) -> bytes:
        return plain(Command.REQUEST_DATA, request_data(Command.PUBLIC_KEY))

    def receive(self, command: int, payload: bytes) -> bytes | None:
        """The lock's next frame; returns what to send next (None once paired)."""
        if command == Command.ERROR_REPORT:
            code = payload[0] if payload else ErrorCode.ERROR_UNKNOWN
            reason = (
                "not in pairing mode"
                if code == ErrorCode.P_ERROR_NOT_PAIRING
                else (f"error 0x{code:02x}")
            )
            raise PairingRefused(f"the lock refused pairing: {reason}")
        expected = {
            _Step.PUBLIC_KEY: Command.PUBLIC_KEY,
            _Step.FIRST_CHALLENGE: Command.CHALLENGE,
            _Step.SECOND_CHALLENGE: Command.CHALLENGE,
            _Step.AUTHORIZATION_ID: Command.AUTHORIZATION_ID,
            _Step.STATUS: Command.STATUS,
        }.get(self._step)
        if command != expected:
            raise PairingRefused(f"unexpected command 0x{command:04x} while pairing")
        return self._advance(payload)

    def _advance(self, payload: bytes) -> bytes | None:
        if self._step is _Step.PUBLIC_KEY:
            self._lock_pk = payload[:32]
            self._shared = bytes(crypto_box_beforenm(self._lock_pk, bytes(self._sk)))
            self._step = _Step.FIRST_CHALLENGE
            return plain(Command.PUBLIC_KEY, self._pk)
        if self._step is _Step.FIRST_CHALLENGE:
            proof = authenticator(self._shared, self._pk, self._lock_pk, payload[:32])
            self._step = _Step.SECOND_CHALLENGE
            return plain(Command.AUTHORIZATION_AUTHENTICATOR, proof)
        if self._step is _Step.SECOND_CHALLENGE:
            ident = bytes([ID_TYPE_APP]) + struct.pack("<I", self.app_id)
            name = self.name.encode("utf-8")[:32].ljust(32, b"\0")
            proof = authenticator(self._shared, ident, name, self._nonce, payload[:32])
            self._step = _Step.AUTHORIZATION_ID
            return plain(Command.AUTHORIZATION_DATA, proof + ident + name + self._nonce)
        if self._step is _Step.AUTHORIZATION_ID:
            self._auth_id, lock_nonce = payload[32:36], payload[52:84]
            self._step = _Step.STATUS
            proof = authenticator(self._shared, self._auth_id, lock_nonce)
            return plain(Command.AUTHORIZATION_ID_CONFIRMATION, proof + self._auth_id)
        if payload[:1] != bytes([STATUS_COMPLETE]):
            raise PairingRefused("the lock did not complete pairing")
        self._step = _Step.DONE
        self.credentials = Credentials(
            address=self.address,
            lock_public_key=self._lock_pk.hex(),
            our_secret_key=bytes(self._sk).hex(),
            auth_id=self._auth_id.hex(),
            app_id=self.app_id,
            security_pin=self.pin,
        )
        return None
