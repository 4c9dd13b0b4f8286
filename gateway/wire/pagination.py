"""Opaque page cursors, as the cloud hands them out (pure: any surface can page)."""

from __future__ import annotations

import base64
import binascii
import json

from gateway.wire.errors import invalid

DEFAULT_LIMIT = 500
# A position is a SQLite INTEGER (a row's seq, or an offset): nothing past it was ever issued.
MAX_POSITION = 2**63 - 1
NOT_ISSUED = "is not a cursor this gateway issued"


def decode_cursor(cursor: str | None) -> int:
    """The position a cursor of `encode_cursor` holds; anything else is refused, naming
    page_cursor (a cursor is only ever what this gateway wrote, byte for byte)."""
    if cursor is None:
        return 0
    if len(cursor) > 64 or not cursor.isascii():
        raise invalid("page_cursor", NOT_ISSUED)
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor.encode() + b"==="))
    except (ValueError, binascii.Error, RecursionError):
        raise invalid("page_cursor", NOT_ISSUED) from None
    seq = data.get("after") if isinstance(data, dict) else None
    if type(seq) is not int or not 0 <= seq <= MAX_POSITION or encode_cursor(seq) != cursor:
        raise invalid("page_cursor", NOT_ISSUED)
    return seq


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(json.dumps({"after": seq}).encode()).decode().rstrip("=")
