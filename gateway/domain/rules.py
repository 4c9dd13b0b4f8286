"""Pure checks of declared access codes: windows, PINs, overlaps."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple, Protocol

from drivers.base import Capabilities
from drivers.codes import code_violations
from gateway.domain.models import Device

Window = tuple[datetime | None, datetime | None]


class HoldsPin(Protocol):
    """What the duplicate check needs to know of a code on a lock."""

    @property
    def access_code_id(self) -> str: ...
    @property
    def code(self) -> str | None: ...
    @property
    def starts_at(self) -> datetime | None: ...
    @property
    def ends_at(self) -> datetime | None: ...
    @property
    def is_managed(self) -> bool: ...
    @property
    def deleting(self) -> bool: ...


class PinUse(NamedTuple):
    access_code_id: str
    code: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    is_managed: bool
    deleting: bool


def window_problems(
    starts_at: datetime | None, ends_at: datetime | None, now: datetime
) -> dict[str, str]:
    """Why a (starts_at, ends_at) pair is not a valid declaration; empty when it is."""
    if (starts_at is None) != (ends_at is None):
        missing = "ends_at" if ends_at is None else "starts_at"
        other = "starts_at" if missing == "ends_at" else "ends_at"
        return {missing: f"is required when {other} is given (a time-bound code needs both)"}
    if starts_at is None or ends_at is None:
        return {}
    if ends_at <= starts_at:
        return {"ends_at": "must be after starts_at"}
    if ends_at <= now:
        return {"ends_at": "must be in the future"}
    return {}


def pin_problems(code: str, capabilities: Capabilities) -> list[str]:
    return code_violations(code, capabilities.code_rules)


def windows_overlap(a: Window, b: Window) -> bool:
    """Ongoing codes (None, None) overlap everything."""
    a_start, a_end = a
    b_start, b_end = b
    if a_end is None or b_end is None:
        return True
    assert a_start is not None and b_start is not None
    return a_start < b_end and b_start < a_end


def conflicting_code[C: HoldsPin](
    pin: str, window: Window, codes: Sequence[C], *, ignore: str | None = None
) -> C | None:
    """A code on the same lock whose PIN is `pin` and whose time on the lock overlaps `window`.

    Unmanaged codes are on the lock now and stay there, so they conflict with any window. Codes
    being deleted are about to leave the lock and are ignored: the reconciler clears before it
    writes, so their PIN may be reused.
    """
    for other in codes:
        if other.access_code_id == ignore or other.deleting or other.code != pin:
            continue
        if not other.is_managed or windows_overlap(window, (other.starts_at, other.ends_at)):
            return other
    return None


def taken_pins(uses: Sequence[HoldsPin]) -> set[str]:
    """PINs a new code on this lock must not use: its codes, pool codes included (unless
    leaving)."""
    return {c.code for c in uses if c.code is not None and not c.deleting}


def appearance(device: Device, name: str | None) -> str | None:
    """The name as the lock will show it (None where the lock keeps no names)."""
    caps = device.capabilities
    if not caps.keeps_names or name is None:
        return None
    return name if caps.name_max_length is None else name[: caps.name_max_length]
