"""The locks of the parity tests' daemon, and helpers their tests share."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from drivers.codes import code_violations
from drivers.virtual.profiles import PROFILES

LOCKS = {
    # name: profile
    "Parity front": "zwave-30",
    "Parity back": "zwave-250",
    "Parity garage": "nuki",
    "Parity shed": "zwave-30",
    "Parity cellar": "zwave-30",
    "Parity attic": "zwave-30",
    "Parity porch": "zwave-30",
}


def iso_in(delta: timedelta) -> str:
    return (datetime.now(UTC) + delta).isoformat()


def accepted(pin: str, profile: str) -> bool:
    return not code_violations(pin, PROFILES[profile].code_rules)
