"""Success responses (`{"ok": true, ...resource keys}`), the app's services, the route type."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import orjson
from aiohttp import web

from gateway.service.bundle import Services

SERVICES = web.AppKey("services", Services)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
# (path, methods, handler): each route module lists its own; the app adds them all.
Route = tuple[str, tuple[str, ...], Handler]
GET_POST = ("GET", "POST")


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def ok(**resources: Any) -> web.Response:
    return web.Response(
        body=orjson.dumps({**resources, "ok": True}),
        content_type="application/json",
    )
