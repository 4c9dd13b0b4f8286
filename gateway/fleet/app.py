"""The front's HTTP API: the hub's routes (gateway/wire/routes.py, at their paths and methods),
answered by the hubs over MQTT (gateway.fleet.forward), with the hub's auth, error shapes, body
limit, 404/405 and cloud-only refusals; `/webhooks/*` and `/workspaces/*` are the front's own,
`GET /health` its view of the fleet."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import orjson
from aiohttp import web

from gateway.fleet.directory import Directory
from gateway.fleet.forward import Forwarder, Incoming, Outgoing
from gateway.fleet.webhooks import FrontWebhooks, view
from gateway.service.front_keys import FrontKeys
from gateway.wire.body import decode_object
from gateway.wire.cloud_only import cloud_only_reason
from gateway.wire.errors import ApiError, NotOnLocalHub, invalid
from gateway.wire.params import from_body, from_query, query_is_empty
from gateway.wire.requests import Params
from gateway.wire.routes import BY_PATH, ROUTES
from gateway.wire.webhooks import CreateWebhook, ListWebhooks, UpdateWebhook, WebhookRef
from gateway.wire.workspaces import GetWorkspace, Workspace, workspace

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 256 * 1024  # the hub's (gateway/api/app.py)
IDEMPOTENCY_KEY_MAX = 255
HUB_HEADER = "Lockgw-Hub"
UNREACHABLE_HEADER = "Lockgw-Hubs-Unreachable"
QUERY_METHODS = ("GET", "DELETE", "HEAD")  # as a hub reads them (gateway/api/respond.py)
PUBLIC_PATHS = frozenset({"/health"})
REUSED = "request_id_reused"
KEY_ID = web.RequestKey("key_id", str)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class Front:
    """What the front's handlers use (built once, in gateway.fleet.serve)."""

    forwarder: Forwarder
    directory: Directory
    webhooks: FrontWebhooks
    keys: FrontKeys
    broker_connected: Callable[[], bool]


FRONT = web.AppKey("front", Front)


def _json(body: dict[str, Any], status: int = 200) -> web.Response:
    return web.Response(body=orjson.dumps(body), status=status, content_type="application/json")


def _error(status: int, error_type: str, message: str) -> web.Response:
    return _json({"error": {"type": error_type, "message": message}, "ok": False}, status)


@web.middleware
async def seam_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except ApiError as exc:
        return _json(exc.body(), exc.status)
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
            return _json(refusal.body(), refusal.status)
        return _error(404, "endpoint_not_found", f"No endpoint {request.path}")
    except web.HTTPException as exc:
        return _error(exc.status, "http_error", exc.reason)
    except Exception:
        log.exception("fleet: unhandled error on %s", request.path)
        return _error(500, "internal_error", "Internal error; see the fleet front's log")


