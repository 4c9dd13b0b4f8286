"""Adding and removing errors/warnings on codes and devices, without duplicates."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from typing import Any

from gateway.domain.models import AccessCode, Device, Issue
from gateway.domain.timefmt import to_iso

# A lock whose pending work has made no progress for too long (raised by the supervisor).
STALL_WARNING = "device_communication_degraded"
# A Z-Wave lock included without S2 Access Control or S0: PINs travel over the air in the
# clear (Seam's device warning for a provider-specific issue; the message says which).
INSECURE_LOCK_WARNING = "provider_issue"


def with_driver_warning(
    issues: list[Issue], code: str, message: str | None, now: datetime
) -> list[Issue]:
    """A warning a driver states (message) or withdraws (None)."""
    if message is None:
        return without(issues, code)
    return with_issue(issues, code, message, now)


def with_issue(
    issues: list[Issue], code: str, message: str, now: datetime, **extra: Any
) -> list[Issue]:
    if any(i.code == code for i in issues):
        return issues
    return [*issues, Issue(code, message, now, extra)]


def without(issues: list[Issue], *codes: str) -> list[Issue]:
    return [i for i in issues if i.code not in codes]


def has(issues: list[Issue], code: str) -> bool:
    return any(i.code == code for i in issues)


def code_error(code: AccessCode, error: str, message: str, now: datetime) -> AccessCode:
    return replace(code, errors=with_issue(code.errors, error, message, now))


def device_error(device: Device, error: str, message: str, now: datetime) -> Device:
    return replace(device, errors=with_issue(device.errors, error, message, now))


def event_issue_lists(device: Device, code: AccessCode | None) -> dict[str, Any]:
    """The error/warning arrays the cloud attaches to delay/failure events."""

    def brief(issues: list[Issue], key: str) -> list[dict[str, str]]:
        return [
            {key: i.code, "message": i.message, "created_at": to_iso(i.created_at)} for i in issues
        ]

    return {
        "connected_account_errors": [],
        "connected_account_warnings": [],
        "device_errors": brief(device.errors, "error_code"),
        "device_warnings": brief(device.warnings, "warning_code"),
        "access_code_errors": brief(code.errors, "error_code") if code else [],
        "access_code_warnings": brief(code.warnings, "warning_code") if code else [],
    }
