"""The event types the gateway records (the journal, `/events/list`, webhooks): one list.

`lockgw webhooks add --events` accepts these and nothing else, so a misspelt type is refused
instead of leaving an endpoint that never fires. tests/unit/test_event_types.py checks the list
against the source both ways: a new `record(conn, "...")` type must be added here.
"""

from __future__ import annotations

import difflib

EVENT_TYPES: frozenset[str] = frozenset(
    {
        "access_code.backup_access_code_pulled",
        "access_code.changed",
        "access_code.created",
        "access_code.delay_in_removing_from_device",
        "access_code.delay_in_setting_on_device",
        "access_code.deleted",
        "access_code.deleted_external_to_seam",
        "access_code.failed_to_remove_from_device",
        "access_code.failed_to_set_on_device",
        "access_code.modified_external_to_seam",
        "access_code.removed_from_device",
        "access_code.scheduled_on_device",
        "access_code.set_on_device",
        "access_code.unmanaged.converted_to_managed",
        "access_code.unmanaged.created",
        "access_code.unmanaged.removed",
        "access_grant.access_times_changed",
        "access_grant.could_not_create_requested_access_methods",
        "access_grant.created",
        "access_grant.deleted",
        "access_method.created",
        "access_method.deleted",
        "access_method.issued",
        "device.battery_status_changed",
        "device.connected",
        "device.converted_to_unmanaged",
        "device.disconnected",
        "device.unmanaged.converted_to_managed",
        "device.low_battery",
        "device.removed",
        "lock.locked",
        "lock.unlocked",
    }
)


def unknown_event_types(types: tuple[str, ...]) -> list[str]:
    """Those of `types` the gateway never records, in the order given."""
    return [t for t in types if t not in EVENT_TYPES]


def closest_event_type(unknown: str) -> str | None:
    """The known type a misspelt one most likely meant (a prefix of it, or the closest)."""
    if not unknown:
        return None
    known = sorted(EVENT_TYPES)
    close = [t for t in known if t.startswith(unknown)] or difflib.get_close_matches(
        unknown, known, n=1
    )
    return close[0] if close else None
