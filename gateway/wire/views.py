"""Domain objects -> the cloud API's JSON. Field names and shapes follow Seam's OpenAPI document."""

from __future__ import annotations

import functools
import uuid
from typing import Any

from gateway.domain.battery import battery_status
from gateway.domain.models import AccessCode, ActionAttempt, Device, Event, Issue, Mutation
from gateway.domain.timefmt import to_iso

# Devices reached through the same kind of driver share one "connected account".
_ACCOUNT_NAMESPACE = uuid.UUID("6f1c2f3e-8f4a-4c1e-9d7b-1b0c3a5e7d90")

DEVICE_ERROR_CODES = frozenset(
    {"device_offline", "device_removed", "hub_disconnected", "empty_backup_access_code_pool"}
)

# The cloud's device_type enum has no generic Z-Wave lock; a lock of an unknown brand reached
# through a local hub is presented the way SmartThings (also a local Z-Wave hub) presents it.
_DEVICE_TYPES = {
    "schlage": "schlage_lock",
    "kwikset": "kwikset_lock",
    "yale": "yale_lock",
    "nuki": "nuki_lock",
    "august": "august_lock",
    "lockly": "lockly_lock",
    "ultraloq": "ultraloq_lock",
}


@functools.cache  # a handful of drivers; a SHA-1 per rendered device otherwise
def connected_account_id(driver: str) -> str:
    return str(uuid.uuid5(_ACCOUNT_NAMESPACE, driver))


def device_type(device: Device) -> str:
    return _DEVICE_TYPES.get(device.capabilities.manufacturer, "smartthings_lock")


def _issue(issue: Issue, key: str) -> dict[str, Any]:
    return {key: issue.code, "message": issue.message, "created_at": to_iso(issue.created_at)}


def access_code_error(issue: Issue) -> dict[str, Any]:
    body = _issue(issue, "error_code")
    if issue.code in DEVICE_ERROR_CODES:
        body["is_device_error"] = True
    else:
        body["is_access_code_error"] = True
    body.update(issue.extra)
    return body


def _mutation(mutation: Mutation) -> dict[str, Any]:
    body: dict[str, Any] = {
        "mutation_code": mutation.code,
        "message": mutation.message,
        "created_at": to_iso(mutation.created_at),
    }
    body.update(mutation.extra)
    return body


def access_code(
    code: AccessCode, workspace_id: str, *, backup_available: bool = False
) -> dict[str, Any]:
    """One managed code. A list renders one of these per code (1,000 on a page), so the common
    case is kept cheap: no issue or mutation to render, no offset to convert."""
    starts_at, ends_at = code.starts_at, code.ends_at
    body: dict[str, Any] = {
        "workspace_id": workspace_id,
        "access_code_id": code.access_code_id,
        "device_id": code.device_id,
        "name": code.name,
        "code": code.code,
        "common_code_key": code.common_code_key,
        "type": "ongoing" if ends_at is None else "time_bound",
        "status": code.status,  # a StrEnum: it is its value
        "created_at": to_iso(code.created_at),
        "starts_at": None if starts_at is None else to_iso(starts_at),
        "ends_at": None if ends_at is None else to_iso(ends_at),
        "errors": [access_code_error(e) for e in code.errors] if code.errors else [],
        "warnings": [_issue(w, "warning_code") for w in code.warnings] if code.warnings else [],
        "is_managed": code.is_managed,
        "is_backup_access_code_available": backup_available,
        "is_external_modification_allowed": code.is_external_modification_allowed,
        "is_one_time_use": False,
        "is_offline_access_code": False,
        "pending_mutations": (
            [_mutation(m) for m in code.pending_mutations] if code.pending_mutations else []
        ),
        "is_backup": code.is_backup,
        "pulled_backup_access_code_id": code.pulled_backup_access_code_id,
        "is_scheduled_on_device": code.is_scheduled_on_device,
        "is_waiting_for_code_assignment": False,
    }
    if code.appearance_name is not None:
        body["appearance"] = {"name": code.appearance_name}
    return body


def unmanaged_access_code(code: AccessCode, workspace_id: str) -> dict[str, Any]:
    return {
        "workspace_id": workspace_id,
        "access_code_id": code.access_code_id,
        "device_id": code.device_id,
        "name": code.name,
        "code": code.code,
        "type": code.type,
        "status": "set",
        "created_at": to_iso(code.created_at),
        "starts_at": None if code.starts_at is None else to_iso(code.starts_at),
        "ends_at": None if code.ends_at is None else to_iso(code.ends_at),
        "errors": [access_code_error(e) for e in code.errors],
        "warnings": [_issue(w, "warning_code") for w in code.warnings],
        "is_managed": False,
    }


