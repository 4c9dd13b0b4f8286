"""Pulling a backup code: a store transaction, no radio work, answered in milliseconds even
when the lock is offline (the code has been on the lock since it entered the pool)."""

from __future__ import annotations

from dataclasses import replace

from gateway.clock import Clock
from gateway.domain.models import PULLED, AccessCode, CodeStatus, Issue
from gateway.ledger.journal import record
from gateway.ledger.pool import mark_health
from gateway.service import lookup
from gateway.service.access_codes import Waker
from gateway.store import access_codes
from gateway.store import pool as pool_store
from gateway.store.db import Store
from gateway.wire.errors import ApiError, invalid


class BackupPool:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    def pull(self, access_code_id: str) -> tuple[AccessCode, AccessCode]:
        """(the original, now linked; the backup). A second pull returns the same backup."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            original = lookup.managed_code(conn, access_code_id)
            if original.is_backup:
                raise invalid("access_code_id", "is itself a backup code")
            if original.type != "time_bound":
                raise invalid(
                    "access_code_id",
                    "backup codes can be pulled only for time_bound access codes",
                )
            if original.pulled_backup_access_code_id is not None:
                pulled = access_codes.get(conn, original.pulled_backup_access_code_id)
                if pulled is not None:
                    return original, pulled
            if original.deleting:
                raise ApiError("access_code_being_deleted", "This access code is being deleted")
            device = lookup.managed_device(conn, original.device_id)
            if not device.has_pool:
                raise ApiError(
                    "backup_access_code_pool_not_enabled",
                    "This device has no backup code pool; create a code with "
                    "use_backup_access_code_pool=true to activate it",
                )
            candidate = pool_store.next_ready(conn, device.device_id)
            if candidate is None:
                raise ApiError(
                    "no_backup_access_code_available",
                    "The backup code pool of this device is empty (see the device's error "
                    "empty_backup_access_code_pool)",
                )
            backup = replace(
                candidate,
                pool_state=PULLED,
                starts_at=now,
                ends_at=original.ends_at,
                status=CodeStatus.SET,
            )
            linked = replace(
                original,
                pulled_backup_access_code_id=backup.access_code_id,
                warnings=[
                    *[w for w in original.warnings if w.code != "using_backup_access_code"],
                    Issue("using_backup_access_code", "A backup code was handed out", now),
                ],
            )
            access_codes.save(conn, backup)
            access_codes.save(conn, linked)
            mark_health(conn, device, now)  # one fewer ready: partial until refilled
            record(
                conn,
                "access_code.backup_access_code_pulled",
                now,
                device_id=original.device_id,
                access_code_id=original.access_code_id,
                backup_access_code_id=backup.access_code_id,
            )
        self.wake(original.device_id)
        return linked, backup
