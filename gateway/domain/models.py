"""The gateway's plain data: what the API declares and what the locks report.

No I/O here. The store persists these, the API serialises them, the engine plans over them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from drivers.base import Capabilities


class CodeStatus(StrEnum):
    UNSET = "unset"
    SETTING = "setting"
    SET = "set"
    REMOVING = "removing"
    UNKNOWN = "unknown"


# Errors that mean "the lock refused this code": no retry loop until the declaration changes.
PERMANENT_CODE_ERRORS = frozenset(
    {"duplicate_code_on_device", "no_space_for_access_code_on_device", "failed_to_set_on_device"}
)


POOL = "pool"
PULLED = "pulled"


class ActionStatus(StrEnum):
    PENDING = "pending"
    SUCCESS = "success"
    ERROR = "error"


@dataclass(frozen=True)
class Issue:
    """An error or warning on an access code or a device."""

    code: str
    message: str
    created_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mutation:
    """A change declared but not yet confirmed on the lock (`pending_mutations`)."""

    code: str
    message: str
    created_at: datetime
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class AccessCode:
    access_code_id: str
    device_id: str
    name: str | None
    code: str | None
    created_at: datetime
    status: CodeStatus
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    common_code_key: str | None = None
    is_managed: bool = True
    is_external_modification_allowed: bool = False
    use_backup_access_code_pool: bool = False
    prefer_native_scheduling: bool = True
    is_backup: bool = False
    pulled_backup_access_code_id: str | None = None
    is_scheduled_on_device: bool = False
    appearance_name: str | None = None
    # The user asked for this code to go; it disappears once the lock no longer holds it.
    deleting: bool = False
    # Backup pool: "pool" while it waits in the pool (secret), "pulled" once handed out.
    pool_state: str | None = None
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    pending_mutations: list[Mutation] = field(default_factory=list)

    @property
    def type(self) -> str:
        return "time_bound" if self.ends_at is not None else "ongoing"

    @property
    def in_pool(self) -> bool:
        return self.pool_state == POOL


CodeRevision = tuple[int, int, str]
"""A listed code before it is rendered: where its row is (`seq`), at which revision (`rev`: the
store counts every change of the row up) and on which lock (`device_id`). A code rendered at
the same revision, with its lock's pool offering the same, renders the same."""


@dataclass
class Device:
    device_id: str
    driver: str
    ref: str
    display_name: str
    capabilities: Capabilities
    created_at: datetime
    nickname: str | None = None
    online: bool = False
    locked: bool | None = None
    battery_level: float | None = None
    is_managed: bool = True
    backup_access_code_pool_enabled: bool = False
    pool_size: int = 5
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)
    # The lock's auto-lock setting as last confirmed by it (None: never configured by the hub).
    auto_lock_enabled: bool | None = None
    auto_lock_delay_seconds: float | None = None
    # The cloud's custom_metadata: the app's own key:value pairs (strings or booleans).
    custom_metadata: dict[str, str | bool] = field(default_factory=dict)
    # Code lengths a client reported (/access_codes/report_device_constraints); the store
    # narrows `capabilities.code_rules` to them (None: the lock's own report stands).
    reported_code_lengths: tuple[int, ...] | None = None

    @property
    def name(self) -> str:
        return self.nickname or self.display_name

    @property
    def has_pool(self) -> bool:
        """Whether this lock keeps a backup code pool (turned on, and managed by the hub)."""
        return self.backup_access_code_pool_enabled and self.is_managed

    @property
    def pool_size_in_use(self) -> int:
        return self.pool_size if self.has_pool else 0


class ActionType(StrEnum):
    CREATE_ACCESS_CODE = "CREATE_ACCESS_CODE"
    UPDATE_ACCESS_CODE = "UPDATE_ACCESS_CODE"
    DELETE_ACCESS_CODE = "DELETE_ACCESS_CODE"
    LOCK_DOOR = "LOCK_DOOR"
    UNLOCK_DOOR = "UNLOCK_DOOR"
    CONFIGURE_AUTO_LOCK = "CONFIGURE_AUTO_LOCK"
    SIMULATE_KEYPAD_CODE_ENTRY = "SIMULATE_KEYPAD_CODE_ENTRY"
    SIMULATE_MANUAL_LOCK_VIA_KEYPAD = "SIMULATE_MANUAL_LOCK_VIA_KEYPAD"


@dataclass
class ActionAttempt:
    action_attempt_id: str
    action_type: ActionType
    status: ActionStatus
    created_at: datetime
    device_id: str | None = None
    access_code_id: str | None = None
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None

    @classmethod
    def pending(
        cls,
        action_type: ActionType,
        now: datetime,
        device_id: str,
        access_code_id: str | None = None,
    ) -> ActionAttempt:
        return cls(
            str(uuid.uuid4()), action_type, ActionStatus.PENDING, now, device_id, access_code_id
        )


@dataclass(frozen=True)
class Event:
    event_id: str
    event_type: str
    created_at: datetime
    occurred_at: datetime
    device_id: str | None = None
    access_code_id: str | None = None
    payload: dict[str, Any] = field(default_factory=dict)
