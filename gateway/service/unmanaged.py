"""Unmanaged codes: found on a lock in slots the gateway does not own. Never overwritten."""

from __future__ import annotations

from gateway.clock import Clock
from gateway.domain.models import AccessCode, ActionAttempt, ActionType, CodeStatus
from gateway.domain.slots import Owner
from gateway.ledger.journal import record
from gateway.service import lookup
from gateway.service.access_codes import Waker
from gateway.store import access_codes, action_attempts, slots
from gateway.store.db import Store
from gateway.wire.errors import invalid
from gateway.wire.pagination import DEFAULT_LIMIT, decode_cursor
from gateway.wire.requests import (
    ConvertUnmanagedAccessCode,
    GetAccessCode,
    ListUnmanagedAccessCodes,
    UpdateUnmanagedAccessCode,
)


class UnmanagedCodes:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    def get(self, p: GetAccessCode) -> AccessCode:
        return lookup.code_by_id_or_pin(
            self.store.conn,
            managed=False,
            access_code_id=p.access_code_id,
            device_id=p.device_id,
            pin=p.code,
        )

    def list(self, p: ListUnmanagedAccessCodes) -> tuple[list[AccessCode], int | None]:
        """One page of a lock's unmanaged codes, and the next page's cursor position."""
        p.refuse_set(["user_identifier_key"])
        lookup.device(self.store.conn, p.device_id)
        return access_codes.page(
            self.store.conn,
            managed=False,
            device_ids=[p.device_id],
            search=p.search,
            after_seq=decode_cursor(p.page_cursor),
            limit=p.limit or DEFAULT_LIMIT,
        )

    def convert_to_managed(self, p: ConvertUnmanagedAccessCode) -> None:
        """Adopt a code found on the lock: it stays in its slot, now declared and kept by us."""
        allow = p.allow_external_modification
        if allow is None:
            allow = p.is_external_modification_allowed
        now = self.clock.now()
        with self.store.transaction() as conn:
            code = lookup.unmanaged_code(conn, p.access_code_id)
            lookup.managed_device(conn, code.device_id)  # an unmanaged device's codes stay as is
            code.is_managed = True
            code.status = CodeStatus.SET
            code.is_external_modification_allowed = bool(allow)
            if code.name is None:
                code.name = "Adopted code"
            access_codes.save(conn, code)
            slots.set_owner(conn, code.access_code_id, Owner.MANAGED)
            record(
                conn,
                "access_code.unmanaged.converted_to_managed",
                now,
                device_id=code.device_id,
                access_code_id=code.access_code_id,
            )
        self.wake(code.device_id)

    def update(self, p: UpdateUnmanagedAccessCode) -> None:
        if not p.is_managed:
            with self.store.transaction() as conn:
                lookup.unmanaged_code(conn, p.access_code_id)
            return
        self.convert_to_managed(
            ConvertUnmanagedAccessCode(
                access_code_id=p.access_code_id,
                allow_external_modification=p.allow_external_modification,
                is_external_modification_allowed=p.is_external_modification_allowed,
                force=p.force,
            )
        )

    def delete(self, access_code_id: str) -> ActionAttempt:
        """Ask the reconciler to clear the code's slot; the code goes once the lock confirms."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            code = lookup.unmanaged_code(conn, access_code_id)
            lookup.managed_device(conn, code.device_id)
            if code.deleting:
                raise invalid("access_code_id", "this code is already being deleted")
            code.deleting = True
            code.status = CodeStatus.REMOVING
            access_codes.save(conn, code)
            attempt = ActionAttempt.pending(
                ActionType.DELETE_ACCESS_CODE, now, code.device_id, code.access_code_id
            )
            action_attempts.insert(conn, attempt)
        self.wake(code.device_id)
        return attempt
