"""Payloads of the Nuki commands the driver uses (sans-IO): keypad codes, state, lock actions,
status and error reports. Times are UTC (the driver sets the lock's clock in UTC)."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum

from drivers.base import (
    DriverError,
    DuplicateCode,
    InvalidCode,
    LockTimeout,
    NoSpace,
    PermanentDriverError,
    TransientDriverError,
    Window,
)

NAME_LEN = 20
EVERY_DAY = 0x7F  # weekday bits: Monday (bit 6) ... Sunday (bit 0)
STATUS_COMPLETE, STATUS_ACCEPTED = 0x00, 0x01
_DATE = struct.Struct("<HBBBBB")
_NO_DATE = bytes(_DATE.size)


class ErrorCode(IntEnum):
    P_ERROR_NOT_PAIRING = 0x10
    P_ERROR_BAD_AUTHENTICATOR = 0x11
    K_ERROR_NOT_AUTHORIZED = 0x20
    K_ERROR_BAD_PIN = 0x21
    K_ERROR_BAD_NONCE = 0x22
    K_ERROR_BAD_PARAMETER = 0x23
    K_ERROR_TOO_MANY_ENTRIES = 0x29
    K_ERROR_CODE_ALREADY_EXISTS = 0x2A
    K_ERROR_CODE_INVALID = 0x2B
    K_ERROR_BUSY = 0x45
    ERROR_UNKNOWN = 0xFF


class LockStateCode(IntEnum):
    UNCALIBRATED = 0x00
    LOCKED = 0x01
    UNLOCKING = 0x02
    UNLOCKED = 0x03
    LOCKING = 0x04


class LockAction(IntEnum):
    UNLOCK = 0x01
    LOCK = 0x02


def error_for(code: int, command: int) -> DriverError:
    """A lock's error report as the driver contract's typed error."""
    message = f"Nuki error 0x{code:02x} for command 0x{command:04x}"
    permanent: dict[int, type[PermanentDriverError]] = {
        ErrorCode.K_ERROR_CODE_ALREADY_EXISTS: DuplicateCode,
        ErrorCode.K_ERROR_CODE_INVALID: InvalidCode,
        ErrorCode.K_ERROR_TOO_MANY_ENTRIES: NoSpace,
        ErrorCode.K_ERROR_BAD_PARAMETER: InvalidCode,
        ErrorCode.K_ERROR_BAD_PIN: PermanentDriverError,
        ErrorCode.K_ERROR_NOT_AUTHORIZED: PermanentDriverError,
        ErrorCode.P_ERROR_NOT_PAIRING: PermanentDriverError,
    }
    kind = permanent.get(code)
    if kind is not None:
        return kind(message)
    if code == ErrorCode.K_ERROR_BUSY:
        return LockTimeout(message)
    return TransientDriverError(message)


def encode_date(moment: datetime | None) -> bytes:
    if moment is None:
        return _NO_DATE
    utc = moment.astimezone(UTC)
    return _DATE.pack(utc.year, utc.month, utc.day, utc.hour, utc.minute, utc.second)


def decode_date(data: bytes) -> datetime | None:
    year, month, day, hour, minute, second = _DATE.unpack(data)
    if year == 0:
        return None
    try:
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    except ValueError:
        return None


def _name(name: str | None) -> bytes:
    raw = (name or "").encode("utf-8")[:NAME_LEN]
    while raw:  # never cut a character in half
        try:
            raw.decode("utf-8")
            break
        except UnicodeDecodeError:
            raw = raw[:-1]
    return raw.ljust(NAME_LEN, b"\0")


def _unname(data: bytes) -> str:
    return data.rstrip(b"\0").decode("utf-8", errors="replace")


@dataclass(frozen=True)
class KeypadCode:
    code_id: int
    code: int
    name: str
    enabled: bool = True
    window: Window | None = None


def _window(window: Window | None) -> bytes:
    limited = window is not None
    return (
        bytes([int(limited)])
        + encode_date(window.starts_at if window else None)
        + encode_date(window.ends_at if window else None)
        + bytes([EVERY_DAY, 0, 0, 0, 0])
    )


def _unwindow(data: bytes) -> Window | None:
    limited = data[0]
    start, end = decode_date(data[1:8]), decode_date(data[8:15])
    if not limited or start is None or end is None:
        return None
    return Window(start, end)


WINDOW_LEN = 1 + 7 + 7 + 1 + 2 + 2


def _secured(nonce: bytes, pin: int) -> bytes:
    return nonce + struct.pack("<H", pin)


def add_keypad_code(
    code: int, name: str | None, window: Window | None, nonce: bytes, pin: int
) -> bytes:
    return struct.pack("<I", code) + _name(name) + _window(window) + _secured(nonce, pin)


def _head(entry: KeypadCode) -> bytes:
    """code_id, code, name: how every keypad-code message starts (add has no id yet)."""
    return struct.pack("<HI", entry.code_id, entry.code) + _name(entry.name)


def _unhead(data: bytes) -> tuple[int, int, str, bool]:
    """code_id, code, name and enabled, from the start of an entry or an update."""
    code_id, code = struct.unpack("<HI", data[:6])
    return code_id, code, _unname(data[6 : 6 + NAME_LEN]), bool(data[6 + NAME_LEN])


def update_keypad_code(entry: KeypadCode, nonce: bytes, pin: int) -> bytes:
    return _head(entry) + bytes([int(entry.enabled)]) + _window(entry.window) + _secured(nonce, pin)


def remove_keypad_code(code_id: int, nonce: bytes, pin: int) -> bytes:
    return struct.pack("<H", code_id) + _secured(nonce, pin)


def request_keypad_codes(offset: int, count: int, nonce: bytes, pin: int) -> bytes:
    return struct.pack("<HH", offset, count) + _secured(nonce, pin)


def request_data(command: int) -> bytes:
    return struct.pack("<H", command)


def lock_action(action: LockAction, app_id: int, nonce: bytes) -> bytes:
    return bytes([action]) + struct.pack("<IB", app_id, 0) + nonce


# -- what the lock sends ---------------------------------------------------------------------

KEYPAD_ENTRY_LEN = 2 + 4 + NAME_LEN + 1 + 7 + 7 + 2 + WINDOW_LEN


def encode_keypad_entry(entry: KeypadCode, created: datetime | None = None) -> bytes:
    """What the lock sends for one code (0x0045); the emulator's side of it."""
    dates = encode_date(created) + encode_date(None) + struct.pack("<H", 0)
    return _head(entry) + bytes([int(entry.enabled)]) + dates + _window(entry.window)


