"""Finding what a request names, or answering 404 the way the cloud does."""

from __future__ import annotations

import sqlite3

from gateway.domain.models import AccessCode, Device
from gateway.errors import NotFound
from gateway.store import access_codes, devices


def device(conn: sqlite3.Connection, device_id: str) -> Device:
    found = devices.get(conn, device_id)
    if found is None:
        raise NotFound("device", f"No device with device_id {device_id}")
    return found


def managed_code(
    conn: sqlite3.Connection, access_code_id: str, device_id: str | None = None
) -> AccessCode:
    code = access_codes.get(conn, access_code_id)
    if code is None or not code.is_managed or (device_id and code.device_id != device_id):
        raise NotFound("access_code", f"No access code with access_code_id {access_code_id}")
    return code


def unmanaged_code(conn: sqlite3.Connection, access_code_id: str) -> AccessCode:
    code = access_codes.get(conn, access_code_id)
    if code is None or code.is_managed:
        raise NotFound(
            "access_code", f"No unmanaged access code with access_code_id {access_code_id}"
        )
    return code
