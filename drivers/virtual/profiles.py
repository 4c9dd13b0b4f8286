"""Lock profiles for the virtual driver, modelled on real locks (see lock-quirks.md)."""

from __future__ import annotations

from drivers.base import Capabilities, CodeRules
from drivers.virtual.lock import Faults, VirtualLock

FOUR_TO_EIGHT = (4, 5, 6, 7, 8)

PROFILES: dict[str, Capabilities] = {
    # Z-Wave User Code v1, 30 slots (Schlage BE469-like; its exact-length mode is a config
    # parameter, the Z-Wave issue models it).
    "zwave-30": Capabilities(
        slot_count=30,
        code_rules=CodeRules(lengths=FOUR_TO_EIGHT),
        manufacturer="schlage",
        model="Virtual Z-Wave deadbolt (30 slots)",
        can_configure_auto_lock=True,
    ),
    # Z-Wave User Code v2, 250 slots with a checksum (Kwikset HC620-like).
    "zwave-250": Capabilities(
        slot_count=250,
        code_rules=CodeRules(lengths=FOUR_TO_EIGHT),
        manufacturer="kwikset",
        model="Virtual Z-Wave smart lock (250 slots)",
        can_configure_auto_lock=True,
        has_checksum=True,
    ),
    # A lock that masks read-back (Schlage reports "**********").
    "zwave-masked": Capabilities(
        slot_count=30,
        code_rules=CodeRules(lengths=FOUR_TO_EIGHT),
        manufacturer="schlage",
        model="Virtual Z-Wave deadbolt with masked read-back",
        can_configure_auto_lock=True,
        masked_readback=True,
    ),
    # Nuki keypad: 6 digits of 1-9, not starting with 12, names kept, windows on the lock.
    "nuki": Capabilities(
        slot_count=100,
        code_rules=CodeRules(
            lengths=(6,),
            alphabet="123456789",
            constraints=("no_zeros", "cannot_start_with_12"),
        ),
        manufacturer="nuki",
        model="Virtual Nuki Smart Lock with Keypad",
        can_configure_auto_lock=True,
        name_max_length=20,
        keeps_names=True,
        supports_schedules=True,
    ),
}


def make_lock(profile: str, ref: str, name: str, faults: Faults | None = None) -> VirtualLock:
    if profile not in PROFILES:
        known = ", ".join(sorted(PROFILES))
        raise ValueError(f"unknown virtual lock profile {profile!r} (known: {known})")
    return VirtualLock(
        ref=ref, name=name, capabilities=PROFILES[profile], faults=faults or Faults()
    )
