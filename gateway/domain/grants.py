"""Access Grants as the cloud models them: a user identity, spaces (groups of locks), a grant
of access to locks for a window, and the grant's access methods (here: one PIN each)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from gateway.domain.models import Issue

CODE_MODE = "code"
CODE_METHOD_NAME = "PIN Code"


@dataclass
class UserIdentity:
    user_identity_id: str
    created_at: datetime
    user_identity_key: str | None = None
    email_address: str | None = None
    phone_number: str | None = None
    full_name: str | None = None

    @property
    def display_name(self) -> str:
        return (
            self.full_name
            or self.email_address
            or self.phone_number
            or self.user_identity_key
            or "Unnamed user"
        )


@dataclass
class Space:
    space_id: str
    name: str
    created_at: datetime
    space_key: str | None = None
    customer_key: str | None = None
    customer_data: dict[str, Any] = field(default_factory=dict)
    device_ids: list[str] = field(default_factory=list)


@dataclass
class RequestedMethod:
    """One entry of a grant's `requested_access_methods`, and what was made of it."""

    mode: str
    created_at: datetime
    code: str | None = None
    created_access_method_ids: list[str] = field(default_factory=list)

    @property
    def display_name(self) -> str:
        return CODE_METHOD_NAME if self.mode == CODE_MODE else self.mode


@dataclass
class AccessGrant:
    access_grant_id: str
    user_identity_id: str
    created_at: datetime
    starts_at: datetime
    ends_at: datetime | None = None
    name: str | None = None
    access_grant_key: str | None = None
    reservation_key: str | None = None
    # The locks named directly, the spaces named, and locks taken away from this grant
    # (revoke_access_to_device) even though a space still holds them.
    device_ids: list[str] = field(default_factory=list)
    space_ids: list[str] = field(default_factory=list)
    revoked_device_ids: list[str] = field(default_factory=list)
    requested_access_methods: list[RequestedMethod] = field(default_factory=list)
    access_method_ids: list[str] = field(default_factory=list)
    errors: list[Issue] = field(default_factory=list)


@dataclass
class AccessMethod:
    access_method_id: str
    access_grant_id: str
    mode: str
    created_at: datetime
    code: str | None = None
    issued_at: datetime | None = None

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None

    @property
    def display_name(self) -> str:
        return CODE_METHOD_NAME if self.mode == CODE_MODE else self.mode


@dataclass(frozen=True)
class MethodCode:
    """The access code that carries an access method's PIN on one lock."""

    access_method_id: str
    device_id: str
    access_code_id: str
