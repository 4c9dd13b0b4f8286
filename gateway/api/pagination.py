"""The cloud's `pagination` object, with the next page's URL."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from gateway.wire.pagination import encode_cursor


def pagination(request: web.Request, next_seq: int | None) -> dict[str, Any]:
    if next_seq is None:
        return {"has_next_page": False, "next_page_cursor": None, "next_page_url": None}
    cursor = encode_cursor(next_seq)
    url = request.url.update_query(page_cursor=cursor)
    return {"has_next_page": True, "next_page_cursor": cursor, "next_page_url": str(url)}
