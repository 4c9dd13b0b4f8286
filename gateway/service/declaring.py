"""Rules every declaration of a code obeys (create and update alike)."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from gateway.domain.codegen import NoCodeAvailable, common_code_for, generate_code
from gateway.domain.models import CodeStatus, Device, Mutation
from gateway.domain.rules import PinUse, conflicting_code, pin_problems, window_problems
from gateway.domain.timefmt import to_iso
from gateway.wire.errors import ApiError, DuplicateAccessCode, InvalidInput, invalid
from gateway.wire.requests import CodeSettings


def refuse_unsupported(p: CodeSettings) -> None:
    """Offline (algorithmic) codes exist only in vendor clouds; say so instead of ignoring it."""
    for field in ("is_offline_access_code", "use_offline_access_code", "is_one_time_use"):
        if getattr(p, field):
            raise invalid(field, "is not supported by locks managed by this gateway")
    if p.max_time_rounding is not None:
        raise invalid("max_time_rounding", "applies only to offline access codes (not supported)")


def external_modification(p: CodeSettings) -> bool | None:
    if p.allow_external_modification is not None:
        return p.allow_external_modification
    return p.is_external_modification_allowed


def check_window(starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> None:
    problems = window_problems(starts_at, ends_at, now)
    if problems:
        raise InvalidInput({field: [message] for field, message in problems.items()})


def initial_status(starts_at: datetime | None, now: datetime) -> CodeStatus:
    return CodeStatus.UNSET if starts_at is not None and starts_at > now else CodeStatus.SETTING


def creation_mutation(starts_at: datetime | None, now: datetime) -> Mutation:
    if starts_at is not None and starts_at > now:
        return Mutation(
            "deferring_creation",
            "The code will be programmed on the lock at starts_at.",
            now,
            {"scheduled_at": to_iso(starts_at)},
        )
    return Mutation("creating", "The code is being programmed on the lock.", now)


def generate_for(device: Device, taken: set[str], preferred: float | None) -> str:
    try:
        return generate_code(
            device.capabilities.code_rules,
            taken,
            preferred_length=None if preferred is None else int(preferred),
        )
    except NoCodeAvailable as exc:
        raise ApiError("no_code_available", str(exc)) from None


def generate_for_all(devices: list[Device], taken: list[set[str]], preferred: float | None) -> str:
    """One PIN every one of `devices` accepts and none of them uses (`taken[i]`: device i's)."""
    return common_code_for(
        [d.capabilities.code_rules for d in devices],
        taken,
        preferred_length=None if preferred is None else int(preferred),
    )


def checked_pin(
    conn: sqlite3.Connection,
    device: Device,
    codes: list[PinUse],
    pin: str,
    window: tuple[datetime | None, datetime | None],
    *,
    field: str = "code",
    ignore: str | None = None,
) -> str:
    problems = pin_problems(pin, device.capabilities)
    if problems:
        raise InvalidInput({field: [f"{p} on this lock" for p in problems]})
    clash = conflicting_code(pin, window, codes, ignore=ignore)
    if clash is not None:
        raise DuplicateAccessCode(device.device_id, field)
    return pin
