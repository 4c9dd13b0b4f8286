"""Opaque page cursors and the cloud's `pagination` object."""

from __future__ import annotations

import base64
import json
from typing import Any

from aiohttp import web

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


def pagination(request: web.Request, next_seq: int | None) -> dict[str, Any]:
    if next_seq is None:
        return {"has_next_page": False, "next_page_cursor": None, "next_page_url": None}
    cursor = encode_cursor(next_seq)
    url = request.url.update_query(page_cursor=cursor)
    return {"has_next_page": True, "next_page_cursor": cursor, "next_page_url": str(url)}
