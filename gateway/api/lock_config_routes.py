"""/locks/configure_auto_lock: a lock's auto-lock, set through an action attempt."""

from __future__ import annotations

from aiohttp import web

from gateway.api.params import parse
from gateway.api.respond import Route, ok, services
from gateway.wire import views
from gateway.wire.requests import ConfigureAutoLock


async def configure_auto_lock(request: web.Request) -> web.Response:
    p = await parse(request, ConfigureAutoLock)
    lock_config = services(request).lock_config
    assert lock_config is not None, "Services.build makes one"
    return ok(action_attempt=views.action_attempt(lock_config.configure_auto_lock(p)))


ROUTES: list[Route] = [
    ("/locks/configure_auto_lock", ("POST",), configure_auto_lock),
]
