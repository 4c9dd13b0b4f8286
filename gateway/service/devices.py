"""Devices and locks: read what drivers reported, rename, and ask for lock/unlock."""

from __future__ import annotations

from dataclasses import replace

from gateway.clock import Clock
from gateway.domain.models import ActionAttempt, ActionType, Device
from gateway.ledger.pool import mark_health
from gateway.service import lookup
from gateway.service.access_codes import Waker
from gateway.store import action_attempts, devices
from gateway.store import pool as pool_store
from gateway.store.db import Store
from gateway.wire.errors import InvalidInput, NotFound, invalid
from gateway.wire.pagination import decode_cursor
from gateway.wire.requests import GetDevice, ListDevices, LockAction, UpdateDevice
from gateway.wire.views import device_type

CLOUD_ONLY_FILTERS = (
    "connect_webview_id",
    "connected_account_id",
    "connected_account_ids",
    "custom_metadata_has",
    "customer_key",
    "exclude_if",
    "include_if",
    "space_id",
    "unstable_location_id",
    "user_identifier_key",
)


class Devices:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    def get(self, p: GetDevice) -> Device:
        conn = self.store.conn
        if p.device_id is not None:
            return lookup.device(conn, p.device_id)
        if p.name is not None:
            found = devices.find_by_name(conn, p.name)
            if found is None:
                raise NotFound("device", f"No device named {p.name!r}")
            return found
        raise InvalidInput({"device_id": ["Required (or give name)"]})

    def list(self, p: ListDevices) -> tuple[list[Device], int | None]:
        """One page of the devices that match, and the next page's cursor position (None: last
        page). A position is an offset into the matching devices, in the order they were added."""
        p.refuse_set(CLOUD_ONLY_FILTERS)
        start = decode_cursor(p.page_cursor)
        found = devices.all_devices(self.store.conn, p.device_ids)
        types = set(p.device_types or []) | ({p.device_type} if p.device_type else set())
        if types:
            found = [d for d in found if device_type(d) in types]
        if p.manufacturer is not None:
            found = [d for d in found if d.capabilities.manufacturer == p.manufacturer]
        if p.search:
            needle = p.search.lower()
            found = [d for d in found if needle in d.name.lower() or d.device_id == p.search]
        if p.created_before is not None:
            found = [d for d in found if d.created_at < p.created_before]
        end = start + p.limit if p.limit else len(found)  # no limit: every device, one page
        return found[start:end], (end if end < len(found) else None)

    def update(self, p: UpdateDevice) -> None:
        p.refuse_set(["custom_metadata", "properties"], "is not supported by the local gateway")
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.device(conn, p.device_id)
            if (
                p.backup_access_code_pool_enabled is False
                and device.backup_access_code_pool_enabled
                and p.is_managed is not False
            ):
                raise invalid(
                    "backup_access_code_pool_enabled",
                    "the backup code pool cannot be turned off while the device is managed",
                )
            updated = device if p.name is None else replace(device, nickname=p.name or None)
            if p.backup_access_code_pool_enabled:
                if device.capabilities.slot_count < device.pool_size + 1:
                    raise invalid(
                        "backup_access_code_pool_enabled",
                        "this device does not support a backup code pool",
                    )
                updated = replace(updated, backup_access_code_pool_enabled=True)
            if p.is_managed is False and device.is_managed:
                # Unmanaging a lock takes its backup codes off it; codes declared on it stay
                # declared (delete them to remove them).
                updated = replace(updated, is_managed=False, backup_access_code_pool_enabled=False)
                pool_store.retire_unpulled(conn, device.device_id)
            elif p.is_managed is True:
                updated = replace(updated, is_managed=True)
            devices.save(conn, updated)
            mark_health(conn, lookup.device(conn, p.device_id), now)
        self.wake(p.device_id)

    def lock_action(self, p: LockAction, *, lock: bool) -> ActionAttempt:
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.device(conn, p.device_id)
            if not device.capabilities.can_lock:
                raise invalid("device_id", "this device cannot be locked or unlocked remotely")
            attempt = ActionAttempt.pending(
                ActionType.LOCK_DOOR if lock else ActionType.UNLOCK_DOOR, now, device.device_id
            )
            action_attempts.insert(conn, attempt)
        self.wake(device.device_id)
        return attempt
