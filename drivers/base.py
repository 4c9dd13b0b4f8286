"""The slot-level driver contract every kind of lock implements.

A driver is the view of one lock as numbered PIN slots. The gateway's reconciler is the only
caller; it serialises operations per lock, so a driver never has to handle two at once.
Errors are typed so the reconciler can tell "try again later" from "this will never work".
"""

from __future__ import annotations

import abc
import contextlib
import dataclasses
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

DIGITS = "0123456789"


@dataclass(frozen=True)
class CodeRules:
    """What PINs a lock accepts."""

    lengths: tuple[int, ...]
    alphabet: str = DIGITS
    # Seam constraint types the lock declares, e.g. "no_zeros", "cannot_start_with_12".
    constraints: tuple[str, ...] = ()


@dataclass(frozen=True)
class Capabilities:
    """What a lock can do, as reported by its driver."""

    slot_count: int
    code_rules: CodeRules
    manufacturer: str
    model: str
    first_slot: int = 1
    name_max_length: int | None = None
    keeps_names: bool = False
    masked_readback: bool = False
    supports_schedules: bool = False
    has_checksum: bool = False
    can_lock: bool = True
    # The lock relocks by itself after a delay the hub can set (Door Lock CC auto-relock,
    # Nuki auto-lock): `LockDriver.configure_auto_lock`.
    can_configure_auto_lock: bool = False

    @property
    def slots(self) -> range:
        return range(self.first_slot, self.first_slot + self.slot_count)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Capabilities:
        fields = dict(data)
        rules = fields.pop("code_rules")
        return cls(
            code_rules=CodeRules(
                lengths=tuple(rules["lengths"]),
                alphabet=rules["alphabet"],
                constraints=tuple(rules["constraints"]),
            ),
            **fields,
        )


@dataclass(frozen=True)
class Window:
    """A window kept on the lock itself, where the lock can hold one."""

    starts_at: datetime
    ends_at: datetime


@dataclass(frozen=True)
class SlotReading:
    """One slot as read from the lock.

    `code` is None when the slot is empty, and also when it is occupied but the lock masks
    read-back (`masked` is then True): "occupied, value unknown" is not a mismatch.
    """

    slot: int
    occupied: bool
    code: str | None = None
    name: str | None = None
    masked: bool = False
    window: Window | None = None


class LockEventKind(StrEnum):
    SLOT_CHANGED = "slot_changed"  # a code was added/changed/removed at the keypad
    CODE_USED = "code_used"  # keypad unlock with a slot
    ONLINE = "online"
    OFFLINE = "offline"
    BATTERY = "battery"
    LOCKED = "locked"
    UNLOCKED = "unlocked"
    DUPLICATE_REJECTED = "duplicate_rejected"


@dataclass(frozen=True)
class LockEvent:
    kind: LockEventKind
    slot: int | None = None
    battery_level: float | None = None
    occurred_at: datetime | None = None
    automatic: bool = False  # LOCKED by the lock itself (auto-lock), not by a hand or a key


@dataclass(frozen=True)
class LockState:
    online: bool
    locked: bool | None = None
    battery_level: float | None = None


class DriverError(Exception):
    """Base of every error a driver raises."""


class TransientDriverError(DriverError):
    """The operation may work later: retry with backoff."""


class LockOffline(TransientDriverError):
    pass


class LockTimeout(TransientDriverError):
    pass


class PermanentDriverError(DriverError):
    """The operation will not work by retrying it: surface it as an access-code error."""


class DuplicateCode(PermanentDriverError):
    pass


class NoSpace(PermanentDriverError):
    pass


class InvalidCode(PermanentDriverError):
    pass


@dataclass(frozen=True)
class AutoLock:
    """A lock's auto-lock setting: relock by itself `delay_seconds` after it was unlocked."""

    enabled: bool
    delay_seconds: float | None = None


@dataclass
class LockInfo:
    """How a driver identifies a lock to the gateway (stable across restarts)."""

    driver: str
    ref: str
    name: str
    capabilities: Capabilities
    extra: dict[str, str] = field(default_factory=dict)


class LockDriver(abc.ABC):
    """One lock, as slots."""

    @property
    @abc.abstractmethod
    def info(self) -> LockInfo: ...

    @abc.abstractmethod
    async def state(self) -> LockState: ...

    @abc.abstractmethod
    async def read_slots(self) -> list[SlotReading]:
        """Every slot of the lock (occupied or not)."""

    @abc.abstractmethod
    async def read_slot(self, slot: int) -> SlotReading: ...

    @abc.abstractmethod
    async def write_slot(
        self, slot: int, code: str, name: str | None, window: Window | None = None
    ) -> None:
        """Program `code` into `slot`; returns once the lock has acknowledged it."""

    @abc.abstractmethod
    async def clear_slot(self, slot: int) -> None: ...

    def batch(self) -> AbstractAsyncContextManager[None]:
        """Operations inside share what is costly to set up per operation (a BLE connection);
        the reconciler runs each pass in one."""
        return contextlib.nullcontext()

    async def checksum(self) -> int | None:
        """A cheap fingerprint of all slots, where the lock has one (User Code v2)."""
        return None

    def expected_checksum(self, codes: dict[int, str]) -> int | None:
        """The checksum the lock should report if it holds exactly `codes` (slot -> PIN)."""
        return None

    async def set_locked(self, locked: bool) -> None:
        raise PermanentDriverError("this lock cannot be locked or unlocked remotely")

    async def configure_auto_lock(self, setting: AutoLock) -> AutoLock:
        """Turn the lock's auto-lock on (after `setting.delay_seconds`) or off; returns the
        setting the lock holds now (it may round the delay). Optional: where a lock has
        `capabilities.can_configure_auto_lock`."""
        raise PermanentDriverError("this lock has no auto-lock the hub can configure")

    @abc.abstractmethod
    def events(self) -> AsyncIterator[LockEvent]:
        """Lock events as they happen; the iterator ends when the driver closes."""

    async def close(self) -> None:  # noqa: B027 - optional hook
        pass
