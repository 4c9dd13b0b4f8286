"""The API's routes as declarations (pure): path, HTTP methods, the request model, whether it
changes anything, and for a list the key its answer lists under. A hub binds a handler to each
(gateway/calls/table.py); a fleet front (gateway.fleet) answers 404/405 and refuses bad input
from the same table, so it knows exactly the routes a hub has.

A route that changes one thing named by id also says how a front that has not seen that id finds
the hub holding it (`locators`: the read-only get that finds it), so the change, and any PIN it
carries, goes to that hub alone.
"""

from __future__ import annotations

from dataclasses import dataclass

from gateway.wire import grants as g
from gateway.wire import requests as r
from gateway.wire import webhooks as w
from gateway.wire import workspaces as ws
from gateway.wire.requests import Params

GET_POST = ("GET", "POST")
POST = ("POST",)
DELETE_POST = ("DELETE", "POST")
PATCH_POST = ("PATCH", "POST")


@dataclass(frozen=True)
class Locator:
    """`field` (an id, or a list of ids) names a thing whose hub `get_route` finds, asked with
    `{get_param: id}`. `with_devices`: needed even when the call names devices (a grant's spaces
    may be on another hub than its devices); otherwise the devices place the call."""

    field: str
    get_route: str
    get_param: str
    with_devices: bool = False


@dataclass(frozen=True)
class Declared:
    path: str
    methods: tuple[str, ...]
    model: type[Params]
    read_only: bool = False
    # A list: the key its answer lists under first, then any other key listing the same items
    # (/locks/list answers `locks` and `devices`).
    list_keys: tuple[str, ...] = ()
    # A list whose items are the same on every hub (a connected account per driver): the id
    # that makes a list across hubs hold each once.
    same_on_every_hub: str | None = None
    locators: tuple[Locator, ...] = ()

    @property
    def is_list(self) -> bool:
        return bool(self.list_keys)


def reading(path: str, model: type[Params], *list_keys: str) -> Declared:
    return Declared(path, GET_POST, model, read_only=True, list_keys=list_keys)


def changing(
    path: str, methods: tuple[str, ...], model: type[Params], *locators: Locator
) -> Declared:
    return Declared(path, methods, model, locators=locators)


CODE = Locator("access_code_id", "/access_codes/get", "access_code_id")
UNMANAGED_CODE = Locator("access_code_id", "/access_codes/unmanaged/get", "access_code_id")
GRANT = Locator("access_grant_id", "/access_grants/get", "access_grant_id")
GRANT_KEY = Locator("access_grant_key", "/access_grants/get", "access_grant_key")
METHOD = Locator("access_method_id", "/access_methods/get", "access_method_id")
IDENTITY = Locator("user_identity_id", "/user_identities/get", "user_identity_id")
SPACE = Locator("space_id", "/spaces/get", "space_id")
SPACE_KEY = Locator("space_key", "/spaces/get", "space_key")
GRANT_PLACES = (
    Locator("space_ids", "/spaces/get", "space_id", with_devices=True),
    Locator("space_keys", "/spaces/get", "space_key", with_devices=True),
    Locator("location_ids", "/spaces/get", "space_id", with_devices=True),
    IDENTITY,
)

ACCESS_CODES: list[Declared] = [
    changing("/access_codes/create", POST, r.CreateAccessCode),
    changing("/access_codes/create_multiple", ("POST", "PUT"), r.CreateMultipleAccessCodes),
    reading("/access_codes/get", r.GetAccessCode),
    reading("/access_codes/list", r.ListAccessCodes, "access_codes"),
    # Generating stores nothing: a retry may well get another code, as the cloud's does.
    reading("/access_codes/generate_code", r.GenerateCode),
    changing("/access_codes/update", ("PATCH", "POST", "PUT"), r.UpdateAccessCode, CODE),
    changing("/access_codes/update_multiple", PATCH_POST, r.UpdateMultipleAccessCodes),
    changing("/access_codes/report_device_constraints", POST, r.ReportDeviceConstraints),
    changing("/access_codes/delete", DELETE_POST, r.AccessCodeRef, CODE),
    changing("/access_codes/pull_backup_access_code", POST, r.PullBackupAccessCode, CODE),
    reading("/access_codes/unmanaged/get", r.GetAccessCode),
    reading("/access_codes/unmanaged/list", r.ListUnmanagedAccessCodes, "access_codes"),
    changing(
        "/access_codes/unmanaged/update", PATCH_POST, r.UpdateUnmanagedAccessCode, UNMANAGED_CODE
    ),
    changing(
        "/access_codes/unmanaged/convert_to_managed",
        PATCH_POST,
        r.ConvertUnmanagedAccessCode,
        UNMANAGED_CODE,
    ),
    changing("/access_codes/unmanaged/delete", DELETE_POST, r.AccessCodeRef, UNMANAGED_CODE),
]

