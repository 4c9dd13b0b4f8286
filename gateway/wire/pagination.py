"""Opaque page cursors, as the cloud hands them out (pure: any surface can page)."""

from __future__ import annotations

import base64
import json

from gateway.wire.errors import invalid

DEFAULT_LIMIT = 500


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
        seq = data["after"]
        if not isinstance(seq, int) or seq < 0:
            raise ValueError
        return seq
    except (ValueError, KeyError, TypeError, json.JSONDecodeError):
        raise invalid("page_cursor", "is not a cursor this gateway issued") from None


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": seq}).encode()).decode().rstrip("=")
