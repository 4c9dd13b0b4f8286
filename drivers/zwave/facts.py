"""What a Z-Wave lock node is, as plain data, and the lock capabilities that follow (pure)."""

from __future__ import annotations

from dataclasses import dataclass

from drivers.base import Capabilities, CodeRules

# Z-Wave manufacturer ids of the brands the cloud API has device types for.
BRANDS = {0x003B: "schlage", 0x0090: "kwikset", 0x0129: "yale", 0x0109: "yale"}
# Schlage keeps every code at the length set in configuration parameter 16.
SCHLAGE_CODE_LENGTH_PARAM = 16
ZWAVE_LENGTHS = (4, 5, 6, 7, 8, 9, 10)  # what User Code CC allows
MASK_CHAR = "*"


@dataclass(frozen=True)
class NodeFacts:
    home_id: int
    node_id: int
    manufacturer_id: int | None
    product_type: int | None
    product_id: int | None
    label: str | None
    users: int
    user_code_version: int
    exact_length: int | None = None
    has_year_day_schedules: bool = False
    # Door Lock CC v4's auto-relock (its time is a Door Lock configuration field).
    has_auto_relock: bool = False


def lock_ref(home_id: int, node_id: int) -> str:
    """Stable across restarts: the controller's home id and the node id."""
    return f"{home_id:08x}-{node_id}"


def brand(facts: NodeFacts) -> str:
    return BRANDS.get(facts.manufacturer_id or -1, "zwave")


def capabilities(facts: NodeFacts) -> Capabilities:
    lengths: tuple[int, ...] = (facts.exact_length,) if facts.exact_length else ZWAVE_LENGTHS
    if brand(facts) == "kwikset" or (brand(facts) == "schlage" and not facts.exact_length):
        lengths = (4, 5, 6, 7, 8)
    model = facts.label or (
        f"Z-Wave lock {facts.product_type or 0:04x}:{facts.product_id or 0:04x}"
    )
    return Capabilities(
        slot_count=facts.users,
        code_rules=CodeRules(lengths=lengths),
        manufacturer=brand(facts),
        model=model,
        has_checksum=facts.user_code_version >= 2,
        supports_schedules=facts.has_year_day_schedules,
        can_configure_auto_lock=facts.has_auto_relock,
    )


# zwave-js's SecurityClass: what a lock's PINs travel under on the air.
S2_ACCESS_CONTROL, S0_LEGACY = 2, 7
SECURE_FOR_PINS = {S2_ACCESS_CONTROL, S0_LEGACY}
SECURITY_NAMES = {-1: "no security", 0: "S2 Unauthenticated", 1: "S2 Authenticated"}


def insecure_reason(security_class: int | None) -> str | None:
    """Why PINs sent to a lock travel readable on the air (None: they do not): a lock must be
    included with S2 Access Control or S0."""
    if security_class is not None and int(security_class) in SECURE_FOR_PINS:
        return None
    how = (
        "an unknown security class"
        if security_class is None
        else SECURITY_NAMES.get(int(security_class), f"security class {int(security_class)}")
    )
    return (
        f"the lock was included with {how}, not S2 Access Control or S0: "
        "PINs sent to it travel over the air in the clear"
    )


def is_masked(code: str) -> bool:
    return bool(code) and set(code) == {MASK_CHAR}


def occupied(status: int | None, code: str | None) -> bool:
    """User id status 1 (enabled) or 2 (disabled) with a code; an all-zero code only counts
    when the status says the slot is in use (lock-quirks.md: cleared slots read back "0000")."""
    return status in (1, 2) and bool(code)