DEVICES: list[Declared] = [
    reading("/devices/get", r.GetDevice),
    reading("/devices/list", r.ListDevices, "devices"),
    changing("/devices/update", PATCH_POST, r.UpdateDevice),
    reading("/devices/unmanaged/get", r.GetDevice),
    reading("/devices/unmanaged/list", r.ListDevices, "devices"),
    changing("/devices/unmanaged/update", PATCH_POST, r.UpdateUnmanagedDevice),
    reading("/locks/get", r.GetDevice),
    reading("/locks/list", r.ListDevices, "locks", "devices"),
    changing("/locks/lock_door", POST, r.LockAction),
    changing("/locks/unlock_door", POST, r.LockAction),
    changing("/locks/configure_auto_lock", POST, r.ConfigureAutoLock),
    reading("/action_attempts/get", r.GetActionAttempt),
    reading("/action_attempts/list", r.ListActionAttempts, "action_attempts"),
    reading("/events/get", r.GetEvent),
    reading("/events/list", r.ListEvents, "events"),
]

SIMULATE: list[Declared] = [
    changing(
        "/access_codes/simulate/create_unmanaged_access_code", POST, r.SimulateUnmanagedAccessCode
    ),
    changing("/locks/simulate/keypad_code_entry", POST, r.SimulateKeypadCodeEntry),
    changing("/locks/simulate/manual_lock_via_keypad", POST, r.SimulateDevice),
    changing("/devices/simulate/connect", POST, r.SimulateDevice),
    changing("/devices/simulate/disconnect", POST, r.SimulateDevice),
    changing("/devices/simulate/remove", POST, r.SimulateDevice),
]

WEBHOOKS: list[Declared] = [
    changing("/webhooks/create", POST, w.CreateWebhook),
    reading("/webhooks/get", w.WebhookRef),
    reading("/webhooks/list", w.ListWebhooks, "webhooks"),
    changing("/webhooks/update", ("POST", "PUT"), w.UpdateWebhook),
    changing("/webhooks/delete", DELETE_POST, w.WebhookRef),
]

WORKSPACES: list[Declared] = [
    reading("/workspaces/get", ws.GetWorkspace),
    reading("/workspaces/list", ws.GetWorkspace, "workspaces"),
    reading("/connected_accounts/get", ws.GetConnectedAccount),
    Declared(
        "/connected_accounts/list",
        GET_POST,
        ws.ListConnectedAccounts,
        read_only=True,
        list_keys=("connected_accounts",),
        same_on_every_hub="connected_account_id",
    ),
    changing("/connected_accounts/sync", POST, ws.ConnectedAccountRef),
    changing("/connected_accounts/update", PATCH_POST, ws.UpdateConnectedAccount),
    changing("/connected_accounts/delete", DELETE_POST, ws.DeleteConnectedAccount),
]

GRANTS: list[Declared] = [
    changing("/access_grants/create", POST, g.CreateAccessGrant, *GRANT_PLACES),
    reading("/access_grants/get", g.GetAccessGrant),
    reading("/access_grants/list", g.ListAccessGrants, "access_grants"),
    changing("/access_grants/update", PATCH_POST, g.UpdateAccessGrant, GRANT, GRANT_KEY),
    changing("/access_grants/delete", DELETE_POST, g.AccessGrantRef, GRANT),
    changing("/access_grants/request_access_methods", POST, g.RequestAccessMethods, GRANT),
    reading("/access_grants/get_related", g.GrantsRelated),
    reading("/access_methods/get", g.AccessMethodRef),
    reading("/access_methods/list", g.ListAccessMethods, "access_methods"),
    changing("/access_methods/delete", DELETE_POST, g.DeleteAccessMethods, METHOD, GRANT),
    reading("/access_methods/get_related", g.MethodsRelated),
]

IDENTITIES: list[Declared] = [
    changing("/user_identities/create", POST, g.CreateUserIdentity),
    reading("/user_identities/get", g.GetUserIdentity),
    reading("/user_identities/list", g.ListUserIdentities, "user_identities"),
    changing("/user_identities/update", PATCH_POST, g.UpdateUserIdentity, IDENTITY),
    changing("/user_identities/delete", DELETE_POST, g.UserIdentityRef, IDENTITY),
    changing(
        "/user_identities/grant_access_to_device", ("POST", "PUT"), g.UserIdentityDevice, IDENTITY
    ),
    changing(
        "/user_identities/revoke_access_to_device", DELETE_POST, g.UserIdentityDevice, IDENTITY
    ),
    reading("/user_identities/list_accessible_devices", g.UserIdentityRef),
    changing("/spaces/create", POST, g.CreateSpace),
    reading("/spaces/get", g.GetSpace),
    reading("/spaces/list", g.ListSpaces, "spaces"),
    changing("/spaces/update", PATCH_POST, g.UpdateSpace, SPACE, SPACE_KEY),
    changing("/spaces/delete", DELETE_POST, g.SpaceRef, SPACE),
    changing("/spaces/add_devices", ("POST", "PUT"), g.SpaceDevices, SPACE),
    changing("/spaces/remove_devices", DELETE_POST, g.SpaceDevices, SPACE),
    reading("/spaces/get_related", g.SpacesRelated),
]

ROUTES: list[Declared] = [
    *ACCESS_CODES,
    *DEVICES,
    *SIMULATE,
    *WEBHOOKS,
    *WORKSPACES,
    *GRANTS,
    *IDENTITIES,
]
BY_PATH: dict[str, Declared] = {route.path: route for route in ROUTES}
assert len(BY_PATH) == len(ROUTES), "a path is declared twice"
