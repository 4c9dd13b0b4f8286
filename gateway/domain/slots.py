"""A lock's slots as the gateway keeps them: who owns each, and what it last saw there."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from drivers.base import Window


class Owner(StrEnum):
    MANAGED = "managed"
    POOL = "pool"
    UNMANAGED = "unmanaged"


class SlotState(NamedTuple):
    """What the gateway last saw (or is about to write) in one slot of a lock."""

    slot: int
    owner: Owner
    access_code_id: str | None
    code: str | None
    masked: bool
    name: str | None
    pending: str | None  # "write" | "clear" while an operation is unconfirmed
    suspended: bool  # the slot's failure breaker is open
    window: Window | None = None  # the window the lock keeps with the code, if any
