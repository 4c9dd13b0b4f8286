"""The emulated lock's behaviour (sans-IO): frames written to a characteristic in, frames to
indicate out. Keeps authorizations, keypad codes with windows, lock state and faults."""

from __future__ import annotations

import os
import struct
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

import nacl.public
from nacl.bindings import crypto_box_beforenm

from drivers.nuki import messages as m
from drivers.nuki.frames import (
    Command,
    FrameError,
    auth_id_of,
    open_sealed,
    parse_plain,
    plain,
    seal,
)
from drivers.nuki.pairing import authenticator

E = m.ErrorCode


def valid_keypad_code(code: int) -> bool:
    text = str(code)
    return len(text) == 6 and "0" not in text and not text.startswith("12")


@dataclass
class Faults:
    refuse_pairing: bool = False
    busy: int = 0  # the next N encrypted commands get K_ERROR_BUSY
    drop_link_on: set[int] = field(default_factory=set)  # commands after which the link drops
    out_of_range: bool = False


@dataclass
class Reply:
    frames: list[bytes]
    drop_link: bool = False


@dataclass(frozen=True)
class _Frame:
    """An encrypted command the lock opened, and how to answer on its authorization."""

    shared: bytes
    auth_id: bytes
    command: int
    payload: bytes

    def send(self, cmd: int, body: bytes) -> bytes:
        return seal(self.shared, self.auth_id, cmd, body)

    def error(self, code: int) -> Reply:
        report = bytes([code]) + struct.pack("<H", self.command)
        return Reply([self.send(Command.ERROR_REPORT, report)])

    def complete(self) -> bytes:
        return self.send(Command.STATUS, bytes([m.STATUS_COMPLETE]))


