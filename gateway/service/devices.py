"""Devices and locks: read what drivers reported, rename, tag, unmanage, and ask for
lock/unlock.

Managed and unmanaged devices are listed apart, as in the cloud: `/devices/*` shows the managed
ones, `/devices/unmanaged/*` the others. While a device is unmanaged its codes stay declared
but cannot be changed (see `lookup.managed_device`), and it cannot be locked or unlocked.
"""

from __future__ import annotations

from dataclasses import replace

from gateway.clock import Clock
from gateway.domain.models import ActionAttempt, ActionType, Device
from gateway.ledger.journal import record
from gateway.ledger.pool import mark_health
from gateway.service import lookup
from gateway.service.access_codes import Waker
from gateway.store import action_attempts, devices
from gateway.store import pool as pool_store
from gateway.store.db import Store
from gateway.wire.errors import InvalidInput, NotFound, invalid
from gateway.wire.pagination import decode_cursor
from gateway.wire.requests import (
    METADATA_MAX_PAIRS,
    GetDevice,
    ListDevices,
    LockAction,
    ReportDeviceConstraints,
    UpdateDevice,
    UpdateUnmanagedDevice,
)
from gateway.wire.views import connected_account_id, device_type

CLOUD_ONLY_FILTERS = (
    "connect_webview_id",
    "customer_key",
    "exclude_if",
    "include_if",
    "space_id",
    "unstable_location_id",
    "user_identifier_key",
)

Metadata = dict[str, str | bool]
# One page of devices, and the next page's cursor position (None: last page).
Page = tuple[list[Device], int | None]


def merged_metadata(old: Metadata, given: dict[str, str | bool | None] | None) -> Metadata:
    """The cloud's update of custom_metadata: the pairs given replace or add to the old ones,
    a null removes its key; at most METADATA_MAX_PAIRS pairs are kept."""
    if given is None:
        return old
    merged = {**old, **given}
    kept = {key: value for key, value in merged.items() if value is not None}
    if len(kept) > METADATA_MAX_PAIRS:
        raise invalid(
            "custom_metadata",
            f"a device keeps at most {METADATA_MAX_PAIRS} key:value pairs "
            f"({len(kept)} with this update; remove some with null values)",
        )
    return kept


