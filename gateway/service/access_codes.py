"""Managed access codes: create, update, delete, get, list, generate.

Each mutation validates everything first, then writes in one transaction, then wakes the lock's
reconciler. A request that fails validation writes nothing.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Callable, Collection, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from datetime import datetime
from typing import Any

from gateway.clock import Clock
from gateway.domain.backups import PoolOffer
from gateway.domain.codegen import NoCodeAvailable
from gateway.domain.models import (
    AccessCode,
    ActionAttempt,
    ActionStatus,
    ActionType,
    CodeRevision,
    CodeStatus,
    Device,
    Mutation,
)
from gateway.domain.rules import appearance
from gateway.ledger.forget import forget
from gateway.ledger.journal import record
from gateway.ledger.pool import activate_pool, retire_backup
from gateway.ledger.pool import available as backup_available
from gateway.service import lookup
from gateway.service.code_groups import update_group
from gateway.service.code_update import apply_update, unmanaged
from gateway.service.declaring import (
    check_window,
    checked_pin,
    creation_mutation,
    external_modification,
    generate_for,
    generate_for_all,
    initial_status,
    refuse_unsupported,
)
from gateway.store import access_codes, action_attempts, grants, slots
from gateway.store import pool as pool_store
from gateway.store.db import Store
from gateway.wire.errors import ApiError, DuplicateAccessCode, InvalidInput, invalid
from gateway.wire.pagination import DEFAULT_LIMIT, decode_cursor
from gateway.wire.requests import (
    AccessCodeRef,
    CodeSettings,
    CreateAccessCode,
    CreateMultipleAccessCodes,
    GenerateCode,
    GetAccessCode,
    ListAccessCodes,
    UpdateAccessCode,
    UpdateMultipleAccessCodes,
)

# Filters of the cloud's that have no meaning on a hub: refused, not silently ignored.
CLOUD_ONLY_FILTERS = ("customer_key", "user_identifier_key")

Waker = Callable[[str], None]


class AccessCodes:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    # -- create ------------------------------------------------------------------------------

    def create(self, p: CreateAccessCode) -> tuple[AccessCode, ActionAttempt]:
        refuse_unsupported(p)
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.managed_device(conn, p.device_id)
            shared_pin = self._shared_pin(conn, p.common_code_key, p.code)
            code = self._new_code(conn, device, p, now, pin=p.code or shared_pin)
            if p.common_code_key is not None:
                code.common_code_key = p.common_code_key
            attempt = self._declare(conn, code, now)
        self.wake(code.device_id)
        return code, attempt

    def create_multiple(self, p: CreateMultipleAccessCodes) -> list[AccessCode]:
        """One code per lock, sharing one PIN (and a common_code_key when the gateway chose it)."""
        refuse_unsupported(p)
        now = self.clock.now()
        random_when_unshareable = p.behavior_when_code_cannot_be_shared == "create_random_code"
        created: list[AccessCode] = []
        with self.store.transaction() as conn:
            device_list = [
                lookup.managed_device(conn, device_id) for device_id in dict.fromkeys(p.device_ids)
            ]
            shared = p.code or self._pin_for_all(conn, device_list, p)
            generated = p.code is None and shared is not None
            common_key = f"auto_set_by_create_multiple_{uuid.uuid4()}" if generated else None
            for device in device_list:
                try:
                    code = self._new_code(conn, device, p, now, pin=shared, field="code")
                    code.common_code_key = common_key
                except (InvalidInput, DuplicateAccessCode):
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
        """A generated PIN every lock accepts (whatever their order); None when the locks'
        rules leave no common one and the request asks for random codes then."""
        taken = [access_codes.taken_pins(conn, d.device_id) for d in device_list]
        try:
            return generate_for_all(device_list, taken, p.preferred_code_length)
        except NoCodeAvailable as exc:
            if p.behavior_when_code_cannot_be_shared == "create_random_code":
                return None
            raise invalid(
                "device_ids", f"{exc}; use behavior_when_code_cannot_be_shared=create_random_code"
            ) from None

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
        check_window(p.starts_at, p.ends_at, now)
        if p.use_backup_access_code_pool and not (
            device.capabilities.slot_count >= device.pool_size + 1
        ):
            raise invalid(
                "use_backup_access_code_pool", "this device does not support a backup code pool"
            )
        # Only what each case needs of the lock's other codes: their PINs to pick a fresh one,
        # or the codes holding the PIN asked for to check it (not every code with its window).
        if pin is None:
            taken = access_codes.taken_pins(conn, device.device_id)
            pin = generate_for(device, taken, p.preferred_code_length)
        else:
            holding = access_codes.pin_uses(conn, device.device_id, pin=pin)
            pin = checked_pin(conn, device, holding, pin, (p.starts_at, p.ends_at), field=field)
        return AccessCode(
            access_code_id=str(uuid.uuid4()),
            device_id=device.device_id,
            name=p.name,
            appearance_name=appearance(device, p.name),
            code=pin,
            created_at=now,
            status=initial_status(p.starts_at, now),
            starts_at=p.starts_at,
            ends_at=p.ends_at,
            is_external_modification_allowed=bool(external_modification(p)),
            use_backup_access_code_pool=bool(p.use_backup_access_code_pool),
            prefer_native_scheduling=p.prefer_native_scheduling is not False,
            pending_mutations=[creation_mutation(p.starts_at, now)],
        )

    def _declare(self, conn: sqlite3.Connection, code: AccessCode, now: datetime) -> ActionAttempt:
        access_codes.insert(conn, code)
        if code.use_backup_access_code_pool:
            activate_pool(conn, code.device_id, now)
        attempt = ActionAttempt.pending(
            ActionType.CREATE_ACCESS_CODE, now, code.device_id, code.access_code_id
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
        return lookup.code_by_id_or_pin(
            self.store.conn,
            managed=True,
            access_code_id=p.access_code_id,
            device_id=p.device_id,
            pin=p.code,
        )

    def list_revisions(self, p: ListAccessCodes) -> tuple[list[CodeRevision], int | None]:
        """One page of managed codes as revisions (a row, its revision, its lock), and the next
        page's cursor position (None: last page). A list reuses what it rendered before of a
        code at the same revision; only the others are read whole (`at_seqs`)."""
        return access_codes.page_revisions(self.store.conn, **self._page(p))

    def reading(self) -> AbstractContextManager[object]:
        """One state of the store for several reads (a list's revisions, its locks' pools, then
        the rows it renders), whatever another process (the owner's CLI) commits between them."""
        return self.store.snapshot()

    def at_seqs(self, seqs: Sequence[int]) -> dict[int, tuple[int, AccessCode]]:
        """The codes at these rows, each with its revision now."""
        return access_codes.at_seqs(self.store.conn, seqs)

    def pool_offers(self, device_ids: Collection[str]) -> dict[str, PoolOffer]:
        """What each of these locks' backup pools can give now (locks without one: absent)."""
        return pool_store.offers(self.store.conn, device_ids)

    def _page(self, p: ListAccessCodes) -> dict[str, Any]:
        p.refuse_set(CLOUD_ONLY_FILTERS)
        if p.device_id is not None:
            lookup.require_device(self.store.conn, p.device_id)
        code_ids = p.access_code_ids
        if p.access_grant_id or p.access_grant_key or p.access_method_id:  # a grant's codes
            of_grant = grants.code_ids_for(
                self.store.conn,
                access_grant_id=p.access_grant_id,
                access_grant_key=p.access_grant_key,
                access_method_id=p.access_method_id,
            )
            code_ids = of_grant if code_ids is None else [i for i in code_ids if i in of_grant]
        return {
            "device_ids": None if p.device_id is None else [p.device_id],
            "access_code_ids": code_ids,
            "search": p.search,
            "after_seq": decode_cursor(p.page_cursor),
            "limit": p.limit or DEFAULT_LIMIT,
        }

    def backups_available(self, codes: Iterable[AccessCode]) -> set[str]:
        """Ids of the codes whose backup can be pulled now (or already was)."""
        return backup_available(self.store.conn, codes)

    def generate(self, p: GenerateCode) -> AccessCode:
        """A PIN the lock would accept, shaped as an access code; nothing is stored or sent."""
        conn = self.store.conn
        device = lookup.managed_device(conn, p.device_id)
        pin = generate_for(device, access_codes.taken_pins(conn, device.device_id), None)
        return AccessCode(
            access_code_id=str(uuid.uuid4()),
            device_id=device.device_id,
            name=None,
            code=pin,
            created_at=self.clock.now(),
            status=CodeStatus.UNSET,
        )

    # -- update ------------------------------------------------------------------------------

    def update(self, p: UpdateAccessCode) -> ActionAttempt:
        refuse_unsupported(p)
        now = self.clock.now()
        with self.store.transaction() as conn:
            old = lookup.managed_code(conn, p.access_code_id)
            if p.device_id is not None and p.device_id != old.device_id:
                raise invalid("device_id", "an access code cannot move to another device")
            if old.deleting:
                raise ApiError("access_code_being_deleted", "This access code is being deleted")
            device = lookup.managed_device(conn, old.device_id)
            attempt = ActionAttempt.pending(
                ActionType.UPDATE_ACCESS_CODE, now, old.device_id, old.access_code_id
            )
            if p.is_managed is False:
                # Nothing to do on the lock: the code stays there, no longer the hub's.
                attempt.status, attempt.result = ActionStatus.SUCCESS, {}
                action_attempts.insert(conn, attempt)
                access_codes.save(conn, unmanaged(conn, old, p, now))
                record(
                    conn,
                    "access_code.changed",
                    now,
                    device_id=old.device_id,
                    access_code_id=old.access_code_id,
                )
                return attempt
            new = apply_update(conn, device, old, p, attempt, now)
        self.wake(new.device_id)
        return attempt

    def update_multiple(self, p: UpdateMultipleAccessCodes) -> None:
        """Every code of a common_code_key group gets the new name and/or times, all or none."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            device_ids = update_group(conn, p, now)
        for device_id in device_ids:
            self.wake(device_id)

    # -- delete ------------------------------------------------------------------------------

    def delete(self, p: AccessCodeRef) -> ActionAttempt:
        now = self.clock.now()
        with self.store.transaction() as conn:
            code = lookup.managed_code(conn, p.access_code_id, p.device_id)
            lookup.managed_device(conn, code.device_id)
            attempt = ActionAttempt.pending(
                ActionType.DELETE_ACCESS_CODE, now, code.device_id, code.access_code_id
            )
            if code.pulled_backup_access_code_id is not None:
                # The backup was handed out for this stay: it goes with it.
                retire_backup(conn, code.pulled_backup_access_code_id, now)
            if not slots.holds_code(conn, code.device_id, code.access_code_id):
                # Never reached the lock: nothing to clear, so it is gone at once.
                attempt.status = ActionStatus.SUCCESS
                attempt.result = {}
                action_attempts.insert(conn, attempt)
                forget(conn, code, now)
            else:
                action_attempts.insert(conn, attempt)
                if not code.deleting:
                    deleting = replace(
                        code,
                        deleting=True,
                        status=CodeStatus.REMOVING,
                        pending_mutations=[
                            Mutation("deleting", "The code is being removed from the lock.", now)
                        ],
                    )
                    access_codes.save(conn, deleting, was=code)
        self.wake(code.device_id)
        return attempt