def _battery(level: float) -> dict[str, Any]:
    return {"level": level, "status": battery_status(level)}


def device(device: Device, workspace_id: str) -> dict[str, Any]:
    caps = device.capabilities
    properties: dict[str, Any] = {
        "online": device.online,
        "name": device.name,
        "appearance": {"name": device.name},
        "manufacturer": caps.manufacturer,
        "model": {
            "display_name": caps.model,
            "manufacturer_display_name": caps.manufacturer.title(),
            "has_built_in_keypad": True,
            "can_connect_accessory_keypad": False,
        },
        "supports_backup_access_code_pool": caps.slot_count >= device.pool_size + 1,
        "backup_access_code_pool_enabled": device.backup_access_code_pool_enabled,
        "max_active_codes_supported": caps.slot_count,
        "supported_code_lengths": list(caps.code_rules.lengths),
        "code_constraints": _code_constraints(device),
        "has_native_entry_events": True,
    }
    if device.locked is not None:
        properties["locked"] = device.locked
    if device.battery_level is not None:
        properties["battery_level"] = device.battery_level
        properties["battery"] = _battery(device.battery_level)
    if device.auto_lock_enabled is not None:
        properties["auto_lock_enabled"] = device.auto_lock_enabled
    if device.auto_lock_delay_seconds is not None:
        properties["auto_lock_delay_seconds"] = device.auto_lock_delay_seconds
    capabilities = ["access_code", "lock"] if caps.can_lock else ["access_code"]
    body: dict[str, Any] = {
        "device_id": device.device_id,
        "device_type": device_type(device),
        "display_name": device.name,
        "capabilities_supported": capabilities,
        "properties": properties,
        "connected_account_id": connected_account_id(device.driver),
        "space_ids": [],
        "custom_metadata": dict(device.custom_metadata),
        "workspace_id": workspace_id,
        "errors": [
            {**_issue(e, "error_code"), "is_device_error": True, **e.extra} for e in device.errors
        ],
        "warnings": [_issue(w, "warning_code") for w in device.warnings],
        "created_at": to_iso(device.created_at),
        "is_managed": device.is_managed,
        "can_remotely_lock": caps.can_lock,
        "can_remotely_unlock": caps.can_lock,
        "can_program_online_access_codes": True,
        "can_program_offline_access_codes": False,
        "can_unlock_with_code": True,
        "can_configure_auto_lock": caps.can_configure_auto_lock,
    }
    if device.nickname is not None:
        body["nickname"] = device.nickname
    return body


# What the cloud shows of an unmanaged device (its `unmanaged_device` schema): who it is and
# whether it is reachable, nothing of its codes or settings.
_UNMANAGED_KEYS = (
    "device_id", "device_type", "connected_account_id", "capabilities_supported",
    "workspace_id", "errors", "warnings", "created_at", "custom_metadata", "can_remotely_lock",
    "can_remotely_unlock", "can_program_online_access_codes", "can_program_offline_access_codes",
    "can_unlock_with_code", "can_configure_auto_lock",
)  # fmt: skip
_UNMANAGED_PROPERTIES = ("name", "online", "model", "manufacturer", "battery", "battery_level")


def unmanaged_device(device_: Device, workspace_id: str) -> dict[str, Any]:
    full = device(device_, workspace_id)
    body = {key: full[key] for key in _UNMANAGED_KEYS if key in full}
    properties = full["properties"]
    body["properties"] = {k: properties[k] for k in _UNMANAGED_PROPERTIES if k in properties}
    body["is_managed"] = False
    return body


def _code_constraints(device: Device) -> list[dict[str, Any]]:
    caps = device.capabilities
    constraints: list[dict[str, Any]] = [
        {"constraint_type": c} for c in caps.code_rules.constraints
    ]
    if caps.keeps_names and caps.name_max_length is not None:
        constraints.append(
            {"constraint_type": "name_length", "min_length": 1, "max_length": caps.name_max_length}
        )
    return constraints


def action_attempt(attempt: ActionAttempt) -> dict[str, Any]:
    return {
        "action_attempt_id": attempt.action_attempt_id,
        "action_type": attempt.action_type.value,
        "status": attempt.status.value,
        "result": attempt.result,
        "error": attempt.error,
    }


def event(event: Event, workspace_id: str, driver: str | None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "event_id": event.event_id,
        "event_type": event.event_type,
        "workspace_id": workspace_id,
        "created_at": to_iso(event.created_at),
        "occurred_at": to_iso(event.occurred_at),
    }
    if event.device_id is not None:
        body["device_id"] = event.device_id
        body["connected_account_id"] = connected_account_id(driver or "unknown")
    if event.access_code_id is not None:
        body["access_code_id"] = event.access_code_id
    body.update(event.payload)
    return body
