"""Requests and views of the Access Grants API: user identities, spaces, access grants and
access methods, as Seam's OpenAPI document shapes them (pure)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any, Literal

from pydantic import Field

from gateway.domain.grants import AccessGrant, AccessMethod, Space, UserIdentity
from gateway.domain.models import Issue
from gateway.domain.timefmt import to_iso
from gateway.wire.requests import Limit, Name, Params, Timestamp

Key = Annotated[str, Field(min_length=1, max_length=255)]
Email = Annotated[str, Field(min_length=3, max_length=255, pattern=r"^[^@\s]+@[^@\s]+$")]
Phone = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^\+?[0-9 ()\-.]+$")]
FullName = Annotated[str, Field(min_length=1, max_length=255)]
Ids = Annotated[list[Annotated[str, Field(max_length=64)]], Field(max_length=500)]
GrantPin = Annotated[str, Field(min_length=4, max_length=9, pattern=r"^\d+$")]
Mode = Literal["code", "card", "mobile_key", "cloud_key"]
TimeOfDay = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$")]

# -- user identities ---------------------------------------------------------------------------


class UserIdentityFields(Params):
    user_identity_key: Key | None = None
    email_address: Email | None = None
    phone_number: Phone | None = None
    full_name: FullName | None = None


class CreateUserIdentity(UserIdentityFields):
    acs_system_ids: Ids | None = None


class UpdateUserIdentity(UserIdentityFields):
    user_identity_id: str


class UserIdentityRef(Params):
    user_identity_id: str


class GetUserIdentity(Params):
    user_identity_id: str | None = None
    user_identity_key: str | None = None


class ListUserIdentities(Params):
    created_before: Timestamp | None = None
    credential_manager_acs_system_id: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None
    search: str | None = None
    user_identity_ids: Ids | None = None


class UserIdentityDevice(Params):
    user_identity_id: str
    device_id: str


# -- spaces ------------------------------------------------------------------------------------


class CustomerData(Params):
    address: str | None = None
    default_checkin_time: TimeOfDay | None = None
    default_checkout_time: TimeOfDay | None = None
    time_zone: str | None = None


class CreateSpace(Params):
    name: Name
    device_ids: Ids | None = None
    space_key: Key | None = None
    customer_key: Key | None = None
    customer_data: CustomerData | None = None
    acs_entrance_ids: Ids | None = None
    connected_account_ids: Ids | None = None


class UpdateSpace(Params):
    space_id: str | None = None
    space_key: Key | None = None
    name: Name | None = None
    device_ids: Ids | None = None
    customer_data: CustomerData | None = None
    acs_entrance_ids: Ids | None = None
    parent_space_id: str | None = None
    parent_space_key: str | None = None


class GetSpace(Params):
    space_id: str | None = None
    space_key: str | None = None


class SpaceRef(Params):
    space_id: str


class SpaceDevices(Params):
    space_id: str
    device_ids: Ids


class ListSpaces(Params):
    customer_key: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None
    search: str | None = None
    space_key: str | None = None
    connected_account_id: str | None = None
    parent_space_id: str | None = None
    parent_space_key: str | None = None


# -- access grants -----------------------------------------------------------------------------


class RequestedAccessMethod(Params):
    mode: Mode
    code: GrantPin | None = None
    instant_key_max_use_count: Annotated[int, Field(ge=1)] | None = None


class InlineUserIdentity(UserIdentityFields):
    pass


class Location(Params):
    name: Name | None = None
    device_ids: Ids | None = None
    acs_entrance_ids: Ids | None = None


class CreateAccessGrant(Params):
    requested_access_methods: Annotated[list[RequestedAccessMethod], Field(max_length=10)]
    user_identity_id: str | None = None
    user_identity: InlineUserIdentity | None = None
    device_ids: Ids | None = None
    space_ids: Ids | None = None
    space_keys: Ids | None = None
    location: Location | None = None
    location_ids: Ids | None = None
    acs_entrance_ids: Ids | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    name: Name | None = None
    access_grant_key: Key | None = None
    reservation_key: Key | None = None
    customization_profile_id: str | None = None


class UpdateAccessGrant(Params):
    access_grant_id: str | None = None
    access_grant_key: Key | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    name: Name | None = None


class GetAccessGrant(Params):
    access_grant_id: str | None = None
    access_grant_key: str | None = None


class AccessGrantRef(Params):
    access_grant_id: str


class ListAccessGrants(Params):
    access_code_id: str | None = None
    access_grant_ids: Ids | None = None
    access_grant_key: str | None = None
    acs_entrance_id: str | None = None
    acs_system_id: str | None = None
    customer_key: str | None = None
    device_id: str | None = None
    limit: Limit | None = None
    location_id: str | None = None
    page_cursor: str | None = None
    reservation_key: str | None = None
    search: str | None = None
    space_id: str | None = None
    user_identity_id: str | None = None


class RequestAccessMethods(Params):
    access_grant_id: str
    requested_access_methods: Annotated[
        list[RequestedAccessMethod], Field(min_length=1, max_length=10)
    ]


# -- access methods ----------------------------------------------------------------------------


class AccessMethodRef(Params):
    access_method_id: str


class DeleteAccessMethods(Params):
    access_method_id: str | None = None
    access_grant_id: str | None = None
    reservation_key: str | None = None


class ListAccessMethods(Params):
    access_code_id: str | None = None
    access_grant_id: str | None = None
    access_grant_key: str | None = None
    acs_entrance_id: str | None = None
    device_id: str | None = None
    space_id: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None


# -- views -------------------------------------------------------------------------------------


def _iso(moment: Any) -> str | None:
    return None if moment is None else to_iso(moment)


def _issue(issue: Issue, key: str) -> dict[str, Any]:
    return {
        key: issue.code,
        "message": issue.message,
        "created_at": to_iso(issue.created_at),
        **issue.extra,
    }


def user_identity(u: UserIdentity, workspace_id: str) -> dict[str, Any]:
    return {
        "user_identity_id": u.user_identity_id,
        "user_identity_key": u.user_identity_key,
        "email_address": u.email_address,
        "phone_number": u.phone_number,
        "display_name": u.display_name,
        "full_name": u.full_name,
        "created_at": to_iso(u.created_at),
        "workspace_id": workspace_id,
        "errors": [],
        "warnings": [],
        "acs_user_ids": [],
    }


def space(s: Space, workspace_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "space_id": s.space_id,
        "workspace_id": workspace_id,
        "name": s.name,
        "display_name": s.name,
        "created_at": to_iso(s.created_at),
        "device_count": len(s.device_ids),
        "acs_entrance_count": 0,
        "customer_data": dict(s.customer_data),
    }
    if s.space_key is not None:
        body["space_key"] = s.space_key
    if s.customer_key is not None:
        body["customer_key"] = s.customer_key
    return body


def access_grant(g: AccessGrant, workspace_id: str) -> dict[str, Any]:
    body: dict[str, Any] = {
        "workspace_id": workspace_id,
        "access_grant_id": g.access_grant_id,
        "user_identity_id": g.user_identity_id,
        "location_ids": list(g.space_ids),
        "space_ids": list(g.space_ids),
        "requested_access_methods": [
            {
                "display_name": m.display_name,
                "mode": m.mode,
                "created_at": to_iso(m.created_at),
                "created_access_method_ids": list(m.created_access_method_ids),
                **({"code": m.code} if m.code is not None else {}),
            }
            for m in g.requested_access_methods
        ],
        "access_method_ids": list(g.access_method_ids),
        "name": g.name,
        "display_name": g.name or "Access Grant",
        "created_at": to_iso(g.created_at),
        "starts_at": to_iso(g.starts_at),
        "ends_at": _iso(g.ends_at),
        "warnings": [],
        "errors": [_issue(e, "error_code") for e in g.errors],
        "pending_mutations": [],
    }
    if g.access_grant_key is not None:
        body["access_grant_key"] = g.access_grant_key
    if g.reservation_key is not None:
        body["reservation_key"] = g.reservation_key
    return body


def access_method(m: AccessMethod, workspace_id: str) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "access_method_id": m.access_method_id,
        "display_name": m.display_name,
        "mode": m.mode,
        "code": m.code,
        "created_at": to_iso(m.created_at),
        "issued_at": _iso(m.issued_at),
        "is_issued": m.is_issued,
        "warnings": [],
        "errors": [],
        "pending_mutations": [],
    }


# -- get_related -------------------------------------------------------------------------------

GrantRelation = Literal[
    "spaces",
    "devices",
    "acs_entrances",
    "connected_accounts",
    "acs_systems",
    "user_identities",
    "acs_access_groups",
    "access_methods",
]
MethodRelation = Literal[
    "spaces",
    "devices",
    "acs_entrances",
    "access_grants",
    "access_methods",
    "instant_keys",
    "client_sessions",
    "acs_credentials",
]
SpaceRelation = Literal[
    "spaces", "devices", "acs_entrances", "connected_accounts", "acs_systems", "access_methods"
]
Keys = Annotated[list[Annotated[str, Field(max_length=255)]], Field(max_length=500)]


class GrantsRelated(Params):
    access_grant_ids: Ids | None = None
    access_grant_keys: Keys | None = None
    include: list[GrantRelation] | None = None
    exclude: list[GrantRelation] | None = None


class MethodsRelated(Params):
    access_method_ids: Ids
    include: list[MethodRelation] | None = None
    exclude: list[MethodRelation] | None = None


class SpacesRelated(Params):
    space_ids: Ids | None = None
    space_keys: Keys | None = None
    include: list[SpaceRelation] | None = None
    exclude: list[SpaceRelation] | None = None


def batch_keys(
    offered: tuple[str, ...],
    include: Sequence[str] | None,
    exclude: Sequence[str] | None,
) -> list[str]:
    """The kinds of resource a get_related answer holds: those the hub has, as asked."""
    keys = [k for k in offered if include is None or k in include]
    return [k for k in keys if not exclude or k not in exclude]