class NukiModel:
    def __init__(
        self, *, security_pin: int = 1234, max_codes: int = 100, pairing_mode: bool = True
    ) -> None:
        self.secret_key = nacl.public.PrivateKey.generate()
        self.public_key = bytes(self.secret_key.public_key)
        self.security_pin = security_pin
        self.max_codes = max_codes
        self.pairing_mode = pairing_mode
        self.faults = Faults()
        self.authorizations: dict[bytes, bytes] = {}  # auth_id -> shared key
        self.codes: dict[int, m.KeypadCode] = {}
        self.lock_state = m.LockStateCode.LOCKED
        self.battery = 80
        # The advanced config as the lock reports it (auto-lock: off, 30 s, when it starts).
        self.advanced_config = m.encode_advanced_config(m.AutoLockConfig(False, 30))
        self.clock_set_to: datetime | None = None
        self.received: dict[int, int] = {}  # command -> count (frames per operation)
        self._next_code_id = 1
        self._challenges: dict[bytes, bytes] = {}
        self._pairing: dict[str, bytes] = {}

    # -- pairing characteristic (plain frames) ----------------------------------------------

    def on_pairing_write(self, data: bytes) -> Reply:
        try:
            command, payload = parse_plain(data)
        except FrameError:
            return Reply([])
        self._count(command)
        p = self._pairing
        if command == Command.REQUEST_DATA:
            if not self.pairing_mode or self.faults.refuse_pairing:
                return Reply([_plain_error(E.P_ERROR_NOT_PAIRING, command)])
            self._pairing.clear()
            return Reply([plain(Command.PUBLIC_KEY, self.public_key)])
        if command == Command.PUBLIC_KEY:
            p["peer"] = payload[:32]
            p["shared"] = bytes(crypto_box_beforenm(payload[:32], bytes(self.secret_key)))
            p["nonce1"] = os.urandom(32)
            return Reply([plain(Command.CHALLENGE, p["nonce1"])])
        if command == Command.AUTHORIZATION_AUTHENTICATOR and "nonce1" in p:
            if payload[:32] != authenticator(p["shared"], p["peer"], self.public_key, p["nonce1"]):
                return Reply([_plain_error(E.P_ERROR_BAD_AUTHENTICATOR, command)])
            p["nonce2"] = os.urandom(32)
            return Reply([plain(Command.CHALLENGE, p["nonce2"])])
        if command == Command.AUTHORIZATION_DATA and "nonce2" in p:
            body = payload[32:]
            if payload[:32] != authenticator(p["shared"], body[:37], body[37:69], p["nonce2"]):
                return Reply([_plain_error(E.P_ERROR_BAD_AUTHENTICATOR, command)])
            p["auth_id"] = struct.pack("<I", len(self.authorizations) + 1)
            p["nonce3"] = os.urandom(32)
            uuid = os.urandom(16)
            proof = authenticator(p["shared"], p["auth_id"], uuid, p["nonce3"])
            return Reply(
                [plain(Command.AUTHORIZATION_ID, proof + p["auth_id"] + uuid + p["nonce3"])]
            )
        if command == Command.AUTHORIZATION_ID_CONFIRMATION and "nonce3" in p:
            if payload[:32] != authenticator(p["shared"], p["auth_id"], p["nonce3"]):
                return Reply([_plain_error(E.P_ERROR_BAD_AUTHENTICATOR, command)])
            self.authorizations[p["auth_id"]] = p["shared"]
            self._pairing.clear()
            return Reply([plain(Command.STATUS, bytes([m.STATUS_COMPLETE]))])
        return Reply([_plain_error(E.ERROR_UNKNOWN, command)])

    # -- user-data characteristic (encrypted frames) ----------------------------------------

    def on_user_write(self, data: bytes) -> Reply:
        try:
            auth_id = auth_id_of(data)
            shared = self.authorizations[auth_id]
            _, command, payload = open_sealed(shared, data)
        except (FrameError, KeyError):
            return Reply([])  # a real lock stays silent on frames it cannot open
        self._count(command)
        frame = _Frame(shared, auth_id, command, payload)
        if command in self.faults.drop_link_on:
            self.faults.drop_link_on.discard(command)
            return Reply([], drop_link=True)
        if self.faults.busy > 0 and command != Command.REQUEST_DATA:
            self.faults.busy -= 1
            return frame.error(E.K_ERROR_BUSY)
        if command == Command.REQUEST_DATA:
            return self._request_data(frame)
        refused = self._unauthenticated(frame)
        if refused is not None:
            return refused
        handler = _USER_COMMANDS.get(command)
        return frame.error(E.K_ERROR_BAD_PARAMETER) if handler is None else handler(self, frame)

    def _request_data(self, frame: _Frame) -> Reply:
        """A challenge (the nonce the next command must carry) or the lock's state."""
        (wanted,) = struct.unpack("<H", frame.payload[:2])
        if wanted == Command.CHALLENGE:
            self._challenges[frame.auth_id] = os.urandom(32)
            return Reply([frame.send(Command.CHALLENGE, self._challenges[frame.auth_id])])
        if wanted == Command.KEYTURNER_STATES:
            state = m.encode_keyturner_state(self.lock_state, datetime.now(UTC), self.battery)
            return Reply([frame.send(Command.KEYTURNER_STATES, state)])
        return frame.error(E.K_ERROR_BAD_PARAMETER)

    def _unauthenticated(self, frame: _Frame) -> Reply | None:
        """The error for a command without the last challenge as its nonce, or (for a secured
        command) with the wrong security PIN; None when it may go on."""
        unsecured = frame.command in (
            Command.LOCK_ACTION,
            Command.REQUEST_CONFIG,
            Command.REQUEST_ADVANCED_CONFIG,
        )
        nonce = frame.payload[-32:] if unsecured else frame.payload[-34:-2]
        if self._challenges.pop(frame.auth_id, None) != nonce:
            return frame.error(E.K_ERROR_BAD_NONCE)
        if not unsecured and m.security_of(frame.payload)[1] != self.security_pin:
            return frame.error(E.K_ERROR_BAD_PIN)
        return None

    # One handler per authenticated command (the table, _USER_COMMANDS, follows the class).

    def _add_keypad_code(self, frame: _Frame) -> Reply:
        added = m.decode_added(frame.payload)
        problem = self._refusal(added)
        if problem is not None:
            return frame.error(problem)
        added = replace(added, code_id=self._next_code_id)
        self._next_code_id += 1
        self.codes[added.code_id] = added
        code_id = frame.send(Command.KEYPAD_CODE_ID, struct.pack("<H", added.code_id))
        return Reply([code_id, frame.complete()])

    def _request_keypad_codes(self, frame: _Frame) -> Reply:
        offset, count = struct.unpack("<HH", frame.payload[:4])
        listed = sorted(self.codes.values(), key=lambda c: c.code_id)[offset : offset + count]
        frames = [frame.send(Command.KEYPAD_CODE_COUNT, struct.pack("<H", len(self.codes)))]
        frames += [frame.send(Command.KEYPAD_CODE, m.encode_keypad_entry(c)) for c in listed]
        return Reply([*frames, frame.complete()])

    def _update_keypad_code(self, frame: _Frame) -> Reply:
        updated = m.decode_updated(frame.payload)
        if updated.code_id not in self.codes:
            return frame.error(E.K_ERROR_BAD_PARAMETER)
        problem = self._refusal(updated)
        if problem is not None:
            return frame.error(problem)
        self.codes[updated.code_id] = updated
        return Reply([frame.complete()])

    def _remove_keypad_code(self, frame: _Frame) -> Reply:
        (code_id,) = struct.unpack("<H", frame.payload[:2])
        if self.codes.pop(code_id, None) is None:
            return frame.error(E.K_ERROR_BAD_PARAMETER)
        return Reply([frame.complete()])

    def _lock_action(self, frame: _Frame) -> Reply:
        action = frame.payload[0]
        self.lock_state = (
            m.LockStateCode.LOCKED if action == m.LockAction.LOCK else m.LockStateCode.UNLOCKED
        )
        return Reply([frame.send(Command.STATUS, bytes([m.STATUS_ACCEPTED])), frame.complete()])

    def _request_config(self, frame: _Frame) -> Reply:
        config = m.encode_config(0x1A2B3C4D, "Nuki emulator", datetime.now(UTC), keypad=True)
        return Reply([frame.send(Command.CONFIG, config)])

    def _request_advanced_config(self, frame: _Frame) -> Reply:
        return Reply([frame.send(Command.ADVANCED_CONFIG, self.advanced_config)])

    def _set_advanced_config(self, frame: _Frame) -> Reply:
        if len(frame.payload) != m.ADVANCED_CONFIG_LEN - 2 + 34:
            return frame.error(E.K_ERROR_BAD_PARAMETER)
        (total_degrees,) = struct.unpack_from("<H", self.advanced_config)
        self.advanced_config = m.advanced_config_of_set(frame.payload, total_degrees)
        return Reply([frame.complete()])

    @property
    def auto_lock(self) -> m.AutoLockConfig:
        return m.auto_lock_of(self.advanced_config)

    def _verify_security_pin(self, frame: _Frame) -> Reply:
        return Reply([frame.complete()])  # the PIN was checked before

    def _update_time(self, frame: _Frame) -> Reply:
        self.clock_set_to = m.decode_date(frame.payload[:7])
        return Reply([frame.complete()])

    def _refusal(self, code: m.KeypadCode) -> int | None:
        if not valid_keypad_code(code.code):
            return E.K_ERROR_CODE_INVALID
        if any(c.code == code.code and c.code_id != code.code_id for c in self.codes.values()):
            return E.K_ERROR_CODE_ALREADY_EXISTS
        if code.code_id == 0 and len(self.codes) >= self.max_codes:
            return E.K_ERROR_TOO_MANY_ENTRIES
        return None

    def _count(self, command: int) -> None:
        self.received[command] = self.received.get(command, 0) + 1

    # -- what a person does at the lock ------------------------------------------------------

    def keypad_enter(self, code: int, at: datetime) -> bool:
        for entry in self.codes.values():
            if entry.code != code or not entry.enabled:
                continue
            window = entry.window
            if window is None or window.starts_at <= at < window.ends_at:
                self.lock_state = m.LockStateCode.UNLOCKED
                return True
        return False


VERIFY_SECURITY_PIN = 0x0020
UPDATE_TIME = 0x0021

_USER_COMMANDS: dict[int, Callable[[NukiModel, _Frame], Reply]] = {
    Command.ADD_KEYPAD_CODE: NukiModel._add_keypad_code,
    Command.REQUEST_KEYPAD_CODES: NukiModel._request_keypad_codes,
    Command.UPDATE_KEYPAD_CODE: NukiModel._update_keypad_code,
    Command.REMOVE_KEYPAD_CODE: NukiModel._remove_keypad_code,
    Command.LOCK_ACTION: NukiModel._lock_action,
    Command.REQUEST_CONFIG: NukiModel._request_config,
    Command.REQUEST_ADVANCED_CONFIG: NukiModel._request_advanced_config,
    Command.SET_ADVANCED_CONFIG: NukiModel._set_advanced_config,
    VERIFY_SECURITY_PIN: NukiModel._verify_security_pin,
    UPDATE_TIME: NukiModel._update_time,
}


def _plain_error(code: int, command: int) -> bytes:
    return plain(Command.ERROR_REPORT, bytes([code]) + struct.pack("<H", command))
