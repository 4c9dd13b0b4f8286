"""The parts of Seam's cloud API a local hub deliberately does not have, and why.

A path the hub does not route answers `not_available_on_local_hub` (400) with the reason below
when it belongs to the cloud's API, so an app written for the cloud learns what to do instead
of meeting a bare "not found". The longest matching prefix wins; a route the hub has always
wins over this table.
"""

from __future__ import annotations

NO_CLOUD_ACCOUNT = (
    "the hub has no cloud account to connect; its locks are the ones its config and radios "
    "name (see `lockgw devices list`)"
)
LOCKS_ONLY = "the hub manages keypad locks only"
ACS = (
    "access control systems (ACS) are reached through Seam's cloud; the hub programs PIN codes "
    "on keypad locks: use access codes or Access Grants in code mode"
)
UNMANAGED_GRANTS = (
    "on the hub every grant, access method and user identity is made through its API, so none "
    "is unmanaged"
)
CLOUD_IDENTITY = "it needs Seam's cloud (mobile keys, instant keys and phones are issued there)"

_REASONS: dict[str, str] = {
    "/acs": ACS,
    "/thermostats": f"{LOCKS_ONLY}; it has no thermostats",
    "/noise_sensors": f"{LOCKS_ONLY}; it has no noise sensors",
    "/cameras": f"{LOCKS_ONLY}; it has no cameras",
    "/phones": CLOUD_IDENTITY,
    "/instant_keys": CLOUD_IDENTITY,
    "/user_identities/generate_instant_key": CLOUD_IDENTITY,
    "/user_identities/add_acs_user": ACS,
    "/user_identities/remove_acs_user": ACS,
    "/user_identities/list_acs_systems": ACS,
    "/user_identities/list_acs_users": ACS,
    "/user_identities/list_accessible_entrances": ACS,
    "/user_identities/merge": "identities are local to the hub; there is nothing to merge from",
    "/spaces/add_acs_entrances": ACS,
    "/spaces/remove_acs_entrances": ACS,
    "/spaces/add_connected_account": "a space holds locks; use /spaces/add_devices",
    "/spaces/remove_connected_account": "a space holds devices; use /spaces/remove_devices",
    "/access_methods/assign_card": "the hub issues PIN codes only (mode `code`), not cards",
    "/access_methods/encode": "the hub issues PIN codes only (mode `code`), not cards",
    "/access_methods/unlock_door": "unlock a lock with /locks/unlock_door",
    "/client_sessions": (
        "client sessions authorise Seam's cloud front ends; the hub's API takes its own API keys "
        "(`lockgw keys create`)"
    ),
    "/connect_webviews": NO_CLOUD_ACCOUNT,
    "/connected_accounts/simulate": NO_CLOUD_ACCOUNT,
    "/customers": "customer portals are a feature of Seam's cloud",
    "/media": "the hub stores no media",
    "/devices/list_device_providers": NO_CLOUD_ACCOUNT,
    "/devices/report_provider_metadata": NO_CLOUD_ACCOUNT,
    "/devices/simulate/connect_to_hub": "simulated locks on the hub need no separate bridge",
    "/devices/simulate/disconnect_from_hub": "simulated locks on the hub need no separate bridge",
    "/devices/simulate/paid_subscription": "the hub has no subscriptions",
    "/access_grants/unmanaged": UNMANAGED_GRANTS,
    "/access_methods/unmanaged": UNMANAGED_GRANTS,
    "/user_identities/unmanaged": UNMANAGED_GRANTS,
    "/user_identities/enrollment_automations": ACS,
    "/access_codes/get_timeline": "read a code's history with /events/list?access_code_id=...",
    "/devices/delete": "a lock leaves the hub when it leaves the hub's config (or is excluded)",
    "/workspaces/customization_profiles": "the hub has no customisable cloud front ends",
    "/workspaces/find_anything": "list the resource you look for (e.g. /access_codes/list)",
    "/workspaces/create": "the hub is one workspace",
    "/workspaces/update": "the hub is one workspace; its settings live in its config file",
    "/workspaces/reset_sandbox": (
        "the hub is not a cloud sandbox; start `lockgw serve --sim` with a fresh --data-dir"
    ),
}


def _matches(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def cloud_only_reason(path: str) -> str | None:
    """Why `path`, a call of Seam's cloud API, is not on the hub; None when it is not a cloud
    path at all (a plain "not found")."""
    matches = [p for p in _REASONS if _matches(path, p)]
    return _REASONS[max(matches, key=len)] if matches else None