@web.middleware
async def bearer_auth(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.path in PUBLIC_PATHS:
        return await handler(request)
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key:
        return _error(401, "unauthorized", "Missing API key (Authorization: Bearer seam_...)")
    key_id = request.app[FRONT].keys.key_id(key.strip())
    if key_id is None:
        return _error(401, "unauthorized", "Unknown or revoked API key")
    request[KEY_ID] = key_id
    return await handler(request)


def _request_id(request: web.Request) -> str | None:
    """The client's Idempotency-Key, as a request id no other API key can collide with."""
    given = request.headers.get("Idempotency-Key")
    if given is None:
        return None
    if not given or len(given) > IDEMPOTENCY_KEY_MAX:
        raise invalid("Idempotency-Key", f"must be 1 to {IDEMPOTENCY_KEY_MAX} characters")
    return hashlib.sha256(f"{request[KEY_ID]}:{given}".encode()).hexdigest()


async def _incoming(request: web.Request) -> Incoming:
    """The query string (GET, DELETE) or the JSON body, chosen as a hub chooses: a DELETE with
    nothing in its query but ignored keys and a body reads its body."""
    body: dict[str, Any] | None = None
    query: tuple[tuple[str, str], ...] | None = tuple(request.query.items())
    if request.method not in QUERY_METHODS or (
        request.method == "DELETE" and request.can_read_body and query_is_empty(query or ())
    ):
        body, query = decode_object(await request.read()), None
    request_id = _request_id(request)
    hub_named = request.headers.get(HUB_HEADER)
    if request_id is None:
        return Incoming(request.path, body, query, hub_named=hub_named)
    return Incoming(request.path, body, query, request_id, hub_named, keyed=True)


def _answer(request: web.Request, out: Outgoing) -> web.Response:
    body = out.body
    pagination = body.get("pagination")
    if isinstance(pagination, dict) and isinstance(pagination.get("next_page_cursor"), str):
        url = request.url.update_query(page_cursor=pagination["next_page_cursor"])
        body = {**body, "pagination": {**pagination, "next_page_url": str(url)}}
    if request.headers.get("Idempotency-Key") is not None:
        body = _key_reused(body)
    response = _json(body, out.status)
    if out.hub_id is not None:
        response.headers[HUB_HEADER] = out.hub_id
    if out.unreachable:
        response.headers[UNREACHABLE_HEADER] = ",".join(out.unreachable)
    return response


def _key_reused(body: dict[str, Any]) -> dict[str, Any]:
    """A hub's `request_id_reused` is about the client's Idempotency-Key (the request id is the
    key's hash, which the client never saw): said of the header it sent."""
    error = body.get("error")
    if not isinstance(error, dict) or error.get("type") != REUSED:
        return body
    said = (error.get("validation_errors") or {}).get("request_id") or {}
    why = [m for m in said.get("_errors", []) if isinstance(m, str)] or ["already used"]
    message = f"The Idempotency-Key was {why[0]}: a new request needs a new key"
    refusal = ApiError(
        "idempotency_key_reused",
        message,
        status=409,
        validation_errors={"_errors": [], "Idempotency-Key": {"_errors": why}},
    )
    return refusal.body()


async def forwarded(request: web.Request) -> web.Response:
    """A route of a hub: routed and answered by the hub(s) that hold what it names."""
    front = request.app[FRONT]
    return _answer(request, await front.forwarder.call(await _incoming(request)))


async def _params[P: Params](request: web.Request, model: type[P]) -> P:
    """The front's own routes read their parameters as a hub reads them."""
    incoming = await _incoming(request)
    if incoming.query is not None:
        return from_query(incoming.query, model)
    return from_body(incoming.body or {}, model)


def _ok(**resources: Any) -> web.Response:
    return _json({**resources, "ok": True})


async def webhook_create(request: web.Request) -> web.Response:
    hook = await request.app[FRONT].webhooks.create(await _params(request, CreateWebhook))
    return _ok(webhook=view(hook, with_secret=True))


async def webhook_get(request: web.Request) -> web.Response:
    hook = await request.app[FRONT].webhooks.find(await _params(request, WebhookRef))
    return _ok(webhook=view(hook, with_secret=True))


async def webhook_list(request: web.Request) -> web.Response:
    await _params(request, ListWebhooks)
    hooks = await request.app[FRONT].webhooks.listed()
    return _ok(webhooks=[view(h, with_secret=False) for h in hooks])


async def webhook_update(request: web.Request) -> web.Response:
    await request.app[FRONT].webhooks.update(await _params(request, UpdateWebhook))
    return _ok()


async def webhook_delete(request: web.Request) -> web.Response:
    await request.app[FRONT].webhooks.delete(await _params(request, WebhookRef))
    return _ok()


def _workspace(front: Front) -> dict[str, Any]:
    return workspace(Workspace(front.keys.workspace_id, "lockgw fleet", is_sandbox=False))


async def workspace_get(request: web.Request) -> web.Response:
    await _params(request, GetWorkspace)
    return _ok(workspace=_workspace(request.app[FRONT]))


async def workspace_list(request: web.Request) -> web.Response:
    await _params(request, GetWorkspace)
    return _ok(workspaces=[_workspace(request.app[FRONT])])


async def health(request: web.Request) -> web.Response:
    """The front's view of the fleet, for monitoring: no auth, nothing secret."""
    front = request.app[FRONT]
    hubs = [hub.summary() for hub in front.directory.sorted()]
    connected = front.broker_connected()
    return _json(
        {
            "ok": connected,
            "broker": "connected" if connected else "disconnected",
            "hubs_known": len(hubs),
            "hubs_online": sum(1 for h in hubs if h["online"]),
            "hubs": hubs,
        }
    )


# The front's own answers to routes a hub has (at the methods declared for them).
OWN_ROUTES: dict[str, Handler] = {
    "/webhooks/create": webhook_create,
    "/webhooks/get": webhook_get,
    "/webhooks/list": webhook_list,
    "/webhooks/update": webhook_update,
    "/webhooks/delete": webhook_delete,
    "/workspaces/get": workspace_get,
    "/workspaces/list": workspace_list,
}
assert set(OWN_ROUTES) <= set(BY_PATH), "the front answers only routes a hub has"


def build_app(front: Front) -> web.Application:
    app = web.Application(middlewares=[seam_errors, bearer_auth], client_max_size=MAX_BODY_BYTES)
    app[FRONT] = front
    app.router.add_get("/health", health)
    for declared in ROUTES:
        handler = OWN_ROUTES.get(declared.path, forwarded)
        for method in declared.methods:
            app.router.add_route(method, declared.path, handler)
    return app
