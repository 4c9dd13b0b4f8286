"""User Credential CC locks as slots, in plain data (pure).

A slot is a user (user id = slot) holding one PIN credential (PIN credential slot = slot).
What zwave-js's Access Control API answers (users, credentials, capabilities, results) and the
value events of the CC are translated here; the radio work is in `user_credential.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from drivers.base import Capabilities, CodeRules, SlotReading
from drivers.checksum import crc16_ccitt

USER_CREDENTIAL_CC = 131
PIN_CODE = 1  # credential type
ASCII, EXTENDED_ASCII, UTF16BE = 0, 1, 2  # user name encodings
MAX_PIN_LENGTH_DEFAULT = 10

# zwave-js's SetUserResult / SetCredentialResult (Access Control API).
OK = 0
LOCATION_OCCUPIED = 1
LOCATION_EMPTY = 2
DUPLICATE_CREDENTIAL = 3
MANUFACTURER_SECURITY_RULES = 4
DUPLICATE_ADMIN_CODE = 5
WRONG_USER = 6


@dataclass(frozen=True)
class CredentialFacts:
    """What a User Credential lock says it can do (zwave-js's cached capabilities and values)."""

    max_users: int
    pin_slots: int
    min_length: int
    max_length: int
    max_name_length: int | None
    name_encodings: tuple[int, ...] = (ASCII,)
    user_schedules: bool = False
    all_users_checksum: bool = False
    credential_checksum: bool = False
    admin_code: bool = False


def facts_from(
    user_caps: Mapping[str, Any], credential_caps: Mapping[str, Any], values: Mapping[str, Any]
) -> CredentialFacts | None:
    """From `get_user_capabilities_cached`, `get_credential_capabilities_cached` and the CC's
    cached values (`supportsUserSchedule`...). None when the lock keeps no PIN users (zwave-js
    reports 0 users for a lock that runs in User Code CC mode)."""
    types = credential_caps.get("supportedCredentialTypes") or {}
    pin = types.get(str(PIN_CODE)) or types.get(PIN_CODE)
    users = _int(user_caps.get("maxUsers"))
    if not users or not isinstance(pin, Mapping) or not _int(pin.get("numberOfCredentialSlots")):
        return None
    encodings = values.get("supportedUserNameEncodings")
    return CredentialFacts(
        max_users=users,
        pin_slots=_int(pin.get("numberOfCredentialSlots")),
        min_length=_int(pin.get("minCredentialLength")) or 4,
        max_length=_int(pin.get("maxCredentialLength")) or MAX_PIN_LENGTH_DEFAULT,
        max_name_length=_int(user_caps.get("maxUserNameLength")) or None,
        name_encodings=tuple(e for e in encodings if isinstance(e, int))
        if isinstance(encodings, list)
        else (ASCII,),
        user_schedules=values.get("supportsUserSchedule") is True,
        all_users_checksum=values.get("supportsAllUsersChecksum") is True,
        credential_checksum=values.get("supportsCredentialChecksum") is True,
        admin_code=credential_caps.get("supportsAdminCode") is True,
    )


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def credential_capabilities(facts: CredentialFacts, base: Capabilities) -> Capabilities:
    """The lock's own limits replace the User Code defaults; the hub keeps the time of
    windows (zwave-js has no API for the CC's user schedules)."""
    low = max(1, facts.min_length)
    high = max(low, facts.max_length)
    return Capabilities(
        slot_count=min(facts.max_users, facts.pin_slots),
        code_rules=CodeRules(lengths=tuple(range(low, high + 1))),
        manufacturer=base.manufacturer,
        model=base.model,
        name_max_length=facts.max_name_length,
        keeps_names=True,
        has_checksum=facts.credential_checksum,
        supports_schedules=False,
        can_lock=base.can_lock,
        can_configure_auto_lock=base.can_configure_auto_lock,
    )


def user_name(name: str | None, slot: int, facts: CredentialFacts) -> str:
    """The name the lock keeps for the slot's user: within its length and its encoding
    (ASCII unless the lock takes UTF-16); a user always has one."""
    text = (name or "").strip() or f"User {slot}"
    if UTF16BE not in facts.name_encodings:
        limit = 0xFF if EXTENDED_ASCII in facts.name_encodings else 0x7F
        text = "".join(c if 0x20 <= ord(c) <= limit else "?" for c in text)
    if facts.max_name_length:
        text = text[: facts.max_name_length]
    return text


def pin_checksum(codes: Mapping[int, str]) -> int:
    """The Credential Checksum the lock reports for its PIN credentials when it holds exactly
    `codes` (credential slot -> PIN): slot (2 bytes), length, data, in slot order."""
    data = bytearray()
    for slot in sorted(codes):
        pin = codes[slot].encode("ascii")
        data += slot.to_bytes(2, "big") + bytes([len(pin)]) + pin
    return 0 if not data else crc16_ccitt(bytes(data))


def user_exists(user: Any) -> bool:
    """zwave-js answers a Get for an empty user id with an inactive, nameless user."""
    return isinstance(user, Mapping) and bool(user.get("active") or user.get("userName"))


def pin_of(credential: Any) -> str | None:
    if not isinstance(credential, Mapping):
        return None
    data = credential.get("data")
    if isinstance(data, str) and data:
        return data
    if isinstance(data, Mapping) and data.get("type") == "Buffer":
        raw = bytes(data.get("data") or [])
        return raw.decode("ascii", "replace") or None
    return None


def reading(slot: int, user: Any, credential: Any, name: str | None = None) -> SlotReading:
    """One slot: occupied when its user exists or its PIN credential slot holds a PIN. A user
    without a PIN (another client's, say) is occupied with a value nobody can read."""
    pin = pin_of(credential)
    if pin is not None:
        return SlotReading(slot=slot, occupied=True, code=pin, name=name)
    if user_exists(user):
        return SlotReading(slot=slot, occupied=True, masked=True, name=name)
    return SlotReading(slot=slot, occupied=False)


def readings(slots: range, users: list[Any], credentials: list[Any]) -> list[SlotReading]:
    """Every slot, from one sweep of the users and one of the PIN credentials."""
    by_user = {u.get("userId"): u for u in users if isinstance(u, Mapping)}
    by_slot = {
        c.get("slot"): c
        for c in credentials
        if isinstance(c, Mapping) and c.get("type") in (PIN_CODE, None)
    }
    out = []
    for slot in slots:
        user = by_user.get(slot)
        name = user.get("userName") if isinstance(user, Mapping) else None
        out.append(reading(slot, user, by_slot.get(slot), name if isinstance(name, str) else None))
    return out


# zwave-js's node events for the CC (forwarded by the server from schema 48): the lock's
# reports of users and credentials, whoever changed them (our writes, the keypad, another client).
CREDENTIAL_EVENTS = ("credential added", "credential modified", "credential deleted")
USER_EVENTS = ("user deleted",)


def from_access_control(
    event: str, user_id: Any, credential_type: Any, slot: Any, data: Any
) -> tuple[int, bool, str | None] | None:
    """An Access Control event as (slot, occupied, PIN) of the slot it concerns, or None when
    it concerns no PIN slot (another credential type; users added or renamed follow their
    credential)."""
    if event == "user deleted":
        return (user_id, False, None) if isinstance(user_id, int) and user_id > 0 else None
    if event not in CREDENTIAL_EVENTS or credential_type != PIN_CODE:
        return None
    if not isinstance(slot, int) or slot <= 0:
        return None
    if event == "credential deleted":
        return slot, False, None
    if isinstance(data, bytes):
        data = data.decode("ascii", "replace")
    pin = data if isinstance(data, str) and data else None
    # A report without the PIN (a lock that hashes it) says the slot holds something.
    return slot, True, pin


def credential_refusal(result: Any) -> str | None:
    """Why the lock refused a PIN credential (None: it took it)."""
    reasons = {
        DUPLICATE_CREDENTIAL: "duplicate",
        DUPLICATE_ADMIN_CODE: "duplicate",
        MANUFACTURER_SECURITY_RULES: "the lock's security rules refuse this PIN",
        LOCATION_OCCUPIED: "the credential slot is taken",
        LOCATION_EMPTY: "the credential slot is empty",
        WRONG_USER: "the credential slot belongs to another user",
    }
    if result == OK:
        return None
    return reasons.get(result, f"the lock refused the PIN (result {result})")
