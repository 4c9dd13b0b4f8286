"""User Credential CC locks as slots, in tables: the capabilities a lock reports become the code
rules; names fit the lock's length and encoding; a slot's reading from its user and PIN
credential; the PIN credential checksum the lock reports (a value taken from zwave-js's own
mock lock); the lock's events and verdicts; and which security classes let PINs travel."""

from __future__ import annotations

from typing import Any

import pytest

from drivers.base import Capabilities, CodeRules, SlotReading
from drivers.zwave.facts import insecure_reason
from drivers.zwave.user_credential_translate import (
    ASCII,
    EXTENDED_ASCII,
    UTF16BE,
    CredentialFacts,
    credential_capabilities,
    credential_refusal,
    facts_from,
    from_access_control,
    pin_checksum,
    reading,
    readings,
    user_name,
)

USER_CAPS = {"maxUsers": 10, "maxUserNameLength": 16, "supportedCredentialRules": [1]}
PIN_CAPS = {
    "supportedCredentialTypes": {
        "1": {"numberOfCredentialSlots": 8, "minCredentialLength": 6, "maxCredentialLength": 9}
    },
    "supportsAdminCode": True,
}
VALUES = {
    "supportedUserNameEncodings": [0],
    "supportsUserSchedule": True,
    "supportsAllUsersChecksum": True,
    "supportsCredentialChecksum": True,
}
FACTS = CredentialFacts(max_users=10, pin_slots=8, min_length=6, max_length=9, max_name_length=5)
BASE = Capabilities(slot_count=30, code_rules=CodeRules((4, 5)), manufacturer="yale", model="X")


def rows(*cases: tuple[Any, ...]) -> list[Any]:
    return [pytest.param(*case[1:], id=case[0]) for case in cases]


def test_the_locks_capabilities_become_facts() -> None:
    assert facts_from(USER_CAPS, PIN_CAPS, VALUES) == CredentialFacts(
        max_users=10,
        pin_slots=8,
        min_length=6,
        max_length=9,
        max_name_length=16,
        name_encodings=(ASCII,),
        user_schedules=True,
        all_users_checksum=True,
        credential_checksum=True,
        admin_code=True,
    )


@pytest.mark.parametrize(
    ("user_caps", "pin_caps"),
    rows(
        ("no users: the lock runs in User Code CC mode", {**USER_CAPS, "maxUsers": 0}, PIN_CAPS),
        ("no PIN credential type", USER_CAPS, {"supportedCredentialTypes": {"3": {}}}),
        ("nothing known yet", {}, {}),
    ),
)
def test_a_lock_without_pin_users_is_not_driven_through_the_cc(
    user_caps: dict[str, Any], pin_caps: dict[str, Any]
) -> None:
    assert facts_from(user_caps, pin_caps, VALUES) is None


def test_the_code_rules_follow_the_lock_and_the_hub_keeps_the_time() -> None:
    caps = credential_capabilities(FACTS, BASE)
    assert caps.slot_count == 8  # users with a PIN slot each
    assert caps.code_rules.lengths == (6, 7, 8, 9)
    assert caps.name_max_length == 5 and caps.keeps_names
    assert not caps.supports_schedules  # zwave-js has no API for the CC's user schedules
    assert not caps.has_checksum  # no credential checksum in FACTS
    assert (caps.manufacturer, caps.model) == ("yale", "X")


@pytest.mark.parametrize(
    ("name", "encodings", "kept"),
    rows(
        ("cut to the lock's length", "Front desk", (ASCII,), "Front"),
        ("non-ASCII replaced", "Zoë", (ASCII,), "Zo?"),
        ("extended ASCII kept where the lock takes it", "Zoë", (EXTENDED_ASCII,), "Zoë"),
        ("UTF-16 keeps everything", "山田", (UTF16BE,), "山田"),
        ("a user always has a name", None, (ASCII,), "User "),
        ("blank is no name", "  ", (ASCII,), "User "),
    ),
)
def test_user_names_fit_the_lock(name: str | None, encodings: tuple[int, ...], kept: str) -> None:
    facts = CredentialFacts(1, 1, 4, 8, max_name_length=5, name_encodings=encodings)
    assert user_name(name, 7, facts) == kept


