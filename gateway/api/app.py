"""The HTTP API: routes as the cloud has them, auth and Seam-shaped errors as middlewares."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from gateway.api.respond import SERVICES, Handler, handler
from gateway.calls import table
from gateway.service.bundle import Services
from gateway.service.faults import store_fault
from gateway.service.metrics import Metrics
from gateway.wire.cloud_only import cloud_only_reason
from gateway.wire.errors import ApiError, NotOnLocalHub

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024
# Another process holding the database's write lock: the request is retried (the event loop
# keeps serving meanwhile) for this long before it answers 503.
BUSY_RETRY_FOR = 10.0
# 507 Insufficient Storage for a full disk; every other store fault is a 503.
FULL_DISK = "hub_store_full"

# (path, methods, handler): the route table (gateway.calls), each route run over HTTP.
ROUTES: list[tuple[str, tuple[str, ...], Handler]] = [
    (route.path, route.methods, handler(route)) for route in table.ROUTES
]
PUBLIC_PATHS = frozenset({"/health", "/metrics"})
# Paths another surface on this port serves with its own auth and its own error pages (the
# owner's dashboard): an exact path, or a prefix ending in "/". The composition root names them.
OTHER_SURFACES = web.AppKey("other_surfaces", tuple[str, ...])


def _other_surface(request: web.Request) -> bool:
    path = request.path
    return any(
        path == mine or (len(mine) > 1 and mine.endswith("/") and path.startswith(mine))
        for mine in request.app.get(OTHER_SURFACES, ())
    )


def _error(status: int, error_type: str, message: str) -> web.Response:
    return web.json_response(
        {"error": {"type": error_type, "message": message}, "ok": False}, status=status
    )


@web.middleware
async def seam_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Every error answers JSON the official SDK understands; nothing answers text or HTML."""
    if _other_surface(request):
        return await handler(request)
    try:
        return await handler(request)
    except ApiError as exc:
        return web.json_response(exc.body(), status=exc.status)
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "request_too_large", f"The body exceeds {MAX_BODY_BYTES} bytes")
    except web.HTTPMethodNotAllowed as exc:
        allowed = ", ".join(sorted(exc.allowed_methods))
        response = _error(
            405, "method_not_allowed", f"{request.method} is not allowed; use {allowed}"
        )
        response.headers["Allow"] = allowed
        return response
    except web.HTTPNotFound:
        reason = cloud_only_reason(request.path)
        if reason is not None:
            refusal = NotOnLocalHub(request.path, reason)
            return web.json_response(refusal.body(), status=refusal.status)
        return _error(404, "endpoint_not_found", f"No endpoint {request.path}")
    except web.HTTPException as exc:
        return _error(exc.status, "http_error", exc.reason)
    except Exception as exc:
        fault = store_fault(exc)
        if fault is not None:
            log.warning("store %s on %s: %s", fault.kind.value, request.path, exc)
            status = 507 if fault.error_type == FULL_DISK else 503
            return _error(status, fault.error_type, fault.message)
        log.exception("unhandled error on %s", request.path)
        return _error(500, "internal_error", "Internal error; see the hub's log")


@web.middleware
async def store_busy_retry(request: web.Request, handler: Handler) -> web.StreamResponse:
    """A store busy with another process's write: try again a little later, without blocking
    the event loop. Safe: every mutation is one transaction, rolled back when it failed."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + BUSY_RETRY_FOR
    delay = 0.05
    while True:
        try:
            return await handler(request)
        except Exception as exc:
            fault = store_fault(exc)
            if fault is None or not fault.retry or loop.time() + delay > deadline:
                raise
        await asyncio.sleep(delay)
        delay = min(1.0, delay * 2)


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in PUBLIC_PATHS or _other_surface(request):
        return await handler(request)
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if scheme.lower() != "bearer" or not key:
        return _error(401, "unauthorized", "Missing API key (Authorization: Bearer seam_...)")
    if not request.app[SERVICES].key_is_valid(key.strip()):
        return _error(401, "unauthorized", "Unknown or revoked API key")
    return await handler(request)


METRICS = web.AppKey("metrics", Metrics)


EVENT_STREAM = "text/event-stream"


@web.middleware
async def timing(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Request latency by route. A server-sent events stream (the dashboard's live timeline)
    is not a request that takes long: it is left out, so it cannot skew the histogram."""
    start = time.perf_counter()
    response: web.StreamResponse | None = None
    try:
        response = await handler(request)
        return response
    finally:
        streamed = EVENT_STREAM in request.headers.get("Accept", "") or (
            response is not None and response.content_type == EVENT_STREAM
        )
        if not streamed:
            resource = request.match_info.route.resource
            path = resource.canonical if resource is not None else "unknown"
            request.app[METRICS].observe_request(path, time.perf_counter() - start)


async def health(request: web.Request) -> web.Response:
    """Component status for monitoring: no auth, and nothing secret in it."""
    return web.json_response(request.app[SERVICES].health())


async def metrics(request: web.Request) -> web.Response:
    body = request.app[METRICS].render()
    return web.Response(body=body, content_type="text/plain", charset="utf-8")


def build_app(
    services: Services, metrics_: Metrics, other_surfaces: tuple[str, ...] = ()
) -> web.Application:
    app = web.Application(
        middlewares=[timing, seam_errors, store_busy_retry, bearer_auth],
        client_max_size=MAX_BODY_BYTES,
    )
    app[SERVICES] = services
    app[METRICS] = metrics_
    app[OTHER_SURFACES] = other_surfaces
    for path, methods, handle in ROUTES:
        for method in methods:
            app.router.add_route(method, path, handle)
    app.router.add_get("/health", health)
    app.router.add_get("/metrics", metrics)
    return app