class Devices:
    def __init__(self, store: Store, clock: Clock, wake: Waker) -> None:
        self.store = store
        self.clock = clock
        self.wake = wake

    # -- read --------------------------------------------------------------------------------

    def get(self, p: GetDevice) -> Device:
        """A managed device, by id or name (an unmanaged one is not found here)."""
        return self._get(p, managed=True)

    def unmanaged_get(self, p: GetDevice) -> Device:
        return self._get(p, managed=False)

    def _get(self, p: GetDevice, *, managed: bool) -> Device:
        conn = self.store.conn
        if p.device_id is not None:
            if managed:
                return lookup.managed_device(conn, p.device_id)
            return lookup.unmanaged_device(conn, p.device_id)
        if p.name is not None:
            found = devices.find_by_name(conn, p.name, managed=managed)
            if found is not None:
                return found
            kind = "device" if managed else "unmanaged device"
            raise NotFound("device", f"No {kind} named {p.name!r}")
        raise InvalidInput({"device_id": ["Required (or give name)"]})

    def list(self, p: ListDevices) -> Page:
        """One page of the managed devices that match, and the next page's cursor position
        (None: last page)."""
        return self._page(p, managed=True)

    def unmanaged_list(self, p: ListDevices) -> Page:
        return self._page(p, managed=False)

    def _page(self, p: ListDevices, *, managed: bool) -> Page:
        """A position is an offset into the matching devices, in the order they were added."""
        p.refuse_set(CLOUD_ONLY_FILTERS)
        start = decode_cursor(p.page_cursor)
        found = [
            d for d in devices.all_devices(self.store.conn, p.device_ids) if d.is_managed == managed
        ]
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
        if p.connected_account_id is not None or p.connected_account_ids is not None:
            accounts = {*(p.connected_account_ids or []), p.connected_account_id}
            found = [d for d in found if connected_account_id(d.driver) in accounts]
        if p.custom_metadata_has:
            wanted = p.custom_metadata_has.items()
            found = [d for d in found if all(d.custom_metadata.get(k) == v for k, v in wanted)]
        end = start + p.limit if p.limit else len(found)  # no limit: every device, one page
        return found[start:end], (end if end < len(found) else None)

    # -- update ------------------------------------------------------------------------------

    def update(self, p: UpdateDevice) -> None:
        p.refuse_set(["properties"], "is not supported by the local gateway")
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.device(conn, p.device_id)
            if not device.is_managed and p.is_managed is not True:
                lookup.managed_device(conn, p.device_id)  # not found: it is unmanaged
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
            updated = replace(
                updated, custom_metadata=merged_metadata(device.custom_metadata, p.custom_metadata)
            )
            if p.backup_access_code_pool_enabled:
                if device.capabilities.slot_count < device.pool_size + 1:
                    raise invalid(
                        "backup_access_code_pool_enabled",
                        "this device does not support a backup code pool",
                    )
                updated = replace(updated, backup_access_code_pool_enabled=True)
            if p.is_managed is False and device.is_managed:
                # Unmanaging a lock takes its backup codes off it; codes declared on it stay
                # declared (and unchanged) until it is managed again.
                updated = replace(updated, is_managed=False, backup_access_code_pool_enabled=False)
                pool_store.retire_unpulled(conn, device.device_id)
                record(conn, "device.converted_to_unmanaged", now, device_id=device.device_id)
            elif p.is_managed is True and not device.is_managed:
                updated = replace(updated, is_managed=True)
                record(
                    conn, "device.unmanaged.converted_to_managed", now, device_id=device.device_id
                )
            devices.save(conn, updated)
            mark_health(conn, lookup.device(conn, p.device_id), now)
        self.wake(p.device_id)

    def unmanaged_update(self, p: UpdateUnmanagedDevice) -> None:
        """Tag an unmanaged device, or manage it again (`is_managed: true`): its reconciler
        then brings the lock back to the codes declared on it."""
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.unmanaged_device(conn, p.device_id)
            metadata = merged_metadata(device.custom_metadata, p.custom_metadata)
            updated = replace(device, custom_metadata=metadata)
            if p.is_managed:
                updated = replace(updated, is_managed=True)
                record(
                    conn, "device.unmanaged.converted_to_managed", now, device_id=device.device_id
                )
            devices.save(conn, updated)
            mark_health(conn, updated, now)
        self.wake(p.device_id)

    # -- reported code lengths --------------------------------------------------------------

    def report_constraints(self, p: ReportDeviceConstraints) -> None:
        """A client tells which code lengths a lock takes, where the lock's own report leaves a
        choice (a Z-Wave lock known only by its User Code command class says 4-10): from then
        on the hub picks and accepts only those lengths on it. A lock that reports one exact
        length (Nuki, a Schlage whose length setting was read) is refused: the hub reads it."""
        field, lengths = _reported_lengths(p)
        with self.store.transaction() as conn:
            device = lookup.managed_device(conn, p.device_id)
            own = devices.driver_code_lengths(conn, device.device_id)
            if len(own) == 1:
                raise invalid(
                    "device_id",
                    f"this lock reports its code length itself ({own[0]} characters): the hub "
                    "reads it from the lock, so there is nothing to report",
                )
            kept = tuple(n for n in own if n in lengths)
            if not kept:
                takes = ", ".join(str(n) for n in own)
                raise invalid(field, f"this lock takes codes of {takes} characters, none of these")
            devices.save(conn, replace(device, reported_code_lengths=kept))

    # -- lock and unlock ---------------------------------------------------------------------

    def lock_action(self, p: LockAction, *, lock: bool) -> ActionAttempt:
        now = self.clock.now()
        with self.store.transaction() as conn:
            device = lookup.managed_device(conn, p.device_id)
            if not device.capabilities.can_lock:
                raise invalid("device_id", "this device cannot be locked or unlocked remotely")
            attempt = ActionAttempt.pending(
                ActionType.LOCK_DOOR if lock else ActionType.UNLOCK_DOOR, now, device.device_id
            )
            action_attempts.insert(conn, attempt)
        self.wake(device.device_id)
        return attempt


def _reported_lengths(p: ReportDeviceConstraints) -> tuple[str, set[int]]:
    """The lengths a report names, and the parameter that named them."""
    bounds = p.min_code_length is not None or p.max_code_length is not None
    if p.supported_code_lengths is not None:
        if bounds:
            raise invalid(
                "supported_code_lengths",
                "give either supported_code_lengths or min_code_length/max_code_length",
            )
        return "supported_code_lengths", set(p.supported_code_lengths)
    if not bounds:
        raise invalid(
            "supported_code_lengths", "Required (or give min_code_length and/or max_code_length)"
        )
    low = p.min_code_length or 4
    high = p.max_code_length or 20
    if low > high:
        raise invalid("max_code_length", "must not be less than min_code_length")
    return ("min_code_length" if p.min_code_length else "max_code_length"), set(
        range(low, high + 1)
    )