def decode_keypad_entry(data: bytes) -> KeypadCode:
    window_at = 6 + NAME_LEN + 1 + 7 + 7 + 2  # after created, last active and lock count
    return KeypadCode(*_unhead(data), _unwindow(data[window_at:]))


def decode_added(data: bytes) -> KeypadCode:
    """The lock's side of 0x0041: (code, name, window), code_id not yet assigned."""
    (code,) = struct.unpack("<I", data[:4])
    name = _unname(data[4 : 4 + NAME_LEN])
    return KeypadCode(0, code, name, True, _unwindow(data[4 + NAME_LEN :]))


def decode_updated(data: bytes) -> KeypadCode:
    return KeypadCode(*_unhead(data), _unwindow(data[7 + NAME_LEN :]))


def security_of(payload: bytes) -> tuple[bytes, int]:
    """(nonce, security pin) at the end of a secured command."""
    return payload[-34:-2], struct.unpack("<H", payload[-2:])[0]


@dataclass(frozen=True)
class KeyturnerState:
    lock_state: int
    time: datetime | None
    battery_critical: bool
    battery_percent: int | None


def encode_keyturner_state(lock_state: int, now: datetime, battery_percent: int) -> bytes:
    battery = ((battery_percent // 2) << 2) | (1 if battery_percent < 20 else 0)
    return (
        bytes([0x02, lock_state, 0x00])
        + encode_date(now)
        + struct.pack("<h", 0)
        + bytes([battery, 0, 0, 0, 0, 0])
    )


def decode_keyturner_state(data: bytes) -> KeyturnerState:
    battery = data[12]
    return KeyturnerState(
        lock_state=data[1],
        time=decode_date(data[3:10]),
        battery_critical=bool(battery & 1),
        battery_percent=(battery >> 2) * 2,
    )


def encode_config(nuki_id: int, name: str, now: datetime, *, keypad: bool) -> bytes:
    """The lock's CONFIG (0x0015): what the emulator sends; the driver reads the keypad flags."""
    head = struct.pack("<I", nuki_id) + name.encode("utf-8")[:32].ljust(32, b"\0")
    head += struct.pack("<ff", 0.0, 0.0) + bytes([0, 0, 1, 1, 3])
    tail = bytes([0, 0, 0, 0, 0, 0, 0, int(keypad)]) + bytes([4, 0, 0, 1, 0])
    return (
        head
        + encode_date(now)
        + struct.pack("<h", 0)
        + tail
        + bytes([0])
        + struct.pack("<H", 0)
        + bytes([4, 0, int(keypad)])
    )


# The lock's ADVANCED_CONFIG (0x0037) as Smart Lock API v2.2.1 lays it out: total degrees
# (uint16), four position offsets (int16), seven one-byte settings, the auto-lock timeout
# (uint16 seconds) at 17, ..., "auto lock enabled" at 28; 31 bytes (newer firmwares append
# more). SET_ADVANCED_CONFIG (0x0035) carries the same fields without the total degrees.
ADVANCED_CONFIG_LEN = 31
_AUTO_LOCK_TIMEOUT = 17
_AUTO_LOCK_ENABLED = 28


@dataclass(frozen=True)
class AutoLockConfig:
    enabled: bool
    timeout_seconds: int


def auto_lock_of(advanced: bytes) -> AutoLockConfig:
    (timeout,) = struct.unpack_from("<H", advanced, _AUTO_LOCK_TIMEOUT)
    return AutoLockConfig(bool(advanced[_AUTO_LOCK_ENABLED]), timeout)


def with_auto_lock(advanced: bytes, setting: AutoLockConfig) -> bytes:
    """`advanced` (as the lock reported it) with its auto-lock fields changed, nothing else."""
    changed = bytearray(advanced[:ADVANCED_CONFIG_LEN])
    struct.pack_into("<H", changed, _AUTO_LOCK_TIMEOUT, setting.timeout_seconds)
    changed[_AUTO_LOCK_ENABLED] = int(setting.enabled)
    return bytes(changed)


def set_advanced_config(advanced: bytes, nonce: bytes, pin: int) -> bytes:
    return advanced[2:ADVANCED_CONFIG_LEN] + nonce + struct.pack("<H", pin)


def advanced_config_of_set(payload: bytes, total_degrees: int) -> bytes:
    """The lock's side of SET_ADVANCED_CONFIG: the new ADVANCED_CONFIG it then reports."""
    return struct.pack("<H", total_degrees) + payload[: ADVANCED_CONFIG_LEN - 2]


def encode_advanced_config(setting: AutoLockConfig) -> bytes:
    """A factory-fresh lock's ADVANCED_CONFIG (what the emulator starts from)."""
    fields = bytearray(ADVANCED_CONFIG_LEN)
    struct.pack_into("<H", fields, 0, 90)  # total degrees
    fields[11:13] = bytes([1, 6])  # button: intelligent on one press, show status on two
    fields[14:17] = bytes([0, 1, 3])  # battery type, automatic detection, unlatch duration
    return with_auto_lock(bytes(fields), setting)