def test_the_pin_checksum_is_the_one_the_lock_reports() -> None:
    # zwave-js's mock User Credential lock holding "5555" in PIN slot 3 reports 32251.
    assert pin_checksum({3: "5555"}) == 32251
    assert pin_checksum({}) == 0
    assert pin_checksum({1: "1234", 2: "5678"}) == pin_checksum({2: "5678", 1: "1234"})
    assert pin_checksum({1: "1234"}) != pin_checksum({2: "1234"})


EMPTY_USER = {"userId": 4, "active": False, "userType": 0, "userName": "", "credentialRule": 1}
USER = {"userId": 4, "active": True, "userName": "Guest"}


@pytest.mark.parametrize(
    ("user", "credential", "expected"),
    rows(
        ("a PIN", USER, {"userId": 4, "type": 1, "slot": 4, "data": "4826"},
         SlotReading(4, occupied=True, code="4826")),
        ("an empty slot (zwave-js answers a nameless inactive user)", EMPTY_USER,
         {"userId": 0, "type": 1, "slot": 4, "data": ""}, SlotReading(4, occupied=False)),
        ("a user without a PIN: occupied, value unknown", USER, None,
         SlotReading(4, occupied=True, masked=True)),
        ("a PIN as a buffer", None, {"data": {"type": "Buffer", "data": [49, 50, 51, 52]}},
         SlotReading(4, occupied=True, code="1234")),
    ),
)  # fmt: skip
def test_a_slot_reads_from_its_user_and_pin(user: Any, credential: Any, expected: Any) -> None:
    assert reading(4, user, credential) == expected


def test_a_full_read_puts_users_and_pins_in_their_slots() -> None:
    users = [{"userId": 1, "active": True, "userName": "A"}, {"userId": 3, "userName": "C"}]
    pins = [{"userId": 1, "type": 1, "slot": 1, "data": "1111"}]
    assert readings(range(1, 4), users, pins) == [
        SlotReading(1, occupied=True, code="1111", name="A"),
        SlotReading(2, occupied=False),
        SlotReading(3, occupied=True, masked=True, name="C"),
    ]


@pytest.mark.parametrize(
    ("event", "user", "ctype", "slot", "data", "expected"),
    rows(
        ("a PIN added", "credential added", 3, 1, 3, "4826", (3, True, "4826")),
        ("a PIN changed", "credential modified", 3, 1, 3, b"1111", (3, True, "1111")),
        ("a hashed PIN: occupied, value unknown", "credential added", 3, 1, 3, None,
         (3, True, None)),
        ("a PIN deleted", "credential deleted", 3, 1, 3, None, (3, False, None)),
        ("a user deleted", "user deleted", 3, None, None, None, (3, False, None)),
        ("all users deleted: no one slot", "user deleted", 0, None, None, None, None),
        ("another credential type", "credential added", 3, 3, 3, "card", None),
        ("a user renamed follows its credential", "user modified", 3, None, None, None, None),
    ),
)  # fmt: skip
def test_the_locks_reports_become_slot_changes(
    event: str, user: Any, ctype: Any, slot: Any, data: Any, expected: Any
) -> None:
    assert from_access_control(event, user, ctype, slot, data) == expected


@pytest.mark.parametrize(
    ("result", "refusal"),
    rows(
        ("taken", 0, None),
        ("duplicate of another PIN", 3, "duplicate"),
        ("duplicate of the admin code", 5, "duplicate"),
        ("security rules", 4, "the lock's security rules refuse this PIN"),
        ("unknown", 255, "the lock refused the PIN (result 255)"),
    ),
)
def test_the_locks_verdict_on_a_pin(result: int, refusal: str | None) -> None:
    assert credential_refusal(result) == refusal


@pytest.mark.parametrize(
    ("security_class", "insecure"),
    rows(
        ("S2 Access Control", 2, False),
        ("S0", 7, False),
        ("S2 Authenticated", 1, True),
        ("S2 Unauthenticated", 0, True),
        ("no security", -1, True),
        ("not known", None, True),
    ),
)
def test_pins_travel_only_under_s2_access_control_or_s0(
    security_class: int | None, insecure: bool
) -> None:
    reason = insecure_reason(security_class)
    assert (reason is not None) == insecure
    if reason is not None:
        assert "in the clear" in reason
