"""Request parameters, as the cloud API names them. Unknown parameters are refused."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from gateway.domain.timefmt import parse_iso
from gateway.wire.errors import invalid

NAME_MAX_LENGTH = 255
OUT_OF_RANGE = "is out of range: must lie between 0001-01-01 and 9999-12-31 in UTC"


def _timestamp(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time string")
    try:
        return parse_iso(value)
    except OverflowError:  # a valid date whose offset takes it past year 1 or 9999 in UTC
        raise ValueError(OUT_OF_RANGE) from None
    except ValueError:
        raise ValueError("must be an ISO 8601 date-time, e.g. 2025-06-14T16:54:17Z") from None


Timestamp = Annotated[datetime, BeforeValidator(_timestamp)]
Name = Annotated[str, Field(max_length=NAME_MAX_LENGTH)]
Code = Annotated[str, Field(min_length=1, max_length=12)]
Limit = Annotated[int, Field(ge=1, le=10_000)]
# The cloud's custom_metadata: up to 50 pairs, keys of 1-40 characters, values a string of at
# most 500 characters or a boolean (null, on update, removes the key).
METADATA_MAX_PAIRS = 50
MetadataKey = Annotated[str, Field(min_length=1, max_length=40)]
MetadataValue = Annotated[str, Field(max_length=500)] | bool
CustomMetadata = Annotated[
    dict[MetadataKey, MetadataValue | None], Field(max_length=METADATA_MAX_PAIRS)
]


CLOUD_ONLY = "is a cloud-only filter, not supported by the local gateway"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def refuse_set(self, fields: Iterable[str], why: str = CLOUD_ONLY) -> None:
        """Refuse, naming it, the first of `fields` this request sets (rather than ignore it)."""
        for field in fields:
            if getattr(self, field) is not None:
                raise invalid(field, why)


class CodeSettings(Params):
    """What create, create_multiple and update share."""

    name: Name | None = None
    code: Code | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None
    allow_external_modification: bool | None = None
    is_external_modification_allowed: bool | None = None
    attempt_for_offline_device: bool | None = None
    prefer_native_scheduling: bool | None = None
    preferred_code_length: Annotated[float, Field(ge=1, le=12)] | None = None
    use_backup_access_code_pool: bool | None = None
    is_offline_access_code: bool | None = None
    is_one_time_use: bool | None = None
    use_offline_access_code: bool | None = None
    max_time_rounding: Literal["1hour", "1day", "1h", "1d"] | None = None
    sync: bool | None = None


class CreateAccessCode(CodeSettings):
    device_id: str
    common_code_key: Annotated[str, Field(min_length=1, max_length=255)] | None = None


class CreateMultipleAccessCodes(CodeSettings):
    device_ids: Annotated[list[str], Field(min_length=1, max_length=500)]
    behavior_when_code_cannot_be_shared: Literal["throw", "create_random_code"] | None = None


class UpdateAccessCode(CodeSettings):
    access_code_id: str
    device_id: str | None = None
    type: Literal["ongoing", "time_bound"] | None = None
    is_managed: bool | None = None


class AccessCodeRef(Params):
    access_code_id: str
    device_id: str | None = None
    sync: bool | None = None


class GetAccessCode(Params):
    access_code_id: str | None = None
    device_id: str | None = None
    code: str | None = None


class ListAccessCodes(Params):
    device_id: str | None = None
    access_code_ids: list[str] | None = None
    search: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None
    # The codes carrying an access grant's (or one access method's) PIN on its locks.
    access_grant_id: str | None = None
    access_grant_key: str | None = None
    access_method_id: str | None = None
    # Cloud-only filters (customers): refused rather than silently ignored.
    customer_key: str | None = None
    user_identifier_key: str | None = None


class GenerateCode(Params):
    device_id: str


class PullBackupAccessCode(Params):
    access_code_id: str


class ListUnmanagedAccessCodes(Params):
    device_id: str
    search: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None
    user_identifier_key: str | None = None


class UpdateUnmanagedAccessCode(Params):
    access_code_id: str
    is_managed: bool
    allow_external_modification: bool | None = None
    is_external_modification_allowed: bool | None = None
    force: bool | None = None


class ConvertUnmanagedAccessCode(Params):
    access_code_id: str
    allow_external_modification: bool | None = None
    is_external_modification_allowed: bool | None = None
    force: bool | None = None
    sync: bool | None = None


class GetDevice(Params):
    device_id: str | None = None
    name: str | None = None


class ListDevices(Params):
    device_ids: list[str] | None = None
    device_type: str | None = None
    device_types: list[str] | None = None
    manufacturer: str | None = None
    search: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None
    created_before: Timestamp | None = None
    # The hub's radios are its connected accounts (/connected_accounts/list).
    connected_account_id: str | None = None
    connected_account_ids: list[str] | None = None
    # Cloud-only filters: refused rather than silently ignored.
    connect_webview_id: str | None = None
    custom_metadata_has: dict[str, str | bool] | None = None
    customer_key: str | None = None
    exclude_if: list[str] | None = None
    include_if: list[str] | None = None
    space_id: str | None = None
    unstable_location_id: str | None = None
    user_identifier_key: str | None = None


class UpdateDevice(Params):
    device_id: str
    name: Name | None = None
    is_managed: bool | None = None
    backup_access_code_pool_enabled: bool | None = None
    custom_metadata: CustomMetadata | None = None
    properties: dict[str, Any] | None = None


class LockAction(Params):
    device_id: str
    sync: bool | None = None


class GetActionAttempt(Params):
    action_attempt_id: str


class ListEvents(Params):
    since: Timestamp | None = None
    between: Annotated[list[Timestamp], Field(min_length=2, max_length=2)] | None = None
    device_id: str | None = None
    device_ids: list[str] | None = None
    access_code_id: str | None = None
    access_code_ids: list[str] | None = None
    event_type: str | None = None
    event_types: list[str] | None = None
    event_ids: list[str] | None = None
    access_grant_id: str | None = None
    access_grant_ids: list[str] | None = None
    access_method_id: str | None = None
    access_method_ids: list[str] | None = None
    limit: Limit | None = None
    # The cloud's way to page through events: skip this many of the newest matches.
    unstable_offset: Annotated[int, Field(ge=0, le=10_000_000)] | None = None
    connected_account_id: str | None = None


class SimulateDevice(Params):
    """/devices/simulate/connect|disconnect|remove, /locks/simulate/manual_lock_via_keypad."""

    device_id: str


class SimulateUnmanagedAccessCode(Params):
    device_id: str
    name: Name
    code: Annotated[str, Field(min_length=4, max_length=8, pattern=r"^\d+$")]


class SimulateKeypadCodeEntry(Params):
    device_id: str
    code: Code


class ConfigureAutoLock(Params):
    device_id: str
    auto_lock_enabled: bool
    auto_lock_delay_seconds: Annotated[float, Field(ge=1, le=60)] | None = None


class UpdateUnmanagedDevice(Params):
    device_id: str
    is_managed: Literal[True] | None = None
    custom_metadata: CustomMetadata | None = None


class GetEvent(Params):
    event_id: str | None = None
    event_type: str | None = None
    device_id: str | None = None


class ListActionAttempts(Params):
    action_attempt_ids: list[str] | None = None
    device_id: str | None = None
    limit: Limit | None = None
    page_cursor: str | None = None


class UpdateMultipleAccessCodes(Params):
    common_code_key: Annotated[str, Field(min_length=1, max_length=255)]
    name: Name | None = None
    starts_at: Timestamp | None = None
    ends_at: Timestamp | None = None


CodeLength = Annotated[int, Field(ge=4, le=20)]


class ReportDeviceConstraints(Params):
    device_id: str
    supported_code_lengths: Annotated[list[CodeLength], Field(min_length=1)] | None = None
    min_code_length: CodeLength | None = None
    max_code_length: CodeLength | None = None
