"""Success responses: `{"ok": true, ...resource keys}`, and access to the app's services."""

from __future__ import annotations

import json
from typing import Any

from aiohttp import web

from gateway.service.bundle import Services

SERVICES = web.AppKey("services", Services)


def services(request: web.Request) -> Services:
    return request.app[SERVICES]


def ok(**resources: Any) -> web.Response:
    return web.Response(
        body=json.dumps({**resources, "ok": True}, separators=(",", ":")),
        content_type="application/json",
    )
