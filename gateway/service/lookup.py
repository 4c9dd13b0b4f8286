"""Finding what a request names, or answering 404 the way the cloud does."""

from __future__ import annotations

import sqlite3

from gateway.domain.models import AccessCode, Device
from gateway.store import access_codes, devices
from gateway.wire.errors import InvalidInput, NotFound


def _no_device(device_id: str) -> NotFound:
    return NotFound("device", f"No device with device_id {device_id}")


def device(conn: sqlite3.Connection, device_id: str) -> Device:
    found = devices.get(conn, device_id)
    if found is None:
        raise _no_device(device_id)
    return found


def require_device(conn: sqlite3.Connection, device_id: str) -> None:
    """The same 404 as `device`, for a caller that needs no more than the device to exist."""
    if not devices.exists(conn, device_id):
        raise _no_device(device_id)


def managed_device(conn: sqlite3.Connection, device_id: str) -> Device:
    """A device the hub manages: an unmanaged one is not found, as in the cloud (its codes and
    its lock cannot be changed until it is managed again)."""
    found = device(conn, device_id)
    if not found.is_managed:
        raise NotFound(
            "device",
            f"Device {device_id} is unmanaged: see /devices/unmanaged/get, and manage it again "
            "with /devices/unmanaged/update (is_managed: true) to change it or its codes",
        )
    return found


def unmanaged_device(conn: sqlite3.Connection, device_id: str) -> Device:
    found = device(conn, device_id)
    if found.is_managed:
        raise NotFound(
            "device",
            f"Device {device_id} is managed: see /devices/get (unmanage it with /devices/update)",
        )
    return found


def managed_code(
    conn: sqlite3.Connection, access_code_id: str, device_id: str | None = None
) -> AccessCode:
    code = access_codes.get(conn, access_code_id)
    if (
        code is None
        or not code.is_managed
        or code.in_pool
        or (device_id is not None and code.device_id != device_id)
    ):
        raise NotFound("access_code", f"No access code with access_code_id {access_code_id}")
    return code


def unmanaged_code(conn: sqlite3.Connection, access_code_id: str) -> AccessCode:
    code = access_codes.get(conn, access_code_id)
    if code is None or code.is_managed:
        raise NotFound(
            "access_code", f"No unmanaged access code with access_code_id {access_code_id}"
        )
    return code


def code_by_id_or_pin(
    conn: sqlite3.Connection,
    *,
    managed: bool,
    access_code_id: str | None,
    device_id: str | None,
    pin: str | None,
) -> AccessCode:
    """`/access_codes/get` and `/unmanaged/get`: by id, or by device and code."""
    kind = "access code" if managed else "unmanaged access code"
    if access_code_id is not None:
        code = access_codes.get(conn, access_code_id)
        if (
            code is None
            or code.is_managed != managed
            or (device_id and code.device_id != device_id)
        ):
            raise NotFound("access_code", f"No {kind} with access_code_id {access_code_id}")
        return code
    if device_id is None or pin is None:
        raise InvalidInput({"access_code_id": ["Required (or give both device_id and code)"]})
    device(conn, device_id)
    found = access_codes.find_by_code(conn, device_id, pin, managed=managed)
    if found is None:
        raise NotFound("access_code", f"No {kind} with that code on this device")
    return found
