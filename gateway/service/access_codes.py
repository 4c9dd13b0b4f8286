"""Managed access codes: create, update, delete, get, list, generate.

Each mutation validates everything first, then writes in one transaction, then wakes the lock's
reconciler. A request that fails validation writes nothing.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from gateway.api.requests import (
    AccessCodeRef,
    CodeSettings,
    CreateAccessCode,
    CreateMultipleAccessCodes,
    GetAccessCode,
    UpdateAccessCode,
)
from gateway.clock import Clock
from gateway.domain.codegen import NoCodeAvailable, generate_code
from gateway.domain.models import (
    PERMANENT_CODE_ERRORS,
    AccessCode,
    ActionAttempt,
    ActionStatus,
    ActionType,
    CodeStatus,
    Device,
    Mutation,
)
from gateway.domain.rules import (
    HoldsPin,
    PinUse,
    conflicting_code,
    pin_problems,
    window_problems,
)
from gateway.errors import ApiError, InvalidInput, NotFound, invalid
from gateway.service import lookup
from gateway.service.journal import record
from gateway.store import access_codes, action_attempts, slots
from gateway.store.db import Store
from gateway.store.pool import pool_pins
from gateway.timefmt import to_iso

Waker = Callable[[str], None]


def _refuse_unsupported(p: CodeSettings) -> None:
    """Offline (algorithmic) codes exist only in vendor clouds; say so instead of ignoring it."""
    for field in ("is_offline_access_code", "use_offline_access_code", "is_one_time_use"):
        if getattr(p, field):
            raise invalid(field, "is not supported by locks managed by this gateway")
    if p.max_time_rounding is not None:
        raise invalid("max_time_rounding", "applies only to offline access codes (not supported)")


def _external_modification(p: CodeSettings) -> bool | None:
    if p.allow_external_modification is not None:
        return p.allow_external_modification
    return p.is_external_modification_allowed


def _check_window(starts_at: datetime | None, ends_at: datetime | None, now: datetime) -> None:
    problems = window_problems(starts_at, ends_at, now)
    if problems:
        raise InvalidInput({field: [message] for field, message in problems.items()})


def taken_pins(conn: sqlite3.Connection, uses: Sequence[HoldsPin], device_id: str) -> set[str]:
    """PINs a new code on this lock must not use: its codes (unless leaving) and its pool."""
    pins = {c.code for c in uses if c.code is not None and not c.deleting}
    return pins | pool_pins(conn, device_id)


def _initial_status(starts_at: datetime | None, now: datetime) -> CodeStatus:
    return CodeStatus.UNSET if starts_at is not None and starts_at > now else CodeStatus.SETTING


def _creation_mutation(starts_at: datetime | None, now: datetime) -> Mutation:
    if starts_at is not None and starts_at > now:
        return Mutation(
            "deferring_creation",
            "The code will be programmed on the lock at starts_at.",
            now,
            {"scheduled_at": to_iso(starts_at)},
        )
    return Mutation("creating", "The code is being programmed on the lock.", now)


class AccessCodes:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    # -- create ------------------------------------------------------------------------------

    def create(self, p: CreateAccessCode) -> tuple[AccessCode, ActionAttempt]:
        _refuse_unsupported(p)
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.device(conn, p.device_id)
            shared_pin = self._shared_pin(conn, p.common_code_key, p.code)
            code = self._new_code(conn, device, p, now, pin=p.code or shared_pin)
            if p.common_code_key is not None:
                code.common_code_key = p.common_code_key
            attempt = self._declare(conn, code, now)
        self.wake(code.device_id)
        return code, attempt

    def create_multiple(self, p: CreateMultipleAccessCodes) -> list[AccessCode]:
        """One code per lock, sharing one PIN (and a common_code_key when the gateway chose it)."""
        _refuse_unsupported(p)
        now = self.clock.now()
        random_when_unshareable = p.behavior_when_code_cannot_be_shared == "create_random_code"
        created: list[AccessCode] = []
        with self.store.transaction() as conn:
            device_list = [
                lookup.device(conn, device_id) for device_id in dict.fromkeys(p.device_ids)
            ]
            shared = p.code or self._pin_for_all(conn, device_list, p)
            common_key = None if p.code else f"auto_set_by_create_multiple_{uuid.uuid4()}"
            for device in device_list:
                try:
                    code = self._new_code(conn, device, p, now, pin=shared, field="code")
                    code.common_code_key = common_key
                except InvalidInput:
                    if not random_when_unshareable:
                        raise
                    code = self._new_code(conn, device, p, now, pin=None)
                self._declare(conn, code, now)
                created.append(code)
        for code in created:
            self.wake(code.device_id)
        return created

    def _pin_for_all(
        self, conn: sqlite3.Connection, device_list: list[Device], p: CreateMultipleAccessCodes
    ) -> str | None:
        """A generated PIN every lock accepts; None when the locks' rules leave no common one."""
        first = device_list[0]
        taken: set[str] = set()
        for device in device_list:
            taken |= taken_pins(
                conn, access_codes.pin_uses(conn, device.device_id), device.device_id
            )
        for _ in range(50):
            candidate = self._generate(first, taken, p.preferred_code_length)
            if all(not pin_problems(candidate, d.capabilities) for d in device_list):
                return candidate
            taken.add(candidate)
        if p.behavior_when_code_cannot_be_shared == "create_random_code":
            return None
        raise invalid(
            "device_ids",
            "these locks accept no common code (their code lengths or rules differ); "
            "use behavior_when_code_cannot_be_shared=create_random_code",
        )

    def _shared_pin(
        self, conn: sqlite3.Connection, common_code_key: str | None, pin: str | None
    ) -> str | None:
        if common_code_key is None:
            return None
        group = [c for c in access_codes.with_common_key(conn, common_code_key) if not c.deleting]
        if not group:
            return None
        shared = group[0].code
        if pin is not None and pin != shared:
            raise invalid(
                "code",
                "differs from the code of the other access codes with this common_code_key",
            )
        return shared

    def _generate(self, device: Device, taken: set[str], preferred: float | None) -> str:
        try:
            return generate_code(
                device.capabilities.code_rules,
                taken,
                preferred_length=None if preferred is None else int(preferred),
            )
        except NoCodeAvailable as exc:
            raise ApiError("no_code_available", str(exc)) from None

    def _checked_pin(
        self,
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
        if clash is not None or pin in pool_pins(conn, device.device_id):
            raise invalid(field, "is already in use on this device")
        return pin

    def _new_code(
        self,
        conn: sqlite3.Connection,
        device: Device,
        p: CodeSettings,
        now: datetime,
        *,
        pin: str | None,
        field: str = "code",
    ) -> AccessCode:
        _check_window(p.starts_at, p.ends_at, now)
        if p.use_backup_access_code_pool and not (
            device.capabilities.slot_count >= device.pool_size + 1
        ):
            raise invalid(
                "use_backup_access_code_pool", "this device does not support a backup code pool"
            )
        codes = access_codes.pin_uses(conn, device.device_id)
        window = (p.starts_at, p.ends_at)
        if pin is None:
            pin = self._generate(
                device, taken_pins(conn, codes, device.device_id), p.preferred_code_length
            )
        else:
            pin = self._checked_pin(conn, device, codes, pin, window, field=field)
        return AccessCode(
            access_code_id=str(uuid.uuid4()),
            device_id=device.device_id,
            name=p.name,
            code=pin,
            created_at=now,
            status=_initial_status(p.starts_at, now),
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            is_external_modification_allowed=bool(_external_modification(p)),
            use_backup_access_code_pool=bool(p.use_backup_access_code_pool),
            prefer_native_scheduling=p.prefer_native_scheduling is not False,
            pending_mutations=[_creation_mutation(p.starts_at, now)],
        )

    def _declare(self, conn: sqlite3.Connection, code: AccessCode, now: datetime) -> ActionAttempt:
        access_codes.insert(conn, code)
        attempt = ActionAttempt(
            action_attempt_id=str(uuid.uuid4()),
            action_type=ActionType.CREATE_ACCESS_CODE,
            status=ActionStatus.PENDING,
            created_at=now,
            device_id=code.device_id,
            access_code_id=code.access_code_id,
        )
        action_attempts.insert(conn, attempt)
        record(
            conn,
            "access_code.created",
            now,
            device_id=code.device_id,
            access_code_id=code.access_code_id,
        )
        return attempt

    # -- read --------------------------------------------------------------------------------

    def get(self, p: GetAccessCode) -> AccessCode:
        conn = self.store.conn
        if p.access_code_id is not None:
            return lookup.managed_code(conn, p.access_code_id, p.device_id)
        if p.device_id is None or p.code is None:
            raise InvalidInput(
                {"access_code_id": ["Required (or give both device_id and code)"]},
            )
        lookup.device(conn, p.device_id)
        found = access_codes.find_by_code(conn, p.device_id, p.code, managed=True)
        if found is None:
            raise NotFound("access_code", "No access code with that code on this device")
        return found

    # -- update ------------------------------------------------------------------------------

    def update(self, p: UpdateAccessCode) -> ActionAttempt:
        _refuse_unsupported(p)
        now = self.clock.now()
        with self.store.transaction() as conn:
            old = lookup.managed_code(conn, p.access_code_id)
            if p.device_id is not None and p.device_id != old.device_id:
                raise invalid("device_id", "an access code cannot move to another device")
            if old.deleting:
                raise ApiError("access_code_being_deleted", "This access code is being deleted")
            if p.is_managed is False:
                raise invalid(
                    "is_managed",
                    "use /access_codes/delete to remove a code; unmanaging is not supported",
                )
            device = lookup.device(conn, old.device_id)
            new = self._updated(conn, device, old, p, now)
            attempt = ActionAttempt(
                action_attempt_id=str(uuid.uuid4()),
                action_type=ActionType.UPDATE_ACCESS_CODE,
                status=ActionStatus.PENDING,
                created_at=now,
                device_id=old.device_id,
                access_code_id=old.access_code_id,
            )
            action_attempts.insert(conn, attempt)
            if (new.code, new.starts_at, new.ends_at) != (old.code, old.starts_at, old.ends_at):
                # A changed declaration is worth trying again, even after a permanent failure.
                new.errors = [e for e in new.errors if e.code not in PERMANENT_CODE_ERRORS]
                access_codes.block(conn, new.access_code_id, None)
            access_codes.save(conn, new)
            if new != old:
                record(
                    conn,
                    "access_code.changed",
                    now,
                    device_id=new.device_id,
                    access_code_id=new.access_code_id,
                )
        self.wake(new.device_id)
        return attempt

    def _updated(
        self,
        conn: sqlite3.Connection,
        device: Device,
        old: AccessCode,
        p: UpdateAccessCode,
        now: datetime,
    ) -> AccessCode:
        starts_at, ends_at = old.starts_at, old.ends_at
        if p.type == "ongoing":
            if p.starts_at is not None or p.ends_at is not None:
                raise invalid("type", "an ongoing code has no starts_at or ends_at")
            starts_at = ends_at = None
        if p.starts_at is not None or p.ends_at is not None:
            starts_at = p.starts_at or starts_at
            ends_at = p.ends_at or ends_at
        if p.type == "time_bound" and ends_at is None:
            raise invalid("ends_at", "is required to make a code time_bound")
        window_changed = (starts_at, ends_at) != (old.starts_at, old.ends_at)
        if window_changed:
            _check_window(starts_at, ends_at, now)
        pin = old.code
        if p.code is not None and p.code != old.code:
            codes = access_codes.pin_uses(conn, device.device_id)
            pin = self._checked_pin(
                conn, device, codes, p.code, (starts_at, ends_at), ignore=old.access_code_id
            )
        elif window_changed and pin is not None:
            codes = access_codes.pin_uses(conn, device.device_id)
            self._checked_pin(
                conn, device, codes, pin, (starts_at, ends_at), ignore=old.access_code_id
            )
        mutations = [m for m in old.pending_mutations]
        if pin != old.code:
            mutations.append(
                Mutation("updating_code", "The code is being changed on the lock.", now,
                         {"from": {"code": old.code}, "to": {"code": pin}})
            )  # fmt: skip
        name = old.name if p.name is None else p.name
        if name != old.name:
            mutations.append(
                Mutation("updating_name", "The name is being changed.", now,
                         {"from": {"name": old.name}, "to": {"name": name}})
            )  # fmt: skip
        if window_changed:
            mutations.append(
                Mutation(
                    "updating_time_frame",
                    "The time frame is being changed.",
                    now,
                    {
                        "from": {"starts_at": _iso(old.starts_at), "ends_at": _iso(old.ends_at)},
                        "to": {"starts_at": _iso(starts_at), "ends_at": _iso(ends_at)},
                    },
                )
            )
        status = old.status
        if window_changed:
            status = _initial_status(starts_at, now)
        elif pin != old.code and old.status is CodeStatus.SET:
            status = CodeStatus.SETTING
        external = _external_modification(p)
        return replace(
            old,
            name=name,
            code=pin,
            starts_at=starts_at,
            ends_at=ends_at,
            status=status,
            common_code_key=old.common_code_key if pin == old.code else None,
            is_external_modification_allowed=(
                old.is_external_modification_allowed if external is None else external
            ),
            use_backup_access_code_pool=(
                old.use_backup_access_code_pool
                if p.use_backup_access_code_pool is None
                else p.use_backup_access_code_pool
            ),
            prefer_native_scheduling=(
                old.prefer_native_scheduling
                if p.prefer_native_scheduling is None
                else p.prefer_native_scheduling
            ),
            pending_mutations=mutations,
        )

    # -- delete ------------------------------------------------------------------------------

    def delete(self, p: AccessCodeRef) -> ActionAttempt:
        now = self.clock.now()
        with self.store.transaction() as conn:
            code = lookup.managed_code(conn, p.access_code_id, p.device_id)
            attempt = ActionAttempt(
                action_attempt_id=str(uuid.uuid4()),
                action_type=ActionType.DELETE_ACCESS_CODE,
                status=ActionStatus.PENDING,
                created_at=now,
                device_id=code.device_id,
                access_code_id=code.access_code_id,
            )
            if not slots.holds_code(conn, code.access_code_id):
                # Never reached the lock: nothing to clear, so it is gone at once.
                attempt.status = ActionStatus.SUCCESS
                attempt.result = {}
                action_attempts.insert(conn, attempt)
                forget(conn, code, now)
            else:
                action_attempts.insert(conn, attempt)
                if not code.deleting:
                    code.deleting = True
                    code.status = CodeStatus.REMOVING
                    code.pending_mutations = [
                        Mutation("deleting", "The code is being removed from the lock.", now)
                    ]
                    access_codes.save(conn, code)
        self.wake(code.device_id)
        return attempt


def forget(conn: sqlite3.Connection, code: AccessCode, now: datetime) -> None:
    """Drop a code the lock no longer holds; its pending actions succeed; history stays."""
    for attempt in action_attempts.pending_for_code(conn, code.access_code_id):
        if attempt.action_type is ActionType.DELETE_ACCESS_CODE:
            action_attempts.resolve(conn, attempt.action_attempt_id, result={})
        else:
            action_attempts.resolve(
                conn,
                attempt.action_attempt_id,
                error={"type": "access_code_deleted", "message": "The access code was deleted"},
            )
    access_codes.delete(conn, code.access_code_id)
    record(
        conn,
        "access_code.deleted",
        now,
        device_id=code.device_id,
        access_code_id=code.access_code_id,
        code=code.code,
    )


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else to_iso(moment)
